"""CLI: ``meetkit signin`` (a scanner session or one token) and ``meetkit desk ...``
(admission without a badge, device custody, presence, attendance report)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import BinaryIO

from meetkit import operators
from meetkit.cli.context import CliContext, read_secret
from meetkit.desk import attendance, custody, presence
from meetkit.desk.signin import Desk
from meetkit.errors import ErrorCode, InvalidInput, MeetkitError

Sub = argparse._SubParsersAction  # type: ignore[type-arg]
MAX_LINE = 16384  # longer input lines are junk: answered as one MALFORMED scan


class _IntermixedParser(argparse.ArgumentParser):
    """Lets the optional TOKEN come after ``--desk NAME`` (``signin M --desk 东门 TOKEN``):
    plain argparse binds optional positionals before it sees later options."""

    _mixing = False

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def, override]
        if self._mixing:
            return super().parse_known_args(args, namespace)
        self._mixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._mixing = False


def register(sub: Sub) -> None:
    s = sub.add_parser("signin", help="sign-in at the door: one token, or a scanner session on stdin (签到)")
    s.__class__ = _IntermixedParser
    s.add_argument("meeting", type=int)
    s.add_argument("--desk", required=True, help="name of this desk, e.g. 东门")
    s.add_argument("token", nargs="?", help="one token; without it, read one per line from stdin")
    s.add_argument("--exit", action="store_true", help="exit scans (people leaving)")
    s.set_defaults(func=cmd_signin)

    p = sub.add_parser("desk", help="registration desk: admission without badge, device custody, presence, attendance (签到台)")
    g = p.add_subparsers(dest="desk_command", metavar="DESK_COMMAND")
    g.required = True

    a = g.add_parser("admit-without-badge", help="admit an approved attendee who forgot the badge (supervisor confirms)")
    a.add_argument("meeting", type=int)
    a.add_argument("attendee", type=int)
    a.add_argument("--desk", required=True)
    a.add_argument("--reason", required=True)
    a.add_argument("--id-check", required=True, help="how identity was checked, e.g. '查验身份证'")
    a.add_argument("--supervisor", required=True, help="chair or admin confirming in person (password: MEETKIT_SUPERVISOR_PASSWORD or prompt)")
    a.set_defaults(func=cmd_admit)

    c = g.add_parser("custody", help="phones and devices kept at the door (手机代管)")
    cg = c.add_subparsers(dest="custody_command", metavar="CUSTODY_COMMAND")
    cg.required = True
    d = cg.add_parser("deposit", help="take items into custody against a tag or locker")
    d.add_argument("meeting", type=int)
    who = d.add_mutually_exclusive_group(required=True)
    who.add_argument("--attendee", type=int)
    who.add_argument("--badge", help="a scanned badge token")
    d.add_argument("--tag", required=True, help="numbered tag or locker, e.g. T017")
    d.add_argument("--items", default="手机", help="what, e.g. '手机, 平板'")
    d.add_argument("--count", type=int, default=1)
    d.add_argument("--desk", default="主入口", help="the desk taking the items (default 主入口)")
    d.set_defaults(func=cmd_deposit)
    r = cg.add_parser("return", help="hand items back (by tag, attendee or badge)")
    r.add_argument("meeting", type=int)
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("--tag")
    which.add_argument("--attendee", type=int)
    which.add_argument("--badge")
    r.add_argument("--desk", default="主入口", help="the desk handing back (default 主入口)")
    r.set_defaults(func=cmd_return)
    ls = cg.add_parser("list", help="items still in custody")
    ls.add_argument("meeting", type=int)
    ls.add_argument("--history", action="store_true", help="every deposit and return")
    ls.set_defaults(func=cmd_custody_list)

    pr = g.add_parser("presence", help="who is in now, with counts and items still in custody")
    pr.add_argument("meeting", type=int)
    pr.add_argument("--all", action="store_true", help="every approved attendee, not only those present")
    pr.set_defaults(func=cmd_presence)

    at = g.add_parser("attendance", help="attendance report (.pdf or .csv)")
    at.add_argument("meeting", type=int)
    at.add_argument("--out", required=True)
    at.set_defaults(func=cmd_attendance)


def scanner_lines(stream: BinaryIO) -> Iterator[str]:
    """Lines from a scanner: any bytes, decoded leniently; an over-long line becomes one
    (truncated) item instead of unbounded memory; blank lines are skipped."""
    while True:
        chunk = stream.readline(MAX_LINE)
        if not chunk:
            return
        if len(chunk) >= MAX_LINE and not chunk.endswith(b"\n"):
            while True:  # drop the rest of the over-long line
                more = stream.readline(MAX_LINE)
                if not more or more.endswith(b"\n"):
                    break
        text = chunk.decode("utf-8", errors="replace").rstrip("\r\n")
        if text.strip():
            yield text


def cmd_signin(args: argparse.Namespace, ctx: CliContext) -> int:
    desk = Desk(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.desk)
    if args.token is not None:
        result = desk.scan(args.token, exit=args.exit)
        ctx.out(result.to_json(ctx.lang))
        return 0 if result.verdict.kind == "ok" else 1
    for line in scanner_lines(sys.stdin.buffer):
        ctx.out(desk.scan(line, exit=args.exit).to_json(ctx.lang))
    return 0


def cmd_admit(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store()
    actor = ctx.actor()
    password = read_secret("MEETKIT_SUPERVISOR_PASSWORD", f"Password for {args.supervisor} (批准人密码): ")
    if password is None:
        raise MeetkitError(ErrorCode.AUTH_FAILED, "no supervisor password: set MEETKIT_SUPERVISOR_PASSWORD or run in a terminal", "缺少批准人密码")
    supervisor = operators.verify_password_of(store, ctx.clock, args.supervisor, password)
    admission = presence.admit_without_badge(store, ctx.clock, actor, supervisor, args.meeting, args.attendee, args.desk, args.reason, args.id_check)
    ctx.out({"admission_id": admission, "attendee_id": args.attendee, "supervisor": supervisor.name})
    return 0


def _attendee(args: argparse.Namespace, ctx: CliContext) -> int:
    if getattr(args, "badge", None):
        return custody.attendee_from_badge(ctx.store(), ctx.clock, args.meeting, args.badge)
    if args.attendee is None:
        raise InvalidInput("say whose items: --attendee or --badge", "请指明物主：--attendee 或 --badge")
    return int(args.attendee)


def cmd_deposit(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.actor()
    holding = custody.deposit(ctx.store(), ctx.clock, actor, args.meeting, _attendee(args, ctx), args.tag, args.items, args.count, args.desk)
    ctx.out(holding.to_json())
    return 0


def cmd_return(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.actor()
    if args.tag:
        returned = custody.return_items(ctx.store(), ctx.clock, actor, args.meeting, tag=args.tag, desk=args.desk)
    else:
        returned = custody.return_items(ctx.store(), ctx.clock, actor, args.meeting, attendee_id=_attendee(args, ctx), desk=args.desk)
    ctx.out({"returned": [h.to_json() for h in returned]})
    return 0


def cmd_custody_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.actor()
    if args.history:
        ctx.out(custody.history(ctx.store(), args.meeting))
    else:
        ctx.out([h.to_json() for h in custody.held(ctx.store(), args.meeting)])
    return 0


def cmd_presence(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.actor()
    store = ctx.store()
    rows = presence.presence(store, args.meeting, only_present=not args.all)
    ctx.out({"counts": presence.counts(store, args.meeting).to_json(), "people": [r.to_json() for r in rows]})
    return 0


def cmd_attendance(args: argparse.Namespace, ctx: CliContext) -> int:
    path = attendance.export(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.out)
    ctx.out({"file": str(path)})
    return 0
