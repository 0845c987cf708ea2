"""The GUI shell on the offscreen platform: login, meeting list, meeting page, attendees tab,
import wizard, language switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from meetkit import attendees, meetings
from meetkit.gui.app import make_app
from meetkit.gui.context import GuiContext
from meetkit.gui.login import LoginDialog
from meetkit.gui.main_window import MainWindow
from meetkit.i18n import Translator
from tests.conftest import PASSPHRASE, PASSWORD

SHOTS = Path(os.environ.get("MEETKIT_SCREENSHOTS", "/tmp/meetkit-shots"))


def shot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


@pytest.fixture
def app(qapp):
    return make_app()


def test_login_rejects_wrong_passphrase_then_signs_in(app, qtbot, store, store_path, clock, team):
    store.close()
    dialog = LoginDialog(store_path, clock, "zh")
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("wrong")
    dialog.operator.setText("secretary")
    dialog.password.setText(PASSWORD)
    dialog._sign_in()
    assert dialog.context is None
    assert "口令错误" in dialog.error.text()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.password.setText("bad password")
    dialog._sign_in()
    assert dialog.context is None
    assert "密码错误" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    dialog._sign_in()
    assert dialog.context is not None and dialog.context.actor.name == "secretary"
    shot(dialog, "login")
    dialog.context.store.close()


def _window(store, clock, actor, lang="zh"):
    ctx = GuiContext(store=store, clock=clock, actor=actor, tr=Translator(lang))
    return MainWindow(ctx), ctx


def test_meeting_page_shows_attendees_and_gate(app, qtbot, store, clock, team, approved_meeting):
    window, ctx = _window(store, clock, team.admin)
    qtbot.addWidget(window)
    window.show()
    assert window.list_page.table.rowCount() == 1
    shot(window, "meeting-list")
    window.show_meeting(approved_meeting.id)
    page = window.meeting_page
    assert page is not None
    from meetkit.gui.attendees_page import AttendeesPage

    attendees_tab = next(p for p in page.pages if isinstance(p, AttendeesPage))
    page.tabs.setCurrentWidget(attendees_tab)
    assert attendees_tab.table.rowCount() == 8
    names = {attendees_tab.table.item(r, 1).text() for r in range(8)}
    assert "𠈌㛃" in names and "阿依古丽·买买提" in names
    assert "已审定 8" in attendees_tab.summary.text()
    shot(window, "meeting-attendees")
    attendees_tab.search.setText("阿依古丽")
    assert attendees_tab.table.rowCount() == 1
    assert ctx.tr.missing == set(), f"untranslated: {ctx.tr.missing}"


def test_language_switch_is_persisted_per_operator(app, qtbot, store, clock, team, meeting):
    window, ctx = _window(store, clock, team.secretary)
    qtbot.addWidget(window)
    window.language.setCurrentIndex(1)
    assert window.ctx.lang == "en"
    assert "Signed in as" in window.who.text()
    from meetkit import operators

    again = operators.authenticate(store, clock, "secretary", PASSWORD)
    assert again.lang == "en"
    window.show_meeting(meeting.id)
    shot(window, "meeting-en")


def test_import_wizard_shows_problems_before_writing(app, qtbot, store, clock, team, meeting, tmp_path):
    csv = tmp_path / "list.csv"
    csv.write_bytes("姓名,单位,证件号码\n王小明,司法局,11010519491231002X\n,缺名单位,\n王小明,司法局,\n".encode("gbk"))
    ctx = GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("zh"))
    from meetkit.gui.attendees_page import ImportDialog

    dialog = ImportDialog(ctx, meeting.id, csv)
    qtbot.addWidget(dialog)
    assert dialog.problems.rowCount() == 2
    assert not dialog.import_button.isEnabled()
    assert attendees.list_attendees(store, meeting.id) == []
    shot(dialog, "import-wizard")
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()


def test_gate_blocks_until_vetting_done(app, qtbot, store, clock, team, meeting):
    meetings.advance(store, clock, team.secretary, meeting.id, "vetting")
    window, ctx = _window(store, clock, team.chair)
    qtbot.addWidget(window)
    window.show_meeting(meeting.id)
    page = window.meeting_page
    assert not page.advance_button.isEnabled()
    assert "尚无审定通过" in page.gate.details.text()
    assert page.override_button.isVisible() or not page.isVisible()


def test_details_tab_edits_facts_and_rooms(app, qtbot, store, clock, team, meeting):
    from meetkit.gui.details_page import DetailsPage

    ctx = GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("zh"))
    page = DetailsPage(ctx, meeting.id)
    qtbot.addWidget(page)
    page.venue.setText("市政府一号楼报告厅")
    page._save()
    assert meetings.get_meeting(store, meeting.id).venue == "市政府一号楼报告厅"
    page.room_name.setText("1203")
    page.room_kind.setCurrentIndex(2)
    page._add_room()
    assert [(r["name"], r["kind"]) for r in meetings.rooms(store, meeting.id)] == [("1203", "lodging")]
    assert not page.relay_button.isEnabled()  # only the chair decides the relay scope
    page.resize(1200, 700)
    shot(page, "meeting-details")
    assert ctx.tr.missing == set()
