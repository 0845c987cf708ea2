"""Fixtures for controlled documents.

Like tests/desk: the shared setup (nine operators with scrypt passwords, eight approved and
pledged attendees) is built once per session into a template SQLCipher file, plus badges
for everyone and a sign-in at the door for all but the last attendee; each test gets a byte
copy (a real encrypted store opened afresh). Fixture names keep tests/conftest.py's meaning.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from meetkit import attendees, meetings, operators
from meetkit.badges.issue import issue_badges, list_badges
from meetkit.clock import FixedClock
from meetkit.desk.signin import check_in
from meetkit.meetings import get_meeting
from meetkit.store import Store, create_store, open_store
from tests import conftest as base
from tests.conftest import PASSPHRASE, START

AT_THE_DOOR = START - dt.timedelta(minutes=30)


def build_template(path: Path) -> tuple[base.Team, int]:
    store = create_store(path, PASSPHRASE)
    clock = FixedClock(START - dt.timedelta(days=1))
    admin = operators.create_first_admin(store, clock, "admin", base.PASSWORD)
    made = {
        name: operators.add_operator(store, clock, admin, name, base.PASSWORD, [role])
        for name, role in (
            ("secretary", "secretary"), ("chair", "chair"), ("technician", "technician"), ("inspector", "inspector"),
            ("inspector2", "inspector"), ("director", "director"), ("witness1", "secretary"), ("witness2", "inspector"),
        )
    }
    team = base.Team(admin=admin, **made)
    meeting = meetings.create_meeting(
        store, clock, team.secretary, title="市政府法治工作专题会议", level="机密", venue="市政府三号楼第一会议室",
        starts_at=START, ends_at=START + dt.timedelta(hours=3), chair="张主任",
    )
    for i, name in enumerate(base.NAMES):
        attendees.add_attendee(store, clock, team.secretary, meeting.id, name=name, unit=f"第{i % 3 + 1}单位", seat=f"A{i + 1:02d}")
    attendees.approve(store, clock, team.chair, meeting.id)
    attendees.pledge(store, clock, team.secretary, meeting.id)
    meetings.advance(store, clock, team.secretary, meeting.id, "vetting")
    meetings.advance(store, clock, team.secretary, meeting.id, "approved")
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
    shutil.copyfile(_template[0], store_path)
    s = open_store(store_path, PASSPHRASE)
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
