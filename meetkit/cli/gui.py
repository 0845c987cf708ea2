"""CLI: 'meetkit gui' opens the desktop application."""

from __future__ import annotations

import argparse
import os
import sys

from meetkit.cli.context import CliContext
from meetkit.errors import ErrorCode, MeetkitError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gui", help="open the desktop application (打开图形界面)")
    p.set_defaults(func=cmd_gui)


def cmd_gui(args: argparse.Namespace, ctx: CliContext) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise MeetkitError(
            ErrorCode.INVALID_STATE,
            "no display: run 'meetkit gui' on the desktop (DISPLAY or WAYLAND_DISPLAY unset)",
            "没有可用的显示器：请在桌面环境中运行 'meetkit gui'（未设置 DISPLAY 或 WAYLAND_DISPLAY）",
        )
    from meetkit.gui.app import run_gui

    return run_gui(ctx.store_path, ctx.lang, ctx.clock)
