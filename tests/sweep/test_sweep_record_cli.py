"""'meetkit sweep plan / profiles / record' end to end: real sockets, real files, sigmf read-back."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

try:
    from _rtltcp_peer import RtlTcpPeer
except ImportError:  # tests/sweep imported as a package
    from tests.sweep._rtltcp_peer import RtlTcpPeer
from meetkit.cli.main import main
from meetkit.sweep.hopplan import plan_profile, plan_span
from meetkit.sweep.profiles import load_profile

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / ".." / "shared" / "recordings-real"
SCENARIOS = ROOT / "recordings" / "scenarios"


def read_back(meta: Path):
    from sigmf import sigmffile

    sf = sigmffile.fromfile(str(meta))  # checks the SHA-512 too
    sf.validate()
    return sf


def test_plan_json_for_the_full_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "plan", "--profile", "full", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["hop_count"] == 968 and "hops" not in doc
    assert doc["hardware_time_s"] == pytest.approx(22.896, abs=0.01)
    assert any("DECT" in item["reason"] for item in doc["not_covered"])


def test_plan_text_with_span_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--lang", "en", "sweep", "plan", "--start", "433M", "--stop", "0.44G", "--rate", "2.048M",
               "--crop", "0.5", "--settle-ms", "20", "--dwell", "64k", "--passes", "3", "--hops"])
    out = capsys.readouterr().out
    assert rc == 0
    plan = plan_span(433e6, 440e6, rate_sps=2.048e6, crop=0.5, settle_s=0.02, dwell_samples=65536, passes=3)
    assert f"Plan: {len(plan.hops)} hops" in out and "3 pass(es)" in out
    assert "65536 samples" in out  # 64k is binary, as 32k is the default 32768
    assert out.count("centre ") == len(plan.hops)
    assert "Not covered by the dongle" in out


def test_plan_in_chinese_by_default(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEETKIT_LANG", raising=False)
    assert main(["sweep", "plan", "--profile", "radios"]) == 0
    out = capsys.readouterr().out
    assert "扫描计划 (radios)" in out and "接收机无法覆盖" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["sweep", "plan", "--start", "10M", "--stop", "20M"], "24–1766 MHz"),
        (["sweep", "plan", "--profile", "nope"], "china-default"),
        (["sweep", "plan", "--start", "100M"], "--stop"),
        (["sweep", "plan", "--profile", "full", "--rate", "500k"], "sample rate"),
    ],
)
def test_plan_user_errors_are_one_line_exit_2(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("meetkit: ") and needle in err and "\n" not in err


def test_profiles_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "sweep", "profiles", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in doc["profiles"]] == ["china-default", "full", "mics", "phones", "radios"]
    assert all(b["source"] for p in doc["profiles"] for b in p["bands"])


def test_entry_point_runs_as_a_program() -> None:
    exe = Path(sys.executable).with_name("meetkit")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "meetkit"]
    proc = subprocess.run([*cmd, "--lang", "en", "sweep", "plan", "--profile", "phones"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Plan (phones)" in proc.stdout


def test_record_against_a_peer_writes_valid_multicapture_sigmf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "room.sigmf-meta"
    # unpaced, the peer can be blocked half-way through sending a chunk of the old tag when the
    # client retunes and drains; that rest arrives after the drain, so a chunk must be shorter than
    # the settle time's bytes (4096 < 2 ms × 2.4 MS/s × 2 = 9600) for the first block to be clean
    with RtlTcpPeer(rate_bytes_per_s=None, chunk_bytes=4096) as peer:
        rc = main(["--lang", "en", "sweep", "record", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--profile", "radios",
                   "--passes", "2", "--dwell", "4096", "--settle-ms", "2", "--gain", "28", "--ppm", "-1", "--out", str(out)])
        deadline = time.monotonic() + 5
        while len(peer.commands) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        commands = list(peer.commands)
    captured = capsys.readouterr()
    text = captured.out
    assert rc == 0, text
    plan = plan_profile(load_profile("radios"), dwell_samples=4096, settle_s=0.002, passes=2)
    assert f"pass 1 of 2 done ({len(plan.hops)} hops recorded)" in captured.err  # not one hop of pass 2 too
    assert text.index("Plan (radios)") < text.index("wrote ")  # the plan is printed first
    assert "result: complete" in text and f"{2 * len(plan.hops)} of {2 * len(plan.hops)} hops" in text
    assert commands[:4] == [(0x02, 2400000), (0x03, 1), (0x04, 280), (0x05, 0xFFFFFFFF)]

    sf = read_back(out)
    glob = sf.get_global_info()
    assert glob["core:datatype"] == "cu8" and glob["core:sample_rate"] == 2.4e6
    assert "R820T" in glob["core:hw"] and glob["core:recorder"].startswith("meetkit")
    assert glob["meetkit:gain_db"] == 28 and glob["meetkit:ppm"] == -1 and glob["meetkit:settle_s"] == 0.002
    assert glob["meetkit:profile"] == "radios" and glob["meetkit:partial"] is False
    assert glob["meetkit:source"]["rate_sps"] == 2.4e6  # the receiver as it ran, not as it was opened (2.048 MS/s)
    assert glob["meetkit:wall_time_s"] > 0 and glob["meetkit:hardware_time_per_pass_s"] == pytest.approx(plan.hardware_time_s())
    caps = sf.get_captures()
    assert len(caps) == 2 * len(plan.hops)
    assert [c["core:frequency"] for c in caps] == [plan.centre_for_pass(h, p) for p in range(2) for h in plan.hops]
    assert [c["core:sample_start"] for c in caps] == [i * 4096 for i in range(len(caps))]
    assert all(c["core:datetime"].endswith("Z") for c in caps)
    assert sf.sample_count == len(caps) * 4096
    assert out.with_suffix(".sigmf-data").stat().st_size == len(caps) * 4096 * 2
    # cu8 as read: the peer streams one byte value per tune
    raw = np.fromfile(out.with_suffix(".sigmf-data"), dtype=np.uint8)
    assert len(set(raw[:8192].tolist())) == 1

    # and it replays through the recording source hop by hop
    from meetkit.clock import SystemClock
    from meetkit.sweep.sources import open_source

    src = open_source(str(out), SystemClock())
    blocks = list(src.iter_blocks(4096))
    assert [(b.info.pass_index, b.info.hop_index) for b in blocks] == [(p, h.index) for p in range(2) for h in plan.hops]
    assert blocks[3].info.extra["keep_lo_hz"] == plan.hops[3].keep_lo_hz
    src.close()

    # analysed, the recording's profile is named in findings.json and the report (was "—")
    capsys.readouterr()
    assert main(["--lang", "en", "sweep", "analyze", str(out), "--out", str(tmp_path / "a"), "--no-pdf"]) == 0
    assert json.loads((tmp_path / "a" / "findings.json").read_text(encoding="utf-8"))["profile"] == "radios"


def test_record_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.sigmf-meta"
    out.write_text("{}")
    with RtlTcpPeer() as peer:
        rc = main(["--lang", "en", "sweep", "record", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--start", "100M",
                   "--stop", "101M", "--out", str(out)])
    assert rc == 2 and "already exists" in capsys.readouterr().err
    assert out.read_text() == "{}"


def test_record_when_the_server_goes_away_keeps_a_partial_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cut.sigmf-meta"
    with RtlTcpPeer(close_after_tunes=8, rate_bytes_per_s=4.8e6) as peer:
        rc = main(["--lang", "en", "sweep", "record", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--profile", "radios",
                   "--dwell", "32768", "--settle-ms", "1", "--timeout", "2", "--out", str(out)])
    captured = capsys.readouterr()
    assert rc == 2
    assert "result: PARTIAL" in captured.out and "lost" in captured.err
    sf = read_back(out)
    glob = sf.get_global_info()
    assert glob["meetkit:partial"] is True and "lost" in glob["meetkit:error"]
    assert 7 <= len(sf.get_captures()) <= 8 and sf.sample_count == len(sf.get_captures()) * 32768


def test_record_needs_a_range_for_a_live_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with RtlTcpPeer() as peer:
        rc = main(["--lang", "en", "sweep", "record", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--out", str(tmp_path / "a")])
    assert rc == 2 and "--profile" in capsys.readouterr().err
    assert not (tmp_path / "a.sigmf-data").exists()


def test_record_from_an_unreachable_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--lang", "en", "sweep", "record", "--source", "rtltcp:127.0.0.1:1", "--profile", "radios", "--out", str(tmp_path / "a")])
    assert rc == 2 and "cannot connect" in capsys.readouterr().err


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/recordings-real not present")
def test_record_replays_a_recording_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "copy.sigmf-meta"
    rc = main(["--lang", "en", "sweep", "record", "--source", str(REAL / "ism-433MHz-ook-bursts.sigmf-meta"), "--out", str(out)])
    assert rc == 0, capsys.readouterr()
    assert (tmp_path / "copy.sigmf-data").read_bytes() == (REAL / "ism-433MHz-ook-bursts.sigmf-data").read_bytes()
    sf = read_back(out)
    assert sf.get_captures()[0]["core:frequency"] == 433.92e6


def simulator():
    return pytest.importorskip("meetkit.sweep.simulator")


def test_record_against_the_simulator_and_find_the_microphone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sim = simulator()
    scenario = sim.load_scenario(SCENARIOS / "mic-and-phone.json")
    out = tmp_path / "mic.sigmf-meta"
    with sim.SimulatorServer(scenario, seed=3) as server:
        rc = main(["--lang", "en", "sweep", "record", "--source", f"rtltcp:127.0.0.1:{server.port}", "--start", "640M",
                   "--stop", "651M", "--dwell", "16384", "--out", str(out)])
    assert rc == 0, capsys.readouterr()
    sf = read_back(out)
    caps = sf.get_captures()
    plan = plan_span(640e6, 651e6, dwell_samples=16384)
    assert [c["core:frequency"] for c in caps] == [h.centre_hz for h in plan.hops]
    data = np.fromfile(out.with_suffix(".sigmf-data"), dtype=np.uint8)
    peaks = {}
    for i, cap in enumerate(caps):
        chunk = data[cap["core:sample_start"] * 2 : (cap["core:sample_start"] + 16384) * 2].astype(np.float32) - 127.5
        x = (chunk[0::2] + 1j * chunk[1::2]).reshape(-1, 4096) * np.hanning(4096)
        p = np.mean(np.abs(np.fft.fftshift(np.fft.fft(x, axis=1), axes=1)) ** 2, axis=0)
        p[2045:2052] = np.median(p)
        k = int(np.argmax(p))
        peaks[i] = (cap["core:frequency"] + (k - 2048) * 2.4e6 / 4096, 10 * np.log10(p[k] / np.median(p)))
    mic_hop = next(h for h in plan.hops if h.keep_lo_hz <= 645.5e6 < h.keep_hi_hz)
    freq, snr = peaks[mic_hop.index]
    assert abs(freq - 645.5e6) < 20e3 and snr > 15  # the UHF microphone at 645.5 MHz
    # hops whose whole band is away from the microphone do not show it (no stale samples after a retune)
    for hop in plan.hops:
        if abs(hop.centre_hz - 645.5e6) > 1.3e6:
            f, s = peaks[hop.index]
            assert not (abs(f - 645.5e6) < 50e3 and s > 10), f"hop {hop.index} shows the microphone"


def test_record_default_output_name_comes_from_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    with RtlTcpPeer(rate_bytes_per_s=None) as peer:
        rc = main(["--lang", "en", "sweep", "record", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--start", "100M",
                   "--stop", "104M", "--dwell", "4096", "--passes", "2"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    (meta,) = tmp_path.glob("sweep-*.sigmf-meta")
    assert len(read_back(meta).get_captures()) == 2 * 3
    assert "pass 1 of 2 done" in captured.err


def test_sample_counts_take_a_binary_k_and_refuse_junk_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`--dwell 32k` is the default 32768 (the README's words), on plan and on run/analyze alike."""
    from meetkit.cli.sweep_acquire import _count

    assert (_count("32k"), _count("64K"), _count("1M"), _count("32768"), _count("1e5")) == (32768, 65536, 1048576, 32768, 100000)
    for junk in ("abc", "", "0", "-5", "1.5", "inf", "nan", "k", "2.5.1k"):
        with pytest.raises(argparse.ArgumentTypeError, match="sample"):
            _count(junk)
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "run", "--source", "x", "--out", "o", "--dwell", "lots"])
    assert exc.value.code == 2
    assert "not a sample count: 'lots'" in capsys.readouterr().err


@given(st.text(max_size=12))
def test_sample_count_parser_never_crashes(text: str) -> None:
    from meetkit.cli.sweep_acquire import _count

    try:
        value = _count(text)
    except argparse.ArgumentTypeError:
        return
    assert isinstance(value, int) and value > 0
