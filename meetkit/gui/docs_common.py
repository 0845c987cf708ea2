"""Shared pieces of the controlled-documents pages: colours and a background job runner."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import (
    ok_cancel,
)

STYLE = {
    "idle": "background:#eef1f5;color:#333;",
    "ok": "background:#dff3e3;color:#0b5d1e;",
    "warn": "background:#fff1cc;color:#7a4b00;",
    "bad": "background:#fde2e1;color:#9b111e;",
}


MAX_ROWS_SHOWN = 500


class _Signals(QObject):
    done = Signal(str)
    failed = Signal(str)


class _Job(QRunnable):
    """Draws a PDF off the GUI thread (the data was read from the store beforehand)."""

    def __init__(self, work: Any) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result, ok = str(self.work()), True
        except Exception as err:  # noqa: BLE001 - shown to the operator
            result, ok = str(err), False
        try:
            (self.signals.done if ok else self.signals.failed).emit(result)
        except RuntimeError:  # the page was closed while the file was being drawn
            pass


class FieldsDialog(QDialog):
    """A small form of labelled text fields."""

    def __init__(self, ctx: GuiContext, title: str, fields: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.edits: list[QLineEdit] = []
        for label in fields:
            edit = QLineEdit()
            edit.setMinimumWidth(320)
            self.edits.append(edit)
            form.addRow(label, edit)
        form.addRow(ok_cancel(ctx.tr, "OK", dialog=self))

    def values(self) -> list[str]:
        return [e.text() for e in self.edits]
