"""Sweeps attached to meetings: the sweep (its findings.json as attached, hashed), one row per
finding, and the append-only review events of each finding (suspect → friendly / resolved /
declared). The current state of a finding is its newest event."""

from __future__ import annotations

import sqlite_utils

VERSION = 5

STATEMENTS = [
    """CREATE TABLE sweeps (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        room_name TEXT NOT NULL DEFAULT '',
        profile TEXT,
        source TEXT NOT NULL,
        started TEXT,
        passes INTEGER NOT NULL,
        out_dir TEXT NOT NULL DEFAULT '',
        findings_sha256 TEXT NOT NULL,
        document TEXT NOT NULL,
        attached_at TEXT NOT NULL,
        attached_by TEXT NOT NULL
    )""",
    "CREATE INDEX sweeps_meeting ON sweeps(meeting_id, id)",
    """CREATE TABLE sweep_findings (
        id INTEGER PRIMARY KEY,
        sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
        position INTEGER NOT NULL,
        freq_hz REAL NOT NULL,
        bandwidth_hz REAL NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('new', 'stronger', 'ambient', 'friendly', 'artifact')),
        data TEXT NOT NULL,
        UNIQUE (sweep_id, position)
    )""",
    """CREATE TABLE sweep_finding_events (
        id INTEGER PRIMARY KEY,
        finding_id INTEGER NOT NULL REFERENCES sweep_findings(id),
        state TEXT NOT NULL CHECK (state IN ('suspect', 'friendly', 'resolved', 'declared')),
        note TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    "CREATE INDEX sweep_finding_events_finding ON sweep_finding_events(finding_id, id)",
]


def apply(db: sqlite_utils.Database) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
