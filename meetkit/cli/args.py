"""Argument shapes that several CLI modules share: a command group with its required action,
a command with its handler (most take the meeting first), the ``--json`` switch, and reading
a file the user names."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from meetkit.errors import InvalidInput

Sub = argparse._SubParsersAction  # type: ignore[type-arg]
Handler = Callable[..., int]


def group(sub: Sub, name: str, help: str, dest: str, metavar: str) -> Sub:
    """``meetkit NAME ACTION …``: a parser whose action is required; returns its sub-parsers."""
    parser = sub.add_parser(name, help=help)
    actions = parser.add_subparsers(dest=dest, metavar=metavar)
    actions.required = True
    return actions


def command(
    sub: Sub, name: str, help: str, func: Handler, *, meeting: bool = False, meeting_help: str | None = None
) -> argparse.ArgumentParser:
    """A command that runs ``func(args, ctx)``; with ``meeting`` its first argument is the
    meeting's id (an int), with ``meeting_help`` as its help text."""
    parser = sub.add_parser(name, help=help)
    if meeting:
        add_meeting(parser, meeting_help)
    parser.set_defaults(func=func)
    return parser


def add_meeting(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    parser.add_argument("meeting", type=int, help=help)


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def read_file(path: str) -> bytes:
    """The bytes of a file the user named; a file that cannot be read is a user error."""
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise InvalidInput(f"cannot read {path}: {err.strerror}", f"无法读取 {path}：{err.strerror}") from err


__all__ = ["Sub", "add_json", "add_meeting", "command", "group", "read_file"]
