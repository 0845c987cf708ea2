"""Compare the room's signals with a baseline sweep and a friendly list.

A baseline is a sweep taken outside the room (or earlier) with the same profile. Each room
signal is

- ``friendly`` when it matches an emitter the technician declared (within its tolerance),
- ``new`` when the baseline covered its frequency and had no signal there (within
  ``tolerance_hz``), or when the baseline did not cover it at all (said in the reasons),
- ``stronger`` when the baseline had a signal there but the room's level is at least
  ``stronger_db`` (6 dB) higher — compared like with like: mean level for continuous
  signals, max-hold peak for intermittent ones (when the baseline has a max-hold trace),
- ``ambient`` otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from meetkit.errors import ErrorCode, InvalidInput, MeetkitError
from meetkit.sweep.analysis.classify import Reason
from meetkit.sweep.analysis.signals import Signal, find_signals
from meetkit.sweep.analysis.trace import Trace

DEFAULT_TOLERANCE_HZ = 25e3
STRONGER_DB = 6.0


@dataclass(frozen=True)
class FriendlyEmitter:
    freq_hz: float
    name: str
    tolerance_hz: float = DEFAULT_TOLERANCE_HZ
    note: str = ""

    def matches(self, signal: Signal) -> bool:
        return signal.lo_hz - self.tolerance_hz <= self.freq_hz <= signal.hi_hz + self.tolerance_hz


def load_friendly(path: str | Path) -> list[FriendlyEmitter]:
    """A JSON list of ``{"freq_hz": ..., "name": ..., "tolerance_hz"?: ..., "note"?: ...}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        items = data["friendly"] if isinstance(data, dict) else data
        return [
            FriendlyEmitter(float(d["freq_hz"]), str(d.get("name", "")), float(d.get("tolerance_hz", DEFAULT_TOLERANCE_HZ)), str(d.get("note", "")))
            for d in items
        ]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"cannot read the friendly list {path}: {err}",
            f"无法读取友好信号列表 {path}：{err}",
        ) from err


@dataclass
class Baseline:
    trace: Trace
    signals: list[Signal] = field(default_factory=list)
    source: str = ""
    has_max_hold: bool = True

    @classmethod
    def from_trace(cls, trace: Trace, source: str = "", *, has_max_hold: bool | None = None) -> Baseline:
        keep_max = trace.has_max_hold if has_max_hold is None else has_max_hold
        return cls(trace, find_signals(trace).signals, source, keep_max)

    def covers(self, lo_hz: float, hi_hz: float) -> bool:
        return any(lo <= hi_hz and lo_hz <= hi for lo, hi in self.trace.covered())

    def share_of(self, spans: list[tuple[float, float]]) -> float:
        """The share of ``spans`` (Hz) this baseline's trace covers (1.0 for no spans)."""
        total = sum(hi - lo for lo, hi in spans)
        if total <= 0:
            return 1.0
        covered = self.trace.covered()
        inside = sum(max(0.0, min(hi, b_hi) - max(lo, b_lo)) for lo, hi in spans for b_lo, b_hi in covered)
        return min(1.0, inside / total)

    def check_covers(self, spans: list[tuple[float, float]], what_en: str, what_zh: str) -> float:
        """The share of ``spans`` this baseline covers; refuses one that covers none of them (a
        baseline of another profile or band compares nothing: every signal would be new)."""
        share = self.share_of(spans)
        if share <= 0.0 and spans:
            have = ", ".join(f"{lo / 1e6:.1f}–{hi / 1e6:.1f}" for lo, hi in self.trace.covered()[:4])
            raise InvalidInput(
                f"the baseline {self.source} covers none of {what_en} (it covers {have} MHz): sweep the baseline with the same profile",
                f"基线 {self.source} 与{what_zh}没有重叠（基线覆盖 {have} MHz）：请用相同的频段配置扫描基线",
            )
        return share

    def level_near(self, lo_hz: float, hi_hz: float, *, max_hold: bool) -> float | None:
        f = self.trace.freqs_hz
        sel = (f >= lo_hz) & (f <= hi_hz)
        if not sel.any():
            return None
        arr = self.trace.max_dbfs if (max_hold and self.has_max_hold) else self.trace.mean_dbfs
        return float(np.max(arr[sel]))


@dataclass
class Comparison:
    status: str  # new, stronger, ambient, friendly
    baseline_dbfs: float | None
    reasons: list[Reason]
    friendly: FriendlyEmitter | None = None
    compared: bool = True  # False: no baseline, or it did not cover the signal (nothing to compare with)


def compare(
    signal: Signal,
    baseline: Baseline | None,
    friendly: list[FriendlyEmitter] | None = None,
    *,
    tolerance_hz: float = DEFAULT_TOLERANCE_HZ,
    stronger_db: float = STRONGER_DB,
) -> Comparison:
    for item in friendly or []:
        if item.matches(signal):
            return Comparison(
                "friendly",
                None,
                [Reason(f"declared friendly: {item.name}", f"已申报的友好信号：{item.name}")],
                item,
            )
    if baseline is None:
        return Comparison("new", None, [Reason("no baseline to compare with", "没有可比较的基线")], compared=False)
    lo, hi = signal.lo_hz - tolerance_hz, signal.hi_hz + tolerance_hz
    if not baseline.covers(signal.lo_hz, signal.hi_hz):
        return Comparison("new", None, [Reason("the baseline did not cover this frequency", "基线未覆盖此频率")], compared=False)
    matched = [s for s in baseline.signals if s.lo_hz <= hi and lo <= s.hi_hz]
    if not matched:
        return Comparison("new", None, [Reason("not in the baseline", "基线中没有此信号")])
    # like with like: max-hold peaks for intermittent signals when the baseline has a max-hold, else means
    use_peak = signal.time_behaviour == "intermittent" and baseline.has_max_hold
    room = signal.peak_dbfs if use_peak else signal.mean_dbfs
    base = baseline.level_near(lo, hi, max_hold=use_peak)
    if base is None:
        base = max((s.peak_dbfs if use_peak else s.mean_dbfs) for s in matched)
    delta = room - base
    if delta >= stronger_db:
        return Comparison(
            "stronger",
            round(base, 2),
            [Reason(f"{delta:.1f} dB stronger than in the baseline", f"比基线强 {delta:.1f} dB")],
        )
    return Comparison(
        "ambient",
        round(base, 2),
        [Reason(f"also in the baseline ({delta:+.1f} dB)", f"基线中也存在（{delta:+.1f} dB）")],
    )
