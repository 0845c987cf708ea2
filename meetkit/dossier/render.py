"""Printing the dossier on the marked PDF base: every page carries the classification mark,
the footer the audit head hash at the time of printing."""

from __future__ import annotations

from pathlib import Path

from meetkit.checklists import links
from meetkit.checklists.instances import ChecklistView
from meetkit.checklists.reports import (
    SUMMARY_HEADERS,
    SUMMARY_WIDTHS,
    local,
    meeting_lines,
    new_pdf,
    render_checklist,
    summary_rows,
    table,
)
from meetkit.clock import Clock
from meetkit.dossier.collect import (
    ApprovalFacts,
    AuditFacts,
    ChecklistFacts,
    Dossier,
    Section,
    collect,
)
from meetkit.meetings import STATE_ZH, Meeting
from meetkit.operators import Actor
from meetkit.reports.pdf import MarkedPdf
from meetkit.store import Store


def _facts(pdf: MarkedPdf, meeting: Meeting) -> None:
    pdf.key_values(meeting_lines(meeting) + [
        ("主持领导 Chair", meeting.chair or "—"),
        ("承办单位 Organizer", meeting.organizer or "—"),
        ("传达范围 Relay scope", meeting.relay_scope or "未确定 not decided"),
        ("建立 Created", f"{local(meeting.created_at)} · {meeting.created_by}"),
    ])


def _approval(pdf: MarkedPdf, facts: ApprovalFacts) -> None:
    counts = "，".join(f"{k} {v}" for k, v in sorted(facts.status_counts.items())) or "—"
    if facts.approval is None:
        pdf.key_values([("审定 Approval", "尚未审定 not approved yet"), ("人员 Attendees", counts)])
        return
    a = facts.approval
    pdf.key_values([
        ("审定人 Approver", f"{a['operator']} · {local(a['at'])}"),
        ("审定人数 Approved", str(a["approved_count"])),
        ("名单哈希 List hash", a["list_hash"]),
        ("当前名单 Current list", f"{facts.current_count} 人 · {'与审定一致 matches the approval' if facts.matches else '与审定不一致 DIFFERS from the approval: ' + facts.current_hash}"),
        ("人员状态 Attendees", counts),
        ("保密承诺 Pledges", f"{facts.pledged} 人已签署 signed"),
    ])


def _part(pdf: MarkedPdf, part: links.Part) -> None:
    if part.pairs:
        pdf.key_values(list(part.pairs))
    if part.headers:
        if part.rows:
            table(pdf, list(part.headers), [list(r) for r in part.rows], list(part.widths) or None, font_size=8)
        else:
            pdf.paragraph("无记录。None.")
    for note in part.notes:
        pdf.paragraph(note, 8.5)


def _checklists(pdf: MarkedPdf, store: Store, facts: ChecklistFacts) -> None:
    if not facts.views:
        pdf.paragraph("尚未建立检查表。No checklist was made.")
        return
    table(pdf, SUMMARY_HEADERS, summary_rows(facts.views), SUMMARY_WIDTHS, font_size=8)
    plain = []
    for view in facts.views:
        followups = [f for f in facts.followups if f.checklist_id == view.id]
        if _nothing_more_to_say(view) and not followups:
            plain.append(view)
            continue
        pdf.ln(2)
        render_checklist(pdf, store, view, followups, compact=True)
    if plain:
        names = "、".join(f"{v.room_name}（第 {v.id} 号）" for v in plain)
        pdf.ln(2)
        pdf.paragraph(
            f"以下 {len(plain)} 张检查表已签字确认，各项均合格、无备注、无照片，详见上表：{names}。"
            f" {len(plain)} signed-off checklist(s) with every item passed, no notes and no photos are shown in the table above only.",
            8.5,
        )


def _nothing_more_to_say(view: ChecklistView) -> bool:
    """A signed-off checklist whose every item passed plainly (or was settled by the custody
    ledger): the summary row says all there is (a lodging room after a clean check)."""
    return view.signed_off and not view.sign.reopenings and all(
        i.auto or (i.outcome == "pass" and not i.note and not i.photo_ids and not i.copy_found) for i in view.items
    )


def _sweep(pdf: MarkedPdf, status: object) -> None:
    from meetkit.checklists.sweep_status import SweepStatus

    assert isinstance(status, SweepStatus)
    source = {"sweep_store": "检测报告 sweep report", "manual": "检查表人工记录 manual checklist item", "none": "无 none"}[status.source]
    pdf.key_values([
        ("结论 Result", ("已附报告，无未处置发现 OK" if status.ok else "未满足 NOT MET")),
        ("依据 Source", source),
        ("报告 Report", status.report_ref or "—"),
        ("未处置发现 Unresolved", str(status.unresolved_findings)),
        ("说明 Summary", f"{status.summary_zh}\n{status.summary_en}"),
    ])
    for line in status.details:
        pdf.paragraph("• " + line, 8.5)


