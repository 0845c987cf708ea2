"""The meeting page's "RF sweeps" tab: the sweeps attached to the meeting, the findings of the
selected one with their review states, marking suspects, and the meeting's sweep report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from meetkit.gui.context import GuiContext
from meetkit.gui.sweep_findings import STATUS_LABEL, NumberItem, ReviewButtons, fmt_bw, kind_label
from meetkit.gui.widgets import (
    fill_table,
    local_time,
    make_table,
    run_action,
    selected_keys,
)

STATE_LABEL = {"suspect": "Suspect", "friendly": "Friendly", "resolved": "Resolved", "declared": "Declared"}


class SweepTab(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        t = ctx.tr
        layout = QVBoxLayout(self)
        self.gate = QLabel()
        self.gate.setWordWrap(True)
        self.gate.setStyleSheet("font-size: 15px; font-weight: bold; padding: 6px;")
        layout.addWidget(self.gate)
        split = QSplitter(Qt.Orientation.Vertical)
        self.sweeps = make_table([t("No."), t("Started"), t("Source"), t("Band profile"), t("Passes"), t("Room"),
                                  t("Attached by"), t("Attached at")])
        self.sweeps.itemSelectionChanged.connect(self._show_findings)
        split.addWidget(self.sweeps)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        self.findings = make_table([t("Frequency (MHz)"), t("Status"), t("Review"), t("Kind"), t("Bandwidth"),
                                    t("Peak (dBFS)"), t("Note")])
        self.findings.itemSelectionChanged.connect(self._update_buttons)
        ll.addWidget(self.findings, 1)
        bar = QHBoxLayout()
        self.review = ReviewButtons(t)
        self.review.marked.connect(self._mark)
        bar.addWidget(self.review)
        bar.addStretch(1)
        self.report_button = QPushButton(t("Open report"))
        self.report_button.clicked.connect(self._open_report)
        bar.addWidget(self.report_button)
        ll.addLayout(bar)
        split.addWidget(lower)
        split.setSizes([180, 420])
        layout.addWidget(split, 1)
        self._stored: dict[int, Any] = {}
        self.refresh()

    def refresh(self) -> None:
        from meetkit.sweep import attach

        t = self.ctx.tr
        store = self.ctx.store
        rows = attach.sweeps(store, self.meeting_id)
        fill_table(self.sweeps, [[int(r["id"]), local_time(r.get("started")), r["source"], r.get("profile") or "",
                                  int(r.get("passes") or 0), r.get("room_name") or "", r["attached_by"],
                                  local_time(r["attached_at"])] for r in rows], keys=[int(r["id"]) for r in rows])
        status = attach.gate_status(store, self.meeting_id)
        if status is None:
            self.gate.setText(t("No sweep is attached to this meeting yet."))
            self.gate.setStyleSheet("font-size: 15px; font-weight: bold; padding: 6px; color: #555;")
        else:
            self.gate.setText(("✔ " if status.ok else "✖ ") + (status.summary_zh if self.ctx.lang == "zh" else status.summary_en))
            colour = "#1b5e20" if status.ok else "#b00020"
            self.gate.setStyleSheet(f"font-size: 15px; font-weight: bold; padding: 6px; color: {colour};")
        if rows and not selected_keys(self.sweeps):
            self.sweeps.selectRow(self.sweeps.rowCount() - 1)
        self._show_findings()

    def sweep_id(self) -> int | None:
        keys = selected_keys(self.sweeps)
        return int(keys[0]) if keys else None

    def _show_findings(self) -> None:
        from meetkit.sweep import attach

        t = self.ctx.tr
        sweep_id = self.sweep_id()
        items = attach.findings(self.ctx.store, sweep_id) if sweep_id is not None else []
        self._stored = {f.id: f for f in items}
        fill_table(self.findings, [[f"{f.freq_hz / 1e6:.4f}", t(STATUS_LABEL.get(f.status, f.status)),
                                    t(STATE_LABEL[f.state]) if f.state else "", t(kind_label(f.kind, f.status, f.data.get("reasons"))),
                                    fmt_bw(f.bandwidth_hz), f"{float(f.data.get('peak_dbfs', 0.0)):.1f}", f.note]
                                   for f in items], keys=[f.id for f in items])
        self._numeric_columns(items)
        self._update_buttons()

    def _numeric_columns(self, items: list[Any]) -> None:
        """Frequency, bandwidth and peak sort as numbers (as text, 1728 MHz came before 201 MHz)."""
        table = self.findings
        table.setSortingEnabled(False)
        by_id = {f.id: f for f in items}
        for r in range(table.rowCount()):
            first = table.item(r, 0)
            f = by_id[first.data(Qt.ItemDataRole.UserRole)]
            freq = NumberItem(first.text(), f.freq_hz)
            freq.setData(Qt.ItemDataRole.UserRole, f.id)
            table.setItem(r, 0, freq)
            table.setItem(r, 4, NumberItem(table.item(r, 4).text(), f.bandwidth_hz))
            table.setItem(r, 5, NumberItem(table.item(r, 5).text(), float(f.data.get("peak_dbfs", 0.0))))
        table.setSortingEnabled(True)

    def _update_buttons(self) -> None:
        keys = selected_keys(self.findings)
        f = self._stored.get(int(keys[0])) if keys else None
        self.review.set_markable(f is not None and f.state is not None)
        self.report_button.setEnabled(self.sweep_id() is not None)

    def _mark(self, state: str) -> None:
        from meetkit.sweep import attach

        keys = selected_keys(self.findings)
        if not keys:
            return
        t = self.ctx.tr
        note = ""
        if state == "resolved":
            note, ok = QInputDialog.getText(self, t("Resolved"), t("What was found and removed?"))
            if not ok or not note.strip():
                return
        ctx = self.ctx
        if run_action(self, ctx, lambda: attach.mark_finding(ctx.store, ctx.clock, ctx.actor, int(keys[0]), state, note)):
            self.refresh()

    def _open_report(self) -> None:
        from meetkit.sweep import attach

        sweep_id = self.sweep_id()
        if sweep_id is None:
            return
        ctx = self.ctx
        row = next((r for r in attach.sweeps(ctx.store, self.meeting_id) if int(r["id"]) == sweep_id), None)
        if row is None:
            return
        target = Path(str(row["out_dir"])) / f"report-meeting-{self.meeting_id}-sweep-{sweep_id}.pdf"
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            pdf = run_action(self, ctx, lambda: attach.write_meeting_report(ctx.store, ctx.clock, ctx.actor, sweep_id, target))
        finally:
            self.unsetCursor()
        if pdf is not None:
            self.opened_report = Path(pdf)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))
