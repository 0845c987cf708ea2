"""The badges tab: the issue register (who has a badge, printed or not, revoked), a preview
of the selected badge, issue, reissue with a reason, and printing to PDF off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from meetkit.attendees import list_attendees
from meetkit.badges import issue
from meetkit.badges.issue import format_serial
from meetkit.badges.printing import PrintJob, finish_print, prepare_print, render_job
from meetkit.badges.render import BadgeRenderer, badge_data
from meetkit.errors import MeetkitError
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import fill_table as fill_quickly
from meetkit.gui.widgets import (
    local_time,
    make_table,
    run_action,
    selected_keys,
)
from meetkit.meetings import get_meeting


class _Signals(QObject):
    progress = Signal(int)
    done = Signal(object)
    failed = Signal(str)


class PrintTask(QRunnable):
    """Draws the badge PDF in a pool thread (the store is not touched there)."""

    def __init__(self, job: PrintJob, out: str, lang: str) -> None:
        super().__init__()
        self.job = job
        self.out = out
        self.lang = lang
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = render_job(self.job, self.out, progress=self.signals.progress.emit)
        except MeetkitError as err:
            self.signals.failed.emit(err.text(self.lang))
        except Exception as err:  # noqa: BLE001  a full disk or an unwritable folder must not kill the window
            self.signals.failed.emit(str(err))
        else:
            self.signals.done.emit(result)


def pil_to_pixmap(image: Any) -> QPixmap:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    qimage = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(qimage)


class BadgePage(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.pool = QThreadPool.globalInstance()
        self.task: PrintTask | None = None
        self.renderer = BadgeRenderer(dpi=120)
        t = ctx.tr
        layout = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.issue_button = QPushButton(t("Issue badges to all approved"))
        self.issue_button.clicked.connect(self._issue_all)
        self.reissue_button = QPushButton(t("Reissue…"))
        self.reissue_button.clicked.connect(self._reissue)
        self.layout_choice = QComboBox()
        self.layout_choice.addItem(t("A4, 8 per sheet, cut marks"), "a4-8up")
        self.layout_choice.addItem(t("CR80 cards"), "cr80")
        self.print_all = QPushButton(t("Print all…"))
        self.print_all.clicked.connect(lambda: self._print(None))
        self.print_selected = QPushButton(t("Print selected…"))
        self.print_selected.clicked.connect(lambda: self._print(self._selected_attendees()))
        for w in (self.issue_button, self.reissue_button):
            actions.addWidget(w)
        actions.addStretch(1)
        for w in (self.layout_choice, self.print_selected, self.print_all):
            actions.addWidget(w)
        layout.addLayout(actions)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = make_table([t("Serial"), t("Name"), t("Unit"), t("Seat"), t("Badge"), t("Print history"), t("Badge issued")])
        self.table.itemSelectionChanged.connect(self._preview)
        split.addWidget(self.table)
        right = QWidget()
        r = QVBoxLayout(right)
        self.preview = QLabel(t("Select a badge to preview it"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(430, 272)
        self.preview.setStyleSheet("background: #eceff1; border: 1px solid #b0bec5;")
        r.addWidget(self.preview)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        r.addWidget(self.detail)
        r.addStretch(1)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([780, 460])
        layout.addWidget(split, 1)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.refresh()

    # ---- data ---------------------------------------------------------------------------
    def refresh(self) -> None:
        t = self.ctx.tr
        people = {a.id: a for a in list_attendees(self.ctx.store, self.meeting_id)}
        rows, keys = [], []
        badges = issue.list_badges(self.ctx.store, self.meeting_id)
        badged = set()
        for b in badges:
            a = people.get(b.attendee_id)
            state = t("Valid") if b.active else t("Revoked: {reason}", reason=issue.revoke_reason(b.revoke_reason, self.ctx.lang))
            if b.active and a is not None and a.status != "approved":
                state = t("Valid, holder not approved: refused")
            printed = t("{n} times", n=b.print_count) if b.print_count else t("Not printed")
            rows.append([b.serial_text, a.name if a else b.attendee_id, a.unit if a else "", a.seat if a else "", state, printed,
                         local_time(b.issued_at, "%m-%d %H:%M")])
            keys.append(("badge", b.id))
            if b.active:
                badged.add(b.attendee_id)
        waiting = [a for a in people.values() if a.status == "approved" and a.id not in badged]
        for a in waiting:
            note = t("No pledge yet") if not a.pledged_at else t("Not issued")
            rows.append(["—", a.name, a.unit, a.seat, note, "", ""])
            keys.append(("attendee", a.id))
        fill_quickly(self.table, rows, keys)
        active = sum(1 for b in badges if b.active)
        self.summary.setText(
            t("{active} valid badges, {waiting} approved attendees without one, {revoked} revoked",
              active=active, waiting=len(waiting), revoked=len(badges) - active)
        )

    def _selected_badges(self) -> list[int]:
        return [k[1] for k in selected_keys(self.table) if k and k[0] == "badge"]

    def _selected_attendees(self) -> list[int]:
        ids = []
        for badge_id in self._selected_badges():
            b = issue.get_badge(self.ctx.store, badge_id)
            if b.active:
                ids.append(b.attendee_id)
        return ids

    def _preview(self) -> None:
        ids = self._selected_badges()
        if not ids:
            return
        badge = issue.get_badge(self.ctx.store, ids[0])
        meeting = get_meeting(self.ctx.store, self.meeting_id)
        image = self.renderer.render(badge_data(self.ctx.store, meeting, badge))
        self.preview.setPixmap(pil_to_pixmap(image).scaled(self.preview.width() - 4, self.preview.height() - 4,
                                                           Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        t = self.ctx.tr
        lines = [t("Valid {start} to {end}", start=local_time(badge.not_before.isoformat()), end=local_time(badge.not_after.isoformat()))]
        if badge.replaces_serial:
            lines.append(t("Replaces {serial} ({reason})", serial=format_serial(badge.meeting_id, badge.replaces_serial), reason=badge.reissue_reason))
        if not badge.active:
            lines.append(t("Revoked: {reason}", reason=issue.revoke_reason(badge.revoke_reason, self.ctx.lang)))
        self.detail.setText("\n".join(lines))

    # ---- actions ------------------------------------------------------------------------
    def _issue_all(self) -> None:
        made = run_action(self, self.ctx, lambda: issue.issue_badges(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id))
        if made is not None:
            QMessageBox.information(self, self.ctx.tr("Badges"), self.ctx.tr("{n} badges issued", n=len(made)))
            self.refresh()

    def _reissue(self) -> None:
        t = self.ctx.tr
        ids = self._selected_attendees()
        if len(ids) != 1:
            QMessageBox.warning(self, t("Badges"), t("Select one valid badge to reissue"))
            return
        reason, ok = QInputDialog.getText(self, t("Reissue badge"), t("Reason (lost, damaged, …)"))
        if not ok:
            return
        made = run_action(self, self.ctx, lambda: issue.reissue(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, ids[0], reason))
        if made is not None:
            self.refresh()

    def _print(self, attendee_ids: list[int] | None, out: str | None = None) -> PrintTask | None:
        t = self.ctx.tr
        if attendee_ids is not None and not attendee_ids:
            QMessageBox.warning(self, t("Badges"), t("Select the badges to print"))
            return None
        layout = str(self.layout_choice.currentData())
        job = run_action(self, self.ctx, lambda: prepare_print(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, layout, attendee_ids))
        if job is None:
            return None
        if out is None:
            out, _ = QFileDialog.getSaveFileName(self, t("Print badges"), "badges.pdf", "PDF (*.pdf)")
            if not out:
                return None
        self.progress.setRange(0, len(job.badges))
        self.progress.setValue(0)
        self.progress.show()
        for b in (self.print_all, self.print_selected):
            b.setEnabled(False)
        task = PrintTask(job, out, self.ctx.lang)
        task.signals.progress.connect(self.progress.setValue)
        task.signals.done.connect(lambda result: self._printed(job, result))
        task.signals.failed.connect(self._print_failed)
        self.task = task
        self.pool.start(task)
        return task

    def _printed(self, job: PrintJob, result: Any) -> None:
        self._print_finished()
        counts = run_action(self, self.ctx, lambda: finish_print(self.ctx.store, self.ctx.clock, self.ctx.actor, job))
        self.refresh()
        if counts is not None:
            self.summary.setText(
                self.ctx.tr("Printed {n} badges on {pages} pages to {path} ({first} first prints, {reprint} reprints)",
                            n=result.badges, pages=result.pages, path=str(result.path), first=counts["first"], reprint=counts["reprint"])
            )

    def _print_failed(self, text: str) -> None:
        self._print_finished()
        QMessageBox.warning(self, self.ctx.tr("Error"), text)

    def _print_finished(self) -> None:
        self.progress.hide()
        for b in (self.print_all, self.print_selected):
            b.setEnabled(True)
