"""Sign-in at the door: a scanned badge token → a typed :class:`Verdict`.

Every scan, refused ones too, is stored with its desk, operator, time and verdict in the same
transaction as its audit entry (``desk.scan``). The same input twice within
:data:`BOUNCE_S` seconds at one desk (a scanner bounce) is one scan: the first result is
returned again with ``repeat=True`` and nothing new is written.

Checks, in order: the text decodes (MALFORMED); the signature verifies with the key of the
meeting the token names (BAD_SIGNATURE); it is this desk's meeting (WRONG_MEETING); the
meeting is open for sign-in (MEETING_NOT_OPEN); now is inside the badge's window
(NOT_YET_VALID / EXPIRED); the serial is on the issue register and not revoked (REVOKED);
the attendee is still approved and pledged (NOT_APPROVED); presence (ALREADY_IN, or for an
exit scan NOT_IN); otherwise ADMITTED (EXITED for an exit scan).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import Enum
from typing import Any

from meetkit import audit
from meetkit.attendees import Attendee, get_attendee
from meetkit.badges import token as tokens
from meetkit.badges.issue import revoke_reason
from meetkit.clock import Clock, iso, parse_iso
from meetkit.errors import InvalidInput
from meetkit.meetings import STATE_ZH, get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import badges as badge_sql
from meetkit.store import desk as sql

BOUNCE_S = 2.0
DESK_ROLES = ("secretary", "chair")
ENTRY_STATES = ("approved", "in_session")
EXIT_STATES = ("approved", "in_session", "closing")
EXCERPT_CHARS = 48
BEIJING = dt.timezone(dt.timedelta(hours=8))


class Verdict(str, Enum):
    ADMITTED = "ADMITTED"
    ALREADY_IN = "ALREADY_IN"
    EXITED = "EXITED"
    NOT_IN = "NOT_IN"
    NOT_APPROVED = "NOT_APPROVED"
    REVOKED = "REVOKED"
    WRONG_MEETING = "WRONG_MEETING"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    MALFORMED = "MALFORMED"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    MEETING_NOT_OPEN = "MEETING_NOT_OPEN"

    @property
    def kind(self) -> str:
        """'ok' (green), 'warn' (amber) or 'refused' (red)."""
        if self in (Verdict.ADMITTED, Verdict.EXITED):
            return "ok"
        if self in (Verdict.ALREADY_IN, Verdict.NOT_IN):
            return "warn"
        return "refused"


REFUSED = [v.value for v in Verdict if v.kind == "refused"]
FLAGGED = [v.value for v in Verdict if v.kind == "warn"]

VERDICT_ZH = {
    Verdict.ADMITTED: "准予入场",
    Verdict.ALREADY_IN: "已在场内",
    Verdict.EXITED: "已离场",
    Verdict.NOT_IN: "未在场内",
    Verdict.NOT_APPROVED: "未经审定",
    Verdict.REVOKED: "胸卡已作废",
    Verdict.WRONG_MEETING: "非本会议胸卡",
    Verdict.BAD_SIGNATURE: "签名无效",
    Verdict.MALFORMED: "无法识别",
    Verdict.NOT_YET_VALID: "尚未生效",
    Verdict.EXPIRED: "已过期",
    Verdict.MEETING_NOT_OPEN: "未开放签到",
}
VERDICT_EN = {
    Verdict.ADMITTED: "Admitted",
    Verdict.ALREADY_IN: "Already in",
    Verdict.EXITED: "Exit recorded",
    Verdict.NOT_IN: "Not signed in",
    Verdict.NOT_APPROVED: "Not approved",
    Verdict.REVOKED: "Badge revoked",
    Verdict.WRONG_MEETING: "Wrong meeting",
    Verdict.BAD_SIGNATURE: "Bad signature",
    Verdict.MALFORMED: "Unreadable",
    Verdict.NOT_YET_VALID: "Not yet valid",
    Verdict.EXPIRED: "Expired",
    Verdict.MEETING_NOT_OPEN: "Sign-in not open",
}


def local_time(value: str | dt.datetime | None) -> str:
    """Beijing wall time for people at the desk, e.g. '12-01 08:47:05'."""
    if value is None:
        return ""
    when = parse_iso(value) if isinstance(value, str) else value
    return when.astimezone(BEIJING).strftime("%m-%d %H:%M:%S")


@dataclass(frozen=True)
class AttendeeBrief:
    id: int
    name: str
    unit: str
    seat: str
    category: str
    has_photo: bool

    @classmethod
    def of(cls, attendee: Attendee) -> AttendeeBrief:
        return cls(attendee.id, attendee.name, attendee.unit, attendee.seat, attendee.category, attendee.has_photo)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AttendeeBrief:
        return cls(int(row["id"]), row["name"], row["unit"], row["seat"], row["category"], bool(row["has_photo"]))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "unit": self.unit, "seat": self.seat}


@dataclass(frozen=True)
class ScanResult:
    verdict: Verdict
    direction: str  # 'in' or 'out'
    attendee: AttendeeBrief | None
    first_seen: str | None
    first_desk: str | None
    reason_en: str
    reason_zh: str
    at: str
    scan_id: int | None = None
    serial: int | None = None
    repeat: bool = False

    def reason(self, lang: str = "zh") -> str:
        return self.reason_zh if lang == "zh" else self.reason_en

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "attendee": self.attendee.to_json() if self.attendee else None,
            "first_seen": self.first_seen,
            "first_desk": self.first_desk,
            "reason": self.reason(lang),
            "direction": self.direction,
            "serial": self.serial,
            "scan_id": self.scan_id,
            "repeat": self.repeat,
        }


@dataclass
class TokenCheck:
    """What a token says about whom, before presence is looked at. ``verdict`` is None when
    every check passed."""

    verdict: Verdict | None
    reason_en: str
    reason_zh: str
    claims: tokens.Claims | None = None
    attendee: AttendeeBrief | None = None


class KeyCache:
    """Public keys by (meeting, key number), read from the store once per session."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._keys: dict[tuple[int, int], Any] = {}

    def get(self, meeting_id: int, key_no: int) -> Any:
        found = self._keys.get((meeting_id, key_no))
        if found is None:
            raw = badge_sql.public_key(self.store, meeting_id, key_no)
            if raw is None:
                return None
            found = tokens.public_from_bytes(raw)
            self._keys[(meeting_id, key_no)] = found
        return found


