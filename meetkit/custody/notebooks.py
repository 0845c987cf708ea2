"""Meeting notebooks (会议记录本): kept by classification, issued to a secretary as custodian,
handed over only with both custodians confirming, kept 3–5 years, then transferred to the
archives. They live in the same ledger as document copies (holder = an operator)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso, parse_iso
from meetkit.custody import ledger
from meetkit.custody.documents import (
    KEEPERS,
    check_meeting_open,
    clean_text,
    insert_document,
)
from meetkit.errors import InvalidInput, InvalidState, MeetkitError, NotFound
from meetkit.levels import parse_level
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, list_operators, require_role, verify_password_of
from meetkit.store import Store
from meetkit.store import custody as sql

BEIJING = dt.timezone(dt.timedelta(hours=8))

RETENTION_YEARS = (3, 4, 5)


@dataclass(frozen=True)
class NotebookLine:
    copy: ledger.Copy
    retention_until: str
    custodian: str | None
    handovers: int
    archived_ref: str | None

    def due(self, now: dt.datetime) -> bool:
        return self.copy.state == "issued" and parse_iso(self.retention_until) <= now

    def to_json(self) -> dict[str, Any]:
        return {
            **self.copy.to_json(), "retention_until": self.retention_until, "custodian": self.custodian,
            "handovers": self.handovers, "archive_ref": self.archived_ref,
        }


def _operator(store: Store, name: str) -> dict[str, Any]:
    for row in list_operators(store):
        if row["name"] == name and not row["disabled"]:
            return row
    raise NotFound(f"no active operator named {name}", f"没有名为 {name} 的在用操作员")


def _require_keeper(store: Store, name: str) -> None:
    roles = set(_operator(store, name)["roles"])  # type: ignore[arg-type]
    if not roles & {"secretary", "admin"}:
        raise InvalidInput(f"{name} is not a secretary: notebooks are kept by secretaries", f"{name} 不是会务秘书，记录本须由会务秘书保管")


def _confirm(store: Store, clock: Clock, name: str, password: str | None, who_en: str, who_zh: str) -> str:
    """Another person confirms in person with their own password; a failure names them."""
    try:
        return verify_password_of(store, clock, name, password or "").name
    except MeetkitError as err:
        raise MeetkitError(err.code, f"{who_en} {name}: {err.en}", f"{who_zh} {name}：{err.zh}", **err.details) from err


def retention_date(ends_at: dt.datetime, years: int) -> dt.datetime:
    if years not in RETENTION_YEARS:
        raise InvalidInput("notebooks are kept 3 to 5 years", "会议记录本保存期限为 3 至 5 年")
    try:
        return ends_at.replace(year=ends_at.year + years)
    except ValueError:  # 29 February
        return ends_at.replace(year=ends_at.year + years, day=28)


def register_notebooks(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, *, title: str, custodian: str,
    retention_years: int = 5, count: int = 1, level: str | None = None, custodian_password: str | None = None,
) -> list[ledger.Copy]:
    """Register ``count`` notebooks and issue them to ``custodian`` (a secretary). When the
    custodian is not the acting operator, they confirm with their own password."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.notebook.register", f"meeting:{meeting_id}", meeting_id)
    check_meeting_open(meeting)
    title = clean_text(title, "a notebook title", "记录本名称")
    level = parse_level(level or meeting.level)
    if not 1 <= count <= 100:
        raise InvalidInput("register 1–100 notebooks at a time", "每次登记 1–100 本记录本")
    until = retention_date(meeting.ends_at, retention_years)
    _require_keeper(store, custodian)
    if custodian != actor.name:
        _confirm(store, clock, custodian, custodian_password, "custodian", "保管人")
    with store.transaction():
        document_id, numbers = insert_document(
            store, clock, actor, meeting,
            {"kind": "notebook", "title": title, "level": level, "copies": count, "policy": "keep",
             "retention_until": iso(until)},
        )
        for number in numbers:
            copy = ledger.copy_from_row(sql.copy_by_number(store, meeting_id, number))  # type: ignore[arg-type]
            ledger.append_event(store, clock, actor.name, copy, "issued", holder_kind="operator", holder_ref=custodian)
        audit.append(
            store, clock, actor.name, "custody.notebook.register", f"document:{document_id}",
            {"count": count, "custodian": custodian, "retention_until": iso(until)}, meeting_id,
        )
    return [ledger.copy_from_row(r) for r in sql.copies_of_document(store, document_id)]


