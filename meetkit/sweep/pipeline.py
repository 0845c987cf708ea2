"""A whole analysis from a source to DIR/findings.json, trace.csv, spectrum.png, report.pdf, snippets/.

- :func:`run_sweep`: a live source (USB dongle, rtl_tcp, the simulator) through the acquisition
  engine with a profile's hop plan; a recording given as the source is replayed instead.
- :func:`analyze_recordings`: one or more recordings through their replay.
- :func:`import_csv`: an rtl_power-style CSV analysed like a sweep.
- :func:`load_baseline`: a previous output DIR (trace.csv + trace-max.csv), a CSV or a recording.
- :func:`monitor`: repeated sweeps of a band subset yielding an :class:`Alert` when a new
  emitter appears; :func:`level_meter`: the level at one frequency ten times a second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from meetkit.clock import Clock, iso
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.analysis.artifacts import recheck
from meetkit.sweep.analysis.baseline import Baseline, FriendlyEmitter, compare
from meetkit.sweep.analysis.classify import classify
from meetkit.sweep.analysis.psd import PsdEngine, to_db
from meetkit.sweep.analysis.signals import Detection, find_signals
from meetkit.sweep.analysis.trace import AnalysisSettings, SweepAnalyzer, Trace
from meetkit.sweep.blocks import IQBlock
from meetkit.sweep.findings import Finding, FindingsDoc, make_findings
from meetkit.sweep.rtlpower_csv import read_csv, write_csv

log = logging.getLogger(__name__)

SNIPPET_SAMPLES = 131072
MAX_SNIPPETS = 20


@dataclass
class SweepResult:
    out_dir: Path | None
    doc: FindingsDoc
    trace: Trace
    detection: Detection
    baseline: Baseline | None
    acquisition: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for f in self.doc.findings:
            counts[f.status] = counts.get(f.status, 0) + 1
        return {
            "out": str(self.out_dir) if self.out_dir else None,
            "findings": len(self.doc.findings),
            "suspects": len(self.doc.suspects),
            "by_status": counts,
            "passes": self.doc.passes,
            "files": self.files,
            "partial": bool(self.acquisition.get("partial", False)),
            "error": self.acquisition.get("error"),
            "dropped_blocks": int(self.acquisition.get("blocks_dropped", 0) or 0),
            "not_captured_mhz": round(sum(hi - lo for lo, hi, why in self.doc.not_covered if why.startswith("not captured")) / 1e6, 3),
        }


# ---- baselines --------------------------------------------------------------------------------


def load_baseline(spec: str | Path, clock: Clock, settings: AnalysisSettings | None = None) -> Baseline:
    """A baseline from a previous output DIR, an rtl_power-style CSV or a recording."""
    path = Path(spec)
    if not path.exists():
        raise MeetkitError(
            ErrorCode.NOT_FOUND,
            f"baseline not found: {path} (give a previous sweep's output folder, an rtl_power CSV or a recording)",
            f"找不到基线：{path}（请给出之前扫描的输出文件夹、rtl_power CSV 文件或录音）",
        )
    if path.is_dir():
        csv_path = path / "trace.csv"
        if not csv_path.exists():
            raise MeetkitError(
                ErrorCode.NOT_FOUND,
                f"{path} holds no trace.csv: give a previous sweep's output directory, a CSV or a recording",
                f"{path} 中没有 trace.csv：请给出之前扫描的输出目录、CSV 文件或录音",
            )
        mean = read_csv(csv_path).trace
        max_path = path / "trace-max.csv"
        has_max = max_path.exists()
        if has_max:
            mx = read_csv(max_path).trace
            if len(mx) == len(mean):
                mean.max_p = mx.max_p
                mean.has_max_hold = True
            else:
                has_max = False
        return Baseline.from_trace(mean, str(path), has_max_hold=has_max)
    if path.suffix.lower() in (".csv", ".txt"):
        csv = read_csv(path)
        return Baseline.from_trace(csv.trace, str(path), has_max_hold=csv.trace.has_max_hold)
    analyzer = SweepAnalyzer(settings)
    for block in _recording_blocks([str(path)], clock):
        analyzer.add_block(block)
    return Baseline.from_trace(analyzer.trace(), str(path))


# ---- sources ----------------------------------------------------------------------------------


def _recording_blocks(paths: Iterable[str], clock: Clock, results: list[dict[str, Any]] | None = None) -> Iterator[IQBlock]:
    from meetkit.sweep.acquisition import Acquisition
    from meetkit.sweep.sources import open_source

    for p in paths:
        source = open_source(str(p), clock)
        try:
            acq = Acquisition(source, None, clock=clock)
            yield from acq.blocks()
            if results is not None:
                glob = (getattr(source, "meta", None) or {}).get("global", {})
                results.append({"source": str(p), "profile": glob.get("meetkit:profile"), **acq.result.to_dict()})
        finally:
            source.close()


def _coverage(trace: Trace, plan: Any = None, acquisition: dict[str, Any] | None = None) -> tuple[list[tuple[float, float]], list[tuple[float, float, str]]]:
    from meetkit.sweep.profiles import not_covered

    covered = [(round(lo, 1), round(hi, 1)) for lo, hi in trace.covered()]
    missing: list[tuple[float, float, str]] = []
    if plan is not None:
        for lo, hi in getattr(plan, "clipped", ()):
            missing.append((lo, hi, "outside the receiver's tuning range (24–1766 MHz)"))
        acq = acquisition or {}
        if acq.get("partial"):
            why = "not captured: " + str(acq.get("error") or "sweep ended early")
        elif acq.get("blocks_dropped"):
            why = f"not captured: the analysis fell behind the receiver and dropped {acq['blocks_dropped']} hop block(s)"
        else:
            why = "not captured"
        for lo, hi in getattr(plan, "spans", ()):
            cursor = lo
            for c_lo, c_hi in covered:
                if c_hi <= cursor or c_lo >= hi:
                    continue
                if c_lo - cursor > 10e3:
                    missing.append((cursor, min(c_lo, hi), why))
                cursor = max(cursor, c_hi)
            if hi - cursor > 10e3:
                missing.append((cursor, hi, why))
    missing.extend(_not_swept(covered, plan))
    missing.extend(not_covered())
    return covered, sorted(missing)


def _not_swept(covered: list[tuple[float, float]], plan: Any = None) -> list[tuple[float, float, str]]:
    """The parts of the receiver's range (24–1766 MHz) this sweep did not look at on purpose: outside
    the profile or span (or the recording's band). A reader of the report must not take a profile's
    sweep for a full one."""
    from meetkit.sweep.hopplan import TUNER_MAX_HZ, TUNER_MIN_HZ

    if plan is not None:
        spans = sorted(getattr(plan, "spans", ()) or ())
        name = getattr(plan, "profile", None)
        why = f"not swept: not in profile {name} (the receiver can tune it)" if name else "not swept: outside the chosen span (the receiver can tune it)"
    else:
        spans = sorted(covered)
        why = "not swept: not in the recording (the receiver can tune it)"
    gaps: list[tuple[float, float, str]] = []
    cursor = TUNER_MIN_HZ
    for lo, hi in spans:
        if lo - cursor > 10e3:
            gaps.append((cursor, min(lo, TUNER_MAX_HZ), why))
        cursor = max(cursor, hi)
    if TUNER_MAX_HZ - cursor > 10e3:
        gaps.append((cursor, TUNER_MAX_HZ, why))
    return [g for g in gaps if g[1] > g[0]]


# ---- the analysis -----------------------------------------------------------------------------


@dataclass
class Progress:
    blocks: int
    pass_index: int
    hop_index: int
    hops_planned: int
    passes_planned: int


def _feed(analyzer: SweepAnalyzer, blocks: Iterable[IQBlock], on_progress: Callable[[Progress], None] | None, hops: int, passes: int) -> None:
    for block in blocks:
        analyzer.add_block(block)
        if on_progress is not None:
            on_progress(Progress(analyzer.blocks_seen, block.info.pass_index, block.info.hop_index, hops, passes))


def finish(
    analyzer_or_trace: SweepAnalyzer | Trace,
    *,
    out_dir: str | Path | None,
    source_label: str,
    profile: str | None,
    clock: Clock,
    baseline: Baseline | None = None,
    friendly: list[FriendlyEmitter] | None = None,
    plan: Any = None,
    acquisition: dict[str, Any] | None = None,
    hardware: dict[str, Any] | None = None,
    snippet_source: Callable[[Finding], tuple[np.ndarray, float, float, dt.datetime] | None] | None = None,
    level: str = "内部",
    head_hash: str | None = None,
    live_source: Any = None,
    write_pdf: bool = True,
) -> SweepResult:
    """Detect, compare, classify and (when ``out_dir``) write every output file."""
    trace = analyzer_or_trace.trace() if isinstance(analyzer_or_trace, SweepAnalyzer) else analyzer_or_trace
    detection = find_signals(trace)
    extra_artifacts = {}
    if live_source is not None and getattr(live_source, "is_live", False):
        # recheck narrow candidates that are not in the baseline: what moves with the tuning is an artifact
        for sig in detection.signals:
            if sig.bandwidth_hz <= 50e3 and compare(sig, baseline, friendly).status in ("new", "stronger"):
                own = [s for s in trace.segments if s.lo_hz <= sig.freq_hz < s.hi_hz]
                try:
                    res = recheck(
                        live_source,
                        sig.freq_hz,
                        rate_sps=float(own[0].rate_sps) if own else 2.4e6,
                        own_centre_hz=own[0].centre_hz if own else None,
                        bandwidth_hz=max(sig.bandwidth_hz, 10e3),
                    )
                except MeetkitError as err:
                    # the source is most likely gone: one warning, no further rechecks
                    log.warning("recheck of %.0f Hz failed, artifact recheck abandoned: %s", sig.freq_hz, err)
                    break
                if res.is_artifact:
                    extra_artifacts[sig.freq_hz] = res.reason
    findings = make_findings(detection.signals, trace, baseline=baseline, friendly=friendly, extra_artifacts=extra_artifacts)
    covered, missing = _coverage(trace, plan, acquisition)
    doc = FindingsDoc(
        profile=profile,
        source=source_label,
        started=iso(trace.started) if trace.started else iso(clock.now()),
        passes=trace.passes,
        covered=covered,
        not_covered=missing,
        findings=findings,
        extra={
            "hardware": hardware or {},
            "acquisition": acquisition or {},
            "settings": {
                "rbw_hz": analyzer_or_trace.settings.psd.rbw_hz if isinstance(analyzer_or_trace, SweepAnalyzer) else None,
                "fft_size": trace.fft_size,
                "overlap": trace.overlap,
                "pfa_per_bin": analyzer_or_trace.settings.pfa if isinstance(analyzer_or_trace, SweepAnalyzer) else AnalysisSettings().pfa,
                "bins": len(trace),
                "baseline": baseline.source if baseline else None,
            },
            "plan": plan.to_dict() if plan is not None and hasattr(plan, "to_dict") else None,
        },
    )
    result = SweepResult(Path(out_dir) if out_dir else None, doc, trace, detection, baseline, acquisition or {})
    if out_dir is not None:
        write_outputs(result, clock=clock, snippet_source=snippet_source, level=level, head_hash=head_hash, write_pdf=write_pdf)
    return result


def write_outputs(
    result: SweepResult,
    *,
    clock: Clock,
    snippet_source: Callable[[Finding], tuple[np.ndarray, float, float, dt.datetime] | None] | None = None,
    level: str = "内部",
    head_hash: str | None = None,
    write_pdf: bool = True,
) -> None:
    from meetkit.sweep.report.pdf import write_report
    from meetkit.sweep.report.spectrum import render_spectrum

    out = result.out_dir
    assert out is not None
    out.mkdir(parents=True, exist_ok=True)
    doc, trace = result.doc, result.trace
    doc.write(out / "findings.json")
    write_csv(trace, out / "trace.csv", values="mean")
    files = {"findings": str(out / "findings.json"), "trace": str(out / "trace.csv")}
    if trace.has_max_hold:
        write_csv(trace, out / "trace-max.csv", values="max")
        files["trace_max"] = str(out / "trace-max.csv")
    base_trace = result.baseline.trace if result.baseline else None
    from meetkit.sweep.report.pdf import beijing_time

    base_text = f" · 基线 baseline: {Path(str(result.baseline.source)).name}" if result.baseline else " · 无基线 no baseline"
    what = doc.profile or doc.source
    what = what if len(what) <= 48 else what[:46] + "…"  # several recordings: the full list is in the report
    title = f"RF sweep 射频扫描 · {what} · {beijing_time(doc.started)} · {doc.passes} 遍 pass(es){base_text}"
    render_spectrum(trace, doc.findings, out / "spectrum.png", baseline=base_trace, noise_dbfs=to_db(result.detection.noise_p), title=title)
    files["spectrum"] = str(out / "spectrum.png")
    snippets: list[str] = []
    if snippet_source is not None:
        suspects = [f for f in doc.findings if f.suspect][:MAX_SNIPPETS]
        prepare = getattr(snippet_source, "prepare", None)
        if callable(prepare):
            prepare(suspects)
        for finding in suspects:
            got = snippet_source(finding)
            if got is None:
                continue
            samples, centre_hz, rate_sps, when = got
            snippets.append(str(write_snippet(out / "snippets", finding, samples, centre_hz, rate_sps, when, hardware=doc.extra.get("hardware", {}))))
        closer = getattr(snippet_source, "close", None)
        if callable(closer):
            closer()
    files["snippets"] = ",".join(snippets)
    doc.extra["snippets"] = snippets
    if write_pdf:
        write_report(result, out / "report.pdf", clock=clock, level=level, head_hash=head_hash)
        files["report"] = str(out / "report.pdf")
    result.files = files


def write_snippet(
    folder: Path,
    finding: Finding,
    samples: np.ndarray,
    centre_hz: float,
    rate_sps: float,
    when: dt.datetime,
    *,
    hardware: dict[str, Any] | None = None,
) -> Path:
    """A SigMF recording (cu8) of the IQ around one finding, annotated with it."""
    from meetkit import __version__
    from meetkit.sweep.sigmf_writer import complex_to_cu8, sigmf_datetime

    folder.mkdir(parents=True, exist_ok=True)
    name = f"{finding.status}-{finding.kind}-{finding.freq_hz / 1e6:.4f}MHz".replace(".", "_")
    data = complex_to_cu8(samples)
    (folder / f"{name}.sigmf-data").write_bytes(data)
    meta = {
        "global": {
            "core:datatype": "cu8",
            "core:sample_rate": float(rate_sps),
            "core:version": "1.2.0",
            "core:num_channels": 1,
            "core:sha512": hashlib.sha512(data).hexdigest(),
            "core:recorder": f"meetkit {__version__}",
            "core:hw": str((hardware or {}).get("hw") or (hardware or {}).get("kind") or "RTL-SDR"),
            "core:description": f"IQ snippet of a {finding.status} {finding.kind} finding at {finding.freq_hz / 1e6:.4f} MHz",
        },
        "captures": [{"core:sample_start": 0, "core:frequency": float(centre_hz), "core:datetime": sigmf_datetime(when)}],
        "annotations": [
            {
                "core:sample_start": 0,
                "core:sample_count": int(len(samples)),
                "core:freq_lower_edge": float(finding.freq_hz - finding.bandwidth_hz / 2),
                "core:freq_upper_edge": float(finding.freq_hz + finding.bandwidth_hz / 2),
                "core:label": finding.kind,
                "core:comment": f"{finding.status}; peak {finding.peak_dbfs:.1f} dBFS; SNR {finding.snr_db:.1f} dB",
            }
        ],
    }
    path = folder / f"{name}.sigmf-meta"
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


class _RecordingSnippets:
    """Snippet finder for recordings: for each finding, the block covering it where it is strongest.

    :meth:`prepare` walks the recordings once for all the findings and keeps one block per finding,
    so memory stays at a few blocks whatever the recording's size."""

    def __init__(self, paths: list[str], clock: Clock) -> None:
        self.paths = paths
        self.clock = clock
        self._best: dict[float, tuple[float, IQBlock]] = {}
        self._prepared: set[float] = set()

    def prepare(self, findings: list[Finding]) -> None:
        from meetkit.sweep.sources import open_source

        wanted = [f.freq_hz for f in findings if f.freq_hz not in self._prepared]
        if not wanted:
            return
        engine = PsdEngine()
        for p in self.paths:
            source = open_source(p, self.clock)
            try:
                for block in source.iter_blocks(SNIPPET_SAMPLES):
                    info = block.info
                    covered = [f for f in wanted if abs(f - info.centre_hz) <= info.rate_sps * 0.45]
                    if not covered or len(block) < 4096:
                        continue
                    spec = engine.block(block.samples, info.centre_hz, info.rate_sps)[0]
                    freqs = spec.freqs_hz()
                    for f in covered:
                        level = float(spec.max_p[int(np.argmin(np.abs(freqs - f)))])
                        if f not in self._best or level > self._best[f][0]:
                            self._best[f] = (level, IQBlock(np.array(block.samples), info))
            finally:
                source.close()
        self._prepared.update(wanted)

    def __call__(self, finding: Finding) -> tuple[np.ndarray, float, float, dt.datetime] | None:
        self.prepare([finding])
        got = self._best.get(finding.freq_hz)
        if got is None:
            return None
        b = got[1]
        return b.samples, b.info.centre_hz, b.info.rate_sps, b.info.time

    def close(self) -> None:
        self._best.clear()


def recording_snippets(paths: list[str], clock: Clock) -> _RecordingSnippets:
    """Snippet finder for recordings (pass as ``snippet_source`` to :func:`finish`)."""
    return _RecordingSnippets(paths, clock)


def live_snippets(source: Any, rate_sps: float) -> Callable[[Finding], tuple[np.ndarray, float, float, dt.datetime] | None]:
    """Snippet finder for a live source: tune to the finding, keep the strongest of a few reads.

    Once the source fails (lost connection, unplugged dongle) it is not asked again: one warning, then None."""
    failed: list[str] = []

    def find(finding: Finding) -> tuple[np.ndarray, float, float, dt.datetime] | None:
        if failed:
            return None
        engine = PsdEngine()
        try:
            source.set_sample_rate(rate_sps)
            source.tune(finding.freq_hz)
            source.read(4096)
            best: tuple[float, IQBlock] | None = None
            for _ in range(4):
                block = source.read(SNIPPET_SAMPLES)
                spec = engine.block(block.samples, finding.freq_hz, block.info.rate_sps)[0]
                level = float(np.max(spec.max_p))
                if best is None or level > best[0]:
                    best = (level, block)
        except MeetkitError as err:
            log.warning("snippet at %.0f Hz failed, no more snippets from this source: %s", finding.freq_hz, err)
            failed.append(str(err))
            return None
        assert best is not None
        b = best[1]
        return b.samples, finding.freq_hz, b.info.rate_sps, b.info.time

    return find


def analyze_recordings(
    paths: list[str],
    out_dir: str | Path | None,
    *,
    clock: Clock,
    baseline: Baseline | None = None,
    friendly: list[FriendlyEmitter] | None = None,
    settings: AnalysisSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    level: str = "内部",
    head_hash: str | None = None,
    write_pdf: bool = True,
) -> SweepResult:
    analyzer = SweepAnalyzer(settings)
    results: list[dict[str, Any]] = []
    _feed(analyzer, _recording_blocks(paths, clock, results), on_progress, 0, 1)
    if analyzer.blocks_seen == 0:
        raise MeetkitError(ErrorCode.BAD_RECORDING, "no samples could be read from the recording(s)", "无法从录音中读取样本")
    acquisition = {"recordings": results, "partial": any(r.get("partial") for r in results)}
    errors = [r["error"] for r in results if r.get("error")]
    # a truncated or damaged recording is analysed as far as it goes; the outputs must say so
    # (a reader must not take "0 findings" from a recording cut short for a clean room)
    damaged = [f"{Path(r['source']).name}: {w}" for r in results for w in r.get("warnings", []) or []]
    if damaged:
        acquisition["partial"] = True
        errors.extend(damaged)
        acquisition["error_zh"] = "录音文件损坏或不完整，只分析了其中现有的数据：" + "；".join(damaged)
    if errors:
        acquisition["error"] = "; ".join(errors)
    return finish(
        analyzer,
        out_dir=out_dir,
        source_label=", ".join(Path(p).name for p in paths),
        # a recording made by 'sweep record' names its profile; say it when all agree
        profile=profiles.pop() if len(profiles := {r.get("profile") for r in results}) == 1 else None,
        clock=clock,
        baseline=baseline,
        friendly=friendly,
        acquisition=acquisition,
        hardware={"kind": "recording", "paths": [str(p) for p in paths]},
        snippet_source=recording_snippets(paths, clock),
        level=level,
        head_hash=head_hash,
        write_pdf=write_pdf,
    )


def run_sweep(
    source_spec: str,
    profile_name: str | Any,
    passes: int,
    out_dir: str | Path | None,
    *,
    clock: Clock,
    baseline: Baseline | None = None,
    friendly: list[FriendlyEmitter] | None = None,
    settings: AnalysisSettings | None = None,
    gain_db: float | None = None,
    dwell_samples: int | None = None,
    stop_event: threading.Event | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    analyzer: SweepAnalyzer | None = None,
    recheck_artifacts: bool = True,
    level: str = "内部",
    head_hash: str | None = None,
    write_pdf: bool = True,
) -> SweepResult:
    """A sweep of a profile from a live source (or a recording's replay), analysed and written.

    Pass your own ``analyzer`` to watch its :meth:`~SweepAnalyzer.trace` while the sweep runs.
    """
    from meetkit.sweep.acquisition import Acquisition
    from meetkit.sweep.hopplan import plan_profile
    from meetkit.sweep.profiles import load_profile
    from meetkit.sweep.sources import open_source

    if passes < 1:
        raise MeetkitError(ErrorCode.INVALID_INPUT, "passes must be at least 1", "扫描遍数至少为 1")
    profile = load_profile(profile_name) if isinstance(profile_name, str) else profile_name
    kwargs: dict[str, Any] = {"passes": passes}
    if dwell_samples:
        kwargs["dwell_samples"] = dwell_samples
    plan = plan_profile(profile, **kwargs)
    source = open_source(source_spec, clock)
    analyzer = analyzer or SweepAnalyzer(settings)
    try:
        live = bool(getattr(source, "is_live", False))
        acq = Acquisition(source, plan if live else None, gain_db=gain_db, clock=clock, stop_event=stop_event)
        _feed(analyzer, acq.blocks(), on_progress, len(plan.hops), passes)
        acquisition = acq.result.to_dict()
        # a lost source (not a requested stop) is not asked for rechecks or snippets afterwards
        lost = bool(acq.result.error) and not acq.result.stopped
        try:
            hardware = source.describe()
        except Exception:  # noqa: BLE001 - describe() is informational only; a failure must not lose the sweep
            hardware = {}
        return finish(
            analyzer,
            out_dir=out_dir,
            source_label=source_spec,
            profile=profile.name,
            clock=clock,
            baseline=baseline,
            friendly=friendly,
            plan=plan if live else None,
            acquisition=acquisition,
            hardware=hardware,
            snippet_source=None if lost else (live_snippets(source, plan.rate_sps) if live else recording_snippets([source_spec], clock)),
            live_source=source if (live and recheck_artifacts and not lost) else None,
            level=level,
            head_hash=head_hash,
            write_pdf=write_pdf,
        )
    finally:
        source.close()


def import_csv(
    path: str | Path,
    out_dir: str | Path | None,
    *,
    clock: Clock,
    baseline: Baseline | None = None,
    strict: bool = False,
    write_pdf: bool = True,
) -> tuple[SweepResult, int]:
    """An rtl_power-style CSV analysed like a sweep; returns (result, skipped lines)."""
    csv = read_csv(path, strict=strict)
    result = finish(
        csv.trace,
        out_dir=out_dir,
        source_label=f"{Path(path).name} ({csv.format})",
        profile=None,
        clock=clock,
        baseline=baseline,
        acquisition={"format": csv.format, "lines": csv.lines, "skipped_lines": csv.skipped, "sweeps": csv.sweeps},
        hardware={"kind": "csv import", "path": str(path)},
        write_pdf=write_pdf,
    )
    return result, csv.skipped


# ---- monitor and level meter ------------------------------------------------------------------


@dataclass
class Alert:
    time: str
    sweep: int
    freq_hz: float
    bandwidth_hz: float
    peak_dbfs: float
    snr_db: float
    kind: str
    status: str
    reasons: list[dict[str, str]]

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "sweep": self.sweep,
            "freq_hz": self.freq_hz,
            "bandwidth_hz": self.bandwidth_hz,
            "peak_dbfs": self.peak_dbfs,
            "snr_db": self.snr_db,
            "kind": self.kind,
            "status": self.status,
            "reasons": self.reasons,
        }


