"""The sweep station's form: which source, what to sweep, baseline and output folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from meetkit.errors import MeetkitError
from meetkit.gui import sweep_backend as backend
from meetkit.gui.context import GuiContext
from meetkit.gui.sweep_worker import SweepRequest, scenario_names

CUSTOM_SPAN = "__span__"
SOURCE_KINDS = (
    ("simulator", "Simulator (no dongle)"),
    ("rtltcp", "rtl_tcp server"),
    ("rtlsdr", "USB dongle"),
    ("recording", "Recording file"),
)


def _browse_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    w = QWidget()
    row = QHBoxLayout(w)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return w


class SweepForm(QWidget):
    plan_span = Signal(float, float)  # lo_hz, hi_hz of the planned sweep, when the choice changes

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        t = ctx.tr
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        src = QGroupBox(t("Source"))
        sf = QFormLayout(src)
        self.source_kind = QComboBox()
        for key, label in SOURCE_KINDS:
            self.source_kind.addItem(t(label), key)
        self.source_kind.currentIndexChanged.connect(self._source_kind_changed)
        sf.addRow(t("Kind"), self.source_kind)
        self.source_stack = QStackedWidget()
        self.scenario = QComboBox()
        for name in scenario_names():
            self.scenario.addItem(name, name)
        idx = self.scenario.findData("mic-phone-radio")
        self.scenario.setCurrentIndex(max(idx, 0))
        self.rtltcp_addr = QLineEdit("127.0.0.1:1234")
        self.rtltcp_addr.setPlaceholderText(t("host:port"))
        self.device_index = QSpinBox()
        self.device_index.setRange(0, 15)
        self.recording_path = QLineEdit()
        self.recording_path.setPlaceholderText(t("SigMF, .cu8 or .cfile recording"))
        rec_browse = QPushButton(t("Browse…"))
        rec_browse.clicked.connect(self._browse_recording)
        for w in (self.scenario, self.rtltcp_addr, self.device_index, _browse_row(self.recording_path, rec_browse)):
            self.source_stack.addWidget(w)
        self.source_label = QLabel(t("Scenario"))
        sf.addRow(self.source_label, self.source_stack)
        self.outside = QCheckBox(t("Simulate outside the room (for a baseline)"))
        sf.addRow(self.outside)
        col.addWidget(src)

        plan = QGroupBox(t("What to sweep"))
        pf = QFormLayout(plan)
        self.profile = QComboBox()
        for name, title, title_zh in backend.profile_choices():
            self.profile.addItem(f"{title_zh if self.ctx.lang == 'zh' else title} ({name})", name)
        self.profile.addItem(t("Custom span"), CUSTOM_SPAN)
        self.profile.currentIndexChanged.connect(self._profile_changed)
        pf.addRow(t("Band profile"), self.profile)
        self.start_mhz = QDoubleSpinBox()
        self.stop_mhz = QDoubleSpinBox()
        for box, value in ((self.start_mhz, 400.0), (self.stop_mhz, 440.0)):
            box.setRange(24.0, 1766.0)
            box.setDecimals(3)
            box.setValue(value)
            box.editingFinished.connect(self._profile_changed)
        span = QWidget()
        sl = QHBoxLayout(span)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.start_mhz)
        sl.addWidget(QLabel("–"))
        sl.addWidget(self.stop_mhz)
        sl.addWidget(QLabel("MHz"))
        pf.addRow(t("Span"), span)
        self.passes = QSpinBox()
        self.passes.setRange(1, 100)
        self.passes.setValue(3)
        pf.addRow(t("Passes"), self.passes)
        self.baseline_dir = QLineEdit()
        self.baseline_dir.setPlaceholderText(t("optional: a previous sweep's folder"))
        base_browse = QPushButton(t("Browse…"))
        base_browse.clicked.connect(self._browse_baseline)
        pf.addRow(t("Baseline"), _browse_row(self.baseline_dir, base_browse))
        self.out_dir = QLineEdit(str(Path.home() / "meetkit-sweeps" / self.ctx.clock.now().strftime("%Y%m%d-%H%M%S")))
        out_browse = QPushButton(t("Browse…"))
        out_browse.clicked.connect(self._browse_out)
        pf.addRow(t("Output folder"), _browse_row(self.out_dir, out_browse))
        self.plan_info = QLabel()
        self.plan_info.setWordWrap(True)
        self.plan_info.setStyleSheet("color: #555;")
        # two lines always fit: on a 768-px-high screen the form is squeezed and a wrapped note overlapped itself
        self.plan_info.setMinimumHeight(2 * self.plan_info.fontMetrics().lineSpacing() + 4)
        pf.addRow(self.plan_info)
        col.addWidget(plan)

        self._source_kind_changed()

    def _source_kind_changed(self) -> None:
        t = self.ctx.tr
        i = self.source_kind.currentIndex()
        self.source_stack.setCurrentIndex(i)
        self.outside.setVisible(self.source_kind.currentData() == "simulator")
        self.source_label.setText(t(("Scenario", "Address", "Device", "File")[i]))
        self._profile_changed()

    def refresh_plan(self) -> None:
        """Say how long the chosen plan takes and emit its span."""
        self._profile_changed()

    def _profile_changed(self) -> None:
        recording = self.source_kind.currentData() == "recording"
        custom = self.profile.currentData() == CUSTOM_SPAN
        self.profile.setEnabled(not recording)
        self.passes.setEnabled(not recording)
        self.start_mhz.setEnabled(custom and not recording)
        self.stop_mhz.setEnabled(custom and not recording)
        if recording:
            self.plan_info.setText(self.ctx.tr("A recording is replayed as it was captured: its own band, once."))
            return
        try:
            plan = backend.make_plan(None if custom else self.profile.currentData(),
                                     (self.start_mhz.value() * 1e6, self.stop_mhz.value() * 1e6), 1)
            self.plan_info.setText(self.ctx.tr("{hops} hops, about {s:.1f} s per pass on a dongle",
                                               hops=len(plan.hops), s=plan.hardware_time_s()))
            self.plan_span.emit(float(plan.start_hz), float(plan.stop_hz))
        except MeetkitError as err:
            self.plan_info.setText(err.text(self.ctx.lang))

    # slots are methods, not lambdas holding ``self``: no reference cycles for the collector to
    # break at an arbitrary moment (PySide then deletes widgets from inside other Qt calls)
    def _browse_baseline(self) -> None:
        self._browse_dir(self.baseline_dir)

    def _browse_out(self) -> None:
        self._browse_dir(self.out_dir)

    def _browse_dir(self, edit: QLineEdit) -> None:
        path = QFileDialog.getExistingDirectory(self, self.ctx.tr("Choose a folder"), edit.text() or str(Path.home()))
        if path:
            edit.setText(path)

    def _browse_recording(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.ctx.tr("Choose a recording"), str(Path.home()),
                                              "IQ (*.sigmf-meta *.sigmf-data *.cu8 *.bin *.cfile)")
        if path:
            self.recording_path.setText(path)

    def request(self, *, level: str = "内部", head_hash: str | None = None) -> SweepRequest:
        kind = str(self.source_kind.currentData())
        arg = {
            "simulator": self.scenario.currentData() or "",
            "rtltcp": self.rtltcp_addr.text().strip(),
            "rtlsdr": str(self.device_index.value()),
            "recording": self.recording_path.text().strip(),
        }[kind]
        profile = self.profile.currentData()
        return SweepRequest(
            source_kind=kind,
            source_arg=str(arg),
            profile=None if profile == CUSTOM_SPAN else str(profile),
            span_hz=(self.start_mhz.value() * 1e6, self.stop_mhz.value() * 1e6) if profile == CUSTOM_SPAN else None,
            passes=self.passes.value(),
            baseline_dir=Path(self.baseline_dir.text().strip()) if self.baseline_dir.text().strip() else None,
            out_dir=Path(self.out_dir.text().strip()) if self.out_dir.text().strip() else None,
            simulator_outside=kind == "simulator" and self.outside.isChecked(),
            level=level,
            head_hash=head_hash,
        )
