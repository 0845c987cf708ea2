"""The one place where the sweep station binds to the sweep back end (``meetkit.sweep``).

Sources, hop plans, the acquisition engine, the incremental analyzer, detection, baseline
comparison, classification, the level meter and the sweep outputs all live in the core; this
module only calls them and turns their results into the plain dicts the station shows (the
``findings.json`` shape of issue 7). No signal processing happens here. The meeting attach
service is optional: :func:`attach_service` is None until ``meetkit.sweep.attach`` exists.
"""

from __future__ import annotations

import functools
import importlib
import logging
import threading
from pathlib import Path
from typing import Any

from meetkit.clock import Clock
from meetkit.errors import ErrorCode, MeetkitError

log = logging.getLogger(__name__)

KINDS = ("wireless_mic", "cellular_uplink", "walkie_talkie", "ism_device", "fm_transmitter", "broadcast",
         "cellular_downlink", "unknown")
STATUSES = ("new", "stronger", "ambient", "friendly", "artifact")
SUSPECT = ("new", "stronger")


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


# -- sources, plans, acquisition ------------------------------------------------------------

def open_source(spec: str, clock: Clock) -> Any:
    from meetkit.sweep.sources import open_source as _open

    try:
        return _open(spec, clock)
    except MeetkitError:
        raise
    except (OSError, ImportError) as err:  # e.g. librtlsdr missing, no dongle, connection refused
        raise MeetkitError(ErrorCode.HARDWARE, f"cannot open the source {spec}: {err}", f"无法打开信号源 {spec}：{err}") from err


def describe(source: Any) -> dict[str, Any]:
    try:
        return dict(source.describe())
    except Exception:  # noqa: BLE001  a description is nice to have, never worth failing a sweep
        return {}


def profile_choices() -> list[tuple[str, str, str]]:
    """(name, english title, chinese title) of the shipped band profiles."""
    from meetkit.sweep.profiles import load_profile, profile_names

    out = []
    for name in profile_names():
        p = load_profile(name)
        out.append((name, p.title, p.title_zh))
    return out


def make_plan(profile: str | None, span_hz: tuple[float, float] | None, passes: int) -> Any:
    from meetkit.sweep.hopplan import plan_profile, plan_span
    from meetkit.sweep.profiles import load_profile

    if profile:
        return plan_profile(load_profile(profile), passes=passes)
    if span_hz is None:
        raise MeetkitError(ErrorCode.INVALID_INPUT, "choose a band profile or a span", "请选择频段配置或填写扫描范围")
    return plan_span(span_hz[0], span_hz[1], passes=passes)


def recording_extent(source: Any, block_samples: int = 32768) -> tuple[tuple[float, float] | None, int]:
    """A recording's kept frequency extent and how many blocks its replay yields."""
    caps = list(source.captures())
    if not caps:
        return None, 0
    span = (min(float(c.keep_lo_hz) for c in caps), max(float(c.keep_hi_hz) for c in caps))
    blocks = sum(max(1, -(-int(c.n_samples) // block_samples)) for c in caps)
    return span, blocks


def acquisition(source: Any, plan: Any, clock: Clock, gain_db: float | None, stop_event: threading.Event) -> Any:
    from meetkit.sweep.acquisition import Acquisition

    return Acquisition(source, plan, gain_db=gain_db, clock=clock, stop_event=stop_event)


# -- analysis -------------------------------------------------------------------------------

def new_analyzer() -> Any:
    from meetkit.sweep.analysis.trace import SweepAnalyzer

    return SweepAnalyzer()


def load_baseline(path: Path, clock: Clock) -> Any:
    """A Baseline from a previous sweep's output folder, an rtl_power CSV or a recording."""
    from meetkit.sweep.pipeline import load_baseline as _load

    return _load(Path(path), clock)


def baseline_trace(baseline: Any) -> Any:
    return getattr(baseline, "trace", None)


def findings_for(trace: Any, baseline: Any) -> list[dict[str, Any]]:
    """The findings of the trace so far (detection, artifacts, baseline, classification by
    ``meetkit.sweep.findings.make_findings``) as findings.json dicts plus ``lo_hz``/``hi_hz``."""
    from meetkit.sweep.analysis.signals import find_signals
    from meetkit.sweep.findings import make_findings

    detection = find_signals(trace)
    return [finding_dict(f) for f in make_findings(detection.signals, trace, baseline=baseline)]


def finding_dict(f: Any) -> dict[str, Any]:
    d = dict(f.to_json())
    sig = getattr(f, "signal", None)
    d["lo_hz"] = float(sig.lo_hz) if sig is not None else d["freq_hz"] - d["bandwidth_hz"] / 2
    d["hi_hz"] = float(sig.hi_hz) if sig is not None else d["freq_hz"] + d["bandwidth_hz"] / 2
    return d


def band_label(finding: dict[str, Any], lang: str) -> str:
    band = finding.get("band")
    if not band:
        return ""
    if isinstance(band, str):
        return band
    return str(band.get("name_zh" if lang == "zh" else "name") or band.get("name") or "")


# -- outputs --------------------------------------------------------------------------------

def finish(analyzer: Any, source: Any, *, out_dir: Path | None, request: Any, baseline: Any, plan: Any,
           acquisition: dict[str, Any], hardware: dict[str, Any], clock: Clock, level: str, head_hash: str | None) -> Any:
    """Final detection, artifact recheck on a live source, and every output file
    (findings.json, trace.csv, spectrum.png, report.pdf, IQ snippets) by ``meetkit.sweep.pipeline``."""
    from meetkit.sweep import pipeline

    live = bool(getattr(source, "is_live", False))
    lost = bool(acquisition.get("error")) and not acquisition.get("stopped")  # the source is gone
    snippets = None
    if lost:
        pass
    elif live and plan is not None:
        snippets = pipeline.live_snippets(source, plan.rate_sps)
    elif not live:
        snippets = pipeline.recording_snippets([request.source_arg], clock)
    profile = request.profile or (f"{request.span_hz[0] / 1e6:g}-{request.span_hz[1] / 1e6:g} MHz" if request.span_hz else None)
    return pipeline.finish(
        analyzer,
        out_dir=out_dir,
        source_label=request.describe_source(),
        profile=profile,
        clock=clock,
        baseline=baseline,
        plan=plan,
        acquisition=acquisition,
        hardware=hardware,
        snippet_source=snippets,
        live_source=source if live and not acquisition.get("error") else None,
        level=level,
        head_hash=head_hash,
    )


# -- level meter ----------------------------------------------------------------------------

def level_readings(source: Any, freq_hz: float, bandwidth_hz: float) -> Any:
    """Readings (``level_dbfs``, ``peak_dbfs``, ``noise_dbfs``) ten times a second from
    ``meetkit.sweep.pipeline.level_meter``."""
    from meetkit.sweep.pipeline import level_meter

    return level_meter(source, freq_hz, bandwidth_hz=max(bandwidth_hz, 10e3))


@functools.cache
def audio_available() -> bool:
    """True when QtMultimedia is importable (PySide6-Addons ships it, PySide6-Essentials does
    not). Whether there is an audio output is asked each time the level meter starts
    (``meetkit.gui.sweep_meter.audio_outputs``)."""
    try:
        importlib.import_module("PySide6.QtMultimedia")
    except ImportError:
        return False
    return True


# -- meetings -------------------------------------------------------------------------------

def attach_service() -> Any:
    """``meetkit.sweep.attach`` when it is in the tree, else None."""
    return _optional("meetkit.sweep.attach")
