"""Whole analyses: the simulator's room with a baseline, outputs, monitor and level meter."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from meetkit.clock import FixedClock
from meetkit.sweep.pipeline import (
    analyze_recordings,
    level_meter,
    load_baseline,
    monitor,
    run_sweep,
)
from meetkit.sweep.profiles import Band, Profile
from meetkit.sweep.rtlpower_csv import read_csv
from meetkit.sweep.simulator import SimulatorServer, load_scenario
from meetkit.sweep.sources import open_source

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "recordings" / "scenarios" / "mic-phone-radio.json"
REAL = ROOT / ".." / "shared" / "recordings-real"
CLOCK = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
M = 1e6

# a band subset of the profile: the room's three emitters and some ambient stations
SUBSET = Profile(
    "test-subset",
    "test subset",
    "测试子集",
    tuple(
        Band(name, name, lo * M, hi * M, "test", "test")
        for name, lo, hi in [("FM", 96.5, 98.3), ("walkie", 408.9, 410.7), ("mic", 644.6, 646.4), ("uplink", 896.5, 898.3), ("downlink", 935.7, 941.1)]
    ),
)
DWELL = 131072  # 55 ms per hop: the walkie-talkie keys up 0.5 s into the simulated stream


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    scenario = load_scenario(SCENARIO)
    with SimulatorServer(scenario, outside=True) as outside:
        base = run_sweep(f"rtltcp:127.0.0.1:{outside.port}", SUBSET, 2, None, clock=CLOCK, dwell_samples=DWELL)
    out = tmp_path_factory.mktemp("room")
    from meetkit.sweep.analysis.baseline import Baseline

    baseline = Baseline.from_trace(base.trace, "outside")
    with SimulatorServer(scenario) as inside:
        result = run_sweep(f"rtltcp:127.0.0.1:{inside.port}", SUBSET, 2, out, clock=CLOCK, baseline=baseline, dwell_samples=DWELL)
    return {"result": result, "out": out, "baseline": base}


def _near(findings: list[Any], freq_hz: float, tol_hz: float = 100e3) -> Any:
    hits = [f for f in findings if abs(f.freq_hz - freq_hz) <= tol_hz]
    assert hits, f"nothing near {freq_hz / 1e6} MHz in {[(f.freq_hz, f.status, f.kind) for f in findings]}"
    return max(hits, key=lambda f: f.peak_dbfs)


def test_room_emitters_are_new_suspects_of_the_right_kind_and_ambient_stays_ambient(room: dict[str, Any]) -> None:
    findings = room["result"].doc.findings
    mic = _near(findings, 645.5e6)
    phone = _near(findings, 897.4e6)
    radio = _near(findings, 409.7625e6, 20e3)
    assert (mic.status, mic.kind) == ("new", "wireless_mic")
    assert (phone.status, phone.kind) == ("new", "cellular_uplink")
    assert (radio.status, radio.kind) == ("new", "walkie_talkie")
    for f in (mic, phone, radio):
        assert f.suspect and f.snr_db > 10
    for freq in (97.4e6, 936.6e6, 940.2e6):
        station = _near(findings, freq)
        assert station.status == "ambient", station
    assert {f.status for f in findings if f.suspect} <= {"new", "stronger"}
    assert len([f for f in findings if f.suspect]) == 3


def test_outputs_follow_the_issue(room: dict[str, Any]) -> None:
    out: Path = room["out"]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert set(doc) == {"profile", "source", "started", "passes", "coverage", "findings"}
    assert doc["profile"] == "test-subset" and doc["passes"] == 2
    assert set(doc["coverage"]) == {"covered", "not_covered"}
    assert len(doc["coverage"]["covered"]) == 5
    assert any("2.4 GHz" in row[2] for row in doc["coverage"]["not_covered"])
    keys = {"freq_hz", "bandwidth_hz", "peak_dbfs", "mean_dbfs", "snr_db", "occupancy", "kind", "confidence", "reasons",
            "band", "status", "first_seen", "last_seen", "passes_seen"}
    for f in doc["findings"]:
        assert set(f) == keys
        assert f["status"] in {"new", "stronger", "ambient", "friendly", "artifact"}
    csv = read_csv(out / "trace.csv")
    assert len(csv.trace) == len(room["result"].trace)
    assert (out / "spectrum.png").stat().st_size > 20_000
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    snippets = sorted((out / "snippets").glob("*.sigmf-meta"))
    assert len(snippets) == 3
    from sigmf import sigmffile

    for meta in snippets:
        rec = sigmffile.fromfile(str(meta))
        rec.validate()
        assert rec.get_global_field("core:datatype") == "cu8"
        assert len(rec.read_samples()) > 10_000


def test_the_parts_of_the_receivers_range_the_profile_skipped_are_listed_as_not_swept(room: dict[str, Any]) -> None:
    """A reader of a profile's report must not take it for a full 24–1766 MHz sweep."""
    doc = json.loads((room["out"] / "findings.json").read_text(encoding="utf-8"))
    skipped = [(lo, hi) for lo, hi, why in doc["coverage"]["not_covered"] if why.startswith("not swept: not in profile test-subset")]
    assert skipped[0] == (24e6, 96.5e6)
    assert (410.7e6, 644.6e6) in [(round(lo, -2), round(hi, -2)) for lo, hi in skipped]
    assert skipped[-1][1] == 1766e6
    for lo, hi in skipped:  # never over what was covered
        assert all(hi <= c_lo or lo >= c_hi for c_lo, c_hi in doc["coverage"]["covered"])
    from meetkit.sweep.report.pdf import _merge_not_covered

    rows = _merge_not_covered(room["result"].doc.not_covered)
    assert any(why.startswith("未扫描：不在本次频段配置内") for _, _, why in rows)
    assert "2.4 GHz Wi-Fi / 蓝牙 2.4 GHz Wi-Fi / Bluetooth" in [why for _, _, why in rows]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_reports_first_page_names_the_suspects_and_says_what_was_not_swept(room: dict[str, Any]) -> None:
    text = subprocess.run(["pdftotext", "-l", "1", "-layout", str(room["out"] / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    suspects = text[text.index("可疑信号 Suspects"):]
    for what in ("对讲机 walkie talkie", "无线话筒 wireless mic", "手机上行 cellular uplink"):
        assert what in suspects
    assert "扫描范围 Swept" in text and "were not: see Not covered" in " ".join(text.split())
    whole = subprocess.run(["pdftotext", str(room["out"] / "report.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "3 of 3 suspects" in whole  # the IQ evidence of the suspects is accounted for


def test_a_previous_output_directory_is_a_baseline(room: dict[str, Any]) -> None:
    baseline = load_baseline(room["out"], CLOCK)
    assert baseline.has_max_hold
    assert len(baseline.trace) == len(room["result"].trace)
    assert any(abs(s.freq_hz - 645.5e6) < 50e3 for s in baseline.signals)


def test_monitor_alerts_when_a_new_emitter_appears(room: dict[str, Any]) -> None:
    from meetkit.sweep.analysis.baseline import Baseline

    scenario = load_scenario(SCENARIO)
    baseline = Baseline.from_trace(room["baseline"].trace, "outside")
    subset = Profile("mic-phone", "t", "t", SUBSET.bands[2:4])
    with SimulatorServer(scenario) as inside:
        alerts = list(monitor(f"rtltcp:127.0.0.1:{inside.port}", subset, clock=CLOCK, baseline=baseline, max_sweeps=2, dwell_samples=65536))
    freqs = sorted(round(a.freq_hz / 1e5) / 10 for a in alerts)
    assert freqs == [645.5, 897.4]  # once each, not once per sweep
    for a in alerts:
        assert a.time.startswith("20") and a.kind in ("wireless_mic", "cellular_uplink")


def test_level_meter_reads_the_emitter_ten_times_a_second_of_samples() -> None:
    scenario = load_scenario(SCENARIO)
    with SimulatorServer(scenario) as inside:
        source = open_source(f"rtltcp:127.0.0.1:{inside.port}", CLOCK)
        try:
            on = list(level_meter(source, 645.5e6, bandwidth_hz=150e3, count=5))
            off = list(level_meter(source, 650.0e6, bandwidth_hz=150e3, count=3))
        finally:
            source.close()
    assert len(on) == 5
    assert min(r.level_dbfs for r in on) > max(r.level_dbfs for r in off) + 10
    assert all(r.above_noise_db > 10 for r in on)
    # the noise floor is given in the level's own bandwidth: an empty channel reads about 0 dB above it
    assert all(abs(r.above_noise_db) < 3 for r in off), [r.to_json() for r in off]


@pytest.mark.skipif(not REAL.exists(), reason="../shared/recordings-real is not there")
def test_a_recording_compared_with_itself_is_all_ambient(tmp_path: Path) -> None:
    rec = str(REAL / "ism-433MHz-ook-bursts.sigmf-meta")
    first = analyze_recordings([rec], tmp_path / "a", clock=CLOCK, write_pdf=False)
    assert first.doc.suspects and (tmp_path / "a" / "snippets").exists()
    again = analyze_recordings([rec], None, clock=CLOCK, baseline=load_baseline(tmp_path / "a", CLOCK))
    assert again.doc.findings and all(f.status in ("ambient", "artifact") for f in again.doc.findings)


def test_live_recheck_keeps_a_real_emitter_and_says_when_it_cannot_tell() -> None:
    from meetkit.sweep.analysis.artifacts import recheck

    scenario = load_scenario(SCENARIO)
    with SimulatorServer(scenario) as inside:
        source = open_source(f"rtltcp:127.0.0.1:{inside.port}", CLOCK)
        try:
            mic = recheck(source, 645.5e6, bandwidth_hz=100e3)
            empty = recheck(source, 652.3e6, bandwidth_hz=20e3)
        finally:
            source.close()
    assert mic.conclusive and not mic.is_artifact and len(mic.levels_dbfs) == 3
    assert "real emitter" in mic.reason.en
    assert not empty.conclusive and not empty.is_artifact
