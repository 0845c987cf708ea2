"""The FM broadcast band with and without a baseline, on the venue simulator.

Without a baseline a broadcast station must not read as a bug (every sweep would show a score of
false alarms), while a carrier that does not look like a station still reads as an FM
transmitter. With a baseline the comparison decides. Also: one finding per ISM remote.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from meetkit.clock import FixedClock
from meetkit.sweep.analysis.baseline import Baseline
from meetkit.sweep.pipeline import run_sweep
from meetkit.sweep.profiles import Band, Profile
from meetkit.sweep.simulator import SimulatorServer, load_scenario
from meetkit.sweep.simulator.scenario import parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "recordings" / "scenarios"
CLOCK = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
M = 1e6
FM = Profile("fm", "FM band", "调频频段", (Band("FM", "调频", 87 * M, 108 * M, "test", "test"),))
STATIONS = (89.5e6, 97.4e6, 103.9e6)  # the shipped scenarios' broadcast stations

# bugs that do not look like a station: off the raster, narrow FM, weak next to a station
OFF_RASTER, NARROW, WEAK_NEAR = 99.05e6, 101.1e6, 97.7e6


def _scenario(**extra: Any) -> Any:
    emitters: list[dict[str, Any]] = [
        {"kind": "fm_broadcast", "name": f"FM {f / M:g}", "freq_hz": f, "level_dbfs": lvl, "where": "ambient"}
        for f, lvl in zip(STATIONS, (-28.0, -25.0, -33.0))
    ]
    emitters += [
        {"kind": "fm_bug", "name": "off-raster bug", "freq_hz": OFF_RASTER, "level_dbfs": -30.0, "where": "room"},
        {"kind": "fm_bug", "name": "narrow-FM bug", "freq_hz": NARROW, "level_dbfs": -30.0, "where": "room",
         "params": {"deviation_hz": 5e3}},
        {"kind": "fm_bug", "name": "weak bug beside a station", "freq_hz": WEAK_NEAR, "level_dbfs": -47.0, "where": "room"},
    ]
    return parse_scenario({"name": "fm-bugs", "seed": 21, "noise_floor_dbfs": -33.0, "emitters": emitters, **extra})


def _sweep(scenario: Any, *, outside: bool = False, baseline: Baseline | None = None, profile: Profile = FM,
           passes: int = 2, dwell: int | None = None) -> Any:
    with SimulatorServer(scenario, outside=outside) as sim:
        return run_sweep(f"rtltcp:127.0.0.1:{sim.port}", profile, passes, None, clock=CLOCK, baseline=baseline,
                         write_pdf=False, recheck_artifacts=False, dwell_samples=dwell)


def _at(findings: list[Any], freq_hz: float, tol_hz: float = 30e3) -> Any:
    hits = [f for f in findings if abs(f.freq_hz - freq_hz) <= tol_hz]
    assert len(hits) == 1, (freq_hz, [(f.freq_hz, f.kind, f.status) for f in findings])
    return hits[0]


@pytest.fixture(scope="module")
def fm_bugs() -> dict[str, Any]:
    sc = _scenario()
    outside = _sweep(sc, outside=True)
    return {
        "alone": _sweep(sc).doc.findings,
        "compared": _sweep(sc, baseline=Baseline.from_trace(outside.trace, "outside")).doc.findings,
    }


def test_without_a_baseline_stations_are_broadcast_and_say_a_baseline_is_needed(fm_bugs: dict[str, Any]) -> None:
    for f0 in STATIONS:
        station = _at(fm_bugs["alone"], f0)
        assert (station.kind, station.status) == ("broadcast", "new")  # status: nothing compared, still listed
        text = " ".join(r.en for r in station.reasons)
        assert "looks like a broadcast station" in text and "rule out a bug" in text
        assert any("看起来像广播电台" in r.zh for r in station.reasons)


@pytest.mark.parametrize(("freq_hz", "why"), [(OFF_RASTER, "off the 100 kHz FM channel raster"),
                                                (NARROW, "narrower than a broadcast station"),
                                                (WEAK_NEAR, "weaker than a broadcast station")])
def test_without_a_baseline_carriers_unlike_a_station_stay_fm_transmitters(fm_bugs: dict[str, Any], freq_hz: float,
                                                                             why: str) -> None:
    bug = _at(fm_bugs["alone"], freq_hz)
    assert (bug.kind, bug.status) == ("fm_transmitter", "new")
    assert any(why in r.en for r in bug.reasons), [r.en for r in bug.reasons]
    assert any("不像广播电台" in r.zh for r in bug.reasons)


def test_with_a_baseline_the_comparison_decides(fm_bugs: dict[str, Any]) -> None:
    for f0 in STATIONS:
        station = _at(fm_bugs["compared"], f0)
        assert (station.kind, station.status) == ("broadcast", "ambient")
    for f0 in (OFF_RASTER, NARROW, WEAK_NEAR):
        bug = _at(fm_bugs["compared"], f0)
        assert (bug.kind, bug.status) == ("fm_transmitter", "new")


def test_the_shipped_fm_bug_on_a_free_channel_needs_the_baseline() -> None:
    """bug-fm's bug sits on the raster (100.3 MHz) at station strength with ±75 kHz deviation: a
    station look-alike. Without a baseline it is listed (new) with the warning that only a
    baseline can rule out a bug; against the outside sweep it is an FM transmitter."""
    sc = load_scenario(SCENARIOS / "bug-fm.json")
    alone = _sweep(sc).doc.findings
    bug = _at(alone, 100.3e6)
    assert bug.status == "new"
    assert bug.kind in ("broadcast", "fm_transmitter")
    assert any("rule out a bug" in r.en or "does not look like a broadcast station" in r.en for r in bug.reasons)
    base = Baseline.from_trace(_sweep(sc, outside=True).trace, "outside")
    compared = _sweep(sc, baseline=base).doc.findings
    assert (_at(compared, 100.3e6).kind, _at(compared, 100.3e6).status) == ("fm_transmitter", "new")
    assert {_at(compared, f).status for f in STATIONS} == {"ambient"}


def test_one_finding_per_ism_remote() -> None:
    sc = parse_scenario({"name": "two-remotes", "seed": 5, "noise_floor_dbfs": -33.0, "emitters": [
        {"kind": "ism_ook", "name": "remote A", "freq_hz": 433.92e6, "level_dbfs": -5.0, "where": "room",
         "params": {"interval_s": 0.25, "repeats": 6}},
        {"kind": "ism_ook", "name": "remote B", "freq_hz": 433.42e6, "level_dbfs": -15.0, "where": "room",
         "params": {"interval_s": 0.3, "repeats": 4, "short_us": 200.0}},
    ]})
    ism = Profile("ism", "ISM", "ISM", (Band("ISM", "ISM", 432.9 * M, 434.7 * M, "test", "test"),))
    findings = _sweep(sc, profile=ism, dwell=131072).doc.findings
    assert sorted(round(f.freq_hz / 1e4) for f in findings) == [43342, 43392]
    assert {f.kind for f in findings} == {"ism_device"}
