"""The acquisition engine over real sockets: hop metadata, drops counted, lost source → partial."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import numpy as np
import pytest

try:
    from _rtltcp_peer import RtlTcpPeer
except ImportError:  # tests/sweep imported as a package
    from tests.sweep._rtltcp_peer import RtlTcpPeer
from meetkit.clock import FixedClock
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.acquisition import Acquisition
from meetkit.sweep.hopplan import plan_span
from meetkit.sweep.sources import open_source
from meetkit.sweep.sources.recording import RecordingSource
from meetkit.sweep.sources.rtltcp import RtlTcpSource

CLOCK = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "recordings-real"


def test_blocks_carry_hop_pass_and_keep_band() -> None:
    plan = plan_span(100e6, 110e6, dwell_samples=4096, settle_s=0.002, passes=2)
    with RtlTcpPeer(rate_bytes_per_s=None) as peer:
        src = RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK)
        acq = Acquisition(src, plan, gain_db=20.7, ppm=2, clock=CLOCK)
        blocks = list(acq.blocks())
        deadline = time.monotonic() + 5
        while peer.tunes < 2 * len(plan.hops) and time.monotonic() < deadline:
            time.sleep(0.005)  # the peer reads commands between chunks
        src.close()
        commands = list(peer.commands)
    n = len(plan.hops)
    assert n == 6
    assert [(b.info.pass_index, b.info.hop_index) for b in blocks] == [(p, h) for p in range(2) for h in range(n)]
    for b in blocks:
        hop = plan.hops[b.info.hop_index]
        assert len(b) == 4096 and b.info.centre_hz == plan.centre_for_pass(hop, b.info.pass_index)  # odd passes shifted off the DC
        assert b.info.extra["keep_lo_hz"] == hop.keep_lo_hz and b.info.extra["keep_hi_hz"] == hop.keep_hi_hz
        assert b.info.gain_db == 20.7
    assert acq.result.hops_done == 12 and acq.result.passes_done == 2
    assert not acq.result.partial and acq.result.error is None
    assert acq.result.dropped_samples == 0 and acq.result.samples_delivered == 12 * 4096
    # the receiver was set up before the first tune: rate, manual gain 20.7 dB, ppm 2
    assert commands[:4] == [(0x02, 2400000), (0x03, 1), (0x04, 207), (0x05, 2)]
    assert [c for c in commands if c[0] == 0x01] == [(0x01, int(plan.centre_for_pass(h, p))) for p in range(2) for h in plan.hops]


def test_slow_consumer_drops_are_counted_never_silent() -> None:
    plan = plan_span(100e6, 120e6, dwell_samples=8192, settle_s=0.0)
    hops = len(plan.hops)
    with RtlTcpPeer(rate_bytes_per_s=None) as peer:
        src = RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK)
        acq = Acquisition(src, plan, clock=CLOCK, queue_blocks=2)
        got = []
        for block in acq.blocks():
            got.append(block)
            if len(got) == 1:  # processing stalls until capture has walked every hop
                deadline = time.monotonic() + 10
                while acq.result.hops_done < hops and time.monotonic() < deadline:
                    time.sleep(0.01)
        src.close()
    r = acq.result
    assert r.hops_done == hops
    assert r.blocks_delivered == len(got) and r.blocks_delivered + r.blocks_dropped == hops
    assert r.blocks_dropped >= hops - 3
    assert r.dropped_samples == r.blocks_dropped * 8192
    assert not r.partial


def test_dropped_samples_are_reported_on_the_next_delivered_block() -> None:
    plan = plan_span(100e6, 200e6, dwell_samples=4096, settle_s=0.0)  # 56 hops, paced like a dongle
    with RtlTcpPeer(rate_bytes_per_s=4.8e6, chunk_bytes=4096) as peer:
        src = RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK)
        acq = Acquisition(src, plan, clock=CLOCK, queue_blocks=1)
        got = []
        for block in acq.blocks():
            got.append(block)
            if len(got) == 1:
                while acq.result.blocks_dropped < 2:
                    time.sleep(0.001)
        src.close()
    r = acq.result
    reported = sum(b.info.dropped for b in got)
    assert reported >= 2 * 4096  # the first block after the stall says what was lost before it
    assert reported <= r.dropped_samples and (r.dropped_samples - reported) % 4096 == 0
    assert r.blocks_delivered + r.blocks_dropped == len(plan.hops) == r.hops_done


def test_server_closing_mid_sweep_gives_partial_result_with_message() -> None:
    plan = plan_span(100e6, 130e6, dwell_samples=32768, settle_s=0.001)
    with RtlTcpPeer(close_after_tunes=6, rate_bytes_per_s=4.8e6) as peer:
        src = RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK, timeout_s=2.0)
        acq = Acquisition(src, plan, clock=CLOCK)
        blocks = list(acq.blocks())
        src.close()
    r = acq.result
    # the 6th tune closes the connection; bytes already in the socket may still complete hop 6
    assert len(blocks) in (5, 6) and r.hops_done == len(blocks)
    assert r.partial and r.passes_done == 0
    assert r.error is not None and "lost" in r.error and f"hop {len(blocks) + 1} of {len(plan.hops)}" in r.error
    assert "已中断" in (r.error_zh or "")


def test_lost_before_anything_was_read_raises() -> None:
    plan = plan_span(100e6, 110e6, dwell_samples=4096)
    with RtlTcpPeer(close_after_tunes=1) as peer:
        src = RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK, timeout_s=2.0)
        acq = Acquisition(src, plan, clock=CLOCK)
        with pytest.raises(MeetkitError) as err:
            list(acq.blocks())
        src.close()
    assert err.value.code is ErrorCode.SOURCE_LOST
    assert acq.result.partial


def test_stop_event_ends_early_and_marks_partial() -> None:
    plan = plan_span(100e6, 200e6, dwell_samples=4096, settle_s=0.0)
    stop = threading.Event()
    with RtlTcpPeer(rate_bytes_per_s=None) as peer:
        src = RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK)
        acq = Acquisition(src, plan, clock=CLOCK, stop_event=stop)
        count = 0
        for _ in acq.blocks():
            count += 1
            if count == 3:
                stop.set()
        src.close()
    assert acq.result.stopped and acq.result.partial
    assert acq.result.hops_done < len(plan.hops)


def test_consumer_breaking_out_stops_capture_thread() -> None:
    plan = plan_span(100e6, 300e6, dwell_samples=4096, settle_s=0.0)
    with RtlTcpPeer(rate_bytes_per_s=None) as peer:
        src = RtlTcpSource("127.0.0.1", peer.port, clock=CLOCK)
        acq = Acquisition(src, plan, clock=CLOCK)
        gen = acq.blocks()
        next(gen)
        gen.close()
        src.close()
    assert acq._thread is not None and not acq._thread.is_alive()
    assert acq.result.hops_done < len(plan.hops) and acq.result.partial


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/recordings-real not present")
def test_recording_replays_through_the_same_engine() -> None:
    src = open_source(str(REAL / "ism-433MHz-ook-bursts.sigmf-meta"), CLOCK)
    assert isinstance(src, RecordingSource)
    acq = Acquisition(src, None, clock=CLOCK, queue_blocks=2)
    blocks = list(acq.blocks())
    src.close()
    assert sum(len(b) for b in blocks) == 262144 and len(blocks) == 8
    assert all(b.info.centre_hz == 433.92e6 and b.info.rate_sps == 250e3 for b in blocks)
    assert acq.result.dropped_samples == 0 and not acq.result.partial
    assert acq.result.passes_done == 1
    # OOK bursts: the strongest block is far above the quietest
    power = [float(np.mean(np.abs(b.samples) ** 2)) for b in blocks]
    assert max(power) > 2 * min(power)


# -- against the venue simulator (a real rtl_tcp server on 127.0.0.1) ------------------------------

SCENARIOS = Path(__file__).resolve().parents[2] / "recordings" / "scenarios"


def peak(samples: np.ndarray, centre_hz: float, rate: float, nfft: int = 4096) -> tuple[float, float]:
    x = samples[: len(samples) // nfft * nfft].reshape(-1, nfft) * np.hanning(nfft)
    p = np.max(np.abs(np.fft.fftshift(np.fft.fft(x, axis=1), axes=1)) ** 2, axis=0)  # max-hold: bursts count
    p[nfft // 2 - 3 : nfft // 2 + 4] = np.median(p)
    k = int(np.argmax(p))
    return centre_hz + (k - nfft // 2) * rate / nfft, 10 * np.log10(p[k] / np.median(p))


def test_whole_sweep_against_the_simulator_finds_the_gsm_handset() -> None:
    sim = pytest.importorskip("meetkit.sweep.simulator")
    from meetkit.sweep.hopplan import plan_profile
    from meetkit.sweep.profiles import load_profile

    plan = plan_profile(load_profile("phones"), dwell_samples=32768, passes=2)
    with sim.SimulatorServer(sim.load_scenario(SCENARIOS / "mic-and-phone.json"), seed=5) as server:
        src = open_source(f"rtltcp:127.0.0.1:{server.port}", CLOCK)
        acq = Acquisition(src, plan, gain_db=None, clock=CLOCK)
        blocks = list(acq.blocks())
        src.close()
    assert acq.result.hops_done == 2 * len(plan.hops) and not acq.result.partial
    assert [b.info.hop_index for b in blocks] == [h.index for h in plan.hops] * 2
    gsm_hop = next(h for h in plan.hops if h.keep_lo_hz <= 897.4e6 < h.keep_hi_hz)
    found = [peak(b.samples, b.info.centre_hz, b.info.rate_sps) for b in blocks if b.info.hop_index == gsm_hop.index]
    assert any(abs(f - 897.4e6) < 100e3 and snr > 15 for f, snr in found)  # GSM uplink bursts at 897.4 MHz


def test_simulator_going_away_mid_sweep_keeps_what_was_captured() -> None:
    sim = pytest.importorskip("meetkit.sweep.simulator")
    plan = plan_span(24e6, 1766e6, dwell_samples=16384, settle_s=0.005)
    server = sim.SimulatorServer(sim.load_scenario(SCENARIOS / "empty-room.json"), seed=1)
    server.start()
    try:
        src = open_source(f"rtltcp:127.0.0.1:{server.port}", CLOCK, timeout_s=2.0)
        acq = Acquisition(src, plan, clock=CLOCK)
        got = 0
        for _ in acq.blocks():
            got += 1
            if got == 20:
                server.stop()  # the Pi loses power
        src.close()
    finally:
        server.stop()
    r = acq.result
    assert r.partial and r.error is not None and "lost" in r.error
    assert 20 <= got == r.blocks_delivered < len(plan.hops)
    assert f"of {len(plan.hops)}" in r.error
