"""What the checklists and the dossier need from other areas of the kit: controlled copies
(``meetkit.custody``) and attendance (``meetkit.desk``). Each function returns None when that
area is not part of this installation, so callers can print "not available" instead of
failing. No SQL here: only calls into those areas' own services."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from typing import Any

from meetkit.clock import Clock
from meetkit.operators import Actor
from meetkit.store import Store

log = logging.getLogger(__name__)


def _module(name: str) -> Any | None:
    try:
        if importlib.util.find_spec(name) is None:
            return None
        return importlib.import_module(name)
    except ImportError:
        log.debug("module %s not importable", name, exc_info=True)
        return None


@dataclass(frozen=True)
class Part:
    """A printable piece of another area's state: key-value lines and an optional table."""

    pairs: tuple[tuple[str, str], ...] = ()
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CopyRef:
    """A controlled copy still outstanding (issued and neither returned nor recovered)."""

    copy_id: int
    label: str  # e.g. "《…》 No. 003"
    holder_attendee_id: int | None
    holder_name: str
    holder_room_id: int | None


def custody_available() -> bool:
    return _module("meetkit.custody.reconcile") is not None


def outstanding_copies(store: Store, meeting_id: int) -> list[CopyRef] | None:
    """Every copy of the meeting still out: issued to an attendee and not back, or reported
    lost (an inspector may find it). None without the custody area."""
    reconcile = _module("meetkit.custody.reconcile")
    if reconcile is None:
        return None
    from meetkit.attendees import list_attendees
    from meetkit.meetings import rooms

    room_ids = {r["name"]: int(r["id"]) for r in rooms(store, meeting_id)}
    people = {a.id: a for a in list_attendees(store, meeting_id)}

    def room_of(attendee_id: int | None) -> int | None:
        person = people.get(attendee_id) if attendee_id is not None else None
        return room_ids.get(person.room) if person is not None and person.room else None

    found = [
        CopyRef(o.copy_id, f"《{o.title}》{o.label}（{o.code}）", o.holder_id, o.holder_name, room_of(o.holder_id))
        for o in reconcile.reconcile(store, meeting_id, with_attendees=False).outstanding
    ]
    incidents = _module("meetkit.custody.incidents")
    ledger = _module("meetkit.custody.ledger")
    if incidents is not None and ledger is not None:
        seen = {c.copy_id for c in found}
        for incident in incidents.list_incidents(store, meeting_id, open_only=True):
            if incident.kind != "lost" or incident.copy_id in seen:
                continue
            copy = ledger.get_copy(store, incident.copy_id)
            if copy.state != "lost":
                continue
            holder = int(incident.holder_ref) if incident.holder_kind == "attendee" and incident.holder_ref else None
            name = people[holder].name if holder in people else (incident.holder_ref or "")
            found.append(CopyRef(copy.id, f"《{copy.title}》{copy.label}（{copy.code}，已报失 lost）", holder, name, room_of(holder)))
            seen.add(copy.id)
    return found


def outstanding_copy_ids(store: Store, meeting_id: int) -> set[int] | None:
    """The ids of the copies :func:`outstanding_copies` lists, without building their labels
    and holders (the checklist views need only the ids, after every tap). None without the
    custody area."""
    if _module("meetkit.custody.reconcile") is None:
        return None
    from meetkit.store import custody as custody_sql

    ids = {int(row[0]) for row in custody_sql.outstanding_tuples(store, meeting_id)}
    incidents = _module("meetkit.custody.incidents")
    ledger = _module("meetkit.custody.ledger")
    if incidents is not None and ledger is not None:
        for incident in incidents.list_incidents(store, meeting_id, open_only=True):
            if incident.kind == "lost" and incident.copy_id not in ids and ledger.get_copy(store, incident.copy_id).state == "lost":
                ids.add(incident.copy_id)
    return ids


def recover_copy(store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_id: int, where: str, note: str) -> None:
    """Record in the custody ledger that a copy was found in a room during the post-meeting
    check. Called inside the checklist result's transaction, so both commit together.

    The ledger event is 'recovered' (allowed from 'lost' and from 'issued'), its note saying
    where the copy was found; should the ledger refuse 'recovered' from the copy's state, the
    copy is taken back with a 'returned' event carrying the same note."""
    from meetkit import audit

    ledger = _module("meetkit.custody.ledger")
    if ledger is None:
        return
    with store.transaction():
        copy = ledger.get_copy(store, copy_id)
        text = f"found in {where} during the post-meeting room check / 会后检查时在{where}发现" + (f": {note}" if note else "")
        kind = "recovered" if copy.state in ledger.ALLOWED_FROM["recovered"] else "returned"
        fields: dict[str, Any] = {"note": text[:1000]}
        if kind == "returned":
            fields.update(holder_kind=copy.holder_kind, holder_ref=copy.holder_ref)
        ledger.append_event(store, clock, actor.name, copy, kind, **fields)
        audit.append(
            store, clock, actor.name, "custody.recover", f"copy:{copy.id}",
            {"number": copy.number, "from_state": copy.state, "event": kind, "via": "room_check"}, meeting_id,
        )


