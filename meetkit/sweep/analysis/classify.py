"""Emitter classification from band, occupied bandwidth and time behaviour.

Each candidate kind suggested by the bands containing the signal is scored:
0.5 for the band, up to 0.3 for the bandwidth fitting that kind, up to 0.2 for the time
behaviour fitting it (continuous / intermittent / variable). The best candidate wins when it
scores at least 0.5, otherwise the signal is ``unknown``. A continuous FM-band carrier that is
new or stronger in the room is an ``fm_transmitter`` (a bug or a consumer FM transmitter), an
ambient one is ``broadcast``. Every factor is stated in words, in English and Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from meetkit.sweep.analysis.bands import Band, bands_at
from meetkit.sweep.analysis.signals import Signal

KINDS = (
    "wireless_mic",
    "cellular_uplink",
    "walkie_talkie",
    "ism_device",
    "fm_transmitter",
    "broadcast",
    "cellular_downlink",
    "unknown",
)

KIND_ZH = {
    "wireless_mic": "无线话筒",
    "cellular_uplink": "手机上行",
    "walkie_talkie": "对讲机",
    "ism_device": "微功率/遥控设备",
    "fm_transmitter": "调频发射器",
    "broadcast": "广播电视",
    "cellular_downlink": "基站下行",
    "unknown": "未知",
}

BEHAVIOUR_ZH = {"continuous": "持续", "intermittent": "间歇", "variable": "时有时无"}

# kind: (bandwidth ranges in Hz that fit, preferred time behaviours)
_PROFILE: dict[str, tuple[tuple[tuple[float, float], ...], tuple[str, ...]]] = {
    "cellular_downlink": (((120e3, 400e3), (1.0e6, 21e6)), ("continuous",)),
    "cellular_uplink": (((120e3, 400e3), (150e3, 21e6)), ("intermittent", "variable")),
    "walkie_talkie": (((2e3, 32e3),), ("intermittent", "variable", "continuous")),
    "ism_device": (((1e3, 350e3),), ("intermittent",)),
    "wireless_mic": (((40e3, 320e3),), ("continuous",)),
    "broadcast": (((80e3, 320e3), (5e6, 9e6)), ("continuous",)),
    "fm_transmitter": (((30e3, 320e3),), ("continuous", "variable")),
}

_USE_TO_KIND = {
    "cellular_uplink": "cellular_uplink",
    "cellular_downlink": "cellular_downlink",
    "walkie_talkie": "walkie_talkie",
    "ism_device": "ism_device",
    "wireless_mic": "wireless_mic",
    "tv_broadcast": "broadcast",
    "fm_broadcast": "broadcast",
}


@dataclass(frozen=True)
class Reason:
    en: str
    zh: str

    def to_json(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}


@dataclass
class Classification:
    kind: str
    confidence: float
    reasons: list[Reason] = field(default_factory=list)
    band: Band | None = None


def _fmt_bw(bw_hz: float) -> str:
    return f"{bw_hz / 1e6:.2f} MHz" if bw_hz >= 1e6 else f"{bw_hz / 1e3:.1f} kHz"


def _bw_fits(kind: str, bw_hz: float, band: Band | None = None) -> bool:
    use = band.use if band is not None else ""
    if use == "tv_broadcast":
        return 5e6 <= bw_hz <= 9e6
    if use == "fm_broadcast" and kind == "broadcast":
        return 80e3 <= bw_hz <= 320e3
    if kind == "cellular_downlink" and band is not None and not (930e6 <= band.lo_hz and band.hi_hz <= 960e6):
        return 1.0e6 <= bw_hz <= 21e6  # no GSM outside the 900 MHz band: LTE/NR carriers only
    return any(lo <= bw_hz <= hi for lo, hi in _PROFILE[kind][0])


def classify(signal: Signal, *, status: str | None = None) -> Classification:
    """Classify one signal; ``status`` (new/stronger/ambient) only separates bugs from broadcast."""
    behaviour = signal.time_behaviour
    bw = signal.bandwidth_hz
    bands = bands_at(signal.freq_hz)
    in_room = status in ("new", "stronger")
    candidates: list[tuple[float, str, Band | None]] = []
    for band in bands:
        kind = _USE_TO_KIND.get(band.use)
        if band.use == "fm_broadcast" and in_room:
            kind = "fm_transmitter"
        if kind is None:
            continue
        score = 0.5
        if _bw_fits(kind, bw, band):
            score += 0.3
        if behaviour in _PROFILE[kind][1]:
            score += 0.2 if behaviour == _PROFILE[kind][1][0] else 0.1
        candidates.append((score, kind, band))
    if not bands and in_room and behaviour != "intermittent" and _bw_fits("fm_transmitter", bw):
        # a new continuous FM-like carrier outside any allocation: typical of a bug
        candidates.append((0.45, "fm_transmitter", None))
    candidates.sort(key=lambda c: -c[0])
    reasons: list[Reason] = []
    label_band = bands[0] if bands else None
    if candidates and candidates[0][0] >= 0.45:
        score, kind, band = candidates[0]
        label_band = band or label_band
    else:
        score, kind, band = (0.3 if bands else 0.2), "unknown", None
    f_mhz = signal.freq_hz / 1e6
    if label_band is not None:
        reasons.append(
            Reason(
                f"{f_mhz:.4f} MHz lies in {label_band.name} ({label_band.lo_hz / 1e6:g}–{label_band.hi_hz / 1e6:g} MHz)",
                f"{f_mhz:.4f} MHz 位于{label_band.name_zh}（{label_band.lo_hz / 1e6:g}–{label_band.hi_hz / 1e6:g} MHz）",
            )
        )
    else:
        reasons.append(Reason(f"{f_mhz:.4f} MHz is in no band of the table", f"{f_mhz:.4f} MHz 不在频段表中的任何频段"))
    fits = kind != "unknown" and _bw_fits(kind, bw, band)
    reasons.append(
        Reason(
            f"occupied bandwidth {_fmt_bw(bw)}" + (f", typical of a {kind.replace('_', ' ')}" if fits else ""),
            f"占用带宽 {_fmt_bw(bw)}" + (f"，符合{KIND_ZH[kind]}的特征" if fits else ""),
        )
    )
    occ = f"{signal.occupancy * 100:.0f}%"
    reasons.append(
        Reason(
            f"{behaviour} emission (occupancy {occ}, seen in {signal.passes_seen} of {signal.passes} passes)",
            f"{BEHAVIOUR_ZH[behaviour]}发射（占用率 {occ}，{signal.passes} 次扫描中出现 {signal.passes_seen} 次）",
        )
    )
    if kind == "fm_transmitter":
        reasons.append(
            Reason(
                "a carrier in the room that is not in the baseline: possibly a bug or consumer FM transmitter",
                "室内出现而基线中没有的载波：可能是窃听器或调频发射器",
            )
        )
    if kind == "unknown" and label_band is not None and label_band.use == "aviation":
        reasons.append(Reason("aeronautical band: normally from aircraft or ground stations outside", "航空频段：通常来自室外的飞机或地面台站"))
    return Classification(kind, round(min(score, 1.0), 2), reasons, label_band)
