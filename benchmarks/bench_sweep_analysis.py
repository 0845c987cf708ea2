"""Sweep analysis benchmark: processing rate vs the dongle's real time, ratio against
scipy.signal.welch (same window, size and overlap, same data, same process), and peak memory of a
full 24–1766 MHz analysis. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_sweep_analysis.py [--passes 1] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from meetkit.sweep.analysis.psd import PsdEngine, PsdSettings
from meetkit.sweep.analysis.signals import find_signals
from meetkit.sweep.analysis.trace import AnalysisSettings, SweepAnalyzer
from meetkit.sweep.blocks import BlockInfo, IQBlock

RATE = 2.4e6
DWELL = 32768
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _pool(count: int, seed: int = 1) -> list[np.ndarray]:
    """Blocks of cu8-like noise with a few carriers, reused across hops."""
    rng = np.random.default_rng(seed)
    t = np.arange(DWELL) / RATE
    out = []
    for i in range(count):
        x = (rng.normal(0, 0.05, DWELL) + 1j * rng.normal(0, 0.05, DWELL)).astype(np.complex64)
        x += (0.02 * np.exp(2j * np.pi * (200e3 + 37e3 * i) * t)).astype(np.complex64)
        out.append(np.round(x * 127.5) / 127.5)
    return [o.astype(np.complex64) for o in out]


def bench_rate(pool: list[np.ndarray], overlap: float, seconds: float = 3.0) -> tuple[float, float]:
    """(PSD-only MS/s, analyzer MS/s) on one core."""
    engine = PsdEngine(PsdSettings(overlap=overlap))
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for x in pool:
            engine.block(x, 100e6, RATE)
            n += x.shape[0]
    psd_rate = n / (time.perf_counter() - t0) / 1e6
    analyzer = SweepAnalyzer(AnalysisSettings(psd=PsdSettings(overlap=overlap)))
    n = 0
    hop = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for x in pool:
            centre = 100e6 + (hop % 200) * 1.8e6
            info = BlockInfo(centre, RATE, None, T0, hop_index=hop % 200, extra={"keep_lo_hz": centre - 0.9e6, "keep_hi_hz": centre + 0.9e6})
            analyzer.add_block(IQBlock(x, info))
            n += x.shape[0]
            hop += 1
    return psd_rate, n / (time.perf_counter() - t0) / 1e6


def bench_welch(pool: list[np.ndarray], overlap: float, seconds: float = 3.0) -> float:
    from scipy import signal

    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for x in pool:
            signal.welch(x, fs=RATE, window="hann", nperseg=1024, noverlap=int(1024 * overlap), return_onesided=False, detrend=False)
            n += x.shape[0]
    return n / (time.perf_counter() - t0) / 1e6


def bench_full(pool: list[np.ndarray], passes: int) -> dict[str, float]:
    from meetkit.sweep.findings import make_findings
    from meetkit.sweep.hopplan import plan_span
    from meetkit.sweep.report.spectrum import render_spectrum
    from meetkit.sweep.rtlpower_csv import write_csv

    plan = plan_span(24e6, 1766e6, passes=passes)
    tracemalloc.start()
    t0 = time.perf_counter()
    analyzer = SweepAnalyzer()
    k = 0
    for p in range(passes):
        for hop in plan.hops:
            info = BlockInfo(hop.centre_hz, RATE, None, T0 + dt.timedelta(seconds=k * 0.024), hop_index=hop.index, pass_index=p,
                             extra={"keep_lo_hz": hop.keep_lo_hz, "keep_hi_hz": hop.keep_hi_hz})
            analyzer.add_block(IQBlock(pool[k % len(pool)], info))
            k += 1
    t_feed = time.perf_counter() - t0
    trace = analyzer.trace()
    detection = find_signals(trace)
    findings = make_findings(detection.signals, trace)
    t_detect = time.perf_counter() - t0 - t_feed
    with tempfile.TemporaryDirectory() as tmp:
        write_csv(trace, Path(tmp) / "trace.csv")
        render_spectrum(trace, findings, Path(tmp) / "spectrum.png", title="bench")
    t_total = time.perf_counter() - t0
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "hops": len(plan.hops),
        "bins": len(trace),
        "signals": len(detection.signals),
        "samples": k * DWELL,
        "feed_s": t_feed,
        "detect_s": t_detect,
        "total_s": t_total,
        "peak_traced_mb": peak / 1e6,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="shorter timing runs")
    args = parser.parse_args()
    secs = 1.0 if args.quick else 3.0
    pool = _pool(16)
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, numpy {np.__version__}")
    print(f"block {DWELL} samples at {RATE / 1e6:.1f} MS/s, FFT 1024 (RBW {RATE / 1024:.0f} Hz), Hann, one core")
    for overlap in (0.0, 0.5):
        psd, full = bench_rate(pool, overlap, secs)
        welch = bench_welch(pool, overlap, secs)
        print(
            f"overlap {overlap:.0%}: PSD (mean+max+min+occupancy) {psd:6.1f} MS/s = {psd / 2.4:5.1f}x real time; "
            f"analyzer (PSD + stitching + per-block detection) {full:6.1f} MS/s = {full / 2.4:5.1f}x; "
            f"scipy.signal.welch (mean only) {welch:6.1f} MS/s; ours/welch = {psd / welch:4.1f}x"
        )
    f = bench_full(pool, args.passes)
    print(
        f"full 24-1766 MHz, {args.passes} pass(es): {f['hops']} hops, {f['bins']} bins, {f['samples'] / 1e6:.0f} M samples; "
        f"feed {f['feed_s']:.1f} s ({f['samples'] / f['feed_s'] / 2.4e6:.1f}x real time), detection+classification {f['detect_s']:.1f} s, "
        f"with CSV+PNG {f['total_s']:.1f} s; {f['signals']} signals"
    )
    print(f"peak memory: traced {f['peak_traced_mb']:.0f} MB (numpy and Python allocations), process max RSS {f['maxrss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