def monitor(
    source_spec: str,
    profile_name: str | Any,
    *,
    clock: Clock,
    baseline: Baseline | None = None,
    friendly: list[FriendlyEmitter] | None = None,
    max_sweeps: int | None = None,
    stop_event: threading.Event | None = None,
    dwell_samples: int | None = None,
    tolerance_hz: float = 25e3,
    on_sweep: Callable[[int, int, bool], None] | None = None,
) -> Iterator[Alert]:
    """Sweep the profile again and again; yield an alert the first time each new emitter shows.

    Without a baseline, the first sweep becomes the reference (its signals are not alerted).
    ``on_sweep(sweep_index, alerts_in_this_sweep, is_reference)`` is called after every sweep (a sign of life).
    A source lost mid-sweep: what was captured is checked, then MeetkitError(SOURCE_LOST) says so.
    """
    from meetkit.sweep.acquisition import Acquisition
    from meetkit.sweep.hopplan import plan_profile
    from meetkit.sweep.profiles import load_profile
    from meetkit.sweep.sources import open_source

    profile = load_profile(profile_name) if isinstance(profile_name, str) else profile_name
    kwargs: dict[str, Any] = {"passes": 1}
    if dwell_samples:
        kwargs["dwell_samples"] = dwell_samples
    plan = plan_profile(profile, **kwargs)
    stop = stop_event or threading.Event()
    source = open_source(source_spec, clock)
    alerted: list[float] = []
    reference = baseline
    sweep = 0
    try:
        while not stop.is_set() and (max_sweeps is None or sweep < max_sweeps):
            analyzer = SweepAnalyzer()
            live = bool(getattr(source, "is_live", False))
            acq = Acquisition(source, plan if live else None, clock=clock, stop_event=stop)
            for block in acq.blocks():
                analyzer.add_block(block)
            if analyzer.blocks_seen == 0:
                break
            lost = bool(acq.result.error) and not acq.result.stopped
            trace = analyzer.trace()
            detection = find_signals(trace)
            if reference is None:
                reference = Baseline(trace, detection.signals, "first monitor sweep")
                if on_sweep is not None:
                    on_sweep(sweep, 0, True)
                sweep += 1
                if lost:
                    raise MeetkitError(ErrorCode.SOURCE_LOST, str(acq.result.error), str(acq.result.error_zh or acq.result.error))
                if not live:
                    break
                continue
            count = 0
            for finding in make_findings(detection.signals, trace, baseline=reference, friendly=friendly):
                if not finding.suspect or any(abs(finding.freq_hz - f) <= tolerance_hz for f in alerted):
                    continue
                alerted.append(finding.freq_hz)
                count += 1
                yield Alert(
                    time=finding.first_seen or iso(clock.now()),
                    sweep=sweep,
                    freq_hz=finding.freq_hz,
                    bandwidth_hz=finding.bandwidth_hz,
                    peak_dbfs=finding.peak_dbfs,
                    snr_db=finding.snr_db,
                    kind=finding.kind,
                    status=finding.status,
                    reasons=[r.to_json() for r in finding.reasons],
                )
            if on_sweep is not None:
                on_sweep(sweep, count, False)
            sweep += 1
            if lost:
                raise MeetkitError(ErrorCode.SOURCE_LOST, str(acq.result.error), str(acq.result.error_zh or acq.result.error))
            if not live:
                break  # a recording is one sweep
    finally:
        source.close()


