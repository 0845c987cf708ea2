"""Hops stitched into one trace per pass, passes combined; the incremental :class:`SweepAnalyzer`.

Each block's spectrum is cropped to the part its hop keeps (``info.extra["keep_lo_hz"]`` /
``["keep_hi_hz"]``; without them the outer 10 % roll-off of the band is dropped), the DC bins
are already interpolated by the PSD. Blocks of the same hop (same centre, rate and kept range)
and pass accumulate frames; passes combine as mean of means, max of max-holds, min of
min-holds and averaged occupancy. The analyzer is thread-safe: a worker thread adds blocks,
a GUI timer calls :meth:`SweepAnalyzer.trace` for the newest trace at any time.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from meetkit.sweep.analysis.detect import DetectSettings, threshold_factors
from meetkit.sweep.analysis.psd import BlockSpectrum, PsdEngine, PsdSettings, to_db
from meetkit.sweep.blocks import IQBlock

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

DEFAULT_EDGE_CROP = 0.10  # share of the band dropped (both edges together) when no keep range is given


@dataclass(frozen=True)
class Segment:
    """One hop's kept part inside a trace: bins ``start:stop`` cover ``[lo_hz, hi_hz)``."""

    lo_hz: float
    hi_hz: float
    centre_hz: float
    rate_sps: float
    start: int
    stop: int
    centres_hz: tuple[float, ...] = ()  # every centre this hop was tuned to (passes may shift it off the DC)


@dataclass
class Trace:
    """A stitched spectrum: linear power per bin (unit full scale) and what is known per bin."""

    freqs_hz: F64
    bin_hz: F32
    mean_p: F32
    max_p: F32
    min_p: F32
    occupancy: F32
    n_frames: F32  # frames averaged per bin over all passes
    passes: int
    segments: list[Segment] = field(default_factory=list)
    first_seen: F64 | None = None  # POSIX seconds per bin when it was first above threshold (nan: never)
    last_seen: F64 | None = None
    passes_seen: npt.NDArray[np.int32] | None = None
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    overlap: float = 0.0
    fft_size: int = 1024
    has_max_hold: bool = True  # False for a trace read from a single-sweep CSV (max = min = mean)

    def __len__(self) -> int:
        return int(self.freqs_hz.shape[0])

    @property
    def mean_dbfs(self) -> F32:
        return to_db(self.mean_p)

    @property
    def max_dbfs(self) -> F32:
        return to_db(self.max_p)

    @property
    def min_dbfs(self) -> F32:
        return to_db(self.min_p)

    def covered(self) -> list[tuple[float, float]]:
        """Merged frequency ranges with data, ascending."""
        spans = sorted((s.lo_hz, s.hi_hz) for s in self.segments)
        tol = 1.5 * float(np.max(self.bin_hz)) if len(self) else 1.0
        merged: list[tuple[float, float]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1] + tol:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        return merged

    def segment_arrays(self) -> list[tuple[F64, F32, float, float]]:
        """Per segment ``(freqs_hz, mean_p, bin_hz, n_avg)`` for the noise estimate."""
        out = []
        for s in self.segments:
            sl = slice(s.start, s.stop)
            if s.stop > s.start:
                out.append((self.freqs_hz[sl], self.mean_p[sl], float(self.bin_hz[s.start]), float(self.n_frames[s.start])))
        return out


def keep_range(block: IQBlock, edge_crop: float = DEFAULT_EDGE_CROP) -> tuple[float, float]:
    extra = block.info.extra or {}
    lo = extra.get("keep_lo_hz")
    hi = extra.get("keep_hi_hz")
    if lo is not None and hi is not None:
        return float(lo), float(hi)
    half = block.info.rate_sps * (1.0 - edge_crop) / 2.0
    return block.info.centre_hz - half, block.info.centre_hz + half


