"""Is a sweep report without unresolved findings attached to the meeting?

:func:`sweep_status` is the one question the 'in session' gate and the dossier ask about
sweeps. The newest sweep attached to the meeting (``meetkit.sweep.attach.gate_status``) decides;
while no sweep is attached, the manual stand-in does: the pre-meeting checklist item flagged
``sweep_ref`` ("RF sweep done ... report reference in the note"), passed with a report
reference (for a sweep made with other equipment).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from meetkit.store import Store


@dataclass(frozen=True)
class SweepStatus:
    source: str  # "sweep_store" | "manual" | "none"
    ok: bool  # a report without unresolved findings is attached
    report_ref: str = ""
    unresolved_findings: int = 0
    summary_en: str = ""
    summary_zh: str = ""
    details: tuple[str, ...] = field(default_factory=tuple)
    at: str = ""
    operator: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["details"] = list(self.details)
        return data


def _from_sweep_store(store: Store, meeting_id: int) -> SweepStatus | None:
    """The sweep area's answer: the newest sweep attached to the meeting with its count of
    unresolved findings (``source="sweep_store"``); None when no sweep is attached."""
    from meetkit.sweep.attach import gate_status

    return gate_status(store, meeting_id)  # type: ignore[no-any-return]


def _from_manual_item(store: Store, meeting_id: int) -> SweepStatus:
    from meetkit.checklists.instances import checklist_views

    found: list[tuple[str, Any]] = []
    for view in checklist_views(store, meeting_id, "pre"):
        for item in view.items:
            if "sweep_ref" in item.flags:
                found.append((view.room_name, item))
    if not found:
        return SweepStatus("none", False, summary_en="no sweep report attached", summary_zh="未附无线电频谱检测报告")
    failed = [(room, i) for room, i in found if i.outcome == "fail"]
    passed = [(room, i) for room, i in found if i.outcome == "pass" and i.note.strip()]
    if failed:
        room, item = failed[0]
        return SweepStatus(
            "manual", False, report_ref=item.note, unresolved_findings=len(failed),
            summary_en=f"sweep item failed in {room}: {item.note}", summary_zh=f"{room} 的频谱检测项不合格：{item.note}",
            details=tuple(f"{r}: {i.note}" for r, i in failed), at=item.at or "", operator=item.operator or "",
        )
    if not passed:
        return SweepStatus(
            "manual", False,
            summary_en="no sweep report reference recorded on the pre-meeting checklist",
            summary_zh="会前检查表中尚未记录频谱检测报告编号",
        )
    refs = "; ".join(dict.fromkeys(i.note.strip() for _, i in passed))
    last = passed[-1][1]
    return SweepStatus(
        "manual", True, report_ref=refs,
        summary_en=f"sweep report {refs} recorded on the pre-meeting checklist, no unresolved findings",
        summary_zh=f"会前检查表已记录频谱检测报告 {refs}，无未处置的发现",
        details=tuple(f"{r}: {i.note}（{i.operator}）" for r, i in passed), at=last.at or "", operator=last.operator or "",
    )


def sweep_status(store: Store, meeting_id: int) -> SweepStatus:
    stored = _from_sweep_store(store, meeting_id)
    if stored is not None:
        return stored
    return _from_manual_item(store, meeting_id)
