"""Attendees and their vetting: added by hand or imported from the lists units send,
approved or rejected by the chair, confidentiality pledge recorded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso
from meetkit.errors import InvalidInput, InvalidState, NotFound
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import attendees as sql
from meetkit.store import meetings as meeting_sql
from meetkit.vetting.csvimport import CATEGORIES, MAX_FIELD, MAX_NAME, ParsedList, ParsedRow, RowError, parse
from meetkit.vetting.idnumbers import id_number_problem, mask_id_number, normalise_id_number, phone_problem

STATUSES = ("pending", "approved", "rejected")
STATUS_ZH = {"pending": "待审定", "approved": "已审定", "rejected": "未通过"}
CATEGORY_ZH = {"delegate": "代表", "observer": "列席", "staff": "工作人员", "guest": "嘉宾", "leader": "领导"}


@dataclass(frozen=True)
class Attendee:
    id: int
    meeting_id: int
    name: str
    unit: str
    title: str
    id_number: str
    phone: str
    category: str
    seat: str
    room: str | None
    has_photo: bool
    status: str
    status_reason: str
    decided_by: str | None
    decided_at: str | None
    pledged_at: str | None
    pledge_witness: str | None

    def to_json(self, show_id_number: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not show_id_number:
            data["id_number"] = mask_id_number(self.id_number) if self.id_number else ""
        return data


def _from_row(row: dict[str, Any]) -> Attendee:
    return Attendee(
        id=int(row["id"]),
        meeting_id=int(row["meeting_id"]),
        name=row["name"],
        unit=row["unit"],
        title=row["title"],
        id_number=row["id_number"],
        phone=row["phone"],
        category=row["category"],
        seat=row["seat"],
        room=row.get("room"),
        has_photo=bool(row["has_photo"]),
        status=row["status"],
        status_reason=row["status_reason"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        pledged_at=row.get("pledged_at"),
        pledge_witness=row.get("pledge_witness"),
    )


def get_attendee(store: Store, attendee_id: int, meeting_id: int | None = None) -> Attendee:
    row = sql.get(store, attendee_id)
    if row is None or (meeting_id is not None and int(row["meeting_id"]) != meeting_id):
        raise NotFound(f"no attendee {attendee_id} in this meeting", f"本会议没有编号为 {attendee_id} 的参会人员")
    return _from_row(row)


def list_attendees(store: Store, meeting_id: int, status: str | None = None, unit: str | None = None, search: str | None = None) -> list[Attendee]:
    if status and status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", f"状态须为 {', '.join(STATUSES)} 之一")
    return [_from_row(r) for r in sql.list_for_meeting(store, meeting_id, status, unit, search or None)]


def units(store: Store, meeting_id: int) -> list[str]:
    return sql.units(store, meeting_id)


def attendee_photo(store: Store, attendee_id: int) -> bytes | None:
    return sql.photo(store, attendee_id)


def _check_open(meeting_state: str) -> None:
    if meeting_state in ("closing", "closed"):
        raise InvalidState("the attendee list of a closing or closed meeting cannot change", "会议收尾或结束后不能修改参会名单")


def _validated_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key == "photo":
            clean[key] = value
            continue
        if key == "room_id":
            clean[key] = int(value)
            continue
        text = str(value).strip(" \t\r\n\u3000")
        if key == "name":
            if not text or len(text) > MAX_NAME or any(ord(c) < 32 for c in text):
                raise InvalidInput(f"a name is 1–{MAX_NAME} characters", f"姓名须为 1–{MAX_NAME} 个字符")
        elif key == "id_number":
            text = normalise_id_number(text)
            problem = id_number_problem(text)
            if problem:
                raise InvalidInput(problem, "证件号码格式错误")
        elif key == "phone":
            if phone_problem(text):
                raise InvalidInput("malformed phone number", "手机号码格式错误")
        elif key == "category":
            category = CATEGORIES.get(text, CATEGORIES.get(text.casefold()))
            if category is None:
                raise InvalidInput(f"unknown category {text!r}", f"未知人员类别“{text}”")
            text = category
        elif key not in ("unit", "title", "seat"):
            raise InvalidInput(f"unknown attendee field {key}", f"未知字段 {key}")
        if len(text) > MAX_FIELD:
            raise InvalidInput(f"{key} is longer than {MAX_FIELD} characters", f"{key} 超过 {MAX_FIELD} 个字符")
        clean[key] = text
    return clean


def add_attendee(store: Store, clock: Clock, actor: Actor, meeting_id: int, **fields: Any) -> Attendee:
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ["secretary"], "attendee.add", f"meeting:{meeting_id}", meeting_id)
    _check_open(meeting.state)
    clean = _validated_fields(fields)
    if "name" not in clean:
        raise InvalidInput("an attendee needs a name", "参会人员须有姓名")
    row = {
        "meeting_id": meeting_id, "unit": "", "title": "", "id_number": "", "phone": "", "category": "delegate",
        "seat": "", "room_id": None, "photo": None, "at": iso(clock.now()), **clean,
    }
    with store.transaction():
        attendee_id = sql.insert(store, row)
        audit.append(store, clock, actor.name, "attendee.add", f"attendee:{attendee_id}", {"source": "hand"}, meeting_id)
    return get_attendee(store, attendee_id)


def edit_attendee(store: Store, clock: Clock, actor: Actor, meeting_id: int, attendee_id: int, **fields: Any) -> Attendee:
    meeting = get_meeting(store, meeting_id)
    current = get_attendee(store, attendee_id, meeting_id)
    require_role(store, clock, actor, ["secretary"], "attendee.edit", f"attendee:{attendee_id}", meeting_id)
    _check_open(meeting.state)
    clean = _validated_fields(fields)
    at = iso(clock.now())
    changed = sorted(k for k in clean if k != "photo" and getattr(current, k, None) != clean[k]) + (["photo"] if "photo" in clean else [])
    if not changed:
        return current
    with store.transaction():
        sql.update(store, attendee_id, clean, at)
        details: dict[str, Any] = {"fields": changed}
        if current.status == "approved":
            sql.set_status(store, attendee_id, "pending", "changed after approval", None, at)
            sql.insert_decision(store, attendee_id, "reset", "changed after approval", at, actor.name)
            details["returned_to_pending"] = True
        audit.append(store, clock, actor.name, "attendee.edit", f"attendee:{attendee_id}", details, meeting_id)
    return get_attendee(store, attendee_id)


# ---- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    row: int
    name: str
    reason: str
    reason_zh: str
    other_row: int | None = None  # the earlier row of the same file
    existing_attendee: int | None = None  # an attendee already in the meeting

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportPreview:
    parsed: ParsedList
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def importable(self) -> list[ParsedRow]:
        dup_rows = {d.row for d in self.duplicates}
        return [r for r in self.parsed.rows if r.row not in dup_rows]

    @property
    def clean(self) -> bool:
        return self.parsed.clean and not self.duplicates


@dataclass(frozen=True)
class ImportResult:
    imported: int
    rejected: list[RowError]
    duplicates: list[Duplicate]
    written: bool
    encoding: str

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "rejected": [e.to_json() for e in self.rejected],
            "duplicates": [d.to_json() for d in self.duplicates],
            "written": self.written,
            "encoding": self.encoding,
        }


def preview_import(store: Store, meeting_id: int, data: bytes) -> ImportPreview:
    """Everything the import would do, without writing: row errors and duplicates."""
    get_meeting(store, meeting_id)
    parsed = parse(data)
    preview = ImportPreview(parsed)
    by_id: dict[str, tuple[int | None, int | None]] = {}
    by_name_unit: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    for existing in sql.identity_keys(store, meeting_id):
        if existing["id_number"]:
            by_id[existing["id_number"]] = (None, int(existing["id"]))
        by_name_unit[(existing["name"], existing["unit"])] = (None, int(existing["id"]))
    for row in parsed.rows:
        hit = None
        if row.id_number and row.id_number in by_id:
            hit, reason, reason_zh = by_id[row.id_number], "same ID number", "证件号码相同"
        elif (row.name, row.unit) in by_name_unit:
            hit, reason, reason_zh = by_name_unit[(row.name, row.unit)], "same name and unit", "姓名和单位相同"
        if hit is not None:
            other_row, existing_id = hit
            where = f"row {other_row}" if other_row else f"attendee {existing_id} already in the meeting"
            where_zh = f"第 {other_row} 行" if other_row else f"会议中已有的人员（编号 {existing_id}）"
            preview.duplicates.append(
                Duplicate(row.row, row.name, f"{reason} as {where}", f"与{where_zh}{reason_zh}", other_row, existing_id)
            )
            continue
        if row.id_number:
            by_id[row.id_number] = (row.row, None)
        by_name_unit[(row.name, row.unit)] = (row.row, None)
    return preview


def import_attendees(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, data: bytes, *, skip_bad: bool = False, source_name: str = ""
) -> ImportResult:
    """Import a unit's list. Nothing is written unless the file is clean, or ``skip_bad``
    is given (then the bad and duplicate rows are skipped, listed and audited)."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ["secretary"], "attendee.import", f"meeting:{meeting_id}", meeting_id)
    _check_open(meeting.state)
    preview = preview_import(store, meeting_id, data)
    parsed = preview.parsed
    rejected = ([parsed.file_error] if parsed.file_error else []) + parsed.errors
    if parsed.file_error or (not preview.clean and not skip_bad):
        return ImportResult(0, rejected, preview.duplicates, False, parsed.encoding)
    at = iso(clock.now())
    rows = preview.importable
    with store.transaction():
        room_ids: dict[str, int] = {}
        for row in rows:
            room_id = None
            if row.room:
                if row.room not in room_ids:
                    existing = meeting_sql.room_by_name(store, meeting_id, row.room)
                    if existing:
                        room_ids[row.room] = int(existing["id"])
                    else:
                        room_ids[row.room] = meeting_sql.insert_room(store, meeting_id, row.room, "lodging", "")
                        audit.append(store, clock, actor.name, "room.add", f"room:{room_ids[row.room]}", {"kind": "lodging", "from_import": True}, meeting_id)
                room_id = room_ids[row.room]
            sql.insert(
                store,
                {
                    "meeting_id": meeting_id, "name": row.name, "unit": row.unit, "title": row.title,
                    "id_number": row.id_number, "phone": row.phone, "category": row.category, "seat": row.seat,
                    "room_id": room_id, "photo": None, "at": at,
                },
            )
        audit.append(
            store, clock, actor.name, "attendee.import", f"meeting:{meeting_id}",
            {
                "file": source_name, "encoding": parsed.encoding, "imported": len(rows),
                "skipped_rows": sorted([e.row for e in parsed.errors] + [d.row for d in preview.duplicates]),
            },
            meeting_id,
        )
    return ImportResult(len(rows), rejected, preview.duplicates, True, parsed.encoding)


