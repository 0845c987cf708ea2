"""CLI: badges — issue, reissue, revoke, print sheets, export the public key, list."""

from __future__ import annotations

import argparse
from pathlib import Path

from meetkit.attendees import get_attendee
from meetkit.badges import issue
from meetkit.badges.printing import print_badges
from meetkit.badges.sheets import LAYOUTS
from meetkit.cli.context import CliContext
from meetkit.errors import ErrorCode, InvalidInput, MeetkitError

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    p = sub.add_parser("badges", help="signed QR badges (胸卡)")
    g = p.add_subparsers(dest="badges_command", metavar="BADGES_COMMAND")
    g.required = True

    i = g.add_parser("issue", help="issue badges to approved attendees with a recorded pledge")
    i.add_argument("meeting", type=int)
    i.add_argument("attendees", nargs="*", type=int, metavar="ID", help="attendee ids (or --all)")
    i.add_argument("--all", action="store_true", help="every approved, pledged attendee without a badge")
    i.set_defaults(func=cmd_issue)

    r = g.add_parser("reissue", help="replace a lost or damaged badge (the old serial is revoked)")
    r.add_argument("meeting", type=int)
    r.add_argument("attendee", type=int)
    r.add_argument("--reason", required=True)
    r.set_defaults(func=cmd_reissue)

    v = g.add_parser("revoke", help="revoke a badge by serial")
    v.add_argument("meeting", type=int)
    v.add_argument("serial", type=int)
    v.add_argument("--reason", required=True)
    v.set_defaults(func=cmd_revoke)

    pr = g.add_parser("print", help="print badges to a PDF (A4 8-up with cut marks, or CR80 cards)")
    pr.add_argument("meeting", type=int)
    pr.add_argument("--layout", choices=LAYOUTS, default="a4-8up")
    pr.add_argument("--out", required=True, help="the PDF file to write")
    pr.add_argument("--png", metavar="DIR", help="also write one PNG per badge into DIR")
    pr.add_argument("--attendee", type=int, action="append", metavar="ID", help="only these attendees (repeatable)")
    pr.set_defaults(func=cmd_print)

    k = g.add_parser("export-key", help="write the meeting's public verification key (never the private key)")
    k.add_argument("meeting", type=int)
    k.add_argument("--out", required=True)
    k.set_defaults(func=cmd_export_key)

    ls = g.add_parser("list", help="list the badge register")
    ls.add_argument("meeting", type=int)
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--tokens", action="store_true", help="include the tokens (for a test scanner)")
    ls.set_defaults(func=cmd_list)


def cmd_issue(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.all == bool(args.attendees):
        raise InvalidInput("give attendee ids or --all (not both)", "请给出参会人员编号或 --all（二者选一）")
    made = issue.issue_badges(ctx.store(), ctx.clock, ctx.actor(), args.meeting, None if args.all else args.attendees)
    ctx.out({"issued": len(made), "serials": [b.serial for b in made]})
    return 0


def cmd_reissue(args: argparse.Namespace, ctx: CliContext) -> int:
    badge = issue.reissue(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.attendee, args.reason)
    ctx.out({"serial": badge.serial, "serial_text": badge.serial_text, "revoked_serial": badge.replaces_serial})
    return 0


def cmd_revoke(args: argparse.Namespace, ctx: CliContext) -> int:
    badge = issue.revoke(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.serial, args.reason)
    ctx.out({"serial": badge.serial, "revoked_at": badge.revoked_at})
    return 0


def cmd_print(args: argparse.Namespace, ctx: CliContext) -> int:
    result = print_badges(
        ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.out, args.layout,
        attendee_ids=args.attendee, png_dir=args.png,
    )
    ctx.out({"pdf": str(result.path), "layout": result.layout, "badges": result.badges, "pages": result.pages,
             "png": [str(p) for p in result.png_files]})
    return 0


def cmd_export_key(args: argparse.Namespace, ctx: CliContext) -> int:
    info = issue.export_public_key(ctx.store(), ctx.clock, ctx.actor(), args.meeting)
    out = Path(args.out)
    header = "".join(f"# {k}: {info[k]}\n" for k in ("meeting_id", "key_no", "algorithm", "fingerprint"))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(header + info["public_key_pem"], encoding="ascii")
    except OSError as err:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"cannot write {out}: {err.strerror or err}", f"无法写入 {out}：{err.strerror or err}") from err
    ctx.out({k: v for k, v in info.items() if k != "public_key_pem"} | {"file": str(out)})
    return 0


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.actor()
    store = ctx.store()
    rows = []
    for badge in issue.list_badges(store, args.meeting):
        data = badge.to_json()
        if not args.tokens:
            data.pop("token")
        holder = get_attendee(store, badge.attendee_id)
        data["name"] = holder.name
        data["holder_approved"] = holder.status == "approved"
        rows.append(data)
    if args.json:
        ctx.out(rows)
    else:
        zh = ctx.lang == "zh"
        for r in rows:
            if not r["active"]:
                reason = issue.revoke_reason(r["revoke_reason"], ctx.lang)
                state = f"作废 {reason}" if zh else f"revoked: {reason}"
            elif not r["holder_approved"]:
                state = "有效，持卡人未获审定：扫码拒绝" if zh else "valid, holder not approved: refused"
            else:
                state = "有效" if zh else "valid"
            if r["print_count"]:
                printed = f"已打印{r['print_count']}次" if zh else f"printed {r['print_count']}x"
            else:
                printed = "未打印" if zh else "not printed"
            line = f"{r['serial_text']}\t{r['attendee_id']}\t{r['name']}\t{state}\t{printed}"
            print(line + (f"\t{r['token']}" if args.tokens else ""))
    return 0