def check_token(
    store: Store, meeting_id: int, meeting_state: str, text: str, now: dt.datetime, keys: KeyCache, direction: str = "in"
) -> TokenCheck:
    """Every check of a badge token except presence; writes nothing.

    A refusal at the exit must not talk about entering: the Chinese reasons end with what the
    desk does for this direction (``不得入场`` in, ``无法登记离场，请人工核查`` out)."""
    leaving = direction == "out"
    deny_zh = "无法登记离场，请人工核查" if leaving else "不得入场"
    try:
        parsed = tokens.parse(text)
    except tokens.TokenError as err:
        return TokenCheck(Verdict.MALFORMED, f"not a badge code ({err})", "无法识别的胸卡码，请重新扫描或人工核验")
    claims = parsed.claims
    public = keys.get(claims.meeting_id, claims.key_no)
    if public is None:
        if claims.meeting_id != meeting_id and sql.meeting_state(store, claims.meeting_id) is None:
            # not a meeting of this store: another office's badge, or an altered one; either way it cannot be verified here
            return TokenCheck(
                Verdict.WRONG_MEETING,
                f"badge of meeting {claims.meeting_id}, unknown here: another office's badge or altered; cannot be verified",
                f"胸卡所属会议（编号 {claims.meeting_id}）不在本系统中：可能是其他单位的胸卡或被篡改，无法核验，{deny_zh}",
                claims,
            )
        return TokenCheck(Verdict.BAD_SIGNATURE, "signed with an unknown key: forged or altered", f"胸卡签名密钥不明，疑似伪造，{deny_zh}", claims)
    if not parsed.verify(public):
        return TokenCheck(Verdict.BAD_SIGNATURE, "the signature does not verify: forged or altered badge", f"胸卡签名无效，疑似伪造或篡改，{deny_zh}", claims)
    if claims.meeting_id != meeting_id:
        return TokenCheck(Verdict.WRONG_MEETING, f"badge of another meeting ({claims.meeting_id})", f"非本会议胸卡，{deny_zh}", claims)
    open_states = EXIT_STATES if leaving else ENTRY_STATES
    if meeting_state not in open_states:
        return TokenCheck(
            Verdict.MEETING_NOT_OPEN,
            f"exit scanning is not open: the meeting is {meeting_state}" if leaving else f"sign-in is not open: the meeting is {meeting_state}",
            f"会议当前为“{STATE_ZH.get(meeting_state, meeting_state)}”，" + ("未开放离场登记" if leaving else "未开放签到"),
            claims,
        )
    # someone inside is always let out: a rejection or a late end does not hold them
    if not leaving and (now < claims.not_before or now >= claims.not_after):
        # a genuine badge at the wrong time: say whose it is, so the desk can help
        row = sql.attendee_for_desk(store, claims.attendee_id, meeting_id)
        who = AttendeeBrief.from_row(row) if row else None
        if now < claims.not_before:
            return TokenCheck(
                Verdict.NOT_YET_VALID, f"badge valid from {local_time(claims.not_before)}",
                f"胸卡尚未生效，{local_time(claims.not_before)} 起有效", claims, who,
            )
        return TokenCheck(
            Verdict.EXPIRED, f"badge expired at {local_time(claims.not_after)}", f"胸卡已过期（有效期至 {local_time(claims.not_after)}）", claims, who
        )
    badge = sql.badge_for_desk(store, meeting_id, claims.serial)
    if badge is None or int(badge["attendee_id"]) != claims.attendee_id:
        return TokenCheck(Verdict.REVOKED, "badge serial not on the issue register", f"胸卡编号不在制发登记中，{deny_zh}", claims)
    row = sql.attendee_for_desk(store, claims.attendee_id, meeting_id)
    if row is None:
        return TokenCheck(Verdict.NOT_APPROVED, "attendee not on this meeting's list", f"不在本会议参会名单中，{deny_zh}", claims)
    attendee = AttendeeBrief.from_row(row)
    if badge["revoked_at"]:
        return TokenCheck(
            Verdict.REVOKED,
            f"badge revoked at {local_time(badge['revoked_at'])}: {revoke_reason(badge['revoke_reason'], 'en')}",
            f"此胸卡已于 {local_time(badge['revoked_at'])} 作废（{revoke_reason(badge['revoke_reason'], 'zh')}），请核查持卡人",
            claims,
            attendee,
        )
    if row["status"] != "approved" and not leaving:
        return TokenCheck(Verdict.NOT_APPROVED, "the attendee is no longer approved", "持卡人未经审定通过或已被取消参会资格，不得入场", claims, attendee)
    if not row["pledged"] and not leaving:
        return TokenCheck(Verdict.NOT_APPROVED, "no confidentiality pledge recorded", "持卡人尚未签署保密承诺，不得入场", claims, attendee)
    return TokenCheck(None, "", "", claims, attendee)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _excerpt(text: str) -> str:
    clean = text[:EXCERPT_CHARS].encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be stored
    return "".join(c if c.isprintable() else "\ufffd" for c in clean)


