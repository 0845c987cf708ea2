"""The attendees tab: the list with filters and search, the import wizard, approve/reject
for the chair, pledges."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetkit import attendees
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import fill_table, local_time, make_table, ok_cancel, run_action, selected_keys
from meetkit.vetting.idnumbers import mask_id_number


class AttendeesPage(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        t = ctx.tr
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.status = QComboBox()
        self.status.addItem(t("All statuses"), None)
        for status in attendees.STATUSES:
            self.status.addItem(t(status), status)
        self.unit = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText(t("Search name, unit or seat"))
        self.search.setClearButtonEnabled(True)
        for widget in (self.status, self.unit):
            widget.currentIndexChanged.connect(self.refresh_table)
        self.search.textChanged.connect(self.refresh_table)
        filters.addWidget(self.status)
        filters.addWidget(self.unit)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("import", "Import list…", self._import),
            ("add", "Add attendee…", self._add),
            ("edit", "Edit…", self._edit),
            ("approve", "Approve selected", self._approve_selected),
            ("approve_all", "Approve all pending", self._approve_all),
            ("reject", "Reject…", self._reject),
            ("pledge", "Record pledge", self._pledge),
        ):
            button = QPushButton(t(text))
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        layout.addLayout(actions)
        is_chair = ctx.actor.has("chair")
        is_secretary = ctx.actor.has("secretary")
        for key in ("approve", "approve_all", "reject"):
            self.buttons[key].setVisible(is_chair)
        for key in ("import", "add", "edit", "pledge"):
            self.buttons[key].setVisible(is_secretary)
        self.table = make_table(
            [t("ID"), t("Name"), t("Unit"), t("Job title"), t("Category"), t("Seat"), t("Room"), t("ID number"), t("Status"), t("Pledge"), t("Reason")]
        )
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        self.approval = QLabel()
        self.approval.setStyleSheet("color: #555;")
        layout.addWidget(self.summary)
        layout.addWidget(self.approval)
        self.refresh()

    def refresh(self) -> None:
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(self.ctx.tr("All units"), None)
        for unit in attendees.units(self.ctx.store, self.meeting_id):
            self.unit.addItem(unit or "—", unit)
        index = self.unit.findData(current)
        self.unit.setCurrentIndex(max(index, 0))
        self.unit.blockSignals(False)
        self.refresh_table()

    def refresh_table(self) -> None:
        t = self.ctx.tr
        rows = attendees.list_attendees(
            self.ctx.store, self.meeting_id, self.status.currentData(), self.unit.currentData(), self.search.text().strip() or None
        )
        show_id = "admin" in self.ctx.actor.roles
        fill_table(
            self.table,
            [
                [
                    a.id, a.name, a.unit, a.title, t(a.category), a.seat, a.room or "",
                    a.id_number if show_id else (mask_id_number(a.id_number) if a.id_number else ""),
                    t(a.status), "✓" if a.pledged_at else "", a.status_reason,
                ]
                for a in rows
            ],
            [a.id for a in rows],
        )
        counts = attendees.counts(self.ctx.store, self.meeting_id)
        everyone = attendees.list_attendees(self.ctx.store, self.meeting_id)
        self.summary.setText(
            t(
                "{approved} approved · {pending} pending · {rejected} rejected · {pledged} pledged",
                approved=counts.get("approved", 0), pending=counts.get("pending", 0), rejected=counts.get("rejected", 0),
                pledged=sum(1 for a in everyone if a.pledged_at),
            )
        )
        latest = attendees.latest_approval(self.ctx.store, self.meeting_id)
        if latest:
            self.approval.setText(t("Approved list hash: {hash} by {who} at {at}", hash=latest["list_hash"][:16] + "…", who=latest["operator"], at=local_time(latest["at"])))
        else:
            self.approval.setText(t("No approval recorded yet."))

    def _selected(self) -> list[int]:
        ids = [int(k) for k in selected_keys(self.table)]
        if not ids:
            QMessageBox.information(self, self.ctx.tr("Attendees"), self.ctx.tr("Select attendees first."))
        return ids

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.ctx.tr("Choose a CSV file"), str(Path.home()), "CSV (*.csv *.txt);;*")
        if path:
            ImportDialog(self.ctx, self.meeting_id, Path(path), self).exec()
            self.refresh()

    def _add(self) -> None:
        dialog = AttendeeDialog(self.ctx, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            run_action(self, self.ctx, lambda: attendees.add_attendee(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, **dialog.values()))
            self.refresh()

    def _edit(self) -> None:
        ids = self._selected()
        if not ids:
            return
        current = attendees.get_attendee(self.ctx.store, ids[0], self.meeting_id)
        dialog = AttendeeDialog(self.ctx, current, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            run_action(self, self.ctx, lambda: attendees.edit_attendee(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, current.id, **dialog.values()))
            self.refresh()

    def _approve_selected(self) -> None:
        ids = self._selected()
        if ids:
            run_action(self, self.ctx, lambda: attendees.approve(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, ids))
            self.refresh()

    def _approve_all(self) -> None:
        run_action(self, self.ctx, lambda: attendees.approve(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, None))
        self.refresh()

    def _reject(self) -> None:
        ids = self._selected()
        if not ids:
            return
        reason, ok = QInputDialog.getText(self, self.ctx.tr("Reject…"), self.ctx.tr("Reason for rejection"))
        if ok:
            for attendee_id in ids:
                if run_action(self, self.ctx, lambda: attendees.reject(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, attendee_id, reason)) is None:
                    break
            self.refresh()

    def _pledge(self) -> None:
        ids = self._selected()
        if ids:
            run_action(self, self.ctx, lambda: attendees.pledge(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, ids))
            self.refresh()


class ImportDialog(QDialog):
    """Shows what an import would do (row errors, duplicates) before anything is written."""

    def __init__(self, ctx: GuiContext, meeting_id: int, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.path = path
        self.result: attendees.ImportResult | None = None
        t = ctx.tr
        self.setWindowTitle(t("Import attendee list"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.data = path.read_bytes()
        preview = attendees.preview_import(ctx.store, meeting_id, self.data)
        parsed = preview.parsed
        form = QFormLayout()
        form.addRow(t("File"), QLabel(path.name))
        form.addRow(t("Encoding"), QLabel(parsed.encoding))
        form.addRow(t("Rows ready to import"), QLabel(str(len(preview.importable))))
        layout.addLayout(form)
        problems = ([parsed.file_error] if parsed.file_error else []) + parsed.errors
        rows = [[e.row, e.reason_zh if ctx.lang == "zh" else e.reason] for e in problems]
        rows += [[d.row, (d.reason_zh if ctx.lang == "zh" else d.reason) + f" ({d.name})"] for d in preview.duplicates]
        self.problems = make_table([t("Row"), t("Problems")])
        fill_table(self.problems, sorted(rows, key=lambda r: int(r[0])))
        layout.addWidget(QLabel(t("Problems") + f": {len(rows)}" if rows else t("The file is clean.")))
        layout.addWidget(self.problems, 1)
        self.skip_bad = QCheckBox(t("Import the good rows, skip the rest"))
        self.skip_bad.setVisible(bool(rows) and parsed.file_error is None)
        layout.addWidget(self.skip_bad)
        buttons = ok_cancel(t)
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(t("Import"))
        self.import_button.setEnabled(parsed.file_error is None and bool(preview.importable) and not rows)
        self.skip_bad.toggled.connect(lambda on: self.import_button.setEnabled(on and bool(preview.importable)))
        buttons.accepted.connect(self._import)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _import(self) -> None:
        t = self.ctx.tr
        result = run_action(
            self, self.ctx,
            lambda: attendees.import_attendees(
                self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, self.data,
                skip_bad=self.skip_bad.isChecked(), source_name=self.path.name,
            ),
        )
        if result is None:
            return
        self.result = result
        QMessageBox.information(self, t("Import"), t("Imported {n} attendee(s).", n=result.imported) if result.written else t("Nothing was imported."))
        self.accept()


class AttendeeDialog(QDialog):
    FIELDS = (("name", "Name"), ("unit", "Unit"), ("title", "Job title"), ("id_number", "ID number"), ("phone", "Phone"), ("seat", "Seat"))

    def __init__(self, ctx: GuiContext, current: attendees.Attendee | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(t("Attendee"))
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in self.FIELDS:
            edit = QLineEdit(str(getattr(current, key)) if current else "")
            self.edits[key] = edit
            form.addRow(t(label), edit)
        self.category = QComboBox()
        for category in attendees.CATEGORY_ZH:
            self.category.addItem(t(category), category)
        if current:
            self.category.setCurrentIndex(max(self.category.findData(current.category), 0))
        form.addRow(t("Category"), self.category)
        self.photo_path: str | None = None
        photo = QPushButton(t("Choose photo…"))
        photo.clicked.connect(self._choose_photo)
        form.addRow(t("Photo"), photo)
        form.addRow(ok_cancel(t, dialog=self))

    def _choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "", str(Path.home()), "Images (*.png *.jpg *.jpeg)")
        self.photo_path = path or None

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {k: e.text() for k, e in self.edits.items()}
        values["category"] = self.category.currentData()
        if self.photo_path:
            values["photo"] = Path(self.photo_path).read_bytes()
        return values
