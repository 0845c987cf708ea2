"""Incidents: a lost copy (reported at once with scope and remedial measures) or a copy
handed back by someone other than its holder (代转). Listed until the director closes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso, parse_iso
from meetkit.custody import ledger
from meetkit.custody.documents import clean_text
from meetkit.errors import InvalidInput, InvalidState, NotFound
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import custody as sql

INCIDENT_KIND_ZH = {"lost": "遗失", "transfer": "代转（非本人交回）"}


@dataclass(frozen=True)
class Incident:
    id: int
    meeting_id: int
    copy_id: int
    kind: str
    number: int
    seq: int
    title: str
    doc_number: str
    level: str
    doc_copies: int
    opened_at: str
    opened_by: str
    holder_kind: str | None
    holder_ref: str | None
    returned_by: int | None
    discovered_at: str
    reported_to: str
    measures: str
    note: str
    closed_at: str | None
    closed_by: str | None
    resolution: str | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def label(self) -> str:
        return ledger.copy_label(self.seq, self.doc_copies)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "copy_id": self.copy_id, "number": self.number, "title": self.title,
            "label": self.label, "level": self.level, "holder_kind": self.holder_kind, "holder": self.holder_ref,
            "returned_by": self.returned_by, "opened_at": self.opened_at, "opened_by": self.opened_by,
            "discovered_at": self.discovered_at, "reported_to": self.reported_to, "measures": self.measures,
            "note": self.note, "open": self.is_open, "closed_at": self.closed_at, "closed_by": self.closed_by,
            "resolution": self.resolution,
        }


def incident_from_row(row: dict[str, Any]) -> Incident:
    return Incident(
        id=int(row["id"]), meeting_id=int(row["meeting_id"]), copy_id=int(row["copy_id"]), kind=row["kind"],
        number=int(row["number"]), seq=int(row["seq"]), title=row["title"], doc_number=row["doc_number"],
        level=row["level"], doc_copies=int(row["doc_copies"]), opened_at=row["opened_at"], opened_by=row["opened_by"],
        holder_kind=row["holder_kind"], holder_ref=row["holder_ref"], returned_by=row["returned_by"],
        discovered_at=row["discovered_at"], reported_to=row["reported_to"], measures=row["measures"], note=row["note"],
        closed_at=row["closed_at"], closed_by=row["closed_by"], resolution=row["resolution"],
    )


def open_incident(store: Store, clock: Clock, operator: str, copy: ledger.Copy, kind: str, **fields: Any) -> int:
    """Insert an incident; call inside the transaction of the event that caused it."""
    at = iso(clock.now())
    row = {
        "meeting_id": copy.meeting_id, "copy_id": copy.id, "kind": kind, "opened_at": at, "opened_by": operator,
        "holder_kind": copy.holder_kind, "holder_ref": copy.holder_ref, "returned_by": None, "discovered_at": at,
        "reported_to": "", "measures": "", "note": "",
    }
    row.update(fields)
    return sql.insert_incident(store, row)


def report_lost(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_ref: str, *,
    note: str, reported_to: str = "", measures: str = "", discovered_at: str | None = None,
) -> Incident:
    """Report a copy lost: a 'lost' event and an incident naming who held it, when the loss
    was discovered (default: now), whom it was reported to and the remedial measures."""
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, ("secretary", "director"), "custody.lost", f"meeting:{meeting_id}", meeting_id)
    note = clean_text(note, "a note on the loss", "遗失说明", 1000)
    reported_to = clean_text(reported_to, "'reported to'", "报告对象", 200, required=False)
    measures = clean_text(measures, "remedial measures", "补救措施", 1000, required=False)
    discovered = iso(clock.now())
    if discovered_at:
        try:
            when = parse_iso(discovered_at.strip())
        except ValueError as err:
            raise InvalidInput(f"{discovered_at!r} is not a date and time", f"{discovered_at!r} 不是有效的日期时间") from err
        if when > clock.now():
            raise InvalidInput("a loss cannot be discovered in the future", "发现时间不能晚于当前时间")
        discovered = iso(when)
    with store.transaction():
        copy = ledger.resolve_copy(store, meeting_id, copy_ref)
        if copy.state == "lost":
            raise InvalidState(f"copy {copy.code} is already reported lost", f"份号 {copy.code} 已报失")
        incident_id = open_incident(
            store, clock, actor.name, copy, "lost", reported_to=reported_to, measures=measures, note=note,
            discovered_at=discovered,
        )
        ledger.append_event(
            store, clock, actor.name, copy, "lost", holder_kind=copy.holder_kind, holder_ref=copy.holder_ref,
            incident_id=incident_id, note=note,
        )
        audit.append(
            store, clock, actor.name, "custody.lost", f"copy:{copy.id}",
            {"number": copy.number, "incident": incident_id, "holder_kind": copy.holder_kind, "holder": copy.holder_ref},
            meeting_id,
        )
    return get_incident(store, incident_id)


def recover(store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_ref: str, note: str = "") -> ledger.Copy:
    """A lost copy is found again: back in stock. Its incident stays open for the director."""
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, ("secretary", "director"), "custody.recover", f"meeting:{meeting_id}", meeting_id)
    note = clean_text(note, "a note", "说明", 1000, required=False)
    with store.transaction():
        copy = ledger.resolve_copy(store, meeting_id, copy_ref)
        if copy.state != "lost":
            raise InvalidState(
                f"copy {copy.code} is not reported lost (it is {copy.state})",
                f"份号 {copy.code} 未报失（当前为“{ledger.STATE_ZH.get(copy.state, copy.state)}”）",
            )
        ledger.append_event(store, clock, actor.name, copy, "recovered", note=note)
        audit.append(store, clock, actor.name, "custody.recover", f"copy:{copy.id}", {"number": copy.number}, meeting_id)
    return ledger.get_copy(store, copy.id)


def close_incident(store: Store, clock: Clock, actor: Actor, meeting_id: int, incident_id: int, resolution: str) -> Incident:
    require_role(store, clock, actor, ("director",), "custody.close_incident", f"incident:{incident_id}", meeting_id)
    resolution = clean_text(resolution, "a resolution", "处理结果", 1000)
    with store.transaction():
        incident = get_incident(store, incident_id)
        if incident.meeting_id != meeting_id:
            raise NotFound(f"no incident {incident_id} in this meeting", f"本会议没有编号为 {incident_id} 的事件")
        if not incident.is_open:
            raise InvalidState(f"incident {incident_id} is closed already", f"事件 {incident_id} 已关闭")
        sql.close_incident(store, incident_id, iso(clock.now()), actor.name, resolution)
        audit.append(store, clock, actor.name, "custody.close_incident", f"incident:{incident_id}", {"kind": incident.kind}, meeting_id)
    return get_incident(store, incident_id)


def get_incident(store: Store, incident_id: int) -> Incident:
    row = sql.get_incident(store, incident_id)
    if row is None:
        raise NotFound(f"no incident {incident_id}", f"没有编号为 {incident_id} 的事件")
    return incident_from_row(row)


def list_incidents(store: Store, meeting_id: int, open_only: bool = False) -> list[Incident]:
    return [incident_from_row(r) for r in sql.list_incidents(store, meeting_id, open_only)]
