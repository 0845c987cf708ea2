"""The issue's 'done when', tried as a new user would through the services: a 机密 meeting
cannot start until its venue checklist is signed by one inspector and countersigned by
another; after the meeting the room checklists can be completed and signed; the gate to
'closed' waits for them."""

from __future__ import annotations

import pytest

from meetkit import audit, meetings
from meetkit.checklists import instances, results, signoff
from meetkit.errors import MeetkitError, PermissionDenied
from tests.checklists.helpers import pass_all


def _codes(err: MeetkitError) -> set[str]:
    return {b["code"] for b in err.details["blockers"]}


def test_secret_meeting_needs_signed_and_countersigned_venue_checklist(store, clock, team, approved_meeting, rooms):
    mid = approved_meeting.id
    with pytest.raises(MeetkitError) as err:
        meetings.advance(store, clock, team.secretary, mid, "in_session")
    assert "pre_checklist_missing" in _codes(err.value)
    assert "sweep_report_missing" in _codes(err.value)

    pre = instances.create_checklists(store, clock, team.inspector, mid, "pre")
    assert [instances.checklist_view(store, c).room_name for c in pre] == ["第一会议室", "休息室"]
    for checklist_id in pre:
        pass_all(store, clock, team.inspector, mid, checklist_id)
        signoff.sign(store, clock, team.inspector, mid, checklist_id)

    with pytest.raises(MeetkitError) as err:
        meetings.advance(store, clock, team.secretary, mid, "in_session")
    assert _codes(err.value) == {"pre_checklist_not_signed"}, "one signature is not enough on a 机密 meeting"

    with pytest.raises(MeetkitError, match="different inspector"):
        signoff.sign(store, clock, team.inspector, mid, pre[0])
    with pytest.raises(PermissionDenied):
        signoff.sign(store, clock, team.secretary, mid, pre[0])

    for checklist_id in pre:
        view = signoff.sign(store, clock, team.inspector2, mid, checklist_id)
        assert view.sign.status == "signed_off"
        assert [s for s, _ in view.sign.signers] == ["inspector", "inspector2"]
    assert meetings.advance(store, clock, team.secretary, mid, "in_session").state == "in_session"
    assert audit.verify(store).ok


def test_internal_meeting_needs_one_inspector_and_no_sweep(store, clock, team, meeting):
    mid = meetings.create_meeting(
        store, clock, team.secretary, title="内部工作例会", level="内部", starts_at=meeting.starts_at, ends_at=meeting.ends_at,
        venue="二楼小会议室",
    ).id
    from meetkit import attendees

    attendees.add_attendee(store, clock, team.secretary, mid, name="王小明")
    attendees.approve(store, clock, team.chair, mid)
    meetings.advance(store, clock, team.secretary, mid, "vetting")
    meetings.advance(store, clock, team.secretary, mid, "approved")
    [only] = instances.create_checklists(store, clock, team.inspector, mid, "pre")
    view = instances.checklist_view(store, only)
    assert view.room_name == "二楼小会议室", "without registered rooms the venue itself is checked"
    assert view.sign.required == 1
    for item in view.items:
        outcome = "na" if item.key == "rf_sweep" else "pass"
        results.record_result(store, clock, team.inspector, mid, only, item.key, outcome)
    signoff.sign(store, clock, team.inspector, mid, only)
    assert meetings.advance(store, clock, team.secretary, mid, "in_session").state == "in_session"


def test_signed_checklist_is_read_only_and_reopening_needs_a_reason(store, clock, team, approved_meeting, rooms):
    mid = approved_meeting.id
    first = instances.create_checklists(store, clock, team.inspector, mid, "pre")[0]
    pass_all(store, clock, team.inspector, mid, first)
    signoff.sign(store, clock, team.inspector, mid, first)
    with pytest.raises(MeetkitError, match="read-only"):
        results.record_result(store, clock, team.inspector2, mid, first, 1, "fail", "门锁损坏")
    with pytest.raises(MeetkitError, match="reason"):
        signoff.reopen(store, clock, team.inspector, mid, first, "  ")
    view = signoff.reopen(store, clock, team.inspector, mid, first, "门锁需复查")
    assert view.sign.status == "open" and view.sign.reopenings[0][2] == "门锁需复查"
    entry = [e for e in audit.entries(store, mid) if e["action"] == "checklist.reopen"][-1]
    assert entry["details"]["previous_signers"] == ["inspector"]
    # After reopening, both signatures are needed again, from scratch.
    results.record_result(store, clock, team.inspector2, mid, first, 1, "pass", "复查无误")
    assert signoff.sign(store, clock, team.inspector, mid, first).sign.status == "awaiting_countersign"


