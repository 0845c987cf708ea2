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

from PySide6.QtCore import Qt, QThreadPool
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
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from meetkit import audit
from meetkit.attendees import get_attendee
from meetkit.custody import (
    codes,
    distribution,
    documents,
    incidents,
    labels,
    ledger,
    reconcile,
    reports,
)
from meetkit.custody.people import resolve_person
from meetkit.errors import MeetkitError
from meetkit.gui.context import GuiContext
from meetkit.gui.docs_common import MAX_ROWS_SHOWN, STYLE, FieldsDialog, _Job
from meetkit.gui.docs_registers import DestructionTab, NotebooksTab, RecordingsTab
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
        form.addRow(ok_cancel(t, "Register", dialog=self))


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
        self.clear_button = QPushButton(t("Clear"))
        self.clear_button.clicked.connect(self.clear_pending)
        scan_layout.addLayout(modes)
        self.scan = QLineEdit()
        self.scan.setFont(big)
        self.scan.setMinimumHeight(44)
        self.scan.setPlaceholderText(t("Scan a badge or a copy label here"))
        self.scan.returnPressed.connect(self.on_scan_entered)
        scan_layout.addWidget(self.scan)
        # the person and copy slots share the mode row: on a 1366×768 laptop every line the scan
        # box takes is a line the reconciliation board below loses
        self.person_slot = QLabel()
        self.copy_slot = QLabel()
        for slot in (self.person_slot, self.copy_slot):
            slot.setFont(big)
            slot.setFixedHeight(40)
            slot.setStyleSheet("border:1px solid #c8ccd2;border-radius:4px;padding:2px 8px;background:white;")
            modes.addWidget(slot, 1)
        modes.addWidget(self.clear_button)
        self.verdict = QLabel()
        verdict_font = QFont()
        verdict_font.setPointSize(17)
        verdict_font.setBold(True)
        self.verdict.setFont(verdict_font)
        self.verdict.setWordWrap(True)
        self.verdict.setMinimumHeight(52)
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
        # the list takes the height the scan box needs, no more: its own size hint (about 190 px)
        # would push the reconciliation board below into one visible row at 1366×768
        self.alerts.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
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
        # the counts share the button row: a line of their own cost the board a row at 1366×768
        buttons.addSpacing(12)
        buttons.addWidget(self.summary)
        buttons.addStretch(1)
        self.status = QLabel()
        buttons.addWidget(self.status)
        buttons.addWidget(self.refresh_button)

        self.tabs = QTabWidget()
        self.distribution_tab = QWidget()
        layout = QVBoxLayout(self.distribution_tab)
        layout.addLayout(top, 0)
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

