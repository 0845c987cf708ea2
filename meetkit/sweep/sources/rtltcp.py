"""Client for the osmocom ``rtl_tcp`` wire protocol (a dongle served over TCP, e.g. from a Pi).

Protocol (osmocom ``rtl_tcp.c``): on connect the server sends 12 bytes — ``RTL0``, tuner type
(uint32 big-endian), number of gain values (uint32 BE) — then streams raw unsigned 8-bit I/Q.
The client sends 5-byte commands: one command byte and a uint32 BE parameter.

The stream carries no markers, so after a retune (or a rate change) the client discards by byte
count: first whatever the socket already holds (read without blocking), then
``settle_s × rate × 2`` bytes. A closed, reset or silent connection raises
MeetkitError(SOURCE_LOST).
"""

from __future__ import annotations

import logging
import select
import socket
import struct
from typing import Any

from meetkit.clock import Clock
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.blocks import BlockInfo, IQBlock, cu8_to_complex

log = logging.getLogger(__name__)

HEADER_MAGIC = b"RTL0"
HEADER_LEN = 12

CMD_SET_FREQ = 0x01
CMD_SET_SAMPLE_RATE = 0x02
CMD_SET_GAIN_MODE = 0x03  # 0 automatic, 1 manual
CMD_SET_GAIN = 0x04  # tenths of dB
CMD_SET_FREQ_CORRECTION = 0x05  # ppm
CMD_SET_IF_GAIN = 0x06
CMD_SET_TEST_MODE = 0x07
CMD_SET_AGC_MODE = 0x08
CMD_SET_DIRECT_SAMPLING = 0x09
CMD_SET_OFFSET_TUNING = 0x0A
CMD_SET_RTL_XTAL = 0x0B
CMD_SET_TUNER_XTAL = 0x0C
CMD_SET_GAIN_BY_INDEX = 0x0D
CMD_SET_BIAS_TEE = 0x0E

# enum rtlsdr_tuner (osmocom rtl-sdr.h)
TUNER_NAMES = {0: "unknown", 1: "E4000", 2: "FC0012", 3: "FC0013", 4: "FC2580", 5: "R820T", 6: "R828D"}

_RECV_CHUNK = 1 << 20
# A fixed receive buffer bounds what can pile up (and be drained) between hops; ~100 ms at 2.4 MS/s
# is far more than a network path to a Pi needs.
DEFAULT_RCVBUF_BYTES = 1 << 20


def command(cmd: int, param: int) -> bytes:
    """One 5-byte rtl_tcp command; negative parameters (ppm, gain) go as two's complement."""
    return struct.pack(">BI", cmd, param & 0xFFFFFFFF)


def parse_header(header: bytes) -> tuple[int, int]:
    """(tuner type, gain count) from the 12-byte greeting, or MeetkitError if it is not rtl_tcp."""
    if len(header) != HEADER_LEN or header[:4] != HEADER_MAGIC:
        raise MeetkitError(
            ErrorCode.HARDWARE,
            f"the server did not greet as rtl_tcp (got {header[:12]!r}); is it an rtl_tcp server?",
            f"服务器未按 rtl_tcp 协议应答（收到 {header[:12]!r}）；它是 rtl_tcp 服务器吗？",
        )
    tuner, gains = struct.unpack(">II", header[4:12])
    return int(tuner), int(gains)


