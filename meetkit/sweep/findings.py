"""Findings: classified signals with a status, and the findings.json document.

findings.json: ``{"profile", "source", "started", "passes", "coverage": {"covered": [[lo_hz, hi_hz], ...],
"not_covered": [[lo_hz, hi_hz, reason], ...]}, "findings": [{"freq_hz", "bandwidth_hz", "peak_dbfs",
"mean_dbfs", "snr_db", "occupancy", "kind", "confidence", "reasons", "band", "status", "first_seen",
"last_seen", "passes_seen"}]}``. ``status`` is new, stronger, ambient, friendly or artifact; new and
stronger are *suspects* until the technician resolves them (that state lives in the store).
``reasons`` is a list of ``{"en", "zh"}``; ``band`` is the allocation label object or null.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meetkit.clock import iso, parse_iso
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.analysis.artifacts import artifact_reasons, hop_centres
from meetkit.sweep.analysis.baseline import Baseline, FriendlyEmitter, compare
from meetkit.sweep.analysis.classify import Reason, classify
from meetkit.sweep.analysis.signals import Signal
from meetkit.sweep.analysis.trace import Trace

STATUSES = ("new", "stronger", "ambient", "friendly", "artifact")
SUSPECT_STATUSES = ("new", "stronger")
STATUS_ZH = {"new": "新出现", "stronger": "增强", "ambient": "环境信号", "friendly": "友好", "artifact": "伪信号"}


@dataclass
class Finding:
    freq_hz: float
    bandwidth_hz: float
    peak_dbfs: float
    mean_dbfs: float
    snr_db: float
    occupancy: float
    kind: str
    confidence: float
    reasons: list[Reason]
    band: dict[str, Any] | None
    status: str
    first_seen: str | None
    last_seen: str | None
    passes_seen: int
    baseline_dbfs: float | None = None
    signal: Signal | None = field(default=None, repr=False, compare=False)

    @property
    def suspect(self) -> bool:
        return self.status in SUSPECT_STATUSES

    def to_json(self) -> dict[str, Any]:
        return {
            "freq_hz": self.freq_hz,
            "bandwidth_hz": self.bandwidth_hz,
            "peak_dbfs": self.peak_dbfs,
            "mean_dbfs": self.mean_dbfs,
            "snr_db": self.snr_db,
            "occupancy": self.occupancy,
            "kind": self.kind,
            "confidence": self.confidence,
            "reasons": [r.to_json() for r in self.reasons],
            "band": self.band,
            "status": self.status,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "passes_seen": self.passes_seen,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Finding:
        reasons = [Reason(r["en"], r.get("zh", r["en"])) if isinstance(r, dict) else Reason(str(r), str(r)) for r in d.get("reasons", [])]
        return cls(
            freq_hz=float(d["freq_hz"]),
            bandwidth_hz=float(d["bandwidth_hz"]),
            peak_dbfs=float(d["peak_dbfs"]),
            mean_dbfs=float(d["mean_dbfs"]),
            snr_db=float(d["snr_db"]),
            occupancy=float(d["occupancy"]),
            kind=str(d["kind"]),
            confidence=float(d["confidence"]),
            reasons=reasons,
            band=d.get("band"),
            status=str(d["status"]),
            first_seen=d.get("first_seen"),
            last_seen=d.get("last_seen"),
            passes_seen=int(d.get("passes_seen", 0)),
        )


def _iso(t: dt.datetime | None) -> str | None:
    return iso(t) if t is not None else None


def make_findings(
    signals: list[Signal],
    trace: Trace,
    *,
    baseline: Baseline | None = None,
    friendly: list[FriendlyEmitter] | None = None,
    extra_artifacts: dict[float, Reason] | None = None,
) -> list[Finding]:
    """Status (artifact, friendly, new, stronger, ambient) and class for every signal."""
    out: list[Finding] = []
    centres = hop_centres(trace, signals)
    for sig in signals:
        art = artifact_reasons(sig, trace, centres)
        if extra_artifacts and sig.freq_hz in extra_artifacts:
            art.append(extra_artifacts[sig.freq_hz])
        compared = baseline is not None
        if art:
            status, base_db, status_reasons = "artifact", None, art
        else:
            cmp = compare(sig, baseline, friendly)
            status, base_db, status_reasons, compared = cmp.status, cmp.baseline_dbfs, cmp.reasons, cmp.compared
        cls = classify(sig, status=status, compared=compared)
        out.append(
            Finding(
                freq_hz=sig.freq_hz,
                bandwidth_hz=sig.bandwidth_hz,
                peak_dbfs=sig.peak_dbfs,
                mean_dbfs=sig.mean_dbfs,
                snr_db=sig.snr_db,
                occupancy=sig.occupancy,
                kind=cls.kind,
                confidence=cls.confidence,
                reasons=status_reasons + cls.reasons,
                band=cls.band.to_json() if cls.band is not None else None,
                status=status,
                first_seen=_iso(sig.first_seen),
                last_seen=_iso(sig.last_seen),
                passes_seen=sig.passes_seen,
                baseline_dbfs=base_db,
                signal=sig,
            )
        )
    return out


@dataclass
class FindingsDoc:
    profile: str | None
    source: str
    started: str | None
    passes: int
    covered: list[tuple[float, float]]
    not_covered: list[tuple[float, float, str]]
    findings: list[Finding]
    extra: dict[str, Any] = field(default_factory=dict)  # settings, hardware, acquisition (for reports)

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "source": self.source,
            "started": self.started,
            "passes": self.passes,
            "coverage": {
                "covered": [[lo, hi] for lo, hi in self.covered],
                "not_covered": [[lo, hi, why] for lo, hi, why in self.not_covered],
            },
            "findings": [f.to_json() for f in self.findings],
        }

    def write(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @property
    def suspects(self) -> list[Finding]:
        return [f for f in self.findings if f.suspect]


def read_findings(path: str | Path) -> FindingsDoc:
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        cov = d.get("coverage", {})
        return FindingsDoc(
            profile=d.get("profile"),
            source=str(d.get("source", "")),
            started=d.get("started"),
            passes=int(d.get("passes", 0)),
            covered=[(float(a), float(b)) for a, b in cov.get("covered", [])],
            not_covered=[(float(a), float(b), str(c)) for a, b, c in cov.get("not_covered", [])],
            findings=[Finding.from_json(f) for f in d.get("findings", [])],
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"cannot read findings {path}: {err}", f"无法读取检测结果 {path}：{err}") from err


def started_time(doc: FindingsDoc) -> dt.datetime | None:
    return parse_iso(doc.started) if doc.started else None
