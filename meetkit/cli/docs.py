"""CLI: meetkit docs … (controlled documents: copies, custody, reconciliation, destruction,
notebooks, recordings). Thin: parse, call meetkit.custody services, print."""

from __future__ import annotations

import argparse
from typing import Any

from meetkit.cli.args import Sub, add_json, command, group
from meetkit.cli.context import CliContext, read_secret
from meetkit.errors import InvalidInput


def _on_meeting(g: Sub, name: str, help: str, func: Any) -> argparse.ArgumentParser:
    """A docs command: its first argument is the meeting."""
    return command(g, name, help, func, meeting=True, meeting_help="meeting id")


def register(sub: Sub) -> None:
    dsub = group(sub, "docs", "controlled documents: numbered copies, issue and recall (受控文件)", "docs_command", "ACTION")

    p = _on_meeting(dsub, "register", "register a document and number its copies (登记文件)", cmd_register)
    p.add_argument("--title", required=True)
    p.add_argument("--number", default="", help="document number (文号)")
    p.add_argument("--level", required=True, help="绝密|机密|秘密|内部")
    p.add_argument("--copies", type=int, required=True)
    p.add_argument("--pages", type=int, default=0)
    p.add_argument("--unit", default="", help="originating unit (制发单位)")
    p.add_argument("--policy", choices=["return", "take-away"], default="return")
    p.add_argument("--take-away-units", default="", help="comma-separated units allowed to take copies away")
    p.add_argument("--take-away-attendees", default="", help="comma-separated attendee ids allowed to take copies away")

    _on_meeting(dsub, "list", "documents of a meeting (文件列表)", cmd_list)

    p = _on_meeting(dsub, "labels", "print cover labels with QR codes (打印份号标签)", cmd_labels)
    p.add_argument("document", help="document id or number (文号)")
    p.add_argument("--out", required=True)

    p = _on_meeting(dsub, "issue", "issue a copy to an attendee (发放)", cmd_issue)
    p.add_argument("copy", help="scanned copy code or copy number")
    p.add_argument("--to", required=True, help="attendee id or scanned badge")

    p = _on_meeting(dsub, "return", "take a copy back (收回)", cmd_return)
    p.add_argument("copy")
    p.add_argument("--by", required=True, help="attendee id or scanned badge of the person handing it in")

    p = _on_meeting(dsub, "take-away", "register a copy taken away by a unit (登记带回)", cmd_take_away)
    p.add_argument("copy")
    p.add_argument("--unit", required=True)
    p.add_argument("--carrier", required=True)
    p.add_argument("--receipt", required=True, help="the receiving unit's registration number")
    p.add_argument("--out", help="also write the receipt as a PDF here")

    p = _on_meeting(dsub, "lost", "report a copy lost: opens an incident (报失)", cmd_lost)
    p.add_argument("copy")
    p.add_argument("--note", required=True)
    p.add_argument("--reported-to", default="")
    p.add_argument("--measures", default="")
    p.add_argument("--discovered-at", help="when the loss was discovered (ISO time; default now)")

    p = _on_meeting(dsub, "recover", "a lost copy is found (找回)", cmd_recover)
    p.add_argument("copy")
    p.add_argument("--note", default="")

    _on_meeting(dsub, "history", "the custody events of one copy (份号履历)", cmd_history).add_argument("copy")

    add_json(_on_meeting(dsub, "reconcile", "per document and per attendee: what is out (清退核对)", cmd_reconcile))

    p = _on_meeting(dsub, "destroy", "destroy copies: director approves, 2+ witnesses confirm (销毁)", cmd_destroy)
    p.add_argument("--copies", required=True, help="e.g. '1-50,61' or copy codes")
    p.add_argument("--method", required=True)
    p.add_argument("--place", required=True)
    p.add_argument("--witness", action="append", default=[], help="witness operator (repeat); password from "
                   "MEETKIT_WITNESS_PASSWORD_1, _2, … or a prompt")
    p.add_argument("--note", default="")
    p.add_argument("--out", help="write the destruction certificate PDF here")

    p = _on_meeting(dsub, "incidents", "open incidents (未结事件)", cmd_incidents)
    p.add_argument("--all", action="store_true", help="closed ones too")

    p = _on_meeting(dsub, "close-incident", "the director closes an incident (关闭事件)", cmd_close_incident)
    p.add_argument("incident", type=int)
    p.add_argument("--resolution", required=True)

    p = _on_meeting(dsub, "report", "print a report as PDF or CSV (报表)", cmd_report)
    p.add_argument("kind", choices=["distribution", "reconciliation", "destruction", "notebooks", "incidents"])
    p.add_argument("--out", required=True, help="FILE.pdf or FILE.csv")
    p.add_argument("--batch", type=int, help="destruction batch (for 'destruction')")

    nsub = group(dsub, "notebook", "meeting notebooks (会议记录本)", "notebook_command", "ACTION")
    p = _on_meeting(nsub, "register", "register notebooks issued to a secretary", cmd_nb_register)
    p.add_argument("--title", required=True)
    p.add_argument("--custodian", required=True, help="secretary operator (password: MEETKIT_CUSTODIAN_PASSWORD or prompt)")
    p.add_argument("--years", type=int, choices=[3, 4, 5], default=5, help="retention period")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--level")
    p = _on_meeting(nsub, "handover", "change the custodian; both confirm", cmd_nb_handover)
    p.add_argument("copy")
    p.add_argument("--to", required=True, help="new custodian (password: MEETKIT_TO_PASSWORD or prompt)")
    p = _on_meeting(nsub, "archive", "transfer to the archives after the retention period", cmd_nb_archive)
    p.add_argument("copy")
    p.add_argument("--archive-ref", required=True)
    _on_meeting(nsub, "list", "the notebook register", cmd_nb_list)

    rsub = group(dsub, "recording", "recording media with the speaker's consent (录音录像)", "recording_command", "ACTION")
    p = _on_meeting(rsub, "consent", "record a speaker's consent", cmd_rec_consent)
    p.add_argument("--speaker", required=True)
    p.add_argument("--scope", default="")
    p = _on_meeting(rsub, "register", "register recording media (needs a consent)", cmd_rec_register)
    p.add_argument("--consent", type=int, required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--media", required=True)
    p.add_argument("--copies", type=int, default=1)


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.replace("，", ",").split(",") if t.strip()]


