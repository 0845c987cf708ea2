"""Badges and the registration desk: per-meeting signing keys, the badge issue register with
revocations and print history, sign-in scans, presence events and device custody events.

Scans, presence events, custody events, revocations and prints are append-only registers:
triggers refuse UPDATE and DELETE on them, so current state is always a query over events.
"""

from __future__ import annotations

import sqlite_utils

VERSION = 2

APPEND_ONLY = ("badge_revocations", "badge_prints", "scans", "presence_events", "badgeless_admissions", "custody_events")

STATEMENTS = [
    """CREATE TABLE meeting_keys (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        key_no INTEGER NOT NULL,
        private_key BLOB NOT NULL,
        public_key BLOB NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        UNIQUE (meeting_id, key_no)
    )""",
    """CREATE TABLE badges (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        serial INTEGER NOT NULL,
        attendee_id INTEGER NOT NULL REFERENCES attendees(id),
        key_no INTEGER NOT NULL,
        token TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        issued_by TEXT NOT NULL,
        replaces_serial INTEGER,
        reissue_reason TEXT NOT NULL DEFAULT '',
        UNIQUE (meeting_id, serial)
    )""",
    "CREATE INDEX badges_attendee ON badges(attendee_id, id)",
    """CREATE TABLE badge_revocations (
        id INTEGER PRIMARY KEY,
        badge_id INTEGER NOT NULL UNIQUE REFERENCES badges(id),
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        reason TEXT NOT NULL
    )""",
    """CREATE TABLE badge_prints (
        id INTEGER PRIMARY KEY,
        badge_id INTEGER NOT NULL REFERENCES badges(id),
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        layout TEXT NOT NULL,
        reprint INTEGER NOT NULL
    )""",
    "CREATE INDEX badge_prints_badge ON badge_prints(badge_id)",
    """CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        desk TEXT NOT NULL,
        operator TEXT NOT NULL,
        at TEXT NOT NULL,
        direction TEXT NOT NULL,
        verdict TEXT NOT NULL,
        attendee_id INTEGER,
        serial INTEGER,
        input_digest TEXT NOT NULL,
        input_excerpt TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        reason_zh TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX scans_desk ON scans(meeting_id, desk, id)",
    "CREATE INDEX scans_verdict ON scans(meeting_id, verdict)",
    """CREATE TABLE presence_events (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        attendee_id INTEGER NOT NULL REFERENCES attendees(id),
        kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),
        at TEXT NOT NULL,
        desk TEXT NOT NULL,
        operator TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('badge', 'no_badge')),
        scan_id INTEGER REFERENCES scans(id)
    )""",
    "CREATE INDEX presence_attendee ON presence_events(meeting_id, attendee_id, id)",
    """CREATE TABLE badgeless_admissions (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        attendee_id INTEGER NOT NULL REFERENCES attendees(id),
        at TEXT NOT NULL,
        desk TEXT NOT NULL,
        operator TEXT NOT NULL,
        supervisor TEXT NOT NULL,
        reason TEXT NOT NULL,
        id_check_note TEXT NOT NULL,
        presence_event_id INTEGER NOT NULL REFERENCES presence_events(id)
    )""",
    """CREATE TABLE custody_events (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        attendee_id INTEGER NOT NULL REFERENCES attendees(id),
        tag TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('deposit', 'return')),
        items TEXT NOT NULL DEFAULT '',
        item_count INTEGER NOT NULL,
        at TEXT NOT NULL,
        desk TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    "CREATE INDEX custody_tag ON custody_events(meeting_id, tag, id)",
    "CREATE INDEX custody_attendee ON custody_events(meeting_id, attendee_id, id)",
]


def append_only_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{table} is an append-only register'); END"
        for table in APPEND_ONLY
        for op in ("UPDATE", "DELETE")
    ]


def apply(db: sqlite_utils.Database) -> None:
    for statement in STATEMENTS + append_only_triggers():
        db.execute(statement)
