"""SQL for attendees, the chair's decisions, approvals and pledges."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store

EDITABLE = ("name", "unit", "title", "id_number", "phone", "category", "seat", "room_id", "photo")
LIST_COLUMNS = (
    "a.id, a.meeting_id, a.name, a.unit, a.title, a.id_number, a.phone, a.category, a.seat, a.room_id,"
    " a.photo IS NOT NULL AS has_photo, a.status, a.status_reason, a.decided_by, a.decided_at, a.created_at, a.updated_at,"
    " r.name AS room, (SELECT max(p.at) FROM pledges p WHERE p.attendee_id = a.id) AS pledged_at,"
    " (SELECT p.witness FROM pledges p WHERE p.attendee_id = a.id ORDER BY p.id DESC LIMIT 1) AS pledge_witness"
)


def insert(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO attendees (meeting_id, name, unit, title, id_number, phone, category, seat, room_id, photo, status, created_at, updated_at)"
        " VALUES (:meeting_id, :name, :unit, :title, :id_number, :phone, :category, :seat, :room_id, :photo, 'pending', :at, :at)",
        row,
    )
    return int(cursor.lastrowid)


def get(store: Store, attendee_id: int) -> dict[str, Any] | None:
    return store.query_one(
        f"SELECT {LIST_COLUMNS} FROM attendees a LEFT JOIN rooms r ON r.id = a.room_id WHERE a.id = ?", [attendee_id]
    )


def photo(store: Store, attendee_id: int) -> bytes | None:
    row = store.query_one("SELECT photo FROM attendees WHERE id = ?", [attendee_id])
    return row["photo"] if row else None


def list_for_meeting(store: Store, meeting_id: int, status: str | None = None, unit: str | None = None, search: str | None = None) -> list[dict[str, Any]]:
    sql = f"SELECT {LIST_COLUMNS} FROM attendees a LEFT JOIN rooms r ON r.id = a.room_id WHERE a.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if status:
        sql += " AND a.status = ?"
        params.append(status)
    if unit:
        sql += " AND a.unit = ?"
        params.append(unit)
    if search:
        sql += " AND (instr(a.name, ?) > 0 OR instr(a.unit, ?) > 0 OR instr(a.seat, ?) > 0)"
        params.extend([search, search, search])
    sql += " ORDER BY a.id"
    return store.query(sql, params)


def status_counts(store: Store, meeting_id: int) -> dict[str, int]:
    rows = store.query("SELECT status, count(*) AS n FROM attendees WHERE meeting_id = ? GROUP BY status", [meeting_id])
    return {r["status"]: int(r["n"]) for r in rows}


def identity_keys(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT id, name, unit, id_number FROM attendees WHERE meeting_id = ?", [meeting_id])


def update(store: Store, attendee_id: int, changes: dict[str, Any], at: str) -> None:
    keys = [k for k in changes if k in EDITABLE]
    if not keys:
        return
    assignments = ", ".join(f"{k} = :{k}" for k in keys)
    store.execute(
        f"UPDATE attendees SET {assignments}, updated_at = :at WHERE id = :id",
        {**{k: changes[k] for k in keys}, "at": at, "id": attendee_id},
    )


def set_status(store: Store, attendee_id: int, status: str, reason: str, operator: str | None, at: str) -> None:
    store.execute(
        "UPDATE attendees SET status = ?, status_reason = ?, decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ?",
        [status, reason, operator, at if operator else None, at, attendee_id],
    )


def insert_decision(store: Store, attendee_id: int, decision: str, reason: str, at: str, operator: str) -> None:
    store.execute(
        "INSERT INTO attendee_decisions (attendee_id, decision, reason, at, operator) VALUES (?, ?, ?, ?, ?)",
        [attendee_id, decision, reason, at, operator],
    )


def approved_for_hash(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT id, name, unit, title, id_number, category, seat FROM attendees WHERE meeting_id = ? AND status = 'approved' ORDER BY id",
        [meeting_id],
    )


def insert_approval(store: Store, meeting_id: int, at: str, operator: str, count: int, list_hash: str) -> None:
    store.execute(
        "INSERT INTO approvals (meeting_id, at, operator, approved_count, list_hash) VALUES (?, ?, ?, ?, ?)",
        [meeting_id, at, operator, count, list_hash],
    )


def latest_approval(store: Store, meeting_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM approvals WHERE meeting_id = ? ORDER BY id DESC LIMIT 1", [meeting_id])


def insert_pledge(store: Store, attendee_id: int, at: str, witness: str) -> None:
    store.execute("INSERT INTO pledges (attendee_id, at, witness) VALUES (?, ?, ?)", [attendee_id, at, witness])


def units(store: Store, meeting_id: int) -> list[str]:
    return [r["unit"] for r in store.query("SELECT DISTINCT unit FROM attendees WHERE meeting_id = ? ORDER BY unit", [meeting_id])]
