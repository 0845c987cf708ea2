"""Synthetic IQ for the analysis tests: noise, tones, FM-like carriers and bursts as IQBlocks."""

from __future__ import annotations

import datetime as dt

import numpy as np

from meetkit.sweep.blocks import BlockInfo, IQBlock

T0 = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
RATE = 2.4e6


def noise(n: int, power: float, rng: np.random.Generator) -> np.ndarray:
    """Complex Gaussian noise with total power ``power`` (unit full scale)."""
    s = np.sqrt(power / 2.0)
    return (rng.normal(0, s, n) + 1j * rng.normal(0, s, n)).astype(np.complex64)


def tone(n: int, offset_hz: float, power: float, rate: float = RATE, phase: float = 0.0) -> np.ndarray:
    t = np.arange(n) / rate
    return (np.sqrt(power) * np.exp(1j * (2 * np.pi * offset_hz * t + phase))).astype(np.complex64)


def fm(n: int, offset_hz: float, power: float, dev_hz: float, audio_hz: float, rate: float = RATE) -> np.ndarray:
    t = np.arange(n) / rate
    phase = 2 * np.pi * offset_hz * t + dev_hz / audio_hz * np.sin(2 * np.pi * audio_hz * t)
    return (np.sqrt(power) * np.exp(1j * phase)).astype(np.complex64)


def gate(x: np.ndarray, on: int, period: int, start: int = 0) -> np.ndarray:
    """Keep ``on`` samples of every ``period`` (bursts)."""
    idx = (np.arange(x.shape[0]) - start) % period
    return (x * (idx < on)).astype(np.complex64)


def block(samples: np.ndarray, centre_hz: float, *, rate: float = RATE, hop: int = -1, pass_index: int = 0,
          keep: tuple[float, float] | None = None, seconds: float = 0.0) -> IQBlock:
    extra = {"keep_lo_hz": keep[0], "keep_hi_hz": keep[1]} if keep else {}
    info = BlockInfo(centre_hz, rate, None, T0 + dt.timedelta(seconds=seconds), hop_index=hop, pass_index=pass_index, extra=extra)
    return IQBlock(samples.astype(np.complex64), info)


def hops(start_hz: float, stop_hz: float, rate: float = RATE, crop: float = 0.25) -> list[tuple[float, float, float]]:
    """(centre, keep_lo, keep_hi) tiling [start, stop)."""
    usable = rate * (1 - crop)
    out = []
    lo = start_hz
    while lo < stop_hz - 1:
        hi = min(lo + usable, stop_hz)
        out.append((lo + usable / 2, lo, hi))
        lo = hi
    return out
