"""Checklist instances: one per room, made from the meeting's template, and the derived view
of a checklist (current outcome of each item, progress, sign-off state) computed from the
append-only results and sign-off events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.checklists import links
from meetkit.checklists.templates import (
    KIND_EN,
    KIND_ZH,
    ItemDef,
    _check_kind,
    get_template,
    meeting_template,
)
from meetkit.clock import Clock, iso
from meetkit.errors import InvalidState, NotFound
from meetkit.levels import is_high
from meetkit.meetings import ROOM_KIND_ZH, Meeting, get_meeting, rooms
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import checklists as sql

CREATORS = ("secretary", "inspector")
OUTCOMES = ("pass", "fail", "na")
OUTCOME_ZH = {"pass": "合格", "fail": "不合格", "na": "不适用", None: "未检查"}
STATUS_ZH = {"open": "检查中", "awaiting_countersign": "待复核签字", "signed_off": "已签字确认"}
STATUS_EN = {"open": "open", "awaiting_countersign": "awaiting countersignature", "signed_off": "signed off"}
VENUE_NAME_ZH = "会场"
# Meeting states in which each kind of checklist may be filled in.
WRITABLE_STATES = {"pre": ("draft", "vetting", "approved"), "post": ("in_session", "closing")}


@dataclass(frozen=True)
class ItemState:
    id: int
    position: int
    key: str
    en: str
    zh: str
    section_en: str
    section_zh: str
    flags: tuple[str, ...]
    copy_id: int | None
    outcome: str | None  # pass | fail | na | None (not yet checked)
    note: str = ""
    at: str | None = None
    operator: str | None = None
    copy_found: bool = False
    auto: bool = False  # outcome derived, not recorded (a copy returned through the ledger)
    copy_still_out: bool = False
    history: int = 0
    photo_ids: tuple[int, ...] = ()

    @property
    def answered(self) -> bool:
        return self.outcome is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "no": self.position, "key": self.key, "en": self.en, "zh": self.zh,
            "section_en": self.section_en, "section_zh": self.section_zh, "flags": list(self.flags),
            "copy_id": self.copy_id, "copy_still_out": self.copy_still_out, "outcome": self.outcome, "note": self.note,
            "at": self.at, "operator": self.operator, "copy_found": self.copy_found, "auto": self.auto,
            "history": self.history, "photos": list(self.photo_ids),
        }


@dataclass(frozen=True)
class SignState:
    status: str  # open | awaiting_countersign | signed_off
    required: int
    signers: tuple[tuple[str, str], ...]  # (operator, at) in the current round
    reopenings: tuple[tuple[str, str, str], ...]  # (operator, at, reason), all rounds

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "required": self.required,
            "signers": [{"operator": o, "at": a} for o, a in self.signers],
            "reopenings": [{"operator": o, "at": a, "reason": r} for o, a, r in self.reopenings],
        }


def derive_sign_state(events: list[dict[str, Any]], required: int) -> SignState:
    signers: list[tuple[str, str]] = []
    reopenings: list[tuple[str, str, str]] = []
    for event in events:
        if event["action"] == "reopen":
            signers = []
            reopenings.append((event["operator"], event["at"], event["reason"]))
        elif event["operator"] not in {s for s, _ in signers}:
            signers.append((event["operator"], event["at"]))
    if not signers:
        status = "open"
    elif len(signers) < required:
        status = "awaiting_countersign"
    else:
        status = "signed_off"
    return SignState(status, required, tuple(signers), tuple(reopenings))


@dataclass(frozen=True)
class ChecklistView:
    id: int
    meeting_id: int
    kind: str
    room_id: int | None
    room_name: str
    room_kind: str
    title_en: str
    title_zh: str
    template_name: str
    created_at: str
    created_by: str
    items: tuple[ItemState, ...]
    sign: SignState
    open_followups: int
    copies_available: bool = True

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.answered)

    @property
    def failed(self) -> int:
        return sum(1 for i in self.items if i.outcome == "fail")

    @property
    def read_only(self) -> bool:
        return self.sign.status != "open"

    @property
    def signed_off(self) -> bool:
        return self.sign.status == "signed_off"

    @property
    def copies_still_out(self) -> list[ItemState]:
        return [i for i in self.items if i.copy_id is not None and i.copy_still_out and not i.copy_found]

    def label(self, lang: str = "zh") -> str:
        if lang == "zh":
            return f"{KIND_ZH[self.kind]} · {self.room_name}"
        return f"{KIND_EN[self.kind]} · {self.room_name}"

    def item(self, ref: str | int) -> ItemState:
        """An item by its number (1, 2, …), its key, or its database id written as '#id'."""
        text = str(ref).strip()
        for item in self.items:
            if item.key == text or ((text.isascii() and text.isdigit()) and item.position == int(text)) or text == f"#{item.id}":
                return item
        raise NotFound(f"no item {text} on checklist {self.id}", f"检查表 {self.id} 中没有检查项 {text}")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "meeting_id": self.meeting_id, "kind": self.kind, "room_id": self.room_id,
            "room": self.room_name, "room_kind": self.room_kind, "title_en": self.title_en, "title_zh": self.title_zh,
            "template": self.template_name, "created_at": self.created_at, "created_by": self.created_by,
            "done": self.done, "total": self.total, "failed": self.failed, "open_followups": self.open_followups,
            "sign": self.sign.to_json(), "items": [i.to_json() for i in self.items],
            "copies_still_out": [i.copy_id for i in self.copies_still_out], "copies_available": self.copies_available,
        }


# ---- rooms a meeting's checklists cover -----------------------------------------------------


@dataclass(frozen=True)
class RoomRef:
    id: int | None  # None: the meeting's venue, when no meeting room is registered
    name: str
    kind: str


def target_rooms(store: Store, meeting: Meeting, kind: str) -> list[RoomRef]:
    """Pre-meeting: every meeting and side room (or the venue itself); post-meeting: every
    room, lodging rooms included (with the venue itself when no meeting room is registered)."""
    registered = [RoomRef(int(r["id"]), r["name"], r["kind"]) for r in rooms(store, meeting.id)]
    venue_rooms = [r for r in registered if r.kind in ("meeting", "side")]
    venue = [] if venue_rooms else [RoomRef(None, meeting.venue or VENUE_NAME_ZH, "meeting")]
    if kind == "pre":
        return venue + venue_rooms
    order = {"meeting": 0, "side": 1, "lodging": 2}
    return venue + sorted(registered, key=lambda r: (order.get(r.kind, 3), r.name))


def required_signers(meeting: Meeting) -> int:
    return 2 if is_high(meeting.level) else 1


# ---- controlled copies on post-meeting checklists ---------------------------------------------


def copies_for_room(
    store: Store, meeting_id: int, room: RoomRef, out: list[links.CopyRef] | None = None
) -> list[links.CopyRef] | None:
    """Copies still out that this room's check must look for: a lodging room, the copies held
    by the attendees assigned to it; the main meeting room (or the venue), every copy still out.
    ``out``: the meeting's copies still out, when the caller has them already."""
    if out is None:
        out = links.outstanding_copies(store, meeting_id)
    if out is None:
        return None
    if room.kind == "lodging":
        return [c for c in out if c.holder_room_id is not None and c.holder_room_id == room.id]
    if room.kind == "meeting":
        return out
    return []


