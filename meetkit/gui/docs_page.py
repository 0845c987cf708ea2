"""The controlled-documents tab, in four sub-tabs:

- 分发/收回: scan a badge and a copy (either order) to issue or take back, alerts for
  transfer violations and open incidents, the reconciliation board, the documents list;
- 销毁: destruction batches (propose, director approves, two or more witnesses each type
  their own password in a dialog, record the destruction, print the certificate);
- 会议记录本: the notebook register (register to a secretary, handover confirmed by both
  custodians' passwords, transfer to the archives);
- 录音录像: speakers' consents and the recording media registered against them.

Labels and reports print off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from meetkit import audit
from meetkit.attendees import get_attendee
from meetkit.custody import (
    codes,
    destruction,
    distribution,
    documents,
    incidents,
    labels,
    ledger,
    notebooks,
    reconcile,
    recordings,
    reports,
)
from meetkit.custody.people import resolve_person
from meetkit.errors import MeetkitError
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import (
    fill_table,
    local_time,
    make_table,
    ok_cancel,
    run_action,
    selected_keys,
)
from meetkit.levels import LEVELS
from meetkit.meetings import get_meeting

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


class RegisterDialog(QDialog):
    def __init__(self, ctx: GuiContext, level: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(t("Register a document"))
        form = QFormLayout(self)
        self.title = QLineEdit()
        self.number = QLineEdit()
        self.level = QComboBox()
        self.level.addItems(list(LEVELS))
        self.level.setCurrentText(level)
        self.copies = QSpinBox()
        self.copies.setRange(1, documents.MAX_COPIES)
        self.copies.setValue(50)
        self.policy = QComboBox()
        self.policy.addItem(t("Return after the meeting"), "return")
        self.policy.addItem(t("May be taken away (registered)"), "take-away")
        self.units = QLineEdit()
        self.units.setPlaceholderText(t("Units allowed to take copies away, comma-separated"))
        for edit in (self.title, self.number, self.units):
            edit.setMinimumWidth(380)
        form.addRow(t("Title"), self.title)
        form.addRow(t("Document number"), self.number)
        form.addRow(t("Level"), self.level)
        form.addRow(t("Copies"), self.copies)
        form.addRow(t("Recall policy"), self.policy)
        form.addRow(t("Take-away units"), self.units)
        self.origin = QLineEdit()
        self.pages = QSpinBox()
        self.pages.setRange(0, 100000)
        form.addRow(t("Originating unit"), self.origin)
        form.addRow(t("Pages"), self.pages)
        buttons = ok_cancel(t, "Register")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


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
        buttons = ok_cancel(ctx.tr, "OK")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> list[str]:
        return [e.text() for e in self.edits]


class DocsPage(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.pending_copy: ledger.Copy | None = None
        self.pending_person: Any = None
        self.pending_person_text = ""
        self.pool = QThreadPool.globalInstance()
        self._jobs: list[_Job] = []
        t = ctx.tr
        big = QFont()
        big.setPointSize(15)

        # ---- scanning ----------------------------------------------------------------
        scan_box = QGroupBox(t("Scan: badge and copy, in either order"))
        scan_layout = QVBoxLayout(scan_box)
        modes = QHBoxLayout()
        self.mode_issue = QRadioButton(t("Issue"))
        self.mode_return = QRadioButton(t("Take back"))
        self.mode_issue.setChecked(True)
        self.mode_group = QButtonGroup(self)
        for button in (self.mode_issue, self.mode_return):
            button.setFont(big)
            self.mode_group.addButton(button)
            modes.addWidget(button)
            button.toggled.connect(lambda _on: self.clear_pending())
        modes.addStretch(1)
        self.clear_button = QPushButton(t("Clear"))
        self.clear_button.clicked.connect(self.clear_pending)
        modes.addWidget(self.clear_button)
        scan_layout.addLayout(modes)
        self.scan = QLineEdit()
        self.scan.setFont(big)
        self.scan.setMinimumHeight(44)
        self.scan.setPlaceholderText(t("Scan a badge or a copy label here"))
        self.scan.returnPressed.connect(self.on_scan_entered)
        scan_layout.addWidget(self.scan)
        slots = QHBoxLayout()
        self.person_slot = QLabel()
        self.copy_slot = QLabel()
        for slot in (self.person_slot, self.copy_slot):
            slot.setFont(big)
            slot.setFixedHeight(44)
            slot.setStyleSheet("border:1px solid #c8ccd2;border-radius:4px;padding:4px 8px;background:white;")
            slots.addWidget(slot, 1)
        scan_layout.addLayout(slots)
        self.verdict = QLabel()
        verdict_font = QFont()
        verdict_font.setPointSize(17)
        verdict_font.setBold(True)
        self.verdict.setFont(verdict_font)
        self.verdict.setWordWrap(True)
        self.verdict.setMinimumHeight(64)
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scan_layout.addWidget(self.verdict)

        # ---- alerts --------------------------------------------------------------------
        alert_box = QGroupBox(t("Alerts: transfer violations and open incidents"))
        alert_layout = QVBoxLayout(alert_box)
        self.alerts = QListWidget()
        self.alerts.setWordWrap(True)
        alert_font = QFont()
        alert_font.setPointSize(12)
        self.alerts.setFont(alert_font)
        alert_layout.addWidget(self.alerts)
        self.close_incident_button = QPushButton(t("Close incident… (director)"))
        self.close_incident_button.clicked.connect(self.on_close_incident)
        self.close_incident_button.setEnabled(self.ctx.actor.has("director"))
        alert_buttons = QHBoxLayout()
        self.found_button = QPushButton(t("Lost copy found…"))
        self.found_button.clicked.connect(self.on_found)
        self.found_button.setEnabled(self.ctx.actor.has("secretary", "director"))
        alert_buttons.addWidget(self.found_button)
        alert_buttons.addWidget(self.close_incident_button)
        alert_layout.addLayout(alert_buttons)
        top = QHBoxLayout()
        top.addWidget(scan_box, 3)
        top.addWidget(alert_box, 2)

        # ---- board ---------------------------------------------------------------------
        self.summary = QLabel()
        self.summary.setFont(big)
        self.docs_table = make_table([
            t("Title"), t("Document number"), t("Level"), t("Copies"), t("Issued"), t("Returned"), t("Taken away"),
            t("Lost"), t("Destroyed"), t("Outstanding"),
        ])
        self.out_table = make_table([t("Copy code"), t("Document"), t("Copy"), t("Holder"), t("Unit"), t("Issued at")])
        # Titles get a fixed, adjustable width (a stretched column collapses to nothing when the
        # counts fill the pane, e.g. with English headers at 1366×768); the table scrolls sideways.
        for table, column, width in ((self.docs_table, 0, 230), (self.out_table, 1, 170)):
            header = table.horizontalHeader()
            header.setStretchLastSection(table is self.out_table)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QGroupBox(t("Documents and reconciliation"))
        self.people_table = make_table([
            t("Name"), t("Unit"), t("Received"), t("Handed back"), t("Handed back by others"), t("Taken away"), t("Lost"),
            t("Outstanding"),
        ])
        self.board_tabs = QTabWidget()
        self.board_tabs.addTab(self.docs_table, t("Per document"))
        self.board_tabs.addTab(self.people_table, t("Per attendee"))
        self.board_tabs.currentChanged.connect(lambda _i: self.refresh_board())
        QVBoxLayout(left).addWidget(self.board_tabs)
        right = self.out_box = QGroupBox(t("Outstanding copies"))
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.out_table)
        out_buttons = QHBoxLayout()
        self.take_away_button = QPushButton(t("Register take-away…"))
        self.lost_button = QPushButton(t("Report lost…"))
        self.take_away_button.clicked.connect(self.on_take_away)
        self.lost_button.clicked.connect(self.on_lost)
        out_buttons.addWidget(self.take_away_button)
        out_buttons.addWidget(self.lost_button)
        out_buttons.addStretch(1)
        right_layout.addLayout(out_buttons)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([860, 460])

        buttons = QHBoxLayout()
        self.register_button = QPushButton(t("Register document…"))
        self.labels_button = QPushButton(t("Print labels…"))
        self.report_button = QPushButton(t("Reports…"))
        report_menu = QMenu(self.report_button)
        for kind, text in (("reconciliation", "Reconciliation report…"), ("distribution", "Distribution register…"),
                           ("incidents", "Incident report…")):
            report_menu.addAction(t(text), lambda kind=kind: self.on_report(kind))
        self.report_button.setMenu(report_menu)
        self.refresh_button = QPushButton(t("Refresh"))
        self.register_button.clicked.connect(self.on_register)
        self.labels_button.clicked.connect(self.on_labels)
        self.refresh_button.clicked.connect(self.refresh)
        for b in (self.register_button, self.labels_button, self.report_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status = QLabel()
        buttons.addWidget(self.status)
        buttons.addWidget(self.refresh_button)

        self.tabs = QTabWidget()
        self.distribution_tab = QWidget()
        layout = QVBoxLayout(self.distribution_tab)
        layout.addLayout(top, 0)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.destruction_tab = DestructionTab(ctx, meeting_id, self)
        self.notebooks_tab = NotebooksTab(ctx, meeting_id, self)
        self.recordings_tab = RecordingsTab(ctx, meeting_id, self)
        self.tabs.addTab(self.distribution_tab, t("Issue / take back"))
        self.tabs.addTab(self.destruction_tab, t("Destruction"))
        self.tabs.addTab(self.notebooks_tab, t("Meeting notebooks"))
        self.tabs.addTab(self.recordings_tab, t("Recordings"))
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)
        self.clear_pending()
        self.refresh()

    # ---- scanning --------------------------------------------------------------------
    def show_verdict(self, text: str, kind: str) -> None:
        self.verdict.setText(text)
        self.verdict.setStyleSheet(STYLE[kind] + "border-radius:6px;padding:8px;")

    def _reset_slots(self) -> None:
        self.pending_copy = None
        self.pending_person = None
        self.pending_person_text = ""
        self._paint_slots()

    def clear_pending(self) -> None:
        self._reset_slots()
        self.show_verdict(self.ctx.tr("Ready: scan a badge or a copy"), "idle")

    def _paint_slots(self) -> None:
        t = self.ctx.tr
        person = self.pending_person
        self.person_slot.setText(
            t("Person: {who}", who=f"{person.name}（{person.unit}）" if person else "—")
        )
        copy = self.pending_copy
        self.copy_slot.setText(t("Copy: {what}", what=f"《{copy.title}》{copy.label}" if copy else "—"))

    def on_scan_entered(self) -> None:
        text = self.scan.text()
        self.scan.clear()
        self.handle_scan(text)

    def handle_scan(self, text: str) -> None:
        """One scan from the field: a copy label or a badge; acts once both are in."""
        t = self.ctx.tr
        if not text.strip():
            return
        try:
            codes.check_length(text)
            if codes.looks_like_copy_code(text):
                self.pending_copy = ledger.resolve_copy(self.ctx.store, self.meeting_id, text)
            elif codes.looks_like_badge(text):
                self.pending_person = resolve_person(self.ctx.store, self.ctx.clock, self.meeting_id, text).attendee
                self.pending_person_text = text
            else:
                self.show_verdict(t("Not a badge or a copy label: scan again"), "bad")
                return
        except MeetkitError as err:
            self.show_verdict(err.text(self.ctx.lang), "bad")
            return
        self._paint_slots()
        if self.pending_copy is None:
            self.show_verdict(t("Now scan the copy"), "idle")
            return
        if self.pending_person is None:
            self.show_verdict(t("Now scan the badge"), "idle")
            return
        self._act()

    def _act(self) -> None:
        assert self.pending_copy is not None and self.pending_person is not None
        copy_ref, person_ref = self.pending_copy.code, str(self.pending_person.id)
        try:
            if self.mode_issue.isChecked():
                outcome = distribution.issue_copy(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, copy_ref, person_ref)
            else:
                outcome = distribution.return_copy(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, copy_ref, person_ref)
        except MeetkitError as err:
            self._reset_slots()
            self.show_verdict(err.text(self.ctx.lang), "bad")
            self.refresh_board()
            return
        # Each pair stands alone, so the next scan may again be either the badge or the copy.
        self._reset_slots()
        self.show_verdict(outcome.text(self.ctx.lang), "warn" if outcome.violation else "ok")
        self.refresh_board()

    # ---- board -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Refresh the sub-tab in view (the others refresh when they are opened)."""
        current = self.tabs.currentWidget()
        if current is self.distribution_tab:
            self.refresh_board()
        else:
            current.refresh()

    def refresh_board(self) -> None:
        t = self.ctx.tr
        # The per-attendee counts need every outstanding copy; read them only when that view is open.
        per_person = self.board_tabs.currentWidget() is self.people_table
        board = reconcile.reconcile(
            self.ctx.store, self.meeting_id, with_attendees=per_person, outstanding_limit=None if per_person else MAX_ROWS_SHOWN
        )
        if per_person:
            fill_table(self.people_table, [
                [a.name, a.unit, a.issued, a.returned, a.returned_by_others, a.taken_away, a.lost, a.outstanding]
                for a in board.attendees
            ], [a.attendee_id for a in board.attendees])
        fill_table(
            self.docs_table,
            [[d.title, d.doc_number, d.level, d.copies, d.issued, d.returned, d.taken_away, d.lost, d.destroyed, d.outstanding]
             for d in board.documents],
            [d.document_id for d in board.documents],
        )
        shown = board.outstanding[:MAX_ROWS_SHOWN]  # a desk page must stay quick with thousands out
        fill_table(
            self.out_table,
            [[o.code, o.title, o.label, o.holder_name, o.holder_unit, local_time(o.since)] for o in shown],
            [o.copy_id for o in shown],
        )
        self.out_box.setTitle(
            t("Outstanding copies") if len(shown) == board.outstanding_total
            else t("Outstanding copies (first {n} of {total})", n=len(shown), total=board.outstanding_total)
        )
        totals = board.totals
        self.summary.setText(t(
            "Copies {copies} · issued {issued} · returned {returned} · taken away {taken} · lost {lost} · outstanding {out}",
            copies=totals["copies"], issued=totals["issued"], returned=totals["returned"], taken=totals["taken_away"],
            lost=totals["lost"], out=totals["outstanding"],
        ))
        self.summary.setStyleSheet("color:#9b111e;" if totals["outstanding"] else "color:#0b5d1e;")
        self.alerts.clear()
        for inc in incidents.list_incidents(self.ctx.store, self.meeting_id, open_only=True):
            kind = t("Transfer violation") if inc.kind == "transfer" else t("Lost copy")
            item = QListWidgetItem(f"⚠ {kind} #{inc.id}：《{inc.title}》{inc.label}  {local_time(inc.opened_at)}")
            item.setForeground(Qt.GlobalColor.darkRed if inc.kind == "lost" else Qt.GlobalColor.darkYellow)
            item.setData(Qt.ItemDataRole.UserRole, inc.id)
            self.alerts.addItem(item)
        if self.alerts.count() == 0:
            self.alerts.addItem(QListWidgetItem(t("No open incidents")))

    # ---- actions ---------------------------------------------------------------------
    def on_register(self) -> None:
        meeting = get_meeting(self.ctx.store, self.meeting_id)
        dialog = RegisterDialog(self.ctx, meeting.level, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        units = [u.strip() for u in dialog.units.text().replace("，", ",").split(",") if u.strip()]
        run_action(self, self.ctx, lambda: documents.register_document(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, title=dialog.title.text(),
            doc_number=dialog.number.text(), level=dialog.level.currentText(), copies=dialog.copies.value(),
            policy=dialog.policy.currentData(), take_away_units=units, origin_unit=dialog.origin.text(),
            pages=dialog.pages.value(),
        ))
        self.refresh_board()

    def _start(self, work: Any, what: str) -> None:
        job = _Job(work)
        self._jobs.append(job)
        self.status.setText(self.ctx.tr("Printing {what}…", what=what))
        job.signals.done.connect(lambda path: self.status.setText(self.ctx.tr("Saved {path}", path=path)))
        job.signals.failed.connect(lambda err: self.status.setText(err))
        self.pool.start(job)

    def print_labels(self, document_id: int, path: str) -> None:
        meeting = get_meeting(self.ctx.store, self.meeting_id)
        copies = documents.copies(self.ctx.store, document_id)
        head, now, who = audit.head_hash(self.ctx.store), self.ctx.clock.now(), self.ctx.actor.name
        self._start(lambda: labels.render_labels(meeting, copies, path, head, now, who), Path(path).name)

    def print_report(self, path: str, kind: str = "reconciliation", batch_id: int | None = None) -> None:
        """Build a report from the store here, draw it (PDF) or write it (CSV) off the GUI thread."""
        report = reports.build(self.ctx.store, self.ctx.clock, self.meeting_id, kind, batch_id)
        head, now, who = audit.head_hash(self.ctx.store), self.ctx.clock.now(), self.ctx.actor.name
        if path.lower().endswith(".csv"):
            self._start(lambda: reports.render_csv(report, path, head), Path(path).name)
        else:
            self._start(lambda: reports.render_pdf(report, path, head, now, who), Path(path).name)

    def holder_text(self, copy: ledger.Copy) -> str:
        if copy.holder_kind == "attendee" and copy.holder_ref:
            try:
                person = get_attendee(self.ctx.store, int(copy.holder_ref), self.meeting_id)
            except MeetkitError:
                return f"#{copy.holder_ref}"
            return f"{person.name}（{person.unit}）" if person.unit else person.name
        return copy.holder_ref or ""

    def _selected_copy(self) -> int | None:
        keys = selected_keys(self.out_table)
        if not keys:
            self.status.setText(self.ctx.tr("Select an outstanding copy first"))
            return None
        return int(keys[0])

    def take_away_selected(self, unit: str, carrier: str, receipt: str) -> distribution.Outcome | None:
        copy_id = self._selected_copy()
        if copy_id is None:
            return None
        code = ledger.get_copy(self.ctx.store, copy_id).code
        outcome = run_action(self, self.ctx, lambda: distribution.take_away(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, code, unit=unit, carrier=carrier, receipt=receipt
        ))
        if outcome is not None:
            self.show_verdict(outcome.text(self.ctx.lang), "ok")
        self.refresh_board()
        return outcome

    def report_lost_selected(self, note: str, reported_to: str, measures: str) -> None:
        copy_id = self._selected_copy()
        if copy_id is None:
            return
        code = ledger.get_copy(self.ctx.store, copy_id).code
        incident = run_action(self, self.ctx, lambda: incidents.report_lost(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, code, note=note, reported_to=reported_to,
            measures=measures,
        ))
        if incident is not None:
            self.show_verdict(self.ctx.tr("Loss reported: incident #{n} opened", n=incident.id), "bad")
        self.refresh_board()

    def close_selected_incident(self, resolution: str) -> None:
        item = self.alerts.currentItem()
        incident_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if incident_id is None:
            self.status.setText(self.ctx.tr("Select an incident first"))
            return
        run_action(self, self.ctx, lambda: incidents.close_incident(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, int(incident_id), resolution
        ))
        self.refresh_board()

    def on_take_away(self) -> None:
        t = self.ctx.tr
        dialog = FieldsDialog(self.ctx, t("Register take-away"), [t("Receiving unit"), t("Carrier"), t("Unit's registration number")], self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        outcome = self.take_away_selected(*dialog.values())
        if outcome is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, t("Save the take-away receipt"), f"receipt-{outcome.copy.code}.pdf", "PDF (*.pdf)")
        if path:
            self.print_receipt(outcome.copy.code, path)

    def print_receipt(self, code: str, path: str) -> None:
        report = run_action(self, self.ctx, lambda: reports.take_away_receipt(self.ctx.store, self.meeting_id, code))
        if report is None:
            return
        head, now, who = audit.head_hash(self.ctx.store), self.ctx.clock.now(), self.ctx.actor.name
        self._start(lambda: reports.render_pdf(report, path, head, now, who), Path(path).name)

    def selected_incident(self) -> incidents.Incident | None:
        item = self.alerts.currentItem()
        incident_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if incident_id is None:
            self.status.setText(self.ctx.tr("Select an incident first"))
            return None
        return incidents.get_incident(self.ctx.store, int(incident_id))

    def record_found(self, note: str) -> ledger.Copy | None:
        """The selected lost copy was found: back in stock; its incident stays open for the director."""
        incident = self.selected_incident()
        if incident is None:
            return None
        if incident.kind != "lost":
            self.status.setText(self.ctx.tr("Select a lost copy's incident"))
            return None
        code = ledger.format_copy_code(self.meeting_id, incident.number)
        copy = run_action(self, self.ctx, lambda: incidents.recover(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, code, note
        ))
        if copy is not None:
            self.show_verdict(self.ctx.tr("Found: {code} is back in stock; the director closes incident #{n}",
                                          code=code, n=incident.id), "ok")
        self.refresh_board()
        return copy

    def on_found(self) -> None:
        if self.selected_incident() is None:
            return
        t = self.ctx.tr
        dialog = FieldsDialog(self.ctx, t("Lost copy found"), [t("Where and how it was found")], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record_found(dialog.values()[0])

    def on_lost(self) -> None:
        t = self.ctx.tr
        dialog = FieldsDialog(self.ctx, t("Report lost"), [t("What happened"), t("Reported to"), t("Remedial measures")], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.report_lost_selected(*dialog.values())

    def on_close_incident(self) -> None:
        t = self.ctx.tr
        dialog = FieldsDialog(self.ctx, t("Close incident"), [t("Resolution")], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.close_selected_incident(dialog.values()[0])

    def on_labels(self) -> None:
        keys = selected_keys(self.docs_table)
        if not keys:
            self.status.setText(self.ctx.tr("Select a document first"))
            return
        path, _ = QFileDialog.getSaveFileName(self, self.ctx.tr("Save labels"), "labels.pdf", "PDF (*.pdf)")
        if path:
            self.print_labels(int(keys[0]), path)

    def on_report(self, kind: str = "reconciliation", batch_id: int | None = None) -> None:
        name = f"{kind}-{batch_id}.pdf" if batch_id else f"{kind}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.ctx.tr("Save report"), name, "PDF (*.pdf);;CSV (*.csv)")
        if path:
            run_action(self, self.ctx, lambda: self.print_report(path, kind, batch_id))


# ---- destruction, notebooks, recordings ----------------------------------------------------

BATCH_STATUS = {"proposed": "Proposed", "approved": "Approved", "destroyed": "Carried out", "cancelled": "Cancelled"}


def _operator_names(ctx: GuiContext, roles: tuple[str, ...] = ()) -> list[str]:
    """Active operators (optionally only those with one of ``roles``, admins included)."""
    from meetkit.operators import list_operators

    names = []
    for row in list_operators(ctx.store):
        held = set(row["roles"])  # type: ignore[arg-type]
        if row["disabled"] or (roles and not held & {*roles, "admin"}):
            continue
        names.append((bool(roles) and not held & set(roles), str(row["name"])))
    return [name for _admin_only, name in sorted(names)]  # holders of the role before admins


def _password_field() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMinimumWidth(220)
    return edit


class PasswordsDialog(QDialog):
    """People confirming in person: each picks their own name and types their own password.
    ``fixed`` rows name the person already (e.g. the outgoing custodian)."""

    def __init__(self, ctx: GuiContext, title: str, intro: str, rows: list[tuple[str, list[str], str | None]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        note = QLabel(intro)
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.names: list[QComboBox] = []
        self.passwords: list[QLineEdit] = []
        for label, choices, fixed in rows:
            name = QComboBox()
            name.addItems(choices)
            if fixed is not None:
                name.setCurrentText(fixed)
                name.setEnabled(False)
            else:
                name.setCurrentIndex(-1)
            password = _password_field()
            password.setPlaceholderText(t("Typed by this person"))
            line = QHBoxLayout()
            line.addWidget(name, 1)
            line.addWidget(password, 1)
            form.addRow(label, line)
            self.names.append(name)
            self.passwords.append(password)
        layout.addLayout(form)
        buttons = ok_cancel(t, "Confirm")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def values(self) -> list[tuple[str, str]]:
        return [(n.currentText(), p.text()) for n, p in zip(self.names, self.passwords)]


class ProposeDialog(QDialog):
    def __init__(self, ctx: GuiContext, ranges: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(t("Propose a destruction batch"))
        form = QFormLayout(self)
        hint = QLabel(ranges)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        form.addRow(hint)
        self.copies = QLineEdit()
        self.copies.setMinimumWidth(360)
        self.copies.setPlaceholderText(t("Copy numbers or codes, e.g. 1-50, 61, CP-1-00070-B"))
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems([t("Shredded (cross-cut)"), t("Pulped"), t("Incinerated"), t("Media degaussed and crushed")])
        self.place = QLineEdit()
        self.place.setPlaceholderText(t("e.g. the secrecy office"))
        self.note = QLineEdit()
        form.addRow(t("Copies"), self.copies)
        form.addRow(t("Method"), self.method)
        form.addRow(t("Place"), self.place)
        form.addRow(t("Note"), self.note)
        buttons = ok_cancel(t, "Propose")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class DestructionTab(QWidget):
    """Destruction batches: propose → director approves → witnesses confirm with their own
    passwords → destruction recorded → certificate printed."""

    def __init__(self, ctx: GuiContext, meeting_id: int, page: DocsPage) -> None:
        super().__init__(page)
        self.ctx, self.meeting_id, self.page = ctx, meeting_id, page
        t = ctx.tr
        intro = QLabel(t(
            "Only copies back in stock can be destroyed. The office director approves each batch; at least two other "
            "operators witness it, each typing their own password."
        ))
        intro.setWordWrap(True)
        self.batches = make_table([
            t("Batch"), t("Status"), t("Copies"), t("Method"), t("Place"), t("Proposed by"), t("Approved by"),
            t("Witnesses"), t("Destroyed at"),
        ])
        self.batches.itemSelectionChanged.connect(self._show_items)
        self.items = make_table([t("Copy code"), t("Document"), t("Document number"), t("Copy"), t("Level")])
        self.items_box = QGroupBox(t("Copies in the batch"))
        QVBoxLayout(self.items_box).addWidget(self.items)
        split = QSplitter(Qt.Orientation.Vertical)
        box = QGroupBox(t("Destruction batches"))
        QVBoxLayout(box).addWidget(self.batches)
        split.addWidget(box)
        split.addWidget(self.items_box)
        buttons = QHBoxLayout()
        self.propose_button = QPushButton(t("Propose batch…"))
        self.approve_button = QPushButton(t("Approve (director)"))
        self.witness_button = QPushButton(t("Witnesses confirm…"))
        self.carry_out_button = QPushButton(t("Record destruction"))
        self.cancel_button = QPushButton(t("Cancel batch"))
        self.certificate_button = QPushButton(t("Print certificate…"))
        self.propose_button.clicked.connect(self.on_propose)
        self.approve_button.clicked.connect(lambda: self._act(destruction.approve))
        self.witness_button.clicked.connect(self.on_witness)
        self.carry_out_button.clicked.connect(lambda: self._act(destruction.carry_out))
        self.cancel_button.clicked.connect(lambda: self._act(destruction.cancel))
        self.certificate_button.clicked.connect(self.on_certificate)
        for b in (self.propose_button, self.approve_button, self.witness_button, self.carry_out_button, self.cancel_button,
                  self.certificate_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.approve_button.setEnabled(ctx.actor.has("director"))
        can_run = ctx.actor.has("secretary", "director")
        for b in (self.propose_button, self.carry_out_button, self.cancel_button):
            b.setEnabled(can_run)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        t = self.ctx.tr
        keep = self.selected_batch()
        self.rows = destruction.list_batches(self.ctx.store, self.meeting_id)
        fill_table(self.batches, [[
            b.id, t(BATCH_STATUS[b.status]), len(b.copies), b.method, b.place, b.proposed_by, b.approved_by or "",
            "、".join(w for w, _ in b.witnesses), local_time(b.carried_out_at),
        ] for b in self.rows], [b.id for b in self.rows])
        if keep is not None:
            self.select_batch(keep)
        self._show_items()

    def select_batch(self, batch_id: int) -> None:
        for r in range(self.batches.rowCount()):
            item = self.batches.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == batch_id:
                self.batches.selectRow(r)
                return

    def selected_batch(self) -> int | None:
        keys = selected_keys(self.batches) if self.batches.selectionModel() else []
        return int(keys[0]) if keys else None

    def _show_items(self) -> None:
        batch_id = self.selected_batch()
        batch = next((b for b in getattr(self, "rows", []) if b.id == batch_id), None)
        copies = batch.copies if batch else ()
        fill_table(self.items, [[c.code, c.title, c.doc_number, c.label, c.level] for c in copies], [c.id for c in copies])
        self.items_box.setTitle(
            self.ctx.tr("Copies in batch {n} ({count})", n=batch.id, count=len(copies)) if batch
            else self.ctx.tr("Copies in the batch")
        )

    def _need_batch(self) -> int | None:
        batch_id = self.selected_batch()
        if batch_id is None:
            QMessageBox.information(self, self.ctx.tr("Destruction"), self.ctx.tr("Select a batch first"))
        return batch_id

    def _act(self, service: Any) -> None:
        batch_id = self._need_batch()
        if batch_id is None:
            return
        run_action(self, self.ctx, lambda: service(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, batch_id))
        self.refresh()

    def ranges_hint(self) -> str:
        """Each document's copy numbers and how many are back in stock, to help fill the form."""
        board = reconcile.reconcile(self.ctx.store, self.meeting_id, with_attendees=False, outstanding_limit=0)
        ranges = documents.number_ranges(self.ctx.store, self.meeting_id)
        lines = []
        for line in board.documents:
            lo, hi = ranges.get(line.document_id, (0, 0))
            lines.append(self.ctx.tr("《{title}》 numbers {lo}–{hi}, {n} in stock", title=line.title, lo=lo, hi=hi, n=line.in_stock))
        return "\n".join(lines[:12]) + ("\n…" if len(lines) > 12 else "")

    def propose(self, copies: str, method: str, place: str, note: str = "") -> destruction.Batch | None:
        batch = run_action(self, self.ctx, lambda: destruction.propose(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, [copies], method=method, place=place, note=note
        ))
        self.refresh()
        if batch is not None:
            self.select_batch(batch.id)
        return batch

    def on_propose(self) -> None:
        dialog = ProposeDialog(self.ctx, self.ranges_hint(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.propose(dialog.copies.text(), dialog.method.currentText(), dialog.place.text(), dialog.note.text())

    def confirm_witnesses(self, batch_id: int, people: list[tuple[str, str]]) -> int:
        """Each (name, password) confirms as a witness; stops at the first refusal. Returns
        how many confirmed."""
        done = 0
        for name, password in people:
            if not name:
                continue
            result = run_action(self, self.ctx, lambda name=name, password=password: destruction.witness(
                self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, batch_id, name, password
            ))
            if result is None:
                break
            done += 1
        self.refresh()
        return done

    def on_witness(self) -> None:
        batch_id = self._need_batch()
        if batch_id is None:
            return
        t = self.ctx.tr
        batch = destruction.get_batch(self.ctx.store, batch_id, self.meeting_id)
        # Neither the approving director nor someone who has already confirmed can witness.
        taken = {batch.approved_by, *(w for w, _ in batch.witnesses)}
        names = [n for n in _operator_names(self.ctx) if n not in taken]
        have = len(batch.witnesses)
        need = max(1, destruction.MIN_WITNESSES - have)
        rows = [(t("Witness {n}", n=have + i + 1), names, None) for i in range(need)]
        dialog = PasswordsDialog(self.ctx, t("Witnesses confirm batch {n}", n=batch_id), t(
            "Each witness chooses their own name and types their own password, in person. "
            "The approving director cannot witness."
        ), rows, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.confirm_witnesses(batch_id, dialog.values())

    def on_certificate(self) -> None:
        batch_id = self._need_batch()
        if batch_id is not None:
            self.page.on_report("destruction", batch_id)


class NotebookDialog(QDialog):
    def __init__(self, ctx: GuiContext, keepers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(t("Register meeting notebooks"))
        form = QFormLayout(self)
        self.title = QLineEdit(t("Meeting notebook"))
        self.title.setMinimumWidth(320)
        self.custodian = QComboBox()
        self.custodian.addItems(keepers)
        if ctx.actor.name in keepers:
            self.custodian.setCurrentText(ctx.actor.name)
        self.password = _password_field()
        self.password.setPlaceholderText(t("Only when the custodian is someone else: typed by them"))
        self.password.setMinimumWidth(400)
        self.years = QComboBox()
        for years in notebooks.RETENTION_YEARS:
            self.years.addItem(t("{n} years", n=years), years)
        self.years.setCurrentIndex(len(notebooks.RETENTION_YEARS) - 1)
        self.count = QSpinBox()
        self.count.setRange(1, 100)
        form.addRow(t("Title"), self.title)
        form.addRow(t("Custodian (secretary)"), self.custodian)
        form.addRow(t("Custodian's password"), self.password)
        form.addRow(t("Kept for"), self.years)
        form.addRow(t("Number of notebooks"), self.count)
        buttons = ok_cancel(t, "Register")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class NotebooksTab(QWidget):
    """The notebook register: kept by a secretary, handed over with both custodians'
    passwords, transferred to the archives when the retention period has run."""

    def __init__(self, ctx: GuiContext, meeting_id: int, page: DocsPage) -> None:
        super().__init__(page)
        self.ctx, self.meeting_id, self.page = ctx, meeting_id, page
        t = ctx.tr
        intro = QLabel(t(
            "Meeting notebooks are kept by a secretary. A custodian change is confirmed by both custodians with their "
            "passwords; after the retention period the notebook goes to the archives."
        ))
        intro.setWordWrap(True)
        self.table = make_table([
            t("Copy code"), t("Title"), t("Level"), t("State"), t("Custodian"), t("Handovers"), t("Kept until"),
            t("Archive receipt"),
        ])
        buttons = QHBoxLayout()
        self.register_button = QPushButton(t("Register notebooks…"))
        self.handover_button = QPushButton(t("Hand over…"))
        self.archive_button = QPushButton(t("Transfer to archives…"))
        self.print_button = QPushButton(t("Print register…"))
        self.register_button.clicked.connect(self.on_register)
        self.handover_button.clicked.connect(self.on_handover)
        self.archive_button.clicked.connect(self.on_archive)
        self.print_button.clicked.connect(lambda: self.page.on_report("notebooks"))
        for b in (self.register_button, self.handover_button, self.archive_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.register_button, self.handover_button, self.archive_button):
            b.setEnabled(ctx.actor.has("secretary"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        t = self.ctx.tr
        now = self.ctx.clock.now()
        lines = notebooks.notebook_register(self.ctx.store, self.meeting_id)
        fill_table(self.table, [[
            line.copy.code, line.copy.title, line.copy.level,
            t("Due for the archives") if line.due(now) else t(NOTEBOOK_STATE.get(line.copy.state, line.copy.state)),
            line.custodian or "", line.handovers, local_time(line.retention_until, "%Y-%m-%d"), line.archived_ref or "",
        ] for line in lines], [line.copy.code for line in lines])

    def _selected(self) -> ledger.Copy | None:
        keys = selected_keys(self.table)
        if not keys:
            QMessageBox.information(self, self.ctx.tr("Meeting notebooks"), self.ctx.tr("Select a notebook first"))
            return None
        return ledger.resolve_copy(self.ctx.store, self.meeting_id, str(keys[0]))

    def register(self, title: str, custodian: str, years: int, count: int = 1, password: str | None = None) -> Any:
        made = run_action(self, self.ctx, lambda: notebooks.register_notebooks(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, title=title, custodian=custodian,
            retention_years=years, count=count, custodian_password=password,
        ))
        self.refresh()
        return made

    def on_register(self) -> None:
        dialog = NotebookDialog(self.ctx, _operator_names(self.ctx, ("secretary",)), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.register(dialog.title.text(), dialog.custodian.currentText(), int(dialog.years.currentData()),
                          dialog.count.value(), dialog.password.text() or None)

    def handover(self, code: str, to: str, from_password: str | None, to_password: str | None) -> Any:
        moved = run_action(self, self.ctx, lambda: notebooks.handover(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, code, to=to, to_password=to_password,
            from_password=from_password,
        ))
        self.refresh()
        return moved

    def on_handover(self) -> None:
        copy = self._selected()
        if copy is None:
            return
        t = self.ctx.tr
        current = copy.holder_ref if copy.state == "issued" else None
        if current is None:
            QMessageBox.information(self, t("Meeting notebooks"), t("This notebook has no custodian"))
            return
        keepers = [n for n in _operator_names(self.ctx, ("secretary",)) if n != current]
        rows = [(t("Handing over"), [current], current), (t("Receiving"), keepers, None)]
        dialog = PasswordsDialog(self.ctx, t("Hand over {code}", code=copy.code), t(
            "Both custodians confirm in person, each with their own password (the operator at the keyboard may leave "
            "theirs empty)."
        ), rows, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        (_, from_password), (to, to_password) = dialog.values()
        if not to:
            return
        self.handover(copy.code, to, from_password or None, to_password or None)

    def archive(self, code: str, archive_ref: str) -> Any:
        done = run_action(self, self.ctx, lambda: notebooks.archive(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, code, archive_ref=archive_ref
        ))
        self.refresh()
        return done

    def on_archive(self) -> None:
        copy = self._selected()
        if copy is None:
            return
        t = self.ctx.tr
        dialog = FieldsDialog(self.ctx, t("Transfer {code} to the archives", code=copy.code), [t("Archive's receipt number")], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.archive(copy.code, dialog.values()[0])


NOTEBOOK_STATE = {"issued": "In custody", "in_stock": "In stock", "lost": "Lost", "destroyed": "Destroyed",
                  "archived": "Archived", "taken_away": "Taken away"}


class RecordingDialog(QDialog):
    def __init__(self, ctx: GuiContext, consents: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = ctx.tr
        self.setWindowTitle(t("Register recording media"))
        form = QFormLayout(self)
        self.consent = QComboBox()
        for c in consents:
            self.consent.addItem(f"#{c.id} {c.speaker}  {c.scope}", c.id)
        self.title = QLineEdit()
        self.title.setMinimumWidth(320)
        self.media = QComboBox()
        self.media.setEditable(True)
        self.media.addItems([t("SD card"), t("CD"), t("Recorder"), t("USB drive")])
        self.copies = QSpinBox()
        self.copies.setRange(1, 100)
        form.addRow(t("Speaker's consent"), self.consent)
        form.addRow(t("Title"), self.title)
        form.addRow(t("Medium"), self.media)
        form.addRow(t("Copies"), self.copies)
        buttons = ok_cancel(t, "Register")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class RecordingsTab(QWidget):
    """Consents first, then the media registered against a consent; the media are then
    issued, taken back, lost or destroyed like any copy (分发/收回 and 销毁 tabs)."""

    def __init__(self, ctx: GuiContext, meeting_id: int, page: DocsPage) -> None:
        super().__init__(page)
        self.ctx, self.meeting_id, self.page = ctx, meeting_id, page
        t = ctx.tr
        intro = QLabel(t(
            "A speech is recorded only with the speaker's consent: record the consent first, then register the media. "
            "The media are then handled like documents (issue, take back, destroy)."
        ))
        intro.setWordWrap(True)
        self.consents = make_table([t("No."), t("Speaker"), t("Scope"), t("Given at"), t("Recorded by")])
        self.media = make_table([t("Copy code"), t("Title"), t("Medium"), t("Speaker"), t("Level"), t("State"), t("Holder")])
        consent_box = QGroupBox(t("Speakers' consents"))
        QVBoxLayout(consent_box).addWidget(self.consents)
        media_box = QGroupBox(t("Recording media"))
        QVBoxLayout(media_box).addWidget(self.media)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(consent_box)
        split.addWidget(media_box)
        split.setSizes([480, 780])
        buttons = QHBoxLayout()
        self.consent_button = QPushButton(t("Record consent…"))
        self.register_button = QPushButton(t("Register recording…"))
        self.labels_button = QPushButton(t("Print labels…"))
        self.consent_button.clicked.connect(self.on_consent)
        self.register_button.clicked.connect(self.on_register)
        self.labels_button.clicked.connect(self.on_labels)
        for b in (self.consent_button, self.register_button, self.labels_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.consent_button, self.register_button):
            b.setEnabled(ctx.actor.has("secretary"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        t = self.ctx.tr
        found = recordings.list_consents(self.ctx.store, self.meeting_id)
        speakers = {c.id: c.speaker for c in found}
        fill_table(self.consents, [[c.id, c.speaker, c.scope, local_time(c.given_at), c.recorded_by] for c in found],
                   [c.id for c in found])
        rows, keys = [], []
        for doc in documents.list_documents(self.ctx.store, self.meeting_id, kind="recording"):
            for c in documents.copies(self.ctx.store, doc.id):
                holder = self.page.holder_text(c)
                rows.append([c.code, f"{doc.title} {c.label}", doc.media, speakers.get(doc.consent_id or 0, ""), c.level,
                             t(NOTEBOOK_STATE.get(c.state, c.state)) if c.state != "issued" else t("Issued"), holder])
                keys.append(doc.id)
        fill_table(self.media, rows, keys)

    def record_consent(self, speaker: str, scope: str) -> Any:
        done = run_action(self, self.ctx, lambda: recordings.record_consent(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, speaker=speaker, scope=scope
        ))
        self.refresh()
        return done

    def on_consent(self) -> None:
        t = self.ctx.tr
        dialog = FieldsDialog(self.ctx, t("Record a speaker's consent"), [t("Speaker"), t("Scope (what may be recorded, for whom)")], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record_consent(*dialog.values())

    def register(self, consent_id: int, title: str, media: str, copies: int = 1) -> Any:
        done = run_action(self, self.ctx, lambda: recordings.register_recording(
            self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, consent_id=consent_id, title=title, media=media,
            copies=copies,
        ))
        self.refresh()
        return done

    def on_register(self) -> None:
        t = self.ctx.tr
        consents = recordings.list_consents(self.ctx.store, self.meeting_id)
        if not consents:
            QMessageBox.information(self, t("Recordings"), t("Record the speaker's consent first"))
            return
        dialog = RecordingDialog(self.ctx, consents, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.register(int(dialog.consent.currentData()), dialog.title.text(), dialog.media.currentText(), dialog.copies.value())

    def on_labels(self) -> None:
        keys = selected_keys(self.media)
        if not keys:
            QMessageBox.information(self, self.ctx.tr("Recordings"), self.ctx.tr("Select a recording first"))
            return
        path, _ = QFileDialog.getSaveFileName(self, self.ctx.tr("Save labels"), "labels.pdf", "PDF (*.pdf)")
        if path:
            self.page.print_labels(int(keys[0]), path)
