"""Destruction batches: a list of copies, approved by the office director, carried out in
front of at least two other operators who each confirm with their own password, with the
method and place recorded; a certificate prints from the batch (``reports``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso
from meetkit.custody import ledger
from meetkit.custody.documents import clean_text
from meetkit.errors import Conflict, InvalidInput, InvalidState, MeetkitError, NotFound
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role, verify_password_of
from meetkit.store import Store
from meetkit.store import custody as sql

MIN_WITNESSES = 2
MAX_BATCH = 20000
_RANGE = re.compile(r"^(\d{1,9})\s*[-–~]\s*(\d{1,9})$")


@dataclass(frozen=True)
class Batch:
    id: int
    meeting_id: int
    method: str
    place: str
    note: str
    proposed_at: str
    proposed_by: str
    copies: tuple[ledger.Copy, ...]
    approved_by: str | None
    approved_at: str | None
    witnesses: tuple[tuple[str, str], ...]  # (operator, at)
    carried_out_by: str | None
    carried_out_at: str | None
    cancelled: bool

    @property
    def status(self) -> str:
        if self.cancelled:
            return "cancelled"
        if self.carried_out_at:
            return "destroyed"
        if self.approved_by:
            return "approved"
        return "proposed"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "method": self.method, "place": self.place, "note": self.note,
            "proposed_by": self.proposed_by, "proposed_at": self.proposed_at, "approved_by": self.approved_by,
            "approved_at": self.approved_at, "witnesses": [w for w, _ in self.witnesses],
            "carried_out_at": self.carried_out_at, "copies": [c.code for c in self.copies],
        }


def expand_copy_refs(refs: Iterable[str]) -> list[str]:
    """'1-10,15 CP-3-00020-K' → each copy reference on its own (ranges of plain numbers expanded)."""
    out: list[str] = []
    for ref in refs:
        for part in re.split(r"[,\s，、]+", ref.strip()):
            if not part:
                continue
            match = _RANGE.match(part)
            if match:
                lo, hi = int(match.group(1)), int(match.group(2))
                if hi < lo or hi - lo >= MAX_BATCH:
                    raise InvalidInput(f"bad copy range {part}", f"份号范围 {part} 无效")
                out.extend(str(n) for n in range(lo, hi + 1))
            else:
                out.append(part)
    if not out:
        raise InvalidInput("name the copies to destroy", "请指明要销毁的份号")
    return out


def get_batch(store: Store, batch_id: int, meeting_id: int | None = None) -> Batch:
    row = sql.get_batch(store, batch_id)
    if row is None or (meeting_id is not None and int(row["meeting_id"]) != meeting_id):
        raise NotFound(f"no destruction batch {batch_id} in this meeting", f"本会议没有编号为 {batch_id} 的销毁批次")
    signs = sql.signoffs(store, batch_id)
    approval = next((s for s in signs if s["role"] == "approval"), None)
    done = next((s for s in signs if s["role"] == "carried_out"), None)
    return Batch(
        id=int(row["id"]), meeting_id=int(row["meeting_id"]), method=row["method"], place=row["place"], note=row["note"],
        proposed_at=row["proposed_at"], proposed_by=row["proposed_by"],
        copies=tuple(ledger.copy_from_row(r) for r in sql.batch_items(store, batch_id)),
        approved_by=approval["operator"] if approval else None, approved_at=approval["at"] if approval else None,
        witnesses=tuple((s["operator"], s["at"]) for s in signs if s["role"] == "witness"),
        carried_out_by=done["operator"] if done else None, carried_out_at=done["at"] if done else None,
        cancelled=any(s["role"] == "cancelled" for s in signs),
    )


def list_batches(store: Store, meeting_id: int) -> list[Batch]:
    return [get_batch(store, int(r["id"])) for r in sql.list_batches(store, meeting_id)]


def _check_destroyable(store: Store, copies: Sequence[ledger.Copy], batch_id: int | None = None) -> None:
    not_ready = [c for c in copies if c.state != "in_stock"]
    if not_ready:
        shown = ", ".join(f"{c.code} ({c.state})" for c in not_ready[:10])
        shown_zh = "，".join(f"{c.code}（{ledger.STATE_ZH.get(c.state, c.state)}）" for c in not_ready[:10])
        raise InvalidState(
            f"only copies back in stock can be destroyed; not: {shown}",
            f"只有已收回在库的份号才能销毁，以下不可：{shown_zh}",
        )
    taken = [r for r in sql.open_batches_holding(store, [c.id for c in copies]) if r["batch_id"] != batch_id]
    if taken:
        raise Conflict(
            f"{len(taken)} of these copies are already in open destruction batch {taken[0]['batch_id']}",
            f"其中 {len(taken)} 份已在未完成的销毁批次 {taken[0]['batch_id']} 中",
        )


def propose(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_refs: Iterable[str], *, method: str, place: str, note: str = ""
) -> Batch:
    get_meeting(store, meeting_id)
    require_role(store, clock, actor, ("secretary", "director"), "custody.destroy.propose", f"meeting:{meeting_id}", meeting_id)
    method = clean_text(method, "the destruction method", "销毁方式", 100)
    place = clean_text(place, "the place of destruction", "销毁地点", 200)
    note = clean_text(note, "a note", "备注", 1000, required=False)
    refs = expand_copy_refs(copy_refs)
    with store.transaction():
        copies = [ledger.resolve_copy(store, meeting_id, ref) for ref in refs]
        unique = list({c.id: c for c in copies}.values())
        _check_destroyable(store, unique)
        batch_id = sql.insert_batch(
            store,
            {"meeting_id": meeting_id, "method": method, "place": place, "proposed_at": iso(clock.now()),
             "proposed_by": actor.name, "note": note},
            [c.id for c in unique],
        )
        audit.append(
            store, clock, actor.name, "custody.destroy.propose", f"destruction:{batch_id}",
            {"copies": len(unique)}, meeting_id,
        )
    return get_batch(store, batch_id)


def approve(store: Store, clock: Clock, actor: Actor, meeting_id: int, batch_id: int) -> Batch:
    require_role(store, clock, actor, ("director",), "custody.destroy.approve", f"destruction:{batch_id}", meeting_id)
    with store.transaction():
        batch = get_batch(store, batch_id, meeting_id)
        if batch.status != "proposed":
            raise InvalidState(f"batch {batch_id} is {batch.status}", f"销毁批次 {batch_id} 当前状态为 {batch.status}")
        if actor.name in {w for w, _ in batch.witnesses}:
            raise InvalidInput("a witness cannot also approve the batch", "监销人不能同时审批该批次")
        sql.insert_signoff(store, batch_id, "approval", actor.name, iso(clock.now()))
        audit.append(store, clock, actor.name, "custody.destroy.approve", f"destruction:{batch_id}", {}, meeting_id)
    return get_batch(store, batch_id)


def witness(store: Store, clock: Clock, actor: Actor, meeting_id: int, batch_id: int, name: str, password: str) -> Batch:
    """A witness confirms in person with their own password (not the approving director)."""
    try:
        person = verify_password_of(store, clock, name, password)
    except MeetkitError as err:  # say whose confirmation failed: several people stand at the table
        raise MeetkitError(
            err.code, f"witness {name}: {err.en}", f"监销人 {name}：{err.zh}", **err.details
        ) from err
    with store.transaction():
        batch = get_batch(store, batch_id, meeting_id)
        if batch.status not in ("proposed", "approved"):
            raise InvalidState(f"batch {batch_id} is {batch.status}", f"销毁批次 {batch_id} 当前状态为 {batch.status}")
        if person.name == batch.approved_by:
            raise InvalidInput(
                "the approving director cannot also witness: witnesses are two other people",
                "审批的主任不能同时监销：监销人须为另外两人以上",
            )
        if person.name in {w for w, _ in batch.witnesses}:
            raise Conflict(f"{person.name} has already confirmed as a witness", f"{person.name} 已确认监销")
        sql.insert_signoff(store, batch_id, "witness", person.name, iso(clock.now()))
        audit.append(
            store, clock, actor.name, "custody.destroy.witness", f"destruction:{batch_id}", {"witness": person.name}, meeting_id
        )
    return get_batch(store, batch_id)


def carry_out(store: Store, clock: Clock, actor: Actor, meeting_id: int, batch_id: int) -> Batch:
    """Record the destruction: every copy of the batch gets a 'destroyed' event."""
    require_role(store, clock, actor, ("secretary", "director"), "custody.destroy", f"destruction:{batch_id}", meeting_id)
    with store.transaction():
        batch = get_batch(store, batch_id, meeting_id)
        if batch.status != "approved":
            raise InvalidState(
                f"batch {batch_id} is {batch.status}: the office director must approve it first",
                f"销毁批次 {batch_id} 尚未经办公室主任审批",
            )
        others = [w for w, _ in batch.witnesses if w != batch.approved_by]
        if len(others) < MIN_WITNESSES:
            raise InvalidState(
                f"destruction needs at least {MIN_WITNESSES} witnesses besides the director ({len(others)} confirmed)",
                f"销毁须有主任以外至少 {MIN_WITNESSES} 人监销（已确认 {len(others)} 人）",
            )
        _check_destroyable(store, batch.copies, batch_id)
        for copy in batch.copies:
            ledger.append_event(store, clock, actor.name, copy, "destroyed", batch_id=batch_id, note=batch.method)
        sql.insert_signoff(store, batch_id, "carried_out", actor.name, iso(clock.now()))
        audit.append(
            store, clock, actor.name, "custody.destroy", f"destruction:{batch_id}",
            {"copies": len(batch.copies), "approved_by": batch.approved_by, "witnesses": others}, meeting_id,
        )
    return get_batch(store, batch_id)


def cancel(store: Store, clock: Clock, actor: Actor, meeting_id: int, batch_id: int) -> Batch:
    require_role(store, clock, actor, ("secretary", "director"), "custody.destroy.cancel", f"destruction:{batch_id}", meeting_id)
    with store.transaction():
        batch = get_batch(store, batch_id, meeting_id)
        if batch.status in ("destroyed", "cancelled"):
            raise InvalidState(f"batch {batch_id} is {batch.status}", f"销毁批次 {batch_id} 当前状态为 {batch.status}")
        sql.insert_signoff(store, batch_id, "cancelled", actor.name, iso(clock.now()))
        audit.append(store, clock, actor.name, "custody.destroy.cancel", f"destruction:{batch_id}", {}, meeting_id)
    return get_batch(store, batch_id)


def destroy(
    store: Store, clock: Clock, director: Actor, meeting_id: int, copy_refs: Iterable[str], *, method: str, place: str,
    witnesses: Sequence[tuple[str, str]], note: str = "",
) -> Batch:
    """All of it at once at a table: the director proposes and approves, each witness types
    their own password, the batch is recorded as destroyed."""
    require_role(store, clock, director, ("director",), "custody.destroy.approve", f"meeting:{meeting_id}", meeting_id)
    names = [n for n, _ in witnesses]
    if len(set(names) - {director.name}) < MIN_WITNESSES:
        raise InvalidInput(
            f"destruction needs at least {MIN_WITNESSES} witnesses besides the director",
            f"销毁须有主任以外至少 {MIN_WITNESSES} 人监销",
        )
    batch = propose(store, clock, director, meeting_id, copy_refs, method=method, place=place, note=note)
    try:
        batch = approve(store, clock, director, meeting_id, batch.id)
        for name, password in witnesses:
            batch = witness(store, clock, director, meeting_id, batch.id, name, password)
        return carry_out(store, clock, director, meeting_id, batch.id)
    except Exception:
        cancel(store, clock, director, meeting_id, batch.id)
        raise
