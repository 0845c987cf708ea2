"""SQL for the registration desk: scans, presence events, badge-less admissions and device
custody events. All four are append-only registers."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store


def _one(store: Store, sql: str, params: Any) -> dict[str, Any] | None:
    """One row straight from the connection: the sign-in path runs inside its own
    transaction and skips the per-query savepoint that ``Store.query`` adds."""
    cursor = store.conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return {d[0]: v for d, v in zip(cursor.description, row)}


def meeting_state(store: Store, meeting_id: int) -> str | None:
    row = _one(store, "SELECT state FROM meetings WHERE id = ?", [meeting_id])
    return str(row["state"]) if row else None


def attendee_for_desk(store: Store, attendee_id: int, meeting_id: int) -> dict[str, Any] | None:
    """What the desk needs about one attendee: who, where they sit, approved, pledged."""
    return _one(
        store,
        "SELECT a.id, a.name, a.unit, a.seat, a.category, a.photo IS NOT NULL AS has_photo, a.status,"
        " EXISTS (SELECT 1 FROM pledges p WHERE p.attendee_id = a.id) AS pledged"
        " FROM attendees a WHERE a.id = ? AND a.meeting_id = ?",
        [attendee_id, meeting_id],
    )


def badge_for_desk(store: Store, meeting_id: int, serial: int) -> dict[str, Any] | None:
    return _one(
        store,
        "SELECT b.id, b.attendee_id, r.at AS revoked_at, r.reason AS revoke_reason FROM badges b"
        " LEFT JOIN badge_revocations r ON r.badge_id = b.id WHERE b.meeting_id = ? AND b.serial = ?",
        [meeting_id, serial],
    )


# ---- scans ------------------------------------------------------------------------------


def insert_scan(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO scans (meeting_id, desk, operator, at, direction, verdict, attendee_id, serial, input_digest,"
        " input_excerpt, reason, reason_zh) VALUES (:meeting_id, :desk, :operator, :at, :direction, :verdict, :attendee_id, :serial,"
        " :input_digest, :input_excerpt, :reason, :reason_zh)",
        row,
    )
    return int(cursor.lastrowid)


def last_scan_at_desk(store: Store, meeting_id: int, desk: str) -> dict[str, Any] | None:
    return _one(store, "SELECT * FROM scans WHERE meeting_id = ? AND desk = ? ORDER BY id DESC LIMIT 1", [meeting_id, desk])


def recent_scans(store: Store, meeting_id: int, limit: int = 20, desk: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT s.*, a.name AS attendee_name FROM scans s LEFT JOIN attendees a ON a.id = s.attendee_id WHERE s.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if desk is not None:
        sql += " AND s.desk = ?"
        params.append(desk)
    return store.query(sql + " ORDER BY s.id DESC LIMIT ?", [*params, limit])


def scans_with_verdicts(store: Store, meeting_id: int, verdicts: list[str]) -> list[dict[str, Any]]:
    marks = ",".join("?" * len(verdicts))
    return store.query(
        f"SELECT s.*, a.name AS attendee_name, a.unit AS attendee_unit FROM scans s LEFT JOIN attendees a ON a.id = s.attendee_id"
        f" WHERE s.meeting_id = ? AND s.verdict IN ({marks}) ORDER BY s.id",
        [meeting_id, *verdicts],
    )


def verdict_counts(store: Store, meeting_id: int) -> dict[str, int]:
    rows = store.query("SELECT verdict, count(*) AS n FROM scans WHERE meeting_id = ? GROUP BY verdict", [meeting_id])
    return {r["verdict"]: int(r["n"]) for r in rows}


# ---- presence ---------------------------------------------------------------------------


def insert_presence(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO presence_events (meeting_id, attendee_id, kind, at, desk, operator, via, scan_id)"
        " VALUES (:meeting_id, :attendee_id, :kind, :at, :desk, :operator, :via, :scan_id)",
        row,
    )
    return int(cursor.lastrowid)


def last_presence(store: Store, meeting_id: int, attendee_id: int) -> dict[str, Any] | None:
    return _one(
        store, "SELECT * FROM presence_events WHERE meeting_id = ? AND attendee_id = ? ORDER BY id DESC LIMIT 1", [meeting_id, attendee_id]
    )


def presence_summary(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    """One row per attendee with any presence event: last event, first entry, entry count."""
    return store.query(
        "SELECT e.attendee_id, e.kind AS last_kind, e.at AS last_at, e.desk AS last_desk,"
        " (SELECT min(f.at) FROM presence_events f WHERE f.meeting_id = e.meeting_id AND f.attendee_id = e.attendee_id AND f.kind = 'in') AS first_in,"
        " (SELECT f.desk FROM presence_events f WHERE f.meeting_id = e.meeting_id AND f.attendee_id = e.attendee_id AND f.kind = 'in' ORDER BY f.id LIMIT 1) AS first_desk,"
        " (SELECT count(*) FROM presence_events f WHERE f.meeting_id = e.meeting_id AND f.attendee_id = e.attendee_id AND f.kind = 'in') AS entries,"
        " (SELECT max(f.via = 'no_badge') FROM presence_events f WHERE f.meeting_id = e.meeting_id AND f.attendee_id = e.attendee_id) AS no_badge"
        " FROM presence_events e WHERE e.meeting_id = ? AND e.id = (SELECT max(g.id) FROM presence_events g"
        " WHERE g.meeting_id = e.meeting_id AND g.attendee_id = e.attendee_id)",
        [meeting_id],
    )


def approved_count(store: Store, meeting_id: int) -> int:
    row = store.query_one("SELECT count(*) AS n FROM attendees WHERE meeting_id = ? AND status = 'approved'", [meeting_id])
    return int(row["n"]) if row else 0


def present_count(store: Store, meeting_id: int) -> int:
    row = store.query_one(
        "SELECT count(*) AS n FROM presence_events e WHERE e.meeting_id = ? AND e.kind = 'in' AND e.id = (SELECT max(g.id)"
        " FROM presence_events g WHERE g.meeting_id = e.meeting_id AND g.attendee_id = e.attendee_id)",
        [meeting_id],
    )
    return int(row["n"]) if row else 0


def insert_admission(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO badgeless_admissions (meeting_id, attendee_id, at, desk, operator, supervisor, reason, id_check_note,"
        " presence_event_id) VALUES (:meeting_id, :attendee_id, :at, :desk, :operator, :supervisor, :reason, :id_check_note,"
        " :presence_event_id)",
        row,
    )
    return int(cursor.lastrowid)


def admissions(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT d.*, a.name AS attendee_name, a.unit AS attendee_unit FROM badgeless_admissions d"
        " JOIN attendees a ON a.id = d.attendee_id WHERE d.meeting_id = ? ORDER BY d.id",
        [meeting_id],
    )


# ---- device custody ---------------------------------------------------------------------


def insert_custody(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO custody_events (meeting_id, attendee_id, tag, kind, items, item_count, at, desk, operator)"
        " VALUES (:meeting_id, :attendee_id, :tag, :kind, :items, :item_count, :at, :desk, :operator)",
        row,
    )
    return int(cursor.lastrowid)


def custody_event(store: Store, event_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM custody_events WHERE id = ?", [event_id])


def held_tags(store: Store, meeting_id: int, attendee_id: int | None = None, tag: str | None = None) -> list[dict[str, Any]]:
    """Tags whose last event is a deposit: the items still in custody."""
    sql = (
        "SELECT e.*, a.name AS attendee_name, a.unit AS attendee_unit FROM custody_events e JOIN attendees a ON a.id = e.attendee_id"
        " WHERE e.meeting_id = ? AND e.kind = 'deposit' AND e.id = (SELECT max(g.id) FROM custody_events g"
        " WHERE g.meeting_id = e.meeting_id AND g.tag = e.tag)"
    )
    params: list[Any] = [meeting_id]
    if attendee_id is not None:
        sql += " AND e.attendee_id = ?"
        params.append(attendee_id)
    if tag is not None:
        sql += " AND e.tag = ?"
        params.append(tag)
    return store.query(sql + " ORDER BY e.tag", params)


def custody_history(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT e.*, a.name AS attendee_name FROM custody_events e JOIN attendees a ON a.id = e.attendee_id"
        " WHERE e.meeting_id = ? ORDER BY e.id",
        [meeting_id],
    )
