"""The checklist page as an inspector uses it: make the venue checklists, tap through the
items, attach a photo, sign, have the second inspector countersign with their own login,
print a checklist off the GUI thread; the gate widget tells what still blocks."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from meetkit import meetings
from meetkit.checklists import instances
from meetkit.gui.checklist_page import ChecklistPage, ItemRow
from meetkit.gui.context import GuiContext
from meetkit.gui.gate_status import GateStatusWidget
from meetkit.i18n import Translator
from tests.conftest import PASSWORD

SHOT_DIR = Path(os.environ.get("MEETKIT_SHOTS", "/tmp"))


@pytest.fixture
def warnings(monkeypatch):  # type: ignore[no-untyped-def]
    """Message boxes are recorded instead of shown (they would block the test)."""
    seen: list[str] = []
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: seen.append(text)))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda parent, title, text, *a, **k: seen.append(text)))
    return seen


@pytest.fixture
def page(qtbot, store, clock, team, approved_meeting):  # type: ignore[no-untyped-def]
    meetings.add_room(store, clock, team.secretary, approved_meeting.id, "第一会议室", "meeting")
    meetings.add_room(store, clock, team.secretary, approved_meeting.id, "休息室", "side")
    ctx = GuiContext(store=store, clock=clock, actor=team.inspector, tr=Translator("zh"))
    widget = ChecklistPage(ctx, approved_meeting.id)
    widget.resize(1280, 860)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _row(page: ChecklistPage, key: str) -> ItemRow:
    return next(r for r in page.rows if r.item.key == key)


def test_inspector_fills_signs_and_second_inspector_countersigns(page, store, warnings, qtbot, tmp_path):  # type: ignore[no-untyped-def]
    assert "尚无检查表" in page.title.text()
    page.action_buttons["create_pre"].click()
    assert page.room_list.count() == 2
    assert page.current_id is not None
    first = page.current_id

    # A fail without a note is refused with a message; with a note it opens a follow-up.
    _row(page, "no_wireless_mics").buttons["fail"].click()
    assert warnings and "备注" in warnings[-1]
    _row(page, "no_wireless_mics").note.setText("讲台上有无线话筒")
    _row(page, "no_wireless_mics").buttons["fail"].click()
    assert page.inner_tabs.tabText(1) == "跟进事项 (1)"
    assert page.followups.rowCount() == 1

    image = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 200)).save(image, "PNG")
    photo = tmp_path / "讲台.png"
    photo.write_bytes(image.getvalue())
    assert page.attach_photo_file(_row(page, "no_wireless_mics"), str(photo)) is not None
    assert _row(page, "no_wireless_mics").item.photo_ids

    qtbot.wait(50)
    page.grab().save(str(SHOT_DIR / "checklist_page_filling.png"))

    _row(page, "no_wireless_mics").note.setText("已撤除，改用有线话筒")
    _row(page, "no_wireless_mics").buttons["pass"].click()
    qtbot.keyClicks(_row(page, "rf_sweep").note, "SW-2026-0042")  # typed, then other items tapped first
    for row in list(page.rows):
        if row.item.outcome is None:
            _row(page, row.item.key).buttons["pass"].click()
    assert page.progress.value() == page.progress.maximum()

    page.followups.selectRow(0)
    from PySide6.QtWidgets import QInputDialog

    pytest.MonkeyPatch().setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("无线话筒已收走", True)))
    page._resolve()
    assert page.inner_tabs.tabText(1) == "跟进事项"

    page.action_buttons["sign"].click()
    assert instances.checklist_view(store, first).sign.status == "awaiting_countersign"
    assert all(not b.isEnabled() for b in _row(page, "pa_tested").buttons.values()), "signed = read-only"
    assert page.action_buttons["countersign"].isEnabled()
    assert not page.countersign_as("inspector", PASSWORD), "the same inspector cannot countersign"
    assert not page.countersign_as("inspector2", "wrong-password")
    assert page.countersign_as("inspector2", PASSWORD)
    assert instances.checklist_view(store, first).sign.status == "signed_off"
    gate = GateStatusWidget(page.ctx, page.meeting_id)
    qtbot.addWidget(gate)
    assert "休息室" in gate.details.text(), "the other venue room still blocks 'in session'"

    out = tmp_path / "dossier.pdf"
    page.print_dossier_to(str(out))
    qtbot.waitUntil(lambda: not page.jobs, timeout=60000)
    assert out.stat().st_size > 10000
    assert any("已保存" in w for w in warnings)
    from meetkit import audit

    printed = [e for e in audit.entries(store, page.meeting_id) if e["action"] == "meeting.dossier"]
    assert len(printed) == 1 and printed[0]["operator"] == "inspector", "the printing is audited on the GUI thread"

    qtbot.wait(50)
    page.grab().save(str(SHOT_DIR / "checklist_page_signed.png"))
    assert not page.ctx.tr.missing, page.ctx.tr.missing


def test_gate_widget_names_what_blocks(qtbot, store, clock, team, approved_meeting):  # type: ignore[no-untyped-def]
    ctx = GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("zh"))
    widget = GateStatusWidget(ctx, approved_meeting.id)
    qtbot.addWidget(widget)
    assert {b.code for b in widget.blockers} == {"pre_checklist_missing", "sweep_report_missing"}
    assert "暂不能推进到" in widget.headline.text()
    assert "频谱检测报告" in widget.details.text()


def test_a_tap_redraws_only_its_row(page, warnings):  # type: ignore[no-untyped-def]
    page.action_buttons["create_pre"].click()
    before = list(page.rows)
    _row(page, "pa_tested").buttons["pass"].click()
    assert not warnings, warnings
    changed = [i for i, (a, b) in enumerate(zip(before, page.rows, strict=True)) if a is not b]
    assert [page.rows[i].item.key for i in changed] == ["pa_tested"], "only the tapped row is new"
    assert _row(page, "pa_tested").item.outcome == "pass"
    assert _row(page, "pa_tested").buttons["pass"].property("chosen") is True
    assert page.progress.value() == 1
    assert "1/" in page.room_list.currentItem().text(), "the room's progress in the list follows"


def test_follow_up_reassigned_from_the_page(page, store, warnings):  # type: ignore[no-untyped-def]
    import datetime as dt

    from meetkit.checklists import followups

    page.action_buttons["create_pre"].click()
    _row(page, "no_wireless_mics").note.setText("讲台上有无线话筒")
    _row(page, "no_wireless_mics").buttons["fail"].click()
    found = followups.list_followups(store, page.meeting_id)
    assert len(found) == 1
    due = dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.UTC)
    assert page.reassign_followup(found[0].id, "technician", due)
    after = followups.get_followup(store, page.meeting_id, found[0].id)
    assert after.owner == "technician" and after.due_at.startswith("2026-11-30T00:30")
    assert "technician" in page.followups.item(0, 3).text()
    assert not page.reassign_followup(found[0].id, "", None), "nothing to change is refused with a message"
    assert warnings
    assert not page.ctx.tr.missing, page.ctx.tr.missing


def test_copy_found_on_the_page_settles_it_in_the_other_room(qtbot, store, clock, team, warnings):  # type: ignore[no-untyped-def]
    """After the meeting: tapping 'found in room' on a lodging room's copy recovers the copy;
    the meeting room's entry in the list counts it as settled without a full redraw."""
    import datetime as dt

    from meetkit import attendees
    from meetkit.badges.issue import issue_badges, list_badges
    from meetkit.checklists import signoff
    from meetkit.custody import distribution, documents, ledger
    from meetkit.custody.codes import format_copy_code
    from meetkit.desk.signin import check_in
    from tests.checklists.helpers import pass_all
    from tests.conftest import START

    m = meetings.create_meeting(store, clock, team.secretary, title="专题会议", level="机密", venue="三号楼",
                                starts_at=START, ends_at=START + dt.timedelta(hours=3))
    main = meetings.add_room(store, clock, team.secretary, m.id, "第一会议室", "meeting")
    r301 = meetings.add_room(store, clock, team.secretary, m.id, "301", "lodging")
    person = attendees.add_attendee(store, clock, team.secretary, m.id, name="王小明", unit="市司法局", room_id=r301)
    attendees.approve(store, clock, team.chair, m.id)
    attendees.pledge(store, clock, team.secretary, m.id)
    meetings.advance(store, clock, team.secretary, m.id, "vetting")
    meetings.advance(store, clock, team.secretary, m.id, "approved")
    issue_badges(store, clock, team.secretary, m.id)
    for checklist_id in instances.create_checklists(store, clock, team.inspector, m.id, "pre"):
        pass_all(store, clock, team.inspector, m.id, checklist_id)
        signoff.sign(store, clock, team.inspector, m.id, checklist_id)
        signoff.sign(store, clock, team.inspector2, m.id, checklist_id)
    clock.set(START - dt.timedelta(minutes=30))
    meetings.advance(store, clock, team.secretary, m.id, "in_session")
    check_in(store, clock, team.secretary, m.id, "东门", list_badges(store, m.id)[0].token)
    documents.register_document(store, clock, team.secretary, m.id, title="实施意见", level="机密", copies=1)
    distribution.issue_copy(store, clock, team.secretary, m.id, format_copy_code(m.id, 1), str(person.id))
    meetings.advance(store, clock, team.secretary, m.id, "closing")
    assert main and r301
    post = {instances.checklist_view(store, c).room_name: c for c in instances.create_checklists(store, clock, team.inspector, m.id, "post")}

    ctx = GuiContext(store=store, clock=clock, actor=team.inspector, tr=Translator("en"))
    page = ChecklistPage(ctx, m.id)
    qtbot.addWidget(page)
    page.current_id = post["301"]
    page.refresh()
    copy_row = next(r for r in page.rows if r.item.copy_id is not None)
    assert copy_row.buttons["pass"].text() == "Found in room"
    entries = {page.room_list.item(i).data(256): page.room_list.item(i) for i in range(page.room_list.count())}
    main_before = entries[post["第一会议室"]].text()
    copy_row.buttons["pass"].click()
    assert not warnings, warnings
    assert ledger.resolve_copy(store, m.id, "1").state == "in_stock", "recovered in the custody ledger"
    assert "recovered" in _row(page, copy_row.item.key).state_label.text()
    main_view = instances.checklist_view(store, post["第一会议室"], m.id)
    assert entries[post["第一会议室"]].text() != main_before
    assert f"{main_view.done}/{main_view.total}" in entries[post["第一会议室"]].text(), "the other room's entry follows"


