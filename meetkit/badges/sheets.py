"""Print-ready badge PDFs: A4 with 8 badges and cut marks, or one CR80 card per page.

Badges are drawn at 300 dpi by :mod:`meetkit.badges.render` (without the QR), embedded as
JPEG, and the QR code is placed on top as its own image at one pixel per module, so it stays
sharp at any print resolution. Badges stream through in chunks: only the compressed images
are kept until the PDF is written, never the rendered bitmaps. With ``workers > 1`` the
chunks are drawn in worker processes.

The A4 sheet uses :class:`~meetkit.reports.pdf.MarkedPdf`, so every page carries the
classification mark top and bottom and the audit head hash. A CR80 page is the card itself
(for card printers); its banner carries the mark.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

from meetkit.badges.render import (
    CARD_H_MM,
    CARD_W_MM,
    DPI,
    LAYOUT,
    BadgeData,
    BadgeRenderer,
    qr_image,
    save_png,
)
from meetkit.errors import InvalidInput
from meetkit.reports.pdf import MarkedPdf

LAYOUTS = ("a4-8up", "cr80")
JPEG_QUALITY = 88
CHUNK = 24
# A4 8-up: 2 columns x 4 rows of cards with gutters for the cut marks.
A4_COLS, A4_ROWS = 2, 4
A4_GAP_X_MM, A4_GAP_Y_MM = 8.0, 6.0
CUT_OFFSET_MM, CUT_LENGTH_MM = 0.8, 2.2


@dataclass
class SheetResult:
    path: Path
    layout: str
    badges: int
    pages: int
    png_files: list[Path] = field(default_factory=list)


def a4_positions() -> list[tuple[float, float]]:
    total_w = A4_COLS * CARD_W_MM + (A4_COLS - 1) * A4_GAP_X_MM
    total_h = A4_ROWS * CARD_H_MM + (A4_ROWS - 1) * A4_GAP_Y_MM
    x0 = (210.0 - total_w) / 2
    y0 = 22.0 + (254.0 - total_h) / 2  # between MarkedPdf's header band and footer
    return [
        (x0 + c * (CARD_W_MM + A4_GAP_X_MM), y0 + r * (CARD_H_MM + A4_GAP_Y_MM)) for r in range(A4_ROWS) for c in range(A4_COLS)
    ]


@dataclass(frozen=True)
class Rendered:
    jpeg: bytes
    qr: bytes  # PNG, one pixel per module
    png: bytes | None  # the whole badge, when PNG files were asked for


def render_chunk(items: list[BadgeData], with_png: bool = False, dpi: int = DPI) -> list[Rendered]:
    """Draw a chunk of badges (in this process or a worker)."""
    renderer = BadgeRenderer(dpi)
    out = []
    for data in items:
        image = renderer.render(data, with_qr=False)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi))
        qr_buffer = io.BytesIO()
        qr = qr_image(data.token)
        qr.save(qr_buffer, "PNG")
        png = None
        if with_png:
            full = image.copy()
            q = LAYOUT.qr
            full.paste(qr.resize((renderer.px(q.w), renderer.px(q.h)), 0), (renderer.px(q.x), renderer.px(q.y)))
            png_buffer = io.BytesIO()
            full.save(png_buffer, "PNG", compress_level=1, dpi=(dpi, dpi))
            png = png_buffer.getvalue()
        out.append(Rendered(buffer.getvalue(), qr_buffer.getvalue(), png))
    return out


def _chunks(items: Iterable[BadgeData], size: int) -> Iterator[list[BadgeData]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class _Pipeline:
    """Rendering that starts at once (before the slow PDF set-up) and yields in order, with a
    bounded number of chunks in flight."""

    def __init__(self, items: Iterable[BadgeData], with_png: bool, workers: int) -> None:
        self.chunks = _chunks(items, CHUNK)
        self.with_png = with_png
        # spawn, not fork: the caller may be a Qt window with threads running
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) if workers > 1 else None
        self.pending: list[tuple[list[BadgeData], Future[list[Rendered]]]] = []
        self.limit = workers * 3
        self._fill()

    def _fill(self) -> None:
        if self.pool is None:
            return
        while len(self.pending) < self.limit:
            chunk = next(self.chunks, None)
            if chunk is None:
                return
            self.pending.append((chunk, self.pool.submit(render_chunk, chunk, self.with_png)))

    def __iter__(self) -> Iterator[tuple[BadgeData, Rendered]]:
        try:
            if self.pool is None:
                for chunk in self.chunks:
                    yield from zip(chunk, render_chunk(chunk, self.with_png))
                return
            while self.pending:
                chunk, future = self.pending.pop(0)
                self._fill()
                yield from zip(chunk, future.result())
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            for _, future in self.pending:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _cut_marks(pdf: FPDF, x: float, y: float) -> None:
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.15)
    o, n = CUT_OFFSET_MM, CUT_LENGTH_MM
    for cx, sx in ((x, -1), (x + CARD_W_MM, 1)):
        for cy, sy in ((y, -1), (y + CARD_H_MM, 1)):
            pdf.line(cx + sx * o, cy, cx + sx * (o + n), cy)  # horizontal, outside the card
            pdf.line(cx, cy + sy * o, cx, cy + sy * (o + n))  # vertical


def write_sheets(
    path: str | Path,
    items: Iterable[BadgeData],
    layout: str,
    *,
    level: str,
    title: str,
    head_hash: str | None,
    printed_at: dt.datetime,
    printed_by: str = "",
    png_dir: str | Path | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> SheetResult:
    if layout not in LAYOUTS:
        raise InvalidInput(f"unknown layout {layout!r}: use a4-8up or cr80", f"未知版式 {layout!r}：请使用 a4-8up 或 cr80")
    path = Path(path)
    png_path = Path(png_dir) if png_dir else None
    pipeline = _Pipeline(items, png_path is not None, workers)  # starts drawing while the PDF is set up
    try:
        return _write(path, pipeline, layout, png_path, level, title, head_hash, printed_at, printed_by, progress)
    finally:
        pipeline.close()


def _write(
    path: Path, pipeline: _Pipeline, layout: str, png_path: Path | None, level: str, title: str, head_hash: str | None,
    printed_at: dt.datetime, printed_by: str, progress: Callable[[int], None] | None,
) -> SheetResult:
    if layout == "a4-8up":
        pdf: FPDF = MarkedPdf(level=level, title=title, head_hash=head_hash, printed_at=printed_at, printed_by=printed_by)
        pdf.set_auto_page_break(False)
        positions = a4_positions()
    else:
        pdf = FPDF(orientation="L", unit="mm", format=(CARD_H_MM, CARD_W_MM))
        pdf.set_title(title)
        pdf.set_creator("meetkit")
        pdf.set_auto_page_break(False)
        pdf.set_margin(0)
        positions = [(0.0, 0.0)]
    result = SheetResult(path, layout, 0, 0)
    q = LAYOUT.qr
    slot = len(positions)
    for data, done in pipeline:
        if slot == len(positions):
            pdf.add_page()
            result.pages += 1
            slot = 0
        x, y = positions[slot]
        pdf.image(io.BytesIO(done.jpeg), x=x, y=y, w=CARD_W_MM, h=CARD_H_MM)
        pdf.image(io.BytesIO(done.qr), x=x + q.x, y=y + q.y, w=q.w, h=q.h)
        if layout == "a4-8up":
            _cut_marks(pdf, x, y)
        if png_path is not None and done.png is not None:
            target = png_path / f"{data.serial_text}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(done.png)
            result.png_files.append(target)
        slot += 1
        result.badges += 1
        if progress is not None:
            progress(result.badges)
    if result.badges == 0:
        raise InvalidInput("no badges to print", "没有可打印的胸卡")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return result


__all__ = ["LAYOUTS", "SheetResult", "a4_positions", "render_chunk", "save_png", "write_sheets"]
