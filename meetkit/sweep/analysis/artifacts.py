"""Tuner artifacts: crystal harmonics, DC residue, and what moves with the tuning.

- The RTL-SDR's 28.8 MHz reference crystal leaks harmonics ``n × 28.8 MHz`` into the front end:
  a narrow carrier within ``3 kHz + 30 ppm`` of one is marked an artifact.
- The LO leak at each hop's tuned centre is interpolated by the PSD; what survives it (a narrow
  residue within ``dc_hz`` of a hop centre) is marked an artifact.
- On a live source a candidate can be rechecked: tune so the candidate lands a quarter of the
  sample rate to one side, then to the other, and measure the level at the candidate's *absolute*
  frequency. A real emitter stays put; an artifact of the receiver (an image, a spur tied to the
  LO) moves with the tuning, so at its old absolute frequency it is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from meetkit.sweep.analysis.classify import Reason
from meetkit.sweep.analysis.psd import PsdEngine, PsdSettings, to_db
from meetkit.sweep.analysis.signals import Signal
from meetkit.sweep.analysis.trace import Trace
from meetkit.sweep.blocks import Source

CRYSTAL_HZ = 28.8e6


def crystal_harmonic(freq_hz: float, bandwidth_hz: float, *, max_bw_hz: float = 60e3, ppm: float = 30.0) -> int | None:
    """The harmonic number n when the signal is a narrow carrier at n × 28.8 MHz, else None."""
    n = int(round(freq_hz / CRYSTAL_HZ))
    if n < 1 or bandwidth_hz > max_bw_hz:
        return None
    tol = 3e3 + freq_hz * ppm * 1e-6
    return n if abs(freq_hz - n * CRYSTAL_HZ) <= tol else None


def dc_residue(freq_hz: float, bandwidth_hz: float, hop_centres_hz: np.ndarray, *, dc_hz: float = 8e3, max_bw_hz: float = 20e3) -> float | None:
    """The hop centre when the signal is a narrow residue at a tuned centre, else None."""
    if hop_centres_hz.size == 0 or bandwidth_hz > max_bw_hz:
        return None
    i = int(np.argmin(np.abs(hop_centres_hz - freq_hz)))
    centre = float(hop_centres_hz[i])
    return centre if abs(centre - freq_hz) <= dc_hz else None


def hop_centres(trace: Trace, signals: Sequence[Signal] | None = None, *, dc_hz: float = 8e3, max_bw_hz: float = 20e3) -> np.ndarray:
    """The tuned centres where a narrow signal counts as DC residue.

    A hop tuned at one centre in every pass: that centre. A hop whose passes were tuned at several
    centres (the hop plan shifts odd passes so nothing stays hidden under the DC): its centres only
    when ``signals`` has a narrow signal at every one of them — residue moves with the tuning, a real
    emitter near one centre does not."""
    centres: set[float] = set()
    narrow = np.array(sorted(s.freq_hz for s in (signals or ()) if s.bandwidth_hz <= max_bw_hz), dtype=np.float64)
    for seg in trace.segments:
        tuned = seg.centres_hz or (seg.centre_hz,)
        if len(tuned) == 1:
            centres.add(float(tuned[0]))
        elif narrow.size and all(np.min(np.abs(narrow - c)) <= dc_hz for c in tuned):
            centres.update(float(c) for c in tuned)
    return np.array(sorted(centres), dtype=np.float64)


def artifact_reasons(signal: Signal, trace: Trace, centres: np.ndarray | None = None) -> list[Reason]:
    """Why the signal is a tuner artifact (empty when it is not). ``centres``: :func:`hop_centres`."""
    reasons: list[Reason] = []
    n = crystal_harmonic(signal.freq_hz, signal.bandwidth_hz)
    if n is not None:
        reasons.append(
            Reason(
                f"narrow carrier at {n} × 28.8 MHz: a harmonic of the receiver's crystal",
                f"位于 {n} × 28.8 MHz 的窄带载波：接收机晶振谐波",
            )
        )
    if centres is None:
        centres = hop_centres(trace)
    centre = dc_residue(signal.freq_hz, signal.bandwidth_hz, centres)
    if centre is not None:
        reasons.append(
            Reason(
                f"narrow residue at a tuned centre ({centre / 1e6:.4f} MHz): DC leak of the receiver",
                f"位于调谐中心（{centre / 1e6:.4f} MHz）的窄带残留：接收机直流泄漏",
            )
        )
    return reasons


@dataclass
class RecheckResult:
    freq_hz: float
    is_artifact: bool
    conclusive: bool  # False when the candidate was not there even at its own tuning (e.g. a radio between overs)
    levels_dbfs: list[float]  # level at the absolute frequency: own tuning, then offset −rate/4 and +rate/4
    noise_dbfs: list[float]
    reason: Reason


def _level_at(engine: PsdEngine, source: Source, centre_hz: float, freq_hz: float, n_samples: int, bandwidth_hz: float) -> tuple[float, float]:
    source.tune(centre_hz)
    source.read(4096)  # settle: discard what was in flight while retuning
    block = source.read(n_samples)
    parts = engine.block(block.samples, centre_hz, block.info.rate_sps)
    spec = parts[0]
    for extra in parts[1:]:
        spec.sum_p += extra.sum_p
        spec.n_frames += extra.n_frames
    f = spec.freqs_hz()
    band = np.abs(f - freq_hz) <= max(bandwidth_hz / 2.0, spec.bin_hz)
    return float(np.max(to_db(spec.mean_p[band]))), float(np.median(to_db(spec.noise_p)))


def recheck(
    source: Source,
    freq_hz: float,
    *,
    rate_sps: float = 2.4e6,
    own_centre_hz: float | None = None,
    n_samples: int = 65536,
    bandwidth_hz: float = 10e3,
    min_snr_db: float = 6.0,
    settings: PsdSettings | None = None,
) -> RecheckResult:
    """Retune a live source around a candidate and say whether it moves with the tuning.

    First the candidate is measured at the tuning where it was seen (``own_centre_hz``, default
    rate/8 below it): when it is not there now (a radio between overs), the recheck is
    inconclusive and nothing is concluded. Otherwise it is measured with the tuner offset by
    −rate/4 and +rate/4: the candidate is an artifact when at its absolute frequency it shows less
    than ``min_snr_db`` over the floor in either offset tuning.
    """
    if not getattr(source, "is_live", False):
        raise ValueError("recheck needs a live source")
    engine = PsdEngine(settings or PsdSettings())
    source.set_sample_rate(rate_sps)
    own = own_centre_hz if own_centre_hz is not None else freq_hz - rate_sps / 8.0
    levels: list[float] = []
    noises: list[float] = []
    for centre in (own, freq_hz - rate_sps / 4.0, freq_hz + rate_sps / 4.0):
        level, noise = _level_at(engine, source, centre, freq_hz, n_samples, bandwidth_hz)
        levels.append(level)
        noises.append(noise)
        if len(levels) == 1 and level - noise < min_snr_db:
            break
    f_mhz = freq_hz / 1e6
    if levels[0] - noises[0] < min_snr_db:
        reason = Reason(
            f"{f_mhz:.4f} MHz was not on during the recheck: it could not be told whether it moves with the tuning",
            f"复查时 {f_mhz:.4f} MHz 未出现：无法判断其是否随调谐移动",
        )
        return RecheckResult(freq_hz, False, False, levels, noises, reason)
    moved = any(lv - nz < min_snr_db for lv, nz in zip(levels[1:], noises[1:]))
    if moved:
        reason = Reason(
            f"{f_mhz:.4f} MHz vanished when the tuner was offset by a quarter of the sample rate: it moves with the tuning",
            f"{f_mhz:.4f} MHz 在调谐偏移四分之一采样率后消失：随调谐移动，属接收机伪信号",
        )
    else:
        reason = Reason(
            f"{f_mhz:.4f} MHz stayed at its frequency with the tuner offset both ways: a real emitter",
            f"{f_mhz:.4f} MHz 在调谐双向偏移后仍在原频率：真实发射源",
        )
    return RecheckResult(freq_hz, moved, True, levels, noises, reason)