def test_template_edited_and_saved_from_the_page(page, store, warnings, qtbot):  # type: ignore[no-untyped-def]
    from meetkit.checklists import templates
    from meetkit.gui.checklist_page import TemplateDialog

    dialog = TemplateDialog(page.ctx, page.meeting_id, page)
    qtbot.addWidget(dialog)
    before = dialog.items.rowCount()
    dialog.new_zh.setText("同传间已检查")
    dialog.new_en.setText("Interpreting booths checked")
    dialog.new_room.setCurrentIndex(1)  # meeting rooms only
    assert dialog.add_item()
    assert dialog.items.rowCount() == before + 1 and not dialog.new_zh.text()
    assert not dialog.add_item(), "an empty item is refused with a message"
    assert warnings
    dialog.items.selectRow(0)
    assert dialog.remove_selected()
    keys = [i.key for i in templates.meeting_template(store, page.meeting_id, "pre").items]
    assert "venue_conditions" not in keys and keys[-1].startswith("custom_")
    assert dialog.save_as("大型会议会前")
    assert templates.get_template(store, "大型会议会前").items[-1].zh == "同传间已检查"
    page.action_buttons["create_pre"].click()
    main = next(r for r in page.rows if r.item.zh == "同传间已检查")
    assert main is not None, "checklists made after the edit carry the new item"
    assert dialog.start_from("venue-pre")
    dialog.grab().save(str(SHOT_DIR / "checklist_templates.png"))
    assert not page.ctx.tr.missing, page.ctx.tr.missing
