"""Who is in the room now, the desk counts, and admission without a badge.

Presence is a query over the append-only ``presence_events`` register: an attendee is
present when their last event is an entry. A forgotten badge is handled by
:func:`admit_without_badge`: a supervisor (chair or admin) confirms in person, with a reason
and a note of how identity was checked; it is audited and printed on the attendance report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.attendees import get_attendee, list_attendees
from meetkit.clock import Clock, iso
from meetkit.desk.signin import DESK_ROLES, ENTRY_STATES, REFUSED, validate_desk_name
from meetkit.errors import Conflict, InvalidInput, InvalidState
from meetkit.meetings import STATE_ZH, get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import desk as sql

SUPERVISOR_ROLES = ("chair",)
MAX_NOTE = 500


@dataclass(frozen=True)
class PresenceRow:
    attendee_id: int
    name: str
    unit: str
    seat: str
    present: bool
    since: str | None  # time of the last event
    desk: str | None
    first_in: str | None
    first_desk: str | None
    entries: int
    without_badge: bool
    custody_tags: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "attendee_id": self.attendee_id, "name": self.name, "unit": self.unit, "seat": self.seat,
            "present": self.present, "since": self.since, "desk": self.desk, "first_in": self.first_in,
            "first_desk": self.first_desk, "entries": self.entries, "without_badge": self.without_badge, "custody_tags": list(self.custody_tags),
        }


@dataclass(frozen=True)
class DeskCounts:
    approved: int
    present: int
    attended: int
    refused: int
    flagged: int
    in_custody: int

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def presence(store: Store, meeting_id: int, only_present: bool = False) -> list[PresenceRow]:
    """Every approved attendee (and anyone else with presence events) with where they are
    and which custody tags they still have at the desk."""
    get_meeting(store, meeting_id)
    events = {int(r["attendee_id"]): r for r in sql.presence_summary(store, meeting_id)}
    tags: dict[int, list[str]] = {}
    for held in sql.held_tags(store, meeting_id):
        tags.setdefault(int(held["attendee_id"]), []).append(held["tag"])
    people = {a.id: a for a in list_attendees(store, meeting_id, status="approved")}
    for attendee_id in set(events) | set(tags):
        if attendee_id not in people:
            people[attendee_id] = get_attendee(store, attendee_id)
    rows = []
    for attendee in sorted(people.values(), key=lambda a: (a.seat or "~", a.id)):
        ev = events.get(attendee.id)
        row = PresenceRow(
            attendee_id=attendee.id, name=attendee.name, unit=attendee.unit, seat=attendee.seat,
            present=bool(ev and ev["last_kind"] == "in"), since=ev["last_at"] if ev else None,
            desk=ev["last_desk"] if ev else None, first_in=ev["first_in"] if ev else None, first_desk=ev["first_desk"] if ev else None,
            entries=int(ev["entries"]) if ev else 0, without_badge=bool(ev and ev["no_badge"]),
            custody_tags=tuple(tags.get(attendee.id, ())),
        )
        if row.present or not only_present:
            rows.append(row)
    return rows


def counts(store: Store, meeting_id: int) -> DeskCounts:
    verdicts = sql.verdict_counts(store, meeting_id)
    approved = sql.approved_count(store, meeting_id)
    summary = sql.presence_summary(store, meeting_id)
    return DeskCounts(
        approved=approved,
        present=sum(1 for r in summary if r["last_kind"] == "in"),
        attended=sum(1 for r in summary if int(r["entries"]) > 0),
        refused=sum(n for v, n in verdicts.items() if v in REFUSED),
        flagged=verdicts.get("ALREADY_IN", 0),
        in_custody=len(sql.held_tags(store, meeting_id)),
    )


def admit_without_badge(
    store: Store,
    clock: Clock,
    operator: Actor,
    supervisor: Actor,
    meeting_id: int,
    attendee_id: int,
    desk: str,
    reason: str,
    id_check_note: str,
) -> int:
    """Let an approved, pledged attendee in without a badge. ``supervisor`` (chair or admin)
    must have confirmed in person (password checked by the caller with
    ``operators.verify_password_of``). Returns the admission id."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, operator, DESK_ROLES, "desk.admit_without_badge", f"attendee:{attendee_id}", meeting_id)
    require_role(store, clock, supervisor, SUPERVISOR_ROLES, "desk.supervise_admission", f"attendee:{attendee_id}", meeting_id)
    desk = validate_desk_name(desk)
    reason, id_check_note = reason.strip(), id_check_note.strip()
    if not reason or len(reason) > MAX_NOTE:
        raise InvalidInput("admission without a badge needs a reason", "无胸卡入场必须说明原因")
    if not id_check_note or len(id_check_note) > MAX_NOTE:
        raise InvalidInput(
            "admission without a badge needs a note of how identity was checked (e.g. ID card seen)",
            "无胸卡入场必须记录身份核验情况（例如已查验身份证）",
        )
    if meeting.state not in ENTRY_STATES:
        raise InvalidState(
            f"sign-in is not open: the meeting is {meeting.state}", f"会议当前为“{STATE_ZH.get(meeting.state, meeting.state)}”，未开放签到"
        )
    attendee = get_attendee(store, attendee_id, meeting_id)
    if attendee.status != "approved":
        raise InvalidState(f"attendee {attendee_id} is not approved: no admission", f"参会人员 {attendee_id} 未经审定通过，不得入场")
    if not attendee.pledged_at:
        raise InvalidState(f"attendee {attendee_id} has no pledge recorded: no admission", f"参会人员 {attendee_id} 尚未签署保密承诺，不得入场")
    at = iso(clock.now())
    with store.transaction():
        last = sql.last_presence(store, meeting_id, attendee_id)
        if last is not None and last["kind"] == "in":
            raise Conflict(
                f"attendee {attendee_id} is already signed in (at desk {last['desk']})", f"参会人员 {attendee_id} 已在“{last['desk']}”签到入场"
            )
        event_id = sql.insert_presence(
            store,
            {
                "meeting_id": meeting_id, "attendee_id": attendee_id, "kind": "in", "at": at, "desk": desk,
                "operator": operator.name, "via": "no_badge", "scan_id": None,
            },
        )
        admission_id = sql.insert_admission(
            store,
            {
                "meeting_id": meeting_id, "attendee_id": attendee_id, "at": at, "desk": desk, "operator": operator.name,
                "supervisor": supervisor.name, "reason": reason, "id_check_note": id_check_note, "presence_event_id": event_id,
            },
        )
        audit.append(
            store, clock, operator.name, "desk.admit_without_badge", f"attendee:{attendee_id}",
            {"desk": desk, "supervisor": supervisor.name, "admission_id": admission_id}, meeting_id,
        )
    return admission_id


def admissions_without_badge(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return sql.admissions(store, meeting_id)
