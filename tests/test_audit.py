"""The hash-chained audit log detects edits, deletions, insertions, reordering and truncation."""

from __future__ import annotations

import pytest

from meetkit import audit, meetings, operators
from meetkit.errors import PermissionDenied


@pytest.fixture
def logged(store, clock, team, meeting):
    for i in range(5):
        audit.append(store, clock, "admin", "test.entry", f"thing:{i}", {"i": i}, meeting.id)
    assert audit.verify(store).ok
    return store


def _raw(store, sql, params=()):
    store.conn.execute(sql, params)
    store.conn.commit()


def test_intact_chain_reports_head(logged):
    result = audit.verify(logged)
    assert result.ok and result.head_hash == audit.head_hash(logged)
    assert result.entries >= 5


def test_edited_entry_is_found(logged):
    _raw(logged, "UPDATE audit_log SET details = '{\"i\":99}' WHERE seq = 4")
    result = audit.verify(logged)
    assert not result.ok and result.first_bad_seq == 4


def test_edited_operator_is_found(logged):
    _raw(logged, "UPDATE audit_log SET operator = 'someone' WHERE seq = 2")
    assert audit.verify(logged).first_bad_seq == 2


def test_deleted_entry_is_found(logged):
    _raw(logged, "DELETE FROM audit_log WHERE seq = 3")
    result = audit.verify(logged)
    assert not result.ok and result.first_bad_seq == 4


def test_truncated_tail_is_found(logged):
    last = audit.verify(logged).entries
    _raw(logged, "DELETE FROM audit_log WHERE seq = ?", (last,))
    result = audit.verify(logged)
    assert not result.ok and "cut off" in result.problem


def test_reordered_entries_are_found(logged):
    rows = {r["seq"]: r for r in logged.query("SELECT * FROM audit_log WHERE seq IN (2, 3)")}
    cols = ("at", "operator", "action", "subject", "meeting_id", "details", "prev_hash", "hash")
    for target, source in ((2, 3), (3, 2)):
        _raw(
            logged,
            "UPDATE audit_log SET " + ", ".join(f"{c} = ?" for c in cols) + " WHERE seq = ?",
            tuple(rows[source][c] for c in cols) + (target,),
        )
    result = audit.verify(logged)
    assert not result.ok and result.first_bad_seq == 2


def test_inserted_entry_is_found(logged):
    row = logged.query_one("SELECT * FROM audit_log WHERE seq = 2")
    _raw(logged, "UPDATE audit_log SET seq = seq + 1000")
    _raw(logged, "UPDATE audit_log SET seq = seq - 1000 + 1 WHERE seq > 1002")
    _raw(logged, "UPDATE audit_log SET seq = seq - 1000 WHERE seq > 1000")
    _raw(
        logged,
        "INSERT INTO audit_log (seq, at, operator, action, subject, meeting_id, details, prev_hash, hash) VALUES (3,?,?,?,?,?,?,?,?)",
        (row["at"], "intruder", row["action"], row["subject"], row["meeting_id"], row["details"], row["hash"], row["hash"]),
    )
    assert not audit.verify(logged).ok


def test_refused_actions_are_audited(store, clock, team, meeting):
    with pytest.raises(PermissionDenied):
        operators.add_operator(store, clock, team.secretary, "eve", "password-123", ["admin"])
    actions = [e["action"] for e in audit.entries(store)]
    assert "refused.operator.add" in actions
    with pytest.raises(PermissionDenied):
        meetings.advance(store, clock, team.technician, meeting.id, "vetting")
    assert audit.entries(store, meeting.id)[0]["action"] == "refused.meeting.advance"


def test_audit_details_hold_no_secrets_or_personal_data(store, clock, team, approved_meeting):
    text = str(audit.entries(store))
    for secret in ("password-123", "correct horse", "𠈌㛃", "阿依古丽"):
        assert secret not in text
