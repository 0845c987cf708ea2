"""Attach a sweep to a meeting and review its findings (audited).

New and stronger findings start as ``suspect``; the technician marks each one ``friendly``,
``resolved`` (found and removed: a note is required) or ``declared``, or back to ``suspect``.
Every change and its audit entry commit in one transaction. Unresolved suspects of the newest
sweep attached to a meeting block its gate (:func:`gate_status`, asked by the checklists' gate).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso
from meetkit.errors import ErrorCode, MeetkitError, NotFound
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import sweeps as sql
from meetkit.sweep.findings import SUSPECT_STATUSES, read_findings

REVIEW_STATES = ("suspect", "friendly", "resolved", "declared")
STATE_ZH = {"suspect": "可疑", "friendly": "友好", "resolved": "已排除", "declared": "已申报"}
ROLES = ("technician",)


@dataclass(frozen=True)
class StoredFinding:
    id: int
    sweep_id: int
    position: int
    freq_hz: float
    bandwidth_hz: float
    kind: str
    status: str  # the analysis status: new, stronger, ambient, friendly, artifact
    state: str | None  # review state (None: never a suspect)
    note: str
    data: dict[str, Any]

    @property
    def unresolved(self) -> bool:
        return self.state == "suspect"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sweep_id": self.sweep_id,
            "freq_hz": self.freq_hz,
            "bandwidth_hz": self.bandwidth_hz,
            "kind": self.kind,
            "status": self.status,
            "state": self.state,
            "note": self.note,
        }


@dataclass(frozen=True)
class AttachedSweep:
    id: int
    meeting_id: int
    findings: int
    suspects: int


def _findings_path(path: str | Path) -> Path:
    p = Path(path)
    return p / "findings.json" if p.is_dir() else p


def attach_sweep(store: Store, clock: Clock, actor: Actor, meeting_id: int, path: str | Path, room_name: str = "") -> AttachedSweep:
    """Attach the sweep whose output DIR (or findings.json) is ``path`` to the meeting."""
    from meetkit.meetings import get_meeting

    get_meeting(store, meeting_id)  # NotFound when there is no such meeting
    require_role(store, clock, actor, ROLES, "sweep.attach", f"meeting:{meeting_id}", meeting_id)
    fpath = _findings_path(path)
    try:
        raw = fpath.read_bytes()
    except OSError as err:
        raise MeetkitError(
            ErrorCode.NOT_FOUND,
            f"{path} is not a sweep's output folder (cannot read {fpath}: {err.strerror})",
            f"{path} 不是扫描输出文件夹（无法读取 {fpath}：{err.strerror}）",
        ) from err
    doc = read_findings(fpath)
    digest = hashlib.sha256(raw).hexdigest()
    now = iso(clock.now())
    suspects = 0
    with store.transaction():
        sweep_id = sql.insert_sweep(
            store,
            {
                "meeting_id": meeting_id,
                "room_name": room_name,
                "profile": doc.profile,
                "source": doc.source,
                "started": doc.started,
                "passes": doc.passes,
                "out_dir": str(fpath.parent),
                "findings_sha256": digest,
                "document": raw.decode("utf-8"),
                "attached_at": now,
                "attached_by": actor.name,
            },
        )
        for position, finding in enumerate(doc.findings):
            fid = sql.insert_finding(
                store,
                {
                    "sweep_id": sweep_id,
                    "position": position,
                    "freq_hz": finding.freq_hz,
                    "bandwidth_hz": finding.bandwidth_hz,
                    "kind": finding.kind,
                    "status": finding.status,
                    "data": json.dumps(finding.to_json(), ensure_ascii=False),
                },
            )
            if finding.status in SUSPECT_STATUSES:
                suspects += 1
                sql.insert_event(store, {"finding_id": fid, "state": "suspect", "note": "", "at": now, "operator": actor.name})
        audit.append(
            store,
            clock,
            actor.name,
            "sweep.attach",
            f"sweep:{sweep_id}",
            {"findings": len(doc.findings), "suspects": suspects, "findings_sha256": digest, "room": room_name},
            meeting_id,
        )
    return AttachedSweep(sweep_id, meeting_id, len(doc.findings), suspects)


def _stored(row: dict[str, Any]) -> StoredFinding:
    return StoredFinding(
        id=int(row["id"]),
        sweep_id=int(row["sweep_id"]),
        position=int(row["position"]),
        freq_hz=float(row["freq_hz"]),
        bandwidth_hz=float(row["bandwidth_hz"]),
        kind=str(row["kind"]),
        status=str(row["status"]),
        state=row.get("state"),
        note=str(row.get("state_note") or ""),
        data=json.loads(str(row["data"])),
    )


def findings(store: Store, sweep_id: int) -> list[StoredFinding]:
    if sql.get_sweep(store, sweep_id) is None:
        raise NotFound(f"no sweep {sweep_id}", f"没有编号为 {sweep_id} 的扫描")
    return [_stored(r) for r in sql.findings_with_state(store, sweep_id)]


def sweeps(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return sql.sweeps_for_meeting(store, meeting_id)


def mark_finding(store: Store, clock: Clock, actor: Actor, finding_id: int, state: str, note: str = "") -> StoredFinding:
    """Set a finding's review state (audited). ``resolved`` needs a note saying what was done."""
    row = sql.get_finding(store, finding_id)
    if row is None:
        raise NotFound(f"no sweep finding {finding_id}", f"没有编号为 {finding_id} 的检测结果")
    meeting_id = int(row["meeting_id"])
    require_role(store, clock, actor, ROLES, "sweep.finding.mark", f"sweep_finding:{finding_id}", meeting_id)
    if state not in REVIEW_STATES:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"state must be one of {', '.join(REVIEW_STATES)}",
            f"状态须为 {'、'.join(STATE_ZH[s] for s in REVIEW_STATES)} 之一",
        )
    if row["status"] not in SUSPECT_STATUSES:
        raise MeetkitError(
            ErrorCode.INVALID_STATE,
            f"finding {finding_id} is {row['status']}, not a suspect: only new or stronger findings are reviewed",
            f"检测结果 {finding_id} 的状态为 {row['status']}，不是可疑信号：只有新出现或增强的信号需要处置",
        )
    note = note.strip()
    if state == "resolved" and not note:
        raise MeetkitError(ErrorCode.INVALID_INPUT, "say what was found and removed: a note is required", "请说明发现并移除了什么：须填写备注")
    with store.transaction():
        sql.insert_event(store, {"finding_id": finding_id, "state": state, "note": note, "at": iso(clock.now()), "operator": actor.name})
        audit.append(
            store,
            clock,
            actor.name,
            "sweep.finding.mark",
            f"sweep_finding:{finding_id}",
            {"state": state, "note": note, "freq_hz": float(row["freq_hz"]), "sweep_id": int(row["sweep_id"])},
            meeting_id,
        )
    (current,) = [f for f in findings(store, int(row["sweep_id"])) if f.id == finding_id]
    return current


