"""SQL for meeting signing keys and the badge issue register (revocations, print history)."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store

BADGE_COLUMNS = (
    "b.id, b.meeting_id, b.serial, b.attendee_id, b.key_no, b.token, b.not_before, b.not_after, b.issued_at,"
    " b.issued_by, b.replaces_serial, b.reissue_reason,"
    " r.at AS revoked_at, r.operator AS revoked_by, r.reason AS revoke_reason,"
    " (SELECT count(*) FROM badge_prints p WHERE p.badge_id = b.id) AS print_count"
)
BADGE_FROM = "badges b LEFT JOIN badge_revocations r ON r.badge_id = b.id"


def key(store: Store, meeting_id: int, key_no: int | None = None) -> dict[str, Any] | None:
    if key_no is None:
        return store.query_one("SELECT * FROM meeting_keys WHERE meeting_id = ? ORDER BY key_no DESC LIMIT 1", [meeting_id])
    return store.query_one("SELECT * FROM meeting_keys WHERE meeting_id = ? AND key_no = ?", [meeting_id, key_no])


def public_key(store: Store, meeting_id: int, key_no: int) -> bytes | None:
    row = store.query_one("SELECT public_key FROM meeting_keys WHERE meeting_id = ? AND key_no = ?", [meeting_id, key_no])
    return bytes(row["public_key"]) if row else None


def insert_key(store: Store, meeting_id: int, key_no: int, private: bytes, public: bytes, at: str, operator: str) -> int:
    cursor = store.execute(
        "INSERT INTO meeting_keys (meeting_id, key_no, private_key, public_key, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
        [meeting_id, key_no, private, public, at, operator],
    )
    return int(cursor.lastrowid)


def next_serial(store: Store, meeting_id: int) -> int:
    row = store.query_one("SELECT coalesce(max(serial), 0) + 1 AS n FROM badges WHERE meeting_id = ?", [meeting_id])
    return int(row["n"]) if row else 1


def insert_badge(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO badges (meeting_id, serial, attendee_id, key_no, token, not_before, not_after, issued_at, issued_by,"
        " replaces_serial, reissue_reason) VALUES (:meeting_id, :serial, :attendee_id, :key_no, :token, :not_before,"
        " :not_after, :issued_at, :issued_by, :replaces_serial, :reissue_reason)",
        row,
    )
    return int(cursor.lastrowid)


def revoke(store: Store, badge_id: int, at: str, operator: str, reason: str) -> None:
    store.execute(
        "INSERT INTO badge_revocations (badge_id, at, operator, reason) VALUES (?, ?, ?, ?)", [badge_id, at, operator, reason]
    )


def badge_by_serial(store: Store, meeting_id: int, serial: int) -> dict[str, Any] | None:
    return store.query_one(f"SELECT {BADGE_COLUMNS} FROM {BADGE_FROM} WHERE b.meeting_id = ? AND b.serial = ?", [meeting_id, serial])


def badge(store: Store, badge_id: int) -> dict[str, Any] | None:
    return store.query_one(f"SELECT {BADGE_COLUMNS} FROM {BADGE_FROM} WHERE b.id = ?", [badge_id])


def active_badge(store: Store, meeting_id: int, attendee_id: int) -> dict[str, Any] | None:
    return store.query_one(
        f"SELECT {BADGE_COLUMNS} FROM {BADGE_FROM} WHERE b.meeting_id = ? AND b.attendee_id = ? AND r.id IS NULL"
        " ORDER BY b.id DESC LIMIT 1",
        [meeting_id, attendee_id],
    )


def badges(store: Store, meeting_id: int, active_only: bool = False, attendee_ids: list[int] | None = None) -> list[dict[str, Any]]:
    sql = f"SELECT {BADGE_COLUMNS} FROM {BADGE_FROM} WHERE b.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if active_only:
        sql += " AND r.id IS NULL"
    if attendee_ids is not None:
        sql += f" AND b.attendee_id IN ({','.join('?' * len(attendee_ids))})"
        params.extend(attendee_ids)
    return store.query(sql + " ORDER BY b.serial", params)


def insert_print(store: Store, badge_id: int, at: str, operator: str, layout: str, reprint: bool) -> None:
    store.execute(
        "INSERT INTO badge_prints (badge_id, at, operator, layout, reprint) VALUES (?, ?, ?, ?, ?)",
        [badge_id, at, operator, layout, int(reprint)],
    )


def prints(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT p.*, b.serial, b.attendee_id FROM badge_prints p JOIN badges b ON b.id = p.badge_id"
        " WHERE b.meeting_id = ? ORDER BY p.id",
        [meeting_id],
    )
