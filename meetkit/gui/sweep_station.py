"""The RF sweep station: choose a source and a band profile, sweep, watch the spectrum and the
findings fill in live, walk the room with the level meter, mark and attach the findings.

Acquisition and analysis run on a :class:`SweepJob` thread; this window only pulls the newest
trace and findings on a timer (``REFRESH_MS``) and paints them, dropping what it missed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from meetkit.errors import ErrorCode, MeetkitError
from meetkit.gui import sweep_backend as backend
from meetkit.gui.context import GuiContext
from meetkit.gui.sweep_findings import FindingsPanel, ReviewButtons, kind_label
from meetkit.gui.sweep_form import SweepForm
from meetkit.gui.sweep_meter import LevelMeterPanel
from meetkit.gui.sweep_plot import SpectrumView
from meetkit.gui.sweep_worker import (
    LevelMeter,
    SimulatorHandle,
    SweepJob,
    SweepOutcome,
    SweepRequest,
)
from meetkit.gui.widgets import run_action

log = logging.getLogger(__name__)

REFRESH_MS = 125  # 8 Hz: the display pulls the newest trace, never one repaint per block
STATE_LABEL = {
    "idle": "Ready",
    "starting": "Starting…",
    "sweeping": "Sweeping",
    "analysing": "Analysing and writing the report…",
    "done": "Sweep complete",
    "stopped": "Stopped; partial results kept",
    "failed": "Sweep failed; partial results kept",
}

ERROR_STYLE = "background: #b00020; color: white; font-size: 14px; padding: 8px; border-radius: 4px;"
WARNING_STYLE = "background: #ffd60a; color: black; font-size: 14px; padding: 8px; border-radius: 4px;"

class SweepStationWindow(QMainWindow):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: SweepJob | None = None
        self.simulator: SimulatorHandle | None = None
        self.meter: LevelMeter | None = None
        self.last_outcome: SweepOutcome | None = None
        self._shown_trace: Any = None
        self._shown_findings = -1
        self._meter_spec: str | None = None
        self._baseline_shown = False
        self._sweeping = False
        self.attached: Any = None  # AttachedSweep once the last sweep is attached to a meeting
        self.opened_report: Path | None = None
        t = ctx.tr
        # a top-level window the main window opens without a parent: Qt frees it when it closes
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(t("RF sweep station"))
        self.resize(1560, 1000)
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        t = self.ctx.tr
        central = QWidget()
        outer = QHBoxLayout(central)
        outer.addWidget(self._build_controls())
        right = QSplitter(Qt.Orientation.Vertical)
        self.spectrum = SpectrumView(t)
        right.addWidget(self.spectrum)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        findings_box = QWidget()
        fl = QVBoxLayout(findings_box)
        fl.setContentsMargins(0, 0, 0, 0)
        self.findings = FindingsPanel(t)
        self.findings.finding_selected.connect(self._finding_selected)
        fl.addWidget(self.findings, 1)
        fl.addLayout(self._build_actions())
        bottom.addWidget(findings_box)
        self.meter_panel = LevelMeterPanel(t)
        bottom.addWidget(self.meter_panel)
        bottom.setStretchFactor(0, 4)
        bottom.setStretchFactor(1, 1)
        right.addWidget(bottom)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([580, 400])
        outer.addWidget(right, 1)
        self.setCentralWidget(central)
        # before any sweep the plot shows the planned span, and follows the choice
        self.form.plan_span.connect(self._preview_span)
        self.form.refresh_plan()

    def _build_controls(self) -> QWidget:
        t = self.ctx.tr
        panel = QWidget()
        panel.setFixedWidth(340)
        col = QVBoxLayout(panel)
        col.setContentsMargins(0, 0, 6, 0)

        self.form = SweepForm(self.ctx)
        col.addWidget(self.form)

        buttons = QHBoxLayout()
        self.start_button = QPushButton(t("Start sweep"))
        self.start_button.setStyleSheet(
            "QPushButton { font-size: 17px; font-weight: bold; padding: 10px; background: #1d6f42; color: white; }"
            "QPushButton:disabled { background: #9fb8a8; color: #eef3ef; }")
        self.start_button.clicked.connect(self.start_sweep)
        self.stop_button = QPushButton(t("Stop"))
        self.stop_button.setStyleSheet("font-size: 17px; padding: 10px;")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_sweep)
        buttons.addWidget(self.start_button, 2)
        buttons.addWidget(self.stop_button, 1)
        col.addLayout(buttons)

        prog = QGroupBox(t("Progress"))
        pl = QVBoxLayout(prog)
        self.state_label = QLabel(t("Ready"))
        self.state_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        pl.addWidget(self.state_label)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(False)
        pl.addWidget(self.progress_bar)
        self.progress_label = QLabel("")
        self.progress_label.setWordWrap(True)
        pl.addWidget(self.progress_label)
        col.addWidget(prog)

        meeting_box = QGroupBox(t("Meeting and report"))
        ml = QVBoxLayout(meeting_box)
        self.meeting = QComboBox()
        self.meeting.addItem(t("No meeting (report marked 内部)"), None)
        try:
            from meetkit.meetings import list_meetings

            for m in list_meetings(self.ctx.store):
                self.meeting.addItem(f"{m.title}（{m.level}）", m.id)
        except MeetkitError as err:
            log.warning("cannot list meetings: %s", err.en)
        self.meeting.currentIndexChanged.connect(self._update_actions)
        ml.addWidget(self.meeting)
        mrow = QHBoxLayout()
        self.attach_button = QPushButton(t("Attach to meeting"))
        self.attach_button.clicked.connect(self._attach)
        mrow.addWidget(self.attach_button)
        self.report_button = QPushButton(t("Open report"))
        self.report_button.clicked.connect(self._open_report)
        mrow.addWidget(self.report_button)
        ml.addLayout(mrow)
        self.attach_note = QLabel("")
        self.attach_note.setWordWrap(True)
        self.attach_note.setStyleSheet("color: #555;")
        ml.addWidget(self.attach_note)
        col.addWidget(meeting_box)

        self.error_banner = QLabel("")
        self.error_banner.setWordWrap(True)
        self.error_banner.setStyleSheet(ERROR_STYLE)
        self.error_banner.hide()
        col.addWidget(self.error_banner)
        col.addStretch(1)
        return panel

    def _build_actions(self) -> QHBoxLayout:
        t = self.ctx.tr
        row = QHBoxLayout()
        self.review = ReviewButtons(t)
        self.review.marked.connect(self._mark)
        row.addWidget(self.review)
        row.addStretch(1)
        self._update_actions()
        return row

    # -- choices ----------------------------------------------------------------------------

    def _preview_span(self, lo_hz: float, hi_hz: float) -> None:
        if not self.is_sweeping() and self.last_outcome is None:
            self.spectrum.set_span(lo_hz, hi_hz)

    def request(self) -> SweepRequest:
        level, head = "内部", None
        meeting_id = self.meeting.currentData()
        if meeting_id is not None:
            from meetkit import audit
            from meetkit.meetings import get_meeting

            level, head = get_meeting(self.ctx.store, int(meeting_id)).level, audit.head_hash(self.ctx.store)
        return self.form.request(level=level, head_hash=head)

    # -- sweep ------------------------------------------------------------------------------

    def start_sweep(self) -> None:
        if self.is_sweeping():
            return
        self._stop_meter()
        self.error_banner.hide()
        try:
            request = self.request()
            if request.source_kind == "simulator":
                sim = self.simulator
                if sim is None or sim.scenario_name != request.source_arg or sim.outside != request.simulator_outside:
                    self._stop_simulator()
                    self.simulator = SimulatorHandle(request.source_arg, realtime=request.simulator_realtime,
                                                     outside=request.simulator_outside)
            elif request.source_kind == "recording" and not request.source_arg:
                raise MeetkitError(ErrorCode.INVALID_INPUT, "choose a recording file", "请选择录音文件")
        except MeetkitError as err:
            self._show_error(err.text(self.ctx.lang))
            return
        except OSError as err:
            self._show_error(self.ctx.tr("Cannot start the simulator: {err}", err=str(err)))
            return
        self._meter_spec = request.source_spec(self.simulator.port if self.simulator else None) \
            if request.source_kind != "recording" else None
        self.spectrum.clear()
        self.spectrum.span_hz = None
        self.findings.set_findings([])
        self._shown_trace = None
        self._shown_findings = -1
        self._baseline_shown = False
        self.last_outcome = None
        self.attached = None
        self.attach_note.setText("")
        if self.job is not None:
            self.job.wait(15000)  # the previous job's thread must end before its objects go
        job = SweepJob(request, self.ctx.clock, simulator=self.simulator if request.source_kind == "simulator" else None)
        job.finished.connect(self._job_finished, Qt.ConnectionType.QueuedConnection)
        self.job = job
        self._sweeping = True
        job.start()
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.timer.start()
        self._update_actions()

    def stop_sweep(self) -> None:
        if self.job is not None:
            self.job.stop()
            self.stop_button.setEnabled(False)

    def _job_finished(self, outcome: SweepOutcome) -> None:
        if self.job is not None:
            self.job.wait(5000)  # its thread is quitting; let it end before the next sweep replaces it
        self._sweeping = False
        self.last_outcome = outcome
        self._tick()
        self.timer.stop()
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if outcome.error_en:
            self._show_error(outcome.error_zh if self.ctx.lang == "zh" else outcome.error_en)
        self._update_actions()

    def is_sweeping(self) -> bool:
        return self._sweeping

    def _tick(self) -> None:
        job = self.job
        if job is None:
            return
        t = self.ctx.tr
        if job.span_hz is not None and self.spectrum.span_hz != job.span_hz:
            self.spectrum.set_span(*job.span_hz)
        if job.baseline is not None and not self._baseline_shown:
            self.spectrum.set_baseline(backend.baseline_trace(job.baseline))
            self._baseline_shown = True
            share = job.baseline_share
            if share is not None and share < 0.95:  # what the baseline misses can only be "new"
                self._show_warning(t("The baseline covers only {share:.0%} of this sweep: every signal outside it counts as new.", share=share))
        frame = job.frame
        if frame is not None and frame is not self._shown_trace:
            self._shown_trace = frame
            self.spectrum.show_frame(frame)
        if job.findings_version != self._shown_findings:
            self._shown_findings = job.findings_version
            findings = job.findings
            self.findings.set_findings(findings)
            self.spectrum.set_findings(findings, self._label_of)
        p = job.progress
        self.state_label.setText(t(STATE_LABEL.get(p.state, p.state)))
        total = max(1, p.hops * p.passes)
        self.progress_bar.setValue(1000 if p.state in ("done",) else int(1000 * min(1.0, p.hops_done / total)))
        parts = []
        if p.hops and job.plan is None:  # a recording: blocks of its captures
            parts.append(t("block {h} of {n}", h=min(p.hops_done, p.hops), n=p.hops))
        elif p.hops:
            parts.append(t("Pass {p} of {n}", p=p.pass_index + 1, n=p.passes))
            parts.append(t("hop {h} of {n}", h=p.hop_index + 1, n=p.hops))
        if p.state == "sweeping" and p.eta_s is not None:
            parts.append(t("about {s:.0f} s left", s=p.eta_s))
        parts.append(t("{s:.0f} s elapsed", s=p.elapsed_s))
        if p.dropped_samples:
            parts.append(t("{n} samples dropped (processing fell behind)", n=p.dropped_samples))
        self.progress_label.setText(" · ".join(parts))

    def _label_of(self, f: dict[str, Any]) -> str:
        kind = self.ctx.tr(kind_label(str(f.get("kind")), str(f.get("status")), f.get("reasons")))
        kind = kind.split("（")[0].split(" (")[0]  # the short name on the plot; the table has the rest
        return f"{f['freq_hz'] / 1e6:.3f} MHz {kind}"

    def _show_error(self, text: str) -> None:
        self.error_banner.setStyleSheet(ERROR_STYLE)
        self.error_banner.setText("⚠ " + text)
        self.error_banner.show()

    def _show_warning(self, text: str) -> None:
        """The same box in amber: the sweep goes on, the technician should know."""
        self.error_banner.setStyleSheet(WARNING_STYLE)
        self.error_banner.setText("⚠ " + text)
        self.error_banner.show()

    # -- findings, level meter --------------------------------------------------------------

    def _finding_selected(self, f: dict[str, Any]) -> None:
        self.spectrum.zoom_to(float(f["freq_hz"]), float(f["bandwidth_hz"]), float(f["peak_dbfs"]))
        self._update_actions()
        self._start_meter(f)

    def _start_meter(self, f: dict[str, Any]) -> None:
        self._stop_meter()
        t = self.ctx.tr
        self.meter_panel.set_target(float(f["freq_hz"]), self._label_of(f))
        if self.is_sweeping():
            self.meter_panel.set_note(t("The receiver is busy sweeping; the level meter starts when you select a finding after the sweep."))
            return
        if not self._meter_spec:
            self.meter_panel.set_note(t("The level meter needs a live source (dongle, rtl_tcp or simulator)."))
            return
        meter = LevelMeter(self._meter_spec, float(f["freq_hz"]), float(f["bandwidth_hz"]), self.ctx.clock)
        meter.level.connect(self.meter_panel.show_level, Qt.ConnectionType.QueuedConnection)
        meter.failed.connect(self._meter_failed, Qt.ConnectionType.QueuedConnection)
        self.meter = meter
        self.meter_panel.set_note("")
        meter.start()

    def _meter_failed(self, en: str, zh: str) -> None:
        self.meter_panel.set_note(zh if self.ctx.lang == "zh" else en, error=True)

    def _stop_meter(self) -> None:
        if self.meter is not None:
            self.meter.stop()
            self.meter = None
        self.meter_panel.stop_tone()

    def _stop_simulator(self) -> None:
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None

    # -- marking, attaching, report ---------------------------------------------------------

    def _update_actions(self) -> None:
        t = self.ctx.tr
        attach = backend.attach_service()
        selected = self.findings.selected() if hasattr(self, "findings") else None
        finished = self.last_outcome is not None and not self.is_sweeping()
        wrote = finished and self.last_outcome is not None and self.last_outcome.out_dir is not None \
            and (Path(self.last_outcome.out_dir) / "findings.json").exists()
        if attach is None:
            why = t("Needs the sweep attach service (meetkit.sweep.attach), not in this build yet")
            markable = False
        elif self.attached is None:
            why = t("Attach the sweep to a meeting first")
            markable = False
        else:
            markable = selected is not None and selected.get("finding_id") is not None \
                and selected.get("status") in backend.SUSPECT
            why = "" if markable else t("Only new or stronger findings are reviewed")
        self.review.set_markable(markable, why)
        can_attach = attach is not None and bool(wrote) and self.meeting.currentData() is not None and self.attached is None
        self.attach_button.setEnabled(can_attach)
        if attach is None:
            self.attach_button.setToolTip(t("Needs the sweep attach service (meetkit.sweep.attach), not in this build yet"))
        elif not wrote:
            self.attach_button.setToolTip(t("Only the output folder of a finished sweep can be attached"))
        elif self.meeting.currentData() is None:
            self.attach_button.setToolTip(t("Choose a meeting first"))
        else:
            self.attach_button.setToolTip("")
        pdf = self.last_outcome.report_pdf if self.last_outcome else None
        self.report_button.setEnabled(finished and pdf is not None and Path(pdf).exists())
        self.report_button.setToolTip("" if pdf is not None else t("No report PDF was written for this sweep"))

    def _attach(self) -> None:
        attach = backend.attach_service()
        outcome = self.last_outcome
        meeting_id = self.meeting.currentData()
        if attach is None or outcome is None or outcome.out_dir is None or meeting_id is None:
            return
        ctx = self.ctx
        done = run_action(self, ctx, lambda: attach.attach_sweep(ctx.store, ctx.clock, ctx.actor, int(meeting_id), outcome.out_dir))
        if done is None:
            return
        self.attached = done
        self._load_review_states()
        self.attach_note.setText(ctx.tr("Attached to {title}", title=self.meeting.currentText())
                                 + ctx.tr(" (sweep #{id}, {n} suspect)", id=done.id, n=done.suspects))
        self._update_actions()

    def _load_review_states(self) -> None:
        """Stored finding ids and review states, matched to the table's findings by position
        (both come from the same findings.json, in its order)."""
        attach = backend.attach_service()
        if attach is None or self.attached is None:
            return
        stored = attach.findings(self.ctx.store, self.attached.id)
        shown = self.findings.findings
        if len(stored) != len(shown):
            log.warning("attached sweep has %d findings, the station shows %d", len(stored), len(shown))
        for f, item in zip(shown, stored):
            f["finding_id"] = item.id
            f["state"] = item.state
            f["note"] = item.note
        self.findings.set_findings(shown)

    def _mark(self, state: str) -> None:
        attach = backend.attach_service()
        f = self.findings.selected()
        if attach is None or f is None or f.get("finding_id") is None:
            return
        t = self.ctx.tr
        note = ""
        if state == "resolved":
            note, ok = QInputDialog.getText(self, t("Resolved"), t("What was found and removed?"))
            if not ok or not note.strip():
                return
        ctx = self.ctx
        stored = run_action(self, ctx, lambda: attach.mark_finding(ctx.store, ctx.clock, ctx.actor, int(f["finding_id"]), state, note))
        if stored is None:
            return
        f["state"], f["note"] = stored.state, stored.note
        self.findings.set_findings(self.findings.findings)
        self._update_actions()

    def _open_report(self) -> None:
        """The sweep's report; once attached, the meeting's version (its classification mark,
        the audit head hash and each suspect's review state) written next to it."""
        outcome = self.last_outcome
        if outcome is None or outcome.report_pdf is None:
            return
        pdf: Path | None = outcome.report_pdf
        attach = backend.attach_service()
        if attach is not None and self.attached is not None and outcome.out_dir is not None:
            ctx = self.ctx
            target = Path(outcome.out_dir) / f"report-meeting-{self.attached.meeting_id}-sweep-{self.attached.id}.pdf"
            self.setCursor(Qt.CursorShape.WaitCursor)
            try:
                pdf = run_action(self, ctx, lambda: attach.write_meeting_report(ctx.store, ctx.clock, ctx.actor, self.attached.id, target))
            finally:
                self.unsetCursor()
        if pdf is not None:
            self.opened_report = Path(pdf)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf)))

    # -- closing ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        self.timer.stop()
        if self.job is not None:
            self.job.stop()
            self.job.wait(15000)
        self._stop_meter()
        self._stop_simulator()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
