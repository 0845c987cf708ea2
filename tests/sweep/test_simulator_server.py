"""The simulator as an rtl_tcp server over a real socket on 127.0.0.1: the greeting, commands,
retunes, one client at a time, reconnects; then the kit's own rtl_tcp client and acquisition
engine against it; then 'meetkit sweep simulate' as a process."""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from meetkit.clock import SystemClock
from meetkit.sweep.blocks import cu8_to_complex
from meetkit.sweep.simulator import SimulatorServer, load_scenario
from meetkit.sweep.simulator.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[2]
RATE = 2_400_000

# two strong continuous narrowband emitters, easy to tell apart
TWO_TONES = parse_scenario({
    "name": "two-tones",
    "seed": 4,
    "emitters": [
        {"kind": "walkie_talkie", "freq_hz": 500.3e6, "level_dbfs": -12, "where": "room", "schedule": None},
        {"kind": "walkie_talkie", "freq_hz": 699.5e6, "level_dbfs": -12, "where": "ambient", "schedule": None},
    ],
})


def cmd(code: int, param: int) -> bytes:
    return struct.pack(">BI", code, param & 0xFFFFFFFF)


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        got = sock.recv(n - len(buf))
        if not got:
            raise ConnectionError("server closed")
        buf += got
    return bytes(buf)


def drain(sock: socket.socket) -> None:
    sock.setblocking(False)
    try:
        while True:
            try:
                if not sock.recv(1 << 20):
                    break
            except BlockingIOError:
                break
    finally:
        sock.setblocking(True)


