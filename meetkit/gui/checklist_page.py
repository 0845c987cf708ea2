"""The checklist tab, made for a laptop carried from room to room: the rooms on the left with
their progress, the selected checklist's items on the right, one item per row with large
pass / fail / n.a. buttons, a note and photos from a file; signing, countersigning (the second
inspector types their own name and password), reopening with a reason, follow-ups, and PDFs
printed off the GUI thread. Which gate blocks the meeting's next state is shown by
:class:`~meetkit.gui.gate_status.GateStatusWidget` on the meeting header.

Photos come from image files or from the webcam (QtMultimedia): "Webcam photo…" opens a live
preview and takes photos for the chosen item; without a camera the button says "no camera
found" and comes on by itself when one is plugged in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QObject,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTime,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from meetkit import meetings, operators
from meetkit.checklists import followups, instances, results, signoff, templates
from meetkit.checklists.instances import ChecklistView, ItemState
from meetkit.checklists.reports import BEIJING
from meetkit.clock import parse_iso
from meetkit.errors import MeetkitError
from meetkit.gui.context import GuiContext
from meetkit.gui.gate_status import GateStatusWidget  # noqa: F401 - re-exported for the meeting header
from meetkit.gui.webcam import CameraWatch, WebcamPhotoDialog
from meetkit.gui.widgets import (
    fill_table,
    local_time,
    make_table,
    ok_cancel,
    run_action,
    selected_keys,
)

TOUCH_PX = 52
OUTCOME_STYLE = {
    "pass": ("#1b5e20", "#e8f5e9"),
    "fail": ("#b00020", "#fdecea"),
    "na": ("#555555", "#eeeeee"),
}


def _rows_style() -> str:
    """One style sheet for every item row, set once on the scroll area: a style sheet per
    widget made drawing a room of 150 items take seconds."""
    parts = [
        "#itemRow { background: #ffffff; border: 1px solid #ccc; border-radius: 6px; }",
        "#itemNumber { font-size: 20px; font-weight: bold; min-width: 32px; }",
        "#itemMain { font-size: 17px; }",
        "#itemSecond { font-size: 12px; color: #666; }",
        "#itemState { font-size: 14px; font-weight: bold; color: #333; }",
        "#itemNote { font-size: 15px; }",
        "#photoCount { color: #444; }",
        "#sectionHeader { font-size: 16px; font-weight: bold; color: #333; margin-top: 6px; }",
        "QScrollBar:vertical { width: 24px; }",
    ]
    for outcome, (fg, bg) in OUTCOME_STYLE.items():
        parts += [
            f'#itemRow[outcome="{outcome}"] {{ background: {bg}; }}',
            f'#itemState[outcome="{outcome}"] {{ color: {fg}; }}',
            (f'#outcomeButton[outcome="{outcome}"] {{ font-size: 17px; font-weight: bold; color: {fg}; background: {bg};'
             f" border: 2px solid {fg}; border-radius: 6px; padding: 4px 10px; }}"),
            f'#outcomeButton[outcome="{outcome}"][chosen="true"] {{ color: white; background: {fg}; }}',
        ]
    parts.append("#outcomeButton:disabled { color: #999; border-color: #bbb; }")
    return "\n".join(parts)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    """Runs a slow call (a PDF) off the GUI thread and hands the result back by signal."""

    def __init__(self, work: Callable[[], Any], lang: str) -> None:
        super().__init__()
        self.work = work
        self.lang = lang
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work()
        except MeetkitError as err:
            self.signals.failed.emit(err.text(self.lang))
        except Exception as err:  # noqa: BLE001 - shown to the operator, not swallowed
            self.signals.failed.emit(str(err))
        else:
            self.signals.done.emit(result)


class ItemRow(QFrame):
    """One item: its text, its current result, a note, photos and the three outcome buttons."""

    def __init__(self, page: ChecklistPage, item: ItemState, writable: bool) -> None:
        super().__init__()
        self.page = page
        self.item = item
        t = page.ctx.tr
        zh = page.ctx.lang == "zh"
        outcome = (item.outcome or "none") if not item.auto else "auto"
        self.setObjectName("itemRow")
        self.setProperty("outcome", outcome)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        number = QLabel(str(item.position))
        number.setObjectName("itemNumber")
        number.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(number)
        text = QVBoxLayout()
        main = QLabel(item.zh if zh else item.en)
        main.setObjectName("itemMain")
        main.setWordWrap(True)
        text.addWidget(main)
        second = QLabel(item.en if zh else item.zh)
        second.setObjectName("itemSecond")
        second.setWordWrap(True)
        text.addWidget(second)
        self.state_label = QLabel(self._state_text())
        self.state_label.setObjectName("itemState")
        self.state_label.setProperty("outcome", outcome)
        self.state_label.setWordWrap(True)
        text.addWidget(self.state_label)
        draft = page.drafts.get((page.current_id, item.key))
        self.note = QLineEdit(draft if draft is not None else (item.note if not item.auto else ""))
        self.note.setObjectName("itemNote")
        # What is typed but not yet recorded survives the page redrawing after another item's tap.
        self.note.textEdited.connect(lambda text: page.drafts.__setitem__((page.current_id, item.key), text))
        self.note.setPlaceholderText(t("Sweep report reference (required to pass)") if "sweep_ref" in item.flags else t("Note (required for fail)"))
        self.note.setMinimumHeight(40)
        self.note.setEnabled(writable)
        text.addWidget(self.note)
        layout.addLayout(text, 1)
        buttons = QVBoxLayout()
        row = QHBoxLayout()
        labels = (("pass", "Found in room" if item.copy_id else "Pass"), ("fail", "Not found" if item.copy_id else "Fail"), ("na", "N/A"))
        self.buttons: dict[str, QPushButton] = {}
        for choice, label in labels:
            button = QPushButton(t(label))
            button.setObjectName("outcomeButton")
            button.setProperty("outcome", choice)
            button.setProperty("chosen", item.outcome == choice and not item.auto)
            button.setMinimumSize(104, TOUCH_PX)
            button.setEnabled(writable)
            button.clicked.connect(lambda _=False, o=choice: self.page.record(self, o))
            self.buttons[choice] = button
            row.addWidget(button)
        buttons.addLayout(row)
        photo_row = QHBoxLayout()
        self.photo_button = QPushButton(t("Add photo…"))
        self.photo_button.setMinimumHeight(40)
        self.photo_button.setEnabled(writable)
        self.photo_button.clicked.connect(lambda: self.page.add_photo(self))
        photo_row.addWidget(self.photo_button)
        count = QLabel(t("{n} photo(s)", n=len(item.photo_ids)) if item.photo_ids else "")
        count.setObjectName("photoCount")
        photo_row.addWidget(count)
        buttons.addLayout(photo_row)
        layout.addLayout(buttons)

    def resizeEvent(self, event: Any) -> None:
        """Grow to the height the wrapped texts need at this width (the scroll area lays the
        rows out by their size hints, which assume unwrapped text, and clipped a wrapped line)."""
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            if needed > 0 and needed != self.minimumHeight():
                self.setMinimumHeight(needed)

    def _state_text(self) -> str:
        t = self.page.ctx.tr
        item = self.item
        if item.outcome is None:
            return t("Not checked yet")
        if item.auto:
            return t("Settled by the custody ledger (returned or recovered)")
        text = t({"pass": "Passed", "fail": "Failed", "na": "Not applicable"}[item.outcome])
        if item.copy_found:
            text = t("Found here and recovered")
        return f"{text} · {item.operator} · {local_time(item.at)}"


class CountersignDialog(QDialog):
    """The second inspector confirms in person with their own name and password."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(t("Countersign"))
        form = QFormLayout(self)
        form.addRow(QLabel(t("The second inspector signs with their own login.")))
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for widget in (self.name, self.password):
            widget.setMinimumHeight(40)
        form.addRow(t("Inspector"), self.name)
        form.addRow(t("Password"), self.password)
        form.addRow(ok_cancel(t, "Countersign", dialog=self))


