"""Controlled documents: registered with their level, number (文号) and copy count; every
copy is numbered within the meeting and enters the custody ledger as 'created'."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso
from meetkit.custody import ledger
from meetkit.errors import Conflict, InvalidInput, InvalidState, NotFound
from meetkit.levels import parse_level
from meetkit.meetings import Meeting, get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import custody as sql

POLICIES = ("return", "take-away")
POLICY_ZH = {"return": "会后收回", "take-away": "可登记带回", "keep": "专人保管"}
MAX_COPIES = 10000
KEEPERS = ("secretary",)


@dataclass(frozen=True)
class Document:
    id: int
    meeting_id: int
    kind: str
    title: str
    doc_number: str
    level: str
    origin_unit: str
    pages: int
    copies: int
    policy: str
    take_away_units: tuple[str, ...]
    take_away_attendees: tuple[int, ...]
    retention_until: str | None
    consent_id: int | None
    media: str
    created_at: str
    created_by: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "meeting_id": self.meeting_id, "kind": self.kind, "title": self.title,
            "doc_number": self.doc_number, "level": self.level, "origin_unit": self.origin_unit, "pages": self.pages,
            "copies": self.copies, "policy": self.policy, "take_away_units": list(self.take_away_units),
            "take_away_attendees": list(self.take_away_attendees), "retention_until": self.retention_until,
            "consent_id": self.consent_id, "media": self.media, "created_at": self.created_at,
        }


def document_from_row(row: dict[str, Any]) -> Document:
    return Document(
        id=int(row["id"]), meeting_id=int(row["meeting_id"]), kind=row["kind"], title=row["title"],
        doc_number=row["doc_number"], level=row["level"], origin_unit=row["origin_unit"], pages=int(row["pages"]),
        copies=int(row["copies"]), policy=row["policy"], take_away_units=tuple(json.loads(row["take_away_units"])),
        take_away_attendees=tuple(int(x) for x in json.loads(row["take_away_attendees"])),
        retention_until=row["retention_until"], consent_id=row["consent_id"], media=row["media"],
        created_at=row["created_at"], created_by=row["created_by"],
    )


def clean_text(value: str, what_en: str, what_zh: str, limit: int = 200, required: bool = True) -> str:
    text = (value or "").strip(" \t\r\n\u3000")
    if (required and not text) or len(text) > limit or any(ord(c) < 32 for c in text):
        raise InvalidInput(
            f"{what_en} must be {'1' if required else '0'}–{limit} characters",
            f"{what_zh}须为 {'1' if required else '0'}–{limit} 个字符",
        )
    return text


def check_meeting_open(meeting: Meeting) -> None:
    if meeting.state == "closed":
        raise InvalidState("the meeting is closed: its controlled items cannot change", "会议已结束，受控文件不能再变更")


def insert_document(store: Store, clock: Clock, actor: Actor, meeting: Meeting, row: dict[str, Any]) -> tuple[int, list[int]]:
    """Insert a document row and number its copies; call inside a transaction."""
    full = {
        "meeting_id": meeting.id, "doc_number": "", "origin_unit": "", "pages": 0, "take_away_units": "[]",
        "take_away_attendees": "[]", "retention_until": None, "consent_id": None, "media": "",
        "created_at": iso(clock.now()), "created_by": actor.name,
    }
    full.update(row)
    if full["doc_number"] and sql.document_by_number(store, meeting.id, full["doc_number"]):
        raise Conflict(
            f"document number {full['doc_number']} is registered already in this meeting",
            f"文号 {full['doc_number']} 已在本会议登记",
        )
    document_id = sql.insert_document(store, full)
    numbers = ledger.create_copies(store, clock, actor.name, meeting.id, document_id, int(full["copies"]))
    return document_id, numbers


def register_document(
    store: Store,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    *,
    title: str,
    level: str,
    copies: int,
    doc_number: str = "",
    origin_unit: str = "",
    pages: int = 0,
    policy: str = "return",
    take_away_units: Iterable[str] = (),
    take_away_attendees: Iterable[int] = (),
) -> Document:
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.register", f"meeting:{meeting_id}", meeting_id)
    check_meeting_open(meeting)
    title = clean_text(title, "a document title", "文件标题")
    doc_number = clean_text(doc_number, "a document number", "文号", 100, required=False)
    origin_unit = clean_text(origin_unit, "the originating unit", "制发单位", 100, required=False)
    level = parse_level(level)
    if not 1 <= int(copies) <= MAX_COPIES:
        raise InvalidInput(f"a document has 1–{MAX_COPIES} copies", f"份数须为 1–{MAX_COPIES}")
    if int(pages) < 0:
        raise InvalidInput("the page count cannot be negative", "页数不能为负")
    if policy not in POLICIES:
        raise InvalidInput("the recall policy is 'return' or 'take-away'", "回收方式须为 return（会后收回）或 take-away（可登记带回）")
    units = sorted({clean_text(u, "a unit", "单位", 100) for u in take_away_units if u.strip()})
    people = sorted({int(a) for a in take_away_attendees})
    if policy == "return" and (units or people):
        raise InvalidInput(
            "take-away units or attendees only make sense with the policy 'take-away'",
            "只有“可登记带回”的文件才能指定可带回的单位或人员",
        )
    from meetkit.attendees import get_attendee

    for attendee_id in people:
        get_attendee(store, attendee_id, meeting_id)
    with store.transaction():
        document_id, numbers = insert_document(
            store, clock, actor, meeting,
            {
                "kind": "document", "title": title, "doc_number": doc_number, "level": level, "origin_unit": origin_unit,
                "pages": int(pages), "copies": int(copies), "policy": policy,
                "take_away_units": json.dumps(units, ensure_ascii=False), "take_away_attendees": json.dumps(people),
            },
        )
        audit.append(
            store, clock, actor.name, "custody.register", f"document:{document_id}",
            {"level": level, "copies": int(copies), "policy": policy, "numbers": [numbers[0], numbers[-1]]}, meeting_id,
        )
    return get_document(store, document_id, meeting_id)


def get_document(store: Store, document_id: int, meeting_id: int | None = None) -> Document:
    row = sql.get_document(store, document_id)
    if row is None or (meeting_id is not None and int(row["meeting_id"]) != meeting_id):
        raise NotFound(f"no controlled document {document_id} in this meeting", f"本会议没有编号为 {document_id} 的受控文件")
    return document_from_row(row)


def resolve_document(store: Store, meeting_id: int, ref: str) -> Document:
    """A document by its id or its document number (文号)."""
    text = str(ref).strip()
    row = sql.document_by_number(store, meeting_id, text)
    if row is not None:
        return document_from_row(row)
    if text.isdigit():
        return get_document(store, int(text), meeting_id)
    raise NotFound(f"no controlled document {text!r} in this meeting", f"本会议没有受控文件 {text!r}")


def list_documents(store: Store, meeting_id: int, kind: str | None = None) -> list[Document]:
    return [document_from_row(r) for r in sql.list_documents(store, meeting_id, kind)]


def copies(store: Store, document_id: int) -> list[ledger.Copy]:
    return [ledger.copy_from_row(r) for r in sql.copies_of_document(store, document_id)]


def number_ranges(store: Store, meeting_id: int) -> dict[int, tuple[int, int]]:
    """Each document's first and last copy number (for forms that take number ranges)."""
    return sql.number_ranges(store, meeting_id)
