"""The attendance report: approved, present, absent, admitted without a badge, refused and
flagged scans with their reasons. CSV and PDF (MarkedPdf: the meeting's classification on
every page and the audit head hash in the footer)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meetkit import audit
from meetkit.clock import Clock
from meetkit.desk import presence as presence_service
from meetkit.desk.signin import FLAGGED, REFUSED, VERDICT_ZH, Verdict, local_time
from meetkit.errors import InvalidInput
from meetkit.levels import mark
from meetkit.meetings import Meeting, get_meeting
from meetkit.operators import Actor, require_role
from meetkit.reports.pdf import MarkedPdf
from meetkit.store import Store
from meetkit.store import desk as sql

REPORT_ROLES = ("secretary", "chair")


@dataclass
class AttendanceReport:
    meeting: Meeting
    rows: list[presence_service.PresenceRow]
    admissions: list[dict[str, Any]]
    refused: list[dict[str, Any]]
    counts: presence_service.DeskCounts

    @property
    def attended(self) -> list[presence_service.PresenceRow]:
        return [r for r in self.rows if r.entries > 0]

    @property
    def absent(self) -> list[presence_service.PresenceRow]:
        return [r for r in self.rows if r.entries == 0]


def build(store: Store, meeting_id: int) -> AttendanceReport:
    meeting = get_meeting(store, meeting_id)
    return AttendanceReport(
        meeting=meeting,
        rows=presence_service.presence(store, meeting_id),
        admissions=presence_service.admissions_without_badge(store, meeting_id),
        refused=sql.scans_with_verdicts(store, meeting_id, REFUSED + FLAGGED),
        counts=presence_service.counts(store, meeting_id),
    )


def _unbroken(text: str) -> str:
    """Cell text whose spaces do not stretch: the PDF table justifies wrapped lines at
    spaces, which tore "此人已于 11-27 19:30:40 在…" apart; no-break spaces keep it as typed."""
    return str(text).replace(" ", "\u00a0")


def _status(row: presence_service.PresenceRow) -> str:
    if row.entries == 0:
        return "缺席"
    return "在场" if row.present else "已离场"


CSV_HEADER = ["section", "attendee_id", "name", "unit", "seat", "status", "first_in", "first_desk", "last_event", "without_badge",
              "custody_tags", "verdict", "reason", "desk", "operator", "time"]


def write_csv(report: AttendanceReport, path: str | Path, *, head_hash: str) -> Path:
    """The report as CSV; like every printout it carries the classification mark (first and
    last line) and the audit head hash (second line), as the controlled-documents CSVs do."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([mark(report.meeting.level)])
        out.writerow(["审计链头 Audit head", head_hash])
        out.writerow(CSV_HEADER)
        for r in report.rows:
            out.writerow(["attendee", r.attendee_id, r.name, r.unit, r.seat, _status(r), r.first_in or "", r.first_desk or "",
                          r.since or "", "yes" if r.without_badge else "", " ".join(r.custody_tags), "", "", r.desk or "", "", ""])
        for a in report.admissions:
            out.writerow(["without_badge", a["attendee_id"], a["attendee_name"], a["attendee_unit"], "", "", "", "", "", "yes", "",
                          "", f"{a['reason']} / {a['id_check_note']} / supervisor {a['supervisor']}", a["desk"], a["operator"], a["at"]])
        for s in report.refused:
            out.writerow(["scan", s["attendee_id"] or "", s["attendee_name"] or "", s["attendee_unit"] or "", "", "", "", "", "", "", "",
                          s["verdict"], s["reason_zh"] or s["reason"], s["desk"], s["operator"], s["at"]])
        out.writerow([mark(report.meeting.level)])
    return path


def write_pdf(report: AttendanceReport, path: str | Path, *, head_hash: str, printed_at: dt.datetime, printed_by: str) -> Path:
    m = report.meeting
    pdf = MarkedPdf(level=m.level, title=f"{m.title} · 签到统计", head_hash=head_hash, printed_at=printed_at, printed_by=printed_by)
    pdf.add_page()
    pdf.heading(f"{m.title}\n参会签到统计 Attendance")
    c = report.counts
    pdf.key_values([
        ("会议时间", f"{local_time(m.starts_at)} – {local_time(m.ends_at)}"),
        ("地点", m.venue),
        ("审定参会人数 Approved", c.approved),
        ("实到人数 Attended", len(report.attended)),
        ("缺席人数 Absent", len(report.absent)),
        ("目前在场 Present now", c.present),
        ("无胸卡入场 Without badge", len(report.admissions)),
        ("拒绝入场扫描 Refused scans", c.refused),
        ("重复签到警示 Already-in alerts", c.flagged),
        ("代管物品未归还 Items still held", c.in_custody),
    ], key_width=64)
    pdf.subheading("参会人员签到情况 Attendees")
    pdf.table(
        ["编号", "姓名", "单位", "座位", "状态", "首次入场", "入场台", "最后记录", "无胸卡", "代管号牌"],
        [[r.attendee_id, r.name, r.unit, r.seat, _status(r), local_time(r.first_in), r.first_desk or "", local_time(r.since),
          "是" if r.without_badge else "", " ".join(r.custody_tags)] for r in report.rows],
        widths=[9, 22, 30, 10, 11, 20, 14, 20, 11, 13],
    )
    pdf.subheading("无胸卡入场 Admitted without a badge")
    if report.admissions:
        pdf.table(
            ["时间", "姓名", "单位", "签到台", "经办", "批准人", "原因", "身份核验"],
            [[local_time(a["at"]), a["attendee_name"], a["attendee_unit"], a["desk"], a["operator"], a["supervisor"],
              _unbroken(a["reason"]), _unbroken(a["id_check_note"])] for a in report.admissions],
            widths=[18, 18, 24, 14, 14, 14, 30, 30],
        )
    else:
        pdf.paragraph("无 None")
    pdf.subheading("拒绝入场及警示扫描 Refused and flagged scans")
    if report.refused:
        pdf.table(
            ["时间", "签到台", "操作员", "结果", "持卡人", "原因"],
            [[local_time(s["at"]), s["desk"], s["operator"], VERDICT_ZH[Verdict(s["verdict"])], s["attendee_name"] or "—",
              _unbroken(s["reason_zh"] or s["reason"])] for s in report.refused],
            widths=[20, 16, 16, 18, 20, 70],
        )
    else:
        pdf.paragraph("无 None")
    return pdf.save(path)


def export(store: Store, clock: Clock, actor: Actor, meeting_id: int, path: str | Path) -> Path:
    """Write the report as CSV or PDF (by the file's extension); audited."""
    require_role(store, clock, actor, REPORT_ROLES, "desk.attendance", f"meeting:{meeting_id}", meeting_id)
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".pdf"):
        raise InvalidInput("the attendance report is written as .csv or .pdf", "签到统计只能导出为 .csv 或 .pdf 文件")
    report = build(store, meeting_id)
    with store.transaction():
        audit.append(store, clock, actor.name, "desk.attendance", f"meeting:{meeting_id}", {"format": kind[1:]}, meeting_id)
        head = audit.head_hash(store)
    if kind == ".csv":
        return write_csv(report, path, head_hash=head)
    return write_pdf(report, path, head_hash=head, printed_at=clock.now(), printed_by=actor.name)
