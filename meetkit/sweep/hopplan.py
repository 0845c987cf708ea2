"""Hop plan: which centre frequencies to tune, which part of each hop to keep, how long it takes.

Pure arithmetic, no I/O. A hop of width ``rate_sps`` keeps only its middle ``(1 - crop)``
share (the tuner's filter rolls off at the edges). The kept parts of consecutive hops tile
the planned span exactly, without gaps or overlaps; the DC spike in the middle of each kept
part is left to analysis, which interpolates the DC bins.

Frequencies typed by people go through :func:`parse_freq` (``433.92M``, ``1.2G``, ``100k``,
plain Hz).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from meetkit.errors import ErrorCode, MeetkitError

if TYPE_CHECKING:
    from meetkit.sweep.profiles import Profile

# R820T/R820T2/R828D tuning range (osmocom tuner_r82xx.c; rf-reference.md)
TUNER_MIN_HZ = 24e6
TUNER_MAX_HZ = 1766e6
# Sample rates librtlsdr accepts (osmocom librtlsdr.c)
RATE_RANGES_SPS = ((225_001.0, 300_000.0), (900_001.0, 3_200_000.0))
DEFAULT_RATE_SPS = 2.4e6
DEFAULT_CROP = 0.25
DEFAULT_SETTLE_S = 0.010
DEFAULT_DWELL_SAMPLES = 32768

_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9}
_FREQ_RE = re.compile(
    r"^\s*(?P<num>[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(?P<suffix>[kmg]?)\s*(?:hz|sps|s/s)?\s*$",
    re.IGNORECASE,
)


def parse_freq(text: str | float) -> float:
    """``433.92M`` → 433920000.0; also ``1.2G``, ``100k``, ``2.4MHz``, ``250ksps``, plain Hz.

    Raises MeetkitError(INVALID_INPUT) for anything else (negative, empty, garbage, inf/nan).
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        match = _FREQ_RE.match(str(text))
        if match is None:
            raise MeetkitError(
                ErrorCode.INVALID_INPUT,
                f"not a frequency: {text!r} (use e.g. 433.92M, 1.2G, 100k or plain Hz)",
                f"不是有效的频率：{text!r}（例如 433.92M、1.2G、100k 或以 Hz 为单位的数字）",
            )
        value = float(match.group("num")) * _SUFFIX[match.group("suffix").lower()]
    if not math.isfinite(value) or value < 0:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"not a frequency: {text!r}",
            f"不是有效的频率：{text!r}",
        )
    return value


def format_freq(freq_hz: float) -> str:
    """Shortest exact text that :func:`parse_freq` reads back (``433.92M``, ``2.4M``, ``100k``)."""
    for suffix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if freq_hz >= scale:
            text = repr(freq_hz / scale)
            text = text.removesuffix(".0")
            if "e" not in text and float(text) * scale == freq_hz:
                return text + suffix
    text = repr(float(freq_hz))
    return text.removesuffix(".0")


def mhz(freq_hz: float) -> str:
    return f"{freq_hz / 1e6:.3f} MHz"


@dataclass(frozen=True)
class Hop:
    index: int
    centre_hz: float  # where the tuner is tuned
    keep_lo_hz: float  # the part of this hop's spectrum that analysis keeps
    keep_hi_hz: float


@dataclass(frozen=True)
class HopPlan:
    start_hz: float
    stop_hz: float
    rate_sps: float
    crop: float  # share of each hop's width discarded (both edges together)
    settle_s: float
    dwell_samples: int
    passes: int
    hops: tuple[Hop, ...]
    spans: tuple[tuple[float, float], ...] = ()  # the (lo, hi) ranges the hops tile
    profile: str | None = None
    clipped: tuple[tuple[float, float], ...] = field(default=())  # asked-for parts outside the tuner range

    @property
    def dwell_s(self) -> float:
        return self.dwell_samples / self.rate_sps

    @property
    def pass_shift_hz(self) -> float:
        """How far odd passes tune off each hop's centre: rate/64 (37.5 kHz at 2.4 MS/s, a whole number
        of FFT bins for any power-of-two FFT of 64 points or more), so that a narrowband emitter hidden
        under one pass's DC interpolation is seen off-centre in the next. 0 when the crop leaves no
        room for it (the kept part must stay inside the tuned band)."""
        shift = self.rate_sps / 64.0
        return shift if self.crop * self.rate_sps / 2.0 >= 2.0 * shift else 0.0

    def centre_for_pass(self, hop: Hop, pass_index: int) -> float:
        """Where to tune ``hop`` in pass ``pass_index`` (even passes: its centre; odd: shifted up)."""
        return hop.centre_hz + (self.pass_shift_hz if pass_index % 2 else 0.0)

    def hardware_time_s(self) -> float:
        """Time per pass the receiver needs: hops × (settle + dwell)."""
        return len(self.hops) * (self.settle_s + self.dwell_s)

    def total_time_s(self) -> float:
        return self.hardware_time_s() * self.passes

    def covered_hz(self) -> float:
        return sum(hi - lo for lo, hi in self.spans)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_hz": self.start_hz,
            "stop_hz": self.stop_hz,
            "rate_sps": self.rate_sps,
            "crop": self.crop,
            "settle_s": self.settle_s,
            "dwell_samples": self.dwell_samples,
            "dwell_s": self.dwell_s,
            "passes": self.passes,
            "profile": self.profile,
            "hop_count": len(self.hops),
            "hardware_time_s": self.hardware_time_s(),
            "total_time_s": self.total_time_s(),
            "pass_shift_hz": self.pass_shift_hz,
            "spans": [list(s) for s in self.spans],
            "clipped": [list(s) for s in self.clipped],
            "hops": [
                {"index": h.index, "centre_hz": h.centre_hz, "keep_lo_hz": h.keep_lo_hz, "keep_hi_hz": h.keep_hi_hz}
                for h in self.hops
            ],
        }


