"""The station's live spectrum (mean, max-hold, baseline, labelled findings) and waterfall.

Both are pyqtgraph plots sharing the frequency axis (MHz). ``update_trace`` is called from the
station's timer with the newest trace only; ``push_waterfall_row`` adds one line of recent
history (the newest trace resampled to a fixed number of columns, peak per column, which is
display decimation, not analysis).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from meetkit.i18n import Translator

WATERFALL_ROWS = 160
WATERFALL_COLS = 1200
WATERFALL_MIN_VIEW_ROWS = 24
ENVELOPE_COLS = 2500  # display columns of the envelope used when many bins are in view
FULL_DETAIL_BINS = 25000  # at most this many bins in view: draw every bin

STATUS_COLOUR = {
    "new": "#ff3b30",
    "stronger": "#ff9f0a",
    "ambient": "#8e8e93",
    "friendly": "#30d158",
    "artifact": "#5e7ce2",
    "resolved": "#30d158",
    "declared": "#64d2ff",
}
MEAN_COLOUR = "#ffd60a"
MAX_COLOUR = "#ff453a"
BASELINE_COLOUR = "#64d2ffaa"  # RRGGBBAA: see the room's mean through it
BACKGROUND = "#11161d"

F64 = npt.NDArray[np.float64]


def _with_gaps(f_mhz: F64, *ys: npt.NDArray[Any]) -> tuple[F64, list[F64]]:
    """Insert NaN where the trace jumps over a frequency gap so no line is drawn across it."""
    if f_mhz.size < 2:
        return f_mhz, [np.asarray(y, np.float64) for y in ys]
    df = np.diff(f_mhz)
    step = float(np.median(df)) if df.size else 0.0
    cuts = np.nonzero(df > 1.5 * step)[0] + 1 if step > 0 else np.zeros(0, np.intp)
    if cuts.size == 0:
        return f_mhz, [np.asarray(y, np.float64) for y in ys]
    f = np.insert(f_mhz, cuts, np.nan)
    return f, [np.insert(np.asarray(y, np.float64), cuts, np.nan) for y in ys]


def resample_peak(freqs_hz: F64, level_db: npt.NDArray[Any], lo_hz: float, hi_hz: float, cols: int) -> F64:
    """Peak level per column of ``cols`` equal columns over [lo, hi]; NaN where there is no data."""
    row = np.full(cols, np.nan, np.float64)
    if freqs_hz.size == 0 or hi_hz <= lo_hz:
        return row
    idx = ((freqs_hz - lo_hz) / (hi_hz - lo_hz) * cols).astype(np.int64)
    ok = (idx >= 0) & (idx < cols)
    idx, vals = idx[ok], np.asarray(level_db, np.float64)[ok]
    if idx.size == 0:
        return row
    starts = np.concatenate(([0], np.nonzero(np.diff(idx))[0] + 1))
    row[idx[starts]] = np.maximum.reduceat(vals, starts)
    return row


@dataclass(frozen=True)
class Frame:
    """What one repaint needs, prepared off the GUI thread from one trace (see :func:`make_frame`)."""

    f_mhz: F64  # with NaN at frequency gaps, so no line is drawn across them
    mean_db: F64
    max_db: F64
    low_db: float  # 1st percentile of the mean (for the y range)
    high_db: float  # highest max-hold
    row: F64  # the waterfall line: peak per column over ``span_hz`` of each hop's newest pass
    span_hz: tuple[float, float]
    bins: int
    env_f_mhz: F64  # min/max envelope per display column (two points each) for wide views
    env_mean_db: F64
    env_max_db: F64


def make_frame(trace: Any, span_hz: tuple[float, float] | None, latest: Any = None) -> Frame | None:
    """Turn a trace into display arrays (dB, gaps, waterfall line). Pure NumPy: runs on the job thread.

    The waterfall line comes from ``latest`` (every hop's newest pass, so a radio keyed now shows
    now) when given, else from the combined trace."""
    if len(trace) == 0:
        return None
    mean = np.asarray(trace.mean_dbfs, np.float64)
    mx = np.asarray(trace.max_dbfs, np.float64)
    span = span_hz or (float(trace.freqs_hz[0]), float(trace.freqs_hz[-1]))
    freqs = np.asarray(trace.freqs_hz, np.float64)
    f, (mean_g, max_g) = _with_gaps(freqs / 1e6, mean, mx)
    env_f, env_mean = envelope(freqs, mean, span[0], span[1], ENVELOPE_COLS)
    _, env_max = envelope(freqs, mx, span[0], span[1], ENVELOPE_COLS)
    if latest is not None and len(latest) > 0:
        row = resample_peak(np.asarray(latest.freqs_hz, np.float64), np.asarray(latest.mean_dbfs, np.float64),
                            span[0], span[1], WATERFALL_COLS)
    else:
        row = resample_peak(freqs, mean, span[0], span[1], WATERFALL_COLS)
    return Frame(f, mean_g, max_g, float(np.percentile(mean, 1)), float(np.max(mx)), row, span, len(trace),
                 env_f / 1e6, env_mean, env_max)


def envelope(freqs_hz: F64, level_db: npt.NDArray[Any], lo_hz: float, hi_hz: float, cols: int) -> tuple[F64, F64]:
    """Lowest and highest level per column (two points per column, NaN where a column has no
    data): what pyqtgraph's peak downsampling draws, prepared once instead of at every paint."""
    centres = lo_hz + (np.arange(cols) + 0.5) * (hi_hz - lo_hz) / cols
    out = np.full((cols, 2), np.nan, np.float64)
    if freqs_hz.size and hi_hz > lo_hz:
        idx = np.clip(((freqs_hz - lo_hz) / (hi_hz - lo_hz) * cols).astype(np.int64), 0, cols - 1)
        values = np.asarray(level_db, np.float64)
        starts = np.concatenate(([0], np.nonzero(np.diff(idx))[0] + 1))
        out[idx[starts], 0] = np.minimum.reduceat(values, starts)
        out[idx[starts], 1] = np.maximum.reduceat(values, starts)
    return np.repeat(centres, 2), out.ravel()