def _overrides(pdf: MarkedPdf, transitions: list[dict[str, object]]) -> None:
    overrides = [t for t in transitions if t.get("override_reason")]
    if overrides:
        pdf.set_text_color(176, 0, 32)
        pdf.paragraph(f"主持领导越过关卡 {len(overrides)} 次。The chair overrode a gate {len(overrides)} time(s).", 10)
        pdf.set_text_color(0, 0, 0)
        table(
            pdf,
            ["时间 At", "变更 Change", "操作人 By", "越过的关卡 Gates passed", "理由 Reason"],
            [[local(str(t["at"])), f"{t['from_state']} → {t['to_state']}", str(t["operator"]),
              "\n".join(f"{b['zh']}" for b in t["blockers"]) or "—", str(t["override_reason"])] for t in overrides],  # type: ignore[union-attr]
            [24, 26, 20, 70, 46], font_size=8,
        )
    else:
        pdf.paragraph("无越过关卡的情况。No gate was overridden.")
    pdf.subheading("状态变更 State changes")
    table(
            pdf,
        ["时间 At", "从 From", "到 To", "操作人 By", "越过 Override"],
        [[local(str(t["at"])), f"{STATE_ZH.get(str(t['from_state']), '')} {t['from_state']}", f"{STATE_ZH.get(str(t['to_state']), '')} {t['to_state']}",
          str(t["operator"]), "是 yes" if t.get("override_reason") else ""] for t in transitions],
        [30, 36, 36, 30, 20], font_size=8,
    )


def _audit(pdf: MarkedPdf, facts: AuditFacts) -> None:
    pdf.key_values([
        ("链头哈希 Head hash", facts.head_hash),
        ("校验 Verification", "完整 intact" if facts.verified else f"被篡改 BROKEN: {facts.problem}"),
        ("条目 Entries", f"共 {facts.entries} 条，其中本会议 {facts.meeting_entries} 条 ({facts.entries} total, {facts.meeting_entries} for this meeting)"),
    ])


def render(dossier: Dossier, store: Store, clock: Clock, actor: Actor | None) -> MarkedPdf:
    meeting = dossier.meeting
    pdf = new_pdf(store, clock, actor, meeting, f"会议档案 Meeting dossier · 会议 {meeting.id}")
    pdf.heading(f"会议档案 Meeting dossier\n{meeting.title}", 16)
    for number, section in enumerate(dossier.sections, start=1):
        if section.key in ("checklists",):
            pdf.add_page()
        pdf.heading(f"{number}. {section.title_zh} {section.title_en}", 13)
        if not section.available:
            pdf.set_text_color(120, 120, 120)
            pdf.paragraph(f"{section.note_zh}\n{section.note_en}")
            pdf.set_text_color(0, 0, 0)
            continue
        _render_section(pdf, store, section)
        pdf.ln(2)
    return pdf


def _render_section(pdf: MarkedPdf, store: Store, section: Section) -> None:
    if section.key == "facts":
        _facts(pdf, section.data)
    elif section.key == "approval":
        _approval(pdf, section.data)
    elif section.key == "checklists":
        _checklists(pdf, store, section.data)
    elif section.key == "sweep":
        _sweep(pdf, section.data)
    elif section.key == "overrides":
        _overrides(pdf, section.data)
    elif section.key == "audit":
        _audit(pdf, section.data)
    else:
        _part(pdf, section.data)


def print_dossier(store: Store, clock: Clock, actor: Actor | None, meeting_id: int, out: str | Path) -> tuple[Path, Dossier, str]:
    """Collect and print the dossier without writing to the store (safe to run off the GUI
    thread); returns the file, the dossier and the audit head hash printed on it. Record the
    printing with :func:`record_printed`."""
    dossier = collect(store, meeting_id)
    pdf = render(dossier, store, clock, actor)
    return pdf.save(out), dossier, pdf.head_hash or ""


def record_printed(store: Store, clock: Clock, actor: Actor | None, meeting_id: int, dossier: Dossier, head_hash: str) -> None:
    """Audit who printed which meeting's dossier, at which head hash."""
    from meetkit import audit

    audit.append(store, clock, actor.name if actor else "?", "meeting.dossier", f"meeting:{meeting_id}",
                 {"head_hash": head_hash, "sections": [s.key for s in dossier.sections if s.available]}, meeting_id)


def write_dossier(store: Store, clock: Clock, actor: Actor | None, meeting_id: int, out: str | Path) -> tuple[Path, Dossier]:
    """Print the dossier and audit the printing."""
    path, dossier, head_hash = print_dossier(store, clock, actor, meeting_id, out)
    record_printed(store, clock, actor, meeting_id, dossier, head_hash)
    return path, dossier
