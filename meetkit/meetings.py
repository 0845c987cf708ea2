"""Meetings: facts, rooms and the lifecycle draft → vetting → approved → in session →
closing → closed. Every transition is audited; gates (``meetkit.gates``) may block one, and
the chair may override a gate with a reason."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from meetkit import audit, gates
from meetkit.clock import Clock, iso, parse_iso
from meetkit.errors import ErrorCode, InvalidInput, InvalidState, MeetkitError, NotFound
from meetkit.levels import parse_level
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import meetings as sql

STATES = ("draft", "vetting", "approved", "in_session", "closing", "closed")
STATE_ZH = {
    "draft": "草稿",
    "vetting": "审核中",
    "approved": "已审定",
    "in_session": "进行中",
    "closing": "收尾中",
    "closed": "已结束",
}
ROOM_KINDS = ("meeting", "side", "lodging")
ROOM_KIND_ZH = {"meeting": "会议室", "side": "附属房间", "lodging": "住宿房间"}
EDITORS = ("secretary", "chair")


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    level: str
    venue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    chair: str
    organizer: str
    relay_scope: str
    notes: str
    state: str
    created_at: str
    created_by: str
    attendee_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "venue": self.venue,
            "starts_at": iso(self.starts_at),
            "ends_at": iso(self.ends_at),
            "chair": self.chair,
            "organizer": self.organizer,
            "relay_scope": self.relay_scope,
            "notes": self.notes,
            "state": self.state,
            "attendee_count": self.attendee_count,
        }


def _from_row(row: dict[str, Any]) -> Meeting:
    return Meeting(
        id=int(row["id"]),
        title=row["title"],
        level=row["level"],
        venue=row["venue"],
        starts_at=parse_iso(row["starts_at"]),
        ends_at=parse_iso(row["ends_at"]),
        chair=row["chair"],
        organizer=row["organizer"],
        relay_scope=row["relay_scope"],
        notes=row["notes"],
        state=row["state"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        attendee_count=int(row.get("attendee_count") or 0),
    )


def parse_time(text: str, what: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as err:
        raise InvalidInput(
            f"{what}: {text!r} is not a date and time (use e.g. 2026-12-01T09:00+08:00)",
            f"{what}：{text!r} 不是有效的日期时间（例如 2026-12-01T09:00+08:00）",
        ) from err
    if value.tzinfo is None:
        # Local time of the office: China Standard Time.
        value = value.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return value


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > 200:
        raise InvalidInput("a meeting needs a title of 1–200 characters", "会议名称须为 1–200 个字符")
    return title


def create_meeting(
    store: Store,
    clock: Clock,
    actor: Actor,
    *,
    title: str,
    level: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str = "",
    chair: str = "",
    organizer: str = "",
    notes: str = "",
) -> Meeting:
    require_role(store, clock, actor, EDITORS, "meeting.create", "meeting:new")
    title = _clean_title(title)
    level = parse_level(level)
    if ends_at <= starts_at:
        raise InvalidInput("the meeting must end after it starts", "会议结束时间须晚于开始时间")
    row = {
        "title": title,
        "level": level,
        "venue": venue.strip(),
        "starts_at": iso(starts_at),
        "ends_at": iso(ends_at),
        "chair": chair.strip(),
        "organizer": organizer.strip(),
        "relay_scope": "",
        "notes": notes,
        "state": "draft",
        "created_at": iso(clock.now()),
        "created_by": actor.name,
    }
    with store.transaction():
        meeting_id = sql.insert(store, row)
        audit.append(
            store, clock, actor.name, "meeting.create", f"meeting:{meeting_id}",
            {"level": level, "starts_at": row["starts_at"], "ends_at": row["ends_at"]}, meeting_id,
        )
    return get_meeting(store, meeting_id)


def get_meeting(store: Store, meeting_id: int) -> Meeting:
    row = sql.get(store, meeting_id)
    if row is None:
        raise NotFound(f"no meeting with id {meeting_id}", f"没有编号为 {meeting_id} 的会议")
    return _from_row(row)


def list_meetings(store: Store) -> list[Meeting]:
    return [_from_row(r) for r in sql.list_all(store)]


def update_meeting(store: Store, clock: Clock, actor: Actor, meeting_id: int, **changes: Any) -> Meeting:
    meeting = get_meeting(store, meeting_id)
    roles = ("chair",) if set(changes) == {"relay_scope"} else EDITORS
    require_role(store, clock, actor, roles, "meeting.update", f"meeting:{meeting_id}", meeting_id)
    if meeting.state == "closed":
        raise InvalidState("a closed meeting cannot be changed", "已结束的会议不能修改")
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key == "title":
            clean[key] = _clean_title(value)
        elif key == "level":
            clean[key] = parse_level(value)
        elif key in ("starts_at", "ends_at"):
            clean[key] = iso(value)
        elif key in sql.FIELDS:
            clean[key] = str(value)
        else:
            raise InvalidInput(f"unknown meeting field {key}", f"未知的会议字段 {key}")
    starts = clean.get("starts_at", iso(meeting.starts_at))
    ends = clean.get("ends_at", iso(meeting.ends_at))
    if parse_iso(ends) <= parse_iso(starts):
        raise InvalidInput("the meeting must end after it starts", "会议结束时间须晚于开始时间")
    with store.transaction():
        sql.update_fields(store, meeting_id, clean)
        audit.append(store, clock, actor.name, "meeting.update", f"meeting:{meeting_id}", {"fields": sorted(clean)}, meeting_id)
    return get_meeting(store, meeting_id)


def add_room(store: Store, clock: Clock, actor: Actor, meeting_id: int, name: str, kind: str, notes: str = "") -> int:
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, EDITORS, "room.add", f"meeting:{meeting_id}", meeting_id)
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("a room needs a name of 1–100 characters", "房间名称须为 1–100 个字符")
    if kind not in ROOM_KINDS:
        raise InvalidInput(f"room kind must be one of {', '.join(ROOM_KINDS)}", f"房间类型须为 {', '.join(ROOM_KINDS)} 之一")
    with store.transaction():
        if sql.room_by_name(store, meeting_id, name):
            raise MeetkitError(ErrorCode.CONFLICT, f"room {name} exists already", f"房间 {name} 已存在")
        room_id = sql.insert_room(store, meeting_id, name, kind, notes)
        audit.append(store, clock, actor.name, "room.add", f"room:{room_id}", {"kind": kind}, meeting_id)
    return room_id


def rooms(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return sql.rooms(store, meeting_id)


def next_state(state: str) -> str | None:
    index = STATES.index(state)
    return STATES[index + 1] if index + 1 < len(STATES) else None


def advance(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, to: str, override_reason: str | None = None
) -> Meeting:
    """Move the meeting one step forward. Gates may block it; the chair may override
    with a reason, which is audited and printed on the dossier."""
    meeting = get_meeting(store, meeting_id)
    if to not in STATES:
        raise InvalidInput(f"unknown state {to}: use one of {', '.join(STATES)}", f"未知状态 {to}")
    if next_state(meeting.state) != to:
        raise InvalidState(
            f"meeting {meeting_id} is {meeting.state}; it can only advance to {next_state(meeting.state) or 'nothing (closed)'}",
            f"会议 {meeting_id} 当前为“{STATE_ZH[meeting.state]}”，只能推进到“{STATE_ZH.get(next_state(meeting.state) or '', '无')}”",
        )
    roles = ("chair",) if override_reason else ("secretary", "chair")
    require_role(store, clock, actor, roles, "meeting.advance", f"meeting:{meeting_id}", meeting_id)
    blocking = gates.blockers(store, meeting, to)
    if blocking and not override_reason:
        audit.append(
            store, clock, actor.name, "refused.meeting.advance", f"meeting:{meeting_id}",
            {"to": to, "blockers": [b.code for b in blocking]}, meeting_id,
        )
        raise MeetkitError(
            ErrorCode.GATE_BLOCKED,
            f"meeting {meeting_id} cannot advance to {to}: " + "; ".join(b.en for b in blocking),
            f"会议 {meeting_id} 不能推进到“{STATE_ZH[to]}”：" + "；".join(b.zh for b in blocking),
            blockers=[b.to_json() for b in blocking],
        )
    if override_reason is not None and not override_reason.strip():
        raise InvalidInput("an override needs a reason", "越过关卡必须说明理由")
    with store.transaction():
        sql.set_state(store, meeting_id, to)
        sql.insert_transition(
            store,
            {
                "meeting_id": meeting_id,
                "from_state": meeting.state,
                "to_state": to,
                "at": iso(clock.now()),
                "operator": actor.name,
                "override_reason": override_reason if blocking else None,
                "blockers": json.dumps([b.to_json() for b in blocking], ensure_ascii=False),
            },
        )
        details: dict[str, Any] = {"from": meeting.state, "to": to}
        if blocking:
            details["override"] = override_reason
            details["blockers"] = [b.code for b in blocking]
        audit.append(store, clock, actor.name, "meeting.advance", f"meeting:{meeting_id}", details, meeting_id)
    return get_meeting(store, meeting_id)


def transitions(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    rows = sql.transitions(store, meeting_id)
    for row in rows:
        row["blockers"] = json.loads(row["blockers"])
    return rows
