"""Gathering the dossier's sections from every area of the kit. A section whose area is not
part of this installation is kept, marked not available, so the printout says so instead of
leaving it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from meetkit import attendees, audit, meetings
from meetkit.checklists import links
from meetkit.checklists.followups import Followup, list_followups
from meetkit.checklists.instances import ChecklistView, checklist_views
from meetkit.checklists.sweep_status import SweepStatus, sweep_status
from meetkit.meetings import Meeting, get_meeting
from meetkit.store import Store

NOT_AVAILABLE_EN = "not available: this part of the kit is not installed"
NOT_AVAILABLE_ZH = "不可用：本套件未安装此部分功能"


@dataclass
class Section:
    key: str
    title_zh: str
    title_en: str
    available: bool = True
    data: Any = None
    note_en: str = ""
    note_zh: str = ""


@dataclass
class Dossier:
    meeting: Meeting
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


@dataclass(frozen=True)
class ApprovalFacts:
    approval: dict[str, Any] | None
    current_count: int
    current_hash: str
    status_counts: dict[str, int]
    pledged: int

    @property
    def matches(self) -> bool:
        return bool(self.approval) and self.approval["list_hash"] == self.current_hash


@dataclass(frozen=True)
class ChecklistFacts:
    views: list[ChecklistView]
    followups: list[Followup]


@dataclass(frozen=True)
class AuditFacts:
    head_hash: str
    verified: bool
    entries: int
    problem: str
    meeting_entries: int


def _part_section(key: str, zh: str, en: str, part: links.Part | None) -> Section:
    if part is None:
        return Section(key, zh, en, available=False, note_en=NOT_AVAILABLE_EN, note_zh=NOT_AVAILABLE_ZH)
    return Section(key, zh, en, data=part)


def collect(store: Store, meeting_id: int) -> Dossier:
    meeting = get_meeting(store, meeting_id)
    dossier = Dossier(meeting)
    add = dossier.sections.append
    add(Section("facts", "会议基本情况", "Meeting facts", data=meeting))
    count, current_hash = attendees.approved_list_hash(store, meeting_id)
    people = attendees.list_attendees(store, meeting_id)
    add(Section("approval", "参会名单审定", "Approved attendee list", data=ApprovalFacts(
        approval=attendees.latest_approval(store, meeting_id), current_count=count, current_hash=current_hash,
        status_counts=attendees.counts(store, meeting_id),
        pledged=sum(1 for a in people if a.pledged_at),
    )))
    add(_part_section("attendance", "签到情况", "Attendance", links.attendance(store, meeting_id)))
    add(_part_section("handouts", "文件发放与清点", "Handout reconciliation", links.reconciliation(store, meeting_id)))
    add(Section("checklists", "会场及房间检查", "Checklists", data=ChecklistFacts(checklist_views(store, meeting_id), list_followups(store, meeting_id))))
    status: SweepStatus = sweep_status(store, meeting_id)
    add(Section("sweep", "无线电频谱检测", "Sweep summary", data=status))
    add(_part_section("incidents", "失泄密及违规事件", "Incidents", links.incidents(store, meeting_id)))
    transitions = meetings.transitions(store, meeting_id)
    add(Section("overrides", "状态变更与越过关卡", "State changes and gate overrides", data=transitions))
    verification = audit.verify(store)
    add(Section("audit", "审计日志", "Audit log", data=AuditFacts(
        head_hash=audit.head_hash(store), verified=verification.ok, entries=verification.entries,
        problem=verification.problem, meeting_entries=len(audit.entries(store, meeting_id)),
    )))
    return dossier
