"""Detected bins become signals.

Steps: the trace's noise floor (:func:`~meetkit.sweep.analysis.noise.trace_floor`), CFAR on the
mean and the max-hold trace (:mod:`~meetkit.sweep.analysis.detect`), one-bin gaps bridged,
runs of adjacent detected bins grouped (never across a frequency gap between hops), groups
split at valleys at least ``split_db`` deep on both sides (two carriers side by side), the pieces
of one pulsed emitter's spread joined again (:func:`_merge_spread`), then per group: centre frequency (power centroid within the occupied band), occupied bandwidth
(the x-dB bandwidth of ITU-R SM.328 with x = 26 dB, on the 3-bin smoothed excess over the floor), peak level (max-hold, dBFS per RBW),
mean level (mean trace, dBFS per RBW), SNR, occupancy (share of frames above the noise
threshold, highest bin), first/last seen and passes seen.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from meetkit.sweep.analysis.detect import (
    DetectSettings,
    detect_bins,
    overlap_variance_factor,
    thresholds,
)
from meetkit.sweep.analysis.noise import trace_floor
from meetkit.sweep.analysis.psd import to_db
from meetkit.sweep.analysis.trace import Trace

F32 = npt.NDArray[np.float32]


@dataclass
class Signal:
    freq_hz: float
    bandwidth_hz: float
    lo_hz: float  # extent of the detected bins
    hi_hz: float
    peak_dbfs: float  # max-hold peak, per RBW
    mean_dbfs: float  # mean-trace peak, per RBW
    noise_dbfs: float  # noise floor under the signal, per RBW
    min_hold_dbfs: float  # highest min-hold within ±3 bins of the peak: below the floor = off at times
    snr_db: float  # (mean peak if continuous else max-hold peak) over the floor
    occupancy: float  # 0..1
    continuous: bool  # detected on the mean trace (not only on max-hold)
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    passes_seen: int
    passes: int
    rbw_hz: float
    n_bins: int


    n_frames: float = 0.0  # frames behind the mean trace at the signal

    @property
    def duty(self) -> float:
        """Occupancy relative to what a continuous noise-like signal at this SNR would show.

        A frame of such a signal is exponential with mean (1 + s)·N, so it exceeds the occupancy
        threshold 4.6·N (-ln 0.01) with probability exp(-4.6 / (1 + s)).
        """
        s = 10.0 ** (max(self.snr_db, 0.0) / 10.0)
        expected = math.exp(-4.605 / (1.0 + s))
        return min(1.0, self.occupancy / max(expected, 1e-3))

    @property
    def crest_excess_db(self) -> float:
        """Max-hold over mean beyond what a continuous noise-like signal gives (ln K + 0.58)."""
        k = max(self.n_frames, 2.0)
        return (self.peak_dbfs - self.mean_dbfs) - 10.0 * math.log10(math.log(k) + 0.5772)

    @property
    def time_behaviour(self) -> str:
        """continuous, intermittent or variable (from detection, duty and crest)."""
        if not self.continuous or self.duty < 0.5:
            return "intermittent"
        if self.crest_excess_db >= 6.0 and self.duty < 0.9:
            return "intermittent"  # pulses: a high max-hold over a mean that is on most frames
        return "continuous" if self.duty >= 0.8 else "variable"


@dataclass
class Detection:
    signals: list[Signal]
    noise_p: F32  # noise floor per trace bin
    mask_mean: npt.NDArray[np.bool_]
    mask_max: npt.NDArray[np.bool_]
    threshold_mean_p: F32
    threshold_max_p: F32


def noise_for_trace(trace: Trace) -> F32:
    if len(trace) == 0:
        return np.zeros(0, np.float32)
    parts = trace_floor(trace.segment_arrays())
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def _bridge(mask: npt.NDArray[np.bool_], gap: int) -> npt.NDArray[np.bool_]:
    """Fill runs of at most ``gap`` False bins between True bins."""
    if gap <= 0 or mask.size < 3:
        return mask
    out = mask.copy()
    idx = np.nonzero(mask)[0]
    if idx.size < 2:
        return out
    d = np.diff(idx)
    for i in np.nonzero((d > 1) & (d <= gap + 1))[0]:
        out[idx[i] + 1 : idx[i + 1]] = True
    return out


def _runs(mask: npt.NDArray[np.bool_], breaks: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, stop) of True runs, also cut where ``breaks[i]`` (a gap before bin i)."""
    runs: list[tuple[int, int]] = []
    if mask.size == 0:
        return runs
    m = mask.astype(np.int8)
    edges = np.diff(np.concatenate(([0], m, [0])))
    starts = np.nonzero(edges == 1)[0]
    stops = np.nonzero(edges == -1)[0]
    for a, b in zip(starts, stops):
        cuts = [int(c) for c in np.nonzero(breaks[a + 1 : b])[0] + a + 1]
        prev = int(a)
        for c in cuts:
            runs.append((prev, c))
            prev = c
        runs.append((prev, int(b)))
    return runs


