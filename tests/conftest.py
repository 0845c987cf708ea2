"""Shared fixtures: real SQLCipher stores in tmp_path, a fixed clock, operators of every role,
and a meeting with approved, pledged attendees.

Each distinct starting state is built once per session into a template store file
(``Templates``) and every test gets a byte copy of it, opened afresh: a real encrypted store of
its own. Opening still costs one SQLCipher key derivation (about 0.3 s here, most of a test's
setup); the copy saves the rest (creating the store, nine scrypt hashes, the vetting). The root
``store`` starts from the least a test needs: empty, with the team, or with the approved meeting. tests/desk, tests/custody and tests/checklists
override ``_template`` with their own template; ``store``, ``team`` and ``approved_meeting``
then keep their meaning there. Tests of store creation itself call ``create_store``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from meetkit import attendees, meetings, operators  # noqa: E402
from meetkit.clock import Clock, FixedClock  # noqa: E402
from meetkit.operators import Actor  # noqa: E402
from meetkit.store import Store, create_store, open_store  # noqa: E402

PASSPHRASE = "correct horse battery staple"
PASSWORD = "password-123"
REPO = Path(__file__).resolve().parents[1]
REAL_RECORDINGS = REPO.parent / "shared" / "recordings-real"
START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Beijing


@dataclass(frozen=True)
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
    store: Store, clock: Clock, team: Team, meeting_id: int, photo: Callable[[int], bytes | None] | None = None,
    seat_row: str = "A",
) -> meetings.Meeting:
    """Add the eight NAMES as attendees (``photo(i)`` for the i-th, if given; seats A01… in ``seat_row``),
    approve and pledge them all, and advance the meeting to 'approved'."""
    for i, name in enumerate(NAMES):
        attendees.add_attendee(
            store, clock, team.secretary, meeting_id, name=name, unit=f"第{i % 3 + 1}单位", seat=f"{seat_row}{i + 1:02d}",
            photo=photo(i) if photo else None,
        )
    return approve_and_pledge_all(store, clock, team, meeting_id)


def approve_and_pledge_all(store: Store, clock: Clock, team: Team, meeting_id: int) -> meetings.Meeting:
    """The chair approves and the secretary pledges every attendee; the meeting goes through
    vetting to 'approved'."""
    attendees.approve(store, clock, team.chair, meeting_id)
    attendees.pledge(store, clock, team.secretary, meeting_id)
    meetings.advance(store, clock, team.secretary, meeting_id, "vetting")
    return meetings.advance(store, clock, team.secretary, meeting_id, "approved")


def copy_of(template: Path, store_path: Path) -> Store:
    """A byte copy of a session template store (with its file mode), opened afresh (a real
    encrypted store)."""
    shutil.copy(template, store_path)
    return open_store(store_path, PASSPHRASE)


def template_clock() -> FixedClock:
    """The time templates are built at: the ``clock`` fixture's."""
    return FixedClock(START - dt.timedelta(days=1))


@dataclass(frozen=True)
class Template:
    """A store file built once per session, and what was made in it."""

    path: Path
    team: Team | None = None
    meeting_id: int | None = None


class Templates:
    """The session's template stores, each built the first time a test needs it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, Template] = {}

    def get(self, name: str, build: Callable[[Path], Template]) -> Template:
        """The template ``name``, built into a new file by ``build(path)`` the first time."""
        if name not in self._made:
            self._made[name] = build(self.folder / f"{name}.db")
        return self._made[name]

    def derive(self, name: str, base: Template, step: Callable[[Store, FixedClock, Template], Template]) -> Template:
        """The template ``name``: a copy of ``base`` taken further by ``step(store, clock, base)``
        (the clock at ``template_clock()``), which returns what the new file holds."""

        def build(path: Path) -> Template:
            store = copy_of(base.path, path)
            try:
                return replace(step(store, template_clock(), base), path=path)
            finally:
                store.close()

        return self.get(name, build)


def _create(path: Path) -> Template:
    create_store(path, PASSPHRASE).close()
    return Template(path)


def _with_team(store: Store, clock: FixedClock, base: Template) -> Template:
    return replace(base, team=make_team(store, clock))


def _with_approved_meeting(store: Store, clock: FixedClock, base: Template) -> Template:
    assert base.team is not None
    meeting = approve_everyone(store, clock, base.team, make_meeting(store, clock, base.team).id)
    return replace(base, meeting_id=meeting.id)


ROOT_STATES = ("empty", "team", "approved")


def root_template(templates: Templates, state: str) -> Template:
    """The root templates: 'empty' (a new store), 'team' (the first admin and one operator per
    role, real scrypt hashes), 'approved' (the team and ``approved_meeting``'s meeting)."""
    empty = templates.get("empty", _create)
    if state == "empty":
        return empty
    team = templates.derive("team", empty, _with_team)
    if state == "team":
        return team
    if state == "approved":
        return templates.derive("approved", team, _with_approved_meeting)
    raise ValueError(f"no root template {state!r}; there are {ROOT_STATES}")


def needed_state(fixturenames: list[str]) -> str:
    """The least root template that the test's fixtures (all of them, also indirect ones) need."""
    if "approved_meeting" in fixturenames:
        return "approved"
    if "team" in fixturenames:
        return "team"
    return "empty"


@pytest.fixture
def clock() -> FixedClock:
    return template_clock()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "meetkit.db"


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    return Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def _template(request: pytest.FixtureRequest, templates: Templates) -> Template:
    """The template this test's store starts from (overridden per area in tests/*/conftest.py)."""
    return root_template(templates, needed_state(request.fixturenames))


@pytest.fixture
def store(_template: Template, store_path: Path) -> Store:
    s = copy_of(_template.path, store_path)
    yield s
    s.close()


@pytest.fixture
def team(_template: Template, store: Store) -> Team:
    assert _template.team is not None, "this template has no team"
    return _template.team


@pytest.fixture
def meeting(store: Store, clock: FixedClock, team: Team) -> meetings.Meeting:
    """A 机密 meeting in draft, made in this test's store (a test asking for both ``meeting`` and
    ``approved_meeting`` gets two meetings)."""
    return make_meeting(store, clock, team)


NAMES = ["𠈌㛃", "阿依古丽·买买提", "龘靐齉", "王小明", "李华", "欧阳娜娜", "司马相如", "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"]


@pytest.fixture
def approved_meeting(_template: Template, store: Store, team: Team) -> meetings.Meeting:
    """The meeting with 8 attendees, all approved and pledged, advanced to 'approved'."""
    assert _template.meeting_id is not None, "this template has no meeting"
    return meetings.get_meeting(store, _template.meeting_id)


def pytest_collection_modifyitems(config, items):
    """Tests that need a real dongle run only with MEETKIT_HARDWARE=1."""
    if os.environ.get("MEETKIT_HARDWARE") == "1":
        return
    skip = pytest.mark.skip(reason="needs a real RTL-SDR dongle (set MEETKIT_HARDWARE=1)")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)
