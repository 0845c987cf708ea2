from __future__ import annotations

import math

import numpy as np
import pytest

from meetkit.sweep.analysis.detect import (
    DetectSettings,
    overlap_variance_factor,
    thresholds,
)
from meetkit.sweep.analysis.signals import find_signals
from meetkit.sweep.analysis.stats import gamma_mean_quantile, maxhold_quantile
from meetkit.sweep.analysis.trace import SweepAnalyzer

from ._analysis_util import RATE, block, fm, gate, hops, noise, tone

FLOOR = 1e-4  # total noise power; per 2.34 kHz bin about 1.5e-4/1024


def _sweep(start_hz: float, stop_hz: float, add, *, passes: int = 1, seed: int = 0) -> SweepAnalyzer:
    rng = np.random.default_rng(seed)
    analyzer = SweepAnalyzer()
    for p in range(passes):
        for i, (c, lo, hi) in enumerate(hops(start_hz, stop_hz)):
            x = noise(32768, FLOOR, rng)
            x = add(x, c, lo, hi, p)
            analyzer.add_block(block(x, c, hop=i, pass_index=p, keep=(lo, hi), seconds=p * 10 + i * 0.02))
    return analyzer


def test_gamma_threshold_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for k in (8, 32, 64, 640):
        for pfa in (1e-3, 3e-7):
            exact = stats.gamma.isf(pfa, a=k, scale=1.0 / k)
            assert gamma_mean_quantile(k, pfa) == pytest.approx(exact, rel=0.02)


def test_maxhold_threshold_is_exact() -> None:
    t = maxhold_quantile(32, 1e-6)
    assert 1.0 - (1.0 - math.exp(-t)) ** 32 == pytest.approx(1e-6, rel=1e-6)


def test_overlap_makes_fewer_independent_averages() -> None:
    assert overlap_variance_factor(0.0) == 1.0
    assert overlap_variance_factor(0.5) == pytest.approx(1.056, abs=0.01)  # Welch 1967, Hann at 50 %
    noise_p = np.ones(1, np.float32)
    t0, _ = thresholds(noise_p, np.array([64.0]), DetectSettings(overlap=0.0))
    t5, _ = thresholds(noise_p, np.array([64.0]), DetectSettings(overlap=0.5))
    assert t5[0] > t0[0]


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_noise_only_gives_at_most_one_false_finding_per_pass(seed: int) -> None:
    analyzer = _sweep(400e6, 430e6, lambda x, c, lo, hi, p: x, passes=2, seed=seed)
    detection = find_signals(analyzer.trace())
    assert len(detection.signals) <= 2  # two passes


def _per_bin_noise() -> float:
    return FLOOR * 1.5 / 1024


def test_emitters_ten_db_above_the_floor_in_the_rbw_are_found() -> None:
    nb = _per_bin_noise()
    # 10 dB above the floor in the RBW: a tone whose bin power is 10 × the noise per bin
    tone_p = 10 * nb * 1.6  # Hann scalloping margin for an off-centre tone
    emitters = {
        "tone": (403.3e6, lambda n, off: tone(n, off, tone_p)),
        # FM carrier, 150 kHz wide: its power spread over ~64 bins, 10 dB above the floor per bin
        "fm": (405.5e6, lambda n, off: fm(n, off, 10 * nb * 64, 50e3, 1e3)),
        # burst: on 1/8 of the time, found through max-hold (a single frame must beat ln(K / pfa) ≈ 12.7 dB)
        "burst": (408.3e6, lambda n, off: gate(tone(n, off, 100 * nb), on=2048, period=16384)),
    }

    def add(x, c, lo, hi, p):
        for f, make in emitters.values():
            if lo <= f < hi:
                x = x + make(x.shape[0], f - c)
        return x

    detection = find_signals(_sweep(400e6, 410e6, add).trace())
    found = {name: [s for s in detection.signals if abs(s.freq_hz - f) < 60e3] for name, (f, _m) in emitters.items()}
    assert all(found.values()), found
    assert found["fm"][0].bandwidth_hz == pytest.approx(150e3, rel=0.4)
    assert found["tone"][0].bandwidth_hz < 15e3
    assert found["burst"][0].time_behaviour == "intermittent"
    assert found["tone"][0].time_behaviour in ("continuous", "variable")
    assert len(detection.signals) <= len(emitters) + 1


