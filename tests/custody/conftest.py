"""Fixtures for controlled documents.

Like tests/desk: the shared setup (nine operators with scrypt passwords, eight approved and
pledged attendees) is built once per session into a template SQLCipher file, plus badges
for everyone and a sign-in at the door for all but the last attendee; each test gets a byte
copy (a real encrypted store opened afresh). Fixture names keep tests/conftest.py's meaning.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meetkit import attendees
from meetkit.badges.issue import issue_badges, list_badges
from meetkit.clock import FixedClock
from meetkit.desk.signin import check_in
from meetkit.meetings import get_meeting
from meetkit.store import Store, create_store
from tests import conftest as base
from tests.conftest import PASSPHRASE, START

AT_THE_DOOR = START - dt.timedelta(minutes=30)


def build_template(path: Path) -> tuple[base.Team, int]:
    store = create_store(path, PASSPHRASE)
    clock = FixedClock(START - dt.timedelta(days=1))
    team = base.make_team(store, clock)
    meeting = base.approve_everyone(store, clock, team, base.make_meeting(store, clock, team).id)
    issue_badges(store, clock, team.secretary, meeting.id)
    clock.set(AT_THE_DOOR)
    for badge in list_badges(store, meeting.id)[:-1]:
        check_in(store, clock, team.secretary, meeting.id, "东门", badge.token)
    store.close()
    return team, meeting.id


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, base.Team, int]:
    path = tmp_path_factory.mktemp("custody-template") / "template.db"
    team, meeting_id = build_template(path)
    return path, team, meeting_id


@pytest.fixture
def store(_template, store_path: Path) -> Store:
    s = base.copy_of(_template[0], store_path)
    yield s
    s.close()


@pytest.fixture
def team(_template, store) -> base.Team:
    return _template[1]


@pytest.fixture
def approved_meeting(_template, store):
    return get_meeting(store, _template[2])


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
