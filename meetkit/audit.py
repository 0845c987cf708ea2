"""The tamper-evident audit log.

Every change and every refused action appends one entry in the same transaction as the
change. Entry ``n`` stores ``hash_n = SHA-256(hash_{n-1} || canonical(entry_n))`` where the
canonical form is compact, key-sorted JSON of seq, time, operator, action, subject, meeting
and details. Editing, deleting, inserting or reordering rows breaks the chain; the head
(last seq and hash) is also kept in its own row, so cutting entries off the end shows too.
Details must never hold secrets (passwords, passphrases, keys) or personal data beyond ids.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from meetkit.clock import Clock, iso
from meetkit.store import Store
from meetkit.store import audit as sql

GENESIS = "0" * 64


def canonical(entry: dict[str, Any]) -> bytes:
    body = {
        "seq": entry["seq"],
        "at": entry["at"],
        "operator": entry["operator"],
        "action": entry["action"],
        "subject": entry["subject"],
        "meeting_id": entry["meeting_id"],
        "details": entry["details"],
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def chain_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


def append(
    store: Store,
    clock: Clock,
    operator: str,
    action: str,
    subject: str,
    details: dict[str, Any] | None = None,
    meeting_id: int | None = None,
) -> str:
    """Append one entry and return its hash. Call inside the change's ``store.transaction()``;
    when called outside one, it opens its own."""
    with store.transaction():
        current = sql.head(store)
        seq, prev = (current[0] + 1, current[1]) if current else (1, GENESIS)
        entry: dict[str, Any] = {
            "seq": seq,
            "at": iso(clock.now()),
            "operator": operator,
            "action": action,
            "subject": subject,
            "meeting_id": meeting_id,
            "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            "prev_hash": prev,
        }
        entry["hash"] = chain_hash(prev, entry)
        sql.insert_entry(store, entry)
        return str(entry["hash"])


def head_hash(store: Store) -> str:
    current = sql.head(store)
    return current[1] if current else GENESIS


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


def verify(store: Store) -> Verification:
    """Recompute the whole chain."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for row in sql.iter_entries(store):
        count += 1
        seq = row["seq"]
        if seq != expected_seq:
            return Verification(False, count, prev, seq, f"entry {seq} found where entry {expected_seq} was expected (deleted, inserted or reordered)")
        if row["prev_hash"] != prev:
            return Verification(False, count, prev, seq, f"entry {seq} does not link to the entry before it")
        if chain_hash(prev, row) != row["hash"]:
            return Verification(False, count, prev, seq, f"entry {seq} was altered (its hash does not match its content)")
        prev = row["hash"]
        expected_seq += 1
    stored = sql.head(store)
    stored_seq, stored_hash = stored if stored else (0, GENESIS)
    if stored_seq != expected_seq - 1 or stored_hash != prev:
        return Verification(False, count, prev, expected_seq, f"the log ends at entry {expected_seq - 1} but the recorded head is entry {stored_seq} (entries cut off the end)")
    return Verification(True, count, prev)


def entries(store: Store, meeting_id: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    rows = sql.list_entries(store, meeting_id, limit)
    for row in rows:
        row["details"] = json.loads(row["details"])
    return rows
