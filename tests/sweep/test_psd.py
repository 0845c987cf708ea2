from __future__ import annotations

import numpy as np
import pytest

from meetkit.sweep.analysis.psd import PsdEngine, PsdSettings, to_db
from meetkit.sweep.analysis.trace import SweepAnalyzer

from ._analysis_util import RATE, block, gate, hops, noise, tone


def test_fft_size_follows_the_wanted_rbw() -> None:
    s = PsdSettings()
    assert s.fft_size(2.4e6) == 1024
    assert s.fft_size(250e3) == 128
    assert PsdSettings(rbw_hz=500.0).fft_size(2.4e6) == 8192


def test_full_scale_tone_reads_zero_dbfs_at_its_frequency() -> None:
    n = 1024
    bin_hz = RATE / n
    x = tone(32768, 100 * bin_hz, 1.0)
    (spec,) = PsdEngine().block(x, 433.92e6, RATE)
    k = int(np.argmax(spec.mean_p))
    assert spec.freqs_hz()[k] == pytest.approx(433.92e6 + 100 * bin_hz)
    assert float(to_db(spec.mean_p[k])) == pytest.approx(0.0, abs=0.05)
    assert spec.n_frames == 32


def test_both_transforms_agree_with_numpy() -> None:
    """The private pocketfft entry point is only a shortcut: the public path gives the same spectra."""
    from meetkit.sweep.analysis.psd import fft_rows_direct, fft_rows_public

    rng = np.random.default_rng(9)
    x = noise(4 * 1024, 1.0, rng).reshape(4, 1024)
    want = np.fft.fft(x.astype(np.complex128), axis=-1)
    for fft in (fft_rows_direct, fft_rows_public):
        b = x.copy()
        fft(b)
        assert np.allclose(b, want, rtol=1e-4, atol=1e-3)
    engine = PsdEngine()
    direct = engine.frame_powers(x.reshape(-1), 1024)
    engine._fft = fft_rows_public
    assert np.allclose(engine.frame_powers(x.reshape(-1), 1024), direct, rtol=1e-5, atol=1e-12)


