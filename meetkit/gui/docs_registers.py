"""The registers of the controlled-documents page: destruction batches (director and two
witnesses), meeting notebooks and recordings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from meetkit.custody import (
    destruction,
    documents,
    ledger,
    notebooks,
    reconcile,
    recordings,
)
from meetkit.gui.context import GuiContext
from meetkit.gui.docs_common import FieldsDialog
from meetkit.gui.widgets import (
    fill_table,
    local_time,
    make_table,
    ok_cancel,
    run_action,
    selected_keys,
)

if TYPE_CHECKING:
    from meetkit.gui.docs_page import DocsPage


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
        layout.addWidget(ok_cancel(t, "Confirm", dialog=self))
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
        form.addRow(ok_cancel(t, "Propose", dialog=self))


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
        form.addRow(ok_cancel(t, "Register", dialog=self))


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
        form.addRow(ok_cancel(t, "Register", dialog=self))


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
