"""An rtl_tcp server whose dongle is the venue simulator (osmocom rtl_tcp wire protocol).

On connect it sends the 12-byte dongle info (``RTL0``, tuner type 5 = R820T, 29 gain steps, both
uint32 big-endian), then streams raw cu8 samples. The client sends 5-byte commands at any time
(1 byte command, uint32 big-endian parameter); they take effect before the next chunk.
One client at a time, like rtl_tcp; the next client is served when the current one leaves.
The simulated dongle keeps its settings and its stream clock between clients.
"""

from __future__ import annotations

import logging
import select
import socket
import struct
import threading
import time
from types import TracebackType
from typing import Any, Self

from meetkit.sweep.simulator.scenario import Scenario
from meetkit.sweep.simulator.synth import R820T_GAINS_TENTHS, Synthesizer

log = logging.getLogger(__name__)

TUNER_R820T = 5
CMD_FREQ, CMD_RATE, CMD_GAIN_MODE, CMD_GAIN, CMD_PPM = 0x01, 0x02, 0x03, 0x04, 0x05
IGNORED_COMMANDS = {
    0x06: "IF gain",
    0x07: "test mode",
    0x08: "AGC mode",
    0x09: "direct sampling",
    0x0A: "offset tuning",
    0x0B: "RTL xtal",
    0x0C: "tuner xtal",
    0x0D: "gain by index",
    0x0E: "bias tee",
}
UNPACED_CHUNK = 16384  # samples per send without pacing
PACED_CHUNK_S = 0.001  # seconds of samples per send with --realtime
SEND_BUFFER_BYTES = 32768  # small, so a retune shows up soon in the stream
SEND_PIECE_BYTES = 65536  # send in pieces, checking for commands in between


def dongle_info(tuner_type: int = TUNER_R820T, gain_count: int = len(R820T_GAINS_TENTHS)) -> bytes:
    return b"RTL0" + struct.pack(">II", tuner_type, gain_count)


