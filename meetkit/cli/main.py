"""Entry point of the ``meetkit`` command.

Each area of the kit has a module here with ``register(sub)``, which adds its commands to
the sub-parser collection and sets ``func=handler`` on each; a handler has the signature
``handler(args, ctx: CliContext) -> int``. A :class:`~meetkit.errors.MeetkitError` becomes one
clear line on stderr and exit code 2; a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from meetkit import __version__
from meetkit.cli.context import CliContext
from meetkit.errors import MeetkitError

EXIT_USER_ERROR = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a pipe cut short


def build_parser() -> argparse.ArgumentParser:
    from meetkit.cli import (
        badges,
        checklist,
        desk,
        docs,
        foundation,
        gui,
        sweep,
    )

    parser = argparse.ArgumentParser(
        prog="meetkit",
        description="meetkit: operations kit for confidential meetings (会议保密工作套件)",
    )
    parser.add_argument("--version", action="version", version=f"meetkit {__version__}")
    parser.add_argument("--db", help="store file (default: MEETKIT_DB or the user data directory)")
    parser.add_argument("--passphrase-file", help="read the store passphrase from this file")
    parser.add_argument("--operator", help="act as this operator (default: MEETKIT_OPERATOR)")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of messages (default: MEETKIT_LANG or zh)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in (foundation, gui, badges, desk, docs, checklist, sweep):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx = CliContext.from_args(args)
    try:
        return int(args.func(args, ctx) or 0)
    except MeetkitError as err:
        if args.debug:
            raise
        print(f"meetkit: {err.text(ctx.lang)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # the reader went away (`meetkit … | head`): what was done is done (and committed); stop
        # quietly instead of a traceback, and keep Python's final flush from raising again
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("meetkit: " + ("已中断" if ctx.lang == "zh" else "interrupted"), file=sys.stderr)
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    raise SystemExit(main())
