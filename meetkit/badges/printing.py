"""Printing a meeting's badges: the service the CLI and the badge page call.

Split in three so a window can draw off its GUI thread without touching the store there:
:func:`prepare_print` reads everything (GUI thread), :func:`render_job` draws and writes the
PDF (any thread, no store access), :func:`finish_print` records the print history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from meetkit import audit
from meetkit.attendees import list_attendees
from meetkit.badges.issue import ISSUERS, Badge, list_badges, record_prints
from meetkit.badges.render import BadgeData, badge_data
from meetkit.badges.sheets import LAYOUTS, SheetResult, write_sheets
from meetkit.clock import Clock
from meetkit.errors import ErrorCode, InvalidInput, InvalidState, MeetkitError, NotFound
from meetkit.meetings import Meeting, get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store


@dataclass
class PrintJob:
    meeting: Meeting
    badges: list[Badge]
    items: list[BadgeData]
    layout: str
    head_hash: str
    printed_at: dt.datetime
    printed_by: str


def prepare_print(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, layout: str = "a4-8up", attendee_ids: list[int] | None = None
) -> PrintJob:
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ISSUERS, "badge.print", f"meeting:{meeting_id}", meeting_id)
    if layout not in LAYOUTS:
        raise InvalidInput(f"unknown layout {layout!r}: use a4-8up or cr80", f"未知版式 {layout!r}：请使用 a4-8up 或 cr80")
    badges = list_badges(store, meeting_id, active_only=True, attendee_ids=attendee_ids)
    # a badge whose holder was rejected (or lost the pledge) since issue would only be refused at the door
    cleared = {a.id for a in list_attendees(store, meeting_id, status="approved") if a.pledged_at}
    held_back = sorted({b.attendee_id for b in badges if b.attendee_id not in cleared})
    if held_back and attendee_ids is not None:
        raise InvalidState(
            f"attendee(s) {', '.join(map(str, held_back))} are no longer approved and pledged: their badges are not printed",
            f"参会人员 {', '.join(map(str, held_back))} 已不在审定名单中或未登记保密承诺，不打印其胸卡",
        )
    badges = [b for b in badges if b.attendee_id in cleared]
    if not badges:
        raise NotFound("no active badges to print: issue them first", "没有可打印的有效胸卡，请先制发")
    items = [badge_data(store, meeting, b) for b in badges]
    return PrintJob(meeting, badges, items, layout, audit.head_hash(store), clock.now(), actor.name)


def check_writable(path: str | Path) -> None:
    """Fail before the (long) rendering if the file cannot be written."""
    path = Path(path)
    existed = path.exists()
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "is a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab"):
            pass
    except OSError as err:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT, f"cannot write {path}: {err.strerror or err}", f"无法写入 {path}：{err.strerror or err}"
        ) from err
    if not existed:
        path.unlink()


def render_job(
    job: PrintJob, out: str | Path, *, png_dir: str | Path | None = None, progress: Callable[[int], None] | None = None,
) -> SheetResult:
    return write_sheets(
        out, job.items, job.layout, level=job.meeting.level, title=f"{job.meeting.title} · 胸卡", head_hash=job.head_hash,
        printed_at=job.printed_at, printed_by=job.printed_by, png_dir=png_dir, progress=progress,
    )


def finish_print(store: Store, clock: Clock, actor: Actor, job: PrintJob) -> dict[str, int]:
    return record_prints(store, clock, actor, job.meeting.id, job.badges, job.layout)


def print_badges(
    store: Store,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    out: str | Path,
    layout: str = "a4-8up",
    *,
    attendee_ids: list[int] | None = None,
    png_dir: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> SheetResult:
    """Write the active badges (of everyone, or of the given attendees) to a PDF and record
    each as a first print or a reprint."""
    job = prepare_print(store, clock, actor, meeting_id, layout, attendee_ids)
    check_writable(out)
    result = render_job(job, out, png_dir=png_dir, progress=progress)
    finish_print(store, clock, actor, job)
    return result
