"""The custody ledger: append-only events per copy, and the current state derived from them.

Events: created → issued → returned / taken_away / lost → recovered / destroyed; notebooks
also know handed_over (custodian change) and archived. :func:`fold` is the one definition
of "current state"; the ``copy_state`` table is its projection, written in the same
transaction as each event, and :func:`verify_projection` recomputes it from the events.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from meetkit.clock import Clock, iso
from meetkit.custody.codes import (
    check_length,
    format_copy_code,
    normalise,
    parse_copy_code,
)
from meetkit.errors import InvalidInput, InvalidState, NotFound
from meetkit.store import Store
from meetkit.store import custody as sql

STATE_AFTER = {
    "created": "in_stock",
    "issued": "issued",
    "returned": "in_stock",
    "taken_away": "taken_away",
    "lost": "lost",
    "recovered": "in_stock",
    "destroyed": "destroyed",
    "handed_over": "issued",
    "archived": "archived",
}
# Events after which the state still names a person (who holds it, took it or lost it).
KEEPS_HOLDER = ("issued", "handed_over", "taken_away", "lost")
ALLOWED_FROM = {
    "created": (None,),
    "issued": ("in_stock",),
    "returned": ("issued",),
    "taken_away": ("issued", "in_stock"),
    "lost": ("issued", "in_stock"),
    "recovered": ("lost", "issued"),  # reported lost, or found (e.g. in a room) while still issued
    "destroyed": ("in_stock",),
    "handed_over": ("issued",),
    "archived": ("issued", "in_stock"),
}
STATES = ("in_stock", "issued", "taken_away", "lost", "destroyed", "archived")
STATE_ZH = {
    "in_stock": "在库",
    "issued": "已发放",
    "taken_away": "已登记带回",
    "lost": "已报失",
    "destroyed": "已销毁",
    "archived": "已移交档案",
}
EVENT_ZH = {
    "created": "登记",
    "issued": "发放",
    "returned": "收回",
    "taken_away": "登记带回",
    "lost": "报失",
    "recovered": "找回",
    "destroyed": "销毁",
    "handed_over": "交接",
    "archived": "移交档案",
}
KIND_ZH = {"document": "文件", "notebook": "会议记录本", "recording": "录音录像载体"}


@dataclass(frozen=True)
class Copy:
    """One numbered copy and its current state."""

    id: int
    meeting_id: int
    document_id: int
    number: int
    seq: int
    doc_kind: str
    title: str
    doc_number: str
    level: str
    doc_copies: int
    policy: str
    take_away_units: tuple[str, ...]
    take_away_attendees: tuple[int, ...]
    state: str
    holder_kind: str | None
    holder_ref: str | None
    event_id: int

    @property
    def code(self) -> str:
        return format_copy_code(self.meeting_id, self.number)

    @property
    def label(self) -> str:
        """e.g. '第007份 共120份'."""
        return copy_label(self.seq, self.doc_copies)

    @property
    def holder_attendee(self) -> int | None:
        return int(self.holder_ref) if self.holder_kind == "attendee" and self.holder_ref else None

    def to_json(self) -> dict[str, Any]:
        return {
            "copy_id": self.id,
            "number": self.number,
            "code": self.code,
            "document_id": self.document_id,
            "title": self.title,
            "doc_number": self.doc_number,
            "kind": self.doc_kind,
            "level": self.level,
            "seq": self.seq,
            "of": self.doc_copies,
            "state": self.state,
            "holder_kind": self.holder_kind,
            "holder": self.holder_ref,
        }


def copy_label(seq: int, total: int) -> str:
    width = max(3, len(str(total)))
    return f"第{seq:0{width}d}份 共{total}份"


def copy_from_row(row: dict[str, Any]) -> Copy:
    return Copy(
        id=int(row["copy_id"]),
        meeting_id=int(row["meeting_id"]),
        document_id=int(row["document_id"]),
        number=int(row["number"]),
        seq=int(row["seq"]),
        doc_kind=row["doc_kind"],
        title=row["title"],
        doc_number=row["doc_number"],
        level=row["level"],
        doc_copies=int(row["doc_copies"]),
        policy=row["policy"],
        take_away_units=tuple(json.loads(row["take_away_units"] or "[]")),
        take_away_attendees=tuple(int(x) for x in json.loads(row["take_away_attendees"] or "[]")),
        state=row["state"],
        holder_kind=row["holder_kind"],
        holder_ref=row["holder_ref"],
        event_id=int(row["event_id"]),
    )


def fold(events: Iterable[dict[str, Any]]) -> tuple[str | None, str | None, str | None]:
    """(state, holder_kind, holder_ref) after the given events of one copy, oldest first."""
    state: str | None = None
    holder_kind: str | None = None
    holder_ref: str | None = None
    for event in events:
        kind = event["kind"]
        state = STATE_AFTER[kind]
        if kind in KEEPS_HOLDER:
            holder_kind, holder_ref = event["holder_kind"], event["holder_ref"]
        else:
            holder_kind = holder_ref = None
    return state, holder_kind, holder_ref


def copy_ref_text(copy: Copy) -> str:
    return f"{copy.title} {copy.label} ({copy.code})"


def append_event(store: Store, clock: Clock, operator: str, copy: Copy, kind: str, **fields: Any) -> int:
    """Write one event and the copy's new state. Call inside a transaction, with ``copy``
    read inside that same transaction."""
    if copy.state not in ALLOWED_FROM[kind]:
        raise InvalidState(
            f"copy {copy.code} is {copy.state}; it cannot be {kind.replace('_', ' ')} now",
            f"份号 {copy.code} 当前为“{STATE_ZH.get(copy.state, copy.state)}”，不能{EVENT_ZH.get(kind, kind)}",
        )
    row = {
        "meeting_id": copy.meeting_id, "copy_id": copy.id, "document_id": copy.document_id, "kind": kind,
        "at": iso(clock.now()), "operator": operator,
    }
    row.update(fields)
    event_id = sql.insert_event(store, row)
    state = STATE_AFTER[kind]
    if kind in KEEPS_HOLDER:
        holder_kind, holder_ref = row.get("holder_kind"), row.get("holder_ref")
    else:
        holder_kind = holder_ref = None
    sql.put_state(store, copy.id, copy.meeting_id, copy.document_id, copy.number, state, holder_kind, holder_ref, event_id)
    return event_id


def after_event(copy: Copy, kind: str, event_id: int, holder_kind: str | None = None, holder_ref: str | None = None) -> Copy:
    """The copy as :func:`append_event` left it (saves re-reading it after the commit)."""
    if kind not in KEEPS_HOLDER:
        holder_kind = holder_ref = None
    return dataclasses.replace(copy, state=STATE_AFTER[kind], holder_kind=holder_kind, holder_ref=holder_ref, event_id=event_id)


def create_copies(store: Store, clock: Clock, operator: str, meeting_id: int, document_id: int, count: int) -> list[int]:
    """Number ``count`` new copies of a document (continuing the meeting's numbering) and
    write their 'created' events. Call inside a transaction."""
    first = sql.next_copy_number(store, meeting_id)
    numbers = list(range(first, first + count))
    ids = sql.insert_copies(store, [(meeting_id, document_id, n, i + 1) for i, n in enumerate(numbers)])
    at = iso(clock.now())
    for copy_id, number in zip(ids, numbers):
        event_id = sql.insert_event(
            store,
            {"meeting_id": meeting_id, "copy_id": copy_id, "document_id": document_id, "kind": "created", "at": at, "operator": operator},
        )
        sql.put_state(store, copy_id, meeting_id, document_id, number, "in_stock", None, None, event_id)
    return numbers


# ---- finding copies ----------------------------------------------------------------------


def get_copy(store: Store, copy_id: int) -> Copy:
    row = sql.copy_by_id(store, copy_id)
    if row is None:
        raise NotFound(f"no copy with id {copy_id}", f"没有编号为 {copy_id} 的份号")
    return copy_from_row(row)


def resolve_copy(store: Store, meeting_id: int, text: str) -> Copy:
    """A copy from a scanned code (``CP-…``) or its plain number typed in this meeting."""
    check_length(str(text))
    value = normalise(str(text))
    if value.isdigit() and len(value) <= 9:
        number = int(value)
    else:
        code = parse_copy_code(value)
        if code.meeting_id != meeting_id:
            raise InvalidInput(
                f"copy {code.text} belongs to meeting {code.meeting_id}, not to this meeting ({meeting_id}): set it aside",
                f"份号 {code.text} 属于会议 {code.meeting_id}，不属于本会议（{meeting_id}）：请单独放置",
                scanned="other_meeting",
            )
        number = code.number
    row = sql.copy_by_number(store, meeting_id, number)
    if row is None:
        raise NotFound(
            f"no copy number {number} in meeting {meeting_id}",
            f"本会议（{meeting_id}）没有第 {number} 号份号",
            scanned="unknown_copy",
        )
    return copy_from_row(row)


def history(store: Store, copy_id: int) -> list[dict[str, Any]]:
    return sql.events_of_copy(store, copy_id)


@dataclass(frozen=True)
class ProjectionCheck:
    ok: bool
    copies: int
    mismatches: tuple[int, ...]


def verify_projection(store: Store, meeting_id: int) -> ProjectionCheck:
    """Recompute every copy's state from its events and compare with the projection."""
    derived: dict[int, tuple[str | None, str | None, str | None, int]] = {}
    current: list[dict[str, Any]] = []
    last_copy = None
    for row in sql.ledger_fold_rows(store, meeting_id):
        if row["copy_id"] != last_copy and current:
            state = fold(current)
            derived[int(last_copy)] = (*state, int(current[-1]["id"]))  # type: ignore[arg-type]
            current = []
        last_copy = row["copy_id"]
        current.append(row)
    if current:
        derived[int(last_copy)] = (*fold(current), int(current[-1]["id"]))  # type: ignore[arg-type]
    bad = []
    stored = {int(r["copy_id"]): (r["state"], r["holder_kind"], r["holder_ref"], int(r["event_id"])) for r in sql.state_rows(store, meeting_id)}
    for copy_id in sorted(set(derived) | set(stored)):
        if derived.get(copy_id) != stored.get(copy_id):
            bad.append(copy_id)
    return ProjectionCheck(not bad, len(stored), tuple(bad))
