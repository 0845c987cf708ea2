"""Lifecycle gates: what must be true before a meeting may enter a state.

Each check is a plain function ``check(store, meeting, target) -> list[Blocker]``; the
tuple ``CHECKS`` lists them. Areas add their checks here (vetting below; controlled
documents, checklists and sweeps add theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meetkit.meetings import Meeting
    from meetkit.store import Store


@dataclass(frozen=True)
class Blocker:
    code: str
    en: str
    zh: str
    items: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "en": self.en, "zh": self.zh, "items": list(self.items)}


def vetting_done(store: Store, meeting: Meeting, target: str) -> list[Blocker]:
    """Before 'approved': at least one attendee approved and nobody left pending."""
    if target != "approved":
        return []
    from meetkit.store import attendees as attendee_sql

    counts = attendee_sql.status_counts(store, meeting.id)
    found = []
    if counts.get("approved", 0) == 0:
        found.append(Blocker("no_approved_attendees", "no attendee is approved yet", "尚无审定通过的参会人员"))
    if counts.get("pending", 0):
        n = counts["pending"]
        found.append(Blocker("attendees_pending", f"{n} attendee(s) still await the chair's decision", f"尚有 {n} 名参会人员待主持领导审定"))
    return found


def checklists_and_sweep(store: Store, meeting: Meeting, target: str) -> list[Blocker]:
    """Before 'in_session' and 'closed': see ``meetkit.checklists.gates``."""
    from meetkit.checklists.gates import checklist_gates

    return checklist_gates(store, meeting, target)


def copies_reconciled(store: Store, meeting: Meeting, target: str) -> list[Blocker]:
    """Before 'closed': no controlled copy outstanding (meetkit.custody.reconcile)."""
    from meetkit.custody.reconcile import outstanding_blocker

    return outstanding_blocker(store, meeting, target)


def devices_returned(store: Store, meeting: Meeting, target: str) -> list[Blocker]:
    """Before 'closed': no phone or device left in custody at the door (meetkit.desk.custody)."""
    from meetkit.desk.custody import custody_blocker

    return custody_blocker(store, meeting, target)


CHECKS: tuple[Callable[[Store, Meeting, str], list[Blocker]], ...] = (vetting_done, checklists_and_sweep, copies_reconciled, devices_returned)


def blockers(store: Store, meeting: Meeting, target: str) -> list[Blocker]:
    found: list[Blocker] = []
    for check in CHECKS:
        found.extend(check(store, meeting, target))
    return found
