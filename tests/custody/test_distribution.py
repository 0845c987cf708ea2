from __future__ import annotations

import datetime as dt

import pytest

from meetkit import audit
from meetkit.custody import distribution, documents, incidents, ledger, reconcile
from meetkit.custody.codes import format_copy_code
from meetkit.errors import InvalidInput, MeetkitError, NotFound


def _doc(store, clock, team, meeting, copies=5, **kw):
    return documents.register_document(
        store, clock, team.secretary, meeting.id, title="关于法治政府建设的实施意见（征求意见稿）", level="机密",
        copies=copies, doc_number=kw.pop("doc_number", "法办〔2026〕7号"), **kw,
    )


def _events(store, copy_id):
    return [e["kind"] for e in ledger.history(store, copy_id)]


def test_register_numbers_copies_uniquely_within_meeting(store, clock, team, approved_meeting):
    a = _doc(store, clock, team, approved_meeting, copies=3, doc_number="A1")
    b = _doc(store, clock, team, approved_meeting, copies=2, doc_number="A2")
    numbers = [c.number for c in documents.copies(store, a.id)] + [c.number for c in documents.copies(store, b.id)]
    assert numbers == [1, 2, 3, 4, 5]
    second = documents.copies(store, b.id)[1]
    assert second.label == "第002份 共2份"
    assert second.state == "in_stock"
    assert _events(store, second.id) == ["created"]


def test_issue_then_return_by_holder(store, clock, team, approved_meeting, people):
    doc = _doc(store, clock, team, approved_meeting)
    code = format_copy_code(approved_meeting.id, 1)
    out = distribution.issue_copy(store, clock, team.secretary, approved_meeting.id, code, str(people[0].id))
    assert out.copy.state == "issued" and out.copy.holder_ref == str(people[0].id)
    back = distribution.return_copy(store, clock, team.secretary, approved_meeting.id, code.lower(), str(people[0].id))
    assert back.copy.state == "in_stock" and not back.violation
    assert _events(store, out.copy.id) == ["created", "issued", "returned"]
    assert ledger.verify_projection(store, approved_meeting.id).ok
    assert audit.verify(store).ok
    assert doc.copies == 5


