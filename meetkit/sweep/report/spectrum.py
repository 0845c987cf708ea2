"""spectrum.png: the whole sweep (mean and max-hold), the baseline overlaid, findings marked.

Drawn with Pillow and the Noto CJK font. Disjoint covered ranges (a band profile) are drawn
side by side on a broken frequency axis, each as wide as its share of the covered spectrum
(with a minimum), so a 24–1766 MHz profile with gaps stays readable. Each column shows the
highest max-hold and the average mean of the bins under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from meetkit.sweep.analysis.classify import KIND_ZH
from meetkit.sweep.analysis.trace import Trace
from meetkit.sweep.findings import Finding

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
STATUS_COLOUR = {
    "new": (215, 25, 32),
    "stronger": (240, 120, 0),
    "ambient": (120, 120, 120),
    "friendly": (26, 150, 65),
    "artifact": (140, 80, 170),
}
MEAN_COLOUR = (31, 90, 180)
MAX_COLOUR = (150, 190, 235)
BASE_COLOUR = (60, 60, 60)
NOISE_COLOUR = (160, 160, 160)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_PATH, size, index=2)
    except OSError:
        return ImageFont.load_default()


@dataclass
class _Axis:
    ranges: list[tuple[float, float]]
    x0s: list[float]
    widths: list[float]

    def x(self, f: float) -> float | None:
        for (lo, hi), x0, w in zip(self.ranges, self.x0s, self.widths):
            if lo <= f <= hi:
                return x0 + (f - lo) / (hi - lo) * w
        return None


def _axis(ranges: list[tuple[float, float]], left: float, right: float, gap: float = 10.0, max_ranges: int = 24) -> _Axis:
    ranges = sorted(ranges)
    while len(ranges) > max_ranges:  # too many pieces: close the smallest gaps
        i = min(range(len(ranges) - 1), key=lambda k: ranges[k + 1][0] - ranges[k][1])
        ranges[i : i + 2] = [(ranges[i][0], max(ranges[i][1], ranges[i + 1][1]))]
    total = sum(hi - lo for lo, hi in ranges)
    usable = right - left - gap * (len(ranges) - 1)
    shares = np.array([(hi - lo) / total for lo, hi in ranges])
    shares = np.maximum(shares, min(0.04, 1.0 / len(ranges)))
    shares /= shares.sum()
    widths = (shares * usable).tolist()
    x0s = []
    x = left
    for w in widths:
        x0s.append(x)
        x += w + gap
    return _Axis(ranges, x0s, widths)


def _column_profile(freqs: np.ndarray, values: np.ndarray, lo: float, hi: float, n_cols: int, how: str) -> np.ndarray:
    sel = (freqs >= lo) & (freqs <= hi)
    out = np.full(n_cols, np.nan)
    if not sel.any() or n_cols <= 0:
        return out
    f = freqs[sel]
    v = values[sel].astype(np.float64)
    if f.size < n_cols:
        # fewer bins than pixels: interpolate at the column centres (within the data's extent)
        centres = lo + (np.arange(n_cols) + 0.5) / n_cols * (hi - lo)
        inside = (centres >= f[0]) & (centres <= f[-1])
        out[inside] = np.interp(centres[inside], f, v)
        return out
    cols = np.clip(((f - lo) / (hi - lo) * n_cols).astype(int), 0, n_cols - 1)
    if how == "max":
        np.fmax.at(out, cols, v)
    else:
        lin = 10 ** (v / 10)
        s = np.bincount(cols, weights=lin, minlength=n_cols)
        c = np.bincount(cols, minlength=n_cols)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(c > 0, 10 * np.log10(s / np.maximum(c, 1)), np.nan)
    return out


def _polyline(draw: ImageDraw.ImageDraw, xs: np.ndarray, ys: np.ndarray, colour: tuple[int, int, int], width: int = 1) -> None:
    pts: list[tuple[float, float]] = []
    for x, y in zip(xs, ys):
        if np.isfinite(y):
            pts.append((float(x), float(y)))
        elif pts:
            if len(pts) > 1:
                draw.line(pts, fill=colour, width=width)
            pts = []
    if len(pts) > 1:
        draw.line(pts, fill=colour, width=width)


def _fmt_mhz(f: float) -> str:
    return f"{f / 1e6:.3f}".rstrip("0").rstrip(".")


def render_spectrum(
    trace: Trace,
    findings: Sequence[Finding],
    path: str | Path,
    *,
    baseline: Trace | None = None,
    noise_dbfs: np.ndarray | None = None,
    title: str = "",
    ranges: list[tuple[float, float]] | None = None,
    size: tuple[int, int] = (1800, 760),
    label_statuses: Sequence[str] = ("new", "stronger"),
    max_labels: int = 40,
) -> Path:
    """Draw the sweep to ``path`` (PNG). ``ranges`` defaults to the trace's covered ranges."""
    width, height = size
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    f_small, f_mid, f_big = _font(13), _font(15), _font(20)
    left, right, top, bottom = 70, width - 20, 80, height - 70
    ranges = ranges or trace.covered()
    if not ranges or len(trace) == 0:
        draw.text((left, top), "no data / 无数据", fill="black", font=f_big)
        img.save(path)
        return Path(path)
    axis = _axis(ranges, left, right)
    mean_db, max_db = trace.mean_dbfs, trace.max_dbfs
    in_view = np.zeros(len(trace), bool)
    for lo, hi in ranges:
        in_view |= (trace.freqs_hz >= lo) & (trace.freqs_hz <= hi)
    finite_max = max_db[in_view & np.isfinite(max_db)]
    finite_mean = mean_db[in_view & np.isfinite(mean_db)]
    y_hi = float(np.ceil((np.max(finite_max) + 5) / 10) * 10) if finite_max.size else 0.0
    y_lo = float(np.floor((np.percentile(finite_mean, 1) - 5) / 10) * 10) if finite_mean.size else -100.0
    if y_hi - y_lo < 30:
        y_lo = y_hi - 30

    def y_of(db: np.ndarray) -> np.ndarray:
        return bottom - (np.clip(db, y_lo, y_hi) - y_lo) / (y_hi - y_lo) * (bottom - top)

    # title and legend
    draw.text((left, 12), title, fill="black", font=f_big)
    legend = [
        (MEAN_COLOUR, "mean 平均"),
        (MAX_COLOUR, "max-hold 最大保持"),
        (BASE_COLOUR, "baseline 基线"),
        (STATUS_COLOUR["new"], "new 新出现"),
        (STATUS_COLOUR["stronger"], "stronger 增强"),
        (STATUS_COLOUR["ambient"], "ambient 环境"),
        (STATUS_COLOUR["artifact"], "artifact 伪信号"),
    ]
    lx = left
    for colour, text in legend:
        draw.rectangle([lx, 50, lx + 18, 60], fill=colour)
        draw.text((lx + 22, 45), text, fill="black", font=f_small)
        lx += 34 + int(draw.textlength(text, font=f_small))
    # grid and y labels
    for db in np.arange(y_lo, y_hi + 0.1, 10):
        y = float(y_of(np.array([db]))[0])
        draw.line([(left, y), (right, y)], fill=(232, 232, 232))
        draw.text((8, y - 8), f"{db:.0f}", fill="black", font=f_small)
    draw.text((8, top - 30), "dBFS", fill="black", font=f_small)
    for (lo, hi), x0, w in zip(axis.ranges, axis.x0s, axis.widths):
        n_cols = max(int(w), 1)
        xs = x0 + np.arange(n_cols) + 0.5
        mx = _column_profile(trace.freqs_hz, max_db, lo, hi, n_cols, "max")
        mn = _column_profile(trace.freqs_hz, mean_db, lo, hi, n_cols, "mean")
        _polyline(draw, xs, y_of(mx), MAX_COLOUR)
        if noise_dbfs is not None:
            nz = _column_profile(trace.freqs_hz, noise_dbfs, lo, hi, n_cols, "mean")
            _polyline(draw, xs, y_of(nz), NOISE_COLOUR)
        if baseline is not None and len(baseline):
            bm = _column_profile(baseline.freqs_hz, baseline.mean_dbfs, lo, hi, n_cols, "mean")
            _polyline(draw, xs, y_of(bm), BASE_COLOUR)
        _polyline(draw, xs, y_of(mn), MEAN_COLOUR, width=2 if n_cols < 600 else 1)
        draw.rectangle([x0, top, x0 + w, bottom], outline=(170, 170, 170))
        # x labels: the range's edges, and a middle tick when wide enough
        draw.text((x0, bottom + 4), _fmt_mhz(lo), fill="black", font=f_small)
        hi_text = _fmt_mhz(hi)
        if w > 2 * draw.textlength(hi_text, font=f_small) + 10:
            draw.text((x0 + w - draw.textlength(hi_text, font=f_small), bottom + 4), hi_text, fill="black", font=f_small)
    draw.text((right - 90, bottom + 24), "MHz", fill="black", font=f_mid)
    # findings
    numbered = 0
    label_slots: list[tuple[float, float, float]] = []
    labelled = {id(f) for f in sorted((f for f in findings if f.status in label_statuses), key=lambda f: -f.snr_db)[:max_labels]}
    for finding in sorted(findings, key=lambda f: f.freq_hz):
        x = axis.x(finding.freq_hz)
        if x is None:
            continue
        colour = STATUS_COLOUR.get(finding.status, (0, 0, 0))
        peak_y = float(y_of(np.array([finding.peak_dbfs]))[0])
        draw.polygon([(x - 5, peak_y - 12), (x + 5, peak_y - 12), (x, peak_y - 3)], fill=colour)
        if id(finding) in labelled:
            numbered += 1
            kind = finding.kind.replace("_", " ")
            text = f"{numbered} {KIND_ZH.get(finding.kind, kind)} {kind} {_fmt_mhz(finding.freq_hz)} MHz"
            tw = draw.textlength(text, font=f_small)
            ty0 = max(top + 2, peak_y - 30)
            tx = min(max(x - tw / 2, left), right - tw)

            def clashes(y: float) -> bool:
                return any(tx - 4 < sx1 and sx0 < tx + tw + 4 and abs(sy - y) < 17 for sx0, sx1, sy in label_slots)

            # a free row above the marker first (the label then hides no trace), else below it
            above = [ty0 - 17 * k for k in range(int((ty0 - top - 2) // 17) + 1)]
            below = [ty0 + 17 * k for k in range(1, len(label_slots) + 2)]
            ty = next((y for y in above + below if not clashes(y)), below[-1])
            ty = min(ty, bottom - 16)
            draw.rectangle([tx - 2, ty - 1, tx + tw + 2, ty + 15], fill=(255, 255, 255), outline=colour)
            draw.text((tx, ty - 2), text, fill=colour, font=f_small)
            if ty + 15 <= peak_y - 12:
                draw.line([(x, ty + 15), (x, peak_y - 12)], fill=colour)
            else:
                draw.line([(x, ty - 1), (x, peak_y - 3)], fill=colour)
            label_slots.append((tx, tx + tw, ty))
    img.save(path)
    return Path(path)


def render_zoom(
    trace: Trace,
    finding: Finding,
    path: str | Path,
    *,
    baseline: Trace | None = None,
    noise_dbfs: np.ndarray | None = None,
    span_hz: float | None = None,
    size: tuple[int, int] = (900, 380),
    title: str = "",
) -> Path:
    """A close-up of one finding (±max(5 × bandwidth, 250 kHz))."""
    half = (span_hz or max(10 * finding.bandwidth_hz, 500e3)) / 2
    lo, hi = finding.freq_hz - half, finding.freq_hz + half
    covered = [(max(lo, a), min(hi, b)) for a, b in trace.covered() if a < hi and b > lo]
    rng = [(min(a for a, _ in covered), max(b for _, b in covered))] if covered else [(lo, hi)]
    return render_spectrum(trace, [finding], path, baseline=baseline, noise_dbfs=noise_dbfs, title=title, ranges=rng, size=size, label_statuses=())