def test_fail_needs_a_note_opens_a_followup_and_blocks_signing_until_resolved(store, clock, team, approved_meeting, rooms):
    from meetkit.checklists import followups

    mid = approved_meeting.id
    first = instances.create_checklists(store, clock, team.inspector, mid, "pre")[0]
    with pytest.raises(MeetkitError, match="note"):
        results.record_result(store, clock, team.inspector, mid, first, "no_wireless_mics", "fail")
    done = results.record_result(store, clock, team.inspector, mid, first, "no_wireless_mics", "fail", "讲台上有一支无线话筒")
    assert done.followup_id is not None
    fu = followups.get_followup(store, mid, done.followup_id)
    assert fu.open and fu.owner == "inspector" and fu.due_at
    # Failing again does not open a second follow-up for the same item.
    again = results.record_result(store, clock, team.inspector, mid, first, "no_wireless_mics", "fail", "仍未撤除")
    assert again.followup_id is None
    results.record_result(store, clock, team.inspector, mid, first, "no_wireless_mics", "pass", "已撤除，改用有线话筒")
    pass_all(store, clock, team.inspector, mid, first)
    with pytest.raises(MeetkitError, match="follow-up"):
        signoff.sign(store, clock, team.inspector, mid, first)
    clock.advance(600)
    resolved = followups.resolve_followup(store, clock, team.secretary, mid, fu.id, "无线话筒已收走")
    assert not resolved.open and resolved.resolved_by == "secretary" and resolved.resolved_at
    assert signoff.sign(store, clock, team.inspector, mid, first).sign.status == "awaiting_countersign"
    view = instances.checklist_view(store, first)
    mic = view.item("no_wireless_mics")
    assert mic.outcome == "pass" and mic.history == 3, "results are appended, the newest is current"


def test_sweep_item_needs_a_report_reference(store, clock, team, approved_meeting, rooms):
    from meetkit.checklists.sweep_status import sweep_status

    mid = approved_meeting.id
    first = instances.create_checklists(store, clock, team.inspector, mid, "pre")[0]
    with pytest.raises(MeetkitError, match="report reference"):
        results.record_result(store, clock, team.technician, mid, first, "rf_sweep", "pass")
    assert not sweep_status(store, mid).ok
    results.record_result(store, clock, team.technician, mid, first, "rf_sweep", "pass", "SW-2026-0042")
    status = sweep_status(store, mid)
    assert status.ok and status.source == "manual" and status.report_ref == "SW-2026-0042"


def test_closed_needs_every_post_meeting_room_checklist_signed(store, clock, team, approved_meeting, rooms):
    mid = approved_meeting.id
    meetings.advance(store, clock, team.chair, mid, "in_session", override_reason="演练：跳过会前检查")
    meetings.advance(store, clock, team.secretary, mid, "closing")
    with pytest.raises(MeetkitError) as err:
        meetings.advance(store, clock, team.secretary, mid, "closed")
    assert "post_checklist_missing" in _codes(err.value)
    post = instances.create_checklists(store, clock, team.inspector, mid, "post")
    views = [instances.checklist_view(store, c) for c in post]
    assert [(v.room_name, v.room_kind) for v in views] == [("第一会议室", "meeting"), ("休息室", "side"), ("301", "lodging"), ("302", "lodging")]
    assert "beds_wardrobes" in {i.key for i in views[2].items} and "beds_wardrobes" not in {i.key for i in views[0].items}
    assert "whiteboards" in {i.key for i in views[0].items} and "whiteboards" not in {i.key for i in views[2].items}
    for c in post[:-1]:
        pass_all(store, clock, team.inspector, mid, c)
        signoff.sign(store, clock, team.inspector, mid, c)
        signoff.sign(store, clock, team.inspector2, mid, c)
    with pytest.raises(MeetkitError) as err:
        meetings.advance(store, clock, team.secretary, mid, "closed")
    assert _codes(err.value) == {"post_checklist_not_signed"}
    assert err.value.details["blockers"][0]["items"] == [str(post[-1])]
    pass_all(store, clock, team.inspector, mid, post[-1])
    signoff.sign(store, clock, team.inspector, mid, post[-1])
    signoff.sign(store, clock, team.inspector2, mid, post[-1])
    assert meetings.advance(store, clock, team.secretary, mid, "closed").state == "closed"
    with pytest.raises(MeetkitError):
        signoff.reopen(store, clock, team.inspector, mid, post[0], "想再看看")
    # The chair's override is what the dossier prints in its overrides section.
    from meetkit.dossier import collect

    overrides = [t for t in collect(store, mid).section("overrides").data if t["override_reason"]]
    assert [(t["to_state"], t["override_reason"], t["operator"]) for t in overrides] == [("in_session", "演练：跳过会前检查", "chair")]
    assert {b["code"] for b in overrides[0]["blockers"]} == {"pre_checklist_missing", "sweep_report_missing"}