class ReassignDialog(QDialog):
    """A follow-up's new owner and due time (Beijing time, as everywhere on screen)."""

    def __init__(self, ctx: GuiContext, followup: followups.Followup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(t("Reassign follow-up"))
        self.setMinimumWidth(420)
        form = QFormLayout(self)
        what = QLabel(followup.description)
        what.setWordWrap(True)
        form.addRow(what)
        self.owner = QLineEdit(followup.owner)
        self.owner.setMinimumHeight(40)
        form.addRow(t("Owner"), self.owner)
        self.due = QDateTimeEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.due.setMinimumHeight(40)
        due = parse_iso(followup.due_at).astimezone(BEIJING) if followup.due_at else ctx.clock.now().astimezone(BEIJING)
        self.due.setDateTime(QDateTime(QDate(due.year, due.month, due.day), QTime(due.hour, due.minute)))
        self._initial = self.due.dateTime()
        form.addRow(t("Due"), self.due)
        form.addRow(ok_cancel(t, "Reassign", dialog=self))

    def due_at(self) -> dt.datetime | None:
        """The due time chosen, or None when left as it was."""
        value = self.due.dateTime()
        if value == self._initial:
            return None
        d, tm = value.date(), value.time()
        return dt.datetime(d.year(), d.month(), d.day(), tm.hour(), tm.minute(), tzinfo=BEIJING).astimezone(dt.UTC)


class TemplateDialog(QDialog):
    """The template this meeting's future checklists are made from: add and remove items,
    start from a library template, save it to the library for reuse. Checklists made before
    an edit keep their items."""

    ROOM_KINDS = (("", "All rooms"), ("meeting", "Meeting room"), ("side", "Side room"), ("lodging", "Lodging room"))

    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        t = ctx.tr
        self.setWindowTitle(t("Checklist templates"))
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItem(t("Pre-meeting"), "pre")
        self.kind.addItem(t("Post-meeting"), "post")
        self.kind.currentIndexChanged.connect(self.refresh)
        top.addWidget(self.kind)
        self.source = QLabel()
        top.addWidget(self.source, 1)
        layout.addLayout(top)
        note = QLabel(t("An edit applies to checklists made after it."))
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)
        self.items = make_table([t("No."), t("Key"), t("Chinese"), t("English"), t("Rooms")])
        self.items.setWordWrap(True)
        header = self.items.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (2, 3):  # the texts share the width and wrap; no sideways scrolling
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.items.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.items, 1)
        add_row = QHBoxLayout()
        self.new_zh = QLineEdit()
        self.new_zh.setPlaceholderText(t("Item in Chinese"))
        self.new_en = QLineEdit()
        self.new_en.setPlaceholderText(t("Item in English"))
        self.new_room = QComboBox()
        for value, label in self.ROOM_KINDS:
            self.new_room.addItem(t(label), value)
        for widget in (self.new_zh, self.new_en):
            widget.setMinimumHeight(40)
            add_row.addWidget(widget, 1)
        add_row.addWidget(self.new_room)
        layout.addLayout(add_row)
        buttons = QHBoxLayout()
        self.library = QComboBox()
        for key, text, slot in (("add", "Add item", self.add_item), ("remove", "Remove selected", self.remove_selected)):
            button = QPushButton(t(text))
            button.setMinimumHeight(44)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.library)
        use = QPushButton(t("Start from this template"))
        use.setMinimumHeight(44)
        use.clicked.connect(lambda: self.start_from(str(self.library.currentData() or "")))
        buttons.addWidget(use)
        save = QPushButton(t("Save for reuse…"))
        save.setMinimumHeight(44)
        save.clicked.connect(self._save)
        buttons.addWidget(save)
        close = QPushButton(t("Close"))
        close.setMinimumHeight(44)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.refresh()

    @property
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def refresh(self) -> None:
        t = self.ctx.tr
        template = templates.meeting_template(self.ctx.store, self.meeting_id, self.current_kind)
        self.source.setText(t("Template: {name}", name=template.name) + (f" ({template.based_on})" if template.based_on else ""))
        names = dict(self.ROOM_KINDS)
        rows = [[n, i.key, i.zh, i.en, "、".join(t(names.get(k, k)) for k in i.room_kinds) or t("All rooms")]
                for n, i in enumerate(template.items, start=1)]
        fill_table(self.items, rows, [i.key for i in template.items])
        self.library.clear()
        for choice in list(templates.builtin_templates()) + templates.library_templates(self.ctx.store):
            if choice.kind == self.current_kind:
                self.library.addItem(choice.name, choice.name)

    def _edit(self, **change: Any) -> bool:
        done = run_action(self, self.ctx, lambda: templates.edit_meeting_template(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, self.current_kind, **change))
        if done is not None:
            self.refresh()
        return done is not None

    def add_item(self) -> bool:
        entry: dict[str, Any] = {"zh": self.new_zh.text(), "en": self.new_en.text()}
        if self.new_room.currentData():
            entry["room_kinds"] = [self.new_room.currentData()]
        if self._edit(add=[entry]):
            self.new_zh.clear()
            self.new_en.clear()
            return True
        return False

    def remove_selected(self) -> bool:
        keys = selected_keys(self.items)
        return bool(keys) and self._edit(remove=[str(k) for k in keys])

    def start_from(self, name: str) -> bool:
        return bool(name) and self._edit(start_from=name)

    def save_as(self, name: str) -> bool:
        done = run_action(self, self.ctx, lambda: templates.save_meeting_template(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, self.current_kind, name))
        if done is not None:
            self.refresh()
        return done is not None

    def _save(self) -> None:
        t = self.ctx.tr
        name, ok = QInputDialog.getText(self, t("Save for reuse…"), t("Name of the template in the library:"))
        if ok:
            self.save_as(name)


