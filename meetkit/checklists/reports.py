"""PDF printouts of checklists: one checklist with its items, photos as thumbnails, follow-ups
and signatures; and a summary of every checklist of a meeting. Both on the marked PDF base
(classification mark on every page, audit head hash in the footer)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from meetkit import audit
from meetkit.checklists.followups import Followup, list_followups
from meetkit.checklists.instances import (
    STATUS_EN,
    STATUS_ZH,
    ChecklistView,
    ItemState,
    checklist_view,
    checklist_views,
)
from meetkit.checklists.sweep_status import sweep_status
from meetkit.checklists.templates import KIND_EN, KIND_ZH
from meetkit.clock import Clock, parse_iso
from meetkit.levels import mark
from meetkit.meetings import ROOM_KIND_ZH, STATE_ZH, Meeting, get_meeting
from meetkit.operators import Actor
from meetkit.reports.pdf import MarkedPdf
from meetkit.store import Store
from meetkit.store import checklists as sql

BEIJING = dt.timezone(dt.timedelta(hours=8))
OUTCOME_TEXT = {"pass": "合格 pass", "fail": "不合格 FAIL", "na": "不适用 n/a", None: "未检查 —"}


def table(pdf: MarkedPdf, headers: list[str], rows: list[list[str]], widths: list[float] | None = None, font_size: float = 8) -> None:
    """``pdf.table`` starting on a fresh page when the header and a first row would not fit
    (the base table draws its header cell by cell, so a header at the foot of a page would be
    split across pages)."""
    if pdf.get_y() + 22 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.table(headers, rows, widths, font_size=font_size)


def nb(text: str) -> str:
    """Short table text with no-break spaces: the base table justifies wrapped cells, which
    pulled '合格 pass · 已找回' and 'insp1 2026-11-27 19:46' apart across the cell."""
    return text.replace(" ", "\u00a0")


def _who(item: ItemState) -> str:
    """Who checked the item and when, on two lines (one did not fit the column)."""
    if item.operator or item.at:
        return "\n".join(x for x in (item.operator or "", local(item.at) if item.at else "") if x)
    return "账簿 ledger" if item.auto else "—"


def keep_together(pdf: MarkedPdf, needed_mm: float) -> None:
    """Start a new page unless ``needed_mm`` of height is left."""
    if pdf.get_y() + needed_mm > pdf.page_break_trigger:
        pdf.add_page()


def local(at: str | None) -> str:
    """Stored UTC text as Beijing time for print, e.g. '2026-11-30 09:05'."""
    if not at:
        return "—"
    return parse_iso(at).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def new_pdf(store: Store, clock: Clock, actor: Actor | None, meeting: Meeting, title: str) -> MarkedPdf:
    pdf = MarkedPdf(
        level=meeting.level, title=title, head_hash=audit.head_hash(store), printed_at=clock.now(),
        printed_by=actor.name if actor else "",
    )
    pdf.add_page()
    return pdf


def meeting_lines(meeting: Meeting) -> list[tuple[str, str]]:
    return [
        ("会议 Meeting", f"{meeting.title}（第 {meeting.id} 号）"),
        ("密级 Level", mark(meeting.level)),
        ("时间 Time", f"{local(meeting.starts_at.isoformat())} – {local(meeting.ends_at.isoformat())}"),
        ("地点 Venue", meeting.venue or "—"),
        ("状态 State", f"{STATE_ZH.get(meeting.state, meeting.state)} {meeting.state}"),
    ]


def sign_text(view: ChecklistView, multiline: bool = False) -> str:
    head = f"{STATUS_ZH[view.sign.status]} {STATUS_EN[view.sign.status]} · {len(view.sign.signers)}/{view.sign.required}"
    if multiline:
        return "\n".join([head] + [f"{name} {local(at)}" for name, at in view.sign.signers])
    signers = "；".join(f"{name}（{local(at)}）" for name, at in view.sign.signers) or "—"
    return f"{head} · {signers}"


def render_checklist(
    pdf: MarkedPdf, store: Store, view: ChecklistView, followups: list[Followup], with_photos: bool = True, compact: bool = False
) -> None:
    """One checklist. ``compact`` (the dossier): one table of the items worth reading (failed,
    not applicable, with a note or photos, controlled copies found), item text in Chinese only,
    a line naming the unchecked items by number and one counting the plain passes; the checklist's own report prints every item in both languages."""
    keep_together(pdf, 70)
    pdf.heading(f"{view.title_zh}：{view.room_name}", 14)
    pdf.paragraph(f"{view.title_en} · {view.room_name}")
    pdf.key_values([
        ("检查表 Checklist", f"第 {view.id} 号 · {KIND_ZH[view.kind]} {KIND_EN[view.kind]} · 模板 {view.template_name}"),
        ("房间 Room", f"{view.room_name}（{ROOM_KIND_ZH.get(view.room_kind, view.room_kind)} {view.room_kind}）"),
        ("进度 Progress", f"已检查 {view.done}/{view.total} · 不合格 {view.failed} · 未处理跟进 {view.open_followups}"),
        ("签字 Sign-off", sign_text(view)),
        ("建立 Created", f"{local(view.created_at)} · {view.created_by}"),
    ])
    for operator, at, reason in view.sign.reopenings:
        pdf.paragraph(f"重新打开 Reopened {local(at)} · {operator} · 理由 reason: {reason}", 8.5)
    if compact:
        unchecked = [i for i in view.items if i.outcome is None and not i.photo_ids and i.copy_id is None]
        worth = [i for i in view.items if not i.auto and i not in unchecked and (i.outcome != "pass" or i.note or i.photo_ids or i.copy_found)]
        rows = [
            [str(i.position), i.zh, nb(OUTCOME_TEXT[i.outcome] + (" · 已找回" if i.copy_found else "")),
             i.note + (f"（照片 {len(i.photo_ids)} 张）" if i.photo_ids else ""),
             _who(i)]
            for i in worth
        ]
        if rows:
            table(pdf, ["No.", "检查项 Item", "结果 Result", "备注 Note", "检查人/时间 By"], rows, [9, 80, 24, 40, 33], font_size=7.5)
        if unchecked:  # one line, not a row each: a dossier printed before the checks would list every item
            numbers = ", ".join(str(i.position) for i in unchecked)
            pdf.paragraph(f"未检查 {len(unchecked)} 项：第 {numbers} 项。{len(unchecked)} item(s) not checked: no. {numbers}.", 8.5)
        settled = sum(1 for i in view.items if i.auto)
        plain = len(view.items) - len(worth) - settled - len(unchecked)
        if plain:
            pdf.paragraph(f"其余 {plain} 项均合格，无备注。The other {plain} item(s) passed without a note.", 8.5)
        if settled:
            pdf.paragraph(f"另有 {settled} 份受控文件已由文件登记簿确认收回。{settled} controlled cop(ies) settled by the custody ledger.", 8.5)
    sections: list[tuple[str, list]] = []
    for item in view.items if not compact else ():
        title = f"{item.section_zh} {item.section_en}".strip() or "检查项 Items"
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        who = _who(item)
        result = OUTCOME_TEXT[item.outcome] + (" · 已找回 recovered" if item.copy_found else "")
        note = item.note + (f"（照片 {len(item.photo_ids)} 张）" if item.photo_ids else "")
        sections[-1][1].append([str(item.position), f"{item.zh}\n{item.en}", nb(result), note, who])
    for title, rows in sections:
        keep_together(pdf, 34)  # a heading stays with its table's header and first row
        pdf.subheading(title)
        table(pdf, ["No.", "检查项 Item", "结果 Result", "备注 Note", "检查人/时间 By"], rows, [9, 80, 24, 40, 33], font_size=8)
    if with_photos:
        render_photos(pdf, store, view)
    if followups:
        keep_together(pdf, 34)
        pdf.subheading("跟进事项 Follow-ups")
        table(
            pdf,
            ["No.", "事项 What", "负责人/期限 Owner", "处理 Resolution"],
            [[str(f.id), f.description, f"{f.owner}\n{local(f.due_at)}",
              f"{f.resolved_by} {local(f.resolved_at)}\n{f.resolution}" if not f.open else "未处理 OPEN"] for f in followups],
            [10, 92, 36, 48], font_size=8,
        )


