"""The rtl_tcp client against a hand-made peer (wire format byte for byte) and the simulator."""

from __future__ import annotations

import datetime as dt
import socket
import struct
import time

import numpy as np
import pytest

try:
    from _rtltcp_peer import RtlTcpPeer
except ImportError:  # tests/sweep imported as a package
    from tests.sweep._rtltcp_peer import RtlTcpPeer
from meetkit.clock import FixedClock
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.sources import open_source, parse_rtltcp_spec
from meetkit.sweep.sources.rtltcp import RtlTcpSource, command, parse_header

CLOCK = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))


def wait_for(predicate, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


def test_header_is_parsed_and_commands_are_byte_exact() -> None:
    with RtlTcpPeer(tuner=5, gain_count=29) as peer:
        src = open_source(f"rtltcp:127.0.0.1:{peer.port}", CLOCK)
        try:
            assert isinstance(src, RtlTcpSource)
            assert (src.tuner_type, src.gain_count, src.tuner_name) == (5, 29, "R820T")
            src.tune(433.92e6)
            src.set_sample_rate(2.4e6)
            src.set_gain(None)
            src.set_gain(38.6)
            src.set_ppm(-3)
            src.set_agc(False)
            wait_for(lambda: len(peer.raw_commands) == 7 * 5)
        finally:
            src.close()
        assert bytes(peer.raw_commands[:5]) == b"\x01" + (433920000).to_bytes(4, "big")
        assert bytes(peer.raw_commands[5:10]) == b"\x02" + (2400000).to_bytes(4, "big")
        assert peer.commands[2:] == [(0x03, 0), (0x03, 1), (0x04, 386), (0x05, 0xFFFFFFFD), (0x08, 0)]


def test_command_encoding() -> None:
    assert command(0x01, 100_000_000) == b"\x01\x05\xf5\xe1\x00"
    assert command(0x05, -1) == b"\x05\xff\xff\xff\xff"
    assert parse_header(b"RTL0" + struct.pack(">II", 6, 12)) == (6, 12)


def test_read_gives_unit_scale_complex_with_metadata() -> None:
    with RtlTcpPeer(payload=bytes([255, 0, 127, 128]) * 4096, rate_bytes_per_s=None) as peer:
        with RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK) as src:
            src.set_sample_rate(2.4e6)
            raw, _ = src.read_cu8(2)  # after set_sample_rate the buffered bytes are dropped: re-align on a 4-byte pattern
            block = src.read(1000)
    assert block.samples.dtype == np.complex64 and len(block) == 1000
    assert block.info.rate_sps == 2.4e6 and block.info.time == CLOCK.now()
    parts = np.abs(np.concatenate([block.samples.real, block.samples.imag]))
    assert np.all(np.isclose(parts, 1.0) | np.isclose(parts, 0.5 / 127.5))


def test_no_stale_samples_after_retune() -> None:
    """Every byte read after a tune carries the tag of that tune: buffered and settle bytes are discarded."""
    with RtlTcpPeer(rate_bytes_per_s=4.8e6) as peer:
        with RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK, settle_s=0.010) as src:
            src.set_sample_rate(2.4e6)
            for i in range(12):
                src.tune(100e6 + i * 1e6)
                raw, info = src.read_cu8(32768)
                assert info.centre_hz == 100e6 + i * 1e6
                expected = 1 + ((i + 1) % 250)
                assert set(bytes(raw)) == {expected}, f"hop {i}: stale samples leaked"
                time.sleep(0.004 * (i % 3))  # let data pile up in the socket between hops
            assert src.discarded_samples >= 12 * 24000


def test_connection_closed_by_server_is_source_lost() -> None:
    with RtlTcpPeer(close_after_tunes=2) as peer:
        with RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK, timeout_s=2.0) as src:
            src.tune(100e6)
            src.read(1000)
            with pytest.raises(MeetkitError) as err:
                src.tune(101e6)
                for _ in range(100):
                    src.read(16384)
    assert err.value.code is ErrorCode.SOURCE_LOST
    assert "lost" in err.value.en
    assert "the server closed" not in err.value.zh  # the Chinese message is Chinese


def test_silent_server_times_out_as_source_lost() -> None:
    with RtlTcpPeer(silent=True) as peer:
        with RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK, timeout_s=0.3) as src:
            with pytest.raises(MeetkitError) as err:
                src.read(1000)
    assert err.value.code is ErrorCode.SOURCE_LOST
    assert "no data" in err.value.en
    assert "秒内未收到数据" in err.value.zh and "no data" not in err.value.zh


def test_not_an_rtl_tcp_server() -> None:
    with RtlTcpPeer(header=b"HTTP/1.1 200") as peer:
        with pytest.raises(MeetkitError) as err:
            RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK)
    assert err.value.code is ErrorCode.HARDWARE and "rtl_tcp" in err.value.en


def test_nothing_listening_says_so() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(MeetkitError) as err:
        open_source(f"rtltcp:127.0.0.1:{port}", CLOCK)
    assert err.value.code is ErrorCode.HARDWARE
    assert f"127.0.0.1:{port}" in err.value.en


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("rtltcp:127.0.0.1:1234", ("127.0.0.1", 1234)), ("rtltcp:pi.local", ("pi.local", 1234)), ("rtltcp:[::1]:7373", ("::1", 7373))],
)
def test_spec_parsing(spec: str, expected: tuple[str, int]) -> None:
    assert parse_rtltcp_spec(spec) == expected


@pytest.mark.parametrize("spec", ["rtltcp:", "rtltcp:host:0", "rtltcp:host:99999", "rtltcp:a:b:c", "rtlsdr:x"])
def test_bad_specs(spec: str) -> None:
    with pytest.raises(MeetkitError) as err:
        open_source(spec, CLOCK)
    assert err.value.code is ErrorCode.INVALID_INPUT


def test_usb_dongle_missing_says_how_to_install() -> None:
    """No dongle here (or no working librtlsdr): a HARDWARE error naming both ways to install."""
    import os

    if os.environ.get("MEETKIT_HARDWARE") == "1":
        pytest.skip("a dongle is attached")
    with pytest.raises(MeetkitError) as err:
        open_source("rtlsdr:0", CLOCK)
    assert err.value.code is ErrorCode.HARDWARE
    assert "apt-get install librtlsdr0" in err.value.en and "pip install pyrtlsdrlib" in err.value.en


@pytest.mark.hardware
@pytest.mark.skipif("os.environ.get('MEETKIT_HARDWARE') != '1'")
def test_usb_dongle_reads_samples() -> None:
    src = open_source("rtlsdr:0", CLOCK, settle_s=0.01)
    try:
        src.set_sample_rate(2.4e6)
        src.set_gain(None)
        src.tune(100e6)
        block = src.read(16384)
        assert len(block) == 16384 and block.info.centre_hz == 100e6
        assert np.all(np.abs(block.samples.real) <= 1.0)
    finally:
        src.close()
