from __future__ import annotations

import json
from pathlib import Path

import pytest

from meetkit.cli.main import main
from meetkit.sweep.simulator import SimulatorServer, load_scenario

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / ".." / "shared" / "recordings-real"


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


@pytest.mark.skipif(not REAL.exists(), reason="../shared/recordings-real is not there")
def test_analyze_then_import_csv_as_a_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = str(REAL / "gsm-downlink-941MHz.sigmf-meta")
    assert main(["--lang", "en", "sweep", "analyze", rec, "--out", str(tmp_path / "a")]) == 0
    (summary,) = _lines(capsys)
    assert summary["findings"] >= 3 and summary["suspects"] == summary["findings"]
    for name in ("findings.json", "trace.csv", "spectrum.png", "report.pdf"):
        assert (tmp_path / "a" / name).exists()
    assert main(["--lang", "en", "sweep", "import-csv", str(tmp_path / "a" / "trace.csv"), "--out", str(tmp_path / "b"), "--no-pdf"]) == 0
    (imported,) = _lines(capsys)
    assert imported["skipped_lines"] == 0 and imported["findings"] >= 3
    assert main(["--lang", "en", "sweep", "analyze", rec, "--baseline", str(tmp_path / "b"), "--out", str(tmp_path / "c"), "--no-pdf"]) == 0
    (compared,) = _lines(capsys)
    assert compared["suspects"] == 0


