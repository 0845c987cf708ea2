"""The station's findings table: filled live, filterable by kind and status, one row per finding."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetkit.gui import sweep_backend as backend
from meetkit.gui.sweep_plot import STATUS_COLOUR
from meetkit.gui.widgets import make_table
from meetkit.i18n import Translator

KIND_LABEL = {
    "wireless_mic": "Wireless microphone",
    "cellular_uplink": "Phone uplink",
    "walkie_talkie": "Walkie-talkie",
    "ism_device": "Short-range device / remote",
    "fm_transmitter": "FM transmitter (possible bug)",
    "broadcast": "Broadcast",
    "cellular_downlink": "Base station downlink",
    "unknown": "Unknown",
}



class ReviewButtons(QWidget):
    """The three review buttons of a suspect finding, for the station and the meeting's tab:
    ``marked`` carries the state (friendly, resolved or declared) of the button pressed."""

    marked = Signal(str)

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.friendly = QPushButton(tr("Mark friendly"))
        self.resolved = QPushButton(tr("Resolved (with a note)…"))
        self.declared = QPushButton(tr("Declared"))
        self.friendly.clicked.connect(self._friendly)
        self.resolved.clicked.connect(self._resolved)
        self.declared.clicked.connect(self._declared)
        for b in (self.friendly, self.resolved, self.declared):
            row.addWidget(b)

    def set_markable(self, markable: bool, why: str = "") -> None:
        for b in (self.friendly, self.resolved, self.declared):
            b.setEnabled(markable)
            b.setToolTip(why)

    # slots are methods, not lambdas: no reference cycles for the collector to break at random
    def _friendly(self) -> None:
        self.marked.emit("friendly")

    def _resolved(self) -> None:
        self.marked.emit("resolved")

    def _declared(self) -> None:
        self.marked.emit("declared")

def kind_label(kind: str, status: str, reasons: list[dict[str, str]] | None = None) -> str:
    """English label of a finding's kind; a tuner artifact says what it is (a crystal harmonic is not a radio)."""
    if status == "artifact":
        why = " ".join(str(r.get("en", "")) for r in (reasons or [])[:1])
        if "crystal" in why:
            return "Crystal harmonic"
        if "DC leak" in why:
            return "DC residue"
        return "Moves with the tuning"
    return KIND_LABEL.get(kind, "Unknown")


STATUS_LABEL = {
    "new": "New",
    "stronger": "Stronger",
    "ambient": "Ambient",
    "friendly": "Friendly",
    "artifact": "Tuner artifact",
    "resolved": "Resolved",
    "declared": "Declared",
}
SUSPECTS = "suspects"


def fmt_bw(bw_hz: float) -> str:
    return f"{bw_hz / 1e6:.2f} MHz" if bw_hz >= 1e6 else f"{bw_hz / 1e3:.1f} kHz"


class NumberItem(QTableWidgetItem):
    """Sorts by the number in UserRole+1, shows formatted text."""

    def __init__(self, text: str, value: float) -> None:
        super().__init__(text)
        self.setData(Qt.ItemDataRole.UserRole + 1, float(value))
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a = self.data(Qt.ItemDataRole.UserRole + 1)
        b = other.data(Qt.ItemDataRole.UserRole + 1)
        if a is None or b is None:
            return super().__lt__(other)
        return float(a) < float(b)