def find_copy(store: Store, meeting_id: int, text: str) -> CopyRef | None:
    """A copy still out, by the code or number the inspector scanned or typed; None if the
    copy is not out (or there is no custody area)."""
    ledger = _module("meetkit.custody.ledger")
    out = outstanding_copies(store, meeting_id)
    if ledger is None or out is None:
        return None
    copy = ledger.resolve_copy(store, meeting_id, text)
    return next((c for c in out if c.copy_id == copy.id), None)


def _beijing(at: str | None) -> str:
    from meetkit.checklists.reports import local

    return local(at)


def reconciliation(store: Store, meeting_id: int) -> Part | None:
    """The handout reconciliation for the dossier, or None without the custody area."""
    reconcile = _module("meetkit.custody.reconcile")
    if reconcile is None:
        return None
    result = reconcile.reconcile(store, meeting_id)
    t = result.totals
    pairs = (
        ("结论 Result", "已全部清点 clear: nothing outstanding" if result.clear else f"尚有 {len(result.outstanding)} 份未收回 {len(result.outstanding)} OUTSTANDING"),
        ("份数 Copies", f"共 {t['copies']} 份 · 发放 {t['issued']} · 在库 {t['in_stock']} · 专人保管 {t['in_custody']}"),
        ("收回 Returned", f"{t['returned']}（其中代转 {t['violations']}）"),
        ("带回 / 报失 / 销毁", f"登记带回 {t['taken_away']} · 报失 {t['lost']} · 销毁 {t['destroyed']}"),
        ("未结事件 Open incidents", str(result.open_incidents)),
    )
    rows = tuple(
        (d.doc_number or "—", d.title, d.level, str(d.copies), str(d.issued), str(d.returned), str(d.taken_away), str(d.lost), str(d.outstanding))
        for d in result.documents
    )
    notes = tuple(
        f"未收回 Outstanding: {o.code} 《{o.title}》{o.label} — {o.holder_name}（{o.holder_unit}） since {_beijing(o.since)}" for o in result.outstanding
    )
    return Part(
        pairs=pairs,
        headers=("文号", "文件 Document", "密级", "份数", "发放", "收回", "带回", "报失", "未收回"),
        rows=rows, widths=(26, 58, 14, 13, 13, 13, 13, 13, 17), notes=notes,
    )


def incidents(store: Store, meeting_id: int) -> Part | None:
    module = _module("meetkit.custody.incidents")
    if module is None:
        return None
    found = module.list_incidents(store, meeting_id)
    kinds = getattr(module, "INCIDENT_KIND_ZH", {})
    rows = tuple(
        (str(i.id), f"{kinds.get(i.kind, i.kind)} {i.kind}", f"《{i.title}》{i.label}", f"{_beijing(i.opened_at)}\n{i.opened_by}",
         f"{i.reported_to}\n{i.measures}".strip(),
         "未结 OPEN" if i.is_open else f"已结 closed {_beijing(i.closed_at)} {i.closed_by or ''}\n{i.resolution or ''}")
        for i in found
    )
    open_count = sum(1 for i in found if i.is_open)
    return Part(
        pairs=(("事件 Incidents", f"共 {len(found)} 件，未结 {open_count} 件 ({len(found)} total, {open_count} open)"),),
        headers=("No.", "类型 Kind", "文件 Copy", "报告 Opened", "上报与措施 Measures", "状态 State"),
        rows=rows, widths=(12, 24, 44, 28, 40, 36),
    )


def attendance(store: Store, meeting_id: int) -> Part | None:
    """Sign-in figures for the dossier, or None without the desk area."""
    presence = _module("meetkit.desk.presence")
    if presence is None:
        return None
    c = presence.counts(store, meeting_id)
    rows = tuple(
        (r.seat or "—", r.name, r.unit, _beijing(r.first_in) if r.first_in else "未到 absent", str(r.entries),
         "是 yes" if r.without_badge else "", "在场 in" if r.present else "")
        for r in presence.presence(store, meeting_id)
    )
    pairs = (
        ("审定 / 到会 Attended", f"{c.approved} / {c.attended}"),
        ("当前在场 Present", str(c.present)),
        ("拒绝入场 Refused", f"{c.refused}（重复入场提示 flagged {c.flagged}）"),
        ("代管设备 Devices held", str(c.in_custody)),
    )
    return Part(
        pairs=pairs, headers=("座位 Seat", "姓名 Name", "单位 Unit", "首次签到 First in", "进出", "无证入场", "现状 Now"),
        rows=rows, widths=(16, 36, 40, 30, 12, 20, 18),
    )
