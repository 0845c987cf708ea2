"""Reconciliation: per document and per attendee, what was issued, returned, taken away,
lost, and what is still outstanding; and the gate that keeps a meeting from closing while
any copy is out.

Outstanding means issued to an attendee and neither returned, registered as taken away,
destroyed nor reported lost. Notebooks and recordings held by an operator as custodian are
in custody, not outstanding.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from meetkit.attendees import get_attendee, list_attendees
from meetkit.custody import ledger
from meetkit.errors import NotFound
from meetkit.store import Store
from meetkit.store import custody as sql

if TYPE_CHECKING:
    from meetkit.gates import Blocker
    from meetkit.meetings import Meeting

GATE_ITEMS_SHOWN = 50
NAME_LOOKUPS = 40


@dataclass(frozen=True)
class DocumentLine:
    document_id: int
    kind: str
    title: str
    doc_number: str
    level: str
    copies: int
    issued: int  # issues (a copy issued, returned and issued again counts twice)
    returned: int  # return events
    violations: int  # returns by someone other than the holder
    taken_away: int
    lost: int
    destroyed: int
    archived: int
    in_custody: int  # held by an operator (notebooks, recordings)
    outstanding: int
    in_stock: int


@dataclass(frozen=True)
class AttendeeLine:
    attendee_id: int
    name: str
    unit: str
    issued: int
    returned: int
    returned_by_others: int
    taken_away: int
    lost: int
    outstanding: int


@dataclass(frozen=True)
class OutstandingCopy:
    copy_id: int
    meeting_id: int
    number: int
    document_id: int
    title: str
    seq: int
    doc_copies: int
    holder_id: int
    holder_name: str
    holder_unit: str
    since: str

    @property
    def code(self) -> str:
        return ledger.format_copy_code(self.meeting_id, self.number)

    @property
    def label(self) -> str:
        return ledger.copy_label(self.seq, self.doc_copies)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "code": self.code, "label": self.label}


@dataclass(frozen=True)
class Reconciliation:
    meeting_id: int
    documents: list[DocumentLine]
    attendees: list[AttendeeLine]
    outstanding: list[OutstandingCopy]  # all of them, or the first few (see outstanding_total)
    open_incidents: int
    outstanding_total: int

    @property
    def totals(self) -> dict[str, int]:
        keys = ("copies", "issued", "returned", "violations", "taken_away", "lost", "destroyed", "archived",
                "in_custody", "outstanding", "in_stock")
        return {k: sum(getattr(d, k) for d in self.documents) for k in keys}

    @property
    def clear(self) -> bool:
        return self.outstanding_total == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "totals": self.totals,
            "clear": self.clear,
            "outstanding_total": self.outstanding_total,
            "open_incidents": self.open_incidents,
            "documents": [asdict(d) for d in self.documents],
            "attendees": [asdict(a) for a in self.attendees],
            "outstanding": [o.to_json() for o in self.outstanding],
        }


def reconcile(store: Store, meeting_id: int, with_attendees: bool = True, outstanding_limit: int | None = None) -> Reconciliation:
    """The counts for every document (and, ``with_attendees``, every attendee) and the
    outstanding copies by number: all of them, or the first ``outstanding_limit`` (a screen
    or a gate message lists a few; ``outstanding_total`` always counts them all)."""
    documents = sql.list_documents(store, meeting_id)
    states: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in sql.state_counts_by_document(store, meeting_id):
        states[int(row["document_id"])][row["state"]] += int(row["n"])
    for document_id, n in sql.custodian_counts_by_document(store, meeting_id).items():
        states[document_id]["in_custody"] += n
        states[document_id]["issued"] -= n
    events = {int(row["document_id"]): row for row in sql.event_counts_by_document(store, meeting_id)}
    lines = []
    for doc in documents:
        did = int(doc["id"])
        s = states[did]
        e = events.get(did, {})
        lines.append(DocumentLine(
            document_id=did, kind=doc["kind"], title=doc["title"], doc_number=doc["doc_number"], level=doc["level"],
            copies=int(doc["copies"]),
            issued=int(e.get("issued") or 0),
            returned=int(e.get("returned") or 0),
            violations=int(e.get("violations") or 0),
            taken_away=s["taken_away"], lost=s["lost"], destroyed=s["destroyed"], archived=s["archived"],
            in_custody=s["in_custody"], outstanding=s["issued"], in_stock=s["in_stock"],
        ))
    by_id = {int(d["id"]): d for d in documents}
    # The per-attendee table counts every outstanding copy, so it needs the whole list.
    rows = sql.outstanding_tuples(store, meeting_id, None if with_attendees else outstanding_limit)
    holders = {int(r[4]) for r in rows}
    if with_attendees or len(holders) > NAME_LOOKUPS:
        people = {a.id: a for a in list_attendees(store, meeting_id)}
    else:  # a handful of holders: look them up one by one rather than read the whole list
        people = {}
        for holder in holders:
            with contextlib.suppress(NotFound):
                people[holder] = get_attendee(store, holder, meeting_id)
    outstanding = []
    for copy_id, number, document_id, seq, holder_ref, since in rows:
        holder_id = int(holder_ref)
        person = people.get(holder_id)
        doc = by_id[document_id]
        outstanding.append(OutstandingCopy(
            copy_id=copy_id, meeting_id=meeting_id, number=number, document_id=document_id, title=doc["title"], seq=seq,
            doc_copies=doc["copies"],
            holder_id=holder_id, holder_name=person.name if person else f"#{holder_id}",
            holder_unit=person.unit if person else "", since=since,
        ))
    attendee_lines: list[AttendeeLine] = []
    if with_attendees:
        counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in sql.event_counts_by_holder(store, meeting_id, "attendee"):
            ref = int(row["holder_ref"])
            counts[ref][row["kind"]] += int(row["n"])
            if row["kind"] == "returned":
                counts[ref]["violations"] += int(row["violations"] or 0)
        out_by_holder: dict[int, int] = defaultdict(int)
        for item in outstanding:
            out_by_holder[item.holder_id] += 1
        for attendee_id in sorted(counts, key=lambda i: (people[i].unit, i) if i in people else ("", i)):
            c = counts[attendee_id]
            person = people.get(attendee_id)
            attendee_lines.append(AttendeeLine(
                attendee_id=attendee_id, name=person.name if person else f"#{attendee_id}",
                unit=person.unit if person else "", issued=c["issued"], returned=c["returned"],
                returned_by_others=c["violations"], taken_away=c["taken_away"], lost=c["lost"],
                outstanding=out_by_holder[attendee_id],
            ))
    open_incidents = len(sql.list_incidents(store, meeting_id, open_only=True))
    total = sum(line.outstanding for line in lines)
    return Reconciliation(meeting_id, lines, attendee_lines, outstanding, open_incidents, total)


def outstanding_blocker(store: Store, meeting: Meeting, target: str) -> list[Blocker]:
    """The 'closed' gate: refuse while any copy is outstanding, naming copies and holders."""
    if target != "closed":
        return []
    from meetkit.gates import Blocker

    result = reconcile(store, meeting.id, with_attendees=False, outstanding_limit=GATE_ITEMS_SHOWN)
    if result.clear:
        return []
    n = result.outstanding_total
    items = tuple(
        f"{o.code} 《{o.title}》{o.label} — {o.holder_name}" + (f"（{o.holder_unit}）" if o.holder_unit else "")
        for o in result.outstanding[:GATE_ITEMS_SHOWN]
    )
    if n > GATE_ITEMS_SHOWN:
        items += (f"… +{n - GATE_ITEMS_SHOWN}",)
    listed = "; ".join(items[:5]) + ("; …" if n > 5 else "")
    return [Blocker(
        "copies_outstanding",
        f"{n} controlled cop{'y is' if n == 1 else 'ies are'} still out (return, register take-away or report lost): {listed}",
        f"尚有 {n} 份受控文件未收回（请收回、登记带回或报失）：{listed}",
        items,
    )]