def cmd_register(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import documents

    try:
        attendees = [int(x) for x in _split(args.take_away_attendees)]
    except ValueError as err:
        raise InvalidInput("--take-away-attendees takes attendee ids", "--take-away-attendees 须为参会人员编号") from err
    doc = documents.register_document(
        ctx.store(), ctx.clock, ctx.actor(), args.meeting, title=args.title, level=args.level, copies=args.copies,
        doc_number=args.number, origin_unit=args.unit, pages=args.pages, policy=args.policy,
        take_away_units=_split(args.take_away_units), take_away_attendees=attendees,
    )
    copies = documents.copies(ctx.store(), doc.id)
    ctx.out({**doc.to_json(), "first": copies[0].code, "last": copies[-1].code})
    return 0


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import documents

    for doc in documents.list_documents(ctx.store(), args.meeting):
        ctx.out(doc.to_json())
    return 0


def cmd_labels(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import documents, labels
    from meetkit.meetings import get_meeting

    store = ctx.store()
    actor = ctx.actor()
    doc = documents.resolve_document(store, args.meeting, args.document)
    path = labels.write_labels(store, ctx.clock, get_meeting(store, args.meeting), documents.copies(store, doc.id), args.out, actor.name)
    ctx.out({"document": doc.id, "labels": doc.copies, "out": str(path)})
    return 0


def _outcome(ctx: CliContext, outcome: Any) -> int:
    ctx.say(outcome.en, outcome.zh)
    ctx.out(outcome.to_json())
    return 0


def cmd_issue(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import distribution

    return _outcome(ctx, distribution.issue_copy(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.copy, args.to))


def cmd_return(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import distribution

    return _outcome(ctx, distribution.return_copy(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.copy, args.by))


def cmd_take_away(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import distribution, reports

    outcome = distribution.take_away(
        ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.copy, unit=args.unit, carrier=args.carrier, receipt=args.receipt
    )
    for line in reports.receipt_lines(outcome.to_json())[:-1]:
        print(line)
    result = outcome.to_json()
    if args.out:
        receipt = reports.take_away_receipt(ctx.store(), args.meeting, outcome.copy.code)
        result["receipt_pdf"] = str(reports.write(ctx.store(), ctx.clock, receipt, args.out, ctx.actor().name))
    ctx.out(result)
    return 0


def cmd_lost(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import incidents

    inc = incidents.report_lost(
        ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.copy, note=args.note, reported_to=args.reported_to,
        measures=args.measures, discovered_at=args.discovered_at,
    )
    ctx.out(inc.to_json())
    return 0


def cmd_recover(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import incidents

    ctx.out(incidents.recover(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.copy, args.note).to_json())
    return 0


def cmd_history(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import ledger

    copy = ledger.resolve_copy(ctx.store(), args.meeting, args.copy)
    ctx.out({"copy": copy.to_json(), "events": ledger.history(ctx.store(), copy.id)})
    return 0


def cmd_reconcile(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import reconcile

    ctx.actor()
    board = reconcile.reconcile(ctx.store(), args.meeting)
    if args.json:
        ctx.out(board.to_json())
        return 0
    zh = ctx.lang == "zh"
    print("\t".join(
        ("文件", "份数", "已发", "收回", "代转", "带回", "遗失", "销毁", "未收回") if zh
        else ("document", "copies", "issued", "returned", "transfers", "taken", "lost", "destroyed", "outstanding")
    ))
    for d in board.documents:
        print(f"{d.title}\t{d.copies}\t{d.issued}\t{d.returned}\t{d.violations}\t{d.taken_away}\t{d.lost}\t{d.destroyed}\t{d.outstanding}")
    print()
    print("\t".join(
        ("姓名", "单位", "领取", "交回", "他人代交", "带回", "遗失", "未收回") if zh
        else ("attendee", "unit", "issued", "returned", "by others", "taken", "lost", "outstanding")
    ))
    for a in board.attendees:
        print(f"{a.name}\t{a.unit}\t{a.issued}\t{a.returned}\t{a.returned_by_others}\t{a.taken_away}\t{a.lost}\t{a.outstanding}")
    if board.outstanding:
        print()
    for o in board.outstanding:
        print(f"  {'未收回' if zh else 'OUT'} {o.code} {o.title} {o.label} — {o.holder_name} {o.holder_unit}")
    t = board.totals
    ctx.say(
        f"{t['outstanding']} outstanding, {board.open_incidents} open incident(s)",
        f"未收回 {t['outstanding']} 份，未结事件 {board.open_incidents} 起",
    )
    return 0


def cmd_destroy(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import destruction, reports

    store = ctx.store()
    director = ctx.actor()
    witnesses = []
    for i, name in enumerate(args.witness, start=1):
        password = read_secret(f"MEETKIT_WITNESS_PASSWORD_{i}", f"Witness {name}, your password (监销人 {name} 密码): ")
        if password is None:
            raise InvalidInput(f"no password for witness {name}", f"缺少监销人 {name} 的密码")
        witnesses.append((name, password))
    batch = destruction.destroy(
        store, ctx.clock, director, args.meeting, [args.copies], method=args.method, place=args.place,
        witnesses=witnesses, note=args.note,
    )
    result = batch.to_json()
    if args.out:
        report = reports.destruction_certificate(store, args.meeting, batch.id)
        result["certificate"] = str(reports.write(store, ctx.clock, report, args.out, director.name))
    ctx.out(result)
    return 0


def cmd_incidents(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import incidents

    ctx.actor()
    for inc in incidents.list_incidents(ctx.store(), args.meeting, open_only=not args.all):
        ctx.out(inc.to_json())
    return 0


def cmd_close_incident(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import incidents

    ctx.out(incidents.close_incident(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.incident, args.resolution).to_json())
    return 0


def cmd_report(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import reports

    store = ctx.store()
    actor = ctx.actor()
    report = reports.build(store, ctx.clock, args.meeting, args.kind, args.batch)
    path = reports.write(store, ctx.clock, report, args.out, actor.name)
    ctx.out({"report": args.kind, "out": str(path)})
    return 0


def cmd_nb_register(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import notebooks

    actor = ctx.actor()
    password = None
    if args.custodian != actor.name:
        password = read_secret("MEETKIT_CUSTODIAN_PASSWORD", f"Custodian {args.custodian}, your password (保管人密码): ")
    books = notebooks.register_notebooks(
        ctx.store(), ctx.clock, actor, args.meeting, title=args.title, custodian=args.custodian,
        retention_years=args.years, count=args.count, level=args.level, custodian_password=password,
    )
    ctx.out({"notebooks": [b.to_json() for b in books]})
    return 0


def cmd_nb_handover(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import ledger, notebooks

    store = ctx.store()
    actor = ctx.actor()
    copy = ledger.resolve_copy(store, args.meeting, args.copy)
    from_password = to_password = None
    if copy.holder_ref and copy.holder_ref != actor.name:
        from_password = read_secret("MEETKIT_FROM_PASSWORD", f"Custodian {copy.holder_ref}, your password (交出人密码): ")
    if args.to != actor.name:
        to_password = read_secret("MEETKIT_TO_PASSWORD", f"{args.to}, your password (接收人密码): ")
    moved = notebooks.handover(
        store, ctx.clock, actor, args.meeting, args.copy, to=args.to, to_password=to_password, from_password=from_password
    )
    ctx.out(moved.to_json())
    return 0


def cmd_nb_archive(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import notebooks

    ctx.out(notebooks.archive(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.copy, archive_ref=args.archive_ref).to_json())
    return 0


def cmd_nb_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import notebooks

    ctx.actor()
    for line in notebooks.notebook_register(ctx.store(), args.meeting):
        ctx.out(line.to_json())
    return 0


def cmd_rec_consent(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import recordings

    ctx.out(recordings.record_consent(ctx.store(), ctx.clock, ctx.actor(), args.meeting, speaker=args.speaker, scope=args.scope).to_json())
    return 0


def cmd_rec_register(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.custody import recordings

    doc = recordings.register_recording(
        ctx.store(), ctx.clock, ctx.actor(), args.meeting, consent_id=args.consent, title=args.title, media=args.media,
        copies=args.copies,
    )
    ctx.out(doc.to_json())
    return 0



