"""CLI commands: ``meetkit checklist ...`` (venue and room checklists, follow-ups, sign-off,
templates, PDFs) and the meeting dossier (``meetkit checklist dossier``; ``meetkit meeting
dossier`` calls :func:`cmd_dossier`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from meetkit.cli.args import Sub, command, group, read_file
from meetkit.cli.context import CliContext
from meetkit.errors import InvalidInput


def _due(text: str | None) -> Any:
    if not text:
        return None
    from meetkit.meetings import parse_time

    return parse_time(text, "--due")


def _summary(view: Any) -> dict[str, Any]:
    data = view.to_json()
    data.pop("items")
    return data


def _signed_in_on_checklist(args: argparse.Namespace, ctx: CliContext) -> tuple[Any, Any, Any]:
    """The store, the signed-in operator and the checklist ``meeting checklist`` names, in that
    order (a wrong passphrase or password is said before an unknown checklist)."""
    from meetkit.checklists.instances import find_checklist

    store = ctx.store()
    actor = ctx.actor()
    return store, actor, find_checklist(store, args.meeting, args.checklist)


# ---- handlers -------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.instances import checklist_views

    ctx.out({"meeting": args.meeting, "checklists": [_summary(v) for v in checklist_views(ctx.store(), args.meeting)]})
    return 0


def cmd_create(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.instances import create_checklists

    ids = create_checklists(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.kind, args.template)
    ctx.out({"created": ids})
    return 0


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.instances import find_checklist

    ctx.out(find_checklist(ctx.store(), args.meeting, args.checklist).to_json())
    return 0


def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.results import record_result

    store, actor, view = _signed_in_on_checklist(args, ctx)
    photos = [(read_file(p), Path(p).name) for p in (args.photo or [])]
    done = record_result(
        store, ctx.clock, actor, args.meeting, view.id, args.item, args.outcome, args.note or "",
        photos=photos, followup_owner=args.owner, followup_due=_due(args.due),
    )
    ctx.out({"result_id": done.result_id, "item": done.item.to_json(), "followup_id": done.followup_id,
             "photos": list(done.photo_ids), "copy_recovered": done.copy_recovered})
    return 0


def cmd_found(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.results import record_found_copy

    store, actor, view = _signed_in_on_checklist(args, ctx)
    done = record_found_copy(store, ctx.clock, actor, args.meeting, view.id, args.copy, args.note or "")
    ctx.out({"result_id": done.result_id, "item": done.item.to_json(), "copy_recovered": done.copy_recovered})
    return 0


def cmd_photo(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.results import add_photo

    store, actor, view = _signed_in_on_checklist(args, ctx)
    photo_id = add_photo(store, ctx.clock, actor, args.meeting, view.id, args.item, read_file(args.file), Path(args.file).name)
    ctx.out({"photo_id": photo_id})
    return 0


def cmd_sign(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.signoff import sign

    store, actor, view = _signed_in_on_checklist(args, ctx)
    after = sign(store, ctx.clock, actor, args.meeting, view.id)
    ctx.out({"checklist": after.id, "sign": after.sign.to_json()})
    return 0


def cmd_reopen(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.signoff import reopen

    store, actor, view = _signed_in_on_checklist(args, ctx)
    after = reopen(store, ctx.clock, actor, args.meeting, view.id, args.reason)
    ctx.out({"checklist": after.id, "sign": after.sign.to_json()})
    return 0


def cmd_sync(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.signoff import sync_copies

    store, actor, view = _signed_in_on_checklist(args, ctx)
    ctx.out({"checklist": view.id, "added_items": sync_copies(store, ctx.clock, actor, args.meeting, view.id)})
    return 0


def cmd_followups(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.followups import list_followups

    found = list_followups(ctx.store(), args.meeting, only_open=args.open)
    ctx.out({"meeting": args.meeting, "followups": [f.to_json() for f in found]})
    return 0


def cmd_resolve(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.followups import resolve_followup

    done = resolve_followup(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.followup, args.note)
    ctx.out(done.to_json())
    return 0


def cmd_assign(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.followups import assign_followup

    done = assign_followup(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.followup, args.owner, _due(args.due))
    ctx.out(done.to_json())
    return 0


def cmd_report(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.reports import checklist_pdf

    store, actor, view = _signed_in_on_checklist(args, ctx)
    path = checklist_pdf(store, ctx.clock, actor, args.meeting, view.id, args.out)
    ctx.out({"written": str(path)})
    return 0


def cmd_summary(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.reports import summary_pdf

    store = ctx.store()
    path = summary_pdf(store, ctx.clock, ctx.actor(), args.meeting, args.out)
    ctx.out({"written": str(path)})
    return 0


def cmd_sweep_status(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.sweep_status import sweep_status

    ctx.out(sweep_status(ctx.store(), args.meeting).to_json())
    return 0


def cmd_dossier(args: argparse.Namespace, ctx: CliContext) -> int:
    """The meeting dossier PDF (also reached as ``meetkit meeting dossier M --out FILE``)."""
    from meetkit.dossier import write_dossier

    store = ctx.store()
    actor = ctx.actor()
    path, dossier = write_dossier(store, ctx.clock, actor, args.meeting, args.out)
    ctx.out({"written": str(path), "sections": {s.key: s.available for s in dossier.sections}})
    return 0


# ---- templates ------------------------------------------------------------------------------


def cmd_template_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.templates import library_templates

    ctx.out({"templates": [
        {"name": t.name, "kind": t.kind, "source": t.source, "title_en": t.title_en, "title_zh": t.title_zh,
         "items": len(t.items), "saved_at": t.saved_at, "saved_by": t.saved_by}
        for t in library_templates(ctx.store())
    ]})
    return 0


def cmd_template_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.templates import get_template, meeting_template

    store = ctx.store()
    if args.meeting is not None:
        if not args.kind:
            raise InvalidInput("with --meeting give --kind pre or post", "使用 --meeting 时须指定 --kind pre 或 post")
        ctx.out(meeting_template(store, args.meeting, args.kind).to_json())
    elif args.name:
        ctx.out(get_template(store, args.name).to_json())
    else:
        raise InvalidInput("give a template NAME or --meeting M --kind pre|post", "请指定模板名称，或 --meeting 会议 --kind pre|post")
    return 0


def cmd_template_edit(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.templates import edit_meeting_template, parse_items_json

    store = ctx.store()
    actor = ctx.actor()
    items = parse_items_json(read_file(args.file)) if args.file else None
    add: list[dict[str, Any]] = []
    if args.add:
        if not args.zh:
            raise InvalidInput("--add needs the Chinese text too (--zh)", "--add 须同时提供中文（--zh）")
        entry: dict[str, Any] = {"en": args.add, "zh": args.zh, "section_en": args.section_en or "", "section_zh": args.section_zh or ""}
        if args.key:
            entry["key"] = args.key
        if args.room_kind:
            entry["room_kinds"] = args.room_kind
        add.append(entry)
    template = edit_meeting_template(
        store, ctx.clock, actor, args.meeting, args.kind, start_from=args.start_from, items=items, add=add, remove=args.remove or [],
    )
    ctx.out(template.to_json())
    return 0


def cmd_template_save(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.checklists.templates import save_meeting_template

    template = save_meeting_template(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.kind, args.name)
    ctx.out({"saved": template.name, "id": template.id, "items": len(template.items)})
    return 0


# ---- parsers --------------------------------------------------------------------------------


def _checklist_command(g: Sub, name: str, help: str, func: Any) -> argparse.ArgumentParser:
    """A command on one checklist: ``meeting`` and ``checklist`` come first."""
    c = command(g, name, help, func, meeting=True, meeting_help="meeting number")
    c.add_argument("checklist", help="checklist number, room name, pre:ROOM / post:ROOM, or pre / post")
    return c


def _kind(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=["pre", "post"])


def register_dossier(meeting_subparsers: Sub) -> None:
    """Adds ``dossier M --out FILE.pdf`` to a sub-parser collection (for ``meetkit meeting``)."""
    p = command(meeting_subparsers, "dossier", "print the meeting dossier PDF for the archive (会议档案)", cmd_dossier, meeting=True)
    p.add_argument("--out", required=True, help="PDF file to write")


def register(sub: Sub) -> None:
    g = group(sub, "checklist", "venue and room checklists, sign-off, dossier (会场及房间检查)", "checklist_command", "CHECKLIST_COMMAND")

    command(g, "list", "the meeting's checklists with progress and sign-off state", cmd_list, meeting=True)

    c = command(g, "create", "make checklists for every room that has none (pre: venue rooms; post: every room)", cmd_create, meeting=True)
    _kind(c)
    c.add_argument("--template", help="a library template name instead of the meeting's own")

    _checklist_command(g, "show", "one checklist: items, results, sign-off", cmd_show)

    c = _checklist_command(g, "set", "record an item: pass, fail (needs --note) or na; on a copy item, pass = found in the room", cmd_set)
    c.add_argument("item", help="item number or key")
    c.add_argument("outcome", choices=["pass", "fail", "na"])
    c.add_argument("--note", help="what was seen (required for fail; the sweep report reference for the sweep item)")
    c.add_argument("--photo", action="append", metavar="FILE", help="attach a photo (repeatable)")
    c.add_argument("--owner", help="for a fail: who must follow it up (default: you)")
    c.add_argument("--due", help="for a fail: when the follow-up is due (e.g. 2026-12-01T08:00)")

    c = _checklist_command(g, "found", "a controlled copy found in the room: recorded and recovered in the custody ledger", cmd_found)
    c.add_argument("copy", help="copy code (CP-…) or number")
    c.add_argument("--note")

    c = _checklist_command(g, "photo", "attach a photo to an item", cmd_photo)
    c.add_argument("item")
    c.add_argument("file")

    _checklist_command(g, "sign", "sign a complete checklist; on 机密/绝密 a second inspector countersigns with their own login", cmd_sign)

    c = _checklist_command(g, "reopen", "reopen a signed checklist (needs a reason; audited)", cmd_reopen)
    c.add_argument("--reason", required=True)

    _checklist_command(g, "sync", "add items for controlled copies that went out since the checklist was made", cmd_sync)

    c = command(g, "followups", "follow-ups opened by failed items", cmd_followups, meeting=True)
    c.add_argument("--open", action="store_true", help="only the open ones")

    c = command(g, "resolve", "record how a follow-up was resolved", cmd_resolve, meeting=True)
    c.add_argument("followup", type=int)
    c.add_argument("--note", required=True)

    c = command(g, "assign", "give a follow-up a new owner or due time", cmd_assign, meeting=True)
    c.add_argument("followup", type=int)
    c.add_argument("--owner")
    c.add_argument("--due")

    c = _checklist_command(g, "report", "PDF of one checklist (photos as thumbnails)", cmd_report)
    c.add_argument("--out", required=True)

    c = command(g, "summary", "PDF summary of every checklist of the meeting", cmd_summary, meeting=True)
    c.add_argument("--out", required=True)

    command(g, "sweep-status", "is a sweep report without unresolved findings attached?", cmd_sweep_status, meeting=True)

    register_dossier(g)

    tg = group(g, "template", "checklist templates: list, show, edit per meeting, save for reuse", "template_command", "TEMPLATE_COMMAND")
    command(tg, "list", "built-in and saved templates", cmd_template_list)
    c = command(tg, "show", "a template's items (JSON, usable with 'edit --file')", cmd_template_show)
    c.add_argument("name", nargs="?")
    c.add_argument("--meeting", type=int, help="show the meeting's own template")
    c.add_argument("--kind", choices=["pre", "post"])
    c = command(tg, "edit", "change the template the meeting's new checklists are made from", cmd_template_edit, meeting=True)
    _kind(c)
    c.add_argument("--from", dest="start_from", metavar="NAME", help="start from a saved or built-in template")
    c.add_argument("--file", help="replace the items with those in a JSON file (see 'template show')")
    c.add_argument("--add", metavar="ENGLISH", help="add an item: its English text (with --zh)")
    c.add_argument("--zh", help="the added item's Chinese text")
    c.add_argument("--key", help="the added item's key (default custom_N)")
    c.add_argument("--section-en")
    c.add_argument("--section-zh")
    c.add_argument("--room-kind", action="append", choices=["meeting", "side", "lodging"], help="limit the added item to these rooms")
    c.add_argument("--remove", action="append", metavar="KEY", help="remove an item by key (repeatable)")
    c = command(tg, "save", "save the meeting's template to the library for reuse", cmd_template_save, meeting=True)
    _kind(c)
    c.add_argument("name")