def gate_status(store: Store, meeting_id: int) -> Any:
    """The newest sweep attached to the meeting as a ``SweepStatus`` (None when none is attached)."""
    from meetkit.checklists.sweep_status import SweepStatus

    attached = sql.sweeps_for_meeting(store, meeting_id)
    if not attached:
        return None
    newest = attached[-1]
    items = findings(store, int(newest["id"]))
    open_ = [f for f in items if f.unresolved]
    from meetkit.sweep.report.pdf import beijing_time

    started = beijing_time(newest["started"])[:16] + " Beijing time" if newest["started"] else "start unknown"
    ref = f"sweep {newest['id']} ({newest['source']}, {started})"
    details = tuple(f"{f.freq_hz / 1e6:.4f} MHz {f.kind} ({f.status}): {f.state or '-'} {f.note}".strip() for f in items if f.state)
    if open_:
        return SweepStatus(
            "sweep_store", False, report_ref=ref, unresolved_findings=len(open_),
            summary_en=f"{len(open_)} suspect finding(s) of {ref} not yet resolved",
            summary_zh=f"扫描 {newest['id']} 尚有 {len(open_)} 个可疑信号未处置",
            details=details, at=str(newest["attached_at"]), operator=str(newest["attached_by"]),
        )
    return SweepStatus(
        "sweep_store", True, report_ref=ref, unresolved_findings=0,
        summary_en=f"{ref} attached, no unresolved findings",
        summary_zh=f"已附扫描 {newest['id']}，无未处置的可疑信号",
        details=details, at=str(newest["attached_at"]), operator=str(newest["attached_by"]),
    )


def write_meeting_report(store: Store, clock: Clock, actor: Actor, sweep_id: int, path: str | Path) -> Path:
    """report.pdf of a stored sweep for its meeting: the meeting's classification mark, the audit head
    hash, and each suspect's review state. The spectrum and close-ups come from the sweep's output
    directory when it is still there (trace.csv, trace-max.csv, spectrum.png)."""
    from meetkit.meetings import get_meeting
    from meetkit.sweep.analysis.classify import Reason
    from meetkit.sweep.analysis.signals import find_signals
    from meetkit.sweep.findings import FindingsDoc
    from meetkit.sweep.pipeline import SweepResult, load_baseline
    from meetkit.sweep.report.pdf import write_report

    row = sql.get_sweep(store, sweep_id)
    if row is None:
        raise NotFound(f"no sweep {sweep_id}", f"没有编号为 {sweep_id} 的扫描")
    meeting_id = int(row["meeting_id"])
    require_role(store, clock, actor, ROLES + ("secretary",), "sweep.report", f"sweep:{sweep_id}", meeting_id)
    meeting = get_meeting(store, meeting_id)
    out_dir = Path(str(row["out_dir"]))
    tmp_doc = Path(path).with_suffix(".findings.json")
    tmp_doc.write_text(str(row["document"]), encoding="utf-8")
    try:
        doc: FindingsDoc = read_findings(tmp_doc)
    finally:
        tmp_doc.unlink(missing_ok=True)
    stored = findings(store, sweep_id)
    for finding, item in zip(doc.findings, stored):
        if item.state:
            finding.reasons = [
                Reason(
                    f"review: {item.state}" + (f" — {item.note}" if item.note else ""),
                    f"处置：{STATE_ZH.get(item.state, item.state)}" + (f"——{item.note}" if item.note else ""),
                ),
                *finding.reasons,
            ]
    trace_csv = out_dir / "trace.csv"
    if not trace_csv.exists():
        raise MeetkitError(
            ErrorCode.NOT_FOUND,
            f"the sweep's output directory {out_dir} is gone: the report needs its trace.csv",
            f"扫描输出目录 {out_dir} 已不存在：报告需要其中的 trace.csv",
        )
    trace = load_baseline(out_dir, clock).trace
    result = SweepResult(out_dir if (out_dir / "spectrum.png").exists() else None, doc, trace, find_signals(trace), None)
    doc.extra.setdefault("settings", {})["meeting"] = f"{meeting.id} {meeting.title}"
    with store.transaction():
        audit.append(store, clock, actor.name, "sweep.report", f"sweep:{sweep_id}", {"path": str(path)}, meeting_id)
    head = audit.head_hash(store)
    return write_report(result, path, clock=clock, level=meeting.level, head_hash=head)
