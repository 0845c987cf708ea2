"""Handing copies out and taking them back: issue, return (with 代转 detection), and
take-away registered with the receiving unit. Every service re-reads the copy's state
inside its write transaction (BEGIN IMMEDIATE), so two desks acting on the same copy at the
same moment cannot both succeed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from meetkit import audit
from meetkit.attendees import Attendee, get_attendee
from meetkit.clock import Clock, parse_iso
from meetkit.custody import incidents, ledger
from meetkit.custody.documents import KEEPERS, clean_text
from meetkit.custody.people import is_signed_in, resolve_person
from meetkit.errors import (
    ErrorCode,
    InvalidState,
    MeetkitError,
    NotFound,
)
from meetkit.meetings import STATE_ZH, get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store

BEIJING = dt.timezone(dt.timedelta(hours=8))  # times in messages are read by people at the desk
T = TypeVar("T")
ISSUE_STATES = ("approved", "in_session", "closing")
RETURN_STATES = ("approved", "in_session", "closing", "closed")


@dataclass(frozen=True)
class Outcome:
    """What a desk action did, ready to paint or print."""

    action: str  # issued | returned | taken_away
    copy: ledger.Copy
    event_id: int
    attendee_id: int | None = None
    holder_id: int | None = None
    violation: bool = False
    incident_id: int | None = None
    en: str = ""
    zh: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action, "copy": self.copy.to_json(), "event_id": self.event_id, "attendee_id": self.attendee_id,
            "holder_id": self.holder_id, "violation": self.violation, "incident_id": self.incident_id,
            "message": self.en, "message_zh": self.zh, **self.extra,
        }


class Refused(MeetkitError):
    """A desk action refused for a reason the operator must see (audited)."""

    def __init__(self, reason: str, en: str, zh: str, **details: Any) -> None:
        code = ErrorCode.CONFLICT if reason in ("already_out", "duplicate") else ErrorCode.INVALID_STATE
        super().__init__(code, en, zh, reason=reason, **details)
        self.reason = reason


def _refuse(store: Store, clock: Clock, actor: Actor, action: str, subject: str, meeting_id: int, err: Refused) -> NoReturn:
    audit.append(store, clock, actor.name, "refused." + action, subject, {"reason": err.reason}, meeting_id)
    raise err


def _on_copy(
    store: Store, clock: Clock, actor: Actor, action: str, meeting_id: int, copy_ref: str,
    act: Callable[[ledger.Copy], Refused | T],
) -> tuple[ledger.Copy, T]:
    """Re-read the copy inside a write transaction and ``act`` on it: ``act`` records the action
    (and returns what it made) or returns why it is refused. A refusal is audited as
    'refused.<action>' on the copy and raised once the (empty) transaction is over."""
    with store.transaction():
        copy = ledger.resolve_copy(store, meeting_id, copy_ref)
        done = act(copy)
    if isinstance(done, Refused):
        _refuse(store, clock, actor, action, f"copy:{copy.id}", meeting_id, done)
    return copy, done


def _person_text(attendee: Attendee) -> str:
    return f"{attendee.name}（{attendee.unit}）" if attendee.unit else attendee.name


def _holder_name(store: Store, copy: ledger.Copy) -> str:
    if copy.holder_kind == "attendee" and copy.holder_ref:
        try:
            return _person_text(get_attendee(store, int(copy.holder_ref)))
        except NotFound:
            return f"#{copy.holder_ref}"
    return copy.holder_ref or "—"


def issue_copy(store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_ref: str, person_ref: str) -> Outcome:
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.issue", f"meeting:{meeting_id}", meeting_id)
    if meeting.state not in ISSUE_STATES:
        raise InvalidState(
            f"copies are issued once the meeting is approved and before it closes (it is {meeting.state})",
            f"会议审定后、结束前才能发放文件（当前为“{STATE_ZH[meeting.state]}”）",
        )
    person = resolve_person(store, clock, meeting_id, person_ref).attendee
    subject = f"attendee:{person.id}"
    if person.status != "approved":
        _refuse(store, clock, actor, "custody.issue", subject, meeting_id, Refused(
            "not_approved",
            f"{person.name} is not approved to attend ({person.status}): no copy may be issued",
            f"{person.name} 未经审定参会（{person.status}），不能发放文件",
        ))
    if not is_signed_in(store, meeting_id, person.id):
        _refuse(store, clock, actor, "custody.issue", subject, meeting_id, Refused(
            "not_signed_in",
            f"{person.name} is not signed in at the desk (never came in, or has left): sign in first, then issue",
            f"{person.name} 尚未签到（未入场或已离场）：请先签到再发放文件",
        ))

    def issue(copy: ledger.Copy) -> Refused | int:
        if copy.doc_kind == "notebook":
            raise InvalidState(
                "meeting notebooks go to a secretary as custodian: use the notebook commands",
                "会议记录本由会务秘书保管，请使用记录本功能",
            )
        if copy.state == "issued":
            if copy.holder_kind == "attendee" and copy.holder_ref == str(person.id):
                return Refused(
                    "duplicate",
                    f"{copy.code} is already issued to {person.name} (scanned twice): nothing recorded",
                    f"{copy.code} 已发给 {person.name}（重复扫描），未重复登记",
                    copy_id=copy.id,
                )
            return Refused(
                "already_out",
                f"{copy.code} ({copy.title} {copy.label}) is already out with {_holder_name(store, copy)}",
                f"{copy.code}（{copy.title} {copy.label}）已发给 {_holder_name(store, copy)}，尚未收回",
                copy_id=copy.id,
            )
        if copy.state != "in_stock":
            return Refused(
                "not_in_stock",
                f"{copy.code} is {copy.state.replace('_', ' ')}: it cannot be issued",
                f"{copy.code} 当前为“{ledger.STATE_ZH[copy.state]}”，不能发放",
                copy_id=copy.id,
            )
        event_id = ledger.append_event(
            store, clock, actor.name, copy, "issued", holder_kind="attendee", holder_ref=str(person.id)
        )
        audit.append(
            store, clock, actor.name, "custody.issue", f"copy:{copy.id}",
            {"number": copy.number, "attendee": person.id}, meeting_id,
        )
        return event_id

    copy, event_id = _on_copy(store, clock, actor, "custody.issue", meeting_id, copy_ref, issue)
    after = ledger.after_event(copy, "issued", event_id, "attendee", str(person.id))
    return Outcome(
        "issued", after, event_id, attendee_id=person.id, holder_id=person.id,
        en=f"issued {copy.title} {copy.label} to {person.name}",
        zh=f"已将《{copy.title}》{copy.label} 发给 {_person_text(person)}",
    )


def return_copy(store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_ref: str, person_ref: str) -> Outcome:
    """Take a copy back. If someone other than its holder hands it in, the return is
    accepted and a transfer violation (代转) is recorded as an open incident."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.return", f"meeting:{meeting_id}", meeting_id)
    if meeting.state not in RETURN_STATES:
        raise InvalidState("nothing can be returned before the meeting is approved", "会议审定前没有可收回的文件")
    person = resolve_person(store, clock, meeting_id, person_ref).attendee

    def take_back(copy: ledger.Copy) -> Refused | tuple[int, int, bool, int | None]:
        if copy.state == "in_stock":
            last = ledger.history(store, copy.id)[-1]
            if last["kind"] == "returned":
                when = parse_iso(last["at"]).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
                return Refused(
                    "duplicate",
                    f"{copy.code} was already returned at {when} (scanned twice): nothing recorded",
                    f"{copy.code} 已于 {when} 收回（重复扫描），未重复登记",
                    copy_id=copy.id,
                )
            return Refused(
                "not_issued", f"{copy.code} was never issued: nothing to return", f"{copy.code} 未曾发放，无需收回",
                copy_id=copy.id,
            )
        if copy.state == "lost":
            return Refused(
                "lost",
                f"{copy.code} was reported lost: record it as found (recover) first, then its incident is closed by the director",
                f"{copy.code} 已报失：请先登记找回，再由办公室主任关闭该事件",
                copy_id=copy.id,
            )
        if copy.state != "issued":
            return Refused(
                "not_issued",
                f"{copy.code} is {copy.state.replace('_', ' ')}: it cannot be returned",
                f"{copy.code} 当前为“{ledger.STATE_ZH[copy.state]}”，不能收回",
                copy_id=copy.id,
            )
        if copy.holder_kind != "attendee":
            return Refused(
                "custodian_item",
                f"{copy.code} is with a custodian ({copy.holder_ref}): use a handover",
                f"{copy.code} 由保管人 {copy.holder_ref} 保管，请办理交接",
                copy_id=copy.id,
            )
        holder_id = int(copy.holder_ref or 0)
        violation = holder_id != person.id
        incident_id: int | None = None
        if violation:
            incident_id = incidents.open_incident(
                store, clock, actor.name, copy, "transfer", returned_by=person.id,
                note="代转：非本人交回 (returned by someone other than the holder)",
            )
        event_id = ledger.append_event(
            store, clock, actor.name, copy, "returned", holder_kind="attendee", holder_ref=copy.holder_ref,
            by_attendee=person.id, violation=violation, incident_id=incident_id,
        )
        details: dict[str, Any] = {"number": copy.number, "holder": holder_id, "by": person.id}
        if violation:
            details["violation"] = "transfer"
            details["incident"] = incident_id
        audit.append(store, clock, actor.name, "custody.return", f"copy:{copy.id}", details, meeting_id)
        return event_id, holder_id, violation, incident_id

    copy, (event_id, holder_id, violation, incident_id) = _on_copy(
        store, clock, actor, "custody.return", meeting_id, copy_ref, take_back
    )
    after = ledger.after_event(copy, "returned", event_id)
    if violation:
        holder_name = _holder_name(store, copy)
        en = f"returned {copy.title} {copy.label} by {person.name}, but it was issued to someone else: transfer violation recorded"
        zh = f"《{copy.title}》{copy.label} 由 {_person_text(person)} 交回，但该份发给的是 {holder_name}：已记录代转违规"
    else:
        en = f"returned {copy.title} {copy.label} by {person.name}"
        zh = f"已收回 {_person_text(person)} 的《{copy.title}》{copy.label}"
    return Outcome(
        "returned", after, event_id, attendee_id=person.id, holder_id=holder_id, violation=violation,
        incident_id=incident_id, en=en, zh=zh,
    )


