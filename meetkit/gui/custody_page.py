"""The device custody tab: at the door, scan the badge, type the tag or locker number and
what is handed in; on the way out, scan the badge (or type the tag) to hand everything back.
The table lists what is still held."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from meetkit.attendees import get_attendee
from meetkit.desk import custody
from meetkit.errors import MeetkitError
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import fill_table as fill_quickly
from meetkit.gui.widgets import local_time, make_table


class CustodyPage(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        t = ctx.tr
        layout = QVBoxLayout(self)
        big = QFont()
        big.setPixelSize(20)
        form = QFormLayout()
        self.badge = QLineEdit()
        self.badge.setPlaceholderText(t("Scan the badge"))
        self.badge.setFont(big)
        self.badge.setMaxLength(20000)
        self.tag = QLineEdit()
        self.tag.setPlaceholderText(t("Tag or locker number, e.g. T017"))
        self.tag.setFont(big)
        self.items = QLineEdit(t("Phone"))
        self.count = QSpinBox()
        self.count.setRange(1, custody.MAX_COUNT)
        self.desk = QLineEdit(t("Main entrance"))
        form.addRow(t("Badge"), self.badge)
        form.addRow(t("Tag / locker"), self.tag)
        form.addRow(t("Items handed in"), self.items)
        form.addRow(t("Number of items"), self.count)
        form.addRow(t("Desk"), self.desk)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.deposit_button = QPushButton(t("Deposit"))
        self.return_button = QPushButton(t("Return"))
        for b in (self.deposit_button, self.return_button):
            b.setMinimumHeight(40)
            b.setFont(big)
            buttons.addWidget(b)
        self.deposit_button.clicked.connect(self.deposit)
        self.return_button.clicked.connect(self.give_back)
        self.badge.returnPressed.connect(self.tag.setFocus)
        self.tag.returnPressed.connect(self.deposit)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setFont(big)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMinimumHeight(48)
        layout.addWidget(self.message)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.table = make_table([t("Tag / locker"), t("Name"), t("Unit"), t("Items handed in"), t("Number of items"), t("Since"), t("Desk")])
        layout.addWidget(self.table, 1)
        self.refresh()

    def _say(self, text: str, ok: bool) -> None:
        colour = "#1b7f3b" if ok else "#b71c1c"
        self.message.setStyleSheet(f"color: white; background: {colour}; border-radius: 8px; padding: 6px;")
        self.message.setText(text)

    def _who(self) -> int:
        return custody.attendee_from_badge(self.ctx.store, self.ctx.clock, self.meeting_id, self.badge.text())

    def deposit(self) -> None:
        t = self.ctx.tr
        try:
            who = self._who()
            held = custody.deposit(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, who, self.tag.text(),
                                   self.items.text(), self.count.value(), self.desk.text())
        except MeetkitError as err:
            self._say(err.text(self.ctx.lang), False)
            return
        self._say(t("{name}: {items} kept under {tag}", name=held.name, items=held.items, tag=held.tag), True)
        self._reset()

    def give_back(self) -> None:
        t = self.ctx.tr
        try:
            if self.badge.text().strip():
                returned = custody.return_items(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id,
                                                attendee_id=self._who(), desk=self.desk.text())
            else:
                returned = custody.return_items(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id,
                                                tag=self.tag.text(), desk=self.desk.text())
        except MeetkitError as err:
            self._say(err.text(self.ctx.lang), False)
            return
        name = get_attendee(self.ctx.store, returned[0].attendee_id).name
        self._say(t("Return to {name}: {tags}", name=name, tags="、".join(f"{h.tag}（{h.items}）" for h in returned)), True)
        self._reset()

    def _reset(self) -> None:
        self.badge.clear()
        self.tag.clear()
        self.count.setValue(1)
        self.items.setText(self.ctx.tr("Phone"))
        self.refresh()
        self.badge.setFocus()

    def refresh(self) -> None:
        held = custody.held(self.ctx.store, self.meeting_id)
        fill_quickly(self.table, [[h.tag, h.name, h.unit, h.items, h.item_count, local_time(h.since, "%H:%M"), h.desk] for h in held])
        self.summary.setText(self.ctx.tr("{n} tags hold items", n=len(held)))
