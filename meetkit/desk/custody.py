"""Phones and other devices kept at the door (三.一: no phones, radios or other wireless
devices in the room).

Items are deposited against a numbered tag or locker ("T017", "柜12") and returned on exit.
Custody is the append-only ``custody_events`` register: a tag holds items while its last
event is a deposit. The presence list shows who still has items here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.attendees import get_attendee
from meetkit.clock import Clock, iso
from meetkit.desk.signin import DESK_ROLES, KeyCache, check_token, validate_desk_name
from meetkit.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    InvalidState,
    MeetkitError,
    NotFound,
)
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import desk as sql

MAX_TAG = 20
MAX_ITEMS = 200
MAX_COUNT = 20
OPEN_STATES = ("approved", "in_session", "closing")


@dataclass(frozen=True)
class Holding:
    event_id: int
    tag: str
    attendee_id: int
    name: str
    unit: str
    items: str
    item_count: int
    since: str
    desk: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def normalise_tag(tag: str) -> str:
    tag = tag.strip().upper()
    if not tag or len(tag) > MAX_TAG or not tag.isprintable():
        raise InvalidInput(f"a tag or locker number is 1–{MAX_TAG} printable characters", f"号牌或柜号须为 1–{MAX_TAG} 个可打印字符")
    return tag


def _holding(row: dict[str, Any]) -> Holding:
    return Holding(
        int(row["id"]), row["tag"], int(row["attendee_id"]), row["attendee_name"], row["attendee_unit"],
        row["items"], int(row["item_count"]), row["at"], row["desk"],
    )


def held(store: Store, meeting_id: int, attendee_id: int | None = None) -> list[Holding]:
    return [_holding(r) for r in sql.held_tags(store, meeting_id, attendee_id)]


def history(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return sql.custody_history(store, meeting_id)


def attendee_from_badge(store: Store, clock: Clock, meeting_id: int, text: str) -> int:
    """The attendee a scanned badge names, after every badge check (signature, meeting,
    window, revocation, approval). A refused badge raises with the desk's reason."""
    meeting = get_meeting(store, meeting_id)
    check = check_token(store, meeting.id, meeting.state, text, clock.now(), KeyCache(store), direction="out")
    if check.verdict is not None or check.attendee is None:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"badge refused: {check.reason_en}", f"胸卡未通过核验：{check.reason_zh}")
    return check.attendee.id


def deposit(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, attendee_id: int, tag: str, items: str, item_count: int = 1, desk: str = "desk"
) -> Holding:
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, DESK_ROLES, "custody.deposit", f"attendee:{attendee_id}", meeting_id)
    if meeting.state not in OPEN_STATES:
        raise InvalidState("the meeting is not open: no custody", "会议未开放，不能登记代管物品")
    desk = validate_desk_name(desk)
    tag = normalise_tag(tag)
    items = items.strip() or "手机"
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"the item description is longer than {MAX_ITEMS} characters", f"物品描述超过 {MAX_ITEMS} 个字符")
    if not 1 <= int(item_count) <= MAX_COUNT:
        raise InvalidInput(f"the number of items is 1–{MAX_COUNT}", f"物品件数须为 1–{MAX_COUNT}")
    get_attendee(store, attendee_id, meeting_id)
    with store.transaction():
        taken = sql.held_tags(store, meeting_id, tag=tag)
        if taken:
            raise Conflict(
                f"tag {tag} already holds items of attendee {taken[0]['attendee_id']}", f"号牌 {tag} 已有代管物品（{taken[0]['attendee_name']}）"
            )
        event_id = sql.insert_custody(
            store,
            {
                "meeting_id": meeting_id, "attendee_id": attendee_id, "tag": tag, "kind": "deposit", "items": items,
                "item_count": int(item_count), "at": iso(clock.now()), "desk": desk, "operator": actor.name,
            },
        )
        audit.append(
            store, clock, actor.name, "custody.deposit", f"tag:{tag}",
            {"attendee_id": attendee_id, "item_count": int(item_count), "desk": desk, "event_id": event_id}, meeting_id,
        )
    return next(h for h in held(store, meeting_id, attendee_id) if h.tag == tag)


def return_items(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, *, tag: str | None = None, attendee_id: int | None = None, desk: str = "desk"
) -> list[Holding]:
    """Hand back what one tag holds, or everything an attendee deposited. Returns what was
    handed back."""
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, DESK_ROLES, "custody.return", f"meeting:{meeting_id}", meeting_id)
    desk = validate_desk_name(desk)
    if (tag is None) == (attendee_id is None):
        raise InvalidInput("say which tag, or whose items, to return", "请指明归还的号牌或物主")
    with store.transaction():
        if tag is not None:
            rows = sql.held_tags(store, meeting_id, tag=normalise_tag(tag))
            if not rows:
                raise NotFound(f"tag {normalise_tag(tag)} holds nothing", f"号牌 {normalise_tag(tag)} 没有代管物品")
        else:
            rows = sql.held_tags(store, meeting_id, attendee_id=attendee_id)
            if not rows:
                raise NotFound(f"attendee {attendee_id} has nothing in custody", f"参会人员 {attendee_id} 没有代管物品")
        returned = [_holding(r) for r in rows]
        at = iso(clock.now())
        for h in returned:
            sql.insert_custody(
                store,
                {
                    "meeting_id": meeting_id, "attendee_id": h.attendee_id, "tag": h.tag, "kind": "return", "items": h.items,
                    "item_count": h.item_count, "at": at, "desk": desk, "operator": actor.name,
                },
            )
        audit.append(
            store, clock, actor.name, "custody.return", f"meeting:{meeting_id}",
            {"tags": [h.tag for h in returned], "attendee_ids": sorted({h.attendee_id for h in returned}), "desk": desk}, meeting_id,
        )
    return returned


def custody_blocker(store: Store, meeting: Any, target: str) -> list[Any]:
    """Gate before 'closed': every phone and device kept at the door has been handed back."""
    if target != "closed":
        return []
    from meetkit.gates import Blocker

    still = held(store, meeting.id)
    if not still:
        return []
    return [
        Blocker(
            "devices_in_custody",
            f"{len(still)} tag(s) still hold attendees' phones or devices",
            f"尚有 {len(still)} 个号牌的代管手机或设备未归还",
            tuple(f"{h.tag} {h.name}" for h in still),
        )
    ]