def test_user_errors_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("2024-01-02, 03:04:05, 88000000, 88004000, 1000.00, 10, -50.00, nope, -50.00, -50.00\n", encoding="utf-8")
    assert main(["--lang", "en", "sweep", "import-csv", str(bad), "--out", str(tmp_path / "o"), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and err.count("\n") == 1
    assert main(["--lang", "en", "sweep", "analyze", str(tmp_path / "missing.sigmf-meta"), "--out", str(tmp_path / "o")]) == 2
    assert main(["--lang", "zh", "sweep", "locate", "--source", "rtltcp:127.0.0.1:1", "--freq", "abc"]) == 2
    assert "频率" in capsys.readouterr().err
    # a frequency the dongle cannot tune, a negative duration, a missing baseline, a source that is nothing
    assert main(["--lang", "en", "sweep", "locate", "--source", "rtltcp:127.0.0.1:1", "--freq", "5G"]) == 2
    assert "outside what an RTL-SDR can tune" in capsys.readouterr().err
    assert main(["--lang", "en", "sweep", "locate", "--source", "rtltcp:127.0.0.1:1", "--freq", "100M", "--seconds", "-1"]) == 2
    assert "--seconds" in capsys.readouterr().err
    assert main(["--lang", "en", "sweep", "import-csv", str(bad), "--baseline", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "baseline not found" in capsys.readouterr().err
    assert main(["--lang", "en", "sweep", "run", "--source", "bogus", "--out", str(tmp_path / "o")]) == 2
    assert "rtltcp:HOST:PORT" in capsys.readouterr().err


def test_locate_and_monitor_print_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load_scenario(ROOT / "recordings" / "scenarios" / "mic-phone-radio.json")
    with SimulatorServer(scenario) as sim:
        src = f"rtltcp:127.0.0.1:{sim.port}"
        assert main(["sweep", "locate", "--source", src, "--freq", "645.5M", "--seconds", "0.3", "--bandwidth", "150k"]) == 0
        readings = _lines(capsys)
        assert len(readings) == 3
        assert all(r["freq_hz"] == 645.5e6 and r["level_dbfs"] > r["noise_dbfs"] for r in readings)
        assert main(["sweep", "monitor", "--source", src, "--profile", "mics", "--max-sweeps", "1", "--dwell", "8192"]) == 0
        assert _lines(capsys) == []  # without a baseline the first sweep is the reference: no alerts yet


def test_run_against_a_server_that_dies_keeps_partial_results_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from tests.sweep._rtltcp_peer import RtlTcpPeer

    noise = np.random.default_rng(1).integers(118, 138, 65536, dtype=np.uint8).tobytes()
    out = tmp_path / "partial"
    with RtlTcpPeer(close_after_tunes=6, rate_bytes_per_s=None, payload=noise) as peer:
        rc = main(["--lang", "en", "sweep", "run", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--profile", "radios",
                   "--passes", "1", "--out", str(out), "--no-pdf"])
    captured = capsys.readouterr()
    assert rc == 2
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert summary["partial"] is True and "lost" in summary["error"]
    assert "Plan (radios)" in captured.err  # the plan is printed before the run
    assert "sweep incomplete (partial results written to" in captured.err
    assert (out / "findings.json").exists() and (out / "trace.csv").exists()


def test_monitor_says_it_is_alive_and_stops_clearly_when_the_source_is_lost(capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from tests.sweep._rtltcp_peer import RtlTcpPeer

    noise = np.random.default_rng(2).integers(118, 138, 65536, dtype=np.uint8).tobytes()
    with RtlTcpPeer(close_after_tunes=40, rate_bytes_per_s=None, payload=noise) as peer:  # radios: 30 hops a sweep
        rc = main(["--lang", "en", "sweep", "monitor", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--profile", "radios"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "sweep 1 done: it is the reference" in err
    assert "lost" in err.splitlines()[-1] and err.splitlines()[-1].startswith("meetkit: ")


def test_ctrl_c_during_a_run_writes_what_was_captured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import signal
    import threading
    import time

    import numpy as np

    from tests.sweep._rtltcp_peer import RtlTcpPeer

    noise = np.random.default_rng(3).integers(118, 138, 65536, dtype=np.uint8).tobytes()
    out = tmp_path / "interrupted"
    with RtlTcpPeer(rate_bytes_per_s=4.8e6, payload=noise) as peer:  # paced: the full profile takes ~23 s

        def interrupt_once_sweeping() -> None:
            deadline = time.monotonic() + 30
            while peer.tunes < 5 and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C sends

        timer = threading.Thread(target=interrupt_once_sweeping)
        timer.start()
        rc = main(["--lang", "en", "sweep", "run", "--source", f"rtltcp:127.0.0.1:{peer.port}", "--profile", "full",
                   "--passes", "1", "--out", str(out), "--no-pdf"])
    timer.join()
    captured = capsys.readouterr()
    assert rc == 130
    assert json.loads(captured.out.strip().splitlines()[-1])["partial"] is True
    assert "interrupted; partial results written to" in captured.err
    assert (out / "findings.json").exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the CLI put Ctrl-C back


@pytest.mark.skipif(not REAL.exists(), reason="../shared/recordings-real is not there")
def test_a_truncated_recording_is_analysed_as_far_as_it_goes_and_marked_partial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = REAL / "ism-433MHz-ook-bursts.sigmf-meta"
    meta = tmp_path / "cut.sigmf-meta"
    meta.write_bytes(src.read_bytes())
    meta.with_suffix(".sigmf-data").write_bytes(src.with_suffix(".sigmf-data").read_bytes()[:100_001])
    assert main(["--lang", "en", "sweep", "analyze", str(meta), "--out", str(tmp_path / "o"), "--no-pdf"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["partial"] is True and "truncated" in summary["error"]
    warning = [line for line in captured.err.splitlines() if line.startswith("meetkit: ")]
    assert len(warning) == 1 and "incomplete recording" in warning[0]
    assert main(["sweep", "analyze", str(meta), "--out", str(tmp_path / "z"), "--no-pdf"]) == 0
    assert "录音不完整" in capsys.readouterr().err
    # an intact recording is not partial
    assert main(["--lang", "en", "sweep", "analyze", str(src), "--out", str(tmp_path / "p"), "--no-pdf"]) == 0
    assert json.loads(capsys.readouterr().out)["partial"] is False


def test_a_baseline_of_another_band_is_refused_before_sweeping_and_named_when_analysing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "fm.csv"
    csv.write_text("".join(
        f"2024-01-02, 03:04:05, {lo}, {lo + 4000}, 1000.00, 10, -50.00, -40.00, -50.00, -50.00\n" for lo in range(88_000_000, 88_040_000, 4000)
    ), encoding="utf-8")
    assert main(["--lang", "en", "sweep", "import-csv", str(csv), "--out", str(tmp_path / "b"), "--no-pdf"]) == 0
    capsys.readouterr()
    # nothing is contacted: the baseline is checked against the profile's plan first
    assert main(["--lang", "en", "sweep", "run", "--source", "rtltcp:127.0.0.1:1", "--profile", "radios", "--baseline",
                 str(tmp_path / "b"), "--out", str(tmp_path / "o")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("meetkit: ")]
    assert len(err) == 1 and "covers none of profile radios" in err[0]
    assert not (tmp_path / "o").exists()
    assert main(["sweep", "run", "--source", "rtltcp:127.0.0.1:1", "--profile", "radios", "--baseline", str(tmp_path / "b"),
                 "--out", str(tmp_path / "o")]) == 2
    assert "请用相同的频段配置扫描基线" in capsys.readouterr().err
    if REAL.exists():  # a recording is analysed all the same, with the warning
        rec = str(REAL / "ism-433MHz-ook-bursts.sigmf-meta")
        assert main(["--lang", "en", "sweep", "analyze", rec, "--baseline", str(tmp_path / "b"), "--out", str(tmp_path / "a"), "--no-pdf"]) == 0
        assert "the baseline covers only 0% of the recording(s)" in capsys.readouterr().err