class SimulatorServer:
    """Serve a scenario over rtl_tcp on ``host:port`` (port 0 picks a free port)."""

    def __init__(self, scenario: Scenario, host: str = "127.0.0.1", port: int = 0, realtime: bool = False,
                 seed: int | None = None, outside: bool = False) -> None:
        self.scenario = scenario
        self.host = host
        self.realtime = realtime
        self.synth = Synthesizer(scenario, seed=seed, outside=outside)
        self._requested_port = port
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._manual_gain_db: float | None = None
        self.clients_served = 0
        self.commands_seen: list[tuple[int, int]] = []  # (command, parameter), the latest 1000

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Bind and listen; serving runs on a background thread. Returns once listening."""
        if self._thread is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self._requested_port))
        except OSError:
            listener.close()
            raise
        listener.listen(1)
        listener.settimeout(0.2)
        self._listener = listener
        self._stop.clear()
        self._thread = threading.Thread(target=self._accept_loop, name="rtl_tcp-simulator", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("server not started")
        return int(self._listener.getsockname()[1])

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def tuning(self) -> dict[str, Any]:
        """The simulated dongle's current settings."""
        with self._lock:
            s = self.synth
            return {"centre_hz": s.centre_hz, "rate_sps": s.rate_sps, "gain_db": s.gain_db, "ppm": s.ppm,
                    "time_s": s.time_s, "samples_served": s.samples_served}

    # -- serving ----------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            log.info("rtl_tcp client %s:%d connected", *peer[:2])
            try:
                self._serve(conn)
            except OSError as err:
                log.info("rtl_tcp client %s:%d: %s", peer[0], peer[1], err)
            except Exception:  # a fault serving one client must not take the server down
                log.exception("rtl_tcp simulator: error serving %s:%d", peer[0], peer[1])
            finally:
                conn.close()
                self.clients_served += 1
                log.info("rtl_tcp client %s:%d left", *peer[:2])

    def _serve(self, conn: socket.socket) -> None:
        """Stream to one client until it leaves. One thread does both directions: commands are
        picked up between send pieces, so a retune cuts the chunk in flight and shows up at once."""
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(2.0)
        conn.sendall(dongle_info())
        conn.setblocking(False)
        partial = b""
        pending = memoryview(b"")
        pace_t0 = time.monotonic()
        pace_samples = 0
        readable: list[socket.socket] = [conn]  # poll for commands first
        while not self._stop.is_set():
            if readable:
                rate_before = self.synth.rate_sps
                got, partial = self._poll_commands(conn, partial)
                if got is None:
                    return
                if got:
                    if len(pending) % 2 == 0:
                        pace_samples -= len(pending) // 2  # never sent: not counted against the pace
                        pending = memoryview(b"")  # cut the stale rest of the chunk
                    if self.synth.rate_sps != rate_before:
                        pace_t0, pace_samples = time.monotonic(), 0
            if not len(pending):
                rate = self.synth.rate_sps
                if self.realtime:
                    lag = pace_t0 + pace_samples / rate - time.monotonic()
                    if lag < -0.05:  # fell behind (a slow build or client): do not burst to catch up
                        pace_t0, pace_samples, lag = time.monotonic(), 0, 0.0
                    if lag > 0:
                        readable, _, _ = select.select([conn], [], [], min(lag, 0.2))
                        if readable or lag > 0.2:
                            continue
                    n = max(256, min(UNPACED_CHUNK, int(rate * PACED_CHUNK_S)))
                else:
                    n = UNPACED_CHUNK
                with self._lock:
                    pending = memoryview(self.synth.read(n)).cast("B")
                pace_samples += n
            readable, writable, _ = select.select([conn], [conn], [], 0.2)
            if readable or not writable:
                continue
            try:
                sent = conn.send(pending[:SEND_PIECE_BYTES])
            except BlockingIOError:
                continue
            except OSError as err:
                log.info("rtl_tcp client gone: %s", err)
                return
            pending = pending[sent:]

    def _poll_commands(self, conn: socket.socket, partial: bytes) -> tuple[bool | None, bytes]:
        """Apply every complete 5-byte command waiting on the socket. (None, _) when the client left."""
        got = False
        while True:
            try:
                data = conn.recv(4096)
            except BlockingIOError:
                return got, partial
            except OSError:
                return None, partial
            if not data:
                return None, partial
            partial += data
            while len(partial) >= 5:
                cmd, param = struct.unpack(">BI", partial[:5])
                partial = partial[5:]
                self._apply(cmd, param)
                got = True

    def _apply(self, cmd: int, param: int) -> None:
        self.commands_seen.append((cmd, param))
        del self.commands_seen[:-1000]
        with self._lock:
            s = self.synth
            if cmd == CMD_FREQ:
                log.debug("set frequency %d Hz", param)
                s.tune(float(param))
            elif cmd == CMD_RATE:
                log.debug("set sample rate %d S/s", param)
                s.set_rate(float(param))
            elif cmd == CMD_GAIN_MODE:
                log.debug("set gain mode %s", "manual" if param else "auto")
                s.set_gain(None if param == 0 else (self._manual_gain_db or s.scenario.nominal_gain_db))
            elif cmd == CMD_GAIN:
                gain_db = struct.unpack(">i", struct.pack(">I", param))[0] / 10
                log.debug("set gain %.1f dB", gain_db)
                self._manual_gain_db = gain_db
                s.set_gain(gain_db)  # librtlsdr switches the R820T to manual gain here
            elif cmd == CMD_PPM:
                ppm = struct.unpack(">i", struct.pack(">I", param))[0]
                log.debug("set frequency correction %d ppm", ppm)
                s.set_ppm(ppm)
            elif cmd in IGNORED_COMMANDS:
                log.debug("ignored command 0x%02x (%s) = %d", cmd, IGNORED_COMMANDS[cmd], param)
            else:
                log.debug("unknown command 0x%02x = %d", cmd, param)
