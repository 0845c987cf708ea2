"""Fixtures for the checklist tests: a meeting with a venue room, a side room and lodging rooms
with attendees assigned to them."""

from __future__ import annotations

import pytest

from meetkit import meetings


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