def _check_rate(rate_sps: float) -> None:
    if not any(lo <= rate_sps <= hi for lo, hi in RATE_RANGES_SPS):
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"sample rate {rate_sps:.0f} S/s is not one an RTL-SDR accepts (225001–300000 or 900001–3200000 S/s; 2.4M or 2.048M are safe)",
            f"采样率 {rate_sps:.0f} S/s 不被 RTL-SDR 支持（225001–300000 或 900001–3200000 S/s；建议 2.4M 或 2.048M）",
        )


def _check_params(rate_sps: float, crop: float, settle_s: float, dwell_samples: int, passes: int) -> None:
    _check_rate(rate_sps)
    if not 0.0 <= crop < 0.9:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"crop must be in [0, 0.9), got {crop}", f"裁边比例须在 [0, 0.9) 内，实际为 {crop}")
    if not 0.0 <= settle_s <= 5.0:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"settle time must be 0–5 s, got {settle_s}", f"稳定时间须在 0–5 秒之间，实际为 {settle_s}")
    if dwell_samples < 256 or dwell_samples > 1 << 26:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"dwell must be 256–67108864 samples per hop, got {dwell_samples}",
            f"每跳驻留样本数须在 256–67108864 之间，实际为 {dwell_samples}",
        )
    if passes < 1:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"passes must be at least 1, got {passes}", f"扫描遍数至少为 1，实际为 {passes}")


def _tile(lo_hz: float, hi_hz: float, usable_hz: float, first_index: int) -> list[Hop]:
    """Hops whose kept parts tile [lo, hi] exactly, each no wider than ``usable_hz``."""
    count = max(1, math.ceil((hi_hz - lo_hz) / usable_hz - 1e-9))
    width = (hi_hz - lo_hz) / count
    hops = []
    for i in range(count):
        keep_lo = lo_hz + i * width
        keep_hi = hi_hz if i == count - 1 else lo_hz + (i + 1) * width
        centre = float(round((keep_lo + keep_hi) / 2))  # the tuner takes whole Hz
        hops.append(Hop(first_index + i, centre, keep_lo, keep_hi))
    return hops


def _merge(ranges: list[tuple[float, float]], gap_hz: float) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + gap_hz:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def plan_ranges(
    ranges: list[tuple[float, float]],
    *,
    rate_sps: float = DEFAULT_RATE_SPS,
    crop: float = DEFAULT_CROP,
    settle_s: float = DEFAULT_SETTLE_S,
    dwell_samples: int = DEFAULT_DWELL_SAMPLES,
    passes: int = 1,
    profile: str | None = None,
) -> HopPlan:
    """Plan the union of several ranges. Parts outside the tuner's range are clipped (and listed
    in ``plan.clipped``); ranges closer than one hop's usable width are merged into one span."""
    _check_params(rate_sps, crop, settle_s, dwell_samples, passes)
    usable = rate_sps * (1.0 - crop)
    inside: list[tuple[float, float]] = []
    clipped: list[tuple[float, float]] = []
    for lo, hi in ranges:
        if hi <= lo:
            continue
        if lo < TUNER_MIN_HZ:
            clipped.append((lo, min(hi, TUNER_MIN_HZ)))
        if hi > TUNER_MAX_HZ:
            clipped.append((max(lo, TUNER_MAX_HZ), hi))
        lo_in, hi_in = max(lo, TUNER_MIN_HZ), min(hi, TUNER_MAX_HZ)
        if hi_in > lo_in:
            inside.append((lo_in, hi_in))
    if not inside:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            "nothing to sweep: the range is outside what an RTL-SDR can tune (24–1766 MHz)",
            "没有可扫描的频段：所选范围超出 RTL-SDR 可调谐范围（24–1766 MHz）",
        )
    spans = _merge(inside, gap_hz=usable)
    hops: list[Hop] = []
    for lo, hi in spans:
        hops.extend(_tile(lo, hi, usable, len(hops)))
    return HopPlan(
        start_hz=spans[0][0],
        stop_hz=spans[-1][1],
        rate_sps=float(rate_sps),
        crop=float(crop),
        settle_s=float(settle_s),
        dwell_samples=int(dwell_samples),
        passes=int(passes),
        hops=tuple(hops),
        spans=tuple(spans),
        profile=profile,
        clipped=tuple(_merge(clipped, 0.0)),
    )