def copy_item_def(copy: links.CopyRef) -> ItemDef:
    holder = copy.holder_name or "?"
    return ItemDef(
        key=f"copy_{copy.copy_id}",
        en=f"Controlled copy {copy.label} (held by {holder}): found in the room?",
        zh=f"受控文件 {copy.label}（持有人：{holder}）是否遗留在本房间",
        section_en="Controlled copies still out",
        section_zh="尚未收回的受控文件",
    )


def sync_copy_items(store: Store, clock: Clock, checklist_id: int, out: list[links.CopyRef] | None = None) -> list[int]:
    """Add items for copies that are still out and not yet on this post-meeting checklist.
    Call inside a transaction. Returns the new item ids."""
    row = sql.get_checklist(store, checklist_id)
    if row is None or row["kind"] != "post":
        return []
    room = RoomRef(row["room_id"], row["room_name"], row["room_kind"])
    copies = copies_for_room(store, int(row["meeting_id"]), room, out)
    if not copies:
        return []
    have = {int(i["copy_id"]) for i in sql.items(store, checklist_id) if i["copy_id"] is not None}
    position = sql.max_position(store, checklist_id)
    added = []
    for copy in copies:
        if copy.copy_id in have:
            continue
        position += 1
        added.append(_insert_item(store, clock, checklist_id, position, copy_item_def(copy), copy.copy_id))
    return added


