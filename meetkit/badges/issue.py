"""The badge issue register: the meeting's signing key, issuing badges to approved and
pledged attendees, reissue (revokes the old serial), print history, public key export.

The private key is created inside the encrypted store on first issue and never leaves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization

from meetkit import audit
from meetkit.attendees import Attendee, get_attendee, list_attendees
from meetkit.badges import token as tokens
from meetkit.clock import Clock, iso, parse_iso
from meetkit.errors import InvalidInput, InvalidState, NotFound
from meetkit.meetings import Meeting, get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import badges as sql

WINDOW_MARGIN = dt.timedelta(hours=2)
ISSUERS = ("secretary",)
LAYOUTS = ("a4-8up", "cr80")
REISSUE_PREFIX = "补发 reissued: "  # the revocation reason of a badge replaced by a reissue


def revoke_reason(stored: str | None, lang: str) -> str:
    """A revocation reason for people in one language: a reissue says so in that language."""
    stored = stored or ""
    if stored.startswith(REISSUE_PREFIX):
        rest = stored[len(REISSUE_PREFIX):]
        return f"已补发新卡：{rest}" if lang == "zh" else f"replaced by a reissued badge: {rest}"
    return stored


@dataclass(frozen=True)
class Badge:
    id: int
    meeting_id: int
    serial: int
    attendee_id: int
    key_no: int
    token: str
    not_before: dt.datetime
    not_after: dt.datetime
    issued_at: str
    issued_by: str
    replaces_serial: int | None
    reissue_reason: str
    revoked_at: str | None
    revoke_reason: str | None
    print_count: int

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def serial_text(self) -> str:
        return format_serial(self.meeting_id, self.serial)

    def to_json(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "serial_text": self.serial_text,
            "attendee_id": self.attendee_id,
            "key_no": self.key_no,
            "token": self.token,
            "not_before": iso(self.not_before),
            "not_after": iso(self.not_after),
            "issued_at": self.issued_at,
            "issued_by": self.issued_by,
            "replaces_serial": self.replaces_serial,
            "reissue_reason": self.reissue_reason,
            "revoked_at": self.revoked_at,
            "revoke_reason": self.revoke_reason,
            "print_count": self.print_count,
            "active": self.active,
        }


def format_serial(meeting_id: int, serial: int) -> str:
    return f"M{meeting_id:03d}-{serial:05d}"


def _from_row(row: dict[str, Any]) -> Badge:
    return Badge(
        id=int(row["id"]),
        meeting_id=int(row["meeting_id"]),
        serial=int(row["serial"]),
        attendee_id=int(row["attendee_id"]),
        key_no=int(row["key_no"]),
        token=row["token"],
        not_before=parse_iso(row["not_before"]),
        not_after=parse_iso(row["not_after"]),
        issued_at=row["issued_at"],
        issued_by=row["issued_by"],
        replaces_serial=row["replaces_serial"],
        reissue_reason=row["reissue_reason"],
        revoked_at=row["revoked_at"],
        revoke_reason=row["revoke_reason"],
        print_count=int(row["print_count"] or 0),
    )


def validity_window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """Two hours before the start to two hours after the end, widened to whole hours."""
    start_h, valid_h = tokens.window_hours(meeting.starts_at - WINDOW_MARGIN, meeting.ends_at + WINDOW_MARGIN)
    start = tokens.EPOCH + dt.timedelta(hours=start_h)
    if valid_h > tokens.LIMITS["valid_h"]:
        raise InvalidInput(
            f"a badge can be valid for at most {tokens.LIMITS['valid_h']} hours; this meeting needs {valid_h}",
            f"胸卡有效期最长 {tokens.LIMITS['valid_h']} 小时，本会议需要 {valid_h} 小时",
        )
    return start, start + dt.timedelta(hours=valid_h)


def _signing_key(store: Store, clock: Clock, actor: Actor, meeting_id: int) -> tuple[int, Any]:
    """The meeting's current private key, created (inside the caller's transaction) if absent."""
    row = sql.key(store, meeting_id)
    if row is not None:
        return int(row["key_no"]), tokens.private_from_bytes(bytes(row["private_key"]))
    private = tokens.new_private_key()
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    sql.insert_key(store, meeting_id, 1, raw, public, iso(clock.now()), actor.name)
    audit.append(store, clock, actor.name, "badge.key_create", f"meeting:{meeting_id}", {"key_no": 1, "fingerprint": fingerprint(public)}, meeting_id)
    return 1, private


def fingerprint(public_raw: bytes) -> str:
    import hashlib

    digest = hashlib.sha256(public_raw).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def eligibility_problem(attendee: Attendee) -> tuple[str, str] | None:
    if attendee.status != "approved":
        return (f"attendee {attendee.id} is not approved", f"参会人员 {attendee.id} 未经审定通过")
    if not attendee.pledged_at:
        return (f"attendee {attendee.id} has no confidentiality pledge recorded", f"参会人员 {attendee.id} 尚未登记保密承诺")
    return None


def _check_meeting(meeting: Meeting) -> None:
    if meeting.state in ("closing", "closed"):
        raise InvalidState("no badges are issued for a closing or closed meeting", "会议收尾或结束后不再制发胸卡")


def _new_badge(store: Store, clock: Clock, actor: Actor, meeting: Meeting, attendee_id: int, key_no: int, private: Any,
               replaces: int | None = None, reason: str = "") -> int:
    serial = sql.next_serial(store, meeting.id)
    not_before, not_after = validity_window(meeting)
    claims = tokens.Claims(meeting.id, key_no, serial, attendee_id, not_before, not_after)
    token = tokens.encode(claims, private)
    return sql.insert_badge(
        store,
        {
            "meeting_id": meeting.id, "serial": serial, "attendee_id": attendee_id, "key_no": key_no, "token": token,
            "not_before": iso(not_before), "not_after": iso(not_after), "issued_at": iso(clock.now()),
            "issued_by": actor.name, "replaces_serial": replaces, "reissue_reason": reason,
        },
    )


def issue_badges(store: Store, clock: Clock, actor: Actor, meeting_id: int, attendee_ids: Iterable[int] | None = None) -> list[Badge]:
    """Issue a badge to each given attendee (or, with ``None``, to every approved and pledged
    attendee who has no active badge yet). Someone who already holds one is skipped; asking
    explicitly for an attendee who is not eligible is an error and nothing is issued."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ISSUERS, "badge.issue", f"meeting:{meeting_id}", meeting_id)
    _check_meeting(meeting)
    if attendee_ids is None:
        targets = [a for a in list_attendees(store, meeting_id, status="approved") if a.pledged_at]
    else:
        targets = [get_attendee(store, int(i), meeting_id) for i in attendee_ids]
        for attendee in targets:
            problem = eligibility_problem(attendee)
            if problem:
                raise InvalidState(problem[0] + "; no badge issued", problem[1] + "，未制发胸卡")
    made: list[int] = []
    with store.transaction():
        key_no, private = _signing_key(store, clock, actor, meeting_id)
        for attendee in targets:
            if sql.active_badge(store, meeting_id, attendee.id) is not None:
                continue
            made.append(_new_badge(store, clock, actor, meeting, attendee.id, key_no, private))
        if made:
            serials = [int(r["serial"]) for r in (sql.badge(store, i) for i in made) if r]
            audit.append(store, clock, actor.name, "badge.issue", f"meeting:{meeting_id}", {"serials": serials, "count": len(made)}, meeting_id)
    return [get_badge(store, i) for i in made]


