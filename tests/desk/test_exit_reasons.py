"""An exit scan that is refused says so without talking about entering."""

from __future__ import annotations

import datetime as dt

from meetkit import attendees, meetings
from meetkit.badges import token as tokens
from meetkit.badges.issue import issue_badges
from meetkit.desk.signin import Desk, Verdict
from tests.conftest import START


def _other_meetings_badge(store, clock, team) -> str:
    other = meetings.create_meeting(
        store, clock, team.secretary, title="另一个会议", level="秘密", starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )
    a = attendees.add_attendee(store, clock, team.secretary, other.id, name="赵六")
    attendees.approve(store, clock, team.chair, other.id)
    attendees.pledge(store, clock, team.secretary, other.id)
    return issue_badges(store, clock, team.secretary, other.id, [a.id])[0].token


def test_wrong_meeting_at_the_exit_does_not_talk_about_entering(store, clock, team, approved_meeting, badges):
    token = _other_meetings_badge(store, clock, team)
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    out = desk.scan(token, exit=True)
    assert out.verdict is Verdict.WRONG_MEETING and out.direction == "out"
    assert "入场" not in out.reason_zh and "离场" in out.reason_zh
    assert out.reason_zh.startswith("非本会议胸卡")
    stored = store.query_one("SELECT reason_zh FROM scans WHERE id = ?", [out.scan_id])
    assert stored["reason_zh"] == out.reason_zh
    clock.advance(5)
    entering = desk.scan(token)
    assert entering.verdict is Verdict.WRONG_MEETING and entering.reason_zh == "非本会议胸卡，不得入场"


def test_forged_and_unknown_meeting_badges_at_the_exit(store, clock, team, approved_meeting, badges):
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    claims = tokens.parse(badges[0].token).claims
    fake_key = tokens.new_private_key()
    unknown = tokens.encode(tokens.Claims(9999, 1, claims.serial, claims.attendee_id, claims.not_before, claims.not_after), fake_key)
    altered = tokens.encode(claims, fake_key)
    for token, verdict in ((unknown, Verdict.WRONG_MEETING), (altered, Verdict.BAD_SIGNATURE)):
        out = desk.scan(token, exit=True)
        assert out.verdict is verdict
        assert "入场" not in out.reason_zh and "离场" in out.reason_zh, out.reason_zh
        clock.advance(5)
        assert desk.scan(token).reason_zh.endswith("不得入场")
        clock.advance(5)


def test_exit_scan_on_a_meeting_not_open_names_exit_not_sign_in(store, clock, team):
    draft = meetings.create_meeting(
        store, clock, team.secretary, title="草稿会议", level="秘密", starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )
    a = attendees.add_attendee(store, clock, team.secretary, draft.id, name="王五")
    attendees.approve(store, clock, team.chair, draft.id)
    attendees.pledge(store, clock, team.secretary, draft.id)
    token = issue_badges(store, clock, team.secretary, draft.id, [a.id])[0].token
    clock.set(START)
    desk = Desk(store, clock, team.secretary, draft.id, "东门")
    out = desk.scan(token, exit=True)
    assert out.verdict is Verdict.MEETING_NOT_OPEN
    assert out.reason_zh == "会议当前为“草稿”，未开放离场登记"
    assert out.reason_en == "exit scanning is not open: the meeting is draft"
    clock.advance(5)
    entry = desk.scan(token)
    assert entry.reason_zh == "会议当前为“草稿”，未开放签到"