class RtlTcpSource:
    """A live source reading from an rtl_tcp server (stock osmocom, or the kit's simulator)."""

    is_live = True

    def __init__(
        self,
        host: str,
        port: int,
        *,
        clock: Clock,
        timeout_s: float = 5.0,
        settle_s: float = 0.0,
        rcvbuf_bytes: int | None = DEFAULT_RCVBUF_BYTES,
    ) -> None:
        self.host = host
        self.port = int(port)
        self._clock = clock
        self._timeout_s = timeout_s
        self.settle_s = settle_s
        self.rate_sps = 2.048e6  # rtl_tcp's default until told otherwise
        self.centre_hz = 100e6
        self.gain_db: float | None = None
        self.ppm = 0
        self.discarded_samples = 0  # thrown away on purpose: settle + what was buffered at a retune
        self._pending_discard = 0  # bytes still to throw away before the next read
        self._buf = bytearray(1 << 17)
        self._scratch = bytearray(_RECV_CHUNK)
        self._sock: socket.socket | None = None
        try:
            sock = socket.create_connection((host, self.port), timeout=timeout_s)
        except OSError as err:
            raise MeetkitError(
                ErrorCode.HARDWARE,
                f"cannot connect to rtl_tcp at {host}:{port}: {err.strerror or err}; is rtl_tcp (or 'meetkit sweep simulate') running there?",
                f"无法连接 {host}:{port} 上的 rtl_tcp：{err.strerror or err}；该地址上是否运行了 rtl_tcp（或 meetkit sweep simulate）？",
            ) from err
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if rcvbuf_bytes:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf_bytes)
        self._sock = sock
        header = bytearray(HEADER_LEN)
        try:
            self._recv_exact(memoryview(header))
        except MeetkitError:
            self.close()
            raise
        try:
            self.tuner_type, self.gain_count = parse_header(bytes(header))
        except MeetkitError:
            self.close()
            raise
        log.debug("rtl_tcp %s:%s tuner %s, %d gains", host, port, self.tuner_name, self.gain_count)

    # -- wire helpers -------------------------------------------------------------------------

    @property
    def tuner_name(self) -> str:
        return TUNER_NAMES.get(self.tuner_type, f"type {self.tuner_type}")

    def _lost(self, why: str, why_zh: str | None = None) -> MeetkitError:
        return MeetkitError(
            ErrorCode.SOURCE_LOST,
            f"connection to rtl_tcp at {self.host}:{self.port} lost: {why}",
            f"与 {self.host}:{self.port} 上 rtl_tcp 的连接已中断：{why_zh or why}",
        )

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise self._lost("the source is closed", "信号源已关闭")
        return self._sock

    def send_command(self, cmd: int, param: int) -> None:
        try:
            self._socket().sendall(command(cmd, param))
        except (TimeoutError, OSError) as err:
            raise self._lost(str(err) or type(err).__name__) from err

    def _recv_exact(self, view: memoryview) -> None:
        sock = self._socket()
        got = 0
        want = len(view)
        try:
            while got < want:
                k = sock.recv_into(view[got:], want - got)
                if k == 0:
                    raise self._lost("the server closed the connection", "服务器关闭了连接")
                got += k
        except TimeoutError as err:
            raise self._lost(f"no data for {self._timeout_s:g} s", f"{self._timeout_s:g} 秒内未收到数据") from err
        except OSError as err:
            raise self._lost(err.strerror or str(err)) from err

    def _discard(self, nbytes: int) -> None:
        scratch = memoryview(self._scratch)
        while nbytes > 0:
            k = min(nbytes, len(scratch))
            self._recv_exact(scratch[:k])
            nbytes -= k

    def _drain_buffered(self) -> int:
        """Throw away what the socket holds right now, without waiting for more. Bounded to one
        snapshot so that an unpaced server cannot keep us draining forever."""
        sock = self._socket()
        limit = max(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), len(self._scratch))
        drained = 0
        scratch = memoryview(self._scratch)
        try:
            while drained < limit:
                readable, _, _ = select.select([sock], [], [], 0)
                if not readable:
                    break
                k = sock.recv_into(scratch, min(len(scratch), limit - drained))
                if k == 0:
                    raise self._lost("the server closed the connection", "服务器关闭了连接")
                drained += k
        except TimeoutError as err:  # pragma: no cover - select said readable
            raise self._lost(f"no data for {self._timeout_s:g} s", f"{self._timeout_s:g} 秒内未收到数据") from err
        except OSError as err:
            raise self._lost(err.strerror or str(err)) from err
        return drained

    def _after_retune(self) -> None:
        drained = self._drain_buffered()
        settle = 2 * int(round(self.settle_s * self.rate_sps))
        # keep sample alignment: an odd drain would swap I and Q
        if (drained + settle) % 2:
            settle += 1
        self._pending_discard = settle
        self.discarded_samples += drained // 2

    # -- Source interface ---------------------------------------------------------------------

    def set_settle(self, settle_s: float) -> None:
        """Samples to throw away after every retune (on top of what is already buffered)."""
        self.settle_s = float(settle_s)

    def tune(self, centre_hz: float) -> None:
        freq = int(round(centre_hz))
        if not 0 < freq < 1 << 32:
            raise MeetkitError(ErrorCode.INVALID_INPUT, f"cannot tune to {centre_hz} Hz", f"无法调谐到 {centre_hz} Hz")
        self.send_command(CMD_SET_FREQ, freq)
        self.centre_hz = float(freq)
        self._after_retune()

    def set_sample_rate(self, rate_sps: float) -> None:
        self.send_command(CMD_SET_SAMPLE_RATE, int(round(rate_sps)))
        self.rate_sps = float(int(round(rate_sps)))
        self._after_retune()

    def set_gain(self, gain_db: float | None) -> None:
        if gain_db is None:
            self.send_command(CMD_SET_GAIN_MODE, 0)
        else:
            self.send_command(CMD_SET_GAIN_MODE, 1)
            self.send_command(CMD_SET_GAIN, int(round(gain_db * 10)))
        self.gain_db = gain_db

    def set_ppm(self, ppm: int) -> None:
        self.send_command(CMD_SET_FREQ_CORRECTION, int(ppm))
        self.ppm = int(ppm)

    def set_agc(self, enabled: bool) -> None:
        """The RTL2832's digital AGC (separate from the tuner's gain mode)."""
        self.send_command(CMD_SET_AGC_MODE, 1 if enabled else 0)

    def read_cu8(self, n: int) -> tuple[memoryview, BlockInfo]:
        """``n`` samples as raw interleaved cu8 bytes (a view into a reused buffer: copy it if kept)."""
        if self._pending_discard:
            pending, self._pending_discard = self._pending_discard, 0
            self._discard(pending)
            self.discarded_samples += pending // 2
        nbytes = 2 * int(n)
        if len(self._buf) < nbytes:
            self._buf = bytearray(nbytes)
        view = memoryview(self._buf)[:nbytes]
        when = self._clock.now()
        self._recv_exact(view)
        return view, BlockInfo(centre_hz=self.centre_hz, rate_sps=self.rate_sps, gain_db=self.gain_db, time=when)

    def read(self, n: int) -> IQBlock:
        raw, info = self.read_cu8(n)
        return IQBlock(cu8_to_complex(raw), info)

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "rtltcp",
            "hw": f"RTL-SDR ({self.tuner_name} tuner) via rtl_tcp at {self.host}:{self.port}",
            "host": self.host,
            "port": self.port,
            "tuner": self.tuner_name,
            "tuner_type": self.tuner_type,
            "gain_count": self.gain_count,
            "rate_sps": self.rate_sps,
            "gain_db": self.gain_db,
            "ppm": self.ppm,
            "settle_s": self.settle_s,
            "discarded_samples": self.discarded_samples,
        }

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def __enter__(self) -> RtlTcpSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
