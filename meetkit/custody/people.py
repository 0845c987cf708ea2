"""Who is receiving or handing back a copy: an attendee id typed at the desk, or a badge
scanned. Badges are checked by the desk's token checks (``meetkit.desk.signin``); presence
comes from the desk's sign-in records (``meetkit.store.desk``), never from SQL written here."""

from __future__ import annotations

from dataclasses import dataclass

from meetkit.attendees import Attendee, get_attendee
from meetkit.clock import Clock
from meetkit.custody.codes import check_length, looks_like_copy_code, normalise
from meetkit.errors import InvalidInput
from meetkit.store import Store


@dataclass(frozen=True)
class Person:
    attendee: Attendee
    via: str  # "id" | "badge"


def resolve_person(store: Store, clock: Clock, meeting_id: int, text: str) -> Person:
    check_length(str(text))
    value = normalise(str(text))
    if not value:
        raise InvalidInput("say who: an attendee id or a scanned badge", "请指明人员：参会人员编号或扫描参会证")
    if value.isdigit() and len(value) <= 9:
        return Person(get_attendee(store, int(value), meeting_id), "id")
    if looks_like_copy_code(value):
        raise InvalidInput(
            "this is a copy's code, not a badge: scan the attendee's badge",
            "这是文件份号码，不是参会证：请扫描参会人员的参会证",
            scanned="copy",
        )
    attendee_id = badge_attendee(store, clock, meeting_id, str(text))
    return Person(get_attendee(store, attendee_id, meeting_id), "badge")


def badge_attendee(store: Store, clock: Clock, meeting_id: int, text: str) -> int:
    """The attendee a scanned badge names, after the desk's token checks (signature, meeting,
    validity window, issue register, revocation, approval) have passed."""
    from meetkit.desk.signin import KeyCache, Verdict, check_token
    from meetkit.meetings import get_meeting

    meeting = get_meeting(store, meeting_id)
    # "out" accepts badges while the meeting is approved, in session or closing (returns
    # happen while a meeting closes).
    checked = check_token(
        store, meeting_id=meeting.id, meeting_state=meeting.state, text=text, now=clock.now(), keys=KeyCache(store),
        direction="out",
    )
    if checked.verdict is not None:
        unreadable = checked.verdict == Verdict.MALFORMED
        raise InvalidInput(
            ("not a badge or a copy code: scan again" if unreadable else f"badge refused: {checked.reason_en}"),
            ("既不是参会证也不是文件份号码：请重新扫描" if unreadable else f"参会证无效：{checked.reason_zh}"),
            scanned="unknown" if unreadable else "bad_badge",
            verdict=checked.verdict.value,
        )
    assert checked.claims is not None
    return int(checked.claims.attendee_id)


def is_signed_in(store: Store, meeting_id: int, attendee_id: int) -> bool:
    """Whether the desk's sign-in records show the attendee present (their last presence
    event is an entry)."""
    from meetkit.store import desk as desk_sql

    last = desk_sql.last_presence(store, meeting_id, attendee_id)
    return bool(last and last["kind"] == "in")