def _split_valleys(level_db: F32, a: int, b: int, split_db: float) -> list[tuple[int, int]]:
    n = b - a
    if n < 7:
        return [(a, b)]
    seg = level_db[a:b].astype(np.float64)
    k = 5
    smooth = np.convolve(np.pad(seg, (k // 2, k // 2), mode="edge"), np.ones(k) / k, mode="valid")
    left = np.maximum.accumulate(smooth)
    right = np.maximum.accumulate(smooth[::-1])[::-1]
    depth = np.minimum(left[:-2], right[2:]) - smooth[1:-1]
    i = int(np.argmax(depth))
    if depth[i] < split_db:
        return [(a, b)]
    cut = a + i + 1
    return _split_valleys(level_db, a, cut, split_db) + _split_valleys(level_db, cut, b, split_db)


def _time(ts: float) -> dt.datetime | None:
    if not math.isfinite(ts):
        return None
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def find_signals(
    trace: Trace,
    settings: DetectSettings | None = None,
    *,
    gap_bins: int = 2,
    split_db: float = 6.0,
    wide_bins: int = 32,
    absorb_db: float = 15.0,
    absorb_hz: float = 1.0e6,
    min_snr_db: float = 3.0,
    noise_p: F32 | None = None,
) -> Detection:
    settings = settings or DetectSettings(overlap=trace.overlap, fft_size=trace.fft_size)
    if noise_p is None:
        noise_p = noise_for_trace(trace)
    empty = np.zeros(len(trace), np.bool_)
    if len(trace) == 0:
        z = np.zeros(0, np.float32)
        return Detection([], z, empty, empty, z, z)
    t_mean, t_max = thresholds(noise_p, trace.n_frames, settings)
    m_mean = trace.mean_p > t_mean
    m_max = trace.max_p > t_max
    df = np.diff(trace.freqs_hz)
    breaks = np.zeros(len(trace), np.bool_)
    breaks[1:] = df > 2.5 * trace.bin_hz[1:]  # hop joins leave up to two bins' spacing; more is a gap
    m_wide = _wide_mask(trace, noise_p, settings, breaks, wide_bins)
    m_mean |= m_wide
    det = _bridge(m_mean | m_max, gap_bins)
    mean_db = to_db(trace.mean_p)
    max_db = to_db(trace.max_p)
    noise_db = to_db(noise_p)
    parts: list[tuple[int, int, Signal]] = []
    for a0, b0 in _runs(det, breaks):
        use_mean = bool(m_mean[a0:b0].any())
        level = mean_db if use_mean else max_db
        for a, b in _split_valleys(level, a0, b0, split_db):
            parts.append((a, b, _describe(trace, a, b, m_mean, noise_p, mean_db, max_db, noise_db)))
    signals = [
        group[0][2] if len(group) == 1 else _describe(trace, group[0][0], group[-1][1], m_mean, noise_p, mean_db, max_db, noise_db)
        for group in _merge_spread(parts, breaks, absorb_db, absorb_hz, gap_bins)
    ]
    signals = _absorb_fragments(signals, absorb_db, absorb_hz)
    # crumbs at the floor (the edges of a wide detection) are not signals
    signals = [s for s in signals if s.snr_db >= min_snr_db or s.n_bins >= wide_bins]
    return Detection(signals, noise_p, m_mean, m_max, t_mean, t_max)


def _wide_mask(
    trace: Trace, noise_p: F32, settings: DetectSettings, breaks: npt.NDArray[np.bool_], width: int
) -> npt.NDArray[np.bool_]:
    """CFAR on the mean trace smoothed over ``width`` bins: finds weak wideband signals whole.

    Averaging L adjacent Hann bins multiplies the number of averages by L / 1.94 (adjacent Hann
    bins of noise are correlated: power correlation 4/9 at one bin, 1/36 at two bins).
    """
    n = len(trace)
    if width <= 1 or n < width:
        return np.zeros(n, np.bool_)
    out = np.zeros(n, np.bool_)
    # smooth within each frequency-contiguous stretch
    cuts = [0, *np.nonzero(breaks)[0].tolist(), n]
    for a, b in itertools.pairwise(cuts):
        if b - a < width:
            continue
        sm = _moving_mean(trace.mean_p[a:b], width)
        nz = _moving_mean(noise_p[a:b], width)
        k_eff = trace.n_frames[a:b].astype(np.float64) * width / 1.94
        t_mean, _ = thresholds(nz.astype(np.float32), k_eff * max(overlap_variance_factor(settings.overlap, settings.fft_size), 1.0), settings)
        valid = np.zeros(b - a, np.bool_)
        valid[width // 2 : b - a - width // 2] = True
        hit = (sm > t_mean) & valid
        # a smoothed window above threshold marks the middle half of its window
        reach = width // 4
        if reach and hit.any():
            hit = np.convolve(hit.astype(np.float32), np.ones(2 * reach + 1, np.float32), mode="same") > 0.5
        out[a:b] = hit
    return out


def _moving_mean(x: npt.NDArray[np.floating], width: int) -> npt.NDArray[np.float64]:
    """Centred moving average (like ``np.convolve(x, ones(w)/w, "same")``) in O(n) with a cumulative sum."""
    c = np.concatenate(([0.0], np.cumsum(x, dtype=np.float64)))
    n = x.shape[0]
    lo = np.clip(np.arange(n) - (width - 1) // 2 - (1 - width % 2), 0, n)
    hi = np.clip(lo + width, 0, n)
    lo = np.clip(hi - width, 0, n)
    return (c[hi] - c[lo]) / width


def _merge_spread(
    parts: list[tuple[int, int, Signal]],
    breaks: npt.NDArray[np.bool_],
    absorb_db: float,
    absorb_hz: float,
    gap_bins: int,
) -> list[list[tuple[int, int, Signal]]]:
    """Group the pieces of one pulsed emitter's spectrum, in frequency order.

    Short pulses spread their power over a wide band (a 0.5 µs pulse over about ±2 MHz): the
    max-hold is raised far from the carrier while the mean is barely above the floor, so CFAR
    cuts the spread into pieces wherever the mean dips. A piece joins a pulsed (intermittent)
    neighbour when all of these hold:

    - the gap between them is a dip, not a separation: at most half the pulsed signal's own
      detected width (in bins, so it scales with the RBW), never across a gap between hops;
    - it is the spread, not a second emitter: its peak and its SNR are both at least
      ``absorb_db`` below the pulsed signal's, and its centre lies within ``absorb_hz``.

    Continuous signals never absorb anything here, so adjacent carriers (GSM on a 200 kHz
    raster, FM stations) stay separate however weak the neighbour is.
    """
    n = len(parts)
    if n < 2:
        return [[p] for p in parts]
    owner = list(range(n))  # index of the group leader of each piece
    leaders: set[int] = set()  # pieces that took others in
    for i in sorted(range(n), key=lambda k: -parts[k][2].peak_dbfs):
        if owner[i] != i or parts[i][2].time_behaviour != "intermittent":
            continue
        a_dom, b_dom, dom = parts[i]
        max_gap = max(gap_bins, (b_dom - a_dom) // 2)
        lo_bin, hi_bin = a_dom, b_dom
        for step in (-1, 1):
            j = i + step
            while 0 <= j < n and owner[j] == j and j not in leaders:
                a, b, sig = parts[j]
                gap = (lo_bin - b) if step < 0 else (a - hi_bin)
                span = slice(b, lo_bin + 1) if step < 0 else slice(hi_bin, a + 1)
                spread = (
                    gap <= max_gap
                    and not breaks[span].any()
                    and sig.peak_dbfs <= dom.peak_dbfs - absorb_db
                    and sig.snr_db <= dom.snr_db - absorb_db
                    and abs(sig.freq_hz - dom.freq_hz) <= absorb_hz
                )
                if not spread:
                    break
                owner[j] = i
                lo_bin, hi_bin = min(lo_bin, a), max(hi_bin, b)
                j += step
        if (lo_bin, hi_bin) != (a_dom, b_dom):
            leaders.add(i)
    groups: dict[int, list[tuple[int, int, Signal]]] = {}
    for k in range(n):
        groups.setdefault(owner[k], []).append(parts[k])
    return sorted(groups.values(), key=lambda g: g[0][0])


def _absorb_fragments(signals: list[Signal], absorb_db: float, absorb_hz: float) -> list[Signal]:
    """Drop small max-hold-only fragments that sit within ``absorb_hz`` of a signal at least
    ``absorb_db`` stronger: they are that signal's spread (pulses, splatter, leakage)."""
    if absorb_db <= 0 or len(signals) < 2:
        return signals
    peaks = np.array([s.peak_dbfs for s in signals])
    freqs = np.array([s.freq_hz for s in signals])
    keep: list[Signal] = []
    for s in signals:
        small = s.n_bins <= 4
        if small:
            near = (np.abs(freqs - s.freq_hz) <= absorb_hz) & (peaks >= s.peak_dbfs + absorb_db)
            if near.any():
                continue
        keep.append(s)
    return keep


def _describe(
    trace: Trace,
    a: int,
    b: int,
    m_mean: npt.NDArray[np.bool_],
    noise_p: F32,
    mean_db: F32,
    max_db: F32,
    noise_db: F32,
) -> Signal:
    sl = slice(a, b)
    continuous = bool(m_mean[sl].any())
    power = (trace.mean_p[sl] if continuous else trace.max_p[sl]).astype(np.float64)
    excess = power - noise_p[sl]
    freqs = trace.freqs_hz[sl]
    bin_hz = float(trace.bin_hz[a])
    # x-dB bandwidth: the outermost bins whose 3-bin smoothed excess is within 26 dB of the peak
    # excess and above 3 sigma of the smoothed noise (so a wide detection's noisy skirts do not count)
    k = min(3, b - a)
    smooth = np.convolve(excess, np.ones(k) / k, mode="same")
    frames = max(float(trace.n_frames[a]), 1.0)
    sigma = float(noise_p[a + (b - a) // 2]) / math.sqrt(max(k * frames / 1.94, 1.0)) if continuous else 0.0
    level = max(float(smooth.max()) * 10 ** (-26 / 10), 3.0 * sigma)
    above = np.nonzero(smooth >= level)[0]
    if above.size == 0:
        above = np.array([int(np.argmax(power))])
    lo, hi = int(above[0]), int(above[-1])
    inner = np.clip(excess[lo : hi + 1], 0.0, None)
    if float(inner.sum()) > 0:
        centre = float(np.sum(freqs[lo : hi + 1] * inner) / float(inner.sum()))
    else:
        centre = float(freqs[int(np.argmax(power))])
    bandwidth = (hi - lo + 1) * bin_hz
    peak_i = a + int(np.argmax(max_db[sl]))
    noise = float(noise_db[peak_i])
    peak = float(max_db[peak_i])
    mean_peak = float(np.max(mean_db[sl]))
    snr = (mean_peak if continuous else peak) - noise
    first = float(np.nanmin(trace.first_seen[sl])) if trace.first_seen is not None and np.isfinite(trace.first_seen[sl]).any() else math.nan
    last = float(np.nanmax(trace.last_seen[sl])) if trace.last_seen is not None and np.isfinite(trace.last_seen[sl]).any() else math.nan
    seen = int(np.max(trace.passes_seen[sl])) if trace.passes_seen is not None else 0
    first_t, last_t = _time(first), _time(last)
    if seen == 0:
        # found only on the combined trace: present throughout as far as we can tell
        seen = trace.passes if continuous else max(1, seen)
        first_t = first_t or trace.started
        last_t = last_t or trace.ended
    return Signal(
        freq_hz=round(centre, 1),
        bandwidth_hz=round(bandwidth, 1),
        lo_hz=float(freqs[0]) - bin_hz / 2,
        hi_hz=float(freqs[-1]) + bin_hz / 2,
        peak_dbfs=round(peak, 2),
        mean_dbfs=round(mean_peak, 2),
        noise_dbfs=round(noise, 2),
        min_hold_dbfs=round(float(np.max(to_db(trace.min_p[max(peak_i - 3, a) : min(peak_i + 4, b)]))), 2),
        snr_db=round(snr, 2),
        occupancy=round(float(np.max(trace.occupancy[sl])), 3),
        continuous=continuous,
        first_seen=first_t,
        last_seen=last_t,
        passes_seen=seen,
        passes=trace.passes,
        rbw_hz=bin_hz,
        n_bins=b - a,
        n_frames=float(trace.n_frames[peak_i]),
    )


__all__ = ["Detection", "Signal", "detect_bins", "find_signals", "noise_for_trace"]
