"""SQL for controlled documents: documents, numbered copies, the append-only custody ledger
and its current-state projection, incidents, destruction batches, recording consents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from meetkit.store.db import Store

COPY_COLUMNS = (
    "c.id AS copy_id, c.meeting_id, c.document_id, c.number, c.seq, d.kind AS doc_kind, d.title, d.doc_number,"
    " d.level, d.copies AS doc_copies, d.policy, d.take_away_units, d.take_away_attendees,"
    " s.state, s.holder_kind, s.holder_ref, s.event_id"
)
COPY_FROM = (
    " FROM controlled_copies c JOIN controlled_documents d ON d.id = c.document_id"
    " JOIN copy_state s ON s.copy_id = c.id"
)


# ---- documents and copies ----------------------------------------------------------------


def insert_document(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO controlled_documents (meeting_id, kind, title, doc_number, level, origin_unit, pages, copies, policy,"
        " take_away_units, take_away_attendees, retention_until, consent_id, media, created_at, created_by)"
        " VALUES (:meeting_id, :kind, :title, :doc_number, :level, :origin_unit, :pages, :copies, :policy,"
        " :take_away_units, :take_away_attendees, :retention_until, :consent_id, :media, :created_at, :created_by)",
        row,
    )
    return int(cursor.lastrowid)


def get_document(store: Store, document_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM controlled_documents WHERE id = ?", [document_id])


def list_documents(store: Store, meeting_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM controlled_documents WHERE meeting_id = ?"
    params: list[Any] = [meeting_id]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return store.query(sql + " ORDER BY id", params)


def document_by_number(store: Store, meeting_id: int, doc_number: str) -> dict[str, Any] | None:
    return store.query_one(
        "SELECT * FROM controlled_documents WHERE meeting_id = ? AND doc_number = ? AND doc_number != ''", [meeting_id, doc_number]
    )


def next_copy_number(store: Store, meeting_id: int) -> int:
    row = store.query_one("SELECT coalesce(max(number), 0) + 1 AS n FROM controlled_copies WHERE meeting_id = ?", [meeting_id])
    return int(row["n"]) if row else 1


def insert_copies(store: Store, rows: Sequence[tuple[int, int, int, int]]) -> list[int]:
    """Rows of (meeting_id, document_id, number, seq); returns the new copy ids in order."""
    ids = []
    for row in rows:
        cursor = store.execute("INSERT INTO controlled_copies (meeting_id, document_id, number, seq) VALUES (?, ?, ?, ?)", row)
        ids.append(int(cursor.lastrowid))
    return ids


def _one(store: Store, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    """One row as a dict straight from the cursor (the desk's hot path: no savepoint
    around a single read)."""
    cursor = store.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return {d[0]: v for d, v in zip(cursor.description, row)}


def copy_by_number(store: Store, meeting_id: int, number: int) -> dict[str, Any] | None:
    return _one(store, f"SELECT {COPY_COLUMNS}{COPY_FROM} WHERE c.meeting_id = ? AND c.number = ?", [meeting_id, number])


def copy_by_id(store: Store, copy_id: int) -> dict[str, Any] | None:
    return _one(store, f"SELECT {COPY_COLUMNS}{COPY_FROM} WHERE c.id = ?", [copy_id])


def number_ranges(store: Store, meeting_id: int) -> dict[int, tuple[int, int]]:
    """Each document's first and last copy number."""
    rows = store.execute(
        "SELECT document_id, min(number), max(number) FROM controlled_copies WHERE meeting_id = ? GROUP BY document_id",
        [meeting_id],
    ).fetchall()
    return {int(d): (int(lo), int(hi)) for d, lo, hi in rows}


def copies_of_document(store: Store, document_id: int) -> list[dict[str, Any]]:
    return store.query(f"SELECT {COPY_COLUMNS}{COPY_FROM} WHERE c.document_id = ? ORDER BY c.seq", [document_id])


