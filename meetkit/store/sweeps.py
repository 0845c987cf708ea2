"""SQL for sweeps attached to meetings, their findings and the findings' review events.
Rows are only inserted: a finding's state is its newest event."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store


def insert_sweep(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO sweeps (meeting_id, room_name, profile, source, started, passes, out_dir, findings_sha256, document, attached_at, attached_by)"
        " VALUES (:meeting_id, :room_name, :profile, :source, :started, :passes, :out_dir, :findings_sha256, :document, :attached_at, :attached_by)",
        row,
    )
    return int(cursor.lastrowid)


def insert_finding(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO sweep_findings (sweep_id, position, freq_hz, bandwidth_hz, kind, status, data)"
        " VALUES (:sweep_id, :position, :freq_hz, :bandwidth_hz, :kind, :status, :data)",
        row,
    )
    return int(cursor.lastrowid)


def insert_event(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO sweep_finding_events (finding_id, state, note, at, operator) VALUES (:finding_id, :state, :note, :at, :operator)",
        row,
    )
    return int(cursor.lastrowid)


def get_sweep(store: Store, sweep_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM sweeps WHERE id = ?", [sweep_id])


def sweeps_for_meeting(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT id, meeting_id, room_name, profile, source, started, passes, out_dir, findings_sha256, attached_at, attached_by"
        " FROM sweeps WHERE meeting_id = ? ORDER BY id",
        [meeting_id],
    )


def get_finding(store: Store, finding_id: int) -> dict[str, Any] | None:
    return store.query_one(
        "SELECT f.*, s.meeting_id FROM sweep_findings f JOIN sweeps s ON s.id = f.sweep_id WHERE f.id = ?", [finding_id]
    )


def findings_with_state(store: Store, sweep_id: int) -> list[dict[str, Any]]:
    """Every finding of a sweep with its newest review event (state NULL: never a suspect)."""
    return store.query(
        "SELECT f.*, e.state AS state, e.note AS state_note, e.at AS state_at, e.operator AS state_operator"
        " FROM sweep_findings f LEFT JOIN sweep_finding_events e ON e.id ="
        " (SELECT max(x.id) FROM sweep_finding_events x WHERE x.finding_id = f.id)"
        " WHERE f.sweep_id = ? ORDER BY f.position",
        [sweep_id],
    )


def events(store: Store, finding_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM sweep_finding_events WHERE finding_id = ? ORDER BY id", [finding_id])
