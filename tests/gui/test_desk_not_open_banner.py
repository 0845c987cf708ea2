"""The desk of a meeting that is not open for sign-in says so at the top, with the meeting's
state, in Chinese and English; a scan still gets its verdict. Screenshot inside the real main
window at 1366×768 goes to $MEETKIT_SHOTS (default /tmp)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from meetkit import attendees, meetings
from meetkit.badges.issue import issue_badges
from meetkit.desk.signin import Verdict
from meetkit.gui.context import GuiContext
from meetkit.gui.desk_page import DeskPage
from meetkit.i18n import Translator
from tests.conftest import START
from tests.desk.conftest import _template, approved_meeting, badges, clock, store, team  # noqa: F401  (fast fixtures)

from ._window import open_meeting_tab

SHOT_DIR = Path(os.environ.get("MEETKIT_SHOTS", "/tmp"))


@pytest.fixture
def draft(store, clock, team):  # noqa: F811
    """A meeting still in draft, with one approved, pledged attendee holding a badge."""
    m = meetings.create_meeting(store, clock, team.secretary, title="筹备中的会议", level="秘密", starts_at=START,
                                ends_at=START + dt.timedelta(hours=2))
    a = attendees.add_attendee(store, clock, team.secretary, m.id, name="王五")
    attendees.approve(store, clock, team.chair, m.id)
    attendees.pledge(store, clock, team.secretary, m.id)
    token = issue_badges(store, clock, team.secretary, m.id, [a.id])[0].token
    clock.set(START)
    return m, token


def _page(qtbot, store, clock, team, meeting_id: int, lang: str) -> DeskPage:  # noqa: F811
    ctx = GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator(lang))
    page = DeskPage(ctx, meeting_id)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.mark.qt_log_ignore("PulseAudioService")
def test_banner_on_a_draft_meeting_in_chinese_and_a_scan_still_answers(qtbot, store, clock, team, draft):  # noqa: F811
    meeting, token = draft
    page = _page(qtbot, store, clock, team, meeting.id, "zh")
    assert page.not_open.isVisible()
    assert "草稿" in page.not_open.text() and "未开放签到" in page.not_open.text()
    assert page.not_open.geometry().bottom() < page.scan.geometry().top()  # above the scan field
    assert page.scan.isEnabled()
    result = page.handle_scan(token)
    assert result is not None and result.verdict is Verdict.MEETING_NOT_OPEN
    assert page.panel.title.text() == "未开放签到"
    page.exit_button.click()
    assert page.not_open.isVisible() and "离场" in page.not_open.text() and "签到" not in page.not_open.text()
    assert not page.ctx.tr.missing


@pytest.mark.qt_log_ignore("PulseAudioService")
def test_banner_in_english(qtbot, store, clock, team, draft):  # noqa: F811
    meeting, _ = draft
    page = _page(qtbot, store, clock, team, meeting.id, "en")
    assert page.not_open.isVisible() and "This meeting is draft: " in page.not_open.text() and "not open for sign-in" in page.not_open.text()


@pytest.mark.qt_log_ignore("PulseAudioService")
def test_no_banner_when_open_and_it_follows_the_state(qtbot, store, clock, team, approved_meeting):  # noqa: F811
    page = _page(qtbot, store, clock, team, approved_meeting.id, "zh")
    assert page.not_open.isHidden()
    page.exit_button.click()
    assert page.not_open.isHidden()
    with store.transaction():
        store.execute("UPDATE meetings SET state = 'closed' WHERE id = ?", [approved_meeting.id])
    page.refresh()
    assert page.not_open.isVisible() and "已结束" in page.not_open.text()
    page.entry_button.click()
    assert "未开放签到" in page.not_open.text()


@pytest.mark.qt_log_ignore("PulseAudioService")
def test_banner_inside_the_main_window_at_1366x768(qtbot, store, clock, team, draft):  # noqa: F811
    meeting, token = draft
    meetings.advance(store, clock, team.secretary, meeting.id, "vetting")  # vetting: gate lines above the tabs too
    ctx = GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("zh"))
    window, page = open_meeting_tab(qtbot, ctx, meeting.id, DeskPage)
    qtbot.keyClicks(page.scan, token)
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    qtbot.wait(50)  # let the layouts settle (events only; nothing is timed)
    assert page.not_open.isVisible() and page.panel.kind == "refused"
    assert window.centralWidget().minimumSizeHint().height() <= 768 - 30
    panel = page.panel
    lines = [panel.title, panel.name, panel.unit, panel.seat, panel.reason]
    for upper, lower in zip(lines, lines[1:]):
        if upper.isVisible() and lower.isVisible() and upper.text() and lower.text():
            assert upper.geometry().bottom() < lower.geometry().top(), (upper.text(), lower.text())
    assert panel.reason.geometry().bottom() <= panel.height()  # the reason is not cut off by the banner's room
    assert panel.geometry().bottom() < page.recent.geometry().top()
    window.grab().save(str(SHOT_DIR / "desk-not-open-zh-1366x768.png"))
