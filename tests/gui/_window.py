"""Opening a meeting's page the way a user sees it: the real MainWindow on a 1366×768 laptop."""

from __future__ import annotations

from typing import Any


def open_meeting_tab(qtbot: Any, ctx: Any, meeting_id: int, page_type: type, size: tuple[int, int] = (1366, 768)) -> tuple[Any, Any]:
    """(window, page): a shown MainWindow of ``size`` with meeting ``meeting_id`` open and its tab
    holding a ``page_type`` widget selected."""
    from meetkit.gui.app import make_app
    from meetkit.gui.main_window import MainWindow

    make_app()
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.show_meeting(meeting_id)
    tabs = window.meeting_page.tabs
    page = next(tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), page_type))
    tabs.setCurrentWidget(page)
    qtbot.waitExposed(window)
    return window, page
