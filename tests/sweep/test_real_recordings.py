"""The analysis on real over-the-air recordings (../shared/recordings-real)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meetkit.clock import FixedClock
from meetkit.sweep.pipeline import analyze_recordings

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "recordings-real"
CLOCK = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))

pytestmark = pytest.mark.skipif(not REAL.exists(), reason="../shared/recordings-real is not there")


def _findings(name: str):
    result = analyze_recordings([str(REAL / f"{name}.sigmf-meta")], None, clock=CLOCK)
    return result.doc.findings


def test_gsm_carriers_are_continuous_200khz_cellular_downlink() -> None:
    findings = _findings("gsm-downlink-941MHz")
    # (a CW tone at exactly 940.000 MHz in this capture is not a GSM carrier; it is left out by its width)
    carriers = [f for f in findings if f.kind == "cellular_downlink" and f.snr_db > 15 and f.bandwidth_hz > 100e3]
    assert len(carriers) >= 3
    strongest = max(carriers, key=lambda f: f.mean_dbfs)
    assert strongest.freq_hz == pytest.approx(941.0e6, abs=50e3)
    assert strongest.snr_db > 25
    for f in carriers:
        assert 150e3 <= f.bandwidth_hz <= 400e3
    assert strongest.signal is not None and strongest.signal.time_behaviour == "continuous"
    assert strongest.occupancy > 0.9
    assert strongest.band is not None and strongest.band["use"] == "cellular_downlink"


def test_433_bursts_are_an_intermittent_ism_device_with_low_occupancy() -> None:
    findings = _findings("ism-433MHz-ook-bursts")
    (remote,) = [f for f in findings if abs(f.freq_hz - 433.81e6) < 30e3]
    assert remote.kind == "ism_device"
    assert remote.occupancy < 0.5
    assert remote.peak_dbfs - remote.mean_dbfs > 10  # high max-hold over a low mean
    assert remote.signal is not None and remote.signal.time_behaviour == "intermittent"
    assert remote.snr_db > 20


def test_1090_pulses_are_found_as_an_intermittent_emitter() -> None:
    findings = _findings("adsb-1090MHz-pulses")
    near = [f for f in findings if abs(f.freq_hz - 1090e6) < 200e3 and f.snr_db > 15]
    assert near
    pulses = max(near, key=lambda f: f.peak_dbfs)
    assert pulses.signal is not None and pulses.signal.time_behaviour == "intermittent"
    assert pulses.band is not None and pulses.band["use"] == "aviation"
    assert len(findings) <= 8  # the pulses' spread does not shatter into dozens of findings
