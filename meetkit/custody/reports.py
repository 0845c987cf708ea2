"""Custody printouts: distribution register, recall/reconciliation report, destruction
certificate, notebook register, incident report. Each is built once as a :class:`Report`
(facts and tables) and written as a PDF through MarkedPdf (classification mark and audit
head hash on every page) or as CSV (the same marks in its first lines)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meetkit import audit
from meetkit.attendees import list_attendees
from meetkit.clock import Clock, parse_iso
from meetkit.custody import destruction, incidents, ledger, notebooks, reconcile
from meetkit.errors import InvalidInput
from meetkit.levels import mark
from meetkit.meetings import Meeting, get_meeting
from meetkit.reports.pdf import MarkedPdf
from meetkit.store import Store
from meetkit.store import custody as sql

BEIJING = dt.timezone(dt.timedelta(hours=8))
KINDS = ("distribution", "reconciliation", "destruction", "notebooks", "incidents")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    widths: list[float] | None = None


@dataclass
class Report:
    title: str
    level: str
    facts: list[tuple[str, Any]]
    tables: list[Table]
    closing: list[str] = field(default_factory=list)  # signature lines
    landscape: bool = False  # wide tables get landscape anyway (more than seven columns)


def local(value: str | None) -> str:
    if not value:
        return ""
    return parse_iso(value).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _names(store: Store, meeting_id: int) -> dict[str, str]:
    return {str(a.id): f"{a.name}（{a.unit}）" if a.unit else a.name for a in list_attendees(store, meeting_id)}


def _holder(names: dict[str, str], kind: str | None, ref: str | None) -> str:
    if not ref:
        return ""
    return names.get(ref, f"#{ref}") if kind == "attendee" else f"{ref}（保管人）"


def _meeting_facts(meeting: Meeting) -> list[tuple[str, Any]]:
    return [
        ("会议 Meeting", meeting.title),
        ("密级 Level", mark(meeting.level)),
        ("时间 Time", f"{meeting.starts_at.astimezone(BEIJING):%Y-%m-%d %H:%M} – {meeting.ends_at.astimezone(BEIJING):%H:%M}"),
        ("地点 Venue", meeting.venue),
    ]


def distribution_report(store: Store, meeting_id: int) -> Report:
    meeting = get_meeting(store, meeting_id)
    names = _names(store, meeting_id)
    rows = []
    for r in sql.distribution_rows(store, meeting_id):
        after = sql.get_event(store, int(r["next_id"])) if r["next_id"] else None
        if after is None:
            ended = "未收回 outstanding" if r["holder_kind"] == "attendee" else "保管中"
        elif after["kind"] == "returned":
            ended = f"{local(after['at'])} 收回"
            if after["violation"]:
                ended += f"（代转：{names.get(str(after['by_attendee']), after['by_attendee'])} 交回）"
        elif after["kind"] == "taken_away":
            ended = f"{local(after['at'])} 登记带回 {after['unit']} 登记号 {after['receipt']}"
        else:
            ended = f"{local(after['at'])} {ledger.EVENT_ZH.get(after['kind'], after['kind'])}"
        rows.append([
            r["title"], ledger.copy_label(int(r["seq"]), int(r["doc_copies"])),
            ledger.format_copy_code(meeting_id, int(r["number"])), _holder(names, r["holder_kind"], r["holder_ref"]),
            local(r["at"]), r["operator"], ended,
        ])
    return Report(
        f"{meeting.title} · 文件分发登记簿", meeting.level, _meeting_facts(meeting),
        [Table("分发记录 Distribution", ["文件", "份号", "编号", "领取人", "发放时间", "经办", "去向"], rows,
               [62, 26, 30, 42, 30, 22, 55])],
        landscape=True,
    )


def reconciliation_report(store: Store, meeting_id: int) -> Report:
    meeting = get_meeting(store, meeting_id)
    board = reconcile.reconcile(store, meeting_id)
    t = board.totals
    facts = _meeting_facts(meeting) + [
        ("结论 Result", "全部清退完毕 All copies accounted for" if board.clear else f"尚有 {t['outstanding']} 份未收回 outstanding"),
        ("未结事件 Open incidents", board.open_incidents),
    ]
    docs = Table(
        "按文件 Per document",
        ["文件", "文号", "类别", "份数", "已发", "收回", "代转", "带回", "遗失", "销毁", "保管中", "未收回", "在库"],
        [[d.title, d.doc_number, ledger.KIND_ZH.get(d.kind, d.kind), d.copies, d.issued, d.returned, d.violations,
          d.taken_away, d.lost, d.destroyed, d.in_custody + d.archived, d.outstanding, d.in_stock] for d in board.documents]
        + [["合计 Total", "", "", t["copies"], t["issued"], t["returned"], t["violations"], t["taken_away"], t["lost"],
            t["destroyed"], t["in_custody"] + t["archived"], t["outstanding"], t["in_stock"]]],
        [40, 22, 14, 10, 10, 10, 10, 10, 10, 10, 12, 12, 10],
    )
    people = Table(
        "按人员 Per attendee",
        ["姓名", "单位", "领取", "交回", "他人代交", "带回", "遗失", "未收回"],
        [[a.name, a.unit, a.issued, a.returned, a.returned_by_others, a.taken_away, a.lost, a.outstanding] for a in board.attendees],
        [34, 34, 12, 12, 16, 12, 12, 14],
    )
    out = Table(
        "未收回份号 Outstanding copies",
        ["编号", "文件", "份号", "持有人", "发放时间"],
        [[o.code, o.title, o.label, f"{o.holder_name}（{o.holder_unit}）" if o.holder_unit else o.holder_name, local(o.since)]
         for o in board.outstanding] or [["—", "无 none", "", "", ""]],
        [26, 50, 24, 44, 26],
    )
    return Report(f"{meeting.title} · 文件清退核对表", meeting.level, facts, [docs, people, out],
                  ["清点人 Counted by：", "复核人 Checked by：", "日期 Date："])


def destruction_certificate(store: Store, meeting_id: int, batch_id: int) -> Report:
    meeting = get_meeting(store, meeting_id)
    batch = destruction.get_batch(store, batch_id, meeting_id)
    if batch.status != "destroyed":
        raise InvalidInput(
            f"batch {batch_id} is {batch.status}: a certificate is printed only after the destruction",
            f"销毁批次 {batch_id} 尚未完成销毁，不能打印销毁证明",
        )
    level = max((c.level for c in batch.copies), key=lambda lv: ("内部", "秘密", "机密", "绝密").index(lv), default=meeting.level)
    facts = [
        ("批次 Batch", f"第 {batch.id} 批"),
        ("会议 Meeting", meeting.title),
        ("份数 Copies", len(batch.copies)),
        ("销毁方式 Method", batch.method),
        ("销毁地点 Place", batch.place),
        ("申请 Proposed", f"{batch.proposed_by}  {local(batch.proposed_at)}"),
        ("审批（办公室主任） Approved", f"{batch.approved_by}  {local(batch.approved_at)}"),
        ("监销人 Witnesses", "\n".join(f"{w}  {local(at)}  本人密码确认 confirmed by own password" for w, at in batch.witnesses)),
        ("销毁完成 Destroyed", f"{local(batch.carried_out_at)}  经办 {batch.carried_out_by}"),
    ]
    if batch.note:
        facts.append(("备注 Note", batch.note))
    table = Table(
        "销毁清单 Items destroyed",
        ["序号", "编号", "文件", "文号", "份号", "密级"],
        [[i + 1, c.code, c.title, c.doc_number, c.label, c.level] for i, c in enumerate(batch.copies)],
        [10, 28, 60, 30, 26, 14],
    )
    closing = [f"审批人 Approved by：{batch.approved_by}    签字：__________"]
    closing += [f"监销人 Witness：{w}    签字：__________" for w, _ in batch.witnesses]
    closing += [f"经办人 Carried out by：{batch.carried_out_by}    签字：__________"]
    return Report(f"{meeting.title} · 涉密载体销毁证明（第 {batch.id} 批）", level, facts, [table], closing)


def notebook_report(store: Store, meeting_id: int, clock: Clock) -> Report:
    meeting = get_meeting(store, meeting_id)
    now = clock.now()
    rows = []
    for line in notebooks.notebook_register(store, meeting_id):
        c = line.copy
        rows.append([
            c.code, c.title, c.level, "保管中" if c.state == "issued" else ledger.STATE_ZH.get(c.state, c.state),
            line.custodian or "",
            line.handovers, local(line.retention_until)[:10], "到期" if line.due(now) else "", line.archived_ref or "",
        ])
    return Report(
        f"{meeting.title} · 会议记录本登记簿", meeting.level, _meeting_facts(meeting),
        [Table("记录本 Notebooks", ["编号", "名称", "密级", "状态", "保管人", "交接次数", "保存期限", "", "档案接收号"], rows,
               [26, 40, 12, 18, 22, 14, 22, 10, 26])],
    )


def incident_report(store: Store, meeting_id: int) -> Report:
    meeting = get_meeting(store, meeting_id)
    names = _names(store, meeting_id)
    rows = []
    for i in incidents.list_incidents(store, meeting_id):
        who = _holder(names, i.holder_kind, i.holder_ref)
        if i.kind == "transfer":
            who += f" → 由 {names.get(str(i.returned_by), i.returned_by)} 交回"
        rows.append([
            i.id, incidents.INCIDENT_KIND_ZH.get(i.kind, i.kind), f"{i.title} {i.label}", i.level, who,
            local(i.discovered_at), i.reported_to, i.measures or i.note,
            f"已关闭 {local(i.closed_at)} {i.closed_by}：{i.resolution}" if i.closed_at else "未关闭 OPEN",
        ])
    return Report(
        f"{meeting.title} · 文件事件报告", meeting.level, _meeting_facts(meeting),
        [Table("事件 Incidents", ["号", "类别", "文件份号", "密级", "涉及人员", "发现时间", "报告对象", "补救措施/说明", "处理"],
               rows or [["—", "无 none", "", "", "", "", "", "", ""]], [8, 16, 34, 10, 30, 20, 18, 30, 30])],
    )


def build(store: Store, clock: Clock, meeting_id: int, kind: str, batch_id: int | None = None) -> Report:
    if kind == "distribution":
        return distribution_report(store, meeting_id)
    if kind == "reconciliation":
        return reconciliation_report(store, meeting_id)
    if kind == "destruction":
        if batch_id is None:
            raise InvalidInput("say which destruction batch (--batch N)", "请指明销毁批次（--batch N）")
        return destruction_certificate(store, meeting_id, batch_id)
    if kind == "notebooks":
        return notebook_report(store, meeting_id, clock)
    if kind == "incidents":
        return incident_report(store, meeting_id)
    raise InvalidInput(f"unknown report {kind}: use one of {', '.join(KINDS)}", f"未知报表 {kind}")


def write_pdf(store: Store, clock: Clock, report: Report, path: str | Path, printed_by: str = "") -> Path:
    return render_pdf(report, path, audit.head_hash(store), clock.now(), printed_by)


def render_pdf(report: Report, path: str | Path, head_hash: str, printed_at: dt.datetime, printed_by: str = "") -> Path:
    """Draw a built report (no store access: safe to run off the GUI thread)."""
    landscape = report.landscape or any(len(t.headers) > 7 for t in report.tables)
    pdf = MarkedPdf(
        level=report.level, title=report.title, head_hash=head_hash, printed_at=printed_at,
        orientation="L" if landscape else "P", printed_by=printed_by,
    )
    pdf.add_page()
    pdf.heading(report.title)
    pdf.key_values([(k, v) for k, v in report.facts], key_width=48)
    for table in report.tables:
        pdf.subheading(table.title)
        pdf.table(table.headers, table.rows, table.widths)
    if report.closing:
        pdf.ln(6)
        for line in report.closing:
            pdf.paragraph(line, size=10.5)
            pdf.ln(3)
    return pdf.save(path)


def write_csv(store: Store, report: Report, path: str | Path) -> Path:
    return render_csv(report, path, audit.head_hash(store))


def render_csv(report: Report, path: str | Path, head_hash: str) -> Path:
    """Write a built report as CSV (no store access: safe to run off the GUI thread)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([mark(report.level)])
        out.writerow([report.title])
        out.writerow(["审计链头 Audit head", head_hash])
        for key, value in report.facts:
            out.writerow([key, value])
        for table in report.tables:
            out.writerow([])
            out.writerow([table.title])
            out.writerow(table.headers)
            out.writerows(table.rows)
        out.writerow([])
        out.writerow([mark(report.level)])
    return path