def copies_of_meeting(store: Store, meeting_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    sql = f"SELECT {COPY_COLUMNS}{COPY_FROM} WHERE c.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if kind:
        sql += " AND d.kind = ?"
        params.append(kind)
    return store.query(sql + " ORDER BY c.number", params)


# ---- the ledger --------------------------------------------------------------------------

EVENT_FIELDS = (
    "meeting_id", "copy_id", "document_id", "kind", "at", "operator", "holder_kind", "holder_ref", "by_attendee", "violation",
    "unit", "carrier", "receipt", "incident_id", "batch_id", "note",
)


def insert_event(store: Store, row: dict[str, Any]) -> int:
    values = {k: row.get(k) for k in EVENT_FIELDS}
    for key in ("unit", "carrier", "receipt", "note"):
        values[key] = values[key] or ""
    values["violation"] = int(bool(values["violation"]))
    cursor = store.execute(
        f"INSERT INTO copy_events ({', '.join(EVENT_FIELDS)}) VALUES ({', '.join(':' + k for k in EVENT_FIELDS)})", values
    )
    return int(cursor.lastrowid)


def put_state(store: Store, copy_id: int, meeting_id: int, document_id: int, number: int, state: str,
              holder_kind: str | None, holder_ref: str | None, event_id: int) -> None:
    store.execute(
        "INSERT INTO copy_state (copy_id, meeting_id, document_id, number, state, holder_kind, holder_ref, event_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(copy_id) DO UPDATE SET state = excluded.state,"
        " holder_kind = excluded.holder_kind, holder_ref = excluded.holder_ref, event_id = excluded.event_id",
        [copy_id, meeting_id, document_id, number, state, holder_kind, holder_ref, event_id],
    )


def events_of_copy(store: Store, copy_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM copy_events WHERE copy_id = ? ORDER BY id", [copy_id])


def get_event(store: Store, event_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM copy_events WHERE id = ?", [event_id])


def events_of_meeting(store: Store, meeting_id: int, kinds: Iterable[str] | None = None) -> list[dict[str, Any]]:
    sql = "SELECT e.*, c.number, c.seq, c.document_id FROM copy_events e JOIN controlled_copies c ON c.id = e.copy_id WHERE e.meeting_id = ?"
    params: list[Any] = [meeting_id]
    chosen = list(kinds or [])
    if chosen:
        sql += f" AND e.kind IN ({', '.join('?' for _ in chosen)})"
        params.extend(chosen)
    return store.query(sql + " ORDER BY e.id", params)


def ledger_fold_rows(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT id, copy_id, kind, holder_kind, holder_ref FROM copy_events WHERE meeting_id = ? ORDER BY copy_id, id", [meeting_id]
    )


def state_rows(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT copy_id, document_id, number, state, holder_kind, holder_ref, event_id FROM copy_state WHERE meeting_id = ?",
        [meeting_id],
    )


# ---- reconciliation ----------------------------------------------------------------------


def state_counts_by_document(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    """Copies per document and state (a scan of the covering index)."""
    return store.query(
        "SELECT document_id, state, count(*) AS n FROM copy_state WHERE meeting_id = ? GROUP BY document_id, state",
        [meeting_id],
    )


def custodian_counts_by_document(store: Store, meeting_id: int) -> dict[int, int]:
    """Copies issued to an operator (notebooks, recordings in custody), per document."""
    rows = store.query(
        "SELECT document_id, count(*) AS n FROM copy_state INDEXED BY copy_state_holder WHERE meeting_id = ? AND state = 'issued'"
        " AND holder_kind = 'operator' GROUP BY document_id",
        [meeting_id],
    )
    return {int(r["document_id"]): int(r["n"]) for r in rows}


def event_counts_by_document(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    """Per document: issue events, return events and returns by someone other than the
    holder. Three counts per document, each an equality range of the covering index
    copy_events_document (faster than grouping every event of the meeting)."""
    count = (
        "(SELECT count(*) FROM copy_events e WHERE e.meeting_id = d.meeting_id AND e.document_id = d.id AND e.kind = '{kind}'{extra})"
    )
    return store.query(
        f"SELECT d.id AS document_id, {count.format(kind='issued', extra='')} AS issued,"
        f" {count.format(kind='returned', extra='')} AS returned,"
        f" {count.format(kind='returned', extra=' AND e.violation = 1')} AS violations"
        " FROM controlled_documents d WHERE d.meeting_id = ?",
        [meeting_id],
    )


def event_counts_by_holder(store: Store, meeting_id: int, holder_kind: str = "attendee") -> list[dict[str, Any]]:
    return store.query(
        "SELECT holder_ref, kind, count(*) AS n, sum(violation) AS violations FROM copy_events"
        " WHERE meeting_id = ? AND holder_kind = ? GROUP BY holder_ref, kind",
        [meeting_id, holder_kind],
    )


def copies_in_state(store: Store, meeting_id: int, states: Sequence[str], holder_kind: str | None = None,
                    limit: int | None = None) -> list[dict[str, Any]]:
    sql = (
        "SELECT s.copy_id, s.number, s.state, s.holder_kind, s.holder_ref, s.event_id, c.seq, d.id AS document_id, d.title,"
        " d.doc_number, d.copies AS doc_copies, d.kind AS doc_kind, e.at AS since, e.operator AS since_by"
        " FROM copy_state s JOIN controlled_copies c ON c.id = s.copy_id JOIN controlled_documents d ON d.id = s.document_id"
        " JOIN copy_events e ON e.id = s.event_id"
        f" WHERE s.meeting_id = ? AND s.state IN ({', '.join('?' for _ in states)})"
    )
    params: list[Any] = [meeting_id, *states]
    if holder_kind:
        sql += " AND s.holder_kind = ?"
        params.append(holder_kind)
    sql += " ORDER BY s.number"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return store.query(sql, params)


def outstanding_tuples(store: Store, meeting_id: int, limit: int | None = None) -> list[tuple[int, int, int, int, str, str]]:
    """(copy_id, number, document_id, seq, holder_ref, since) of copies issued to an
    attendee, by copy number (the first ``limit`` of them): plain tuples, since the
    reconciliation board may list thousands. The limit is applied before the joins."""
    cursor = store.execute(
        "SELECT s.copy_id, s.number, s.document_id, c.seq, s.holder_ref, e.at FROM"
        " (SELECT copy_id, number, document_id, holder_ref, event_id FROM copy_state"
        "  WHERE meeting_id = ? AND state = 'issued' AND holder_kind = 'attendee' ORDER BY number"
        + ("" if limit is None else f" LIMIT {int(limit)}") + ") s"
        " JOIN controlled_copies c ON c.id = s.copy_id JOIN copy_events e ON e.id = s.event_id ORDER BY s.number",
        [meeting_id],
    )
    return list(cursor.fetchall())


def count_in_state(store: Store, meeting_id: int, state: str, holder_kind: str | None = None) -> int:
    sql = "SELECT count(*) AS n FROM copy_state WHERE meeting_id = ? AND state = ?"
    params: list[Any] = [meeting_id, state]
    if holder_kind:
        sql += " AND holder_kind = ?"
        params.append(holder_kind)
    row = store.query_one(sql, params)
    return int(row["n"]) if row else 0


def distribution_rows(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    """Every issue of every copy with what ended it (the distribution register)."""
    return store.query(
        "SELECT e.id, e.copy_id, c.number, c.seq, d.title, d.doc_number, d.copies AS doc_copies, e.at, e.operator,"
        " e.holder_kind, e.holder_ref,"
        " (SELECT x.id FROM copy_events x WHERE x.copy_id = e.copy_id AND x.id > e.id ORDER BY x.id LIMIT 1) AS next_id"
        " FROM copy_events e JOIN controlled_copies c ON c.id = e.copy_id JOIN controlled_documents d ON d.id = c.document_id"
        " WHERE e.meeting_id = ? AND e.kind IN ('issued', 'handed_over') ORDER BY d.id, c.seq, e.id",
        [meeting_id],
    )


# ---- incidents ---------------------------------------------------------------------------


def insert_incident(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO copy_incidents (meeting_id, copy_id, kind, opened_at, opened_by, holder_kind, holder_ref, returned_by,"
        " discovered_at, reported_to, measures, note) VALUES (:meeting_id, :copy_id, :kind, :opened_at, :opened_by,"
        " :holder_kind, :holder_ref, :returned_by, :discovered_at, :reported_to, :measures, :note)",
        row,
    )
    return int(cursor.lastrowid)


INCIDENT_SELECT = (
    "SELECT i.*, c.number, c.seq, d.title, d.doc_number, d.level, d.copies AS doc_copies, x.closed_at, x.closed_by, x.resolution"
    " FROM copy_incidents i JOIN controlled_copies c ON c.id = i.copy_id JOIN controlled_documents d ON d.id = c.document_id"
    " LEFT JOIN copy_incident_closures x ON x.incident_id = i.id"
)


def get_incident(store: Store, incident_id: int) -> dict[str, Any] | None:
    return store.query_one(INCIDENT_SELECT + " WHERE i.id = ?", [incident_id])


def list_incidents(store: Store, meeting_id: int, open_only: bool = False) -> list[dict[str, Any]]:
    sql = INCIDENT_SELECT + " WHERE i.meeting_id = ?"
    if open_only:
        sql += " AND x.incident_id IS NULL"
    return store.query(sql + " ORDER BY i.id", [meeting_id])


def close_incident(store: Store, incident_id: int, at: str, operator: str, resolution: str) -> None:
    store.execute(
        "INSERT INTO copy_incident_closures (incident_id, closed_at, closed_by, resolution) VALUES (?, ?, ?, ?)",
        [incident_id, at, operator, resolution],
    )


# ---- destruction -------------------------------------------------------------------------


def insert_batch(store: Store, row: dict[str, Any], copy_ids: Iterable[int]) -> int:
    cursor = store.execute(
        "INSERT INTO destruction_batches (meeting_id, method, place, proposed_at, proposed_by, note)"
        " VALUES (:meeting_id, :method, :place, :proposed_at, :proposed_by, :note)",
        row,
    )
    batch_id = int(cursor.lastrowid)
    for copy_id in copy_ids:
        store.execute("INSERT INTO destruction_items (batch_id, copy_id) VALUES (?, ?)", [batch_id, copy_id])
    return batch_id


def get_batch(store: Store, batch_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM destruction_batches WHERE id = ?", [batch_id])


def list_batches(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM destruction_batches WHERE meeting_id = ? ORDER BY id", [meeting_id])


def batch_items(store: Store, batch_id: int) -> list[dict[str, Any]]:
    return store.query(
        f"SELECT {COPY_COLUMNS}{COPY_FROM} JOIN destruction_items i ON i.copy_id = c.id WHERE i.batch_id = ? ORDER BY c.number",
        [batch_id],
    )


def insert_signoff(store: Store, batch_id: int, role: str, operator: str, at: str) -> None:
    store.execute(
        "INSERT INTO destruction_signoffs (batch_id, role, operator, at) VALUES (?, ?, ?, ?)", [batch_id, role, operator, at]
    )


def signoffs(store: Store, batch_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM destruction_signoffs WHERE batch_id = ? ORDER BY id", [batch_id])


def open_batches_holding(store: Store, copy_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Batches not yet carried out or cancelled that already list one of these copies."""
    if not copy_ids:
        return []
    marks = ", ".join("?" for _ in copy_ids)
    return store.query(
        f"SELECT i.batch_id, i.copy_id FROM destruction_items i WHERE i.copy_id IN ({marks}) AND NOT EXISTS"
        " (SELECT 1 FROM destruction_signoffs s WHERE s.batch_id = i.batch_id AND s.role IN ('carried_out', 'cancelled'))",
        list(copy_ids),
    )


# ---- recording consents ------------------------------------------------------------------


def insert_consent(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO recording_consents (meeting_id, speaker, scope, given_at, recorded_at, recorded_by)"
        " VALUES (:meeting_id, :speaker, :scope, :given_at, :recorded_at, :recorded_by)",
        row,
    )
    return int(cursor.lastrowid)


def get_consent(store: Store, consent_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM recording_consents WHERE id = ?", [consent_id])


def list_consents(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM recording_consents WHERE meeting_id = ? ORDER BY id", [meeting_id])
