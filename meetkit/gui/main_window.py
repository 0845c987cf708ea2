"""The main window: a bar with the operator, the store's encryption state and the language,
over a stack of the meeting list and the open meeting."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMainWindow, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from meetkit import operators
from meetkit.gui.context import GuiContext
from meetkit.gui.meeting_list import MeetingListPage
from meetkit.gui.meeting_page import MeetingPage
from meetkit.i18n import Translator

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.signed_out = False
        self.meeting_page: MeetingPage | None = None
        self.resize(1280, 820)
        self._build()

    def _build(self) -> None:
        ctx = self.ctx
        t = ctx.tr
        title = t("meetkit — confidential meeting kit")
        if not ctx.store.encrypted:
            title += "  ⚠ " + t("UNENCRYPTED STORE")
        self.setWindowTitle(title)
        central = QWidget()
        layout = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.who = QLabel(t("Signed in as {name}", name=ctx.actor.name) + "  (" + "、".join(
            operators.ROLE_ZH[r] if ctx.lang == "zh" else r for r in sorted(ctx.actor.roles)) + ")")
        bar.addWidget(self.who)
        if not ctx.store.encrypted:
            warn = QLabel("⚠ " + t("UNENCRYPTED STORE"))
            warn.setStyleSheet("background: #b00020; color: white; font-weight: bold; padding: 4px 8px;")
            bar.addWidget(warn)
        bar.addStretch(1)
        self.sweep_button = QPushButton(t("Sweep station"))
        self.sweep_button.clicked.connect(self._open_sweep_station)
        bar.addWidget(self.sweep_button)
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if ctx.lang == "zh" else 1)
        self.language.currentIndexChanged.connect(self._language_changed)
        bar.addWidget(self.language)
        sign_out = QPushButton(t("Sign out"))
        sign_out.clicked.connect(self._sign_out)
        bar.addWidget(sign_out)
        layout.addLayout(bar)
        self.stack = QStackedWidget()
        self.list_page = MeetingListPage(ctx)
        self.list_page.open_meeting.connect(self.show_meeting)
        self.stack.addWidget(self.list_page)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def show_meeting(self, meeting_id: int) -> None:
        if self.meeting_page is not None:
            self.stack.removeWidget(self.meeting_page)
            self.meeting_page.deleteLater()
        self.meeting_page = MeetingPage(self.ctx, meeting_id)
        self.meeting_page.back.connect(self.show_list)
        self.stack.addWidget(self.meeting_page)
        self.stack.setCurrentWidget(self.meeting_page)

    def show_list(self) -> None:
        self.list_page.refresh()
        self.stack.setCurrentWidget(self.list_page)

    def _language_changed(self) -> None:
        lang = str(self.language.currentData())
        self.ctx.actor = operators.set_language(self.ctx.store, self.ctx.clock, self.ctx.actor, lang)
        self.ctx.tr = Translator(lang)
        meeting_id = self.meeting_page.meeting_id if self.meeting_page else None
        self.meeting_page = None
        self._build()
        if meeting_id is not None:
            self.show_meeting(meeting_id)

    def _open_sweep_station(self) -> None:
        try:
            module = importlib.import_module("meetkit.gui.sweep_station")
        except ImportError as err:
            log.warning("sweep station unavailable: %s", err)
            return
        self._sweep_window = module.SweepStationWindow(self.ctx, self)
        self._sweep_window.show()

    def _sign_out(self) -> None:
        self.signed_out = True
        self.close()
