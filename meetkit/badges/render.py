"""Drawing one badge (CR80 card, 85.6 × 54 mm) with Pillow, and its QR code with qrcode.

The layout is in millimetres (:class:`Layout`) so print sheets place the same boxes. The name
is set as large as its box allows and shrinks to fit; a long name (up to 20 characters and
beyond) goes onto two lines before it would get too small. Text is never clipped: every
string is measured with the font it is drawn with.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import qrcode
import qrcode.util
from PIL import Image, ImageDraw, ImageFont, ImageOps

from meetkit.attendees import CATEGORY_ZH, attendee_photo, get_attendee
from meetkit.badges.issue import Badge
from meetkit.fonts import cjk_font, face_index
from meetkit.levels import LEVEL_COLOUR, mark
from meetkit.meetings import Meeting

CARD_W_MM = 85.6
CARD_H_MM = 54.0
DPI = 300
QR_BORDER_MODULES = 2
# A fixed mask pattern skips qrcode's evaluation of all eight (about 5x faster); every
# mask is valid QR, and a 120-character alphanumeric payload scans well with any of them.
QR_MASK = 2
QR_ALNUM_CAPACITY_5M = 122
INK = (20, 20, 20)
GREY = (90, 90, 90)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Layout:
    """Boxes on the card, in mm from its top-left corner."""

    banner: Box = Box(0, 0, CARD_W_MM, 8.0)
    title: Box = Box(3.0, 8.8, CARD_W_MM - 6.0, 7.2)
    rule_y: float = 16.6
    name: Box = Box(3.0, 17.3, CARD_W_MM - 6.0, 12.2)
    photo: Box = Box(3.0, 31.0, 16.0, 21.0)
    text_top: float = 31.0
    text_right: float = 59.0
    qr: Box = Box(60.6, 30.0, 23.0, 23.0)


LAYOUT = Layout()


@dataclass(frozen=True)
class TextItem:
    """One line of text: ``x_mm`` is its left edge (or centre), ``baseline_mm`` its baseline,
    ``size_px`` the font size at the renderer's dpi."""

    text: str
    x_mm: float
    baseline_mm: float
    size_px: int
    weight: str
    colour: tuple[int, int, int]
    centre: bool


@dataclass(frozen=True)
class Chip:
    box: Box
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class BadgePlan:
    texts: tuple[TextItem, ...]
    chip: Chip | None
    photo_box: Box | None


@dataclass(frozen=True)
class BadgeData:
    """What is printed on one badge."""

    meeting_title: str
    level: str
    name: str
    unit: str
    category: str
    seat: str
    serial_text: str
    token: str
    photo: bytes | None = None


def badge_data(store, meeting: Meeting, badge: Badge) -> BadgeData:  # type: ignore[no-untyped-def]
    attendee = get_attendee(store, badge.attendee_id)
    photo = attendee_photo(store, attendee.id) if attendee.has_photo else None
    return BadgeData(
        meeting_title=meeting.title,
        level=meeting.level,
        name=attendee.name,
        unit=attendee.unit,
        category=CATEGORY_ZH.get(attendee.category, attendee.category),
        seat=attendee.seat,
        serial_text=badge.serial_text,
        token=badge.token,
        photo=photo,
    )


def qr_matrix(token: str, border: int = QR_BORDER_MODULES) -> np.ndarray:
    """The QR code as a boolean array (True = dark), quiet zone included."""
    # A badge token always has 120 alphanumeric characters: version 5-M holds 122, so the
    # version is fixed (saves qrcode's trial fit); anything longer falls back to fitting.
    fixed = len(token) <= QR_ALNUM_CAPACITY_5M
    code = qrcode.QRCode(
        version=5 if fixed else None, error_correction=qrcode.constants.ERROR_CORRECT_M, border=border, mask_pattern=QR_MASK
    )
    code.add_data(qrcode.util.QRData(token, mode=qrcode.util.MODE_ALPHA_NUM))
    code.make(fit=not fixed)
    return np.array(code.get_matrix(), dtype=bool)


def qr_image(token: str, module_px: int = 1) -> Image.Image:
    """The QR code as a greyscale image, ``module_px`` pixels per module."""
    matrix = qr_matrix(token)
    if module_px > 1:
        matrix = np.kron(matrix, np.ones((module_px, module_px), dtype=bool))
    return Image.fromarray(np.where(matrix, 0, 255).astype(np.uint8), mode="L")


@lru_cache(maxsize=2)
def _font_file(weight: str) -> tuple[str, int]:
    path = cjk_font(weight)
    return str(path), face_index(path)