def take_away(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_ref: str, *, unit: str, carrier: str, receipt: str
) -> Outcome:
    """Register a copy as taken away by a unit (only where the document's policy allows)."""
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.take_away", f"meeting:{meeting_id}", meeting_id)
    unit = clean_text(unit, "the receiving unit", "接收单位", 100)
    carrier = clean_text(carrier, "the carrier's name", "携带人姓名", 64)
    receipt = clean_text(receipt, "the unit's registration number", "接收单位登记号", 64)

    def register(copy: ledger.Copy) -> Refused | int:
        if copy.policy != "take-away":
            return Refused(
                "must_return", f"{copy.title} must be returned: it may not be taken away",
                f"《{copy.title}》须会后收回，不得带回",
                copy_id=copy.id,
            )
        if copy.take_away_units and unit not in copy.take_away_units:
            return Refused(
                "unit_not_listed",
                f"{unit} is not among the units allowed to take {copy.title} away ({', '.join(copy.take_away_units)})",
                f"{unit} 不在《{copy.title}》可带回的单位之列（{'、'.join(copy.take_away_units)}）",
                copy_id=copy.id,
            )
        if copy.take_away_attendees and (copy.holder_attendee not in copy.take_away_attendees):
            return Refused(
                "holder_not_listed", f"the holder of {copy.code} is not allowed to take it away",
                f"{copy.code} 的持有人不在可带回人员之列",
                copy_id=copy.id,
            )
        if copy.state not in ("issued", "in_stock") or (copy.state == "issued" and copy.holder_kind != "attendee"):
            return Refused(
                "not_available", f"{copy.code} is {copy.state.replace('_', ' ')}: it cannot be taken away",
                f"{copy.code} 当前为“{ledger.STATE_ZH[copy.state]}”，不能登记带回",
                copy_id=copy.id,
            )
        event_id = ledger.append_event(
            store, clock, actor.name, copy, "taken_away", holder_kind=copy.holder_kind, holder_ref=copy.holder_ref,
            unit=unit, carrier=carrier, receipt=receipt,
        )
        audit.append(
            store, clock, actor.name, "custody.take_away", f"copy:{copy.id}",
            {"number": copy.number, "holder": copy.holder_ref, "receipt_given": True}, meeting_id,
        )
        return event_id

    copy, event_id = _on_copy(store, clock, actor, "custody.take_away", meeting_id, copy_ref, register)
    after = ledger.after_event(copy, "taken_away", event_id, copy.holder_kind, copy.holder_ref)
    return Outcome(
        "taken_away", after, event_id, holder_id=copy.holder_attendee,
        en=f"{copy.title} {copy.label} registered as taken away by {unit} (carrier {carrier}, registration {receipt})",
        zh=f"《{copy.title}》{copy.label} 已登记由 {unit} 带回（携带人 {carrier}，登记号 {receipt}）",
        extra={"unit": unit, "carrier": carrier, "receipt": receipt},
    )


__all__ = ["Outcome", "Refused", "issue_copy", "return_copy", "take_away"]
