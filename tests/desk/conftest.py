"""Fixtures for the desk area.

The desk tests start from one session template (see tests/conftest.py): the team, a meeting of
eight approved and pledged attendees (the second with a photo), and badges for everyone. Each
test gets a byte copy of it (a real encrypted store, opened afresh); ``store``, ``team`` and
``approved_meeting`` keep the names and meaning of ``tests/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from meetkit import meetings
from meetkit.badges.issue import Badge, issue_badges, list_badges
from meetkit.clock import FixedClock
from meetkit.meetings import get_meeting
from meetkit.store import Store
from tests import conftest as base
from tests.conftest import PASSPHRASE, START


def portrait() -> bytes:
    """A plain head-and-shoulders picture, as a photo would be stored."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), (200, 214, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse([95, 70, 205, 200], fill=(226, 190, 160))
    draw.rectangle([60, 230, 240, 400], fill=(40, 60, 90))
    draw.ellipse([60, 190, 240, 290], fill=(40, 60, 90))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _desk_meeting(store: Store, clock: FixedClock, start: base.Template) -> base.Template:
    assert start.team is not None
    team = start.team
    meeting = base.approve_everyone(
        store, clock, team, base.make_meeting(store, clock, team).id, photo=lambda i: portrait() if i == 1 else None
    )
    issue_badges(store, clock, team.secretary, meeting.id)
    return replace(start, meeting_id=meeting.id)


@pytest.fixture(scope="session")
def _template(templates: base.Templates) -> base.Template:
    return templates.derive("desk", base.root_template(templates, "team"), _desk_meeting)


@pytest.fixture
def clock() -> FixedClock:
    """At the door: half an hour before the meeting starts (badges are valid)."""
    return FixedClock(START - dt.timedelta(minutes=30))


@pytest.fixture
def badges(store, approved_meeting) -> list[Badge]:
    return list_badges(store, approved_meeting.id)


@pytest.fixture
def live(store, team):
    """A meeting happening now by the wall clock (the CLI uses the system clock), with the
    eight attendees approved, pledged and badged; and the environment for ``main([...])``."""
    from meetkit.clock import SystemClock

    real = SystemClock()
    now = real.now()
    m = meetings.create_meeting(
        store, real, team.secretary, title="正在进行的会议", level="秘密", starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
    )
    base.approve_everyone(store, real, team, m.id, seat_row="B")
    issue_badges(store, real, team.secretary, m.id)
    return get_meeting(store, m.id)


@pytest.fixture
def cli_env(monkeypatch, store_path):
    monkeypatch.setenv("MEETKIT_DB", str(store_path))
    monkeypatch.setenv("MEETKIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MEETKIT_OPERATOR", "secretary")
    monkeypatch.setenv("MEETKIT_OPERATOR_PASSWORD", base.PASSWORD)
    monkeypatch.setenv("MEETKIT_LANG", "zh")


class FakeStdin:
    """``sys.stdin`` with a ``buffer`` of raw bytes, as a scanner session feeds it."""

    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


@pytest.fixture
def feed_stdin(monkeypatch):
    import sys

    def feed(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", FakeStdin(data))

    return feed


# tests/gui/test_desk_pages.py imports the desk fixtures from this module: ``store``, ``team`` and
# ``approved_meeting`` are the root ones, which start from this module's ``_template``.
store, team, approved_meeting = base.store, base.team, base.approved_meeting