def _insert_item(store: Store, clock: Clock, checklist_id: int, position: int, item: ItemDef, copy_id: int | None = None) -> int:
    return sql.insert_item(
        store,
        {
            "checklist_id": checklist_id, "position": position, "key": item.key, "section_en": item.section_en,
            "section_zh": item.section_zh, "en": item.en, "zh": item.zh, "flags": ",".join(item.flags),
            "copy_id": copy_id, "added_at": iso(clock.now()),
        },
    )


# ---- creating -------------------------------------------------------------------------------


def _has_checklist(existing: list[dict[str, Any]], room: RoomRef) -> bool:
    if room.id is None:
        return any(r["room_id"] is None for r in existing)
    return any(r["room_id"] == room.id for r in existing)


def create_checklists(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, kind: str, template_name: str | None = None
) -> list[int]:
    """Make a checklist of ``kind`` for every room that has none yet, from the meeting's
    template (or ``template_name`` from the library). Returns the new checklists' ids."""
    _check_kind(kind)
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, CREATORS, "checklist.create", f"meeting:{meeting_id}", meeting_id)
    if meeting.state not in WRITABLE_STATES[kind]:
        raise InvalidState(
            f"{KIND_EN[kind]} checklists are made while the meeting is {' or '.join(WRITABLE_STATES[kind])} (it is {meeting.state})",
            f"{KIND_ZH[kind]}检查表只能在会议处于“{'、'.join(WRITABLE_STATES[kind])}”状态时创建（当前为 {meeting.state}）",
        )
    template = get_template(store, template_name) if template_name else meeting_template(store, meeting_id, kind)
    if template.kind != kind:
        raise InvalidState(f"template {template.name} is not a {KIND_EN[kind]} template", f"模板 {template.name} 不是{KIND_ZH[kind]}检查表模板")
    high = is_high(meeting.level)
    created: list[int] = []
    with store.transaction():
        out = links.outstanding_copies(store, meeting_id) if kind == "post" else None
        existing = sql.checklists_for_meeting(store, meeting_id, kind)
        for room in target_rooms(store, meeting, kind):
            if _has_checklist(existing, room):
                continue
            checklist_id = sql.insert_checklist(
                store,
                {
                    "meeting_id": meeting_id, "kind": kind, "room_id": room.id, "room_name": room.name,
                    "room_kind": room.kind, "template_name": template.name, "title_en": template.title_en,
                    "title_zh": template.title_zh, "created_at": iso(clock.now()), "created_by": actor.name,
                },
            )
            position = 0
            for item in template.items:
                if item.applies_to(room.kind, high):
                    position += 1
                    _insert_item(store, clock, checklist_id, position, item)
            copy_items = sync_copy_items(store, clock, checklist_id, out)
            audit.append(
                store, clock, actor.name, "checklist.create", f"checklist:{checklist_id}",
                {"kind": kind, "room_id": room.id, "template": template.name, "items": position + len(copy_items), "copy_items": len(copy_items)},
                meeting_id,
            )
            created.append(checklist_id)
    return created


# ---- reading --------------------------------------------------------------------------------


@dataclass
class _Rows:
    """The rows the views of some checklists are derived from, grouped by checklist id."""

    items: dict[int, list[dict[str, Any]]]
    results: dict[int, list[dict[str, Any]]]
    photos: dict[int, list[tuple[int, int]]]  # checklist id -> [(item id, photo id)]
    signoffs: dict[int, list[dict[str, Any]]]
    open_followups: dict[int, int]