def _canonical_input(text: str) -> str:
    """The input as compared for bounces: a token normalised, junk as it came."""
    if len(text) <= 4 * tokens.TOKEN_LENGTH:
        return tokens.normalise(text)
    return text


def validate_desk_name(desk: str) -> str:
    desk = desk.strip()
    if not desk or len(desk) > 40 or not desk.isprintable():
        raise InvalidInput("a desk needs a name of 1–40 printable characters", "签到台名称须为 1–40 个可打印字符")
    return desk


class Desk:
    """One sign-in desk of one meeting, operated by one operator (a scanner session)."""

    def __init__(self, store: Store, clock: Clock, actor: Actor, meeting_id: int, desk: str) -> None:
        get_meeting(store, meeting_id)
        require_role(store, clock, actor, DESK_ROLES, "desk.open", f"meeting:{meeting_id}", meeting_id)
        self.store = store
        self.clock = clock
        self.actor = actor
        self.meeting_id = meeting_id
        self.desk = validate_desk_name(desk)
        self.keys = KeyCache(store)

    def scan(self, text: str, exit: bool = False) -> ScanResult:
        direction = "out" if exit else "in"
        if not isinstance(text, str):
            text = str(text)
        now = self.clock.now()
        at = iso(now)
        digest = _digest(_canonical_input(text) + "|" + direction)
        with self.store.transaction():
            last = sql.last_scan_at_desk(self.store, self.meeting_id, self.desk)
            if last is not None and last["input_digest"] == digest and (now - parse_iso(last["at"])).total_seconds() <= BOUNCE_S:
                return self._repeat(last)
            state = sql.meeting_state(self.store, self.meeting_id) or ""
            check = check_token(self.store, self.meeting_id, state, text, now, self.keys, direction)
            first_seen = first_desk = None
            attendee = check.attendee
            if check.verdict is not None:
                verdict, reason_en, reason_zh = check.verdict, check.reason_en, check.reason_zh
            else:
                assert attendee is not None
                last_event = sql.last_presence(self.store, self.meeting_id, attendee.id)
                inside = last_event is not None and last_event["kind"] == "in"
                if direction == "in" and inside:
                    assert last_event is not None
                    verdict = Verdict.ALREADY_IN
                    first_seen, first_desk = last_event["at"], last_event["desk"]
                    reason_en = f"already signed in at {local_time(first_seen)} at desk {first_desk}: possible copied badge"
                    reason_zh = f"此人已于 {local_time(first_seen)} 在“{first_desk}”签到入场，疑似复制胸卡，请核查"
                elif direction == "in":
                    verdict, reason_en, reason_zh = Verdict.ADMITTED, "admitted", "核验通过，准予入场"
                elif inside:
                    verdict, reason_en, reason_zh = Verdict.EXITED, "exit recorded", "已登记离场"
                else:
                    verdict, reason_en, reason_zh = Verdict.NOT_IN, "not signed in: no exit recorded", "此人未在场内，未登记离场"
            serial = check.claims.serial if check.claims and verdict not in (Verdict.BAD_SIGNATURE,) else None
            scan_id = sql.insert_scan(
                self.store,
                {
                    "meeting_id": self.meeting_id, "desk": self.desk, "operator": self.actor.name, "at": at,
                    "direction": direction, "verdict": verdict.value, "attendee_id": attendee.id if attendee else None,
                    "serial": serial, "input_digest": digest, "input_excerpt": _excerpt(text),
                    "reason": reason_en, "reason_zh": reason_zh,
                },
            )
            if verdict in (Verdict.ADMITTED, Verdict.EXITED):
                assert attendee is not None
                sql.insert_presence(
                    self.store,
                    {
                        "meeting_id": self.meeting_id, "attendee_id": attendee.id, "kind": direction, "at": at,
                        "desk": self.desk, "operator": self.actor.name, "via": "badge", "scan_id": scan_id,
                    },
                )
            details: dict[str, Any] = {"desk": self.desk, "direction": direction, "verdict": verdict.value}
            if attendee is not None:
                details["attendee_id"] = attendee.id
            if serial is not None:
                details["serial"] = serial
            audit.append(self.store, self.clock, self.actor.name, "desk.scan", f"scan:{scan_id}", details, self.meeting_id)
        return ScanResult(
            verdict, direction, attendee, first_seen, first_desk,
            reason_en, reason_zh, at, scan_id, serial,
        )

    def _repeat(self, row: dict[str, Any]) -> ScanResult:
        attendee = None
        if row["attendee_id"] is not None:
            attendee = AttendeeBrief.of(get_attendee(self.store, int(row["attendee_id"])))
        verdict = Verdict(row["verdict"])
        first_seen = first_desk = None
        if verdict == Verdict.ALREADY_IN and attendee is not None:
            event = sql.last_presence(self.store, self.meeting_id, attendee.id)
            if event is not None:
                first_seen, first_desk = event["at"], event["desk"]
        return ScanResult(
            verdict, row["direction"], attendee, first_seen, first_desk, row["reason"], row["reason_zh"], row["at"],
            int(row["id"]), row["serial"], repeat=True,
        )


def check_in(store: Store, clock: Clock, actor: Actor, meeting_id: int, desk: str, text: str, exit: bool = False) -> ScanResult:
    """One scan at one desk (see :class:`Desk` for a session of many)."""
    return Desk(store, clock, actor, meeting_id, desk).scan(text, exit=exit)


def recent_scans(store: Store, meeting_id: int, limit: int = 20, desk: str | None = None) -> list[dict[str, Any]]:
    return sql.recent_scans(store, meeting_id, limit, desk)
