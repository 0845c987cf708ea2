"""Checklists and gates: templates (library and per-meeting, versioned), checklist instances per
room, their items, append-only results, photos kept inside the encrypted store, follow-ups
with their events, and sign-offs (sign / reopen events)."""

from __future__ import annotations

import sqlite_utils

VERSION = 4

STATEMENTS = [
    # A template version. meeting_id NULL and a name: a library template saved for reuse;
    # a meeting_id: that meeting's own edited copy. Every edit inserts a new row; the latest wins.
    """CREATE TABLE checklist_templates (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        meeting_id INTEGER REFERENCES meetings(id),
        kind TEXT NOT NULL CHECK (kind IN ('pre', 'post')),
        title_en TEXT NOT NULL,
        title_zh TEXT NOT NULL,
        items TEXT NOT NULL,
        based_on TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    "CREATE INDEX checklist_templates_lookup ON checklist_templates(meeting_id, kind, name, id)",
    """CREATE TABLE checklists (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        kind TEXT NOT NULL CHECK (kind IN ('pre', 'post')),
        room_id INTEGER REFERENCES rooms(id),
        room_name TEXT NOT NULL,
        room_kind TEXT NOT NULL,
        template_name TEXT NOT NULL,
        title_en TEXT NOT NULL,
        title_zh TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    )""",
    "CREATE INDEX checklists_meeting ON checklists(meeting_id, kind)",
    """CREATE TABLE checklist_items (
        id INTEGER PRIMARY KEY,
        checklist_id INTEGER NOT NULL REFERENCES checklists(id),
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        section_en TEXT NOT NULL DEFAULT '',
        section_zh TEXT NOT NULL DEFAULT '',
        en TEXT NOT NULL,
        zh TEXT NOT NULL,
        flags TEXT NOT NULL DEFAULT '',
        copy_id INTEGER,
        added_at TEXT NOT NULL,
        UNIQUE (checklist_id, key)
    )""",
    """CREATE TABLE checklist_results (
        id INTEGER PRIMARY KEY,
        checklist_id INTEGER NOT NULL REFERENCES checklists(id),
        item_id INTEGER NOT NULL REFERENCES checklist_items(id),
        outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'na')),
        note TEXT NOT NULL DEFAULT '',
        copy_found INTEGER NOT NULL DEFAULT 0,
        at TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    "CREATE INDEX checklist_results_item ON checklist_results(checklist_id, item_id, id)",
    """CREATE TABLE checklist_photos (
        id INTEGER PRIMARY KEY,
        checklist_id INTEGER NOT NULL REFERENCES checklists(id),
        item_id INTEGER NOT NULL REFERENCES checklist_items(id),
        result_id INTEGER REFERENCES checklist_results(id),
        filename TEXT NOT NULL,
        mime TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        width_px INTEGER NOT NULL,
        height_px INTEGER NOT NULL,
        data BLOB NOT NULL,
        thumbnail BLOB NOT NULL,
        at TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    "CREATE INDEX checklist_photos_item ON checklist_photos(checklist_id, item_id)",
    """CREATE TABLE checklist_followups (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        checklist_id INTEGER NOT NULL REFERENCES checklists(id),
        item_id INTEGER NOT NULL REFERENCES checklist_items(id),
        result_id INTEGER NOT NULL REFERENCES checklist_results(id),
        description TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        opened_by TEXT NOT NULL
    )""",
    "CREATE INDEX checklist_followups_meeting ON checklist_followups(meeting_id, checklist_id)",
    """CREATE TABLE checklist_followup_events (
        id INTEGER PRIMARY KEY,
        followup_id INTEGER NOT NULL REFERENCES checklist_followups(id),
        action TEXT NOT NULL CHECK (action IN ('assign', 'resolve')),
        owner TEXT,
        due_at TEXT,
        note TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    "CREATE INDEX checklist_followup_events_f ON checklist_followup_events(followup_id, id)",
    """CREATE TABLE checklist_signoffs (
        id INTEGER PRIMARY KEY,
        checklist_id INTEGER NOT NULL REFERENCES checklists(id),
        action TEXT NOT NULL CHECK (action IN ('sign', 'reopen')),
        reason TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        operator TEXT NOT NULL
    )""",
    "CREATE INDEX checklist_signoffs_c ON checklist_signoffs(checklist_id, id)",
]


def apply(db: sqlite_utils.Database) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
