"""The meeting list: every meeting in the store, a new-meeting dialog, open on double-click."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetkit import meetings
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import BEIJING, fill_table, make_table, ok_cancel, run_action, selected_keys
from meetkit.levels import LEVELS



class MeetingListPage(QWidget):
    open_meeting = Signal(int)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        t = ctx.tr
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_button = QPushButton(t("New meeting…"))
        self.new_button.clicked.connect(self._new)
        self.open_button = QPushButton(t("Open meeting"))
        self.open_button.clicked.connect(self._open_selected)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.table = make_table([t("ID"), t("Level"), t("Meeting title"), t("Starts"), t("Venue"), t("State"), t("Attendees")])
        self.table.doubleClicked.connect(lambda _index: self._open_selected())
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        t = self.ctx.tr
        rows = meetings.list_meetings(self.ctx.store)
        fill_table(
            self.table,
            [
                [m.id, m.level, m.title, m.starts_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"), m.venue, t(m.state), m.attendee_count]
                for m in rows
            ],
            [m.id for m in rows],
        )

    def _open_selected(self) -> None:
        keys = selected_keys(self.table)
        if keys:
            self.open_meeting.emit(int(keys[0]))

    def _new(self) -> None:
        dialog = NewMeetingDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            created = run_action(self, self.ctx, dialog.create)
            if created is not None:
                self.refresh()
                self.open_meeting.emit(created.id)


class NewMeetingDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        t = ctx.tr
        self.setWindowTitle(t("New meeting…"))
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.title = QLineEdit()
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(level, level)
        self.venue = QLineEdit()
        now = QDateTime.currentDateTime()
        self.starts = QDateTimeEdit(now.addDays(1))
        self.ends = QDateTimeEdit(now.addDays(1).addSecs(3 * 3600))
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.chair = QLineEdit()
        self.organizer = QLineEdit()
        form.addRow(t("Meeting title"), self.title)
        form.addRow(t("Classification"), self.level)
        form.addRow(t("Venue"), self.venue)
        form.addRow(t("Starts"), self.starts)
        form.addRow(t("Ends"), self.ends)
        form.addRow(t("Chair"), self.chair)
        form.addRow(t("Organizing unit"), self.organizer)
        form.addRow(ok_cancel(t, dialog=self))

    def create(self) -> meetings.Meeting:
        def aware(edit: QDateTimeEdit) -> dt.datetime:
            return edit.dateTime().toPython().replace(tzinfo=BEIJING)

        return meetings.create_meeting(
            self.ctx.store, self.ctx.clock, self.ctx.actor,
            title=self.title.text(), level=str(self.level.currentData()), venue=self.venue.text(),
            starts_at=aware(self.starts), ends_at=aware(self.ends), chair=self.chair.text(), organizer=self.organizer.text(),
        )
