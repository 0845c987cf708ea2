"""The meeting's facts, its rooms and the relay scope decided by the chair."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetkit import meetings
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import BEIJING, fill_table, make_table, run_action
from meetkit.levels import LEVELS


class DetailsPage(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        t = ctx.tr
        layout = QHBoxLayout(self)
        facts = QGroupBox(t("Meeting details"))
        form = QFormLayout(facts)
        self.title = QLineEdit()
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(level, level)
        self.venue = QLineEdit()
        self.starts = QDateTimeEdit()
        self.ends = QDateTimeEdit()
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.chair = QLineEdit()
        self.organizer = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(90)
        form.addRow(t("Meeting title"), self.title)
        form.addRow(t("Classification"), self.level)
        form.addRow(t("Venue"), self.venue)
        form.addRow(t("Starts"), self.starts)
        form.addRow(t("Ends"), self.ends)
        form.addRow(t("Chair"), self.chair)
        form.addRow(t("Organizing unit"), self.organizer)
        form.addRow(t("Note"), self.notes)
        self.save_button = QPushButton(t("Save"))
        self.save_button.clicked.connect(self._save)
        form.addRow("", self.save_button)
        relay = QGroupBox(t("Relay scope (decided by the chair)"))
        relay_layout = QVBoxLayout(relay)
        self.relay = QPlainTextEdit()
        self.relay.setMaximumHeight(80)
        self.relay_button = QPushButton(t("Record relay scope"))
        self.relay_button.clicked.connect(self._save_relay)
        relay_layout.addWidget(self.relay)
        relay_layout.addWidget(self.relay_button)
        # the relay scope sits under the rooms, not under the facts: stacked on the left the two
        # boxes made this page 565 px high at least, the tallest tab, which pushed the main window
        # past a 768-px screen
        left = QVBoxLayout()
        left.addWidget(facts)
        left.addStretch(1)
        layout.addLayout(left, 3)
        rooms = QGroupBox(t("Rooms"))
        rooms_layout = QVBoxLayout(rooms)
        self.rooms = make_table([t("ID"), t("Room"), t("Kind")])
        rooms_layout.addWidget(self.rooms, 1)
        add_row = QHBoxLayout()
        self.room_name = QLineEdit()
        self.room_name.setPlaceholderText(t("Room name, e.g. 第一会议室 or 1203"))
        self.room_kind = QComboBox()
        for kind in meetings.ROOM_KINDS:
            self.room_kind.addItem(t(kind + " room"), kind)
        self.add_room_button = QPushButton(t("Add room"))
        self.add_room_button.clicked.connect(self._add_room)
        add_row.addWidget(self.room_name, 1)
        add_row.addWidget(self.room_kind)
        add_row.addWidget(self.add_room_button)
        rooms_layout.addLayout(add_row)
        right = QVBoxLayout()
        right.addWidget(rooms, 1)
        right.addWidget(relay)
        layout.addLayout(right, 2)
        editor = ctx.actor.has("secretary", "chair")
        for widget in (self.save_button, self.add_room_button):
            widget.setEnabled(editor)
        self.relay_button.setEnabled(ctx.actor.has("chair"))
        self.refresh()

    def refresh(self) -> None:
        t = self.ctx.tr
        m = meetings.get_meeting(self.ctx.store, self.meeting_id)
        self.title.setText(m.title)
        self.level.setCurrentIndex(max(self.level.findData(m.level), 0))
        self.venue.setText(m.venue)
        self.starts.setDateTime(m.starts_at.astimezone(BEIJING).replace(tzinfo=None))
        self.ends.setDateTime(m.ends_at.astimezone(BEIJING).replace(tzinfo=None))
        self.chair.setText(m.chair)
        self.organizer.setText(m.organizer)
        self.notes.setPlainText(m.notes)
        self.relay.setPlainText(m.relay_scope)
        rooms = meetings.rooms(self.ctx.store, self.meeting_id)
        fill_table(self.rooms, [[r["id"], r["name"], t(r["kind"] + " room")] for r in rooms], [r["id"] for r in rooms])

    def _save(self) -> None:
        def aware(edit: QDateTimeEdit) -> dt.datetime:
            return edit.dateTime().toPython().replace(tzinfo=BEIJING)

        run_action(
            self, self.ctx,
            lambda: meetings.update_meeting(
                self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id,
                title=self.title.text(), level=str(self.level.currentData()), venue=self.venue.text(),
                starts_at=aware(self.starts), ends_at=aware(self.ends), chair=self.chair.text(),
                organizer=self.organizer.text(), notes=self.notes.toPlainText(),
            ),
        )
        self.refresh()

    def _save_relay(self) -> None:
        run_action(
            self, self.ctx,
            lambda: meetings.update_meeting(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, relay_scope=self.relay.toPlainText()),
        )
        self.refresh()

    def _add_room(self) -> None:
        name = self.room_name.text()
        kind = str(self.room_kind.currentData())
        if run_action(self, self.ctx, lambda: meetings.add_room(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, name, kind)) is not None:
            self.room_name.clear()
        self.refresh()
