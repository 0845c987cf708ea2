"""CLI: 'meetkit gui' opens the desktop application."""

from __future__ import annotations

import argparse

from meetkit.cli.context import CliContext


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gui", help="open the desktop application (打开图形界面)")
    p.set_defaults(func=cmd_gui)


def cmd_gui(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.gui.app import run_gui

    return run_gui(ctx.store_path, ctx.lang, ctx.clock)
