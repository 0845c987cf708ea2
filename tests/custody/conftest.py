"""Fixtures for controlled documents.

Like tests/desk: the tests start from one session template (see tests/conftest.py): the team,
eight approved and pledged attendees, badges for everyone and a sign-in at the door for all but
the last attendee; each test gets a byte copy (a real encrypted store opened afresh). ``store``,
``team`` and ``approved_meeting`` keep tests/conftest.py's meaning.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meetkit import attendees
from meetkit.badges.issue import issue_badges, list_badges
from meetkit.clock import FixedClock
from meetkit.desk.signin import check_in
from meetkit.store import Store, create_store
from tests import conftest as base
from tests.conftest import PASSPHRASE, START

AT_THE_DOOR = START - dt.timedelta(minutes=30)


def _badged_and_signed_in(store: Store, clock: FixedClock, start: base.Template) -> base.Template:
    """Badges for the approved meeting's attendees; all but the last signed in at the door."""
    assert start.team is not None and start.meeting_id is not None
    issue_badges(store, clock, start.team.secretary, start.meeting_id)
    clock.set(AT_THE_DOOR)
    for badge in list_badges(store, start.meeting_id)[:-1]:
        check_in(store, clock, start.team.secretary, start.meeting_id, "东门", badge.token)
    return start


def build_template(path: Path) -> tuple[base.Team, int]:
    """The custody template built from scratch at ``path`` (for tests outside this folder)."""
    store = create_store(path, PASSPHRASE)
    clock = base.template_clock()
    team = base.make_team(store, clock)
    meeting = base.approve_everyone(store, clock, team, base.make_meeting(store, clock, team).id)
    _badged_and_signed_in(store, clock, base.Template(path, team, meeting.id))
    store.close()
    return team, meeting.id


@pytest.fixture(scope="session")
def _template(templates: base.Templates) -> base.Template:
    return templates.derive("custody", base.root_template(templates, "approved"), _badged_and_signed_in)


@pytest.fixture
def clock() -> FixedClock:
    """Half an hour before the meeting starts: everyone but the last attendee signed in."""
    return FixedClock(AT_THE_DOOR + dt.timedelta(minutes=5))


@pytest.fixture
def people(store, approved_meeting):
    """Attendees; the last one has not signed in."""
    return attendees.list_attendees(store, approved_meeting.id)


@pytest.fixture
def badges(store, approved_meeting):
    return {b.attendee_id: b for b in list_badges(store, approved_meeting.id)}
