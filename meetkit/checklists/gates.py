"""The lifecycle gates that depend on checklists and sweeps.

- before 'in_session': every venue room has a pre-meeting checklist and each is signed off
  (by two different inspectors on 机密 and 绝密 meetings); on 机密 and 绝密 meetings a sweep
  report without unresolved findings is attached (:func:`sweep_status`).
- before 'closed': every room has a post-meeting checklist and each is signed off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from meetkit.gates import Blocker
from meetkit.levels import is_high

if TYPE_CHECKING:
    from meetkit.meetings import Meeting
    from meetkit.store import Store


def _checklists_signed(store: Store, meeting: Meeting, kind: str) -> list[Blocker]:
    from meetkit.checklists.instances import (
        STATUS_EN,
        STATUS_ZH,
        checklist_views,
        target_rooms,
    )

    what_en = "pre-meeting venue" if kind == "pre" else "post-meeting room"
    what_zh = "会前会场" if kind == "pre" else "会后房间"
    views = checklist_views(store, meeting.id, kind)
    found: list[Blocker] = []
    covered_ids = {v.room_id for v in views}
    missing = [r.name for r in target_rooms(store, meeting, kind) if r.id not in covered_ids and (r.id is not None or not views)]
    if missing:
        found.append(Blocker(
            f"{kind}_checklist_missing",
            f"no {what_en} checklist yet for: {', '.join(missing)} (create it with 'meetkit checklist create {meeting.id} {kind}')",
            f"尚未建立{what_zh}检查表：{'、'.join(missing)}",
            tuple(missing),
        ))
    unsigned = [v for v in views if not v.signed_off]
    if unsigned:
        found.append(Blocker(
            f"{kind}_checklist_not_signed",
            f"{what_en} checklist(s) not signed off: " + ", ".join(
                f"{v.room_name} (no. {v.id}, {v.done}/{v.total} checked, {STATUS_EN[v.sign.status]}, {len(v.sign.signers)}/{v.sign.required} signatures)" for v in unsigned),
            f"{what_zh}检查表未签字确认：" + "；".join(
                f"{v.room_name}（第 {v.id} 号，已检查 {v.done}/{v.total}，{STATUS_ZH[v.sign.status]}，签字 {len(v.sign.signers)}/{v.sign.required}）" for v in unsigned),
            tuple(str(v.id) for v in unsigned),
        ))
    return found


def checklist_gates(store: Store, meeting: Meeting, target: str) -> list[Blocker]:
    if target == "in_session":
        found = _checklists_signed(store, meeting, "pre")
        if is_high(meeting.level):
            from meetkit.checklists.sweep_status import sweep_status

            status = sweep_status(store, meeting.id)
            if not status.ok:
                code = "sweep_findings_unresolved" if status.unresolved_findings else "sweep_report_missing"
                found.append(Blocker(
                    code,
                    f"a {meeting.level} meeting needs a sweep report without unresolved findings: {status.summary_en}",
                    f"{meeting.level}会议须附无未处置发现的频谱检测报告：{status.summary_zh}",
                    status.details,
                ))
        return found
    if target == "closed":
        return _checklists_signed(store, meeting, "post")
    return []
