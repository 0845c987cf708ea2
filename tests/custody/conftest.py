from __future__ import annotations

import pytest


@pytest.fixture
def people(store, approved_meeting):
    from meetkit.attendees import list_attendees

    return list_attendees(store, approved_meeting.id)
