"""Cover labels for numbered copies: level mark, '机密 第007份 共120份', document title and
number, meeting title, and a QR code of the copy's code, so copies are scanned, not typed.
Printed on A4 sheets of 8 labels through MarkedPdf (every sheet carries the mark too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import qrcode
from PIL import Image

from meetkit import audit
from meetkit.clock import Clock
from meetkit.custody.ledger import Copy
from meetkit.levels import LEVEL_COLOUR
from meetkit.meetings import Meeting
from meetkit.reports.pdf import FONT, MarkedPdf

COLUMNS, ROWS = 2, 4
LABEL_W_MM, LABEL_H_MM = 88.0, 59.0
GAP_MM = 4.0
QR_MM = 32.0


def qr_image(text: str) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image().convert("L")


def _label(pdf: MarkedPdf, x: float, y: float, meeting: Meeting, copy: Copy) -> None:
    colour = LEVEL_COLOUR.get(copy.level, (90, 90, 90))
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.6)
    pdf.rect(x, y, LABEL_W_MM, LABEL_H_MM)
    pdf.set_line_width(0.2)
    text_w = LABEL_W_MM - QR_MM - 6
    pdf.set_text_color(*colour)
    pdf.set_font(FONT, "B", 15)
    pdf.set_xy(x + 3, y + 2.5)
    pdf.cell(LABEL_W_MM - 6, 8, f"{copy.level}  {copy.label}")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 10)
    pdf.set_xy(x + 3, y + 13)
    pdf.multi_cell(text_w, 5, copy.title if len(copy.title) <= 45 else copy.title[:44] + "…")
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(x + 3, y + LABEL_H_MM - 22)
    if copy.doc_number:
        pdf.multi_cell(text_w, 4, f"文号：{copy.doc_number}")
        pdf.set_x(x + 3)
    pdf.multi_cell(text_w, 4, f"会议：{meeting.title}")
    pdf.set_x(x + 3)
    pdf.multi_cell(text_w, 4, "会后收回，不得转交他人" if copy.policy == "return" else "登记后方可带回，不得转交他人")
    qx = x + LABEL_W_MM - QR_MM - 3
    qy = y + 11
    pdf.image(qr_image(copy.code), x=qx, y=qy, w=QR_MM, h=QR_MM)
    pdf.set_font(FONT, "B", 9)
    pdf.set_xy(qx - 2, qy + QR_MM + 0.5)
    pdf.cell(QR_MM + 4, 5, copy.code, align="C")
    pdf.set_font(FONT, "", 7)
    pdf.set_xy(qx - 2, qy + QR_MM + 5)
    pdf.cell(QR_MM + 4, 4, f"统一编号 {copy.number}", align="C")


def write_labels(store, clock: Clock, meeting: Meeting, copies: Sequence[Copy], path: str | Path, printed_by: str = "") -> Path:  # type: ignore[no-untyped-def]
    return render_labels(meeting, copies, path, audit.head_hash(store), clock.now(), printed_by)


def render_labels(
    meeting: Meeting, copies: Sequence[Copy], path: str | Path, head_hash: str, printed_at: dt.datetime, printed_by: str = ""
) -> Path:
    """Draw the label sheets (no store access: safe to run off the GUI thread)."""
    level = copies[0].level if copies else meeting.level
    title = f"{meeting.title} · 文件份号标签"
    pdf = MarkedPdf(level=level, title=title, head_hash=head_hash, printed_at=printed_at, printed_by=printed_by)
    per_page = COLUMNS * ROWS
    left = (pdf.w - COLUMNS * LABEL_W_MM - (COLUMNS - 1) * GAP_MM) / 2
    for i, copy in enumerate(copies):
        if i % per_page == 0:
            pdf.add_page()
        slot = i % per_page
        col, row = slot % COLUMNS, slot // COLUMNS
        _label(pdf, left + col * (LABEL_W_MM + GAP_MM), 20 + row * (LABEL_H_MM + GAP_MM), meeting, copy)
    if not copies:
        pdf.add_page()
    return pdf.save(path)
