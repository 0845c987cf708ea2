"""The sweep station's background work: a sweep job on a QThread and the level meter.

The job opens the source (for the simulator it starts a :class:`SimulatorServer` on
127.0.0.1 with a free port first), plans the hops, runs the acquisition engine (which has
its own capture thread and bounded queue) and feeds every block to the incremental
:class:`SweepAnalyzer`. The GUI never waits for it: a timer pulls ``job.frame`` (the newest
trace made ready for display) and ``job.findings`` (both replaced whole, never mutated) and
drops whatever it did not get to. Findings are recomputed on the job's thread at most
every ``FINDINGS_EVERY_S`` seconds and at the end.

The job also prepares the display frame (dB arrays, gaps, the waterfall line) so the GUI
thread only hands arrays to pyqtgraph. Nothing here does signal processing of its own: spectra, detection, baseline comparison,
classification, the outputs and the level meter come from ``meetkit.sweep`` (the calls are
gathered in :mod:`meetkit.gui.sweep_backend`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal

from meetkit.clock import Clock
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.gui import sweep_backend as backend
from meetkit.gui.sweep_plot import Frame, make_frame

log = logging.getLogger(__name__)

FINDINGS_EVERY_S = 1.0
FRAME_EVERY_S = 0.1


@dataclass(frozen=True)
class SweepRequest:
    source_kind: str  # simulator | rtltcp | rtlsdr | recording
    source_arg: str  # scenario name | HOST:PORT | device index | recording path
    profile: str | None = None  # a band profile name, or None for the span below
    span_hz: tuple[float, float] | None = None
    passes: int = 1
    baseline_dir: Path | None = None
    out_dir: Path | None = None
    gain_db: float | None = None
    simulator_realtime: bool = True  # pace the simulator like a real dongle
    simulator_outside: bool = False  # simulate standing outside the room (for a baseline)
    level: str = "内部"  # classification mark of the report (the chosen meeting's level)
    head_hash: str | None = None  # audit head hash printed on the report when tied to a meeting

    def source_spec(self, simulator_port: int | None = None) -> str:
        if self.source_kind == "simulator":
            return f"rtltcp:127.0.0.1:{simulator_port}"
        if self.source_kind == "rtltcp":
            return f"rtltcp:{self.source_arg}"
        if self.source_kind == "rtlsdr":
            return f"rtlsdr:{self.source_arg or 0}"
        return self.source_arg

    def describe_source(self) -> str:
        if self.source_kind == "simulator":
            return f"simulator:{self.source_arg}" + (" (outside)" if self.simulator_outside else "")
        return self.source_spec()


@dataclass
class Progress:
    """What the progress bar shows; replaced whole by the job, read by the GUI timer."""

    state: str = "idle"  # idle | starting | sweeping | analysing | done | stopped | failed
    pass_index: int = 0  # 0-based pass of the newest block
    passes: int = 1
    hop_index: int = -1  # 0-based hop of the newest block
    hops: int = 0  # hops per pass (recordings: capture blocks)
    hops_done: int = 0  # over all passes
    elapsed_s: float = 0.0
    eta_s: float | None = None
    dropped_samples: int = 0


@dataclass
class SweepOutcome:
    """What a finished job hands back to the window."""

    ok: bool
    partial: bool = False
    stopped: bool = False
    error_en: str | None = None
    error_zh: str | None = None
    out_dir: Path | None = None
    report_pdf: Path | None = None
    written: list[Path] = field(default_factory=list)
    acquisition: dict[str, Any] = field(default_factory=dict)


class SimulatorHandle:
    """The in-process venue simulator (the technician's "no dongle" mode), kept running while
    the station is open so the level meter can keep using it after a sweep."""

    def __init__(self, scenario_name: str, *, realtime: bool = True, outside: bool = False) -> None:
        from meetkit.sweep.simulator import (
            SimulatorServer,
            find_scenario,
            load_scenario,
        )

        self.scenario_name = scenario_name
        self.outside = outside  # the scenario without its in-room emitters: a baseline taken outside
        self.server = SimulatorServer(load_scenario(find_scenario(scenario_name)), host="127.0.0.1", port=0,
                                      realtime=realtime, outside=outside)
        self.server.start()

    @property
    def port(self) -> int:
        return self.server.port

    def stop(self) -> None:
        self.server.stop()


def scenario_names() -> list[str]:
    from meetkit.sweep.simulator.scenario import scenario_dirs

    names: set[str] = set()
    for d in scenario_dirs():
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.json"))
    return sorted(names)


class SweepJob(QObject):
    """One sweep. Create it in the GUI thread, then :meth:`start`; poll its attributes."""

    finished = Signal(object)  # SweepOutcome

    def __init__(self, request: SweepRequest, clock: Clock, *, simulator: SimulatorHandle | None = None) -> None:
        super().__init__()
        self.request = request
        self.clock = clock
        self.simulator = simulator
        self.stop_event = threading.Event()
        self.analyzer = backend.new_analyzer()
        self.plan: Any = None  # HopPlan once planned
        self.span_hz: tuple[float, float] | None = request.span_hz
        self.baseline: Any = None  # analysis Baseline (has .trace) when one was given
        self.baseline_share: float | None = None  # the share of the sweep the baseline covers (live sources)
        self.frame: Frame | None = None  # the newest display frame, replaced whole
        self.findings: list[dict[str, Any]] = []  # findings.json-shaped dicts, replaced whole
        self.findings_version = 0
        self.progress = Progress(passes=request.passes)
        self.source_description: dict[str, Any] = {}
        self.result: Any = None  # the pipeline's SweepResult once finished
        self.outcome: SweepOutcome | None = None
        self._thread: QThread | None = None
        self._t0 = 0.0

    # -- control (GUI thread) ---------------------------------------------------------------

    def start(self) -> None:
        thread = QThread()
        thread.setObjectName("meetkit-sweep-job")
        self.moveToThread(thread)
        thread.started.connect(self.run)
        # quit from the job's own thread: the GUI may be waiting for it (QThread.quit is thread-safe)
        self.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread = thread
        thread.start()

    def stop(self) -> None:
        self.stop_event.set()

    def wait(self, timeout_ms: int = 15000) -> bool:
        return self._thread.wait(timeout_ms) if self._thread is not None else True

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    # -- the work (job thread) --------------------------------------------------------------

    def run(self) -> None:
        outcome = SweepOutcome(ok=False, out_dir=self.request.out_dir)
        self._t0 = time.monotonic()
        self.progress = Progress(state="starting", passes=self.request.passes)
        source: Any = None
        try:
            if self.request.baseline_dir is not None:
                self.baseline = backend.load_baseline(self.request.baseline_dir, self.clock)
            spec = self.request.source_spec(self.simulator.port if self.simulator else None)
            source = backend.open_source(spec, self.clock)
            self.source_description = backend.describe(source)
            live = bool(getattr(source, "is_live", True))
            if live:
                self.plan = backend.make_plan(self.request.profile, self.request.span_hz, self.request.passes)
                self.span_hz = (self.plan.start_hz, self.plan.stop_hz)
                if self.baseline is not None:  # a baseline of another profile compares nothing: refuse before tuning
                    self.baseline_share = self.baseline.check_covers(
                        list(self.plan.spans), f"profile {self.request.profile}", f"频段配置 {self.request.profile} ")
                hops = len(self.plan.hops)
            else:
                self.plan = None
                span, hops = backend.recording_extent(source)
                self.span_hz = span or self.span_hz
            self.progress = Progress(state="sweeping", passes=self.request.passes if live else 1, hops=hops)
            acq = backend.acquisition(source, self.plan, self.clock, self.request.gain_db, self.stop_event)
            self._consume(acq)
            outcome.acquisition = acq.result.to_dict()
            outcome.partial = bool(acq.result.partial)
            outcome.stopped = bool(acq.result.stopped)
            if acq.result.error and not acq.result.stopped:
                outcome.error_en, outcome.error_zh = acq.result.error, acq.result.error_zh or acq.result.error
            self._set_state("analysing")
            if len(self.analyzer.trace()) > 0:
                result = backend.finish(
                    self.analyzer, source, out_dir=self.request.out_dir, request=self.request, baseline=self.baseline,
                    plan=self.plan, acquisition=outcome.acquisition, hardware=self.source_description, clock=self.clock,
                    level=self.request.level, head_hash=self.request.head_hash,
                )
                self.findings = [backend.finding_dict(f) for f in result.doc.findings]
                self.findings_version += 1
                self.result = result
                outcome.written = [Path(p) for key, p in result.files.items() if p and key != "snippets"]
                report = result.files.get("report")
                outcome.report_pdf = Path(report) if report else None
            outcome.ok = outcome.error_en is None
            self._set_state("stopped" if outcome.stopped else ("failed" if outcome.error_en else "done"))
        except MeetkitError as err:
            outcome.error_en, outcome.error_zh = err.en, err.zh
            self._set_state("failed")
        except Exception as err:  # keep the window alive and say what happened
            log.exception("sweep job failed")
            outcome.error_en = f"the sweep failed: {err!r}"
            outcome.error_zh = f"扫描失败：{err!r}"
            self._set_state("failed")
        finally:
            if source is not None:
                try:
                    source.close()
                except Exception:  # closing a lost connection may fail again
                    log.debug("closing the source failed", exc_info=True)
        self.outcome = outcome
        self.finished.emit(outcome)

    def _set_state(self, state: str) -> None:
        p = self.progress
        self.progress = Progress(state, p.pass_index, p.passes, p.hop_index, p.hops, p.hops_done,
                                 time.monotonic() - self._t0, 0.0 if state != "analysing" else p.eta_s, p.dropped_samples)

    def _consume(self, acq: Any) -> None:
        last_findings = last_frame = time.monotonic()
        findings_cost = frame_cost = 0.0
        total_hops = max(1, self.progress.hops * self.progress.passes)
        for done, block in enumerate(acq.blocks(), 1):
            self.analyzer.add_block(block)
            elapsed = time.monotonic() - self._t0
            eta = elapsed / done * max(0, total_hops - done) if done else None
            self.progress = Progress(
                "sweeping", max(0, block.info.pass_index), self.progress.passes, block.info.hop_index,
                self.progress.hops, done, elapsed, eta, int(acq.result.dropped_samples),
            )
            # the display frame and the live findings cost more as the trace grows (a full
            # 24–1766 MHz trace has ~750k bins): space them so they never take over the job thread
            now = time.monotonic()
            if now - last_frame >= max(FRAME_EVERY_S, 3.0 * frame_cost):
                self._update_frame()
                last_frame = time.monotonic()
                frame_cost = last_frame - now
            now = time.monotonic()
            if now - last_findings >= max(FINDINGS_EVERY_S, 3.0 * findings_cost):
                self._update_findings()
                last_findings = time.monotonic()
                findings_cost = last_findings - now
        self._update_frame()

    def _update_frame(self) -> None:
        latest = getattr(self.analyzer, "latest_trace", None)
        frame = make_frame(self.analyzer.trace(), self.span_hz, latest() if latest is not None else None)
        if frame is not None:
            self.frame = frame

    def _update_findings(self) -> None:
        trace = self.analyzer.trace()
        if len(trace) == 0:
            return
        try:
            self.findings = backend.findings_for(trace, self.baseline)
            self.findings_version += 1
        except Exception:  # a live preview only; the final findings come from the pipeline
            log.exception("computing findings failed")


class LevelMeter(QObject):
    """Reads the level of one frequency ten times a second from a live source, on its own QThread."""

    level = Signal(float, float)  # level_dbfs, noise_dbfs
    failed = Signal(str, str)  # english, chinese

    def __init__(self, spec: str, freq_hz: float, bandwidth_hz: float, clock: Clock) -> None:
        super().__init__()
        self.spec = spec
        self.freq_hz = freq_hz
        self.bandwidth_hz = bandwidth_hz
        self.clock = clock
        self.stop_event = threading.Event()
        self._thread: QThread | None = None

    def start(self) -> None:
        thread = QThread()
        thread.setObjectName("meetkit-level-meter")
        self.moveToThread(thread)
        thread.started.connect(self.run)
        self._thread = thread
        thread.start()

    def stop(self, wait_ms: int = 3000) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(wait_ms)

    def run(self) -> None:
        source: Any = None
        try:
            source = backend.open_source(self.spec, self.clock)
            if not getattr(source, "is_live", False):
                raise MeetkitError(ErrorCode.INVALID_INPUT, "the level meter needs a live source (dongle, rtl_tcp or simulator)",
                                   "场强计需要实时信号源（接收机、rtl_tcp 或模拟器）")
            for reading in backend.level_readings(source, self.freq_hz, self.bandwidth_hz):
                if self.stop_event.is_set():
                    break
                self.level.emit(float(reading.level_dbfs), float(reading.noise_dbfs))
        except MeetkitError as err:
            self.failed.emit(err.en, err.zh)
        except Exception as err:
            log.exception("level meter failed")
            self.failed.emit(f"level meter failed: {err!r}", f"场强计失败：{err!r}")
        finally:
            if source is not None:
                try:
                    source.close()
                except Exception:
                    log.debug("closing the level meter source failed", exc_info=True)