def peak_offset_hz(data: bytes | np.ndarray, rate: float = RATE, nfft: int = 4096) -> float:
    x = cu8_to_complex(data) if isinstance(data, bytes) else data
    frames = x[: len(x) // nfft * nfft].reshape(-1, nfft) * np.hanning(nfft)
    p = np.mean(np.abs(np.fft.fftshift(np.fft.fft(frames, axis=1), axes=1)) ** 2, axis=0)
    p[nfft // 2 - 3 : nfft // 2 + 4] = 0  # not the DC spike
    return float((np.argmax(p) - nfft // 2) * rate / nfft)


@pytest.fixture
def server() -> Iterator[SimulatorServer]:
    with SimulatorServer(TWO_TONES, seed=1) as srv:
        yield srv


def connect(srv: SimulatorServer, timeout: float = 5.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
    return sock


def test_greets_like_rtl_tcp_with_an_r820t(server: SimulatorServer) -> None:
    with connect(server) as sock:
        header = recv_exact(sock, 12)
        assert header[:4] == b"RTL0"
        assert struct.unpack(">II", header[4:]) == (5, 29)
        data = recv_exact(sock, 65536)  # then raw cu8 without being asked
        assert len(set(data)) > 10


def test_commands_retune_and_the_next_samples_follow(server: SimulatorServer) -> None:
    with connect(server) as sock:
        recv_exact(sock, 12)
        sock.sendall(cmd(0x02, RATE) + cmd(0x01, 500_000_000))
        for centre, offset in ((500_000_000, 300e3), (700_000_000, -500e3), (500_000_000, 300e3)):
            sock.sendall(cmd(0x01, centre))
            drain(sock)
            recv_exact(sock, 2 * 48_000)  # 20 ms of settle, far more than what can be stale
            assert peak_offset_hz(recv_exact(sock, 2 * 65536)) == pytest.approx(offset, abs=2e3)
        sock.sendall(cmd(0x03, 1) + cmd(0x04, 280) + cmd(0x05, -7) + cmd(0x08, 1) + cmd(0x0E, 1) + cmd(0x42, 9))
        drain(sock)
        recv_exact(sock, 2 * 48_000)
    tuning = server.tuning()
    assert tuning["centre_hz"] == 500e6 and tuning["rate_sps"] == RATE
    assert tuning["gain_db"] == 28.0 and tuning["ppm"] == -7
    assert (0x0E, 1) in server.commands_seen and (0x42, 9) in server.commands_seen  # accepted, ignored


def test_retune_is_visible_within_a_few_thousand_samples_after_a_drain(server: SimulatorServer) -> None:
    """Unpaced, the stream runs far ahead of the client; what is stale after the client drains
    its socket must stay small, or a sweep's settle time would not cover it."""
    worst = 0
    with connect(server) as sock:
        recv_exact(sock, 12)
        sock.sendall(cmd(0x02, RATE))
        for _ in range(6):
            sock.sendall(cmd(0x01, 300_000_000))
            drain(sock)
            recv_exact(sock, 200_000)
            sock.sendall(cmd(0x01, 500_300_000))  # the emitter right at DC: big samples at once
            drain(sock)
            x = cu8_to_complex(recv_exact(sock, 2 * 131072))
            big = np.flatnonzero(np.abs(x) > 0.15)
            assert big.size
            worst = max(worst, int(big[0]))
    assert worst <= 32768


def test_any_command_sequence_leaves_a_working_server(server: SimulatorServer) -> None:
    """Garbage parameters (zero or huge rates, frequencies, gains, ppm), unknown commands and
    commands split across packets: the server keeps streaming and still obeys a sane retune."""
    rng = np.random.default_rng(11)
    specials = [0, 1, 24_000_000, 250_000, 2_400_000, 3_200_001, 2**31 - 1, 2**31, 2**32 - 1]
    stream = b"".join(
        cmd(int(rng.integers(0, 256)) if rng.random() < 0.3 else int(rng.integers(1, 0x0F)),
            int(rng.choice(specials)) if rng.random() < 0.5 else int(rng.integers(0, 2**32)))
        for _ in range(300)
    )
    with connect(server) as sock:
        recv_exact(sock, 12)
        for i in range(0, len(stream), 7):  # odd-sized pieces: commands straddle packets
            sock.sendall(stream[i : i + 7])
            recv_exact(sock, 4096)
        sock.sendall(cmd(0x05, 0) + cmd(0x03, 0) + cmd(0x02, RATE) + cmd(0x01, 500_000_000))
        drain(sock)
        recv_exact(sock, 2 * 48_000)
        assert peak_offset_hz(recv_exact(sock, 2 * 65536)) == pytest.approx(300e3, abs=2e3)


def test_out_of_range_tuning_gives_noise_only(server: SimulatorServer) -> None:
    with connect(server) as sock:
        recv_exact(sock, 12)
        sock.sendall(cmd(0x02, RATE) + cmd(0x01, 1_800_000_000))
        drain(sock)
        recv_exact(sock, 2 * 48_000)
        x = cu8_to_complex(recv_exact(sock, 2 * 65536))
    assert np.percentile(np.abs(x), 99.9) < 0.15  # no -12 dBFS emitter, just the floor


def test_one_client_at_a_time_and_reconnect_after_leaving(server: SimulatorServer) -> None:
    first = connect(server)
    recv_exact(first, 12 + 10_000)
    second = connect(server, timeout=0.5)
    with pytest.raises(TimeoutError):
        second.recv(12)  # waits in the backlog, like rtl_tcp
    time_before = server.tuning()["time_s"]
    first.close()
    second.settimeout(5)
    assert recv_exact(second, 12)[:4] == b"RTL0"
    recv_exact(second, 10_000)
    second.close()
    with connect(server) as third:
        assert recv_exact(third, 12)[:4] == b"RTL0"
        recv_exact(third, 100_000)
    assert server.clients_served >= 2
    assert server.tuning()["time_s"] > time_before  # the stream clock kept running


def test_client_vanishing_mid_stream_does_not_stop_the_server(server: SimulatorServer) -> None:
    for _ in range(3):
        sock = connect(server)
        recv_exact(sock, 12 + 1000)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not FIN
        sock.close()
    with connect(server) as sock:
        assert recv_exact(sock, 12)[:4] == b"RTL0"


def test_outside_drops_room_emitters() -> None:
    with SimulatorServer(TWO_TONES, outside=True) as srv, connect(srv) as sock:
        recv_exact(sock, 12)
        sock.sendall(cmd(0x02, RATE) + cmd(0x01, 500_000_000))
        drain(sock)
        recv_exact(sock, 2 * 48_000)
        x = cu8_to_complex(recv_exact(sock, 2 * 65536))
        assert np.percentile(np.abs(x), 99.9) < 0.15
        assert srv.synth.in_band() == ()


def test_stop_ends_a_connected_client() -> None:
    srv = SimulatorServer(TWO_TONES)
    srv.start()
    sock = connect(srv)
    recv_exact(sock, 12)
    srv.stop()
    sock.settimeout(5)
    with pytest.raises((ConnectionError, OSError)):
        while True:
            if not sock.recv(1 << 20):
                raise ConnectionError("closed")
    sock.close()


# -- the kit's own rtl_tcp client and acquisition engine ------------------------------------
def test_the_kits_rtltcp_client_reads_what_it_tunes(server: SimulatorServer) -> None:
    from meetkit.sweep.sources.rtltcp import RtlTcpSource

    with RtlTcpSource("127.0.0.1", server.port, clock=SystemClock(), settle_s=0.01) as src:
        assert src.tuner_name == "R820T" and src.gain_count == 29
        src.set_sample_rate(RATE)
        src.set_gain(40.2)
        for centre, offset in ((500e6, 300e3), (700e6, -500e3)):
            src.tune(centre)
            block = src.read(65536)
            assert block.info.centre_hz == centre
            assert peak_offset_hz(block.samples) == pytest.approx(offset, abs=2e3)


def test_a_sweep_through_the_acquisition_engine_sees_the_gsm_handset() -> None:
    from meetkit.sweep.acquisition import Acquisition
    from meetkit.sweep.hopplan import plan_span
    from meetkit.sweep.sources.rtltcp import RtlTcpSource

    scenario = load_scenario(ROOT / "recordings" / "scenarios" / "mic-and-phone.json")
    plan = plan_span(890e6, 905e6, settle_s=0.01, dwell_samples=65536, passes=2)
    levels: dict[int, float] = {}
    with SimulatorServer(scenario, seed=2) as srv, RtlTcpSource(
        "127.0.0.1", srv.port, clock=SystemClock(), settle_s=plan.settle_s
    ) as src:
        acq = Acquisition(src, plan, clock=SystemClock())
        for block in acq.blocks():
            x = block.samples
            f = block.info.centre_hz + np.fft.fftshift(np.fft.fftfreq(4096, 1 / block.info.rate_sps))
            frames = x[: len(x) // 4096 * 4096].reshape(-1, 4096) * np.hanning(4096)
            p = np.max(np.abs(np.fft.fftshift(np.fft.fft(frames, axis=1), axes=1)) ** 2, axis=0)
            near = np.abs(f - 897.4e6) < 80e3
            if near.any() and block.info.extra["keep_lo_hz"] <= 897.4e6 < block.info.extra["keep_hi_hz"]:
                quiet = np.median(p)
                levels[block.info.hop_index] = float(10 * np.log10(p[near].max() / quiet))
    assert acq.result.partial is False and acq.result.passes_done == 2
    assert levels and max(levels.values()) > 20  # the handset's bursts, max-held, far above the floor


# -- the command line ---------------------------------------------------------------------------
def _start_cli(*extra: str) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "MEETKIT_LANG": "en", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "meetkit", "sweep", "simulate", "--scenario", "mic-and-phone", "--port", "0", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "listening on 127.0.0.1:" in line, line + (proc.stderr.read() if proc.stderr else "")
    port = int(line.split("127.0.0.1:")[1].split(",")[0])
    return proc, port


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_until_signalled_and_exits_cleanly(sig: signal.Signals) -> None:
    proc, port = _start_cli("--outside", "--seed", "9")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            assert recv_exact(sock, 12)[:4] == b"RTL0"
            recv_exact(sock, 10_000)
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "Traceback" not in err


def test_cli_unknown_scenario_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from meetkit.cli.main import main

    assert main(["--lang", "en", "sweep", "simulate", "--scenario", "no-such-room"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "no-such-room" in err and "mic-and-phone" in err


def test_cli_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from meetkit.cli.main import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["--lang", "en", "sweep", "simulate", "--scenario", "empty-room", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
