"""Shared fixtures: real SQLCipher stores in tmp_path, a fixed clock, operators of every role,
and a meeting with approved, pledged attendees."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from meetkit import attendees, meetings, operators  # noqa: E402
from meetkit.clock import FixedClock  # noqa: E402
from meetkit.operators import Actor  # noqa: E402
from meetkit.store import Store, create_store, open_store  # noqa: E402

PASSPHRASE = "correct horse battery staple"
PASSWORD = "password-123"
REPO = Path(__file__).resolve().parents[1]
REAL_RECORDINGS = REPO.parent / "shared" / "recordings-real"
START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Beijing


@dataclass
class Team:
    admin: Actor
    secretary: Actor
    chair: Actor
    technician: Actor
    inspector: Actor
    inspector2: Actor
    director: Actor
    witness1: Actor
    witness2: Actor


TEAM_ROLES = (
    ("secretary", "secretary"), ("chair", "chair"), ("technician", "technician"), ("inspector", "inspector"),
    ("inspector2", "inspector"), ("director", "director"), ("witness1", "secretary"), ("witness2", "inspector"),
)


def make_team(store: Store, clock: FixedClock) -> Team:
    """The first admin and one operator per role (all with PASSWORD)."""
    admin = operators.create_first_admin(store, clock, "admin", PASSWORD)
    made = {name: operators.add_operator(store, clock, admin, name, PASSWORD, [role]) for name, role in TEAM_ROLES}
    return Team(admin=admin, **made)


def make_meeting(store: Store, clock: FixedClock, team: Team) -> meetings.Meeting:
    """A 机密 meeting in draft."""
    return meetings.create_meeting(
        store,
        clock,
        team.secretary,
        title="市政府法治工作专题会议",
        level="机密",
        venue="市政府三号楼第一会议室",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        chair="张主任",
    )


def approve_everyone(
    store: Store, clock: FixedClock, team: Team, meeting_id: int, photo: Callable[[int], bytes | None] | None = None
) -> meetings.Meeting:
    """Add the eight NAMES as attendees (``photo(i)`` for the i-th, if given), approve and
    pledge them all, and advance the meeting to 'approved'."""
    for i, name in enumerate(NAMES):
        attendees.add_attendee(
            store, clock, team.secretary, meeting_id, name=name, unit=f"第{i % 3 + 1}单位", seat=f"A{i + 1:02d}",
            photo=photo(i) if photo else None,
        )
    attendees.approve(store, clock, team.chair, meeting_id)
    attendees.pledge(store, clock, team.secretary, meeting_id)
    meetings.advance(store, clock, team.secretary, meeting_id, "vetting")
    return meetings.advance(store, clock, team.secretary, meeting_id, "approved")


def copy_of(template: Path, store_path: Path) -> Store:
    """A byte copy of a session template store, opened afresh (a real encrypted store)."""
    shutil.copyfile(template, store_path)
    return open_store(store_path, PASSPHRASE)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START - dt.timedelta(days=1))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "meetkit.db"


@pytest.fixture
def store(store_path: Path) -> Store:
    s = create_store(store_path, PASSPHRASE)
    yield s
    s.close()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real scrypt hash of PASSWORD, computed once: hashing is deliberately slow
    (about 0.13 s), and the team fixture would otherwise hash nine times per test."""
    return operators.hash_password(PASSWORD)


@pytest.fixture
def team(store: Store, clock: FixedClock, password_hash: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    real_hash = operators.hash_password
    monkeypatch.setattr(operators, "hash_password", lambda pw: password_hash if pw == PASSWORD else real_hash(pw))
    made = make_team(store, clock)
    monkeypatch.setattr(operators, "hash_password", real_hash)
    return made


@pytest.fixture
def meeting(store: Store, clock: FixedClock, team: Team) -> meetings.Meeting:
    return make_meeting(store, clock, team)


NAMES = ["𠈌㛃", "阿依古丽·买买提", "龘靐齉", "王小明", "李华", "欧阳娜娜", "司马相如", "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"]


@pytest.fixture
def approved_meeting(store: Store, clock: FixedClock, team: Team, meeting: meetings.Meeting) -> meetings.Meeting:
    """The meeting with 8 attendees, all approved and pledged, advanced to 'approved'."""
    return approve_everyone(store, clock, team, meeting.id)


def pytest_collection_modifyitems(config, items):
    """Tests that need a real dongle run only with MEETKIT_HARDWARE=1."""
    if os.environ.get("MEETKIT_HARDWARE") == "1":
        return
    skip = pytest.mark.skip(reason="needs a real RTL-SDR dongle (set MEETKIT_HARDWARE=1)")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)