def _notebook(store: Store, meeting_id: int, ref: str) -> ledger.Copy:
    copy = ledger.resolve_copy(store, meeting_id, ref)
    if copy.doc_kind != "notebook":
        raise InvalidInput(f"{copy.code} is not a meeting notebook", f"{copy.code} 不是会议记录本")
    return copy


def handover(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, notebook_ref: str, *, to: str,
    to_password: str | None = None, from_password: str | None = None,
) -> ledger.Copy:
    """Change the custodian. Both the outgoing and the incoming custodian confirm: the acting
    operator counts for themself, the other gives their own password."""
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.notebook.handover", f"meeting:{meeting_id}", meeting_id)
    _require_keeper(store, to)
    copy = _notebook(store, meeting_id, notebook_ref)
    current = copy.holder_ref if copy.state == "issued" else None
    if current is None:
        raise InvalidState(f"{copy.code} has no custodian ({copy.state})", f"{copy.code} 当前无保管人")
    if current == to:
        raise InvalidInput(f"{to} already keeps {copy.code}", f"{to} 已是 {copy.code} 的保管人")
    confirmed = {actor.name}
    if current not in confirmed:
        confirmed.add(_confirm(store, clock, current, from_password, "outgoing custodian", "交出人"))
    if to not in confirmed:
        confirmed.add(_confirm(store, clock, to, to_password, "incoming custodian", "接收人"))
    with store.transaction():
        copy = _notebook(store, meeting_id, notebook_ref)
        if copy.holder_ref != current:
            raise InvalidState(f"{copy.code} changed hands meanwhile", f"{copy.code} 的保管人已变化，请刷新")
        ledger.append_event(
            store, clock, actor.name, copy, "handed_over", holder_kind="operator", holder_ref=to,
            note=json.dumps({"from": current, "confirmed_by": sorted(confirmed)}, ensure_ascii=False),
        )
        audit.append(
            store, clock, actor.name, "custody.notebook.handover", f"copy:{copy.id}",
            {"from": current, "to": to, "confirmed_by": sorted(confirmed)}, meeting_id,
        )
    return ledger.get_copy(store, copy.id)


def archive(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, notebook_ref: str, *, archive_ref: str
) -> ledger.Copy:
    """Transfer a notebook to the archives once its retention period has run."""
    require_role(store, clock, actor, KEEPERS, "custody.notebook.archive", f"meeting:{meeting_id}", meeting_id)
    archive_ref = clean_text(archive_ref, "the archive's receipt number", "档案接收编号", 64)
    with store.transaction():
        copy = _notebook(store, meeting_id, notebook_ref)
        document = sql.get_document(store, copy.document_id)
        until = parse_iso(str(document["retention_until"])) if document else clock.now()
        if clock.now() < until:
            day = until.astimezone(BEIJING).date()  # the date people see in the register (Beijing time)
            raise InvalidState(
                f"{copy.code} is kept until {day}: it goes to the archives after that",
                f"{copy.code} 保存至 {day}，期满后方可移交档案",
            )
        ledger.append_event(
            store, clock, actor.name, copy, "archived", holder_kind=copy.holder_kind, holder_ref=copy.holder_ref,
            receipt=archive_ref,
        )
        audit.append(store, clock, actor.name, "custody.notebook.archive", f"copy:{copy.id}", {}, meeting_id)
    return ledger.get_copy(store, copy.id)


def notebook_register(store: Store, meeting_id: int) -> list[NotebookLine]:
    lines = []
    for row in sql.copies_of_meeting(store, meeting_id, kind="notebook"):
        copy = ledger.copy_from_row(row)
        document = sql.get_document(store, copy.document_id)
        events = sql.events_of_copy(store, copy.id)
        archived = next((e["receipt"] for e in events if e["kind"] == "archived"), None)
        holder = copy.holder_ref if copy.state == "issued" else None
        lines.append(NotebookLine(
            copy=copy, retention_until=str(document["retention_until"]) if document else "", custodian=holder,
            handovers=sum(1 for e in events if e["kind"] == "handed_over"), archived_ref=archived,
        ))
    return lines
