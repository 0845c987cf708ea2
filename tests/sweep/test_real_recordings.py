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


def test_1090_pulses_are_one_intermittent_finding() -> None:
    """One emitter, one line: the pulses' spread over about 1.6 MHz is not cut into pieces where
    the mean dips between its lobes."""
    findings = _findings("adsb-1090MHz-pulses")
    assert len(findings) == 1, [(f.freq_hz, f.bandwidth_hz) for f in findings]
    (pulses,) = findings
    assert pulses.freq_hz == pytest.approx(1090e6, abs=200e3)
    assert pulses.bandwidth_hz > 1e6
    assert pulses.snr_db > 15
    assert pulses.signal is not None and pulses.signal.time_behaviour == "intermittent"
    assert pulses.band is not None and pulses.band["use"] == "aviation"
    assert pulses.peak_dbfs - pulses.mean_dbfs > 10  # pulsed: the max-hold far above the mean
    assert any(r.en.startswith("pulsed: max-hold") and "脉冲" in r.zh for r in pulses.reasons)
    # the publisher cut the quiet stretches out: replies in every 0.5 ms frame, so the frame
    # occupancy of the strongest bin is high although the emitter is off most of the time
    assert pulses.occupancy < 0.9


def test_gsm_carriers_are_not_merged_with_their_neighbours() -> None:
    findings = _findings("gsm-downlink-941MHz")
    carriers = sorted(f.freq_hz for f in findings if f.bandwidth_hz > 100e3)
    # one finding per 200 kHz channel: no two findings on one channel, none spanning two
    channels = [round(f / 200e3) for f in carriers]
    assert len(set(channels)) == len(channels)
    assert all(f.bandwidth_hz <= 400e3 for f in findings)
    for mhz in (939.4, 939.8, 941.0, 941.4, 941.8, 942.4):  # strong continuous and bursty (TDMA) carriers
        assert any(abs(f - mhz * 1e6) < 60e3 for f in carriers), mhz


def test_433_remote_is_one_finding() -> None:
    findings = _findings("ism-433MHz-ook-bursts")
    assert len(findings) == 1
