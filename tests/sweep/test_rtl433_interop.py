"""An independent rtl_tcp client, rtl_433 (Debian rtl-433), against the simulator's 433 MHz remote:
it must connect, tune and report the OOK pulse trains. Skipped where rtl_433 is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from meetkit.sweep.simulator import SimulatorServer, load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "recordings" / "scenarios" / "ism-remote.json"

pytestmark = pytest.mark.skipif(shutil.which("rtl_433") is None, reason="rtl_433 is not installed")


def test_rtl_433_sees_the_simulated_remote(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIO)
    with SimulatorServer(scenario, realtime=True, seed=7) as server:
        done = subprocess.run(
            ["rtl_433", "-d", f"rtl_tcp:127.0.0.1:{server.port}", "-f", "433.92M", "-s", "250k", "-A", "-T", "4",
             "-F", "json"],
            capture_output=True, text=True, timeout=20, cwd=tmp_path, check=False,
        )
        commands = list(server.commands_seen)
    out = done.stdout + done.stderr
    assert "rtl_tcp connected" in out and "R820T" in out, out[-2000:]
    assert (0x01, 433_920_000) in commands and (0x02, 250_000) in commands
    assert out.count("Detected OOK package") >= 2, out[-2000:]
    # the pulse analyser measured the remote's short (350 µs) and long (1050 µs) pulses
    assert "Pulse Width Modulation" in out, out[-2000:]
    widths_us = [int(w) for w in re.findall(r"width:\s+(\d+) us", out)]
    assert any(330 <= w <= 370 for w in widths_us) and any(1020 <= w <= 1080 for w in widths_us)
