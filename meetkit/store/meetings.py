"""SQL for meetings, their rooms and their state transitions."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store

FIELDS = ("title", "level", "venue", "starts_at", "ends_at", "chair", "organizer", "relay_scope", "notes")


def insert(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO meetings (title, level, venue, starts_at, ends_at, chair, organizer, relay_scope, notes, state, created_at, created_by)"
        " VALUES (:title, :level, :venue, :starts_at, :ends_at, :chair, :organizer, :relay_scope, :notes, :state, :created_at, :created_by)",
        row,
    )
    return int(cursor.lastrowid)


def get(store: Store, meeting_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM meetings WHERE id = ?", [meeting_id])


def list_all(store: Store) -> list[dict[str, Any]]:
    return store.query(
        "SELECT m.*, (SELECT count(*) FROM attendees a WHERE a.meeting_id = m.id) AS attendee_count"
        " FROM meetings m ORDER BY m.starts_at DESC, m.id DESC"
    )


def update_fields(store: Store, meeting_id: int, changes: dict[str, Any]) -> None:
    assignments = ", ".join(f"{k} = :{k}" for k in changes if k in FIELDS)
    if assignments:
        store.execute(f"UPDATE meetings SET {assignments} WHERE id = :id", {**changes, "id": meeting_id})


def set_state(store: Store, meeting_id: int, state: str) -> None:
    store.execute("UPDATE meetings SET state = ? WHERE id = ?", [state, meeting_id])


def insert_transition(store: Store, row: dict[str, Any]) -> None:
    store.execute(
        "INSERT INTO meeting_transitions (meeting_id, from_state, to_state, at, operator, override_reason, blockers)"
        " VALUES (:meeting_id, :from_state, :to_state, :at, :operator, :override_reason, :blockers)",
        row,
    )


def transitions(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM meeting_transitions WHERE meeting_id = ? ORDER BY id", [meeting_id])


def insert_room(store: Store, meeting_id: int, name: str, kind: str, notes: str) -> int:
    cursor = store.execute(
        "INSERT INTO rooms (meeting_id, name, kind, notes) VALUES (?, ?, ?, ?)", [meeting_id, name, kind, notes]
    )
    return int(cursor.lastrowid)


def rooms(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM rooms WHERE meeting_id = ? ORDER BY kind, name", [meeting_id])


def room_by_name(store: Store, meeting_id: int, name: str) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM rooms WHERE meeting_id = ? AND name = ?", [meeting_id, name])
