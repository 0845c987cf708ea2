"""Fixtures for the checklist tests: a meeting with a venue room, a side room and lodging rooms
with attendees assigned to them.

The tests start from the root 'approved' session template (see tests/conftest.py: nine
operators, a meeting of eight approved and pledged attendees), for every test of this folder;
each gets a byte copy of it (a real encrypted store, opened afresh). ``store``, ``team`` and
``approved_meeting`` keep the names and meaning of ``tests/conftest.py``.
"""

from __future__ import annotations

import pytest

from meetkit import attendees, meetings
from tests import conftest as base


@pytest.fixture(scope="session")
def _template(templates: base.Templates) -> base.Template:
    return base.root_template(templates, "approved")


@pytest.fixture
def rooms(store, clock, team, approved_meeting):  # type: ignore[no-untyped-def]
    mid = approved_meeting.id
    made = {
        "main": meetings.add_room(store, clock, team.secretary, mid, "第一会议室", "meeting"),
        "side": meetings.add_room(store, clock, team.secretary, mid, "休息室", "side"),
        "r301": meetings.add_room(store, clock, team.secretary, mid, "301", "lodging"),
        "r302": meetings.add_room(store, clock, team.secretary, mid, "302", "lodging"),
    }
    return made


@pytest.fixture
def lodged_meeting(store, clock, team):  # type: ignore[no-untyped-def]
    """A 机密 meeting, state 'approved', with a meeting room and two lodging rooms: 𠈌㛃 and
    阿依古丽·买买提 stay in 301, 王小明 in 302, 李华 lodges elsewhere. Badges issued."""
    import datetime as dt

    from meetkit.badges.issue import issue_badges
    from tests.conftest import START

    m = meetings.create_meeting(
        store, clock, team.secretary, title="市政府法治工作专题会议", level="机密", venue="市政府三号楼",
        starts_at=START, ends_at=START + dt.timedelta(hours=3), chair="张主任", organizer="市司法局",
    )
    room = {
        "main": meetings.add_room(store, clock, team.secretary, m.id, "第一会议室", "meeting"),
        "301": meetings.add_room(store, clock, team.secretary, m.id, "301", "lodging"),
        "302": meetings.add_room(store, clock, team.secretary, m.id, "302", "lodging"),
    }
    people = {}
    for name, room_key in (("𠈌㛃", "301"), ("阿依古丽·买买提", "301"), ("王小明", "302"), ("李华", None)):
        a = attendees.add_attendee(
            store, clock, team.secretary, m.id, name=name, unit="市司法局", room_id=room[room_key] if room_key else None,
        )
        people[name] = a.id
    base.approve_and_pledge_all(store, clock, team, m.id)
    issue_badges(store, clock, team.secretary, m.id)
    return {"meeting": meetings.get_meeting(store, m.id), "rooms": room, "people": people}
