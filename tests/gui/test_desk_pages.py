"""The desk, badge and custody pages on the offscreen platform: a keyboard-wedge burst ending
in Enter gives a verdict that fills the screen, the scan field keeps the focus, a distinct
number of beeps per class; badge preview and printing off the GUI thread; custody by badge.
Screenshots of every verdict state go to $MEETKIT_SHOTS (default /tmp)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from meetkit import attendees, meetings
from meetkit.badges import issue
from meetkit.desk.signin import VERDICT_ZH, Verdict
from meetkit.gui.badge_page import BadgePage
from meetkit.gui.context import GuiContext
from meetkit.gui.custody_page import CustodyPage
from meetkit.gui.desk_page import COLOURS, DeskPage
from meetkit.i18n import Translator
from tests.conftest import START
from tests.desk.conftest import _template, approved_meeting, badges, clock, store, team  # noqa: F401  (fast fixtures)
from ._window import open_meeting_tab

SHOT_DIR = Path(os.environ.get("MEETKIT_SHOTS", "/tmp"))


@pytest.fixture
def ctx(store, clock, team):  # noqa: F811
    return GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("zh"))


@pytest.fixture
def desk_page(qtbot, ctx, approved_meeting):  # noqa: F811
    page = DeskPage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    return page


def wedge(qtbot, page: DeskPage, text: str) -> None:
    """What a keyboard-wedge scanner does: a burst of key presses, then Enter."""
    qtbot.keyClicks(page.scan, text)
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)


def test_every_verdict_fills_the_screen(qtbot, desk_page, store, clock, team, approved_meeting, badges):  # noqa: F811
    page = desk_page
    m = approved_meeting.id
    other = meetings.create_meeting(store, clock, team.secretary, title="另一会议", level="秘密", starts_at=START,
                                    ends_at=START + dt.timedelta(hours=2))
    a = attendees.add_attendee(store, clock, team.secretary, other.id, name="外单位")
    attendees.approve(store, clock, team.chair, other.id)
    attendees.pledge(store, clock, team.secretary, other.id)
    other_token = issue.issue_badges(store, clock, team.secretary, other.id, [a.id])[0].token
    revoked = badges[3]
    issue.reissue(store, clock, team.secretary, m, revoked.attendee_id, "遗失")
    attendees.reject(store, clock, team.chair, m, badges[4].attendee_id, "身份存疑")
    flipped = badges[2].token[:-1] + ("B" if badges[2].token[-1] != "B" else "C")

    def step(verdict, text, *, exit=False, before=None):
        if before:
            before()
        clock.advance(3)
        (page.exit_button if exit else page.entry_button).click()
        wedge(qtbot, page, text)
        assert page.panel.title.text().startswith(VERDICT_ZH[verdict])
        assert page.panel.kind == verdict.kind
        return verdict

    shots = {}
    steps = []
    for verdict, text, exit_scan in (
        (Verdict.ADMITTED, badges[1].token, False),
        (Verdict.ALREADY_IN, badges[1].token, False),
        (Verdict.NOT_IN, badges[0].token, True),
        (Verdict.EXITED, badges[1].token, True),
    ):
        steps.append(step(verdict, text, exit=exit_scan))
        shots[verdict] = page.grab()
    expected = list(steps)
    for verdict, text, kwargs in (
        (Verdict.ADMITTED, badges[1].token, {}),
        (Verdict.NOT_APPROVED, badges[4].token, {}),
        (Verdict.REVOKED, revoked.token, {}),
        (Verdict.WRONG_MEETING, other_token, {}),
        (Verdict.BAD_SIGNATURE, flipped, {}),
        (Verdict.MALFORMED, "HELLO?? NOT A BADGE &&&", {}),
        (Verdict.NOT_YET_VALID, badges[5].token, {"before": lambda: clock.set(START - dt.timedelta(hours=3))}),
        (Verdict.EXPIRED, badges[5].token, {"before": lambda: clock.set(START + dt.timedelta(hours=6))}),
    ):
        step(verdict, text, **kwargs)
        expected.append(verdict)
        shots[verdict] = page.grab()
        clock.set(START - dt.timedelta(minutes=20))
    rows = store.query("SELECT verdict FROM scans WHERE meeting_id = ? ORDER BY id", [m])
    assert [r["verdict"] for r in rows] == [v.value for v in expected]
    assert [page.panel.kind] == ["refused"]
    for verdict, pixmap in shots.items():
        pixmap.save(str(SHOT_DIR / f"desk_{verdict.value.lower()}.png"))


def test_panel_colours_sound_and_focus(qtbot, desk_page, clock, badges):  # noqa: F811
    page = desk_page
    qtbot.waitUntil(page.scan.hasFocus, timeout=3000)
    for text, kind, beeps in ((badges[0].token, "ok", 1), (badges[0].token, "warn", 2), ("garbage", "refused", 3)):
        clock.advance(3)
        before = page.sounder.beeps_sent
        wedge(qtbot, page, text)
        assert page.panel.kind == kind
        assert COLOURS[kind] in page.panel.styleSheet()
        qtbot.waitUntil(lambda b=before, n=beeps: page.sounder.beeps_sent == b + n, timeout=3000)
        assert page.scan.text() == ""
    page.exit_button.click()
    qtbot.waitUntil(page.scan.hasFocus, timeout=3000)  # clicking a mode button does not steal the scan field's focus
    page.grab().save(str(SHOT_DIR / "desk_refused_focus.png"))
    assert "重复" not in page.panel.title.text()
    assert page.recent.rowCount() == 3
    page.tabs.setCurrentIndex(1)
    assert page.people.rowCount() == 1  # present now: the one admitted
    page.grab().save(str(SHOT_DIR / "desk_presence.png"))
    assert not page.ctx.tr.missing


def test_admitted_shows_photo_name_seat(qtbot, desk_page, badges):  # noqa: F811
    wedge(qtbot, desk_page, badges[1].token)
    panel = desk_page.panel
    assert panel.title.text() == "准予入场"
    assert panel.name.text() == "阿依古丽·买买提" and panel.seat.text() == "座位 A02"
    assert panel.photo.isVisible()


def test_badge_page_preview_and_print(qtbot, ctx, approved_meeting, store, tmp_path):  # noqa: F811
    page = BadgePage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    assert page.table.rowCount() == 8
    page.table.selectRow(1)
    assert page.preview.pixmap() is not None and not page.preview.pixmap().isNull()
    page.grab().save(str(SHOT_DIR / "badge_page.png"))
    out = tmp_path / "page-print.pdf"
    page.layout_choice.setCurrentIndex(1)  # CR80 cards (the A4 sheet is exercised in tests/desk)
    task = page._print(None, out=str(out))
    assert task is not None
    assert not page.print_all.isEnabled()  # the window stays live; the buttons wait for the job
    with qtbot.waitSignal(task.signals.done, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: page.print_all.isEnabled(), timeout=5000)
    assert out.stat().st_size > 10_000
    assert len(issue.print_history(store, approved_meeting.id)) == 8
    assert "首次打印 8 张" in page.summary.text()
    assert not ctx.tr.missing


def test_custody_page_deposit_and_return_by_badge(qtbot, ctx, approved_meeting, badges):  # noqa: F811
    page = CustodyPage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    qtbot.keyClicks(page.badge, badges[1].token)
    qtbot.keyClick(page.badge, Qt.Key.Key_Return)
    page.count.setValue(2)
    page.items.setText("手机、智能手表")
    qtbot.keyClicks(page.tag, "t017")
    qtbot.keyClick(page.tag, Qt.Key.Key_Return)
    assert page.table.rowCount() == 1 and "T017" in page.message.text()
    qtbot.keyClicks(page.badge, badges[2].token)
    qtbot.keyClicks(page.tag, "T018")
    page.deposit_button.click()
    page.grab().save(str(SHOT_DIR / "custody_page.png"))
    qtbot.keyClicks(page.badge, badges[1].token)
    page.return_button.click()
    assert page.table.rowCount() == 1 and "阿依古丽" in page.message.text()
    qtbot.keyClicks(page.badge, "NOT A BADGE")
    page.deposit_button.click()
    assert "未通过核验" in page.message.text()
    assert not ctx.tr.missing


def test_desk_page_for_an_operator_without_the_role(qtbot, store, clock, team, approved_meeting):  # noqa: F811
    from meetkit import audit

    before = audit.verify(store).entries
    ctx = GuiContext(store=store, clock=clock, actor=team.technician, tr=Translator("zh"))
    page = DeskPage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    assert not page.scan.isEnabled() and "会务秘书" in page.panel.reason.text()
    assert audit.verify(store).entries == before  # looking at the page is not a refused action


def test_long_name_shrinks_instead_of_clipping(qtbot, desk_page, badges):  # noqa: F811
    from PySide6.QtGui import QFontMetrics

    desk_page.resize(1024, 680)
    wedge(qtbot, desk_page, badges[7].token)  # 赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨, 16 characters
    label = desk_page.panel.name
    assert label.text() == "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
    assert QFontMetrics(label.font()).horizontalAdvance(label.text()) <= label.width()
    desk_page.grab().save(str(SHOT_DIR / "desk_long_name.png"))


def test_desk_page_fits_a_1366x768_laptop(qtbot, desk_page, badges):  # noqa: F811
    """Inside the main window a 768-px-high screen leaves the desk page about 510 px: the
    page must not demand more, and the verdict's type shrinks with the panel instead of
    overlapping or being cut."""
    from meetkit.gui.app import make_app

    make_app()  # measure with the application's own fonts and style sheet
    from PySide6.QtGui import QFontMetrics

    assert desk_page.minimumSizeHint().height() <= 520
    full = desk_page.panel.title.font().pixelSize()
    desk_page.resize(1300, 512)
    wedge(qtbot, desk_page, badges[1].token)  # with a photo
    panel = desk_page.panel
    assert panel.title.font().pixelSize() < full
    for label in (panel.title, panel.name, panel.unit, panel.seat, panel.reason):
        assert QFontMetrics(label.font()).height() <= label.height(), label.text()
        assert label.geometry().bottom() <= panel.height()
    assert panel.photo.geometry().bottom() <= panel.height()
    shrunk = panel.title.font().pixelSize()
    desk_page.resize(1300, 1100)
    qtbot.waitUntil(lambda: panel.title.font().pixelSize() > shrunk, timeout=3000)


def test_full_screen_door_window(qtbot, desk_page, badges):  # noqa: F811
    """'Full screen at the door' opens the same desk on the whole screen with the same desk
    name and mode; Esc closes it and the page catches up with what was scanned there."""
    desk_page.desk_name.setText("东门")
    desk_page.exit_button.click()
    door = desk_page.open_door_window()
    assert door.isFullScreen() and door.door and door.desk is not None and door.desk.desk == "东门"
    assert door.exit_button.isChecked()
    door.entry_button.click()
    wedge(qtbot, door, badges[0].token)
    assert door.panel.kind == "ok"
    assert desk_page.open_door_window() is door  # one door window per page
    qtbot.keyClick(door.scan, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: desk_page.door_window is None, timeout=3000)
    assert desk_page.recent.rowCount() == 1
    assert not desk_page.ctx.tr.missing


def test_badge_register_speaks_one_language(qtbot, ctx, store, clock, team, approved_meeting, badges):  # noqa: F811
    """A reissued badge's revocation reads in the page's language, and a valid badge whose
    holder was rejected says it will be refused at the door."""
    m = approved_meeting.id
    issue.reissue(store, clock, team.secretary, m, badges[3].attendee_id, "遗失")
    attendees.reject(store, clock, team.chair, m, badges[4].attendee_id, "身份存疑")
    page = BadgePage(ctx, m)
    qtbot.addWidget(page)
    cells = [page.table.item(r, c).text() for r in range(page.table.rowCount()) for c in range(page.table.columnCount())
             if page.table.item(r, c)]
    assert any("已补发新卡：遗失" in c for c in cells) and not any("reissued" in c for c in cells)
    assert any("持卡人未获审定：扫码拒绝" in c for c in cells)
    assert not ctx.tr.missing


def test_admit_dialog_admits_only_the_person_chosen(qtbot, ctx, desk_page, store, approved_meeting, monkeypatch):  # noqa: F811
    """Typing a name that is not on the list must not admit whoever the box showed before."""
    from PySide6.QtWidgets import QMessageBox

    from meetkit.desk import presence
    from meetkit.errors import InvalidInput
    from meetkit.gui.desk_page import AdmitDialog
    from tests.conftest import PASSWORD

    dialog = AdmitDialog(ctx, approved_meeting.id, "东门", desk_page)
    qtbot.addWidget(dialog)
    first = dialog.chosen_attendee()
    dialog.person.setEditText("某某某")
    with pytest.raises(InvalidInput):
        dialog.chosen_attendee()
    dialog.reason.setText("忘带胸卡")
    dialog.id_check.setText("查验身份证")
    dialog.supervisor.setText("chair")
    dialog.password.setText(PASSWORD)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *args: shown.append(args[2])))
    dialog._accept()
    assert shown == ["请从名单中选择参会人员"]
    assert presence.admissions_without_badge(store, approved_meeting.id) == []
    dialog.person.setEditText(dialog.person.itemText(2))
    assert dialog.chosen_attendee() == int(dialog.person.itemData(2)) != first


def test_fill_quickly_still_sizes_columns_to_their_contents(qtbot):
    """The fast fill (columns measured once, not per cell) ends with the same table."""
    from PySide6.QtWidgets import QHeaderView

    from meetkit.gui.desk_page import fill_quickly
    from meetkit.gui.widgets import make_table

    table = make_table(["编号", "姓名", "单位"])
    qtbot.addWidget(table)
    rows = [[i, f"参会人员{i}", "市发展和改革委员会" * (2 if i == 7 else 1)] for i in range(200)]
    fill_quickly(table, rows, keys=list(range(200)))
    table.show()
    assert table.rowCount() == 200 and table.updatesEnabled()
    assert table.horizontalHeader().sectionResizeMode(1) == QHeaderView.ResizeMode.ResizeToContents
    assert table.columnWidth(1) >= table.fontMetrics().horizontalAdvance("参会人员199")
    keys = sorted(table.item(r, 0).data(0x0100) for r in range(table.rowCount()))
    assert keys == list(range(200))


def test_a_bad_desk_name_greys_the_panel_instead_of_keeping_the_last_verdict(qtbot, desk_page, badges):  # noqa: F811
    wedge(qtbot, desk_page, badges[0].token)
    assert desk_page.panel.kind == "ok"
    desk_page.desk_name.setText("东" * 60)
    desk_page.desk_name.editingFinished.emit()
    assert not desk_page.scan.isEnabled() and desk_page.panel.kind == "idle"
    assert desk_page.panel.title.text() == "暂不能签到" and "1–40" in desk_page.panel.reason.text()
    assert desk_page.panel.name.text() == ""
    desk_page.desk_name.setText("东门")
    desk_page.desk_name.editingFinished.emit()
    assert desk_page.scan.isEnabled() and desk_page.panel.title.text() == "请扫描胸卡"
    assert not desk_page.ctx.tr.missing


@pytest.mark.qt_log_ignore("PulseAudioService")  # no audio server on the build machine
def test_desk_inside_the_main_window_at_1366x768_keeps_every_line_apart(qtbot, ctx, approved_meeting, badges):  # noqa: F811
    """Inside the real main window on a 1366×768 screen, with the meeting's gate lines above
    the tabs: the window fits the screen (the details tab used to make it 794 px high), and the
    verdict's lines neither overlap each other (the name and the unit were drawn over each
    other) nor hide behind the recent-scans table (the reason was covered)."""
    window, page = open_meeting_tab(qtbot, ctx, approved_meeting.id, DeskPage)
    assert window.meeting_page.gate.blockers  # something blocks the next state: the gate lines show
    assert window.centralWidget().minimumSizeHint().height() <= 768 - 30  # leave room for a title bar
    wedge(qtbot, page, badges[0].token)
    assert page.panel.kind == "ok"
    qtbot.wait(50)  # let the layouts settle (events only; nothing is timed)
    panel = page.panel
    lines = [panel.title, panel.name, panel.unit, panel.seat, panel.reason]
    for upper, lower in zip(lines, lines[1:]):
        assert upper.geometry().bottom() < lower.geometry().top(), (upper.text(), lower.text())
    assert panel.reason.geometry().bottom() <= panel.height()
    assert panel.geometry().bottom() < page.recent.geometry().top()
    assert panel.title.font().pixelSize() >= 24