class FindingsPanel(QWidget):
    finding_selected = Signal(object)  # the finding dict

    COLUMNS = ("Frequency (MHz)", "Status", "Kind", "Bandwidth", "Peak (dBFS)", "SNR (dB)", "Occupancy",
               "Confidence", "Mean (dBFS)", "Band", "Passes seen")
    STATUS_COLUMN = 1
    KIND_COLUMN = 2

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr = tr
        self.findings: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.title = QLabel(tr("Findings"))
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(QLabel(tr("Kind")))
        self.kind_filter = QComboBox()
        self.kind_filter.addItem(tr("All kinds"), "")
        for kind in backend.KINDS:
            self.kind_filter.addItem(tr(KIND_LABEL[kind]), kind)
        bar.addWidget(self.kind_filter)
        bar.addWidget(QLabel(tr("Status")))
        self.status_filter = QComboBox()
        self.status_filter.addItem(tr("All statuses"), "")
        self.status_filter.addItem(tr("Suspects (new or stronger)"), SUSPECTS)
        for status in ("new", "stronger", "ambient", "friendly", "artifact", "resolved", "declared"):
            self.status_filter.addItem(tr(STATUS_LABEL[status]), status)
        bar.addWidget(self.status_filter)
        for combo in (self.kind_filter, self.status_filter):
            # the filters may shrink: the title's counts grow while sweeping and must not widen
            # the window past a 1366-pixel screen (long English names are elided, the list shows them whole)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(9)
        layout.addLayout(bar)
        self.table: QTableWidget = make_table([tr(c) for c in self.COLUMNS])
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        layout.addWidget(self.table, 1)
        self.kind_filter.currentIndexChanged.connect(self._refill)
        self.status_filter.currentIndexChanged.connect(self._refill)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._filling = False

    @staticmethod
    def status_of(f: dict[str, Any]) -> str:
        """The review state once the technician set one (friendly, resolved, declared), else the
        analysis status (new, stronger, ambient, friendly, artifact)."""
        state = f.get("state")
        if state in ("friendly", "resolved", "declared"):
            return str(state)
        return str(f.get("status", ""))

    def set_findings(self, findings: list[dict[str, Any]]) -> None:
        self.findings = findings
        self._refill()

    def visible(self) -> list[dict[str, Any]]:
        kind = self.kind_filter.currentData()
        status = self.status_filter.currentData()
        out = []
        for f in self.findings:
            st = self.status_of(f)
            if kind and f.get("kind") != kind:
                continue
            if status == SUSPECTS and st not in backend.SUSPECT:
                continue
            if status and status != SUSPECTS and st != status:
                continue
            out.append(f)
        return out

    def _refill(self) -> None:
        tr = self.tr
        selected = self.selected()
        self._filling = True
        table = self.table
        table.setSortingEnabled(False)
        rows = self.visible()
        index_of = {id(f): i for i, f in enumerate(self.findings)}
        table.setRowCount(len(rows))
        reselect = -1
        for r, f in enumerate(rows):
            st = self.status_of(f)
            colour = QColor(STATUS_COLOUR.get(st, "#444444"))
            first = NumberItem(f"{f['freq_hz'] / 1e6:.4f}", f["freq_hz"])
            first.setData(Qt.ItemDataRole.UserRole, index_of[id(f)])  # Qt would hand back a copy of a dict
            status_cell = QTableWidgetItem(tr(STATUS_LABEL.get(st, st)))
            cells = [
                first,
                status_cell,
                QTableWidgetItem(tr(kind_label(str(f.get("kind")), str(f.get("status")), f.get("reasons")))),
                NumberItem(fmt_bw(float(f["bandwidth_hz"])), f["bandwidth_hz"]),
                NumberItem(f"{f['peak_dbfs']:.1f}", f["peak_dbfs"]),
                NumberItem(f"{f['snr_db']:.1f}", f["snr_db"]),
                NumberItem(f"{float(f['occupancy']) * 100:.0f}%", f["occupancy"]),
                NumberItem(f"{float(f.get('confidence', 0)) * 100:.0f}%", f.get("confidence", 0)),
                NumberItem(f"{f['mean_dbfs']:.1f}", f["mean_dbfs"]),
                QTableWidgetItem(backend.band_label(f, tr.lang)),
                NumberItem(str(f.get("passes_seen", "")), float(f.get("passes_seen") or 0)),
            ]
            status_cell.setForeground(QBrush(colour.darker(130) if st in ("ambient", "artifact") else colour.darker(115)))
            if st in backend.SUSPECT:
                font = status_cell.font()
                font.setBold(True)
                status_cell.setFont(font)
            reasons = "\n".join(r["zh"] if tr.lang == "zh" else r["en"] for r in f.get("reasons", []))
            for c, item in enumerate(cells):
                if reasons:
                    item.setToolTip(reasons)
                table.setItem(r, c, item)
            if selected is not None and abs(float(f["freq_hz"]) - float(selected["freq_hz"])) <= max(float(selected["bandwidth_hz"]), 5e3):
                reselect = r
        table.setSortingEnabled(True)
        if reselect >= 0:
            table.selectRow(reselect)
        self._filling = False
        n_suspect = sum(1 for f in self.findings if self.status_of(f) in backend.SUSPECT)
        self.title.setText(tr("Findings: {n} ({s} suspect)", n=len(self.findings), s=n_suspect))

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        index = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return self.findings[int(index)] if index is not None and 0 <= int(index) < len(self.findings) else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _selection_changed(self) -> None:
        if self._filling:
            return
        f = self.selected()
        if f is not None:
            self.finding_selected.emit(f)
