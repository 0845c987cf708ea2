"""CLI: init, operator, meeting, attendees, audit."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from meetkit import attendees, audit, meetings, operators
from meetkit.audit_labels import action_label
from meetkit.cli.args import Sub, add_json, command, group, read_file
from meetkit.cli.context import CliContext, read_secret
from meetkit.errors import ErrorCode, InvalidInput, MeetkitError
from meetkit.i18n import Translator


def register(sub: Sub) -> None:
    p = command(sub, "init", "create the store and its first admin (创建数据库与管理员)", cmd_init)
    p.add_argument("--admin", required=True, help="name of the first admin operator")
    p.add_argument("--no-encrypt", action="store_true", help="create an UNENCRYPTED store (not for classified data)")

    _register_operator(sub)
    _register_meeting(sub)
    _register_attendees(sub)
    _register_audit(sub)


# ---- init ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.store import create_store

    path = ctx.store_path
    if path.exists() and path.stat().st_size > 0:
        raise MeetkitError(ErrorCode.STORE_EXISTS, f"a store already exists at {path}; nothing was changed", f"{path} 已有数据库，未做任何更改")
    passphrase = None
    if not args.no_encrypt:
        passphrase = ctx.passphrase("New store passphrase (新数据库口令): ")
        if passphrase is None:
            raise InvalidInput(
                "no passphrase: set MEETKIT_PASSPHRASE, use --passphrase-file, or run in a terminal",
                "缺少口令：请设置 MEETKIT_PASSPHRASE、使用 --passphrase-file 或在终端中运行",
            )
        if sys.stdin is not None and sys.stdin.isatty() and not args.passphrase_file and "MEETKIT_PASSPHRASE" not in __import__("os").environ:
            again = read_secret("__MEETKIT_NO_ENV__", "Repeat the passphrase (再次输入口令): ")
            if again != passphrase:
                raise InvalidInput("the passphrases differ; nothing was created", "两次输入的口令不一致，未创建数据库")
    else:
        print("meetkit: WARNING: creating an UNENCRYPTED store; do not keep classified data in it", file=sys.stderr)
    password = read_secret("MEETKIT_OPERATOR_PASSWORD", f"Password for {args.admin} (管理员密码): ")
    if password is None:
        raise InvalidInput("no admin password: set MEETKIT_OPERATOR_PASSWORD or run in a terminal", "缺少管理员密码")
    operators._validate_password(password)
    operators._validate_name(args.admin)
    store = create_store(path, passphrase)
    try:
        operators.create_first_admin(store, ctx.clock, args.admin, password)
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    store.close()
    ctx.say(
        f"created {'encrypted' if passphrase else 'UNENCRYPTED'} store {path} with admin {args.admin}",
        f"已创建{'加密' if passphrase else '未加密'}数据库 {path}，管理员 {args.admin}",
    )
    return 0


# ---- operators ----------------------------------------------------------------------------


def _register_operator(sub: Sub) -> None:
    g = group(sub, "operator", "operators and roles (操作员)", "operator_command", "OPERATOR_COMMAND")
    add = command(g, "add", "add an operator (password from NEW_OPERATOR_PASSWORD or a prompt)", cmd_operator_add)
    add.add_argument("name")
    add.add_argument("--role", dest="roles", action="extend", nargs="+", required=True, choices=operators.ROLES, help="one or more roles: --role secretary chair")
    add.add_argument("--display-name", default="")
    add_json(command(g, "list", "list operators", cmd_operator_list))
    command(g, "disable", "disable an operator", cmd_operator_disable).add_argument("name")


def cmd_operator_add(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.actor()
    password = read_secret("NEW_OPERATOR_PASSWORD", f"Password for the new operator {args.name}: ")
    if password is None:
        raise InvalidInput("no password for the new operator: set NEW_OPERATOR_PASSWORD or run in a terminal", "缺少新操作员的密码")
    made = operators.add_operator(ctx.store(), ctx.clock, actor, args.name, password, args.roles, args.display_name)
    ctx.out({"id": made.id, "name": made.name, "roles": sorted(made.roles)})
    return 0


def cmd_operator_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.actor()
    rows = operators.list_operators(ctx.store())
    if args.json:
        ctx.out(rows)
    else:
        for row in rows:
            flag = " (disabled)" if row["disabled"] else ""
            print(f"{row['name']}\t{','.join(row['roles'])}{flag}")
    return 0


def cmd_operator_disable(args: argparse.Namespace, ctx: CliContext) -> int:
    operators.disable_operator(ctx.store(), ctx.clock, ctx.actor(), args.name)
    ctx.say(f"operator {args.name} disabled", f"已停用操作员 {args.name}")
    return 0


# ---- meetings -----------------------------------------------------------------------------


def _register_meeting(sub: Sub) -> None:
    g = group(sub, "meeting", "meetings (会议)", "meeting_command", "MEETING_COMMAND")
    c = command(g, "create", "create a meeting", cmd_meeting_create)
    c.add_argument("--title", required=True)
    c.add_argument("--level", required=True, help="绝密 | 机密 | 秘密 | 内部 (or top-secret, secret, confidential, internal)")
    c.add_argument("--venue", default="")
    c.add_argument("--starts", required=True, help="ISO date-time, e.g. 2026-12-01T09:00 (Beijing time unless an offset is given)")
    c.add_argument("--ends", required=True)
    c.add_argument("--chair", default="")
    c.add_argument("--organizer", default="")
    add_json(c)
    add_json(command(g, "list", "list meetings", cmd_meeting_list))
    add_json(command(g, "show", "show one meeting", cmd_meeting_show, meeting=True))
    ad = command(g, "advance", "move a meeting to its next state", cmd_meeting_advance, meeting=True)
    ad.add_argument("--to", required=True, choices=meetings.STATES)
    ad.add_argument("--override", metavar="REASON", help="chair only: pass a blocking gate, with the reason")
    rm = command(g, "add-room", "add a room (meeting room, side room, lodging room)", cmd_meeting_add_room, meeting=True)
    rm.add_argument("name")
    rm.add_argument("--kind", choices=meetings.ROOM_KINDS, default="meeting")
    rs = command(g, "relay-scope", "chair: record how far the content may be relayed", cmd_meeting_relay_scope, meeting=True)
    rs.add_argument("scope")
    dossier = command(g, "dossier", "print the meeting dossier PDF for the archive", cmd_meeting_dossier, meeting=True)
    dossier.add_argument("--out", required=True)


def cmd_meeting_create(args: argparse.Namespace, ctx: CliContext) -> int:
    m = meetings.create_meeting(
        ctx.store(), ctx.clock, ctx.actor(),
        title=args.title, level=args.level, venue=args.venue,
        starts_at=meetings.parse_time(args.starts, "--starts"), ends_at=meetings.parse_time(args.ends, "--ends"),
        chair=args.chair, organizer=args.organizer,
    )
    if args.json:
        ctx.out(m.to_json())
    else:
        print(m.id)
    return 0


def _beijing(when: dt.datetime) -> str:
    """A meeting time as people read it: Beijing wall time (the --json output keeps the ISO instant)."""
    return when.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M (UTC+8)")


def cmd_meeting_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.actor()
    rows = meetings.list_meetings(ctx.store())
    if args.json:
        ctx.out([m.to_json() for m in rows])
    else:
        for m in rows:
            print(f"{m.id}\t{m.level}\t{m.state}\t{_beijing(m.starts_at)}\t{m.title}")
    return 0


def cmd_meeting_show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.actor()
    store = ctx.store()
    m = meetings.get_meeting(store, args.meeting)
    data: dict[str, Any] = m.to_json()
    data["rooms"] = meetings.rooms(store, m.id)
    data["attendees"] = attendees.counts(store, m.id)
    data["approval"] = attendees.latest_approval(store, m.id)
    data["transitions"] = meetings.transitions(store, m.id)
    nxt = meetings.next_state(m.state)
    from meetkit import gates

    data["next_state"] = nxt
    data["blockers"] = [b.to_json() for b in gates.blockers(store, m, nxt)] if nxt else []
    if args.json:
        ctx.out(data)
    else:
        for line in _meeting_lines(m, data, ctx.lang):
            print(line)
    return 0


SHOW_FIELDS_ZH = {
    "id": "编号", "title": "名称", "level": "密级", "venue": "地点", "starts_at": "开始时间", "ends_at": "结束时间",
    "chair": "主持领导", "state": "状态", "relay_scope": "传达范围",
}


def _meeting_lines(m: meetings.Meeting, data: dict[str, Any], lang: str) -> list[str]:
    """``meeting show`` as people read it: machine keys and state names in English, Chinese
    labels and state names in Chinese (the --json output keeps the machine keys)."""
    zh = lang == "zh"
    nxt = data["next_state"]
    lines = []
    for key in ("id", "title", "level", "venue", "starts_at", "ends_at", "chair", "state", "relay_scope"):
        if key in ("starts_at", "ends_at"):
            value = _beijing(getattr(m, key))
        elif key == "state" and zh:
            value = meetings.STATE_ZH.get(m.state, m.state)
        else:
            value = "—" if data[key] in (None, "") else data[key]
        lines.append(f"{SHOW_FIELDS_ZH[key]}：{value}" if zh else f"{key}: {value}")
    if zh:
        counts = "，".join(f"{attendees.STATUS_ZH.get(status, status)} {n} 人" for status, n in data["attendees"].items())
        lines.append("参会人员：" + (counts or "无"))
    else:
        lines.append("attendees: " + ", ".join(f"{status} {n}" for status, n in data["attendees"].items()))
    for b in data["blockers"]:
        lines.append(f"暂不能推进到“{meetings.STATE_ZH.get(nxt, nxt)}”：{b['zh']}" if zh else f"blocks {nxt}: {b['en']}")
    return lines


def cmd_meeting_advance(args: argparse.Namespace, ctx: CliContext) -> int:
    m = meetings.advance(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.to, args.override)
    ctx.say(f"meeting {m.id} is now {m.state}", f"会议 {m.id} 已进入“{meetings.STATE_ZH[m.state]}”")
    return 0


def cmd_meeting_add_room(args: argparse.Namespace, ctx: CliContext) -> int:
    room_id = meetings.add_room(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.name, args.kind)
    ctx.out({"id": room_id})
    return 0


def cmd_meeting_relay_scope(args: argparse.Namespace, ctx: CliContext) -> int:
    meetings.update_meeting(ctx.store(), ctx.clock, ctx.actor(), args.meeting, relay_scope=args.scope)
    ctx.say("relay scope recorded", "已记录传达范围")
    return 0


def cmd_meeting_dossier(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        from meetkit.cli import checklist
    except ImportError:  # pragma: no cover - the dossier lives with the checklists
        raise MeetkitError(ErrorCode.INVALID_STATE, "the dossier is not available in this build", "此版本不提供会议档案")
    handler = getattr(checklist, "cmd_dossier", None)
    if handler is None:
        raise MeetkitError(ErrorCode.INVALID_STATE, "the dossier is not available in this build", "此版本不提供会议档案")
    return int(handler(args, ctx))


# ---- attendees ----------------------------------------------------------------------------


def _register_attendees(sub: Sub) -> None:
    g = group(sub, "attendees", "attendee lists and vetting (参会人员审核)", "attendees_command", "ATTENDEES_COMMAND")
    im = command(g, "import", "import a unit's list (CSV: UTF-8, UTF-8 BOM or GBK)", cmd_attendees_import, meeting=True)
    im.add_argument("file")
    im.add_argument("--skip-bad", action="store_true", help="import the good rows, skip (and list) bad rows and duplicates")
    im.add_argument("--dry-run", action="store_true", help="only check the file")
    add_json(im)
    add = command(g, "add", "add one attendee by hand", cmd_attendees_add, meeting=True)
    add.add_argument("--name", required=True)
    _person_fields(add, ("unit", "title", "id-number", "phone", "category", "seat"))
    add_json(add)
    ed = command(g, "edit", "edit an attendee (an approved one returns to pending)", cmd_attendees_edit, meeting=True)
    ed.add_argument("attendee", type=int)
    _person_fields(ed, ("name", "unit", "title", "id-number", "phone", "category", "seat"))
    _everyone_or_ids(command(g, "approve", "chair: approve attendees", cmd_attendees_approve, meeting=True), "every pending attendee")
    rj = command(g, "reject", "chair: reject an attendee, with the reason", cmd_attendees_reject, meeting=True)
    rj.add_argument("attendee", type=int)
    rj.add_argument("--reason", required=True)
    pl = command(g, "pledge", "record signed confidentiality pledges (保密承诺)", cmd_attendees_pledge, meeting=True)
    _everyone_or_ids(pl, "every approved attendee without a pledge")
    ls = command(g, "list", "list attendees", cmd_attendees_list, meeting=True)
    ls.add_argument("--status", choices=attendees.STATUSES)
    ls.add_argument("--unit")
    ls.add_argument("--search")
    add_json(ls)


def _person_fields(p: argparse.ArgumentParser, fields: tuple[str, ...]) -> None:
    for field in fields:
        p.add_argument(f"--{field}", default=None)
    p.add_argument("--photo", help="image file")


def _everyone_or_ids(p: argparse.ArgumentParser, all_help: str) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--all", action="store_true", help=all_help)
    who.add_argument("ids", nargs="*", type=int, default=[])


def cmd_attendees_import(args: argparse.Namespace, ctx: CliContext) -> int:
    data = read_file(args.file)
    store = ctx.store()
    actor = ctx.actor()
    if args.dry_run:
        preview = attendees.preview_import(store, args.meeting, data)
        parsed = preview.parsed
        result = attendees.ImportResult(
            0, ([parsed.file_error] if parsed.file_error else []) + parsed.errors, preview.duplicates, False, parsed.encoding
        )
    else:
        result = attendees.import_attendees(store, ctx.clock, actor, args.meeting, data, skip_bad=args.skip_bad, source_name=Path(args.file).name)
    if args.json:
        ctx.out(result.to_json())
    else:
        for problem in [*result.rejected, *result.duplicates]:
            reason = problem.reason_zh if ctx.lang == "zh" else problem.reason
            if not problem.row:  # the whole file (not text, empty, unknown column ...)
                print(reason)
            else:
                print(f"第 {problem.row} 行：{reason}" if ctx.lang == "zh" else f"row {problem.row}: {reason}")
        if result.written:
            ctx.say(f"imported {result.imported} attendee(s)", f"已导入 {result.imported} 名参会人员")
        elif not args.dry_run:
            ctx.say(
                "nothing imported: fix the rows above or pass --skip-bad",
                "未导入任何人员：请修正以上各行，或使用 --skip-bad 跳过",
            )
    if not result.written and not args.dry_run:
        return 2
    return 0


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    fields = {k: getattr(args, k, None) for k in ("name", "unit", "title", "id_number", "phone", "category", "seat")}
    if getattr(args, "photo", None):
        fields["photo"] = read_file(args.photo)
    return {k: v for k, v in fields.items() if v is not None}


def cmd_attendees_add(args: argparse.Namespace, ctx: CliContext) -> int:
    a = attendees.add_attendee(ctx.store(), ctx.clock, ctx.actor(), args.meeting, **_fields(args))
    if args.json:
        ctx.out(a.to_json())
    else:
        print(a.id)
    return 0


def cmd_attendees_edit(args: argparse.Namespace, ctx: CliContext) -> int:
    a = attendees.edit_attendee(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.attendee, **_fields(args))
    ctx.out(a.to_json())
    return 0


def cmd_attendees_approve(args: argparse.Namespace, ctx: CliContext) -> int:
    ids = None if args.all else args.ids
    if not args.all and not ids:
        raise InvalidInput("name attendee ids or --all", "请给出人员编号或 --all")
    n, list_hash = attendees.approve(ctx.store(), ctx.clock, ctx.actor(), args.meeting, ids)
    ctx.out({"approved": n, "list_hash": list_hash})
    return 0


def cmd_attendees_reject(args: argparse.Namespace, ctx: CliContext) -> int:
    a = attendees.reject(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.attendee, args.reason)
    ctx.out({"id": a.id, "status": a.status})
    return 0


def cmd_attendees_pledge(args: argparse.Namespace, ctx: CliContext) -> int:
    ids = None if args.all else args.ids
    if not args.all and not ids:
        raise InvalidInput("name attendee ids or --all", "请给出人员编号或 --all")
    n = attendees.pledge(ctx.store(), ctx.clock, ctx.actor(), args.meeting, ids)
    ctx.out({"pledged": n})
    return 0


def cmd_attendees_list(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.actor()
    rows = attendees.list_attendees(ctx.store(), args.meeting, args.status, args.unit, args.search)
    show = "admin" in actor.roles
    if args.json:
        ctx.out([a.to_json(show_id_number=show) for a in rows])
    else:
        for a in rows:
            status = attendees.STATUS_ZH[a.status] if ctx.lang == "zh" else a.status
            pledge = "✓" if a.pledged_at else "-"
            print(f"{a.id}\t{a.name}\t{a.unit}\t{a.seat}\t{status}\t{pledge}")
    return 0


# ---- audit --------------------------------------------------------------------------------


def _register_audit(sub: Sub) -> None:
    g = group(sub, "audit", "the tamper-evident audit log (审计日志)", "audit_command", "AUDIT_COMMAND")
    command(g, "verify", "recompute the hash chain: exit 0 and the head hash when intact, exit 1 otherwise", cmd_audit_verify)
    s = command(g, "show", "show entries, newest first", cmd_audit_show)
    s.add_argument("--meeting", type=int)
    s.add_argument("--limit", type=int, default=200)
    add_json(s)


def cmd_audit_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    result = audit.verify(ctx.store())
    if result.ok:
        print(result.head_hash)
        ctx.say(f"audit log intact: {result.entries} entries", f"审计日志完整：共 {result.entries} 条")
        return 0
    print(f"meetkit: audit log BROKEN at entry {result.first_bad_seq}: {result.problem}", file=sys.stderr)
    return 1


def cmd_audit_show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.actor()
    rows = audit.entries(ctx.store(), args.meeting, args.limit)
    if args.json:
        ctx.out(rows)
    else:
        tr = Translator(ctx.lang)
        for r in rows:  # the readable action, then its machine key (the --json output keeps only the key)
            print(f"{r['seq']}\t{r['at']}\t{r['operator']}\t{action_label(r['action'], tr)} [{r['action']}]\t{r['subject']}")
    return 0