def test_scanning_twice_records_nothing_new(store, clock, team, approved_meeting, people):
    _doc(store, clock, team, approved_meeting)
    code = format_copy_code(approved_meeting.id, 2)
    distribution.issue_copy(store, clock, team.secretary, approved_meeting.id, code, str(people[0].id))
    with pytest.raises(distribution.Refused) as err:
        distribution.issue_copy(store, clock, team.secretary, approved_meeting.id, code, str(people[0].id))
    assert err.value.reason == "duplicate" and "重复扫描" in err.value.zh
    with pytest.raises(distribution.Refused) as err:
        distribution.issue_copy(store, clock, team.secretary, approved_meeting.id, code, str(people[1].id))
    assert err.value.reason == "already_out" and people[0].name in err.value.zh
    distribution.return_copy(store, clock, team.secretary, approved_meeting.id, code, str(people[0].id))
    with pytest.raises(distribution.Refused) as err:
        distribution.return_copy(store, clock, team.secretary, approved_meeting.id, code, str(people[0].id))
    assert err.value.reason == "duplicate"
    # the time of the first return is said in Beijing time (UTC+8), as people at the desk read it
    assert (clock.now() + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M") in err.value.zh
    copy = ledger.resolve_copy(store, approved_meeting.id, code)
    assert _events(store, copy.id) == ["created", "issued", "returned"]


def test_bad_scans_are_named(store, clock, team, approved_meeting, people):
    _doc(store, clock, team, approved_meeting)
    m = approved_meeting.id
    with pytest.raises(InvalidInput, match="belongs to meeting"):
        distribution.issue_copy(store, clock, team.secretary, m, format_copy_code(m + 1, 1), str(people[0].id))
    with pytest.raises(NotFound):
        distribution.issue_copy(store, clock, team.secretary, m, format_copy_code(m, 999), str(people[0].id))
    with pytest.raises(InvalidInput, match="badge, not a copy"):
        distribution.issue_copy(store, clock, team.secretary, m, "BCDEFGHIJKLN0123456789" * 5, str(people[0].id))
    with pytest.raises(InvalidInput, match="copy's code, not a badge"):
        distribution.issue_copy(store, clock, team.secretary, m, format_copy_code(m, 1), format_copy_code(m, 2))
    with pytest.raises(InvalidInput, match="check character"):
        good = format_copy_code(m, 1)
        distribution.issue_copy(store, clock, team.secretary, m, good[:-1] + ("B" if good[-1] != "B" else "C"), str(people[0].id))
    assert reconcile.reconcile(store, m).totals["issued"] == 0


def test_return_by_someone_else_is_a_transfer_violation(store, clock, team, approved_meeting, people):
    _doc(store, clock, team, approved_meeting)
    m = approved_meeting.id
    distribution.issue_copy(store, clock, team.secretary, m, "3", str(people[0].id))
    back = distribution.return_copy(store, clock, team.secretary, m, "3", str(people[1].id))
    assert back.violation and back.incident_id
    assert "代转" in back.zh
    open_ = incidents.list_incidents(store, m, open_only=True)
    assert [(i.kind, i.holder_ref, i.returned_by) for i in open_] == [("transfer", str(people[0].id), people[1].id)]
    with pytest.raises(MeetkitError):
        incidents.close_incident(store, clock, team.secretary, m, back.incident_id, "已批评教育")
    incidents.close_incident(store, clock, team.director, m, back.incident_id, "已批评教育")
    assert incidents.list_incidents(store, m, open_only=True) == []
    board = reconcile.reconcile(store, m)
    line = next(a for a in board.attendees if a.attendee_id == people[0].id)
    assert (line.issued, line.returned, line.returned_by_others, line.outstanding) == (1, 1, 1, 0)


def test_take_away_only_where_allowed(store, clock, team, approved_meeting, people):
    m = approved_meeting.id
    must = _doc(store, clock, team, approved_meeting, copies=1, doc_number="R1")
    may = _doc(store, clock, team, approved_meeting, copies=2, doc_number="T1", policy="take-away", take_away_units=["第1单位"])
    distribution.issue_copy(store, clock, team.secretary, m, "1", str(people[0].id))
    with pytest.raises(distribution.Refused, match="must be returned"):
        distribution.take_away(store, clock, team.secretary, m, "1", unit="第1单位", carrier="王五", receipt="R-1")
    distribution.issue_copy(store, clock, team.secretary, m, "2", str(people[0].id))
    with pytest.raises(distribution.Refused, match="not among the units"):
        distribution.take_away(store, clock, team.secretary, m, "2", unit="第9单位", carrier="王五", receipt="R-1")
    out = distribution.take_away(store, clock, team.secretary, m, "2", unit="第1单位", carrier="王五", receipt="JY-2026-031")
    assert out.copy.state == "taken_away" and out.extra["receipt"] == "JY-2026-031"
    assert must.policy == "return" and may.take_away_units == ("第1单位",)


def test_lost_and_recovered(store, clock, team, approved_meeting, people):
    m = approved_meeting.id
    _doc(store, clock, team, approved_meeting, copies=2)
    distribution.issue_copy(store, clock, team.secretary, m, "1", str(people[2].id))
    inc = incidents.report_lost(store, clock, team.secretary, m, "1", note="会后清点未见", reported_to="办公室主任", measures="全面查找")
    assert inc.kind == "lost" and inc.holder_ref == str(people[2].id) and inc.is_open
    assert ledger.resolve_copy(store, m, "1").state == "lost"
    with pytest.raises(distribution.Refused, match="lost"):
        distribution.return_copy(store, clock, team.secretary, m, "1", str(people[2].id))
    copy = incidents.recover(store, clock, team.secretary, m, "1", note="在座位下找到")
    assert copy.state == "in_stock"
    assert _events(store, copy.id) == ["created", "issued", "lost", "recovered"]
    assert incidents.get_incident(store, inc.id).is_open


def test_issue_refused_for_unapproved_person_and_closed_states(store, clock, team, approved_meeting, people):
    from meetkit import attendees

    m = approved_meeting.id
    _doc(store, clock, team, approved_meeting)
    stranger = attendees.add_attendee(store, clock, team.secretary, m, name="新来的", unit="外单位")
    with pytest.raises(distribution.Refused, match="not approved"):
        distribution.issue_copy(store, clock, team.secretary, m, "1", str(stranger.id))
    assert "refused.custody.issue" in [e["action"] for e in audit.entries(store, m)]
    with pytest.raises(MeetkitError):
        distribution.issue_copy(store, clock, team.technician, m, "1", str(people[0].id))


def test_closed_gate_names_outstanding_copies(store, clock, team, approved_meeting, people):
    from meetkit import meetings

    m = approved_meeting.id
    _doc(store, clock, team, approved_meeting, copies=3)
    distribution.issue_copy(store, clock, team.secretary, m, "1", str(people[0].id))
    distribution.issue_copy(store, clock, team.secretary, m, "2", str(people[1].id))
    meeting = meetings.get_meeting(store, m)
    blockers = reconcile.outstanding_blocker(store, meeting, "closed")
    assert len(blockers) == 1 and len(blockers[0].items) == 2
    assert people[0].name in blockers[0].items[0] and "第001份 共3份" in blockers[0].items[0]
    assert reconcile.outstanding_blocker(store, meeting, "in_session") == []
    distribution.return_copy(store, clock, team.secretary, m, "1", str(people[0].id))
    incidents.report_lost(store, clock, team.secretary, m, "2", note="遗失")
    assert reconcile.outstanding_blocker(store, meeting, "closed") == []


def test_outcomes_match_the_store_and_the_board_lists_the_first_few(store, clock, team, approved_meeting, people):
    """The outcome's copy is built without re-reading the store: it must equal what was
    written. A board asked for the first few outstanding copies still counts them all, and
    the closing gate names the first 50 and counts the rest."""
    from meetkit import meetings

    m = approved_meeting.id
    _doc(store, clock, team, approved_meeting, copies=60, policy="take-away")
    for n in range(1, 58):
        out = distribution.issue_copy(store, clock, team.secretary, m, str(n), str(people[n % 7].id))
        assert out.copy == ledger.get_copy(store, out.copy.id)
    back = distribution.return_copy(store, clock, team.secretary, m, "1", str(people[5].id))  # not the holder
    assert back.violation and back.copy == ledger.get_copy(store, back.copy.id)
    away = distribution.take_away(store, clock, team.secretary, m, "2", unit="第1单位", carrier="王五", receipt="R-1")
    assert away.copy == ledger.get_copy(store, away.copy.id) and away.copy.holder_ref == str(people[2].id)
    assert ledger.verify_projection(store, m).ok
    full = reconcile.reconcile(store, m)
    few = reconcile.reconcile(store, m, with_attendees=False, outstanding_limit=10)
    assert full.outstanding_total == few.outstanding_total == len(full.outstanding) == 55
    assert [o.number for o in few.outstanding] == list(range(3, 13))
    assert few.documents == full.documents and not few.clear
    line = full.documents[0]
    assert (line.issued, line.returned, line.violations, line.taken_away, line.outstanding) == (57, 1, 1, 1, 55)
    blocker = reconcile.outstanding_blocker(store, meetings.get_meeting(store, m), "closed")[0]
    assert blocker.en.startswith("55 controlled copies") and len(blocker.items) == 51 and blocker.items[-1] == "… +5"
