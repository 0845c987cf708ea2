"""SQL for operators."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store


def get_by_name(store: Store, name: str) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM operators WHERE name = ?", [name])


def insert(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO operators (name, display_name, password_hash, roles, lang, disabled, created_at)"
        " VALUES (:name, :display_name, :password_hash, :roles, :lang, 0, :created_at)",
        row,
    )
    return int(cursor.lastrowid)


def list_all(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT id, name, display_name, roles, lang, disabled, created_at FROM operators ORDER BY name")


def set_disabled(store: Store, name: str, disabled: bool) -> None:
    store.execute("UPDATE operators SET disabled = ? WHERE name = ?", [1 if disabled else 0, name])


def set_lang(store: Store, name: str, lang: str) -> None:
    store.execute("UPDATE operators SET lang = ? WHERE name = ?", [lang, name])


def set_password_hash(store: Store, name: str, password_hash: str) -> None:
    store.execute("UPDATE operators SET password_hash = ? WHERE name = ?", [password_hash, name])


def set_roles(store: Store, name: str, roles: str) -> None:
    store.execute("UPDATE operators SET roles = ? WHERE name = ?", [roles, name])


def count(store: Store) -> int:
    row = store.query_one("SELECT count(*) AS n FROM operators")
    return int(row["n"]) if row else 0
