"""Follow-ups: a failed item opens one (what, owner, due time); it stays open until someone
records how it was resolved. Follow-ups and their events are append-only; the current owner,
due time and resolution are derived from the events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso, parse_iso
from meetkit.errors import InvalidInput, InvalidState, NotFound
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import checklists as sql

RESOLVERS = ("inspector", "secretary", "chair")
MAX_NOTE = 1000


@dataclass(frozen=True)
class Followup:
    id: int
    meeting_id: int
    checklist_id: int
    item_id: int
    description: str
    opened_at: str
    opened_by: str
    owner: str
    due_at: str
    resolved_at: str | None
    resolved_by: str | None
    resolution: str

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    def overdue(self, now: dt.datetime) -> bool:
        return self.open and bool(self.due_at) and parse_iso(self.due_at) < now

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "meeting_id": self.meeting_id, "checklist_id": self.checklist_id, "item_id": self.item_id,
            "description": self.description, "opened_at": self.opened_at, "opened_by": self.opened_by,
            "owner": self.owner, "due_at": self.due_at, "open": self.open, "resolved_at": self.resolved_at,
            "resolved_by": self.resolved_by, "resolution": self.resolution,
        }


def _derive(row: dict[str, Any], events: list[dict[str, Any]]) -> Followup:
    owner, due = "", ""
    resolved_at = resolved_by = None
    resolution = ""
    for event in events:
        if event["action"] == "assign":
            owner = event["owner"] or owner
            due = event["due_at"] or due
        elif event["action"] == "resolve":
            resolved_at, resolved_by, resolution = event["at"], event["operator"], event["note"]
    return Followup(
        id=int(row["id"]), meeting_id=int(row["meeting_id"]), checklist_id=int(row["checklist_id"]), item_id=int(row["item_id"]),
        description=row["description"], opened_at=row["opened_at"], opened_by=row["opened_by"], owner=owner, due_at=due,
        resolved_at=resolved_at, resolved_by=resolved_by, resolution=resolution,
    )


def list_followups(store: Store, meeting_id: int, checklist_id: int | None = None, only_open: bool = False) -> list[Followup]:
    events: dict[int, list[dict[str, Any]]] = {}
    for event in sql.followup_events(store, meeting_id):
        events.setdefault(int(event["followup_id"]), []).append(event)
    found = [_derive(r, events.get(int(r["id"]), [])) for r in sql.followups(store, meeting_id, checklist_id)]
    return [f for f in found if f.open] if only_open else found


def open_followup_count(store: Store, meeting_id: int, checklist_id: int | None = None) -> int:
    return len(list_followups(store, meeting_id, checklist_id, only_open=True))


def open_followup(
    store: Store, clock: Clock, actor: Actor, *, meeting_id: int, checklist_id: int, item_id: int, result_id: int,
    description: str, owner: str, due_at: dt.datetime,
) -> int:
    """Open a follow-up for a failed item (inside the result's transaction)."""
    at = iso(clock.now())
    with store.transaction():
        followup_id = sql.insert_followup(
            store,
            {"meeting_id": meeting_id, "checklist_id": checklist_id, "item_id": item_id, "result_id": result_id,
             "description": description, "opened_at": at, "opened_by": actor.name},
        )
        sql.insert_followup_event(
            store, {"followup_id": followup_id, "action": "assign", "owner": owner, "due_at": iso(due_at), "note": "", "at": at, "operator": actor.name}
        )
        audit.append(
            store, clock, actor.name, "checklist.followup.open", f"followup:{followup_id}",
            {"checklist_id": checklist_id, "item_id": item_id, "owner": owner, "due_at": iso(due_at)}, meeting_id,
        )
    return followup_id


def get_followup(store: Store, meeting_id: int, followup_id: int) -> Followup:
    for followup in list_followups(store, meeting_id):
        if followup.id == followup_id:
            return followup
    raise NotFound(f"no follow-up {followup_id} in meeting {meeting_id}", f"会议 {meeting_id} 中没有编号为 {followup_id} 的跟进事项")


def _check_meeting_open(store: Store, meeting_id: int) -> None:
    from meetkit.meetings import get_meeting

    if get_meeting(store, meeting_id).state == "closed":
        raise InvalidState("the meeting is closed; its records are read-only", "会议已结束，记录为只读")


def assign_followup(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, followup_id: int, owner: str | None = None, due_at: dt.datetime | None = None
) -> Followup:
    require_role(store, clock, actor, RESOLVERS, "checklist.followup.assign", f"followup:{followup_id}", meeting_id)
    _check_meeting_open(store, meeting_id)
    current = get_followup(store, meeting_id, followup_id)
    if not current.open:
        raise InvalidState(f"follow-up {followup_id} is resolved already", f"跟进事项 {followup_id} 已处理完毕")
    if not owner and due_at is None:
        raise InvalidInput("give a new owner or a new due time", "请指定新的负责人或期限")
    with store.transaction():
        sql.insert_followup_event(
            store,
            {"followup_id": followup_id, "action": "assign", "owner": (owner or "").strip() or None,
             "due_at": iso(due_at) if due_at else None, "note": "", "at": iso(clock.now()), "operator": actor.name},
        )
        audit.append(store, clock, actor.name, "checklist.followup.assign", f"followup:{followup_id}",
                     {"owner": owner, "due_at": iso(due_at) if due_at else None}, meeting_id)
    return get_followup(store, meeting_id, followup_id)


def resolve_followup(store: Store, clock: Clock, actor: Actor, meeting_id: int, followup_id: int, note: str) -> Followup:
    """Record how a follow-up was resolved (who and when come from the operator and clock)."""
    require_role(store, clock, actor, RESOLVERS, "checklist.followup.resolve", f"followup:{followup_id}", meeting_id)
    _check_meeting_open(store, meeting_id)
    note = (note or "").strip()
    if not note:
        raise InvalidInput("say how the follow-up was resolved (--note)", "请说明跟进事项的处理情况（--note）")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"the note is longer than {MAX_NOTE} characters", f"说明超过 {MAX_NOTE} 个字符")
    with store.transaction():
        current = get_followup(store, meeting_id, followup_id)
        if not current.open:
            raise InvalidState(f"follow-up {followup_id} is resolved already", f"跟进事项 {followup_id} 已处理完毕")
        sql.insert_followup_event(
            store, {"followup_id": followup_id, "action": "resolve", "owner": None, "due_at": None, "note": note,
                    "at": iso(clock.now()), "operator": actor.name}
        )
        audit.append(store, clock, actor.name, "checklist.followup.resolve", f"followup:{followup_id}",
                     {"checklist_id": current.checklist_id, "item_id": current.item_id}, meeting_id)
    return get_followup(store, meeting_id, followup_id)
