"""CLI commands under 'meetkit sweep': simulate (the venue simulator as an rtl_tcp server)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any


def register(group: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = group.add_parser(
        "simulate",
        help="serve a simulated venue over rtl_tcp (模拟会场射频环境的 rtl_tcp 服务器)",
        description="An rtl_tcp server that synthesizes 8-bit IQ for whatever the client tunes, "
        "from a scenario of emitters. Runs until Ctrl-C.",
    )
    p.add_argument("--scenario", required=True,
                   help="scenario file, or the name of a shipped scenario (e.g. mic-and-phone)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=1234, help="TCP port (default 1234, as rtl_tcp; 0 picks a free one)")
    p.add_argument("--realtime", action="store_true", help="pace the samples at the sample rate, like a real dongle")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--outside", action="store_true",
                   help="drop the in-room emitters: what the dongle hears outside the room (baseline)")
    p.set_defaults(func=handle_simulate)


def handle_simulate(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.errors import ErrorCode, MeetkitError
    from meetkit.sweep.simulator import SimulatorServer, find_scenario, load_scenario

    scenario = load_scenario(find_scenario(args.scenario))
    server = SimulatorServer(scenario, host=args.host, port=args.port, realtime=args.realtime,
                             seed=args.seed, outside=args.outside)
    try:
        server.start()
    except OSError as err:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"cannot listen on {args.host}:{args.port}: {err.strerror}",
                           f"无法在 {args.host}:{args.port} 上监听：{err.strerror}") from err
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        where = "outside the room (baseline)" if args.outside else "in the room"
        where_zh = "室外（基线）" if args.outside else "室内"
        pace = "real time" if args.realtime else "unpaced"
        pace_zh = "实时" if args.realtime else "不限速"
        ctx.say(
            f"rtl_tcp simulator listening on {args.host}:{server.port}, scenario {scenario.name}, {where}, {pace} "
            f"(Ctrl-C to stop)",
            f"rtl_tcp 模拟器正在监听 {args.host}:{server.port}，场景 {scenario.name}，{where_zh}，{pace_zh}（按 Ctrl-C 停止）",
        )
        sys.stdout.flush()
        while not done.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    return 0
