"""The 'meetkit sweep' command group: acquisition, simulator and analysis commands."""

from __future__ import annotations

import argparse

from meetkit.cli import sweep_acquire, sweep_analysis, sweep_simulate


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("sweep", help="RF sweep of the venue (射频检测)")
    group = parser.add_subparsers(dest="sweep_command", metavar="SWEEP_COMMAND")
    group.required = True
    sweep_acquire.register(group)
    sweep_simulate.register(group)
    sweep_analysis.register(group)
