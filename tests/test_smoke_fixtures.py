from meetkit import attendees, audit


def test_approved_meeting_fixture_is_consistent(store, approved_meeting):
    people = attendees.list_attendees(store, approved_meeting.id)
    assert len(people) == 8
    assert all(a.status == "approved" and a.pledged_at for a in people)
    assert approved_meeting.state == "approved"
    assert audit.verify(store).ok
