"""rtl_power CSV: write a trace, read rtl_power (osmocom, keenerd), rtl_power_fftw and hackrf_sweep.

Format (osmocom ``rtl_power.c``): ``date, time, Hz low, Hz high, Hz step, samples, dB, dB, ...``.
Osmocom prints the last bin twice (values = (high-low)/step + 1), keenerd does not; hackrf_sweep
writes the same columns with microseconds in the time. rtl_power_fftw's own text output is
``frequency power`` pairs, one per line, with ``#`` comments and blank lines between scans; it
is read too. Lines that repeat the same ``(low, high, step)`` are further sweeps: they combine as
mean of means, max and min. Bin ``i`` of a line is at ``low + i * step`` (as rtl_power prints it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.analysis.psd import from_db, to_db
from meetkit.sweep.analysis.trace import Segment, Trace

MAX_ABS_DB = 300.0  # beyond this a "dB" is junk (and its linear power would overflow float32)


def write_csv(trace: Trace, path: str | Path, *, values: str = "mean", when: dt.datetime | None = None) -> int:
    """Write one line per hop segment; returns the number of lines. ``values``: mean, max or min."""
    arr = {"mean": trace.mean_dbfs, "max": trace.max_dbfs, "min": trace.min_dbfs}[values]
    stamp = when or trace.started or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    date_s = stamp.strftime("%Y-%m-%d")
    time_s = stamp.strftime("%H:%M:%S")
    lines = []
    for seg in trace.segments:
        if seg.stop <= seg.start:
            continue
        step = float(trace.bin_hz[seg.start])
        f0 = float(trace.freqs_hz[seg.start])
        n = seg.stop - seg.start
        low = f0
        samples = int(trace.n_frames[seg.start])
        vals = ", ".join(map("{:.2f}".format, arr[seg.start : seg.stop].tolist()))
        lines.append(f"{date_s}, {time_s}, {int(round(low))}, {int(round(low + n * step))}, {step:.2f}, {samples}, {vals}")
    Path(path).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    return len(lines)


@dataclass
class CsvTrace:
    trace: Trace
    format: str  # rtl_power-osmocom, rtl_power-keenerd, hackrf_sweep, rtl_power_fftw
    lines: int
    skipped: int
    sweeps: int


def _bad(path: Path, lineno: int, why: str) -> MeetkitError:
    return MeetkitError(
        ErrorCode.INVALID_INPUT,
        f"{path.name} line {lineno}: {why}",
        f"{path.name} 第 {lineno} 行格式不对：{why}",
        line=lineno,
    )


def _parse_time(date_s: str, time_s: str) -> dt.datetime:
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in time_s else "%Y-%m-%d %H:%M:%S"
    return dt.datetime.strptime(f"{date_s} {time_s}", fmt).replace(tzinfo=dt.UTC)


def read_csv(path: str | Path, *, strict: bool = True) -> CsvTrace:
    """Read a sweep CSV into a trace. ``strict``: a bad line raises an error naming it;
    otherwise bad lines are skipped and counted."""
    path = Path(path)
    try:
        # a line of binary junk is a bad line like any other (skipped, or named with --strict),
        # not a reason to refuse the whole file
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as err:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"cannot read {path}: {err}", f"无法读取 {path}：{err}") from err
    rows: dict[tuple[float, float, float, int], list[tuple[np.ndarray, int]]] = {}
    pairs: list[list[tuple[float, float]]] = [[]]
    skipped = 0
    used = 0
    fmt = ""
    times: list[dt.datetime] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if pairs[-1]:
                pairs.append([])
            continue
        if line.startswith("#"):
            continue
        try:
            if "\ufffd" in line:
                raise ValueError("not text (bytes that are not UTF-8)")
            parts = [p.strip() for p in line.split(",")]
            if len(parts) >= 7:
                time_s = parts[1]
                when = _parse_time(parts[0], time_s)
                low, high, step = float(parts[2]), float(parts[3]), float(parts[4])
                samples = int(float(parts[5]))
                vals = np.array([float(v) for v in parts[6:]], dtype=np.float64)
                if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(step)) or step <= 0 or high <= low:
                    raise ValueError("Hz low, Hz high and Hz step must be finite with low < high and step > 0")
                if not np.all(np.isfinite(vals)):
                    raise ValueError("a dB value is not a finite number")
                if np.any(np.abs(vals) > MAX_ABS_DB):
                    raise ValueError(f"a dB value beyond ±{MAX_ABS_DB:g} dB is not a power reading")
                n = int(round((high - low) / step))
                if n < 1 or n > 1_000_000:
                    raise ValueError("bin count out of range")
                if vals.size == n + 1:
                    vals = vals[:n]
                    fmt = fmt or "rtl_power-osmocom"
                elif vals.size == n:
                    fmt = fmt or ("hackrf_sweep" if "." in time_s else "rtl_power-keenerd")
                else:
                    raise ValueError(f"{vals.size} dB values where (Hz high - Hz low) / Hz step gives {n}")
                rows.setdefault((low, high, step, n), []).append((vals, samples))
                times.append(when)
            else:
                fields = line.replace(",", " ").split()
                if len(fields) != 2:
                    raise ValueError("neither 'date, time, Hz low, Hz high, Hz step, samples, dB...' nor 'frequency power'")
                f, p = float(fields[0]), float(fields[1])
                if not (math.isfinite(f) and math.isfinite(p)) or f <= 0:
                    raise ValueError("frequency and power must be finite numbers")
                if abs(p) > MAX_ABS_DB:
                    raise ValueError(f"a dB value beyond ±{MAX_ABS_DB:g} dB is not a power reading")
                pairs[-1].append((f, p))
                fmt = fmt or "rtl_power_fftw"
            used += 1
        except (ValueError, IndexError, OverflowError) as err:
            if strict:
                raise _bad(path, lineno, str(err)) from err
            skipped += 1
    if not rows and not any(pairs):
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"{path.name}: no sweep data found", f"{path.name}：未找到扫频数据")
    if rows:
        trace, sweeps = _from_rows(rows, fmt)
    else:
        trace, sweeps = _from_pairs([p for p in pairs if p])
    trace.has_max_hold = sweeps > 1
    if times:
        trace.started, trace.ended = min(times), max(times)
    return CsvTrace(trace, fmt, used, skipped, sweeps)


def _assemble(segs: list[tuple[np.ndarray, float, np.ndarray, np.ndarray, np.ndarray, int, int]], sweeps: int) -> Trace:
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("f", "bw", "mean", "max", "min", "frames")}
    segments: list[Segment] = []
    pos = 0
    prev_end = -math.inf
    for freqs, step, mean_p, max_p, min_p, frames, _n in sorted(segs, key=lambda s: float(s[0][0])):
        keep = freqs > prev_end
        n = int(keep.sum())
        if n == 0:
            continue
        f = freqs[keep]
        cols["f"].append(f)
        cols["bw"].append(np.full(n, step, np.float32))
        cols["mean"].append(mean_p[keep])
        cols["max"].append(max_p[keep])
        cols["min"].append(min_p[keep])
        cols["frames"].append(np.full(n, frames, np.float32))
        lo, hi = float(f[0]) - step / 2, float(f[-1]) + step / 2
        segments.append(Segment(lo, hi, (lo + hi) / 2, hi - lo, pos, pos + n))
        pos += n
        prev_end = hi - step / 4
    cat = {k: np.concatenate(v) for k, v in cols.items()}
    n_total = cat["f"].shape[0]
    return Trace(
        freqs_hz=cat["f"].astype(np.float64),
        bin_hz=cat["bw"].astype(np.float32),
        mean_p=cat["mean"].astype(np.float32),
        max_p=cat["max"].astype(np.float32),
        min_p=cat["min"].astype(np.float32),
        occupancy=np.zeros(n_total, np.float32),
        n_frames=cat["frames"].astype(np.float32),
        passes=sweeps,
        segments=segments,
        first_seen=np.full(n_total, np.nan),
        last_seen=np.full(n_total, np.nan),
        passes_seen=np.zeros(n_total, np.int32),
    )


def _from_rows(rows: dict[tuple[float, float, float, int], list[tuple[np.ndarray, int]]], fmt: str) -> tuple[Trace, int]:
    segs = []
    sweeps = 0
    for (low, _high, step, n), items in rows.items():
        lin = np.stack([from_db(v).astype(np.float64) for v, _s in items])
        freqs = low + np.arange(n) * step
        samples = int(np.median([s for _v, s in items]))
        # hackrf_sweep's column is the FFT size, not a count of averages: assume few averages
        frames = 8 if fmt == "hackrf_sweep" else min(max(samples, 1), 100)
        segs.append((freqs, step, lin.mean(axis=0).astype(np.float32), lin.max(axis=0).astype(np.float32), lin.min(axis=0).astype(np.float32), frames * len(items), n))
        sweeps = max(sweeps, len(items))
    return _assemble(segs, sweeps), sweeps


def _from_pairs(scans: list[list[tuple[float, float]]]) -> tuple[Trace, int]:
    by_freq: dict[float, list[float]] = {}
    for scan in scans:
        for f, p in scan:
            by_freq.setdefault(f, []).append(p)
    freqs = np.array(sorted(by_freq), dtype=np.float64)
    lin = [from_db(np.array(by_freq[f])).astype(np.float64) for f in freqs]
    mean_p = np.array([v.mean() for v in lin], np.float32)
    max_p = np.array([v.max() for v in lin], np.float32)
    min_p = np.array([v.min() for v in lin], np.float32)
    sweeps = max(len(v) for v in lin)
    # one segment per stretch of evenly spaced bins
    segs = []
    start = 0
    steps = np.diff(freqs)
    for i in range(1, len(freqs) + 1):
        if i == len(freqs) or (i - start >= 2 and abs(steps[i - 1] - steps[start]) > 0.01 * steps[start]):
            sl = slice(start, i)
            step = float(np.median(steps[start : max(i - 1, start + 1)])) if i - start > 1 else (float(steps[0]) if steps.size else 1.0)
            segs.append((freqs[sl], step, mean_p[sl], max_p[sl], min_p[sl], 10 * sweeps, i - start))
            start = i
    return _assemble(segs, sweeps), sweeps


__all__ = ["CsvTrace", "read_csv", "to_db", "write_csv"]
