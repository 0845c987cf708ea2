"""Small GUI helpers shared by pages: error boxes, table filling, styled labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from meetkit.errors import MeetkitError
from meetkit.gui.context import GuiContext

BEIJING = dt.timezone(dt.timedelta(hours=8))

T = TypeVar("T")


def run_action(parent: QWidget, ctx: GuiContext, action: Callable[[], T]) -> T | None:
    """Run a service call; a MeetkitError becomes a message box in the operator's language."""
    try:
        return action()
    except MeetkitError as err:
        QMessageBox.warning(parent, ctx.tr("Error"), err.text(ctx.lang))
        return None


def make_table(headers: Sequence[str], parent: QWidget | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Any]], keys: Sequence[Any] | None = None) -> None:
    """Replace the table's rows; ``keys[i]`` is stored as user data on row i's first cell.

    Columns sized to their contents would be re-measured on every ``setItem`` (about a
    millisecond each: 40 s for a 200-person list), so they are held fixed while filling and
    measured once at the end."""
    header = table.horizontalHeader()
    modes = [header.sectionResizeMode(i) for i in range(header.count())]
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.setUpdatesEnabled(False)
    table.setSortingEnabled(False)
    try:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem()
                if isinstance(value, int) and not isinstance(value, bool):
                    item.setData(Qt.ItemDataRole.DisplayRole, value)
                else:
                    item.setText("" if value is None else str(value))
                if c == 0 and keys is not None:
                    item.setData(Qt.ItemDataRole.UserRole, keys[r])
                table.setItem(r, c, item)
    finally:
        for i, mode in enumerate(modes):
            header.setSectionResizeMode(i, mode)
        table.setSortingEnabled(True)
        table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        table.setUpdatesEnabled(True)


def local_time(iso_text: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in Beijing time."""
    if not iso_text:
        return ""
    from meetkit.clock import parse_iso

    return parse_iso(iso_text).astimezone(BEIJING).strftime(fmt)


def selected_keys(table: QTableWidget) -> list[Any]:
    rows = sorted({index.row() for index in table.selectionModel().selectedRows()})
    keys = []
    for r in rows:
        item = table.item(r, 0)
        if item is not None:
            keys.append(item.data(Qt.ItemDataRole.UserRole))
    return keys


def ok_cancel(tr: Callable[..., str], ok_text: str = "OK", dialog: QDialog | None = None) -> QDialogButtonBox:
    """OK/Cancel buttons in the operator's language; wired to ``dialog``'s accept/reject when given."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr(ok_text))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
    if dialog is not None:
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
    return buttons
