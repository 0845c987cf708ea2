"""Sign-in verdicts on a real encrypted store."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetkit import attendees, audit, meetings
from meetkit.badges import token as tokens
from meetkit.badges.issue import issue_badges, reissue
from meetkit.desk.signin import Desk, Verdict, check_in
from meetkit.errors import PermissionDenied
from meetkit.store import desk as desk_sql
from tests.conftest import START


def test_admitted_then_already_in_with_first_time_and_desk(store, clock, team, approved_meeting, badges):
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    first = desk.scan(badges[0].token)
    assert first.verdict is Verdict.ADMITTED
    assert first.attendee is not None and first.attendee.id == badges[0].attendee_id
    clock.advance(60)
    other = Desk(store, clock, team.secretary, approved_meeting.id, "西门")
    again = other.scan(badges[0].token)
    assert again.verdict is Verdict.ALREADY_IN
    assert again.first_seen == first.at and again.first_desk == "东门"
    assert "东门" in again.reason_zh


def test_every_scan_is_stored_with_its_audit_entry(store, clock, team, approved_meeting, badges):
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    before = audit.verify(store).entries
    results = [desk.scan(badges[0].token), desk.scan("garbage"), desk.scan(badges[1].token[:-1] + ("X" if badges[1].token[-1] != "X" else "B"))]
    clock.advance(5)
    results.append(desk.scan(badges[0].token))
    assert [r.verdict for r in results] == [Verdict.ADMITTED, Verdict.MALFORMED, Verdict.BAD_SIGNATURE, Verdict.ALREADY_IN]
    rows = store.query("SELECT * FROM scans ORDER BY id")
    assert [r["verdict"] for r in rows] == [r.verdict.value for r in results]
    assert all(r["desk"] == "东门" and r["operator"] == "secretary" for r in rows)
    entries = audit.entries(store, approved_meeting.id)
    scan_entries = [e for e in entries if e["action"] == "desk.scan"]
    assert sorted(e["subject"] for e in scan_entries) == sorted(f"scan:{r['id']}" for r in rows)
    check = audit.verify(store)
    assert check.ok and check.entries == before + 4


def test_scanner_bounce_is_one_scan(store, clock, team, approved_meeting, badges):
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    first = desk.scan(badges[0].token)
    clock.advance(1.5)
    bounce = desk.scan(badges[0].token.lower() + "\r")
    assert bounce.verdict is Verdict.ADMITTED and bounce.repeat and bounce.scan_id == first.scan_id
    assert store.query_one("SELECT count(*) AS n FROM scans")["n"] == 1
    clock.advance(1.0)  # 2.5 s after the first: a real second scan
    assert desk.scan(badges[0].token).verdict is Verdict.ALREADY_IN
    # the same token at another desk within 2 s is not a bounce
    other = Desk(store, clock, team.secretary, approved_meeting.id, "西门")
    assert other.scan(badges[0].token).verdict is Verdict.ALREADY_IN
    assert store.query_one("SELECT count(*) AS n FROM scans")["n"] == 3


def test_exit_and_reentry(store, clock, team, approved_meeting, badges):
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    token = badges[2].token
    assert desk.scan(token, exit=True).verdict is Verdict.NOT_IN
    clock.advance(10)
    assert desk.scan(token).verdict is Verdict.ADMITTED
    clock.advance(10)
    assert desk.scan(token, exit=True).verdict is Verdict.EXITED
    clock.advance(10)
    assert desk.scan(token).verdict is Verdict.ADMITTED
    kinds = [r["kind"] for r in store.query("SELECT kind FROM presence_events ORDER BY id")]
    assert kinds == ["in", "out", "in"]


def test_reissued_badge_old_serial_is_revoked(store, clock, team, approved_meeting, badges):
    old = badges[3]
    new = reissue(store, clock, team.secretary, approved_meeting.id, old.attendee_id, "遗失")
    assert new.serial != old.serial and new.replaces_serial == old.serial
    result = check_in(store, clock, team.secretary, approved_meeting.id, "东门", old.token)
    assert result.verdict is Verdict.REVOKED and "已补发新卡：遗失" in result.reason_zh
    assert "reissued" not in result.reason_zh and "补发" not in result.reason_en  # each language on its own
    assert check_in(store, clock, team.secretary, approved_meeting.id, "东门", new.token).verdict is Verdict.ADMITTED


def test_rejected_after_issue_is_not_approved(store, clock, team, approved_meeting, badges):
    attendees.reject(store, clock, team.chair, approved_meeting.id, badges[4].attendee_id, "身份存疑")
    result = check_in(store, clock, team.secretary, approved_meeting.id, "东门", badges[4].token)
    assert result.verdict is Verdict.NOT_APPROVED


def test_someone_inside_is_let_out_after_rejection_or_a_late_end(store, clock, team, approved_meeting, badges):
    """Leaving is recorded even when the attendee was rejected while inside or the badge's
    window has passed (a meeting running late); entering again is still refused."""
    m = approved_meeting.id
    desk = Desk(store, clock, team.secretary, m, "东门")
    assert desk.scan(badges[4].token).verdict is Verdict.ADMITTED
    assert desk.scan(badges[5].token).verdict is Verdict.ADMITTED
    attendees.reject(store, clock, team.chair, m, badges[4].attendee_id, "身份存疑")
    clock.advance(10)
    assert desk.scan(badges[4].token, exit=True).verdict is Verdict.EXITED
    clock.advance(10)
    assert desk.scan(badges[4].token).verdict is Verdict.NOT_APPROVED
    clock.set(START + dt.timedelta(hours=3 + 2, minutes=30))
    assert desk.scan(badges[5].token, exit=True).verdict is Verdict.EXITED
    clock.advance(10)
    assert desk.scan(badges[5].token).verdict is Verdict.EXPIRED
    assert desk.scan(badges[6].token, exit=True).verdict is Verdict.NOT_IN


def test_validity_window(store, clock, team, approved_meeting, badges):
    token = badges[0].token
    clock.set(START - dt.timedelta(hours=2, minutes=1))
    assert check_in(store, clock, team.secretary, approved_meeting.id, "东门", token).verdict is Verdict.NOT_YET_VALID
    clock.set(START + dt.timedelta(hours=3 + 2, minutes=1))
    assert check_in(store, clock, team.secretary, approved_meeting.id, "东门", token).verdict is Verdict.EXPIRED


def test_meeting_not_open(store, clock, team):
    meeting = meetings.create_meeting(
        store, clock, team.secretary, title="草稿会议", level="秘密", starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )
    a = attendees.add_attendee(store, clock, team.secretary, meeting.id, name="王五")
    attendees.approve(store, clock, team.chair, meeting.id)
    attendees.pledge(store, clock, team.secretary, meeting.id)
    made = issue_badges(store, clock, team.secretary, meeting.id, [a.id])
    clock.set(START)
    assert meetings.get_meeting(store, meeting.id).state == "draft"
    assert check_in(store, clock, team.secretary, meeting.id, "东门", made[0].token).verdict is Verdict.MEETING_NOT_OPEN


def test_wrong_meeting_and_another_meetings_key(store, clock, team, approved_meeting, badges):
    other = meetings.create_meeting(
        store, clock, team.secretary, title="另一个会议", level="秘密", starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )
    a = attendees.add_attendee(store, clock, team.secretary, other.id, name="赵六")
    attendees.approve(store, clock, team.chair, other.id)
    attendees.pledge(store, clock, team.secretary, other.id)
    other_badge = issue_badges(store, clock, team.secretary, other.id, [a.id])[0]
    result = check_in(store, clock, team.secretary, approved_meeting.id, "东门", other_badge.token)
    assert result.verdict is Verdict.WRONG_MEETING
    # a token claiming this meeting but signed with the other meeting's private key
    key_row = store.query_one("SELECT private_key FROM meeting_keys WHERE meeting_id = ?", [other.id])
    forged_claims = tokens.parse(badges[0].token).claims
    forged = tokens.encode(forged_claims, tokens.private_from_bytes(bytes(key_row["private_key"])))
    assert check_in(store, clock, team.secretary, approved_meeting.id, "东门", forged).verdict is Verdict.BAD_SIGNATURE


def test_every_one_character_alteration_is_refused(store, clock, team, approved_meeting, badges):
    """Change each of the 120 characters in turn: never admitted; an alteration naming a
    meeting of this store that has no key is a bad signature, one naming a meeting this
    store does not know says so."""
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    token = badges[0].token
    verdicts = []
    for i, ch in enumerate(token):
        other = tokens.ALPHABET[(tokens.ALPHABET.index(ch) + 7) % tokens.BASE]
        verdicts.append(desk.scan(token[:i] + other + token[i + 1:]).verdict)
    assert Verdict.ADMITTED not in verdicts and verdicts.count(Verdict.BAD_SIGNATURE) >= 100
    assert set(verdicts) <= {Verdict.BAD_SIGNATURE, Verdict.MALFORMED, Verdict.WRONG_MEETING}
    claims = tokens.parse(token).claims
    keyless = meetings.create_meeting(store, clock, team.secretary, title="无胸卡会议", level="内部", starts_at=START,
                                      ends_at=START + dt.timedelta(hours=1))
    fake_key = tokens.new_private_key()
    for meeting_id, verdict in ((keyless.id, Verdict.BAD_SIGNATURE), (9999, Verdict.WRONG_MEETING)):
        forged = tokens.encode(tokens.Claims(meeting_id, 1, claims.serial, claims.attendee_id, claims.not_before, claims.not_after), fake_key)
        result = desk.scan(forged)
        assert result.verdict is verdict
    assert "不在本系统中" in result.reason_zh


def test_only_desk_roles_open_a_desk(store, clock, team, approved_meeting):
    with pytest.raises(PermissionDenied):
        Desk(store, clock, team.technician, approved_meeting.id, "东门")
    assert audit.entries(store, approved_meeting.id, limit=1)[0]["action"] == "refused.desk.open"


def test_scans_are_append_only(store, clock, team, approved_meeting, badges):
    check_in(store, clock, team.secretary, approved_meeting.id, "东门", badges[0].token)
    with pytest.raises(Exception, match="append-only"), store.transaction():
        store.execute("UPDATE scans SET verdict = 'ADMITTED'")
    with pytest.raises(Exception, match="append-only"), store.transaction():
        store.execute("DELETE FROM presence_events")
    assert len(desk_sql.recent_scans(store, approved_meeting.id)) == 1


@given(text=st.one_of(st.text(st.characters(codec=None, exclude_categories=()), max_size=600), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_gets_a_refusal_and_is_stored(store, clock, team, approved_meeting, text):
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    clock.advance(3)
    result = desk.scan(text)
    assert result.verdict.kind == "refused" or result.repeat
    assert result.reason_zh and result.reason_en