class ChecklistPage(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.current_id: int | None = None
        self.view: ChecklistView | None = None
        self.writable = False  # may the current checklist's items change now
        self.rows: list[ItemRow] = []
        self.drafts: dict[tuple[int | None, str], str] = {}
        self.pool = QThreadPool.globalInstance()
        self.jobs: list[_Job] = []
        t = ctx.tr
        layout = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("create_pre", "Make pre-meeting checklists", lambda: self._create("pre")),
            ("create_post", "Make post-meeting checklists", lambda: self._create("post")),
            ("summary", "Print summary…", self._print_summary),
            ("dossier", "Print dossier…", self._print_dossier),
            ("templates", "Templates…", self._templates),
            ("refresh", "Refresh", self.refresh),
        ):
            button = QPushButton(t(text))
            button.setMinimumHeight(44)
            button.clicked.connect(slot)
            self.action_buttons[key] = button
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.room_list = QListWidget()
        self.room_list.setStyleSheet(
            "QListWidget { font-size: 16px; } QListWidget::item { padding: 12px 8px; border-bottom: 1px solid #ddd; }"
            " QListWidget::item:selected { background: #1565c0; color: white; }"
        )
        self.room_list.setMinimumWidth(250)
        # Long English labels wrap instead of eliding away the progress line.
        self.room_list.setWordWrap(True)
        self.room_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.room_list.currentItemChanged.connect(self._room_selected)
        split.addWidget(self.room_list)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.title.setWordWrap(True)
        right_layout.addWidget(self.title)
        self.progress = QProgressBar()
        self.progress.setMinimumHeight(26)
        self.progress.setFormat("%v / %m")
        right_layout.addWidget(self.progress)
        self.sign_label = QLabel()
        self.sign_label.setWordWrap(True)
        self.sign_label.setStyleSheet("font-size: 14px;")
        right_layout.addWidget(self.sign_label)
        sign_row = QHBoxLayout()
        for key, text, slot in (
            ("sign", "Sign", self._sign),
            ("countersign", "Countersign (second inspector)…", self._countersign),
            ("reopen", "Reopen…", self._reopen),
            ("found", "Copy found in this room…", self._found_copy),
            ("report", "Print checklist…", self._print_checklist),
        ):
            button = QPushButton(t(text))
            button.setMinimumHeight(TOUCH_PX)
            button.setStyleSheet("font-size: 15px; padding: 0 14px;")
            button.clicked.connect(slot)
            self.action_buttons[key] = button
            sign_row.addWidget(button)
        webcam = QPushButton(t("Webcam photo…"))
        webcam.setMinimumHeight(TOUCH_PX)
        webcam.setStyleSheet("font-size: 15px; padding: 0 14px;")
        webcam.clicked.connect(self.open_webcam)
        self.action_buttons["webcam"] = webcam
        self.camera_watch = CameraWatch(self)
        self.camera_watch.changed.connect(self._update_webcam)
        self.webcam_dialog: WebcamPhotoDialog | None = None
        self._update_webcam()
        sign_row.addWidget(webcam)
        sign_row.addStretch(1)
        right_layout.addLayout(sign_row)

        self.inner_tabs = QTabWidget()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet(_rows_style())
        self.items_host = QWidget()
        self.items_layout = QVBoxLayout(self.items_host)
        self.items_layout.setSpacing(8)
        self.scroll.setWidget(self.items_host)
        self.inner_tabs.addTab(self.scroll, t("Items"))
        fu_host = QWidget()
        fu_layout = QVBoxLayout(fu_host)
        self.followups = make_table([t("No."), t("Room"), t("What"), t("Owner"), t("Due"), t("Status")])
        self.followups.setStyleSheet("font-size: 14px;")
        self.followups.setWordWrap(True)
        header = self.followups.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, 220)
        rows_header = self.followups.verticalHeader()
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(72)  # three lines of the description, a touch-size row
        fu_layout.addWidget(self.followups)
        resolve = QPushButton(t("Resolve selected…"))
        resolve.setMinimumHeight(44)
        resolve.clicked.connect(self._resolve)
        self.action_buttons["resolve"] = resolve
        reassign = QPushButton(t("Reassign selected…"))
        reassign.setMinimumHeight(44)
        reassign.clicked.connect(self._reassign)
        self.action_buttons["reassign"] = reassign
        fu_buttons = QHBoxLayout()
        fu_buttons.addWidget(resolve)
        fu_buttons.addWidget(reassign)
        fu_buttons.addStretch(1)
        fu_layout.addLayout(fu_buttons)
        self.inner_tabs.addTab(fu_host, t("Follow-ups"))
        right_layout.addWidget(self.inner_tabs, 1)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([280, 900])
        layout.addWidget(split, 1)
        self.refresh()

    # ---- reading ------------------------------------------------------------------------

    def refresh(self) -> None:
        self._fill_rooms()
        if self.room_list.currentItem() is None and self.room_list.count():
            self.room_list.setCurrentRow(0)
        else:
            self._show(self.current_id)
        self._fill_followups()

    def _room_text(self, view: ChecklistView) -> str:
        t = self.ctx.tr
        status = t(instances.STATUS_EN[view.sign.status])
        kind = t("Pre-meeting") if view.kind == "pre" else t("Post-meeting")
        return f"{kind} · {view.room_name}\n{view.done}/{view.total} · {status}"

    def _style_room_item(self, item: QListWidgetItem, view: ChecklistView) -> None:
        item.setText(self._room_text(view))
        if view.signed_off:
            item.setForeground(Qt.GlobalColor.darkGreen)
        elif view.failed or view.open_followups:
            item.setForeground(Qt.GlobalColor.darkRed)
        else:
            item.setForeground(self.room_list.palette().text())

    def _fill_rooms(self) -> None:
        """The room list with every checklist's progress, keeping the current selection."""
        views = instances.checklist_views(self.ctx.store, self.meeting_id)
        listed = [self.room_list.item(i) for i in range(self.room_list.count())]
        if [i.data(Qt.ItemDataRole.UserRole) for i in listed] == [v.id for v in views]:
            for item, view in zip(listed, views, strict=True):  # same checklists: only their progress changed
                self._style_room_item(item, view)
            return
        keep = self.current_id
        font = QFont(self.room_list.font())
        font.setPixelSize(16)
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()
        width = max(self.room_list.viewport().width(), self.room_list.minimumWidth()) - 24
        self.room_list.blockSignals(True)
        self.room_list.clear()
        for view in views:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, view.id)
            text = self._room_text(view)
            height = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
            item.setSizeHint(QSize(0, max(height, line * 2) + 30))  # every line shown: long English labels wrap
            self._style_room_item(item, view)
            self.room_list.addItem(item)
            if view.id == keep:
                self.room_list.setCurrentItem(item)
        self.room_list.blockSignals(False)

    def _room_selected(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        self._show(current.data(Qt.ItemDataRole.UserRole) if current else None)

    def _show(self, checklist_id: int | None) -> None:
        t = self.ctx.tr
        # A fresh host each time: QScrollArea lays out a new widget fully when it is set.
        self.rows = []
        self.items_host = QWidget()
        self.items_layout = QVBoxLayout(self.items_host)
        self.items_layout.setSpacing(8)
        self.current_id = checklist_id
        has = checklist_id is not None
        for key in ("sign", "countersign", "reopen", "found", "report"):
            self.action_buttons[key].setEnabled(has)
        if not has:
            self.view = None
            self.writable = False
            self._update_webcam()
            self.title.setText(t("No checklist yet: make them from the meeting's rooms."))
            self.progress.setMaximum(1)
            self.progress.setValue(0)
            self.sign_label.setText("")
            self.scroll.setWidget(self.items_host)
            return
        view = instances.checklist_view(self.ctx.store, checklist_id, self.meeting_id)
        writable = self._show_header(view)
        zh = self.ctx.lang == "zh"
        section = None
        for item in view.items:
            title = item.section_zh if zh else item.section_en
            if title and title != section:
                section = title
                header = QLabel(title)
                header.setObjectName("sectionHeader")
                self.items_layout.addWidget(header)
            row = ItemRow(self, item, writable)
            self.rows.append(row)
            self.items_layout.addWidget(row)
        self.items_layout.addStretch(1)
        position = self.scroll.verticalScrollBar().value()
        self.scroll.setWidget(self.items_host)
        self.scroll.verticalScrollBar().setValue(position)

    def _show_header(self, view: ChecklistView) -> bool:
        """Title, progress, signatures and the action buttons of ``view``; True when its
        items may be changed now."""
        t = self.ctx.tr
        self.view = view
        zh = self.ctx.lang == "zh"
        self.title.setText(f"{view.title_zh if zh else view.title_en} · {view.room_name}")
        self.progress.setMaximum(max(view.total, 1))
        self.progress.setValue(view.done)
        signers = "、".join(f"{name}（{local_time(at)}）" for name, at in view.sign.signers) or "—"
        self.sign_label.setText(
            t("Status: {status} · signatures {n}/{need}: {who}", status=t(instances.STATUS_EN[view.sign.status]),
              n=len(view.sign.signers), need=view.sign.required, who=signers)
            + (f" · {t('{n} open follow-up(s)', n=view.open_followups)}" if view.open_followups else "")
        )
        state = meetings.get_meeting(self.ctx.store, self.meeting_id).state
        writable = not view.read_only and state in instances.WRITABLE_STATES[view.kind]
        closed = state == "closed"  # the meeting's records are read-only: nothing to sign or reopen
        self.action_buttons["sign"].setEnabled(view.sign.status == "open" and not closed)
        self.action_buttons["countersign"].setEnabled(view.sign.status == "awaiting_countersign" and not closed)
        self.action_buttons["reopen"].setEnabled(view.sign.status != "open" and not closed)
        self.action_buttons["found"].setEnabled(writable and view.kind == "post")
        self.writable = writable
        self._update_webcam()
        return writable

    def _update_item(self, key: str, copy_moved: int | None = None, followups_changed: bool = False) -> None:
        """After one item changed: redraw that row, the header and the room's entry in the
        list, not the whole page (a tap must feel instant in a room of 150 copies)."""
        if self.current_id is None:
            return
        view = instances.checklist_view(self.ctx.store, self.current_id, self.meeting_id)
        writable = self._show_header(view)
        for index, old in enumerate(self.rows):
            if old.item.key == key:
                new = ItemRow(self, view.item(key), writable)
                self.items_layout.replaceWidget(old, new)
                old.hide()
                old.deleteLater()
                self.rows[index] = new
                break
        changed = {view.id: view}
        if copy_moved is not None:  # the copy is settled on the other checklists that list it
            changed.update({v.id: v for v in instances.checklists_listing_copy(self.ctx.store, self.meeting_id, copy_moved)})
            changed[view.id] = view
        for row in range(self.room_list.count()):
            entry = self.room_list.item(row)
            if entry.data(Qt.ItemDataRole.UserRole) in changed:
                self._style_room_item(entry, changed[entry.data(Qt.ItemDataRole.UserRole)])
        if followups_changed:
            self._fill_followups()

    def _fill_followups(self) -> None:
        t = self.ctx.tr
        rooms = {v.id: v.room_name for v in instances.checklist_views(self.ctx.store, self.meeting_id)}
        found = followups.list_followups(self.ctx.store, self.meeting_id)
        rows = [
            [f.id, rooms.get(f.checklist_id, ""), f.description, f.owner, local_time(f.due_at),
             t("Open") if f.open else t("Resolved by {who} at {at}: {note}", who=f.resolved_by, at=local_time(f.resolved_at), note=f.resolution)]
            for f in found
        ]
        fill_table(self.followups, rows, [f.id for f in found])
        open_count = sum(1 for f in found if f.open)
        self.inner_tabs.setTabText(1, t("Follow-ups") + (f" ({open_count})" if open_count else ""))

    # ---- actions --------------------------------------------------------------------------

    def _after_change(self) -> None:
        self.refresh()

    def _create(self, kind: str) -> None:
        created = run_action(self, self.ctx, lambda: instances.create_checklists(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, kind))
        if created is not None:
            if not created:
                QMessageBox.information(self, self.ctx.tr("Checklists"), self.ctx.tr("Every room has its checklist already."))
            else:
                self.current_id = created[0]
            self.refresh()

    def record(self, row: ItemRow, outcome: str) -> None:
        if self.current_id is None:
            return
        cid = self.current_id
        note = row.note.text()
        done = run_action(self, self.ctx, lambda: results.record_result(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, cid, row.item.key, outcome, note))
        if done is not None:
            self.drafts.pop((cid, row.item.key), None)
            if self.current_id == cid:
                self._update_item(row.item.key, copy_moved=row.item.copy_id if done.copy_recovered else None,
                                  followups_changed=done.followup_id is not None)
            else:
                self._after_change()

    def add_photo(self, row: ItemRow) -> None:
        t = self.ctx.tr
        path, _ = QFileDialog.getOpenFileName(self, t("Choose a photo"), "", t("Images") + " (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)")
        if path:
            self.attach_photo_file(row, path)

    def attach_photo_file(self, row: ItemRow, path: str) -> int | None:
        return self.attach_photo(row.item.key, lambda: Path(path).read_bytes(), Path(path).name)

    def attach_photo(self, key: str, data: Callable[[], bytes], filename: str) -> int | None:
        """Attach the photo ``data()`` to the current checklist's item ``key``."""
        if self.current_id is None:
            return None
        cid = self.current_id

        def attach() -> int:
            return results.add_photo(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, cid, key, data(), filename)

        photo_id = run_action(self, self.ctx, attach)
        if photo_id is not None:
            self._update_item(key)
        return photo_id

    # ---- webcam -------------------------------------------------------------------------

    def _update_webcam(self) -> None:
        """The webcam button follows the cameras plugged in and whether this checklist may
        change; it says why when it is off."""
        t = self.ctx.tr
        button = self.action_buttons["webcam"]
        cameras = self.camera_watch.cameras()
        button.setText(t("Webcam photo…") if cameras or not self.camera_watch.supported else t("Webcam: no camera found"))
        if not self.camera_watch.supported:
            button.setToolTip(t("Taking photos with the webcam needs QtMultimedia, which is not installed; add photos from files."))
        elif not cameras:
            button.setToolTip(t("No camera found. Connect a webcam (this button comes on by itself), or add photos from files."))
        else:
            button.setToolTip(t("Take photos for this checklist's items with the camera {camera}", camera=cameras[0].description()))
        button.setEnabled(bool(cameras) and self.current_id is not None and self.writable)

    def open_webcam(self) -> WebcamPhotoDialog | None:
        """The webcam dialog for the current checklist; each photo taken is attached to the item chosen in it."""
        if self.view is None or self.current_id is None:
            return None
        zh = self.ctx.lang == "zh"
        items = [(i.key, f"{i.position}. {i.zh if zh else i.en}") for i in self.view.items if not i.auto]
        dialog = WebcamPhotoDialog(self.ctx.tr, items, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        stamp = self.ctx.clock.now().strftime("%Y%m%d-%H%M%S")
        dialog.photo.connect(lambda key, data: self.attach_photo(key, lambda: data, f"webcam-{stamp}-{dialog.taken + 1}.jpg"))
        dialog.finished.connect(lambda _r: setattr(self, "webcam_dialog", None))
        self.webcam_dialog = dialog
        dialog.open()
        return dialog

    def _sign(self) -> None:
        if self.current_id is None:
            return
        cid = self.current_id
        if run_action(self, self.ctx, lambda: signoff.sign(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, cid)) is not None:
            self._after_change()

    def countersign_as(self, name: str, password: str) -> bool:
        """Countersign the current checklist as the inspector ``name`` (password checked)."""
        if self.current_id is None:
            return False
        cid = self.current_id

        def act() -> ChecklistView:
            second = operators.verify_password_of(self.ctx.store, self.ctx.clock, name.strip(), password)
            return signoff.sign(self.ctx.store, self.ctx.clock, second, self.meeting_id, cid)

        ok = run_action(self, self.ctx, act) is not None
        self._after_change()
        return ok

    def _countersign(self) -> None:
        dialog = CountersignDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.countersign_as(dialog.name.text(), dialog.password.text())

    def _reopen(self) -> None:
        if self.current_id is None:
            return
        t = self.ctx.tr
        reason, ok = QInputDialog.getText(self, t("Reopen checklist"), t("Why must the signed checklist be reopened?"))
        cid = self.current_id
        if ok and run_action(self, self.ctx, lambda: signoff.reopen(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, cid, reason)) is not None:
            self._after_change()

    def _found_copy(self) -> None:
        if self.current_id is None:
            return
        t = self.ctx.tr
        code, ok = QInputDialog.getText(self, t("Copy found"), t("Scan or type the copy's code or number:"))
        cid = self.current_id
        if ok and code.strip():
            done = run_action(self, self.ctx, lambda: results.record_found_copy(
                self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, cid, code.strip()))
            if done is not None:
                self._after_change()

    def _resolve(self) -> None:
        t = self.ctx.tr
        keys = selected_keys(self.followups)
        if not keys:
            QMessageBox.information(self, t("Follow-ups"), t("Select a follow-up first."))
            return
        note, ok = QInputDialog.getText(self, t("Resolve follow-up"), t("How was it resolved?"))
        if ok and run_action(self, self.ctx, lambda: followups.resolve_followup(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, int(keys[0]), note)) is not None:
            self._after_change()

    def _templates(self) -> None:
        TemplateDialog(self.ctx, self.meeting_id, self).exec()

    def reassign_followup(self, followup_id: int, owner: str, due_at: dt.datetime | None) -> bool:
        """Give a follow-up a new owner and/or due time (who and when are recorded)."""
        done = run_action(self, self.ctx, lambda: followups.assign_followup(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, followup_id, owner.strip() or None, due_at))
        if done is not None:
            self._fill_followups()
            if self.current_id is not None:
                self._show_header(instances.checklist_view(self.ctx.store, self.current_id, self.meeting_id))
        return done is not None

    def _reassign(self) -> None:
        t = self.ctx.tr
        keys = selected_keys(self.followups)
        if not keys:
            QMessageBox.information(self, t("Follow-ups"), t("Select a follow-up first."))
            return
        current = followups.get_followup(self.ctx.store, self.meeting_id, int(keys[0]))
        dialog = ReassignDialog(self.ctx, current, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reassign_followup(current.id, dialog.owner.text(), dialog.due_at())

    # ---- printing off the GUI thread --------------------------------------------------------

    def run_in_background(self, work: Callable[[], Any], on_done: Callable[[Any], None]) -> _Job:
        job = _Job(work, self.ctx.lang)
        job.setAutoDelete(False)
        self.jobs.append(job)
        for key in ("summary", "dossier", "report"):
            self.action_buttons[key].setEnabled(False)

        def finish() -> None:
            self.jobs.remove(job)
            for key in ("summary", "dossier"):
                self.action_buttons[key].setEnabled(True)
            self.action_buttons["report"].setEnabled(self.current_id is not None)

        job.signals.done.connect(lambda result: (finish(), on_done(result)))
        job.signals.failed.connect(lambda text: (finish(), QMessageBox.warning(self, self.ctx.tr("Error"), text)))
        self.pool.start(job)
        return job

    def _ask_pdf(self, default: str) -> str | None:
        t = self.ctx.tr
        path, _ = QFileDialog.getSaveFileName(self, t("Save PDF"), default, "PDF (*.pdf)")
        return path or None

    def _printed(self, path: Any) -> None:
        QMessageBox.information(self, self.ctx.tr("Printed"), self.ctx.tr("Saved {path}", path=str(path)))

    def print_checklist_to(self, path: str) -> _Job | None:
        if self.current_id is None:
            return None
        from meetkit.checklists.reports import checklist_pdf

        cid = self.current_id
        return self.run_in_background(lambda: checklist_pdf(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, cid, path), self._printed)

    def _print_checklist(self) -> None:
        path = self._ask_pdf(f"checklist-{self.current_id}.pdf")
        if path:
            self.print_checklist_to(path)

    def print_summary_to(self, path: str) -> _Job:
        from meetkit.checklists.reports import summary_pdf

        return self.run_in_background(lambda: summary_pdf(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, path), self._printed)

    def _print_summary(self) -> None:
        path = self._ask_pdf(f"checklists-meeting-{self.meeting_id}.pdf")
        if path:
            self.print_summary_to(path)

    def print_dossier_to(self, path: str) -> _Job:
        """Print off the GUI thread (reads only); the printing is audited back on the GUI
        thread, so no write shares the store connection with the worker."""
        from meetkit.dossier import print_dossier, record_printed

        def done(result: Any) -> None:
            out, dossier, head_hash = result
            run_action(self, self.ctx, lambda: record_printed(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, dossier, head_hash))
            self._printed(out)

        return self.run_in_background(lambda: print_dossier(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, path), done)

    def _print_dossier(self) -> None:
        path = self._ask_pdf(f"dossier-meeting-{self.meeting_id}.pdf")
        if path:
            self.print_dossier_to(path)
