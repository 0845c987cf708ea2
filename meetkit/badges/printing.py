"""Printing a meeting's badges: the service the CLI and the badge page call."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from meetkit import audit
from meetkit.badges.issue import Badge, ISSUERS, list_badges, record_prints
from meetkit.badges.render import BadgeData, badge_data
from meetkit.badges.sheets import LAYOUTS, SheetResult, write_sheets
from meetkit.clock import Clock
from meetkit.errors import InvalidInput, NotFound
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


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
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SheetResult:
    """Write the active badges (of everyone, or of the given attendees) to a PDF and record
    each as a first print or a reprint."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, ISSUERS, "badge.print", f"meeting:{meeting_id}", meeting_id)
    if layout not in LAYOUTS:
        raise InvalidInput(f"unknown layout {layout!r}: use a4-8up or cr80", f"未知版式 {layout!r}：请使用 a4-8up 或 cr80")
    badges = list_badges(store, meeting_id, active_only=True, attendee_ids=attendee_ids)
    if not badges:
        raise NotFound("no active badges to print: issue them first", "没有可打印的有效胸卡，请先制发")

    def items() -> Iterator[BadgeData]:
        for badge in badges:
            yield badge_data(store, meeting, badge)

    result = write_sheets(
        out, items(), layout, level=meeting.level, title=f"{meeting.title} · 胸卡", head_hash=audit.head_hash(store),
        printed_at=clock.now(), printed_by=actor.name, png_dir=png_dir,
        workers=default_workers() if workers is None else workers, progress=progress,
    )
    record_prints(store, clock, actor, meeting_id, badges, layout, str(out))
    return result


def printable(store: Store, meeting_id: int) -> list[Badge]:
    return list_badges(store, meeting_id, active_only=True)
