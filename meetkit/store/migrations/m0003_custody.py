"""Controlled documents: documents, numbered copies, the copy custody ledger and its state
projection, incidents, destruction batches, recording consents.

The ledger (``copy_events``) and the other registers are append-only: triggers refuse UPDATE
and DELETE. ``copy_state`` is the one table that changes: the projection of the ledger.
"""

from __future__ import annotations

import sqlite_utils

VERSION = 3

APPEND_ONLY = (
    "copy_events", "copy_incidents", "copy_incident_closures", "destruction_items", "destruction_signoffs",
    "recording_consents",
)

STATEMENTS = [
    """CREATE TABLE recording_consents (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        speaker TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '',
        given_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL
    )""",
    """CREATE TABLE controlled_documents (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        kind TEXT NOT NULL CHECK (kind IN ('document', 'notebook', 'recording')),
        title TEXT NOT NULL,
        doc_number TEXT NOT NULL DEFAULT '',
        level TEXT NOT NULL,
        origin_unit TEXT NOT NULL DEFAULT '',
        pages INTEGER NOT NULL DEFAULT 0,
        copies INTEGER NOT NULL,
        policy TEXT NOT NULL CHECK (policy IN ('return', 'take-away', 'keep')),
        take_away_units TEXT NOT NULL DEFAULT '[]',
        take_away_attendees TEXT NOT NULL DEFAULT '[]',
        retention_until TEXT,
        consent_id INTEGER REFERENCES recording_consents(id),
        media TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    )""",
    "CREATE INDEX controlled_documents_meeting ON controlled_documents(meeting_id, kind)",
    """CREATE TABLE controlled_copies (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        document_id INTEGER NOT NULL REFERENCES controlled_documents(id),
        number INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        UNIQUE (meeting_id, number),
        UNIQUE (document_id, seq)
    )""",
    """CREATE TABLE copy_events (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        copy_id INTEGER NOT NULL REFERENCES controlled_copies(id),
        document_id INTEGER NOT NULL REFERENCES controlled_documents(id),
        kind TEXT NOT NULL CHECK (kind IN ('created', 'issued', 'returned', 'taken_away', 'lost', 'recovered',
                                           'destroyed', 'handed_over', 'archived')),
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        holder_kind TEXT CHECK (holder_kind IS NULL OR holder_kind IN ('attendee', 'operator')),
        holder_ref TEXT,
        by_attendee INTEGER,
        violation INTEGER NOT NULL DEFAULT 0,
        unit TEXT NOT NULL DEFAULT '',
        carrier TEXT NOT NULL DEFAULT '',
        receipt TEXT NOT NULL DEFAULT '',
        incident_id INTEGER,
        batch_id INTEGER,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX copy_events_copy ON copy_events(copy_id, id)",
    "CREATE INDEX copy_events_holder ON copy_events(meeting_id, holder_kind, holder_ref, kind, violation)",
    "CREATE INDEX copy_events_document ON copy_events(meeting_id, document_id, kind, copy_id, violation)",
    # The current state of each copy: a projection of the append-only ledger (the fold in
    # meetkit.custody.ledger), written in the same transaction as every event and checkable
    # against the events at any time (ledger.verify_projection). It lets the reconciliation
    # board read 60,000 copies in a few milliseconds.
    """CREATE TABLE copy_state (
        copy_id INTEGER PRIMARY KEY REFERENCES controlled_copies(id),
        meeting_id INTEGER NOT NULL,
        document_id INTEGER NOT NULL,
        number INTEGER NOT NULL,
        state TEXT NOT NULL,
        holder_kind TEXT,
        holder_ref TEXT,
        event_id INTEGER NOT NULL REFERENCES copy_events(id)
    )""",
    "CREATE INDEX copy_state_document ON copy_state(meeting_id, document_id, state)",
    "CREATE INDEX copy_state_holder ON copy_state(meeting_id, state, holder_kind, holder_ref)",
    """CREATE TABLE copy_incidents (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        copy_id INTEGER NOT NULL REFERENCES controlled_copies(id),
        kind TEXT NOT NULL CHECK (kind IN ('lost', 'transfer')),
        opened_at TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        holder_kind TEXT,
        holder_ref TEXT,
        returned_by INTEGER,
        discovered_at TEXT NOT NULL,
        reported_to TEXT NOT NULL DEFAULT '',
        measures TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX copy_incidents_meeting ON copy_incidents(meeting_id)",
    """CREATE TABLE copy_incident_closures (
        incident_id INTEGER PRIMARY KEY REFERENCES copy_incidents(id),
        closed_at TEXT NOT NULL,
        closed_by TEXT NOT NULL,
        resolution TEXT NOT NULL
    )""",
    """CREATE TABLE destruction_batches (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        method TEXT NOT NULL,
        place TEXT NOT NULL,
        proposed_at TEXT NOT NULL,
        proposed_by TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE destruction_items (
        batch_id INTEGER NOT NULL REFERENCES destruction_batches(id),
        copy_id INTEGER NOT NULL REFERENCES controlled_copies(id),
        PRIMARY KEY (batch_id, copy_id)
    )""",
    "CREATE INDEX destruction_items_copy ON destruction_items(copy_id)",
    """CREATE TABLE destruction_signoffs (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES destruction_batches(id),
        role TEXT NOT NULL CHECK (role IN ('approval', 'witness', 'carried_out', 'cancelled')),
        operator TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (batch_id, role, operator)
    )""",
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