# ---- the chair's decisions and pledges ------------------------------------------------------


def _ids(store: Store, meeting_id: int, ids: Iterable[int] | None, statuses: tuple[str, ...]) -> list[Attendee]:
    if ids is None:
        return [a for a in list_attendees(store, meeting_id) if a.status in statuses]
    return [get_attendee(store, int(i), meeting_id) for i in ids]


def approved_list_hash(store: Store, meeting_id: int) -> tuple[int, str]:
    """SHA-256 over the approved list in a canonical form (id, name, unit, title, id number,
    category, seat), so the dossier can prove which list the chair approved."""
    rows = sql.approved_for_hash(store, meeting_id)
    body = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return len(rows), hashlib.sha256(body).hexdigest()


def latest_approval(store: Store, meeting_id: int) -> dict[str, Any] | None:
    return sql.latest_approval(store, meeting_id)


def approve(store: Store, clock: Clock, actor: Actor, meeting_id: int, ids: Iterable[int] | None = None) -> tuple[int, str]:
    """Approve the given attendees (or, with ``ids=None``, every pending one). Returns the
    number approved now and the hash of the whole approved list."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ["chair"], "attendee.approve", f"meeting:{meeting_id}", meeting_id)
    _check_open(meeting.state)
    targets = [a for a in _ids(store, meeting_id, ids, ("pending",)) if a.status != "approved"]
    at = iso(clock.now())
    with store.transaction():
        for attendee in targets:
            sql.set_status(store, attendee.id, "approved", "", actor.name, at)
            sql.insert_decision(store, attendee.id, "approved", "", at, actor.name)
        count, list_hash = approved_list_hash(store, meeting_id)
        sql.insert_approval(store, meeting_id, at, actor.name, count, list_hash)
        audit.append(
            store, clock, actor.name, "attendee.approve", f"meeting:{meeting_id}",
            {"attendees": [a.id for a in targets], "approved_total": count, "list_hash": list_hash}, meeting_id,
        )
    return len(targets), list_hash


def reject(store: Store, clock: Clock, actor: Actor, meeting_id: int, attendee_id: int, reason: str) -> Attendee:
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ["chair"], "attendee.reject", f"attendee:{attendee_id}", meeting_id)
    _check_open(meeting.state)
    attendee = get_attendee(store, attendee_id, meeting_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a rejection needs a reason", "不予通过必须说明理由")
    at = iso(clock.now())
    with store.transaction():
        sql.set_status(store, attendee.id, "rejected", reason, actor.name, at)
        sql.insert_decision(store, attendee.id, "rejected", reason, at, actor.name)
        count, list_hash = approved_list_hash(store, meeting_id)
        if attendee.status == "approved":
            sql.insert_approval(store, meeting_id, at, actor.name, count, list_hash)
        audit.append(store, clock, actor.name, "attendee.reject", f"attendee:{attendee_id}", {"was": attendee.status}, meeting_id)
    return get_attendee(store, attendee_id)


def pledge(store: Store, clock: Clock, actor: Actor, meeting_id: int, ids: Iterable[int] | None = None) -> int:
    """Record that each attendee signed the confidentiality pledge (保密承诺), witnessed by
    the acting operator. With ``ids=None``: every approved attendee without one yet."""
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, ["secretary"], "attendee.pledge", f"meeting:{meeting_id}", meeting_id)
    targets = _ids(store, meeting_id, ids, ("approved",))
    if ids is None:
        targets = [a for a in targets if not a.pledged_at]
    refused = [a for a in targets if a.status == "rejected"]
    if refused:
        raise InvalidInput(
            f"attendee {refused[0].id} was rejected; no pledge recorded", f"参会人员 {refused[0].id} 未通过审定，不能登记承诺"
        )
    at = iso(clock.now())
    with store.transaction():
        for attendee in targets:
            sql.insert_pledge(store, attendee.id, at, actor.name)
        audit.append(store, clock, actor.name, "attendee.pledge", f"meeting:{meeting_id}", {"attendees": [a.id for a in targets]}, meeting_id)
    return len(targets)


def counts(store: Store, meeting_id: int) -> dict[str, int]:
    return sql.status_counts(store, meeting_id)