@pytest.mark.parametrize("offset_bins", [-511, -100, -1, 1, 100, 511])
def test_every_frame_comes_out_in_ascending_frequency_order(offset_bins: int) -> None:
    """The spectrum shift is folded into the window: a tone lands on its own bin, either side of the centre."""
    n = 1024
    x = tone(32768, offset_bins * RATE / n, 0.5)
    p = PsdEngine().frame_powers(x, n)
    assert p.shape == (32, n)
    assert np.all(np.argmax(p, axis=1) == n // 2 + offset_bins)


def test_noise_floor_level_and_occupancy_on_noise_only() -> None:
    rng = np.random.default_rng(1)
    x = noise(32768 * 8, 1e-3, rng)
    (spec,) = PsdEngine().block(x, 100e6, RATE)
    # per-bin noise power: total power × sum(w^2) / (sum w)^2 ≈ 1.5 / N for Hann
    expected = 1e-3 * 1.5 / 1024
    assert float(np.median(spec.mean_p)) == pytest.approx(expected, rel=0.05)
    assert float(np.median(spec.noise_p)) == pytest.approx(expected, rel=0.05)
    assert float(spec.occupancy.mean()) == pytest.approx(0.01, abs=0.004)
    assert np.all(spec.max_p >= spec.min_p)


def test_occupancy_follows_the_burst_duty_cycle() -> None:
    rng = np.random.default_rng(2)
    n = 1024 * 400
    burst = gate(tone(n, 300e3, 1e-2), on=1024 * 10, period=1024 * 40)  # on 25 % of frames, frame-aligned
    x = noise(n, 1e-4, rng) + burst
    (spec,) = PsdEngine().block(x, 0.0, RATE)
    k = int(np.argmax(spec.max_p))
    assert spec.occupancy[k] == pytest.approx(0.25, abs=0.03)
    assert to_db(spec.max_p[k]) - to_db(spec.min_p[k]) > 30


def test_dc_spike_is_interpolated() -> None:
    rng = np.random.default_rng(3)
    x = noise(32768, 1e-4, rng) + np.complex64(0.05)  # an LO leak: a constant offset
    (spec,) = PsdEngine().block(x, 500e6, RATE)
    centre = spec.fft_size // 2
    assert to_db(spec.mean_p[centre]) - to_db(np.median(spec.mean_p)) < 3


def test_mean_matches_scipy_welch_with_the_same_window_size_and_overlap() -> None:
    signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(4)
    x = noise(1024 * 64, 1e-3, rng) + tone(1024 * 64, 123e3, 1e-2)
    for overlap in (0.0, 0.5):
        engine = PsdEngine(PsdSettings(overlap=overlap, dc_halfwidth_hz=0.0))
        (spec,) = engine.block(x, 0.0, RATE)
        _f, p = signal.welch(x, fs=RATE, window="hann", nperseg=1024, noverlap=int(1024 * overlap),
                             return_onesided=False, detrend=False, scaling="spectrum")
        ref = np.fft.fftshift(p)
        assert np.allclose(spec.mean_p, ref, rtol=2e-3, atol=1e-12)


def test_long_blocks_are_split_into_parts() -> None:
    engine = PsdEngine(PsdSettings(max_frames_per_part=16))
    parts = engine.block(np.zeros(1024 * 40, np.complex64), 0.0, RATE)
    assert [p.n_frames for p in parts] == [16, 16, 8]


def test_analyzer_stitches_hops_and_combines_passes() -> None:
    rng = np.random.default_rng(5)
    plan = hops(100e6, 105.4e6)
    analyzer = SweepAnalyzer()
    for p in range(2):
        for i, (c, lo, hi) in enumerate(plan):
            x = noise(32768, 1e-4, rng)
            if lo <= 102e6 < hi:
                level = 1e-2 if p == 0 else 1e-3  # stronger in pass 0
                x = x + tone(32768, 102e6 - c, level)
            analyzer.add_block(block(x, c, hop=i, pass_index=p, keep=(lo, hi), seconds=p * 1.0 + i * 0.02))
        trace = analyzer.trace()
        assert trace.passes == p + 1
    assert trace.covered() == [(pytest.approx(100e6, abs=2e3), pytest.approx(105.4e6, abs=2e3))]
    assert np.all(np.diff(trace.freqs_hz) > 0)
    steps = np.diff(trace.freqs_hz)
    assert steps.min() > 0.4 * RATE / 1024 and steps.max() < 1.6 * RATE / 1024  # no gaps between hops
    k = int(np.argmax(trace.max_p))
    assert trace.freqs_hz[k] == pytest.approx(102e6, abs=RATE / 1024)
    # max of max-holds keeps pass 0; the mean is the mean of the two passes' means
    assert float(to_db(trace.max_p[k])) == pytest.approx(-20.0, abs=1.5)
    assert float(trace.mean_p[k] / trace.max_p[k]) == pytest.approx((1e-2 + 1e-3) / 2 / 1e-2, rel=0.1)
    assert trace.n_frames[k] == 64
    assert trace.passes_seen is not None and trace.passes_seen[k] == 2


def test_analyzer_trace_is_available_between_blocks() -> None:
    analyzer = SweepAnalyzer()
    assert len(analyzer.trace()) == 0
    rng = np.random.default_rng(6)
    analyzer.add_block(block(noise(32768, 1e-4, rng), 200e6))
    first = analyzer.trace()
    assert len(first) > 0
    assert analyzer.trace() is first  # cached until a block arrives
    analyzer.add_block(block(noise(32768, 1e-4, rng), 200e6))
    assert analyzer.trace() is not first


def test_latest_trace_holds_only_the_newest_pass_of_each_hop() -> None:
    rng = np.random.default_rng(8)
    analyzer = SweepAnalyzer()
    (c, lo, hi) = hops(300e6, 301.8e6)[0]
    for p, level in enumerate((1e-2, 1e-4)):
        x = noise(32768, 1e-5, rng) + tone(32768, 300e3, level)
        analyzer.add_block(block(x, c, hop=0, pass_index=p, keep=(lo, hi)))
    k = int(np.argmax(analyzer.trace().max_p))
    combined, latest = analyzer.trace(), analyzer.latest_trace()
    assert float(to_db(combined.max_p[k])) == pytest.approx(-20.0, abs=1.5)
    assert float(to_db(latest.max_p[k])) == pytest.approx(-40.0, abs=1.5)
    assert latest.passes == 1 and combined.passes == 2
