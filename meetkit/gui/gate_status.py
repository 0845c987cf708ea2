"""A small widget that says which gate blocks the meeting's next state, and why (each
blocker with the rooms, checklists or copies it names)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from meetkit import gates, meetings
from meetkit.gui.context import GuiContext


class GateStatusWidget(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setStyleSheet("color: #5f2120;")
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        self.blockers: list[gates.Blocker] = []
        self.refresh()

    def refresh(self) -> None:
        t = self.ctx.tr
        m = meetings.get_meeting(self.ctx.store, self.meeting_id)
        nxt = meetings.next_state(m.state)
        if nxt is None:
            self.blockers = []
            self.headline.setText(t("The meeting is closed."))
            self.headline.setStyleSheet("font-weight: bold; color: #444;")
            self.details.setText("")
            return
        self.blockers = gates.blockers(self.ctx.store, m, nxt)
        if not self.blockers:
            self.headline.setText(t("Next step: {state}", state=t(nxt)) + " — " + t("Ready to advance."))
            self.headline.setStyleSheet("font-weight: bold; color: #1b5e20; font-size: 15px;")
            self.details.setText("")
            return
        self.headline.setText(t("Cannot advance to {state} yet:", state=t(nxt)))
        self.headline.setStyleSheet("font-weight: bold; color: #b00020; font-size: 15px;")
        lines = []
        for blocker in self.blockers:
            lines.append("• " + (blocker.zh if self.ctx.lang == "zh" else blocker.en))
        self.details.setText("\n".join(lines))