def plan_span(
    start_hz: float,
    stop_hz: float,
    *,
    rate_sps: float = DEFAULT_RATE_SPS,
    crop: float = DEFAULT_CROP,
    settle_s: float = DEFAULT_SETTLE_S,
    dwell_samples: int = DEFAULT_DWELL_SAMPLES,
    passes: int = 1,
) -> HopPlan:
    """Plan one span. It must lie inside the tuner range 24–1766 MHz."""
    if not stop_hz > start_hz:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"stop ({mhz(stop_hz)}) must be above start ({mhz(start_hz)})",
            f"终止频率（{mhz(stop_hz)}）必须高于起始频率（{mhz(start_hz)}）",
        )
    if start_hz < TUNER_MIN_HZ or stop_hz > TUNER_MAX_HZ:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"{mhz(start_hz)}–{mhz(stop_hz)} is outside what an RTL-SDR can tune (24–1766 MHz)",
            f"{mhz(start_hz)}–{mhz(stop_hz)} 超出 RTL-SDR 可调谐范围（24–1766 MHz）",
        )
    return plan_ranges(
        [(start_hz, stop_hz)], rate_sps=rate_sps, crop=crop, settle_s=settle_s, dwell_samples=dwell_samples, passes=passes
    )


def plan_profile(
    profile: Profile,
    *,
    rate_sps: float = DEFAULT_RATE_SPS,
    crop: float = DEFAULT_CROP,
    settle_s: float = DEFAULT_SETTLE_S,
    dwell_samples: int = DEFAULT_DWELL_SAMPLES,
    passes: int = 1,
) -> HopPlan:
    """Plan the union of a profile's bands (clipped to the tuner's range)."""
    return plan_ranges(
        [(b.lo_hz, b.hi_hz) for b in profile.bands],
        rate_sps=rate_sps,
        crop=crop,
        settle_s=settle_s,
        dwell_samples=dwell_samples,
        passes=passes,
        profile=profile.name,
    )


def describe_plan(plan: HopPlan, lang: str = "en") -> list[str]:
    """The plan as lines a person reads before a run: hops and expected time per pass."""
    zh = lang == "zh"
    lines = []
    name = f" ({plan.profile})" if plan.profile else ""
    if zh:
        lines.append(
            f"扫描计划{name}：{len(plan.hops)} 跳，{mhz(plan.start_hz)}–{mhz(plan.stop_hz)}，"
            f"实际覆盖 {plan.covered_hz() / 1e6:.3f} MHz（{len(plan.spans)} 段）"
        )
        lines.append(
            f"采样率 {plan.rate_sps / 1e6:.3f} MS/s，每跳裁边 {plan.crop:.0%}，稳定 {plan.settle_s * 1e3:.1f} ms，"
            f"驻留 {plan.dwell_samples} 样本（{plan.dwell_s * 1e3:.1f} ms）"
        )
        lines.append(
            f"每遍预计硬件时间 {plan.hardware_time_s():.1f} s；共 {plan.passes} 遍，约 {plan.total_time_s():.1f} s"
        )
    else:
        lines.append(
            f"Plan{name}: {len(plan.hops)} hops over {mhz(plan.start_hz)}–{mhz(plan.stop_hz)}, "
            f"covering {plan.covered_hz() / 1e6:.3f} MHz in {len(plan.spans)} span(s)"
        )
        lines.append(
            f"rate {plan.rate_sps / 1e6:.3f} MS/s, crop {plan.crop:.0%} per hop, settle {plan.settle_s * 1e3:.1f} ms, "
            f"dwell {plan.dwell_samples} samples ({plan.dwell_s * 1e3:.1f} ms)"
        )
        lines.append(
            f"expected hardware time {plan.hardware_time_s():.1f} s per pass; "
            f"{plan.passes} pass(es), about {plan.total_time_s():.1f} s"
        )
    if plan.passes > 1 and plan.pass_shift_hz:
        shift = plan.pass_shift_hz / 1e3
        lines.append(
            f"  第 2、4…遍调谐频率上移 {shift:g} kHz，使每个频率至少在一遍中避开直流尖峰"
            if zh
            else f"  passes 2, 4, … tune {shift:g} kHz higher, so every frequency is seen away from the DC spike in some pass"
        )
    if len(plan.spans) > 1:
        for lo, hi in plan.spans:
            lines.append(f"  {mhz(lo)} – {mhz(hi)}")
    for lo, hi in plan.clipped:
        lines.append(
            f"  不可达（超出 24–1766 MHz）：{mhz(lo)} – {mhz(hi)}" if zh else f"  out of reach (outside 24–1766 MHz): {mhz(lo)} – {mhz(hi)}"
        )
    return lines