class BadgeRenderer:
    """Draws badges; keeps its fonts between badges (one renderer per print job)."""

    def __init__(self, dpi: int = DPI, layout: Layout = LAYOUT) -> None:
        self.dpi = dpi
        self.layout = layout
        self._fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
        self._base_key: tuple[str, str] | None = None
        self._base_image: Image.Image | None = None

    # ---- units and fonts ----------------------------------------------------------------
    def px(self, mm: float) -> int:
        return round(mm * self.dpi / 25.4)

    def font(self, size_px: int, weight: str = "regular") -> ImageFont.FreeTypeFont:
        key = (weight, size_px)
        found = self._fonts.get(key)
        if found is None:
            path, index = _font_file(weight)
            found = ImageFont.truetype(path, size_px, index=index)
            self._fonts[key] = found
        return found

    def em_width(self, text: str, weight: str) -> float:
        """Width of ``text`` in ems (at font size 1)."""
        return self.font(200, weight).getlength(text) / 200.0

    def fit(self, text: str, box_w_px: int, box_h_px: int, weight: str, max_px: int, max_lines: int = 2, min_single_px: int = 0) -> tuple[list[str], int]:
        """Lines and font size (px) so that ``text`` fits the box; never wider than the box."""
        text = text.strip()
        if not text:
            return [], max_px
        best_lines, best_size = [text], self._size_for([text], box_w_px, box_h_px, weight, max_px)
        if max_lines >= 2 and best_size < max(min_single_px, 1) and len(text) > 1:
            for lines in _two_line_splits(text):
                size = self._size_for(lines, box_w_px, box_h_px, weight, max_px)
                if size > best_size:
                    best_lines, best_size = lines, size
        return best_lines, max(best_size, 1)

    def _size_for(self, lines: list[str], box_w_px: int, box_h_px: int, weight: str, max_px: int) -> int:
        widest = max(self.em_width(line, weight) for line in lines) or 1.0
        by_width = box_w_px / widest
        by_height = box_h_px / (len(lines) * 1.18)
        size = int(min(max_px, by_width, by_height))
        if size > 24:
            size -= size % 2  # even sizes only: half as many font faces to load per print run
        while size > 1 and max(self.font(size, weight).getlength(line) for line in lines) > box_w_px:
            size -= 1
        return size

    # ---- drawing ------------------------------------------------------------------------
    def _base(self, level: str, title: str) -> Image.Image:
        """Banner, meeting title and rule: the same on every badge of a meeting, drawn once."""
        key = (level, title)
        if self._base_key != key or self._base_image is None:
            L = self.layout
            width, height = self.px(CARD_W_MM), self.px(CARD_H_MM)
            image = Image.new("RGB", (width, height), "white")
            draw = ImageDraw.Draw(image)
            colour = LEVEL_COLOUR.get(level, GREY)
            draw.rectangle([0, 0, width, self.px(L.banner.h)], fill=colour)
            self._text_block(draw, mark(level), L.banner, "bold", self.px(5.0), (255, 255, 255), centre=True, max_lines=1)
            self._text_block(draw, title, L.title, "bold", self.px(3.3), INK, centre=True)
            draw.line([self.px(3), self.px(L.rule_y), width - self.px(3), self.px(L.rule_y)], fill=colour, width=max(1, self.px(0.35)))
            self._base_key, self._base_image = key, image
        return self._base_image.copy()

    def plan(self, data: BadgeData) -> BadgePlan:
        """Where every per-badge string goes (sizes measured with the real font): the one
        layout both the Pillow image and the vector PDF are drawn from."""
        L = self.layout
        colour = LEVEL_COLOUR.get(data.level, GREY)
        texts: list[TextItem] = []
        texts += self.text_items(data.name, L.name, "bold", self.px(10.5), (0, 0, 0), centre=True, min_single_px=self.px(6.0))
        left = L.photo.x
        photo_box = None
        if data.photo:
            photo_box = L.photo
            left = L.photo.x + L.photo.w + 2.0
        text_w = L.text_right - left
        texts += self.text_items(data.unit, Box(left, L.text_top, text_w, 8.0), "bold", self.px(3.6), INK)
        chip = None
        if data.category:
            size = self.px(3.2)
            pad_mm = 1.2
            width_mm = self.font(size, "bold").getlength(data.category) * 25.4 / self.dpi + 2 * pad_mm
            chip = Chip(Box(left, L.text_top + 8.6, width_mm, 4.8), colour)
            texts += self.text_items(data.category, chip.box, "bold", size, (255, 255, 255), centre=True, max_lines=1)
        if data.seat:
            texts += self.text_items(f"座位 {data.seat}", Box(left, L.text_top + 13.8, text_w, 4.6), "bold", self.px(4.0), INK, max_lines=1)
        texts += self.text_items(f"No. {data.serial_text}", Box(left, L.text_top + 18.5, text_w, 2.6), "regular", self.px(2.4), GREY, max_lines=1)
        return BadgePlan(tuple(texts), chip, photo_box)

    def render(self, data: BadgeData, with_qr: bool = True) -> Image.Image:
        """The whole badge at ``self.dpi`` (preview, PNG files)."""
        image = self._base(data.level, data.meeting_title)
        draw = ImageDraw.Draw(image)
        plan = self.plan(data)
        if plan.chip is not None:
            b = plan.chip.box
            draw.rounded_rectangle(
                [self.px(b.x), self.px(b.y), self.px(b.x + b.w), self.px(b.y + b.h)], radius=self.px(1.0), fill=plan.chip.colour
            )
        self.draw_texts(draw, plan.texts)
        if plan.photo_box is not None and data.photo:
            picture = self.photo_image(data.photo, plan.photo_box)
            if picture is not None:
                image.paste(picture, (self.px(plan.photo_box.x), self.px(plan.photo_box.y)))
        if with_qr:
            q = self.layout.qr
            qr = qr_image(data.token).resize((self.px(q.w), self.px(q.h)), Image.NEAREST)
            image.paste(qr, (self.px(q.x), self.px(q.y)))
        return image

    def text_items(
        self, text: str, box: Box, weight: str, max_px: int, fill: tuple[int, int, int],
        centre: bool = False, max_lines: int = 2, min_single_px: int = 0,
    ) -> list[TextItem]:
        """``text`` fitted into ``box``: one item per line, positioned by its baseline."""
        bw, bh = self.px(box.w), self.px(box.h)
        lines, size = self.fit(text, bw, bh, weight, max_px, max_lines, min_single_px)
        if not lines:
            return []
        ascent, descent = self.font(size, weight).getmetrics()
        line_h = size * 1.18
        top = self.px(box.y) + (bh - line_h * len(lines)) / 2
        mm = 25.4 / self.dpi
        items = []
        for i, line in enumerate(lines):
            middle = top + line_h * (i + 0.5)
            baseline = middle + (ascent - descent) / 2
            x = box.x + box.w / 2 if centre else box.x
            items.append(TextItem(line, x, baseline * mm, size, weight, fill, centre))
        return items

    def draw_texts(self, draw: ImageDraw.ImageDraw, items: tuple[TextItem, ...] | list[TextItem]) -> None:
        for item in items:
            font = self.font(item.size_px, item.weight)
            anchor = "ms" if item.centre else "ls"
            draw.text((self.px(item.x_mm), item.baseline_mm * self.dpi / 25.4), item.text, font=font, fill=item.colour, anchor=anchor)

    def _text_block(
        self, draw: ImageDraw.ImageDraw, text: str, box: Box, weight: str, max_px: int, fill: tuple[int, int, int],
        centre: bool = False, max_lines: int = 2, min_single_px: int = 0,
    ) -> None:
        self.draw_texts(draw, self.text_items(text, box, weight, max_px, fill, centre, max_lines, min_single_px))

    def photo_image(self, photo: bytes, box: Box) -> Image.Image | None:
        try:
            with Image.open(io.BytesIO(photo)) as raw:
                return ImageOps.fit(ImageOps.exif_transpose(raw).convert("RGB"), (self.px(box.w), self.px(box.h)))
        except (OSError, ValueError, Image.DecompressionBombError):
            return None  # an unreadable photo is left off rather than stopping a print run

    def base_png(self, level: str, title: str) -> bytes:
        """Banner, title and rule as a PNG (the same for every badge of a meeting)."""
        out = io.BytesIO()
        self._base(level, title).save(out, "PNG", dpi=(self.dpi, self.dpi))
        return out.getvalue()


def _two_line_splits(text: str) -> list[list[str]]:
    """Candidate two-line breaks: at a middle dot or space nearest the middle, else the middle."""
    candidates = []
    for sep in ("·", "•", " ", "-"):
        positions = [i for i, c in enumerate(text) if c == sep]
        if positions:
            i = min(positions, key=lambda p: abs(p - len(text) / 2))
            keep = sep if sep in "·•-" else ""
            first, second = text[: i + (1 if keep else 0)], text[i + 1 :]
            if first.strip() and second.strip():
                candidates.append([first.strip(), second.strip()])
    mid = (len(text) + 1) // 2
    candidates.append([text[:mid], text[mid:]])
    return candidates


def save_png(image: Image.Image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", compress_level=1, dpi=(DPI, DPI))
    return path
