"""Emitter classification from band, occupied bandwidth and time behaviour.

Each candidate kind suggested by the bands containing the signal is scored:
0.5 for the band, up to 0.3 for the bandwidth fitting that kind, up to 0.2 for the time
behaviour fitting it (continuous / intermittent / variable). The best candidate wins when it
scores at least 0.5, otherwise the signal is ``unknown``. Every factor is stated in words, in
English and Chinese.

The FM broadcast band (87–108 MHz) is where consumer FM transmitters and cheap bugs live too:

- compared with a baseline, an ambient carrier is ``broadcast``; a new or stronger one is an
  ``fm_transmitter`` (a bug or a consumer FM transmitter);
- without a baseline (none given, or it did not cover the frequency), a carrier that looks like
  a broadcast station — continuous, strong (SNR >= 12 dB), 120–320 kHz wide, within 10 kHz of the
  100 kHz FM raster — is ``broadcast`` with a reason saying that only a baseline can rule out a
  bug on a broadcast channel; anything else there (off-raster, narrow, weak, bursty) stays an
  ``fm_transmitter`` with the reason it does not look like a station.

A TV band only suggests ``broadcast`` for a signal as wide as a DTMB multiplex (5–9 MHz): a
narrow carrier in a TV band is not a TV station. Cellular downlink bands suggest
``cellular_downlink`` whatever the baseline (handsets and bugs do not transmit there).
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


# a broadcast FM station as the analysis sees it without a baseline
FM_RASTER_HZ = 100e3  # China's FM channel raster (87.5, 87.6, ... 108.0 MHz)
FM_RASTER_TOLERANCE_HZ = 10e3  # carrier tolerance plus the centroid's error and a dongle's ppm
FM_STATION_MIN_SNR_DB = 12.0
# ±75 kHz FM broadcasting: Carson's bandwidth 180 kHz (mono) to 256 kHz (stereo); the 26 dB width
# measured on a quiet programme or a weak station comes out lower (155-195 kHz on the simulator's
# stations), a narrow-FM bug far lower (a 12.5/25 kHz channel)
FM_STATION_BW_HZ = (120e3, 320e3)


def station_mismatches(signal: Signal) -> list[Reason]:
    """Why an FM-band carrier does not look like a broadcast station (empty: it does)."""
    out: list[Reason] = []
    off_hz = signal.freq_hz - round(signal.freq_hz / FM_RASTER_HZ) * FM_RASTER_HZ
    if abs(off_hz) > FM_RASTER_TOLERANCE_HZ:
        out.append(Reason(f"{off_hz / 1e3:+.0f} kHz off the 100 kHz FM channel raster", f"偏离 100 kHz 调频信道栅格 {off_hz / 1e3:+.0f} kHz"))
    lo, hi = FM_STATION_BW_HZ
    if signal.bandwidth_hz < lo:
        out.append(Reason(f"narrower than a broadcast station ({_fmt_bw(signal.bandwidth_hz)} < {_fmt_bw(lo)})",
                          f"比广播电台窄（{_fmt_bw(signal.bandwidth_hz)} < {_fmt_bw(lo)}）"))
    elif signal.bandwidth_hz > hi:
        out.append(Reason(f"wider than a broadcast station ({_fmt_bw(signal.bandwidth_hz)} > {_fmt_bw(hi)})",
                          f"比广播电台宽（{_fmt_bw(signal.bandwidth_hz)} > {_fmt_bw(hi)}）"))
    if signal.snr_db < FM_STATION_MIN_SNR_DB:
        out.append(Reason(f"weaker than a broadcast station ({signal.snr_db:.1f} dB over the floor < {FM_STATION_MIN_SNR_DB:g} dB)",
                          f"比广播电台弱（高于底噪 {signal.snr_db:.1f} dB < {FM_STATION_MIN_SNR_DB:g} dB）"))
    if signal.time_behaviour != "continuous":
        out.append(Reason(f"not continuous ({signal.time_behaviour}), a station never stops",
                          f"不是持续发射（{BEHAVIOUR_ZH[signal.time_behaviour]}），广播电台不会中断"))
    return out


def _has_other_use(bands: list[Band]) -> bool:
    """A band whose use suggests no kind here (aviation): its signals are left ``unknown``."""
    return any(b.use not in _USE_TO_KIND and b.use != "tv_broadcast" for b in bands)


def classify(signal: Signal, *, status: str | None = None, compared: bool = True) -> Classification:
    """Classify one signal.

    ``status`` (new/stronger/ambient/...) only separates bugs from broadcast in the FM band;
    ``compared`` is False when no baseline covered the signal (then an FM-band carrier is judged
    by whether it looks like a broadcast station).
    """
    behaviour = signal.time_behaviour
    bw = signal.bandwidth_hz
    bands = bands_at(signal.freq_hz)
    in_room = status in ("new", "stronger")
    fm_unlike_station: list[Reason] = []
    fm_like_station = False
    candidates: list[tuple[float, str, Band | None]] = []
    allocated = 0  # bands that suggested a kind
    for band in bands:
        kind = _USE_TO_KIND.get(band.use)
        if band.use == "fm_broadcast" and in_room:
            if compared:
                kind = "fm_transmitter"
            else:
                fm_unlike_station = station_mismatches(signal)
                fm_like_station = not fm_unlike_station
                kind = "broadcast" if fm_like_station else "fm_transmitter"
        if band.use == "tv_broadcast" and not _bw_fits("broadcast", bw, band):
            continue  # a narrow carrier in a TV band is not a TV station
        if kind is None:
            continue
        allocated += 1
        score = 0.5
        if _bw_fits(kind, bw, band):
            score += 0.3
        if behaviour in _PROFILE[kind][1]:
            score += 0.2 if behaviour == _PROFILE[kind][1][0] else 0.1
        candidates.append((score, kind, band))
    if not allocated and not _has_other_use(bands) and in_room and behaviour != "intermittent" and _bw_fits("fm_transmitter", bw):
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
    if signal.time_behaviour == "intermittent" and signal.continuous and signal.duty >= 0.5:
        crest = signal.peak_dbfs - signal.mean_dbfs
        reasons.append(Reason(f"pulsed: max-hold {crest:.1f} dB above the mean", f"脉冲式：最大保持比平均高 {crest:.1f} dB"))
    if kind == "broadcast" and fm_like_station:
        reasons.append(
            Reason(
                "looks like a broadcast station (strong, about 200 kHz wide, continuous, on the 100 kHz raster); "
                "without a baseline only a sweep outside the room can rule out a bug on a broadcast channel",
                "看起来像广播电台（信号强、约 200 kHz 宽、持续、在 100 kHz 栅格上）；没有基线，"
                "只有在室外扫描一次才能排除占用广播频道的窃听器",
            )
        )
    elif kind == "fm_transmitter" and fm_unlike_station:
        reasons.extend(fm_unlike_station)
        reasons.append(
            Reason(
                "an FM-band carrier that does not look like a broadcast station: possibly a bug or consumer FM transmitter",
                "调频频段内不像广播电台的载波：可能是窃听器或调频发射器",
            )
        )
    elif kind == "fm_transmitter" and compared:
        reasons.append(
            Reason(
                "a carrier in the room that is not in the baseline: possibly a bug or consumer FM transmitter",
                "室内出现而基线中没有的载波：可能是窃听器或调频发射器",
            )
        )
    elif kind == "fm_transmitter":
        reasons.append(
            Reason(
                "a continuous FM-like carrier outside any allocation it fits: possibly a bug or consumer FM transmitter",
                "不符合所在频段用途的持续调频类载波：可能是窃听器或调频发射器",
            )
        )
    if kind == "unknown" and label_band is not None and label_band.use == "aviation":
        reasons.append(Reason("aeronautical band: normally from aircraft or ground stations outside", "航空频段：通常来自室外的飞机或地面台站"))
    return Classification(kind, round(min(score, 1.0), 2), reasons, label_band)
