"""Robust noise-floor estimate of a mean (averaged-periodogram) trace.

Local estimate: each hop segment is cut into windows of about ``window_hz`` (1 MHz); in each
window the ``percentile``-th percentile (20th) of the mean power is taken and divided by the
same percentile of the noise-only distribution ``Gamma(K, 1/K)`` (K averages), which makes it an
unbiased estimate of the noise power when fewer than ~80 % of the window's bins carry signals.
The window estimates are interpolated linearly between window centres.

Wide context: a window entirely covered by a wide signal (a DTV multiplex, a busy FM band)
would otherwise read the signal as "noise". Each window's estimate is therefore capped at
``wide_margin_db`` (3 dB) above the 30th percentile of the window estimates within
±``wide_hz`` (10 MHz) around it. Real front ends change their floor by less than that over
10 MHz; the cap only bites where a window is dominated by a signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from meetkit.sweep.analysis.stats import gamma_mean_lower_quantile

F32 = npt.NDArray[np.float32]

DEFAULT_WINDOW_HZ = 1.0e6
DEFAULT_PERCENTILE = 20.0


@lru_cache(maxsize=256)
def _windows(n_bins: int, bin_hz: float, window_hz: float) -> list[tuple[int, int]]:
    per = max(16, int(round(window_hz / bin_hz)))
    count = max(1, int(round(n_bins / per)))
    edges = np.linspace(0, n_bins, count + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


@lru_cache(maxsize=1024)
def _bias(n_avg: float, percentile: float) -> float:
    return gamma_mean_lower_quantile(n_avg, percentile / 100.0)


@lru_cache(maxsize=256)
def _layout(n_bins: int, bin_hz: float, window_hz: float, percentile: float) -> tuple[int, int, int, npt.NDArray[np.float64], F32]:
    """(windows, width, rank, window centres, interpolation matrix) of a segment.

    ``windows`` is 0 unless every window has the same width (then one ``np.partition`` over a
    2-D view does them all). The matrix (bins × windows) turns the window estimates into the
    per-bin floor by one product: ``np.interp`` with the weights worked out once.
    """
    wins = _windows(n_bins, bin_hz, window_hz)
    widths = {b - a for a, b in wins}
    centres = np.asarray([(a + b - 1) / 2.0 for a, b in wins], dtype=np.float64)
    weights = np.stack([np.interp(np.arange(n_bins), centres, np.eye(len(wins))[j]) for j in range(len(wins))], axis=1)
    weights = np.ascontiguousarray(weights, dtype=np.float32)
    if len(widths) != 1 or wins[0][0] != 0 or wins[-1][1] != n_bins:
        return 0, 0, 0, centres, weights
    width = widths.pop()
    return len(wins), width, int((width - 1) * percentile / 100.0), centres, weights


def window_estimates(
    mean_p: npt.NDArray[np.floating],
    bin_hz: float,
    n_avg: float,
    *,
    window_hz: float = DEFAULT_WINDOW_HZ,
    percentile: float = DEFAULT_PERCENTILE,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(window centre bin positions, noise estimate per window) for one contiguous segment."""
    bias = _bias(round(max(n_avg, 1.0), 2), percentile)
    count, width, k, centres, _weights = _layout(mean_p.shape[0], float(bin_hz), float(window_hz), float(percentile))
    if count:  # equal windows (a whole hop): all at once
        part = np.partition(mean_p.reshape(count, width), k, axis=1)[:, k]
        return centres, part.astype(np.float64) / bias
    values = []
    for a, b in _windows(mean_p.shape[0], float(bin_hz), float(window_hz)):
        k = int((b - a - 1) * percentile / 100.0)  # lower-rank percentile: no interpolation needed
        values.append(float(np.partition(mean_p[a:b], k)[k]) / bias)
    return centres, np.asarray(values, dtype=np.float64)


def segment_floor(
    mean_p: npt.NDArray[np.floating],
    bin_hz: float,
    n_avg: float,
    *,
    window_hz: float = DEFAULT_WINDOW_HZ,
    percentile: float = DEFAULT_PERCENTILE,
) -> F32:
    """Noise floor per bin of one contiguous segment (local estimate only)."""
    _centres, values = window_estimates(mean_p, bin_hz, n_avg, window_hz=window_hz, percentile=percentile)
    weights = _layout(mean_p.shape[0], float(bin_hz), float(window_hz), float(percentile))[4]
    return weights @ values.astype(np.float32)


def trace_floor(
    segments: Sequence[tuple[npt.NDArray[np.floating], npt.NDArray[np.floating], float, float]],
    *,
    window_hz: float = DEFAULT_WINDOW_HZ,
    percentile: float = DEFAULT_PERCENTILE,
    wide_hz: float = 10.0e6,
    wide_percentile: float = 30.0,
    wide_margin_db: float = 3.0,
) -> list[F32]:
    """Noise floor per bin for each segment ``(freqs_hz, mean_p, bin_hz, n_avg)`` of a trace.

    Returns one float32 array per segment, with the wide-context cap applied.
    """
    per_seg: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = []
    all_f: list[float] = []
    all_v: list[float] = []
    for freqs, mean_p, bin_hz, n_avg in segments:
        centres, values = window_estimates(mean_p, bin_hz, n_avg, window_hz=window_hz, percentile=percentile)
        per_seg.append((centres, values))
        idx = np.clip(np.rint(centres).astype(int), 0, max(len(freqs) - 1, 0))
        all_f.extend(np.asarray(freqs)[idx].tolist())
        all_v.extend(values.tolist())
    order = np.argsort(all_f)
    f_sorted = np.asarray(all_f)[order]
    v_sorted = np.asarray(all_v)[order]
    margin = 10.0 ** (wide_margin_db / 10.0)
    out: list[F32] = []
    for (freqs, mean_p, _bin_hz, _n), (centres, values) in zip(segments, per_seg):
        idx = np.clip(np.rint(centres).astype(int), 0, max(len(freqs) - 1, 0))
        capped = values.copy()
        for i, f in enumerate(np.asarray(freqs)[idx]):
            lo = np.searchsorted(f_sorted, f - wide_hz)
            hi = np.searchsorted(f_sorted, f + wide_hz, side="right")
            if hi - lo >= 3:
                if hi - lo < 50:  # few windows: interpolate, the lower rank would be biased low
                    wide = float(np.percentile(v_sorted[lo:hi], wide_percentile))
                else:
                    k = int((hi - lo - 1) * wide_percentile / 100.0)
                    wide = float(np.partition(v_sorted[lo:hi], k)[k])
                capped[i] = min(values[i], wide * margin)
        out.append(np.interp(np.arange(len(mean_p)), centres, capped).astype(np.float32))
    return out
