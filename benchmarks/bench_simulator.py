"""Venue simulator figures: synthesis rate, unpaced rate served over a socket, real-time pacing.

    .venv/bin/python benchmarks/bench_simulator.py [--scenario mic-and-phone] [--quick]

Prints one line per figure (MS/s are million complex samples per second, one core).
"""

from __future__ import annotations

import argparse
import socket
import struct
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meetkit.sweep.simulator import (
    SimulatorServer,
    Synthesizer,
    find_scenario,
    load_scenario,
)

RATE = 2.4e6
HOP_STEP_HZ = RATE * 0.75  # a 25 % crop plan's hop spacing
SETTLE = 24_000  # 10 ms at 2.4 MS/s
DWELL = 32_768


def sweep_centres() -> np.ndarray:
    return np.arange(24e6 + RATE * 0.375, 1766e6, HOP_STEP_HZ)


def bench_synth(scenario_path: Path, quick: bool) -> None:
    sc = load_scenario(scenario_path)
    s = Synthesizer(sc)
    s.set_rate(RATE)
    s.read(16384)  # builds the noise ring
    for label, centre in (("empty band (noise ring)", 300e6), ("FM broadcast band", 97e6),
                          ("GSM handset hop (bursts gated)", 897.2e6), ("LTE handset hop (subframes gated)", 1720e6)):
        s.tune(centre)
        s.read(16384)
        t0 = time.perf_counter()
        n = 0
        while time.perf_counter() - t0 < (0.5 if quick else 1.5):
            s.read(65536)
            n += 65536
        print(f"synthesis, {label}: {n / (time.perf_counter() - t0) / 1e6:.0f} MS/s")
    centres = sweep_centres()
    for label in ("first pass, rings built", "second pass, rings cached"):
        t0 = time.perf_counter()
        for c in centres:
            s.tune(float(c))
            s.read(SETTLE + DWELL)
        dt = time.perf_counter() - t0
        print(f"synthesis, 24-1766 MHz sweep ({len(centres)} hops x {SETTLE + DWELL} samples), {label}: "
              f"{len(centres) * (SETTLE + DWELL) / dt / 1e6:.0f} MS/s ({dt:.2f} s per pass)")


def _recv_exact(sock: socket.socket, view: memoryview) -> None:
    got = 0
    while got < len(view):
        k = sock.recv_into(view[got:])
        if not k:
            raise ConnectionError("server closed")
        got += k


def _drain(sock: socket.socket) -> None:
    sock.setblocking(False)
    try:
        while True:
            try:
                if not sock.recv(1 << 20):
                    return
            except BlockingIOError:
                return
    finally:
        sock.setblocking(True)


def bench_served(scenario_path: Path, quick: bool) -> None:
    sc = load_scenario(scenario_path)
    buf = bytearray(2 * (SETTLE + DWELL))
    with SimulatorServer(sc) as srv, socket.create_connection(("127.0.0.1", srv.port)) as sock:
        _recv_exact(sock, memoryview(bytearray(12)))
        sock.sendall(struct.pack(">BI", 2, int(RATE)))
        for label, centre in (("empty band", 300e6), ("GSM handset hop", 897.2e6)):
            sock.sendall(struct.pack(">BI", 1, int(centre)))
            _drain(sock)
            t0 = time.perf_counter()
            n = 0
            while time.perf_counter() - t0 < (0.5 if quick else 1.5):
                _recv_exact(sock, memoryview(buf))
                n += len(buf) // 2
            print(f"served unpaced to a raw socket reader, {label}: {n / (time.perf_counter() - t0) / 1e6:.0f} MS/s")
        centres = sweep_centres()
        for label in ("first pass", "second pass"):
            t0 = time.perf_counter()
            for c in centres:
                sock.sendall(struct.pack(">BI", 1, int(c)))
                _drain(sock)
                _recv_exact(sock, memoryview(buf))
            dt = time.perf_counter() - t0
            print(f"served unpaced, 24-1766 MHz sweep with retune+drain per hop, {label}: "
                  f"{len(centres) * (SETTLE + DWELL) / dt / 1e6:.0f} MS/s ({dt:.2f} s per pass)")


def bench_realtime(scenario_path: Path, quick: bool) -> None:
    sc = load_scenario(scenario_path)
    seconds = 1.0 if quick else 3.0
    with SimulatorServer(sc, realtime=True) as srv, socket.create_connection(("127.0.0.1", srv.port)) as sock:
        _recv_exact(sock, memoryview(bytearray(12)))
        sock.sendall(struct.pack(">BI", 2, int(RATE)) + struct.pack(">BI", 1, 897_200_000))
        _recv_exact(sock, memoryview(bytearray(2 * 24_000)))
        buf = memoryview(bytearray(2 * 9600))
        t0 = time.perf_counter()
        n = 0
        while n < seconds * RATE:
            _recv_exact(sock, buf)
            n += len(buf) // 2
        dt = time.perf_counter() - t0
        print(f"real-time pacing at 2.4 MS/s: {n / dt / 1e6:.4f} MS/s delivered ({n / RATE / dt:.4f} x real time)")
        hops = 40 if quick else 150
        t0 = time.perf_counter()
        per_hop = memoryview(bytearray(2 * (SETTLE + DWELL)))
        for c in sweep_centres()[:hops]:
            sock.sendall(struct.pack(">BI", 1, int(c)))
            _drain(sock)
            _recv_exact(sock, per_hop)
        dt = time.perf_counter() - t0
        hw = hops * (SETTLE + DWELL) / RATE
        print(f"real-time sweep, {hops} hops of 10 ms settle + 32k dwell: wall {dt:.2f} s = {dt / hw:.3f} x hardware time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default="mic-and-phone")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    path = find_scenario(args.scenario)
    print(f"scenario {path.stem}")
    bench_synth(path, args.quick)
    bench_served(path, args.quick)
    bench_realtime(path, args.quick)


if __name__ == "__main__":
    main()