@functools.lru_cache(maxsize=64)
def _bin_offsets_hz(fft_size: int, rate_sps: float) -> F64:
    """Each bin's offset from the tuned centre, ascending (shared: never written to)."""
    offsets = (np.arange(fft_size, dtype=np.float64) - fft_size // 2) * (rate_sps / fft_size)
    offsets.flags.writeable = False
    return offsets


def _filled(n: int, dtype: type, value: float) -> npt.NDArray[np.generic]:
    """``np.full`` without its Python-level overhead (a few µs, on every new hop)."""
    arr = np.empty(n, dtype)
    arr.fill(value)
    return arr


class _SegAccum:
    """Accumulators of one hop (segment) across passes."""

    def __init__(self, spec: BlockSpectrum, lo_hz: float, hi_hz: float) -> None:
        freqs = spec.centre_hz + _bin_offsets_hz(spec.fft_size, spec.rate_sps)  # ascending: keep lo_hz <= f < hi_hz
        start, stop = np.searchsorted(freqs, (lo_hz, hi_hz), side="left").tolist()
        self.sel = slice(start, stop) if stop > start else slice(0, 0)
        self.freqs = freqs[self.sel]
        n = self.freqs.shape[0]
        self.lo_hz, self.hi_hz = lo_hz, hi_hz
        self.centre_hz, self.rate_sps, self.fft_size = spec.centre_hz, spec.rate_sps, spec.fft_size
        self.centres: set[float] = {float(spec.centre_hz)}
        self.cur_pass = -1
        self._reset_current(n)
        # the combination of the folded passes: made from the first folded pass (see fold)
        self.sum_means: F64
        self.max_p: F32
        self.min_p: F32
        self.occ_sum: F64
        self.passes_hit: npt.NDArray[np.int32]
        self.n_passes = 0
        self.frames_total = 0
        self.first_seen = _filled(n, np.float64, np.nan)
        self.last_seen = _filled(n, np.float64, np.nan)

    def _reset_current(self, n: int) -> None:
        """An empty current pass; its arrays are made from the pass's first block (see add)."""
        self.cur_frames = 0

    def fold(self) -> None:
        if self.cur_frames == 0:
            return
        mean = self.cur_sum / self.cur_frames
        occ = self.cur_occ / self.cur_frames
        if self.n_passes == 0:  # the first pass's arrays become the combination (the next pass makes new ones)
            self.sum_means, self.max_p, self.min_p, self.occ_sum = mean, self.cur_max, self.cur_min, occ
            self.passes_hit = self.cur_hit.astype(np.int32)
        else:
            self.sum_means += mean
            np.maximum(self.max_p, self.cur_max, out=self.max_p)
            np.minimum(self.min_p, self.cur_min, out=self.min_p)
            self.occ_sum += occ
            self.passes_hit += self.cur_hit
        self.n_passes += 1
        self.frames_total += self.cur_frames
        self._reset_current(self.freqs.shape[0])

    def slice_for(self, spec: BlockSpectrum) -> slice | None:
        """Where this hop's bins sit in ``spec``; a pass tuned off the hop's first centre by a whole
        number of bins lands on the same grid, shifted. None when the grids do not line up."""
        if spec.fft_size != self.fft_size or spec.rate_sps != self.rate_sps:
            return None
        shift = (spec.centre_hz - self.centre_hz) * self.fft_size / self.rate_sps
        k = int(round(shift))
        if abs(shift - k) > 0.01:
            return None
        start, stop = self.sel.start - k, self.sel.stop - k
        if start < 0 or stop > self.fft_size:
            return None
        return slice(start, stop)

    def add(self, spec: BlockSpectrum, sel: slice, pass_index: int, t0: float, t1: float, factors: tuple[float, float]) -> None:
        """Fold one block's spectrum into the current pass: ``sel`` is where this hop's bins sit
        in it (from :meth:`slice_for`), ``factors`` the (mean, max-hold) detection threshold
        factors for ``spec.n_frames`` frames."""
        if pass_index != self.cur_pass:
            self.fold()
            self.cur_pass = pass_index
        self.centres.add(float(spec.centre_hz))
        sum_p, max_p = spec.sum_p[sel], spec.max_p[sel]
        noise = spec.noise_p[sel]
        hit = sum_p > noise * np.float32(factors[0] * spec.n_frames)
        hit |= max_p > noise * np.float32(factors[1])
        if self.cur_frames == 0:  # the pass's first block: copies, not zeros plus a first sum
            self.cur_sum = sum_p.astype(np.float64)
            self.cur_max = max_p.copy()
            self.cur_min = spec.min_p[sel].copy()
            self.cur_occ = spec.occ_count[sel].astype(np.int64)
            self.cur_hit = hit
        else:
            self.cur_sum += sum_p
            np.maximum(self.cur_max, max_p, out=self.cur_max)
            np.minimum(self.cur_min, spec.min_p[sel], out=self.cur_min)
            self.cur_occ += spec.occ_count[sel]
            self.cur_hit |= hit
        self.cur_frames += spec.n_frames
        np.fmin(self.first_seen, t0, out=self.first_seen, where=hit)
        np.fmax(self.last_seen, t1, out=self.last_seen, where=hit)

    def latest(self) -> tuple[F32, F32, F32, F32, float, int, npt.NDArray[np.int32]]:
        """Like :meth:`snapshot` but only this hop's newest pass (the current one while it fills)."""
        if self.cur_frames == 0:
            return self.snapshot()
        f = self.cur_frames
        return (
            (self.cur_sum / f).astype(np.float32),
            self.cur_max.astype(np.float32),
            self.cur_min.astype(np.float32),
            (self.cur_occ / f).astype(np.float32),
            float(f),
            1,
            self.cur_hit.astype(np.int32),
        )

    def snapshot(self) -> tuple[F32, F32, F32, F32, float, int, npt.NDArray[np.int32]]:
        """(mean, max, min, occupancy, frames, passes, passes_seen) including the unfolded pass."""
        if self.n_passes == 0:  # nothing folded yet: the current pass is the whole combination
            if self.cur_frames:
                return self.latest()
            n = self.freqs.shape[0]
            zero = np.zeros(n, np.float32)
            return zero, zero, zero, zero, 0.0, 0, np.zeros(n, np.int32)
        sum_means = self.sum_means
        occ_sum = self.occ_sum
        max_p, min_p = self.max_p, self.min_p
        passes, frames = self.n_passes, self.frames_total
        seen = self.passes_hit
        if self.cur_frames:
            sum_means = sum_means + self.cur_sum / self.cur_frames
            occ_sum = occ_sum + self.cur_occ / self.cur_frames
            max_p = np.maximum(max_p, self.cur_max)
            min_p = np.minimum(min_p, self.cur_min)
            passes += 1
            frames += self.cur_frames
            seen = seen + self.cur_hit
        return (
            (sum_means / passes).astype(np.float32),
            max_p.astype(np.float32),
            min_p.astype(np.float32),
            (occ_sum / passes).astype(np.float32),
            float(frames),
            passes,
            seen.astype(np.int32),
        )


@dataclass(frozen=True)
class AnalysisSettings:
    psd: PsdSettings = field(default_factory=PsdSettings)
    pfa: float = 3e-7
    margin_db: float = 0.5
    edge_crop: float = DEFAULT_EDGE_CROP

    def detect_settings(self, fft_size: int = 1024) -> DetectSettings:
        return DetectSettings(pfa=self.pfa, margin_db=self.margin_db, overlap=self.psd.overlap, fft_size=fft_size)


class SweepAnalyzer:
    """Feed IQ blocks with :meth:`add_block`; ask for the newest :meth:`trace` at any time."""

    def __init__(self, settings: AnalysisSettings | None = None) -> None:
        self.settings = settings or AnalysisSettings()
        self._engine = PsdEngine(self.settings.psd)
        self._detect: dict[int, DetectSettings] = {}
        self._segs: dict[tuple[int, int, int, int], _SegAccum] = {}
        self._lock = threading.Lock()
        self._version = 0
        self._cached: tuple[int, Trace] | None = None
        self.blocks_seen = 0
        self.samples_seen = 0
        self.started: dt.datetime | None = None
        self.ended: dt.datetime | None = None
        self.last_pass_index = 0
        self.last_hop_index = -1

    def add_block(self, block: IQBlock) -> None:
        info = block.info
        lo, hi = keep_range(block, self.settings.edge_crop)
        parts = self._engine.block(block.samples, info.centre_hz, info.rate_sps)
        if not parts:
            return
        t_start = info.time.timestamp()
        # a hop is its kept range: passes tuned a little off its centre (to see what the DC hides) share it
        key: tuple[int, ...] = (int(round(info.rate_sps)), int(round(lo)), int(round(hi)))
        detect = self._detect.get(parts[0].fft_size)
        if detect is None:
            detect = self._detect[parts[0].fft_size] = self.settings.detect_settings(parts[0].fft_size)
        with self._lock:
            seg = self._segs.get(key)
            sel = seg.slice_for(parts[0]) if seg is not None else None
            if seg is not None and sel is None:
                key = (int(round(info.centre_hz)), *key)  # a grid that does not line up: a hop of its own
                seg = self._segs.get(key)
                sel = seg.slice_for(parts[0]) if seg is not None else None
            if seg is None or sel is None:
                seg = _SegAccum(parts[0], lo, hi)
                self._segs[key] = seg
                sel = seg.sel
            offset = 0.0
            for spec in parts:  # the parts of one block share its tuning, hence its bins
                dur = spec.n_frames * self.settings.psd.hop_frames(spec.fft_size) / info.rate_sps
                seg.add(spec, sel, info.pass_index, t_start + offset, t_start + offset + dur, threshold_factors(float(spec.n_frames), detect))
                offset += dur
            self.blocks_seen += 1
            self.samples_seen += len(block)
            end = info.time + dt.timedelta(seconds=offset)
            self.started = info.time if self.started is None else min(self.started, info.time)
            self.ended = end if self.ended is None else max(self.ended, end)
            self.last_pass_index = info.pass_index
            self.last_hop_index = info.hop_index
            self._version += 1

    def trace(self) -> Trace:
        """The newest combined trace (all passes so far, the current one included)."""
        with self._lock:
            if self._cached is not None and self._cached[0] == self._version:
                return self._cached[1]
            trace = self._build()
            self._cached = (self._version, trace)
            return trace

    def latest_trace(self) -> Trace:
        """Every hop's newest pass only (for a waterfall row or a live 'now' curve)."""
        with self._lock:
            return self._build(latest=True)

    def _build(self, latest: bool = False) -> Trace:
        segs = sorted(self._segs.values(), key=lambda s: (s.lo_hz, s.hi_hz))
        cols: dict[str, list[npt.NDArray[np.generic]]] = {k: [] for k in ("f", "bw", "mean", "max", "min", "occ", "frames", "first", "last", "seen")}
        segments: list[Segment] = []
        passes = 0
        fft_size = 1024
        pos = 0
        prev_end = -math.inf
        for seg in segs:
            mean, mx, mn, occ, frames, n_passes, seen = seg.latest() if latest else seg.snapshot()
            if n_passes == 0:
                continue
            keep = seg.freqs >= prev_end - 0.25 * seg.rate_sps / seg.fft_size if math.isfinite(prev_end) else np.ones(seg.freqs.shape[0], bool)
            n = int(keep.sum())
            if n == 0:
                continue
            bin_hz = seg.rate_sps / seg.fft_size
            f = seg.freqs[keep]
            cols["f"].append(f)
            cols["bw"].append(np.full(n, bin_hz, np.float32))
            cols["mean"].append(mean[keep])
            cols["max"].append(mx[keep])
            cols["min"].append(mn[keep])
            cols["occ"].append(occ[keep])
            cols["frames"].append(np.full(n, frames, np.float32))
            cols["first"].append(seg.first_seen[keep])
            cols["last"].append(seg.last_seen[keep])
            cols["seen"].append(seen[keep])
            lo = max(seg.lo_hz, prev_end) if math.isfinite(prev_end) else seg.lo_hz
            hi = max(seg.hi_hz, float(f[-1]) + bin_hz / 2) if seg.hi_hz > lo else float(f[-1]) + bin_hz / 2
            segments.append(Segment(lo, hi, seg.centre_hz, seg.rate_sps, pos, pos + n, tuple(sorted(seg.centres))))
            pos += n
            prev_end = max(float(f[-1]) + bin_hz / 2, seg.hi_hz)
            passes = max(passes, n_passes)
            fft_size = seg.fft_size

        def cat(name: str, dtype: type) -> npt.NDArray[np.generic]:
            return np.concatenate(cols[name]).astype(dtype) if cols[name] else np.zeros(0, dtype)

        return Trace(
            freqs_hz=cat("f", np.float64),  # type: ignore[arg-type]
            bin_hz=cat("bw", np.float32),  # type: ignore[arg-type]
            mean_p=cat("mean", np.float32),  # type: ignore[arg-type]
            max_p=cat("max", np.float32),  # type: ignore[arg-type]
            min_p=cat("min", np.float32),  # type: ignore[arg-type]
            occupancy=cat("occ", np.float32),  # type: ignore[arg-type]
            n_frames=cat("frames", np.float32),  # type: ignore[arg-type]
            passes=passes,
            segments=segments,
            first_seen=cat("first", np.float64),  # type: ignore[arg-type]
            last_seen=cat("last", np.float64),  # type: ignore[arg-type]
            passes_seen=cat("seen", np.int32),  # type: ignore[arg-type]
            started=self.started,
            ended=self.ended,
            overlap=self.settings.psd.overlap,
            fft_size=fft_size,
        )
