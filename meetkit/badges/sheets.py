"""Print-ready badge PDFs: A4 with 8 badges and cut marks, or one CR80 card per page.

Each badge is drawn from the same plan as the Pillow preview (:meth:`BadgeRenderer.plan`):
the banner, meeting title and rule are one 300-dpi image shared by every badge of the
meeting (embedded once), the per-badge text is vector text in the embedded CJK font (sharp at
any printer resolution), the photo is a 300-dpi JPEG and the QR code an image at one pixel
per module (drawn without smoothing, so its modules stay square). Badges stream through one
at a time; nothing but the PDF's own objects is kept.

The A4 sheet uses :class:`~meetkit.reports.pdf.MarkedPdf`, so every page carries the
classification mark top and bottom and the audit head hash. A CR80 page is the card itself
(for card printers); its banner carries the mark.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
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
from meetkit.reports.pdf import FONT, CjkFonts, MarkedPdf, add_cjk_fonts

LAYOUTS = ("a4-8up", "cr80")
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


def _card_pdf(title: str) -> tuple[FPDF, CjkFonts]:
    pdf = FPDF(orientation="L", unit="mm", format=(CARD_H_MM, CARD_W_MM))
    fonts = add_cjk_fonts(pdf)  # the face parsed once per process, like every MarkedPdf
    pdf.set_title(title)
    pdf.set_creator("meetkit")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    return pdf, fonts


def _png(image: object, **options: object) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, "PNG", **options)  # type: ignore[attr-defined]
    out.seek(0)
    return out


def draw_badge(pdf: FPDF, renderer: BadgeRenderer, data: BadgeData, x: float, y: float, base: bytes) -> None:
    """One badge with its top-left corner at (x, y) mm."""
    pdf.image(io.BytesIO(base), x=x, y=y, w=CARD_W_MM, h=CARD_H_MM)
    plan = renderer.plan(data)
    if plan.chip is not None:
        b = plan.chip.box
        pdf.set_fill_color(*plan.chip.colour)
        pdf.rect(x + b.x, y + b.y, b.w, b.h, style="F", round_corners=True, corner_radius=1.0)
    for item in plan.texts:
        pdf.set_font(FONT, "B" if item.weight == "bold" else "", item.size_px * 72.0 / renderer.dpi)
        pdf.set_text_color(*item.colour)
        left = item.x_mm - (pdf.get_string_width(item.text) / 2 if item.centre else 0.0)
        pdf.text(x + left, y + item.baseline_mm, item.text)
    pdf.set_text_color(0, 0, 0)
    if plan.photo_box is not None and data.photo:
        picture = renderer.photo_image(data.photo, plan.photo_box)
        if picture is not None:
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=90)
            box = plan.photo_box
            pdf.image(out, x=x + box.x, y=y + box.y, w=box.w, h=box.h)
    q = LAYOUT.qr
    pdf.image(_png(qr_image(data.token)), x=x + q.x, y=y + q.y, w=q.w, h=q.h)


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
    progress: Callable[[int], None] | None = None,
) -> SheetResult:
    if layout not in LAYOUTS:
        raise InvalidInput(f"unknown layout {layout!r}: use a4-8up or cr80", f"未知版式 {layout!r}：请使用 a4-8up 或 cr80")
    path = Path(path)
    png_path = Path(png_dir) if png_dir else None
    if layout == "a4-8up":
        pdf: FPDF = MarkedPdf(level=level, title=title, head_hash=head_hash, printed_at=printed_at, printed_by=printed_by)
        pdf.set_auto_page_break(False)
        positions = a4_positions()
    else:
        pdf, fonts = _card_pdf(title)
        positions = [(0.0, 0.0)]
    renderer = BadgeRenderer(DPI)
    result = SheetResult(path, layout, 0, 0)
    bases: dict[tuple[str, str], bytes] = {}
    slot = len(positions)
    for data in items:
        if slot == len(positions):
            pdf.add_page()
            result.pages += 1
            slot = 0
        key = (data.level, data.meeting_title)
        if key not in bases:
            bases[key] = renderer.base_png(*key)
        x, y = positions[slot]
        draw_badge(pdf, renderer, data, x, y, bases[key])
        if layout == "a4-8up":
            _cut_marks(pdf, x, y)
        if png_path is not None:
            result.png_files.append(save_png(renderer.render(data), png_path / f"{data.serial_text}.png"))
        slot += 1
        result.badges += 1
        if progress is not None:
            progress(result.badges)
    if result.badges == 0:
        raise InvalidInput("no badges to print", "没有可打印的胸卡")
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout != "a4-8up":
        fonts.use_common_outlines(pdf)  # MarkedPdf does this itself
    pdf.output(str(path))
    return result


__all__ = ["LAYOUTS", "SheetResult", "a4_positions", "draw_badge", "write_sheets"]