@dataclass
class Reading:
    time: str
    freq_hz: float
    level_dbfs: float  # channel power within ±bandwidth/2
    peak_dbfs: float  # strongest bin (max-hold over the reading)
    noise_dbfs: float  # the noise floor in the same bandwidth as level_dbfs (an empty channel reads level ≈ noise)

    @property
    def above_noise_db(self) -> float:
        return round(self.level_dbfs - self.noise_dbfs, 2)

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time, "freq_hz": self.freq_hz, "level_dbfs": self.level_dbfs, "above_noise_db": self.above_noise_db,
                "peak_dbfs": self.peak_dbfs, "noise_dbfs": self.noise_dbfs}


def level_meter(
    source: Any,
    freq_hz: float,
    *,
    bandwidth_hz: float = 25e3,
    rate_sps: float = 2.4e6,
    interval_s: float = 0.1,
    count: int | None = None,
    offset_hz: float | None = None,
) -> Iterator[Reading]:
    """The level of one frequency, one reading per ``interval_s`` of samples (10 a second).

    The tuner sits ``offset_hz`` (rate/8) below the frequency so the signal is clear of the DC spike.
    """
    live = bool(getattr(source, "is_live", False))
    offset = rate_sps / 8.0 if offset_hz is None else offset_hz
    centre = freq_hz - offset if live else freq_hz
    if live:
        source.set_sample_rate(rate_sps)
        source.tune(centre)
        source.read(4096)
    else:
        source.tune(freq_hz)
    engine = PsdEngine()
    if not live and hasattr(source, "captures") and source.captures():
        rate_sps = float(source.captures()[0].rate_sps)  # a recording reads at its own rate
    read_n = max(1024, int(rate_sps * interval_s))
    n = 0
    while count is None or n < count:
        try:
            block = source.read(read_n)
        except MeetkitError:
            if live:
                raise
            return
        info = block.info
        parts = engine.block(block.samples, info.centre_hz, info.rate_sps)
        if not parts:
            return
        spec = parts[0]
        f = spec.freqs_hz()
        sel = np.abs(f - freq_hz) <= max(bandwidth_hz / 2.0, spec.bin_hz)
        level = float(10 * np.log10(max(float(np.sum(spec.mean_p[sel])), 1e-20)))
        yield Reading(
            time=iso(info.time),
            freq_hz=freq_hz,
            level_dbfs=round(level, 2),
            peak_dbfs=round(float(np.max(to_db(spec.max_p[sel]))), 2),
            # noise per bin × the bins summed into level: both in the channel's bandwidth
            noise_dbfs=round(float(np.median(to_db(spec.noise_p))) + 10 * math.log10(max(1, int(sel.sum()))), 2),
        )
        n += 1


__all__ = [
    "Alert",
    "Reading",
    "SweepResult",
    "analyze_recordings",
    "classify",
    "import_csv",
    "level_meter",
    "load_baseline",
    "monitor",
    "run_sweep",
]
