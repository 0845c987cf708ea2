"""One finding per emitter: adjacent carriers stay apart however weak the neighbour (the pulsed
emitter's spread being one signal is tested on the real 1090 MHz recording)."""

from __future__ import annotations

import numpy as np

from meetkit.sweep.analysis.signals import find_signals
from meetkit.sweep.analysis.trace import SweepAnalyzer

from ._analysis_util import block, fm, hops, noise

FLOOR = 1e-4  # total noise power over 2.4 MHz


def _sweep(start_hz: float, stop_hz: float, add, *, passes: int = 1, seed: int = 0) -> SweepAnalyzer:
    rng = np.random.default_rng(seed)
    analyzer = SweepAnalyzer()
    for p in range(passes):
        for i, (c, lo, hi) in enumerate(hops(start_hz, stop_hz)):
            x = noise(32768, FLOOR, rng)
            x = add(x, c, lo, hi, p, rng)
            analyzer.add_block(block(x, c, hop=i, pass_index=p, keep=(lo, hi), seconds=p * 10 + i * 0.02))
    return analyzer


def _per_bin_noise() -> float:
    return FLOOR / 1024 * 1.5


def test_a_weak_carrier_beside_a_strong_one_is_not_merged() -> None:
    """GSM-like: a carrier 200 kHz from one 25 dB stronger is its own signal (both continuous)."""
    nb = _per_bin_noise()

    def add(x, c, lo, hi, p, rng):
        for f, k in ((404.0e6, 1e5), (404.2e6, 3e2)):
            if lo <= f < hi:
                x = x + fm(x.shape[0], f - c, k * nb * 40, 30e3, 1e3)
        return x

    signals = find_signals(_sweep(403.5e6, 404.6e6, add).trace()).signals
    near = sorted(s.freq_hz for s in signals if 403.8e6 < s.freq_hz < 404.4e6)
    assert len(near) == 2
    assert abs(near[0] - 404.0e6) < 20e3 and abs(near[1] - 404.2e6) < 20e3
