"""Foundation: operators, the hash-chained audit log, meetings, rooms, attendees, vetting."""

from __future__ import annotations

import sqlite_utils

VERSION = 1

STATEMENTS = [
    """CREATE TABLE operators (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL,
        roles TEXT NOT NULL,
        lang TEXT NOT NULL DEFAULT 'zh',
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        meeting_id INTEGER,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "CREATE INDEX audit_log_meeting ON audit_log(meeting_id, seq)",
    """CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    )""",
    """CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        level TEXT NOT NULL,
        venue TEXT NOT NULL DEFAULT '',
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        chair TEXT NOT NULL DEFAULT '',
        organizer TEXT NOT NULL DEFAULT '',
        relay_scope TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    )""",
    """CREATE TABLE meeting_transitions (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        override_reason TEXT,
        blockers TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE rooms (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        UNIQUE (meeting_id, name)
    )""",
    """CREATE TABLE attendees (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        name TEXT NOT NULL,
        unit TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        id_number TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        category TEXT NOT NULL DEFAULT 'delegate',
        seat TEXT NOT NULL DEFAULT '',
        room_id INTEGER REFERENCES rooms(id),
        photo BLOB,
        status TEXT NOT NULL DEFAULT 'pending',
        status_reason TEXT NOT NULL DEFAULT '',
        decided_by TEXT,
        decided_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX attendees_meeting ON attendees(meeting_id, status)",
    "CREATE INDEX attendees_id_number ON attendees(meeting_id, id_number)",
    """CREATE TABLE attendee_decisions (
        id INTEGER PRIMARY KEY,
        attendee_id INTEGER NOT NULL REFERENCES attendees(id),
        decision TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    """CREATE TABLE approvals (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        approved_count INTEGER NOT NULL,
        list_hash TEXT NOT NULL
    )""",
    """CREATE TABLE pledges (
        id INTEGER PRIMARY KEY,
        attendee_id INTEGER NOT NULL REFERENCES attendees(id),
        at TEXT NOT NULL,
        witness TEXT NOT NULL
    )""",
    "CREATE INDEX pledges_attendee ON pledges(attendee_id)",
]


def apply(db: sqlite_utils.Database) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
