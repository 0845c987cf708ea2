"""The meeting page: a header with the meeting's facts and its next gate, and one tab per
area (attendees, desk, documents, checklists, ...) plus the audit log."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from meetkit import meetings
from meetkit.gui.audit_page import AuditPage
from meetkit.gui.context import GuiContext
from meetkit.gui.gate_status import GateStatusWidget
from meetkit.gui.pages import MEETING_PAGES, load_page_class
from meetkit.gui.widgets import BEIJING, run_action
from meetkit.levels import LEVEL_COLOUR, mark

log = logging.getLogger(__name__)


class MeetingPage(QWidget):
    back = Signal()

    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        t = ctx.tr
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.back_button = QPushButton("← " + t("Back to meetings"))
        self.back_button.clicked.connect(self.back.emit)
        self.level_label = QLabel()
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.title_label.setWordWrap(True)
        top.addWidget(self.back_button)
        top.addWidget(self.level_label)
        top.addWidget(self.title_label, 1)
        layout.addLayout(top)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        gate_row = QHBoxLayout()
        self.gate = GateStatusWidget(ctx, meeting_id)
        self.advance_button = QPushButton()
        self.advance_button.clicked.connect(self._advance)
        self.override_button = QPushButton(t("Override with reason…"))
        self.override_button.clicked.connect(self._override)
        gate_row.addWidget(self.gate, 1)
        gate_row.addWidget(self.advance_button)
        gate_row.addWidget(self.override_button)
        layout.addLayout(gate_row)
        self.tabs = QTabWidget()
        self.pages: list[QWidget] = []
        for title, module, name in MEETING_PAGES:
            try:
                page_class = load_page_class(module, name)
            except (ImportError, AttributeError) as err:  # an area not installed in this build
                log.warning("page %s unavailable: %s", module, err)
                continue
            page = page_class(ctx, meeting_id)
            self.pages.append(page)
            self.tabs.addTab(page, t(title))
        audit_page = AuditPage(ctx, meeting_id)
        self.pages.append(audit_page)
        self.tabs.addTab(audit_page, t("Audit log"))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        self.refresh_header()

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        refresh = getattr(page, "refresh", None)
        if refresh:
            refresh()
        self.refresh_header()

    def refresh_header(self) -> None:
        t = self.ctx.tr
        m = meetings.get_meeting(self.ctx.store, self.meeting_id)
        r, g, b = LEVEL_COLOUR.get(m.level, (90, 90, 90))
        self.level_label.setText(mark(m.level))
        self.level_label.setStyleSheet(
            f"background: rgb({r},{g},{b}); color: white; font-weight: bold; font-size: 16px; padding: 4px 10px; border-radius: 4px;"
        )
        self.title_label.setText(m.title)
        starts = m.starts_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
        ends = m.ends_at.astimezone(BEIJING).strftime("%H:%M")
        self.facts.setText(f"{t('Venue')}: {m.venue or '—'}   {t('Starts')}: {starts}–{ends}   {t('Chair')}: {m.chair or '—'}   {t('State')}: {t(m.state)}")
        self.gate.refresh()
        nxt = meetings.next_state(m.state)
        if nxt is None:
            self.advance_button.setVisible(False)
            self.override_button.setVisible(False)
            return
        self.advance_button.setVisible(True)
        self.advance_button.setText(t("Advance to {state}", state=t(nxt)))
        blocked = bool(self.gate.blockers)
        self.advance_button.setEnabled(not blocked)
        self.override_button.setVisible(blocked and self.ctx.actor.has("chair"))

    def _advance(self, override_reason: str | None = None) -> None:
        m = meetings.get_meeting(self.ctx.store, self.meeting_id)
        nxt = meetings.next_state(m.state)
        if nxt is None:
            return
        run_action(self, self.ctx, lambda: meetings.advance(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, nxt, override_reason))
        self.refresh_header()

    def _override(self) -> None:
        t = self.ctx.tr
        reason, ok = QInputDialog.getText(self, t("Override reason"), t("Why may the meeting pass this gate?"))
        if ok and reason.strip():
            self._advance(reason.strip())