def write(store: Store, clock: Clock, report: Report, path: str | Path, printed_by: str = "") -> Path:
    if str(path).lower().endswith(".csv"):
        return write_csv(store, report, path)
    return write_pdf(store, clock, report, path, printed_by)


def take_away_receipt(store: Store, meeting_id: int, copy_ref: str) -> Report:
    """The receipt for a copy registered as taken away (its latest take-away event), for
    the receiving unit's document office."""
    meeting = get_meeting(store, meeting_id)
    copy = ledger.resolve_copy(store, meeting_id, copy_ref)
    event = next((e for e in reversed(ledger.history(store, copy.id)) if e["kind"] == "taken_away"), None)
    if event is None or copy.state != "taken_away":
        raise InvalidInput(
            f"{copy.code} is not registered as taken away: there is no receipt to print",
            f"{copy.code} 未登记带回，没有可打印的回执",
        )
    names = _names(store, meeting_id)
    facts = _meeting_facts(meeting) + [
        ("文件 Document", f"{copy.title}  {copy.label}"),
        ("文号 Number", copy.doc_number or "—"),
        ("编号 Copy code", copy.code),
        ("密级 Level", mark(copy.level)),
        ("领取人 Issued to", _holder(names, copy.holder_kind, copy.holder_ref) or "—"),
        ("接收单位 Receiving unit", event["unit"]),
        ("携带人 Carrier", event["carrier"]),
        ("单位登记号 Unit's registration", event["receipt"]),
        ("登记时间 Registered", f"{local(event['at'])}  经办 {event['operator']}"),
    ]
    return Report(
        f"{meeting.title} · 文件带回登记回执", copy.level, facts, [],
        ["请接收单位文件管理部门登记保管，不得转交他人。", "携带人签字 Carrier：__________", "经办人签字 Issued by：__________"],
    )


def receipt_lines(outcome_json: dict[str, Any]) -> list[str]:
    """A take-away receipt as text lines (printed by the CLI)."""
    c = outcome_json["copy"]
    return [
        "文件带回登记回执 Take-away receipt",
        f"文件：{c['title']}  {ledger.copy_label(int(c['seq']), int(c['of']))}  编号 {c['code']}  密级 {c['level']}",
        f"接收单位：{outcome_json['unit']}  携带人：{outcome_json['carrier']}  单位登记号：{outcome_json['receipt']}",
        "请接收单位文件管理部门登记保管，不得转交他人。",
        json.dumps({"copy": c["code"], "receipt": outcome_json["receipt"]}, ensure_ascii=False),
    ]


__all__ = ["KINDS", "Report", "Table", "build", "receipt_lines", "render_csv", "render_pdf", "take_away_receipt", "write", "write_csv", "write_pdf"]
