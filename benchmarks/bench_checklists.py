"""Checklists at scale: a meeting with one meeting room and 75 lodging rooms (two attendees
each), one controlled copy issued to each of the 150 attendees, then the post-meeting
checklists. Prints the time to make the checklists, to build every checklist's view (what the
checklist page does after each tap), to record one result (median of the full service call:
role check, re-read, result + audit entry, durable commit), the 'closed' gate check, and the
dossier PDF.

Run: .venv/bin/python benchmarks/bench_checklists.py [--rooms 75 --per-room 2 --samples 40] [--fill]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from meetkit import attendees, gates, meetings, operators
from meetkit.badges.issue import issue_badges, list_badges
from meetkit.checklists import instances, results, signoff
from meetkit.clock import FixedClock
from meetkit.custody import distribution, documents
from meetkit.custody.codes import format_copy_code
from meetkit.desk.signin import check_in
from meetkit.dossier import write_dossier
from meetkit.store import create_store

START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=75)
    parser.add_argument("--per-room", type=int, default=2)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--fill", action="store_true", help="pass every item and sign every checklist before printing the dossier (the usual case)")
    parser.add_argument("--gui", action="store_true", help="also time a tap on the checklist page (offscreen Qt)")
    parser.add_argument("--no-dossier", action="store_true", help="skip the dossier PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = create_store(Path(tmp) / "bench.db", "bench passphrase")
        clock = FixedClock(START - dt.timedelta(days=1))
        admin = operators.create_first_admin(store, clock, "admin", "password-123")
        secretary = operators.add_operator(store, clock, admin, "secretary", "password-123", ["secretary"])
        chair = operators.add_operator(store, clock, admin, "chair", "password-123", ["chair"])
        inspector = operators.add_operator(store, clock, admin, "inspector", "password-123", ["inspector"])
        inspector2 = operators.add_operator(store, clock, admin, "inspector2", "password-123", ["inspector"])
        meeting = meetings.create_meeting(
            store, clock, secretary, title="基准测试会议", level="机密", starts_at=START, ends_at=START + dt.timedelta(hours=8)
        )
        t0 = time.perf_counter()
        meetings.add_room(store, clock, secretary, meeting.id, "第一会议室", "meeting")
        rows = ["姓名,单位,住宿房间"] + [
            f"参会人{r:03d}{k},第{r % 20 + 1}单位,{1000 + r}" for r in range(args.rooms) for k in range(args.per_room)
        ]
        attendees.import_attendees(store, clock, secretary, meeting.id, "\n".join(rows).encode("utf-8"))
        attendees.approve(store, clock, chair, meeting.id)
        attendees.pledge(store, clock, secretary, meeting.id)
        meetings.advance(store, clock, secretary, meeting.id, "vetting")
        meetings.advance(store, clock, secretary, meeting.id, "approved")
        issue_badges(store, clock, secretary, meeting.id)
        clock.set(START - dt.timedelta(minutes=30))
        meetings.advance(store, clock, chair, meeting.id, "in_session", override_reason="benchmark")
        for badge in list_badges(store, meeting.id):
            check_in(store, clock, secretary, meeting.id, "东门", badge.token)
        people = [a.id for a in attendees.list_attendees(store, meeting.id)]
        documents.register_document(store, clock, secretary, meeting.id, title="基准文件", level="机密", copies=len(people))
        for number, person in enumerate(people, start=1):
            distribution.issue_copy(store, clock, secretary, meeting.id, format_copy_code(meeting.id, number), str(person))
        meetings.advance(store, clock, secretary, meeting.id, "closing")
        print(f"setup: {len(people)} attendees in {args.rooms} lodging rooms, {len(people)} copies out, in {time.perf_counter() - t0:.1f} s")

        t = time.perf_counter()
        made = instances.create_checklists(store, clock, inspector, meeting.id, "post")
        print(f"create {len(made)} post-meeting checklists (with their copy items): {(time.perf_counter() - t) * 1000:.0f} ms")

        t = time.perf_counter()
        views = instances.checklist_views(store, meeting.id)
        items = sum(v.total for v in views)
        print(f"build every checklist view ({len(views)} checklists, {items} items): {(time.perf_counter() - t) * 1000:.0f} ms")

        target = made[1]
        keys = [i.key for i in instances.checklist_view(store, target).items if i.copy_id is None]
        timings = []
        for n in range(args.samples):
            key = keys[n % len(keys)]
            t = time.perf_counter()
            results.record_result(store, clock, inspector, meeting.id, target, key, "pass")
            timings.append(time.perf_counter() - t)
        print(f"record one result: median {statistics.median(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms ({args.samples} samples)")

        t = time.perf_counter()
        found = gates.blockers(store, meetings.get_meeting(store, meeting.id), "closed")
        print(f"'closed' gate check: {(time.perf_counter() - t) * 1000:.0f} ms ({len(found)} blockers)")

        if args.gui:
            gui_tap(store, clock, inspector, meeting.id, made[0], made[1], args.samples)

        if args.no_dossier:
            store.close()
            return
        if args.fill:
            for view in instances.checklist_views(store, meeting.id):
                for item in view.items:
                    if not item.answered:
                        results.record_result(store, clock, inspector, meeting.id, view.id, item.key, "pass")
                signoff.sign(store, clock, inspector, meeting.id, view.id)
                signoff.sign(store, clock, inspector2, meeting.id, view.id)
        t = time.perf_counter()
        path, _ = write_dossier(store, clock, secretary, meeting.id, Path(tmp) / "dossier.pdf")
        state = "every item passed, every checklist signed" if args.fill else "every item still unchecked (worst case: all printed)"
        print(f"dossier PDF ({state}): {time.perf_counter() - t:.1f} s, {path.stat().st_size // 1024} KiB")
        store.close()


def gui_tap(store, clock, inspector, meeting_id: int, big: int, small: int, samples: int) -> None:  # type: ignore[no-untyped-def]
    """Time what an inspector waits for after tapping 合格 on the checklist page: the service
    call plus the page's update, on the meeting room (every copy still out listed) and on a
    lodging room."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from meetkit.gui.checklist_page import ChecklistPage
    from meetkit.gui.context import GuiContext
    from meetkit.i18n import Translator

    app = QApplication.instance() or QApplication([])
    page = ChecklistPage(GuiContext(store=store, clock=clock, actor=inspector, tr=Translator("zh")), meeting_id)
    page.resize(1366, 768)
    page.show()
    app.processEvents()
    for checklist_id, what in ((big, "meeting room"), (small, "lodging room")):
        page.current_id = checklist_id
        page.refresh()
        app.processEvents()
        timings = []
        for n in range(samples):
            row = page.rows[n % len(page.rows)]
            t = time.perf_counter()
            page.record(row, "na" if row.item.copy_id is None else "pass")
            app.processEvents()
            timings.append(time.perf_counter() - t)
        print(f"tap on the checklist page ({what}, {len(page.rows)} items): median {statistics.median(timings) * 1000:.0f} ms,"
              f" max {max(timings) * 1000:.0f} ms")
    page.close()


if __name__ == "__main__":
    main()