class SpectrumView(QWidget):
    """Spectrum plot over a waterfall, sharing the frequency axis."""

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr = tr
        self.span_hz: tuple[float, float] | None = None
        self._user_zoom = False
        self._y_range: tuple[float, float] | None = None
        self._labels: list[pg.TextItem] = []
        self._frame: Frame | None = None
        self._detail: bool | None = None
        self._rows = np.full((WATERFALL_ROWS, WATERFALL_COLS), np.nan, np.float64)
        self._rows_filled = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)

        self.plot = pg.PlotWidget(background=BACKGROUND)
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        label_style = {"color": "#e5e5ea", "font-size": "13px"}
        item.setLabel("bottom", tr("Frequency (MHz)"), **label_style)
        item.setLabel("left", tr("Level (dBFS per RBW)"), **label_style)
        tick_font = QFont()
        tick_font.setPointSize(10)
        for name in ("bottom", "left"):
            axis = item.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setTickFont(tick_font)
            axis.setTextPen("#e5e5ea")
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.setMenuEnabled(False)
        legend = item.addLegend(offset=(10, -10), labelTextColor="#e5e5ea", labelTextSize="10pt", colCount=6)
        legend.setBrush(pg.mkBrush(17, 22, 29, 210))
        self.baseline_curve = item.plot([], [], pen=pg.mkPen(BASELINE_COLOUR, width=1.2, style=Qt.PenStyle.DashLine),
                                        name=tr("Baseline (mean)"), connect="finite")
        self.max_curve = item.plot([], [], pen=pg.mkPen(MAX_COLOUR, width=1), name=tr("Max hold"), connect="finite")
        self.mean_curve = item.plot([], [], pen=pg.mkPen(MEAN_COLOUR, width=1.4), name=tr("Mean"), connect="finite")
        self.baseline_curve.setZValue(5)  # drawn over the room's curves so the comparison shows
        self.markers = pg.ScatterPlotItem(size=11, symbol="t", pen=pg.mkPen("#000000", width=0.5))
        item.addItem(self.markers)
        legend.addItem(pg.ScatterPlotItem(symbol="t", size=11, brush=pg.mkBrush(STATUS_COLOUR["new"])), tr("Suspect finding"))
        legend.addItem(pg.ScatterPlotItem(symbol="t", size=11, brush=pg.mkBrush(STATUS_COLOUR["ambient"])), tr("Ambient / other"))
        legend.addItem(pg.ScatterPlotItem(symbol="t", size=11, brush=pg.mkBrush(STATUS_COLOUR["artifact"])), tr("Tuner artifact"))
        self.selection = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(255, 255, 255, 40),
                                             pen=pg.mkPen("#ffffff", width=1))
        self.selection.setZValue(-10)
        self.selection.hide()
        item.addItem(self.selection)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#ffffff", width=1, style=Qt.PenStyle.DotLine))
        self.cursor.hide()
        item.addItem(self.cursor)
        item.getViewBox().sigRangeChangedManually.connect(self._zoomed_by_user)
        item.getViewBox().sigXRangeChanged.connect(self._x_range_changed)
        item.getViewBox().setYRange(-90.0, -10.0, padding=0)  # until the first trace says otherwise
        layout.addWidget(self.plot, 5)

        self.waterfall = pg.PlotWidget(background=BACKGROUND)
        wf = self.waterfall.getPlotItem()
        wf.setMenuEnabled(False)
        wf.setLabel("left", tr("Newest"), **label_style)
        wf.setLabel("bottom", tr("Frequency (MHz)"), **label_style)
        for name in ("bottom", "left"):
            axis = wf.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setTickFont(tick_font)
            axis.setTextPen("#e5e5ea")
        wf.getAxis("left").setTicks([[]])
        wf.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("inferno"))
        wf.addItem(self.image)
        wf.setXLink(self.plot)
        wf.setMouseEnabled(x=False, y=False)
        layout.addWidget(self.waterfall, 2)
        # zoomed in past the waterfall's columns, its picture is one flat colour: say so on it
        self.waterfall_note = QLabel(self.waterfall)
        self.waterfall_note.setStyleSheet("color: #e5e5ea; background: rgba(17, 22, 29, 215); padding: 3px 6px; font-size: 13px;")
        self.waterfall_note.move(44, 6)
        self.waterfall_note.hide()

    # -- data -----------------------------------------------------------------------------

    def set_span(self, lo_hz: float, hi_hz: float) -> None:
        self.span_hz = (lo_hz, hi_hz)
        self._user_zoom = False
        self._rows[:] = np.nan
        self._rows_filled = 0
        self.image.clear()
        self.plot.getPlotItem().getViewBox().setXRange(lo_hz / 1e6, hi_hz / 1e6, padding=0.01)

    def clear(self) -> None:
        for curve in (self.mean_curve, self.max_curve, self.baseline_curve):
            curve.setData([], [])
        self.markers.setData([])
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        self.selection.hide()
        self.cursor.hide()
        self._y_range = None
        self._frame = None
        self._detail = None

    def update_trace(self, trace: Any) -> None:
        frame = make_frame(trace, self.span_hz)
        if frame is not None:
            self.show_frame(frame, waterfall=False)

    def show_frame(self, frame: Frame, *, waterfall: bool = True) -> None:
        if self.span_hz is None:
            self.set_span(*frame.span_hz)
        self._frame = frame
        self._detail = None
        self._set_curves()
        self._auto_y(frame.low_db, frame.high_db)
        if waterfall:
            self._push_row(frame.row)

    def _set_curves(self) -> None:
        """Every bin when few are in view (zoomed in), the prepared envelope otherwise."""
        frame = self._frame
        if frame is None:
            return
        x0, x1 = self.x_range_hz()
        span = max(frame.span_hz[1] - frame.span_hz[0], 1.0)
        detail = frame.bins * min(1.0, max(x1 - x0, 0.0) / span) <= FULL_DETAIL_BINS
        if detail == self._detail:
            return
        self._detail = detail
        if detail:
            self.mean_curve.setData(frame.f_mhz, frame.mean_db, connect="finite")
            self.max_curve.setData(frame.f_mhz, frame.max_db, connect="finite")
        else:
            self.mean_curve.setData(frame.env_f_mhz, frame.env_mean_db, connect="finite")
            self.max_curve.setData(frame.env_f_mhz, frame.env_max_db, connect="finite")

    def set_baseline(self, trace: Any | None) -> None:
        if trace is None or len(trace) == 0:
            self.baseline_curve.setData([], [])
            return
        f, (mean,) = _with_gaps(trace.freqs_hz / 1e6, trace.mean_dbfs)
        self.baseline_curve.setData(f, mean, connect="finite")

    def has_data(self) -> bool:
        x = self.mean_curve.xData
        return x is not None and len(x) > 0

    def _auto_y(self, low_db: float, high_db: float, *, grow_only: bool = False) -> None:
        if self._user_zoom or not (math.isfinite(low_db) and math.isfinite(high_db)):
            return
        lo = math.floor((low_db - 14.0) / 10.0) * 10.0  # room for the legend below
        hi = math.ceil((high_db + 12.0) / 10.0) * 10.0  # room for the labels above
        if self._y_range is not None and grow_only:
            lo, hi = min(lo, self._y_range[0]), max(hi, self._y_range[1])
        if self._y_range is None or lo < self._y_range[0] or hi > self._y_range[1] or hi < self._y_range[1] - 20:
            self._y_range = (lo, max(hi, lo + 30.0))
            self.plot.getPlotItem().getViewBox().setYRange(*self._y_range, padding=0)

    def push_waterfall_row(self, trace: Any) -> None:
        frame = make_frame(trace, self.span_hz)
        if frame is not None:
            self._push_row(frame.row)

    def _push_row(self, row: F64) -> None:
        if self.span_hz is None or row.shape[0] != WATERFALL_COLS:
            return
        lo, hi = self.span_hz
        self._rows = np.roll(self._rows, 1, axis=0)
        self._rows[0] = row
        self._rows_filled = min(WATERFALL_ROWS, self._rows_filled + 1)
        shown = self._rows[: max(self._rows_filled, 1)]
        finite = shown[np.isfinite(shown)]
        if finite.size == 0:
            return
        floor = float(np.percentile(finite, 5))
        top = max(float(np.max(finite)), floor + 20.0)
        img = np.where(np.isfinite(shown), shown, floor - 10.0)
        self.image.setImage(img, levels=(floor - 3.0, top), autoLevels=False)
        self.image.setRect(QRectF(lo / 1e6, 0.0, (hi - lo) / 1e6, float(shown.shape[0])))
        # the rows grow to fill the view while history builds up, then scroll at a fixed height
        self.waterfall.getPlotItem().getViewBox().setYRange(0, max(WATERFALL_MIN_VIEW_ROWS, shown.shape[0]), padding=0)

    def waterfall_rows(self) -> int:
        return self._rows_filled

    # -- findings ---------------------------------------------------------------------------

    def set_findings(self, findings: list[dict[str, Any]], label_of: Any, max_labels: int = 24) -> None:
        spots = []
        for f in findings:
            colour = STATUS_COLOUR.get(f.get("status", ""), "#ffffff")
            spots.append({"pos": (f["freq_hz"] / 1e6, f["peak_dbfs"] + 2.0), "brush": pg.mkBrush(colour),
                          "data": f["freq_hz"]})
        self.markers.setData(spots)
        if findings and self._y_range is not None:  # findings may be a moment newer than the frame
            self._auto_y(self._y_range[0] + 14.0, max(float(f["peak_dbfs"]) for f in findings), grow_only=True)
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        suspects = sorted((f for f in findings if f.get("status") in ("new", "stronger")),
                          key=lambda f: -float(f["peak_dbfs"]))
        lo, hi = self.span_hz or (0.0, 0.0)
        min_gap_hz = (hi - lo) / 40.0  # labels closer than this would overlap at full span: strongest first
        placed: list[float] = []
        boxes: list[tuple[float, float, int]] = []  # (left px, right px, row) of the labels placed
        (view_lo, view_hi), _ = self.plot.getPlotItem().getViewBox().viewRange()
        px_per_mhz = max(1.0, self.plot.getPlotItem().getViewBox().width()) / max(view_hi - view_lo, 1e-9)
        for f in suspects:
            if len(placed) >= max_labels or any(abs(f["freq_hz"] - p) < min_gap_hz for p in placed):
                continue
            # near an edge of the span the label hangs inwards so it is not cut off
            where = (f["freq_hz"] - lo) / (hi - lo) if hi > lo else 0.5
            anchor_x = 0.0 if where < 0.08 else (1.0 if where > 0.92 else 0.5)
            font = QFont()
            font.setPointSize(9)
            label = label_of(f)
            width_px = QFontMetrics(font).horizontalAdvance(label) + 10
            x_px = (f["freq_hz"] / 1e6 - view_lo) * px_per_mhz
            left = x_px - anchor_x * width_px
            # a label that would cover a stronger one's goes a row higher (long English names at full span)
            row = next((r for r in range(3) if not any(b_row == r and left < b_right and b_left < left + width_px
                                                       for b_left, b_right, b_row in boxes)), None)
            if row is None:
                continue
            placed.append(float(f["freq_hz"]))
            boxes.append((left, left + width_px, row))
            text = pg.TextItem(label, color="#ffffff", anchor=(anchor_x, 1.15 + 1.1 * row),
                               fill=pg.mkBrush(QColor(STATUS_COLOUR.get(f["status"], "#444444")).darker(160)))
            text.setFont(font)
            text.setPos(f["freq_hz"] / 1e6, f["peak_dbfs"] + 3.0)
            self.plot.addItem(text)
            self._labels.append(text)

    def zoom_to(self, freq_hz: float, bandwidth_hz: float, level_dbfs: float | None = None) -> None:
        half = max(bandwidth_hz * 3.0, 150e3)
        self._user_zoom = True
        vb = self.plot.getPlotItem().getViewBox()
        vb.setXRange((freq_hz - half) / 1e6, (freq_hz + half) / 1e6, padding=0)
        bw = max(bandwidth_hz, 1e3)
        self.selection.setRegion(((freq_hz - bw / 2) / 1e6, (freq_hz + bw / 2) / 1e6))
        self.selection.show()
        self.cursor.setPos(freq_hz / 1e6)
        self.cursor.show()

    def x_range_hz(self) -> tuple[float, float]:
        (x0, x1), _ = self.plot.getPlotItem().getViewBox().viewRange()
        return x0 * 1e6, x1 * 1e6

    def reset_zoom(self) -> None:
        self._user_zoom = False
        self._y_range = None
        if self.span_hz is not None:
            self.plot.getPlotItem().getViewBox().setXRange(self.span_hz[0] / 1e6, self.span_hz[1] / 1e6, padding=0.01)

    def _x_range_changed(self, *args: Any) -> None:
        self._set_curves()
        self._update_waterfall_note()

    def waterfall_too_coarse(self) -> bool:
        """True when fewer than 8 waterfall columns are in view (the picture shows no detail)."""
        if self.span_hz is None:
            return False
        col_hz = (self.span_hz[1] - self.span_hz[0]) / WATERFALL_COLS
        lo, hi = self.x_range_hz()
        return hi - lo < 8 * col_hz

    def _update_waterfall_note(self) -> None:
        if not hasattr(self, "waterfall_note"):
            return  # the plot's range is first set while the view is being built
        if not self.waterfall_too_coarse() or self.span_hz is None:
            self.waterfall_note.hide()
            return
        col_mhz = (self.span_hz[1] - self.span_hz[0]) / WATERFALL_COLS / 1e6
        col = f"{col_mhz:.2f} MHz" if col_mhz >= 0.1 else f"{col_mhz * 1e3:.0f} kHz"
        self.waterfall_note.setText(self.tr("Zoomed in past the waterfall's detail ({col} per column): read the spectrum above", col=col))
        self.waterfall_note.adjustSize()
        self.waterfall_note.show()

    def _zoomed_by_user(self, *args: Any) -> None:
        self._user_zoom = True
