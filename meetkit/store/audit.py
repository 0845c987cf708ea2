"""SQL for the hash-chained audit log."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store


def head(store: Store) -> tuple[int, str] | None:
    row = store.query_one("SELECT seq, hash FROM audit_head WHERE id = 1")
    return (int(row["seq"]), str(row["hash"])) if row else None


def insert_entry(store: Store, entry: dict[str, Any]) -> None:
    store.execute(
        "INSERT INTO audit_log (seq, at, operator, action, subject, meeting_id, details, prev_hash, hash)"
        " VALUES (:seq, :at, :operator, :action, :subject, :meeting_id, :details, :prev_hash, :hash)",
        entry,
    )
    store.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"
        " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        entry,
    )


def iter_entries(store: Store) -> Any:
    """All entries in file order (rowid), so reordering in the file is visible."""
    cursor = store.execute(
        "SELECT rowid AS rowid_, seq, at, operator, action, subject, meeting_id, details, prev_hash, hash"
        " FROM audit_log ORDER BY rowid"
    )
    columns = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(columns, values))


def list_entries(store: Store, meeting_id: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT seq, at, operator, action, subject, meeting_id, details, hash FROM audit_log"
    params: list[Any] = []
    if meeting_id is not None:
        sql += " WHERE meeting_id = ?"
        params.append(meeting_id)
    sql += " ORDER BY seq DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return store.query(sql, params)