def test_create_is_idempotent_and_covers_rooms_added_later(store, clock, team, approved_meeting, rooms):
    mid = approved_meeting.id
    assert len(instances.create_checklists(store, clock, team.inspector, mid, "pre")) == 2
    assert instances.create_checklists(store, clock, team.inspector, mid, "pre") == []
    meetings.add_room(store, clock, team.secretary, mid, "第二会议室", "meeting")
    with pytest.raises(MeetkitError) as err:
        meetings.advance(store, clock, team.secretary, mid, "in_session")
    assert "第二会议室" in err.value.details["blockers"][0]["items"]
    assert len(instances.create_checklists(store, clock, team.inspector, mid, "pre")) == 1


def test_photos_are_kept_in_the_store(store, clock, team, approved_meeting, rooms):
    from tests.checklists.helpers import photo_bytes

    mid = approved_meeting.id
    first = instances.create_checklists(store, clock, team.inspector, mid, "pre")[0]
    jpeg = photo_bytes()
    done = results.record_result(store, clock, team.inspector, mid, first, "pa_tested", "pass", "", photos=[(jpeg, "/tmp/pa.jpg")])
    assert len(done.photo_ids) == 1 and done.item.photo_ids == done.photo_ids
    name, mime, data = results.photo_bytes(store, done.photo_ids[0])
    assert (name, mime, data) == ("pa.jpg", "image/jpeg", jpeg)
    with pytest.raises(MeetkitError, match="not an image"):
        results.add_photo(store, clock, team.inspector, mid, first, "pa_tested", b"%PDF-1.4 not a photo", "x.jpg")


def test_roles_are_enforced_and_refusals_audited(store, clock, team, approved_meeting, rooms):
    mid = approved_meeting.id
    with pytest.raises(PermissionDenied):
        instances.create_checklists(store, clock, team.chair, mid, "pre")
    first = instances.create_checklists(store, clock, team.inspector, mid, "pre")[0]
    with pytest.raises(PermissionDenied):
        results.record_result(store, clock, team.director, mid, first, 1, "pass")
    refused = [e["action"] for e in audit.entries(store, mid) if e["action"].startswith("refused.checklist")]
    assert sorted(refused) == ["refused.checklist.create", "refused.checklist.result"]


def test_typed_checklist_and_item_references(store, clock, team, approved_meeting, rooms):
    """Whatever an inspector types as CHECKLIST or ITEM either finds the one meant or says
    clearly that nothing matches (NotFound), never anything else."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from meetkit.errors import NotFound

    mid = approved_meeting.id
    pre = instances.create_checklists(store, clock, team.inspector, mid, "pre")
    view = instances.find_checklist(store, mid, "pre:第一会议室")
    assert view.id == pre[0]
    assert instances.find_checklist(store, mid, str(pre[1])).room_name == "休息室"
    assert view.item("8").key == "rf_sweep" and view.item("rf_sweep").position == 8
    with pytest.raises(NotFound, match="pre:ROOM"):
        instances.find_checklist(store, mid, "pre")  # two pre-meeting checklists: ambiguous

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(st.text(max_size=20), st.integers(min_value=-5, max_value=10**6).map(str),
                     st.sampled_from(["pre", "post", "pre:", "post:301", "第一会议室", "休息室", " 1 ", "#1", "9" * 30, "²", "１"])))
    def typed(text: str) -> None:
        try:
            found = instances.find_checklist(store, mid, text)
        except NotFound as err:
            assert err.zh
        else:
            assert found.meeting_id == mid
        try:
            item = view.item(text)
        except NotFound:
            pass
        else:
            assert item in view.items

    typed()
