"""Starting the desktop application: fonts, login, main window."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from meetkit.clock import Clock, SystemClock
from meetkit.errors import MeetkitError

log = logging.getLogger(__name__)

# No font sizes here: a style sheet's font-size overrides the sizes pages set on purpose
# (the desk's verdict type); the base size comes from the application font.
STYLE = """
QPushButton { padding: 4px 12px; }
QTabBar::tab { padding: 6px 14px; font-size: 15px; }
QHeaderView::section { padding: 4px; font-weight: bold; }
"""


def install_fonts(app: QApplication) -> None:
    """Load the CJK font so Chinese never renders as boxes."""
    from meetkit.fonts import cjk_font

    try:
        path = cjk_font("regular")
    except MeetkitError as err:
        log.warning("%s", err.en)
        return
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    preferred = [f for f in families if f.endswith(" SC")] or families
    if preferred:
        font = QFont(preferred[0])
        font.setPixelSize(14)
        app.setFont(font)


def warm_font_cache_in_background() -> threading.Thread:
    """Make the per-user copies of the CJK face while the operator signs in: the first printout
    on a machine would otherwise wait about 20 s for them (see ``meetkit.fonts.warm_cache``)."""

    def warm() -> None:
        from meetkit.fonts import warm_cache

        try:
            warm_cache()
        except Exception as exc:  # noqa: BLE001 - printing still works from the installed font
            log.warning("font cache not prepared: %s", exc)

    thread = threading.Thread(target=warm, name="meetkit-font-cache", daemon=True)
    thread.start()
    return thread


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("meetkit")
    install_fonts(app)
    app.setStyleSheet(STYLE)
    return app


def run_gui(store_path: Path, lang: str = "zh", clock: Clock | None = None) -> int:
    from meetkit.gui.login import LoginDialog
    from meetkit.gui.main_window import MainWindow

    app = make_app()
    warm_font_cache_in_background()
    clock = clock or SystemClock()
    while True:
        dialog = LoginDialog(store_path, clock, lang)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.context is None:
            return 0
        window = MainWindow(dialog.context)
        window.show()
        app.exec()
        ctx = dialog.context
        store_path = ctx.store.path
        lang = ctx.lang
        ctx.store.close()
        if not window.signed_out:
            return 0