def test_bursty_emitter_invisible_in_the_mean_is_caught_by_max_hold() -> None:
    nb = _per_bin_noise()
    f0 = 406e6

    def add(x, c, lo, hi, p):
        if lo <= f0 < hi:
            x = x + gate(tone(x.shape[0], f0 - c, 40 * nb), on=1024, period=32768, start=4096)  # one frame in 32
        return x

    detection = find_signals(_sweep(405e6, 407e6, add).trace())
    (sig,) = [s for s in detection.signals if abs(s.freq_hz - f0) < 10e3]
    assert sig.time_behaviour == "intermittent"
    assert sig.occupancy < 0.1
    assert sig.peak_dbfs - sig.mean_dbfs > 10


def test_first_last_and_passes_seen() -> None:
    nb = _per_bin_noise()
    f0 = 402e6

    def add(x, c, lo, hi, p):
        if p == 1 and lo <= f0 < hi:
            x = x + tone(x.shape[0], f0 - c, 100 * nb)
        return x

    trace = _sweep(401e6, 403e6, add, passes=3).trace()
    (sig,) = [s for s in find_signals(trace).signals if abs(s.freq_hz - f0) < 10e3]
    assert sig.passes_seen == 1 and sig.passes == 3
    assert sig.first_seen is not None and sig.last_seen is not None
    assert 10 <= (sig.first_seen - trace.started).total_seconds() < 11


def test_two_carriers_side_by_side_are_two_signals() -> None:
    nb = _per_bin_noise()

    def add(x, c, lo, hi, p):
        for f in (404.0e6, 404.2e6):
            if lo <= f < hi:
                x = x + fm(x.shape[0], f - c, 1000 * nb * 40, 30e3, 1e3)
        return x

    signals = find_signals(_sweep(403.5e6, 404.6e6, add).trace()).signals
    near = sorted(s.freq_hz for s in signals if 403.8e6 < s.freq_hz < 404.4e6)
    assert len(near) == 2
    assert near[0] == pytest.approx(404.0e6, abs=20e3) and near[1] == pytest.approx(404.2e6, abs=20e3)


def _band_noise(n: int, offset_hz: float, width_hz: float, power: float, rng: np.random.Generator) -> np.ndarray:
    """Noise-like signal ``width_hz`` wide (a digital carrier) at ``offset_hz``."""
    spec = np.zeros(n, np.complex128)
    f = np.fft.fftfreq(n, 1 / RATE)
    inside = np.abs(f - offset_hz) <= width_hz / 2
    spec[inside] = rng.normal(size=inside.sum()) + 1j * rng.normal(size=inside.sum())
    x = np.fft.ifft(spec)
    return (x * np.sqrt(power / np.mean(np.abs(x) ** 2))).astype(np.complex64)


def test_synthetic_in_room_emitters_get_the_right_kind() -> None:
    from meetkit.sweep.findings import make_findings

    nb = _per_bin_noise()
    rng = np.random.default_rng(21)
    cases = {
        # 10 dB over the floor in the RBW, spread as each kind spreads
        "wireless_mic": (645.5e6, lambda n, off: fm(n, off, 10 * nb * 50, 50e3, 1.1e3)),
        "walkie_talkie": (409.7625e6, lambda n, off: gate(fm(n, off, 10 * nb * 6, 3e3, 800.0), on=12288, period=32768)),
        "cellular_uplink": (897.4e6, lambda n, off: gate(_band_noise(n, off, 200e3, 40 * nb * 85, rng), on=1385, period=11077)),
        "ism_device": (433.92e6, lambda n, off: gate(tone(n, off, 100 * nb), on=2000, period=16384)),
    }
    for seed, (kind, (f0, make)) in enumerate(cases.items()):
        def add(x, c, lo, hi, p, f0=f0, make=make):
            return x + make(x.shape[0], f0 - c) if lo <= f0 < hi else x

        trace = _sweep(f0 - 1.3e6, f0 + 1.3e6, add, passes=2, seed=100 + seed).trace()
        findings = make_findings(find_signals(trace).signals, trace)
        near = [f for f in findings if abs(f.freq_hz - f0) < 60e3]
        assert near, kind
        best = max(near, key=lambda f: f.peak_dbfs)
        assert best.kind == kind, (kind, best.kind, best.bandwidth_hz, best.occupancy, [r.en for r in best.reasons])
        assert best.status == "new"
