"""Acquisition benchmarks (figures for docs/sweep-acquisition.md; no assertions).

1. A full 24–1766 MHz pass against the simulator in realtime mode (10 ms settle, 32768 samples
   per hop): wall time against the plan's hardware time, hops × (settle + dwell). Target ≤ 1.15×.
2. Unpaced throughput through the rtl_tcp client (recv_into a preallocated buffer, cu8 → complex64),
   against a bare server in another process that streams a prepared buffer as fast as it can
   (the client's own speed), and against the simulator without pacing. Target ≥ 30 MS/s.

Run: .venv/bin/python benchmarks/bench_sweep_acquire.py [--quick] [--scenario NAME]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import socket
import struct
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from meetkit.clock import SystemClock
from meetkit.sweep.acquisition import Acquisition
from meetkit.sweep.hopplan import plan_span
from meetkit.sweep.sources.rtltcp import RtlTcpSource


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def _blast_server(port_queue: mp.Queue, seconds: float) -> None:  # type: ignore[type-arg]
    """A bare rtl_tcp-shaped server: header, then one prepared buffer over and over."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port_queue.put(listener.getsockname()[1])
    conn, _ = listener.accept()
    conn.sendall(b"RTL0" + struct.pack(">II", 5, 29))
    payload = bytes(range(256)) * 4096  # 1 MiB
    view = memoryview(payload)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            conn.sendall(view)
    except OSError:
        pass
    finally:
        conn.close()
        listener.close()


def throughput(src: RtlTcpSource, seconds: float, block_samples: int = 262144) -> float:
    src.read(block_samples)  # warm up
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        block = src.read(block_samples)
        n += len(block)
    wall = time.perf_counter() - t0
    print(f"    {n / wall / 1e6:7.1f} MS/s over {wall:.1f} s ({n / 1e6:.0f} MS read and converted to complex64)")
    return n / wall


def bench_client_unpaced(seconds: float) -> float:
    print("(2a) rtl_tcp client, unpaced, against a bare server process streaming a prepared buffer")
    ctx = mp.get_context("spawn")
    ports: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    proc = ctx.Process(target=_blast_server, args=(ports, seconds + 5), daemon=True)
    proc.start()
    port = ports.get(timeout=30)
    src = RtlTcpSource("127.0.0.1", port, clock=SystemClock())
    try:
        return throughput(src, seconds)
    finally:
        src.close()
        proc.join(timeout=10)
        if proc.is_alive():
            proc.terminate()


def bench_simulator_unpaced(scenario_path: Path, seconds: float) -> None:
    from meetkit.sweep.simulator import SimulatorServer, load_scenario

    print(f"(2b) rtl_tcp client, unpaced, against the simulator ({scenario_path.stem}, same process: shares the cores)")
    with SimulatorServer(load_scenario(scenario_path), seed=1, realtime=False) as server:
        src = RtlTcpSource("127.0.0.1", server.port, clock=SystemClock())
        try:
            src.set_sample_rate(2.4e6)
            src.tune(100e6)
            throughput(src, seconds)
        finally:
            src.close()


def bench_realtime_pass(scenario_path: Path, start_hz: float, stop_hz: float) -> None:
    from meetkit.sweep.simulator import SimulatorServer, load_scenario

    plan = plan_span(start_hz, stop_hz, settle_s=0.010, dwell_samples=32768)
    print(
        f"(1) realtime pass {start_hz / 1e6:.0f}–{stop_hz / 1e6:.0f} MHz against the simulator ({scenario_path.stem}): "
        f"{len(plan.hops)} hops, 10 ms settle, 32768 samples/hop"
    )
    with SimulatorServer(load_scenario(scenario_path), seed=1, realtime=True) as server:
        src = RtlTcpSource("127.0.0.1", server.port, clock=SystemClock())
        try:
            acq = Acquisition(src, plan, clock=SystemClock())
            result = acq.run()
        finally:
            src.close()
    hw = plan.hardware_time_s()
    print(f"    plan's hardware time {hw:.2f} s; wall time {result.wall_time_s:.2f} s; ratio {result.wall_time_s / hw:.3f}× (target ≤ 1.15×)")
    print(
        f"    hops {result.hops_done}/{len(plan.hops)}, dropped {result.dropped_samples} samples, "
        f"discarded (settle + stale) {result.discarded_samples} samples, partial={result.partial}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a 200 MHz realtime span and 2 s throughput runs")
    parser.add_argument("--scenario", default="clean-room", help="scenario in recordings/scenarios (default clean-room)")
    args = parser.parse_args()
    scenario = ROOT / "recordings" / "scenarios" / f"{args.scenario}.json"
    print(f"machine: {machine()}")
    seconds = 2.0 if args.quick else 5.0
    bench_client_unpaced(seconds)
    try:
        import meetkit.sweep.simulator  # noqa: F401
    except ImportError:
        print("(1)/(2b) skipped: meetkit.sweep.simulator is not installed")
        return
    bench_simulator_unpaced(scenario, seconds)
    if args.quick:
        bench_realtime_pass(scenario, 400e6, 600e6)
    else:
        bench_realtime_pass(scenario, 24e6, 1766e6)


if __name__ == "__main__":
    main()