def reissue(store: Store, clock: Clock, actor: Actor, meeting_id: int, attendee_id: int, reason: str) -> Badge:
    """A lost or damaged badge: revoke the attendee's active badge and issue a new serial."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ISSUERS, "badge.reissue", f"attendee:{attendee_id}", meeting_id)
    _check_meeting(meeting)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a reissue needs a reason (lost, damaged, ...)", "补发胸卡必须说明原因（遗失、损坏等）")
    attendee = get_attendee(store, attendee_id, meeting_id)
    problem = eligibility_problem(attendee)
    if problem:
        raise InvalidState(problem[0] + "; no badge issued", problem[1] + "，未制发胸卡")
    with store.transaction():
        old = sql.active_badge(store, meeting_id, attendee_id)
        if old is None:
            raise NotFound(f"attendee {attendee_id} has no active badge to reissue; issue one", f"参会人员 {attendee_id} 没有有效胸卡可补发，请直接制发")
        at = iso(clock.now())
        sql.revoke(store, int(old["id"]), at, actor.name, REISSUE_PREFIX + reason)
        key_no, private = _signing_key(store, clock, actor, meeting_id)
        new_id = _new_badge(store, clock, actor, meeting, attendee_id, key_no, private, replaces=int(old["serial"]), reason=reason)
        new = sql.badge(store, new_id)
        assert new is not None
        audit.append(
            store, clock, actor.name, "badge.reissue", f"attendee:{attendee_id}",
            {"revoked_serial": int(old["serial"]), "new_serial": int(new["serial"]), "reason": reason}, meeting_id,
        )
    return get_badge(store, new_id)


def revoke(store: Store, clock: Clock, actor: Actor, meeting_id: int, serial: int, reason: str) -> Badge:
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, ISSUERS, "badge.revoke", f"badge:{serial}", meeting_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a revocation needs a reason", "吊销胸卡必须说明原因")
    with store.transaction():
        row = sql.badge_by_serial(store, meeting_id, serial)
        if row is None:
            raise NotFound(f"no badge {serial} in meeting {meeting_id}", f"会议 {meeting_id} 没有编号 {serial} 的胸卡")
        if row["revoked_at"]:
            raise InvalidState(f"badge {serial} is already revoked", f"胸卡 {serial} 已被吊销")
        sql.revoke(store, int(row["id"]), iso(clock.now()), actor.name, reason)
        audit.append(store, clock, actor.name, "badge.revoke", f"badge:{serial}", {"attendee_id": int(row["attendee_id"])}, meeting_id)
    return get_badge(store, int(row["id"]))


def get_badge(store: Store, badge_id: int) -> Badge:
    row = sql.badge(store, badge_id)
    if row is None:
        raise NotFound(f"no badge {badge_id}", f"没有编号 {badge_id} 的胸卡")
    return _from_row(row)


def list_badges(store: Store, meeting_id: int, active_only: bool = False, attendee_ids: list[int] | None = None) -> list[Badge]:
    return [_from_row(r) for r in sql.badges(store, meeting_id, active_only, attendee_ids)]


def active_badge(store: Store, meeting_id: int, attendee_id: int) -> Badge | None:
    row = sql.active_badge(store, meeting_id, attendee_id)
    return _from_row(row) if row else None


def record_prints(store: Store, clock: Clock, actor: Actor, meeting_id: int, badges: list[Badge], layout: str, output: str = "") -> dict[str, int]:
    """Write the print history (first print or reprint per badge) with one audit entry."""
    at = iso(clock.now())
    first = reprint = 0
    with store.transaction():
        for badge in badges:
            again = (sql.badge(store, badge.id) or {}).get("print_count", 0) > 0
            sql.insert_print(store, badge.id, at, actor.name, layout, again)
            reprint += int(again)
            first += int(not again)
        audit.append(
            store, clock, actor.name, "badge.print", f"meeting:{meeting_id}",
            {"layout": layout, "serials": [b.serial for b in badges], "first": first, "reprint": reprint}, meeting_id,
        )
    return {"first": first, "reprint": reprint}


def print_history(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return sql.prints(store, meeting_id)


def export_public_key(store: Store, clock: Clock, actor: Actor, meeting_id: int) -> dict[str, Any]:
    """The meeting's public verification key(s) as PEM, for a desk that verifies without the store."""
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, ISSUERS, "badge.export_key", f"meeting:{meeting_id}", meeting_id)
    row = sql.key(store, meeting_id)
    if row is None:
        raise NotFound(f"meeting {meeting_id} has no signing key yet: issue badges first", f"会议 {meeting_id} 尚无签名密钥，请先制发胸卡")
    public = tokens.public_from_bytes(bytes(row["public_key"]))
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    info = {
        "meeting_id": meeting_id, "key_no": int(row["key_no"]), "algorithm": "Ed25519",
        "fingerprint": fingerprint(bytes(row["public_key"])), "public_key_pem": pem,
    }
    audit.append(store, clock, actor.name, "badge.export_key", f"meeting:{meeting_id}", {"key_no": info["key_no"]}, meeting_id)
    return info

