"""The one PDF base every printout uses (fpdf2 with the Noto CJK font).

:class:`MarkedPdf` puts the classification mark at the top and bottom of every page, and in
the footer the document title, page x of y, the print time and the audit head hash at the
time of printing. Reports build their body with the small helpers here (headings,
key-value blocks, tables that repeat their header across pages).

The CJK font is the expensive part of a document: fpdf2 parses the whole Noto Sans CJK face
(65,535 glyphs: character map, widths, outlines index) when it is added and again when it
subsets it for the file. So :func:`add_cjk_fonts` parses the face once per process
(:func:`_parsed_face`, a small LRU cache owned by this module) from its per-user copies
(:func:`meetkit.fonts.cached_face`); every document gets its own font object that shares the
parsed character map and widths and has its own glyph subset and its own fontTools font to
subset at output (fpdf2 changes that one in place). When a document is written,
``CjkFonts.use_common_outlines`` has it subset from the small common copy if all its glyphs
are there (the same glyphs, so the same file), else from the full face.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from meetkit.fonts import CachedFace, CharMap, FontFace, FontSource, cached_face, cjk_source
from meetkit.levels import LEVEL_COLOUR, mark

log = logging.getLogger(__name__)

FONT = "cjk"
STYLES = {"": "regular", "B": "bold"}


@dataclass(frozen=True)
class ParsedFace:
    """A CJK face parsed by fpdf2 once, to be shared by every document of the process."""

    face: CachedFace
    font: TTFFont  # the template: character map, widths, descriptor; never written out itself
    common_glyphs: frozenset[str]  # glyph names in the common copy (empty without one)

    def open_outlines(self, common: bool = False) -> Any:
        """A fresh fontTools font for one document's subsetting (fpdf2 subsets it in place).

        For a CID-keyed CFF face (Noto Sans CJK) fpdf2 embeds only the subset CFF table and
        maps characters through the template's character map: the font's own 44,000-entry
        cmap would be read and subset for nothing, so it is replaced by a one-entry table.
        """
        from fontTools.ttLib import TTFont

        face = self.face.common if common and self.face.common is not None else self.face.full
        if face.data is not None:
            font = TTFont(io.BytesIO(face.data), lazy=True, recalcTimestamp=False)
        else:
            font = TTFont(str(face.path), fontNumber=face.index, lazy=True, recalcTimestamp=False)
        if self.font.is_cff and self.font.is_cid_keyed and 0x20 in self.font.cmap:
            font["cmap"] = _one_entry_cmap(0x20, self.font.cmap[0x20])
        return font


def _one_entry_cmap(codepoint: int, glyph_name: str) -> Any:
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    subtable = CmapSubtable.newSubtable(4)
    subtable.platformID, subtable.platEncID, subtable.language = 3, 1, 0
    subtable.cmap = {codepoint: glyph_name}
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = [subtable]
    return table


@functools.lru_cache(maxsize=4)
def _parsed_face(source: FontSource, style: str, cache_dir: Path | None) -> ParsedFace:
    """Parse one face once per process; the key changes when the installed font file does.

    With the cache, fpdf2 parses the small common copy and the template then takes the full
    face's character map and widths from the cached JSON; without it, the face itself.
    """
    face = cached_face(source, cache_dir)
    if face.common is not None and face.charmap is not None:
        try:
            template = _template(style, str(face.common.path))
        except Exception as exc:  # noqa: BLE001 - a copy fontTools cannot read: use the source
            log.warning("cached font %s is unreadable (%s); using %s directly", face.common.path, exc, source.path)
            face = CachedFace(FontFace(source.path, source.index))
        else:
            # Only for CID-keyed CFF (Noto CJK) does fpdf2 embed nothing but the outlines, so that
            # the common copy's own tables do not matter; other fonts are read whole.
            if template.is_cff and template.is_cid_keyed:
                common_glyphs = frozenset(template.ttfont.getGlyphOrder())
                _adopt_charmap(template, face.charmap)
                template.close()  # the template's own fontTools font is never subset or written
                return ParsedFace(face=face, font=template, common_glyphs=common_glyphs)
            template.close()
            face = CachedFace(face.full)
    template = _template(style, str(face.full.path), face.full.index)
    template.close()
    return ParsedFace(face=face, font=template, common_glyphs=frozenset())


def _template(style: str, path: str, index: int = 0) -> TTFFont:
    scratch = FPDF()
    scratch.add_font(FONT, style, path, collection_font_number=index)
    template = scratch.fonts[f"{FONT}{style}"]
    assert isinstance(template, TTFFont)
    return template


def _adopt_charmap(font: TTFFont, charmap: CharMap) -> None:
    """The full face's characters, widths and glyph ids, computed the way fpdf2's TTFFont does."""
    widths: defaultdict[int, float] = defaultdict(font.cw.default_factory)
    for codepoint, advance in zip(charmap.codepoints, charmap.advances):
        widths[codepoint] = round(font.scale * (0 if advance == 65535 else advance) + 0.001)
    font.cw = widths
    font.cmap = dict(zip(charmap.codepoints, charmap.glyph_names))
    font.glyph_ids = dict(zip(charmap.codepoints, charmap.glyph_ids))


def _register(pdf: FPDF, style: str, parsed: ParsedFace) -> None:
    """Give ``pdf`` its own copy of a parsed face: shared character map and widths, own subset."""
    fontkey = f"{FONT}{style}"
    font = copy.copy(parsed.font)
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.cw = defaultdict(parsed.font.cw.default_factory, parsed.font.cw)
    font.desc = copy.copy(parsed.font.desc)  # fpdf2 numbers it and links the embedded file into it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.ttfont = parsed.open_outlines()
    font._hbfont = None  # per-document text-shaping state, rebuilt on demand
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")  # what add_font does for CID-keyed CFF


@dataclass(frozen=True)
class CjkFonts:
    """The CJK faces added to one document, by style."""

    faces: dict[str, ParsedFace]

    def use_common_outlines(self, pdf: FPDF) -> None:
        """Just before writing: subset each face from its common copy if all its glyphs are there."""
        for style, parsed in self.faces.items():
            font = pdf.fonts.get(f"{FONT}{style}")
            if not isinstance(font, TTFFont) or not parsed.common_glyphs:
                continue
            if set(font.subset.get_all_glyph_names()) <= parsed.common_glyphs:
                font.ttfont = parsed.open_outlines(common=True)


def add_cjk_fonts(pdf: FPDF, cache_dir: Path | None = None) -> CjkFonts:
    """Add the CJK font as family ``"cjk"`` (styles "" and "B") to ``pdf``.

    The parsed face is shared between the documents of a process; should this fpdf2 version's
    font object not allow that, the face is added the ordinary way (slower, same result).
    Call ``use_common_outlines(pdf)`` on the result just before writing (MarkedPdf does).
    """
    shared: dict[str, ParsedFace] = {}
    for style, weight in STYLES.items():
        parsed = _parsed_face(cjk_source(weight), style, cache_dir)
        try:
            _register(pdf, style, parsed)
        except (AttributeError, TypeError) as exc:
            log.warning("cannot share the parsed CJK font with this fpdf2 (%s); adding it per document", exc)
            pdf.fonts.pop(f"{FONT}{style}", None)
            face = parsed.face.full
            pdf.add_font(FONT, style, str(face.path), collection_font_number=face.index)
        else:
            shared[style] = parsed
    return CjkFonts(shared)


class MarkedPdf(FPDF):
    def __init__(
        self,
        *,
        level: str,
        title: str,
        head_hash: str | None,
        printed_at: dt.datetime,
        orientation: str = "P",
        printed_by: str = "",
        font_cache_dir: Path | None = None,
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.level = level
        self.doc_title = title
        self.head_hash = head_hash
        self.printed_at = printed_at
        self.printed_by = printed_by
        self.cjk_fonts = add_cjk_fonts(self, font_cache_dir)
        self.set_title(title)
        self.set_creator("meetkit")
        self.set_auto_page_break(auto=True, margin=22)
        self.set_margins(15, 22, 15)
        self.alias_nb_pages()

    # ---- every page -------------------------------------------------------------------
    def _mark_band(self, y: float) -> None:
        r, g, b = LEVEL_COLOUR.get(self.level, (90, 90, 90))
        self.set_xy(self.l_margin, y)
        self.set_text_color(r, g, b)
        self.set_font(FONT, "B", 13)
        self.cell(self.epw, 7, mark(self.level), align="C")
        self.set_text_color(0, 0, 0)

    def header(self) -> None:
        self._mark_band(8)
        self.set_draw_color(*LEVEL_COLOUR.get(self.level, (90, 90, 90)))
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_xy(self.l_margin, 22)

    def footer(self) -> None:
        self.set_font(FONT, "", 7)
        self.set_text_color(80, 80, 80)
        self.set_xy(self.l_margin, self.h - 19)
        printed = self.printed_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
        left = f"{self.doc_title}  ·  打印 Printed {printed}" + (f"  ·  {self.printed_by}" if self.printed_by else "")
        self.cell(self.epw * 0.75, 4, left)
        self.cell(self.epw * 0.25, 4, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="R")
        self.set_xy(self.l_margin, self.h - 15)
        hash_text = self.head_hash or "—"
        self.cell(self.epw, 4, f"审计链头 Audit head: {hash_text}", align="L")
        self.set_text_color(0, 0, 0)
        self._mark_band(self.h - 10)

    # ---- body helpers -----------------------------------------------------------------
    def heading(self, text: str, size: float = 15) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(self.epw, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def subheading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FONT, "B", 11)
        self.multi_cell(self.epw, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: float = 9.5) -> None:
        self.set_font(FONT, "", size)
        self.multi_cell(self.epw, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def key_values(self, pairs: Sequence[tuple[str, Any]], key_width: float = 42) -> None:
        line_h = 5.0
        for key, value in pairs:
            key_text, value_text = str(key), "" if value is None else str(value)
            self.set_font(FONT, "B", 9)
            key_lines = len(self.multi_cell(key_width, line_h, key_text, dry_run=True, output="LINES"))
            self.set_font(FONT, "", 9)
            value_lines = len(self.multi_cell(self.epw - key_width, line_h, value_text, dry_run=True, output="LINES"))
            height = max(key_lines, value_lines, 1) * line_h
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            y = self.get_y()
            self.set_font(FONT, "B", 9)
            self.set_xy(self.l_margin, y)
            self.multi_cell(key_width, line_h, key_text, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font(FONT, "", 9)
            self.set_xy(self.l_margin + key_width, y)
            self.multi_cell(self.epw - key_width, line_h, value_text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_xy(self.l_margin, y + height)
        self.ln(1)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float] | None = None,
        font_size: float = 8,
    ) -> None:
        """A table whose header repeats on every page it spans; cells wrap."""
        widths = list(widths) if widths else [self.epw / len(headers)] * len(headers)
        scale = self.epw / sum(widths)
        widths = [w * scale for w in widths]
        line_h = font_size * 0.5

        def header_height() -> float:
            self.set_font(FONT, "B", font_size)
            lines = [len(self.multi_cell(w, line_h + 1, str(t), dry_run=True, output="LINES")) for t, w in zip(headers, widths)]
            return max(lines, default=1) * (line_h + 1)

        def draw_header() -> None:
            height = header_height()
            # The header and at least one row stay together on a page.
            if self.get_y() + height + 2 * line_h > self.page_break_trigger:
                self.add_page()
            self.set_font(FONT, "B", font_size)
            self.set_fill_color(230, 230, 230)
            y = self.get_y()
            x = self.l_margin
            auto = self.auto_page_break
            self.set_auto_page_break(False, self.b_margin)
            for text, w in zip(headers, widths):
                self.rect(x, y, w, height, style="DF")
                self.set_xy(x, y)
                self.multi_cell(w, line_h + 1, str(text), align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
                x += w
            self.set_auto_page_break(auto, self.b_margin)
            self.set_xy(self.l_margin, y + height)

        draw_header()
        self.set_font(FONT, "", font_size)
        for row in rows:
            texts = ["" if v is None else str(v) for v in row]
            heights = [self._lines(t, w, line_h) * line_h + 1 for t, w in zip(texts, widths)]
            height = max(heights) if heights else line_h
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                draw_header()
                self.set_font(FONT, "", font_size)
            y = self.get_y()
            x = self.l_margin
            auto = self.auto_page_break
            self.set_auto_page_break(False, self.b_margin)
            for text, w in zip(texts, widths):
                self.rect(x, y, w, height)
                self.set_xy(x, y + 0.5)
                if self._fits_one_line(text, w):
                    self.cell(w, line_h, text, align="L")
                else:
                    self.multi_cell(w, line_h, text, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
                x += w
            self.set_auto_page_break(auto, self.b_margin)
            self.set_xy(self.l_margin, y + height)
        self.ln(2)

    def _fits_one_line(self, text: str, width: float) -> bool:
        return "\n" not in text and self.get_string_width(text) <= width - 2 * self.c_margin - 0.2

    def _lines(self, text: str, width: float, line_h: float) -> int:
        """How many lines a cell's text takes (the common one-line case without a dry run)."""
        if self._fits_one_line(text, width):
            return 1
        return len(self.multi_cell(width, line_h, text, dry_run=True, output="LINES"))

    def output(self, *args: Any, **kwargs: Any) -> Any:
        self.cjk_fonts.use_common_outlines(self)
        return super().output(*args, **kwargs)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.output(str(path))
        return path