def render_photos(pdf: MarkedPdf, store: Store, view: ChecklistView) -> None:
    photos = sql.photos(store, view.id)
    if not photos:
        return
    positions = {i.id: i.position for i in view.items}
    keep_together(pdf, 62)  # the heading and a row of thumbnails with their captions
    pdf.subheading(f"照片 Photos（{len(photos)}）")
    size_mm = 40.0
    gap = 4.0
    per_row = max(1, int((pdf.epw + gap) // (size_mm + gap)))
    for index, photo in enumerate(photos):
        column = index % per_row
        if column == 0:
            if pdf.get_y() + size_mm + 10 > pdf.page_break_trigger:
                pdf.add_page()
            row_y = pdf.get_y()
        x = pdf.l_margin + column * (size_mm + gap)
        pdf.image(io.BytesIO(bytes(photo["thumbnail"])), x=x, y=row_y, w=size_mm, h=size_mm, keep_aspect_ratio=True)
        pdf.set_font("cjk", "", 6.5)
        pdf.set_xy(x, row_y + size_mm + 0.5)
        caption = f"第{positions.get(int(photo['item_id']), '?')}项 · {photo['filename'][:22]}\n{photo['sha256'][:16]} · {photo['operator']}"
        pdf.multi_cell(size_mm, 3, caption)
        if column == per_row - 1 or index == len(photos) - 1:
            pdf.set_xy(pdf.l_margin, row_y + size_mm + 8)


def checklist_pdf(store: Store, clock: Clock, actor: Actor | None, meeting_id: int, checklist_id: int, out: str | Path) -> Path:
    meeting = get_meeting(store, meeting_id)
    view = checklist_view(store, checklist_id, meeting_id)
    pdf = new_pdf(store, clock, actor, meeting, f"检查表 Checklist {view.id} · {view.room_name}")
    pdf.key_values(meeting_lines(meeting))
    render_checklist(pdf, store, view, list_followups(store, meeting_id, checklist_id))
    pdf.ln(6)
    pdf.set_font("cjk", "", 10)
    needed = view.sign.required
    for n in range(needed):
        name = view.sign.signers[n][0] if n < len(view.sign.signers) else ""
        pdf.cell(pdf.epw / 2, 8, f"检查人签字 Inspector {n + 1}: {name} ____________________")
        pdf.ln(9)
    return pdf.save(out)


def summary_rows(views: list[ChecklistView]) -> list[list[str]]:
    return [
        [str(v.id), f"{KIND_ZH[v.kind]}\n{v.kind}", f"{v.room_name}\n{ROOM_KIND_ZH.get(v.room_kind, v.room_kind)}",
         f"{v.done}/{v.total}", str(v.failed), str(v.open_followups), str(len(v.copies_still_out)), sign_text(v, multiline=True)]
        for v in views
    ]


SUMMARY_HEADERS = ["No.", "类型 Kind", "房间 Room", "进度 Done", "不合格 Fail", "跟进 Open", "未收回 Out", "签字 Sign-off"]
SUMMARY_WIDTHS = [10, 16, 30, 17, 19, 17, 19, 52]


def summary_pdf(store: Store, clock: Clock, actor: Actor | None, meeting_id: int, out: str | Path) -> Path:
    from meetkit import gates
    from meetkit.meetings import next_state

    meeting = get_meeting(store, meeting_id)
    views = checklist_views(store, meeting_id)
    pdf = new_pdf(store, clock, actor, meeting, f"检查表汇总 Checklist summary · 会议 {meeting.id}")
    pdf.heading("检查表汇总 Checklist summary")
    pdf.key_values(meeting_lines(meeting))
    if views:
        table(pdf, SUMMARY_HEADERS, summary_rows(views), SUMMARY_WIDTHS, font_size=8)
    else:
        pdf.paragraph("尚未建立检查表。No checklist has been made yet.")
    status = sweep_status(store, meeting_id)
    pdf.subheading("频谱检测 Sweep")
    pdf.paragraph(f"{status.summary_zh}\n{status.summary_en}")
    followups = list_followups(store, meeting_id)
    if followups:
        pdf.subheading("跟进事项 Follow-ups")
        table(
            pdf,
            ["No.", "检查表", "事项 What", "负责人/期限 Owner", "状态 State"],
            [[str(f.id), str(f.checklist_id), f.description, f"{f.owner}\n{local(f.due_at)}",
              "未处理 OPEN" if f.open else f"已处理 {f.resolved_by} {local(f.resolved_at)}\n{f.resolution}"] for f in followups],
            [10, 14, 82, 34, 46], font_size=8,
        )
    nxt = next_state(meeting.state)
    if nxt:
        pdf.subheading(f"下一状态 Next state: {STATE_ZH[nxt]} {nxt}")
        found = gates.blockers(store, meeting, nxt)
        pdf.paragraph("\n".join(f"• {b.zh}\n  {b.en}" for b in found) if found else "无阻碍。Nothing blocks it.")
    return pdf.save(out)