def _group(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(int(row["checklist_id"]), []).append(row)
    return grouped


def _open_followup_counts(store: Store, meeting_id: int, checklist_id: int | None = None) -> dict[int, int]:
    from meetkit.checklists.followups import list_followups

    counts: dict[int, int] = {}
    for followup in list_followups(store, meeting_id, checklist_id, only_open=True):
        counts[followup.checklist_id] = counts.get(followup.checklist_id, 0) + 1
    return counts


def _rows_of_checklist(store: Store, meeting_id: int, checklist_id: int) -> _Rows:
    photos: dict[int, list[tuple[int, int]]] = {}
    for cid, item_id, photo_id in sql.photo_refs(store, checklist_id):
        photos.setdefault(cid, []).append((item_id, photo_id))
    return _Rows(
        items={checklist_id: sql.items(store, checklist_id)},
        results={checklist_id: sql.results(store, checklist_id)},
        photos=photos,
        signoffs={checklist_id: sql.signoffs(store, checklist_id)},
        open_followups=_open_followup_counts(store, meeting_id, checklist_id),
    )


def _rows_of_meeting(store: Store, meeting_id: int, kind: str | None) -> _Rows:
    """One query per table for every checklist of the meeting (not five per checklist)."""
    photos: dict[int, list[tuple[int, int]]] = {}
    for cid, item_id, photo_id in sql.photo_refs_of_meeting(store, meeting_id, kind):
        photos.setdefault(cid, []).append((item_id, photo_id))
    return _Rows(
        items=_group(sql.items_of_meeting(store, meeting_id, kind)),
        results=_group(sql.results_of_meeting(store, meeting_id, kind)),
        photos=photos,
        signoffs=_group(sql.signoffs_of_meeting(store, meeting_id, kind)),
        open_followups=_open_followup_counts(store, meeting_id),
    )


def _view(meeting: Meeting, row: dict[str, Any], outstanding: set[int] | None, rows: _Rows) -> ChecklistView:
    checklist_id = int(row["id"])
    latest: dict[int, dict[str, Any]] = {}
    counts: dict[int, int] = {}
    for result in rows.results.get(checklist_id, ()):
        item_id = int(result["item_id"])
        latest[item_id] = result
        counts[item_id] = counts.get(item_id, 0) + 1
    photos: dict[int, list[int]] = {}
    for item_id, photo_id in rows.photos.get(checklist_id, ()):
        photos.setdefault(item_id, []).append(photo_id)
    states = []
    for item in rows.items.get(checklist_id, ()):
        item_id = int(item["id"])
        copy_id = int(item["copy_id"]) if item["copy_id"] is not None else None
        still_out = bool(copy_id is not None and outstanding is not None and copy_id in outstanding)
        result = latest.get(item_id)
        base: dict[str, Any] = {
            "id": item_id, "position": int(item["position"]), "key": item["key"], "en": item["en"], "zh": item["zh"],
            "section_en": item["section_en"], "section_zh": item["section_zh"],
            "flags": tuple(f for f in item["flags"].split(",") if f), "copy_id": copy_id, "copy_still_out": still_out,
            "history": counts.get(item_id, 0), "photo_ids": tuple(photos.get(item_id, ())),
        }
        if result is not None:
            states.append(ItemState(**base, outcome=result["outcome"], note=result["note"], at=result["at"],
                                    operator=result["operator"], copy_found=bool(result["copy_found"])))
        elif copy_id is not None and outstanding is not None and not still_out:
            states.append(ItemState(**base, outcome="na", note="returned or recovered (custody ledger)", auto=True))
        else:
            states.append(ItemState(**base, outcome=None))
    sign = derive_sign_state(rows.signoffs.get(checklist_id, []), required_signers(meeting))
    return ChecklistView(
        id=checklist_id, meeting_id=int(row["meeting_id"]), kind=row["kind"], room_id=row["room_id"],
        room_name=row["room_name"], room_kind=row["room_kind"], title_en=row["title_en"], title_zh=row["title_zh"],
        template_name=row["template_name"], created_at=row["created_at"], created_by=row["created_by"],
        items=tuple(states), sign=sign, open_followups=rows.open_followups.get(checklist_id, 0),
        copies_available=outstanding is not None,
    )


def checklist_view(store: Store, checklist_id: int, meeting_id: int | None = None) -> ChecklistView:
    row = sql.get_checklist(store, checklist_id)
    if row is None or (meeting_id is not None and int(row["meeting_id"]) != meeting_id):
        raise NotFound(f"no checklist {checklist_id} in this meeting", f"本会议没有编号为 {checklist_id} 的检查表")
    meeting = get_meeting(store, int(row["meeting_id"]))
    return _view(meeting, row, links.outstanding_copy_ids(store, meeting.id), _rows_of_checklist(store, meeting.id, checklist_id))


def checklist_views(store: Store, meeting_id: int, kind: str | None = None) -> list[ChecklistView]:
    meeting = get_meeting(store, meeting_id)
    rows = sql.checklists_for_meeting(store, meeting_id, kind)
    outstanding = links.outstanding_copy_ids(store, meeting_id)
    loaded = _rows_of_meeting(store, meeting_id, kind)
    return [_view(meeting, row, outstanding, loaded) for row in rows]


def checklists_listing_copy(store: Store, meeting_id: int, copy_id: int) -> list[ChecklistView]:
    """The views of the checklists that look for this controlled copy (its holder's lodging
    room and the meeting room): what changes when the copy is found or returned."""
    return [checklist_view(store, cid, meeting_id) for cid in sql.checklists_with_copy(store, meeting_id, copy_id)]


def find_checklist(store: Store, meeting_id: int, ref: str | int) -> ChecklistView:
    """A checklist by id, by room name (prefix 'pre:' or 'post:' when both exist and neither
    can be filled in now), or by 'pre' / 'post' when the meeting has only one of that kind."""
    text = str(ref).strip()
    rows = sql.checklists_for_meeting(store, meeting_id)
    # A checklist number; failing that, a room named by digits (lodging room 301).
    if (text.isascii() and text.isdigit() and len(text) <= 12) and (
        any(int(r["id"]) == int(text) for r in rows) or not any(r["room_name"] == text for r in rows)
    ):
        return checklist_view(store, int(text), meeting_id)
    kind = None
    name = text
    if ":" in text and text.split(":", 1)[0] in ("pre", "post"):
        kind, name = text.split(":", 1)
    if text in ("pre", "post"):
        matches = [r for r in rows if r["kind"] == text]
    else:
        matches = [r for r in rows if r["room_name"] == name and (kind is None or r["kind"] == kind)]
    if len(matches) > 1 and kind is None and text not in ("pre", "post"):
        # A room with both checklists: the one that can be filled in now (before the meeting
        # the pre-meeting one, after it the post-meeting one).
        state = get_meeting(store, meeting_id).state
        writable = [r for r in matches if state in WRITABLE_STATES[r["kind"]]]
        if len(writable) == 1:
            matches = writable
    if len(matches) == 1:
        return checklist_view(store, int(matches[0]["id"]), meeting_id)
    if not matches:
        raise NotFound(f"no checklist {text} in meeting {meeting_id}", f"会议 {meeting_id} 中没有检查表 {text}")
    raise NotFound(
        f"{text} matches {len(matches)} checklists: give the checklist number, or pre:ROOM / post:ROOM",
        f"{text} 对应 {len(matches)} 张检查表：请使用检查表编号，或 pre:房间 / post:房间",
    )


def room_kind_zh(kind: str) -> str:
    return ROOM_KIND_ZH.get(kind, kind)


def default_due(meeting: Meeting, kind: str, now: dt.datetime) -> dt.datetime:
    """When a follow-up opened now is due by default: before the meeting starts for a
    pre-meeting item (at most a day away), else within a day."""
    day = now + dt.timedelta(hours=24)
    if kind == "pre" and now < meeting.starts_at:
        return min(day, meeting.starts_at)
    return day
