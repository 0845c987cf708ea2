"""CFAR detection on the mean trace and on the max-hold trace.

The math (noise power per bin ``N`` from :mod:`meetkit.sweep.analysis.noise`):

- A single periodogram frame of complex Gaussian noise in one bin is exponentially distributed
  with mean ``N``: ``P(x > tN) = e^-t``.
- The **mean trace** averages ``K`` frames. With non-overlapping frames they are independent
  and the mean follows ``N * Gamma(K, 1/K)`` (= ``N chi2(2K)/(2K)``). Overlapping Hann frames
  are correlated; Welch's result gives the equivalent number of independent averages
  ``K_eff = K / (1 + 2 sum_j c(j))`` with ``c(j) = (sum w[n] w[n+jS])^2 / (sum w^2)^2``.
  The threshold factor is the upper ``pfa`` quantile of ``Gamma(K_eff, 1/K_eff)``
  (Wilson–Hilferty), so a noise-only bin crosses it with probability ``pfa``.
- The **max-hold trace** is the largest of ``M`` frames:
  ``P(max > tN) = 1 - (1 - e^-t)^M``, so ``t = -ln(1 - (1 - pfa)^(1/M))`` (about
  ``ln(M / pfa)``). Bursty emitters (GSM/LTE uplink, push-to-talk, ISM remotes) that are on
  for a few frames are invisible in the mean but cross this threshold. Correlated (overlapping)
  frames only make this threshold conservative.
- Both thresholds are raised by ``margin_db`` (0.5 dB) to absorb the error of the floor estimate.

``pfa`` is stated **per bin and per test**. The default 3e-7 gives, for a full 24–1766 MHz pass
(about 743,000 bins at 2.34 kHz) and two tests per bin, about 0.45 expected false bins per pass,
i.e. at most one false finding per pass on noise-only input.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from meetkit.sweep.analysis.stats import (
    gamma_mean_quantile,
    maxhold_quantile,
    per_value,
)

F32 = npt.NDArray[np.float32]
BoolArr = npt.NDArray[np.bool_]

DEFAULT_PFA = 3e-7


@dataclass(frozen=True)
class DetectSettings:
    pfa: float = DEFAULT_PFA  # false-alarm probability per bin per test
    margin_db: float = 0.5
    overlap: float = 0.0  # frame overlap used by the PSD (for K_eff)
    fft_size: int = 1024  # for the overlap correction only


@lru_cache(maxsize=64)
def overlap_variance_factor(overlap: float, fft_size: int = 1024) -> float:
    """Welch's variance factor ``1 + 2 sum_j c(j)`` for a Hann window at this overlap."""
    if overlap <= 0.0:
        return 1.0
    w = np.hanning(fft_size + 1)[:fft_size]
    step = max(1, int(round(fft_size * (1.0 - overlap))))
    denom = float(np.sum(w * w)) ** 2
    total = 0.0
    shift = step
    while shift < fft_size:
        c = float(np.sum(w[: fft_size - shift] * w[shift:])) ** 2 / denom
        total += c
        shift += step
    return 1.0 + 2.0 * total


@lru_cache(maxsize=512)
def threshold_factors(n_frames: float, settings: DetectSettings) -> tuple[float, float]:
    """(mean-trace, max-hold) threshold factors over the noise power for ``n_frames`` frames."""
    k_eff = round(n_frames / overlap_variance_factor(settings.overlap, settings.fft_size), 2)
    margin = 10.0 ** (settings.margin_db / 10.0)
    return gamma_mean_quantile(k_eff, settings.pfa) * margin, maxhold_quantile(float(n_frames), settings.pfa) * margin


def thresholds(noise_p: F32, n_frames: npt.NDArray[np.floating], settings: DetectSettings) -> tuple[F32, F32]:
    """Linear power thresholds (mean trace, max-hold trace) per bin."""
    factor = overlap_variance_factor(settings.overlap, settings.fft_size)
    k_eff = np.asarray(n_frames, dtype=np.float64) / factor
    margin = np.float32(10.0 ** (settings.margin_db / 10.0))
    t_mean = per_value(gamma_mean_quantile, np.round(k_eff, 2), settings.pfa)
    t_max = per_value(maxhold_quantile, np.asarray(n_frames, dtype=np.float64), settings.pfa)
    noise = np.asarray(noise_p, dtype=np.float32)
    return noise * t_mean * margin, noise * t_max * margin


def detect_bins(
    mean_p: npt.NDArray[np.floating],
    max_p: npt.NDArray[np.floating],
    noise_p: F32,
    n_frames: npt.NDArray[np.floating] | float,
    settings: DetectSettings | None = None,
) -> tuple[BoolArr, BoolArr]:
    """(bins above the mean-trace threshold, bins above the max-hold threshold)."""
    settings = settings or DetectSettings()
    frames = np.broadcast_to(np.asarray(n_frames, dtype=np.float64), np.shape(noise_p))
    t_mean, t_max = thresholds(noise_p, frames, settings)
    return np.asarray(mean_p) > t_mean, np.asarray(max_p) > t_max
