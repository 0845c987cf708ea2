"""The CJK font of every printout: its per-user copies and the parse shared per process."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fpdf import FPDF

from meetkit.fonts import FontSource, cache_paths, cached_face, cjk_font, cjk_source, default_cache_dir, face_index
from meetkit.reports.pdf import FONT, MarkedPdf, add_cjk_fonts

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

PRINTED = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
NAME = "阿依古丽·买买提"
RARE = "𠈌"  # U+2020C, CJK Extension B
FEW = [ord(c) for c in " 测试名单"]  # a small common copy, quick to make, for the cache's own tests


def _pages(data: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return out.decode("utf-8").split("\f")[:-1]


def _document(cache_dir: Path | None, body: str, rows: int = 0) -> bytes:
    pdf = MarkedPdf(level="机密", title="签到表", head_hash="cd" * 32, printed_at=PRINTED, font_cache_dir=cache_dir)
    pdf.set_creation_date(PRINTED)
    pdf.add_page()
    pdf.heading(body)
    if rows:
        pdf.table(["序号", "姓名"], [[i, f"{NAME}{i}"] for i in range(rows)], [10, 50])
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def cache() -> Path:
    """The per-user cache every printout uses (made once per machine, about 20 s, then checked
    on each use); the tests of the cache itself work on a private source and directory."""
    return default_cache_dir()


@pytest.fixture
def source(tmp_path: Path) -> FontSource:
    """A private copy of the installed regular collection, free to touch and replace."""
    installed = cjk_font("regular")
    copy = tmp_path / "src" / installed.name
    copy.parent.mkdir()
    shutil.copyfile(installed, copy)
    return FontSource.of(copy, face_index(installed))


def test_rare_character_and_chinese_name_print_as_text_with_the_mark_on_every_page(cache):
    pages = _pages(_document(cache, f"名单 {RARE}㛃 {NAME}", rows=150))
    assert len(pages) >= 3
    for page in pages:
        assert page.count("机密 SECRET") == 2
    assert RARE + "㛃" in pages[0] and NAME in pages[0] and f"{NAME}149" in pages[-1]
    assert all(path.is_file() for path in cache_paths(cjk_source("regular"), cache).values())


def test_documents_of_a_process_share_the_parse_but_not_the_subset(cache):
    first = MarkedPdf(level="秘密", title="一", head_hash=None, printed_at=PRINTED, font_cache_dir=cache)
    second = MarkedPdf(level="秘密", title="二", head_hash=None, printed_at=PRINTED, font_cache_dir=cache)
    a, b = first.fonts[FONT], second.fonts[FONT]
    assert a.cmap is b.cmap  # parsed once
    assert a.ttfont is not b.ttfont and a.subset is not b.subset and a.cw is not b.cw and a.desc is not b.desc
    first.add_page()
    first.paragraph("甲乙丙")
    assert "甲乙丙" in _pages(bytes(first.output()))[0]
    # The first document's output subset its own font in place: the second still has every glyph.
    second.add_page()
    second.paragraph(f"{RARE}龘靐齉 {NAME}")
    assert f"{RARE}龘靐齉 {NAME}" in _pages(bytes(second.output()))[0]
    third = MarkedPdf(level="秘密", title="三", head_hash=None, printed_at=PRINTED, font_cache_dir=cache)
    third.add_page()
    third.paragraph("丁戊")
    assert "丁戊" in _pages(bytes(third.output()))[0]


@pytest.mark.parametrize(("style", "weight"), [("", "regular"), ("B", "bold")])
def test_the_shared_template_has_what_fpdf2_parses_from_the_installed_face(cache, style, weight):
    path = cjk_font(weight)
    direct = FPDF()
    direct.add_font(FONT, style, str(path), collection_font_number=face_index(path))
    shared = FPDF()
    add_cjk_fonts(shared, cache)
    want, got = direct.fonts[FONT + style], shared.fonts[FONT + style]
    assert list(got.cmap.items()) == list(want.cmap.items())  # order too: fpdf2 takes the first entry for U+0000
    assert dict(got.cw) == dict(want.cw) and got.glyph_ids == want.glyph_ids
    assert got.cw[0x2FFFF] == want.cw[0x2FFFF]  # the width of a character the face lacks
    fields = ("ascent", "descent", "cap_height", "flags", "font_b_box", "italic_angle", "stem_v", "missing_width")
    assert [getattr(got.desc, f) for f in fields] == [getattr(want.desc, f) for f in fields]
    assert (got.name, got.scale, got.up, got.ut) == (want.name, want.scale, want.up, want.ut)
    assert (got.is_cff, got.is_cid_keyed, got.cff_ros) == (want.is_cff, want.is_cid_keyed, want.cff_ros)


def _page(pdf: FPDF, text: str, before_output=None) -> bytes:
    pdf.set_creation_date(PRINTED)
    pdf.add_page()
    for style in ("", "B"):
        pdf.set_font(FONT, style, 12)
        pdf.cell(text=text)
        pdf.ln()
    if before_output is not None:
        before_output(pdf)
    return bytes(pdf.output())


@pytest.mark.parametrize("text", [f"名单 {NAME} Attendees 0123", f"名单 {RARE}㛃 {NAME} 龘靐齉"], ids=["common", "rare"])
def test_the_cached_copies_print_byte_for_byte_what_the_installed_collection_prints(cache, text):
    direct = FPDF()
    for style, weight in (("", "regular"), ("B", "bold")):
        path = cjk_font(weight)
        direct.add_font(FONT, style, str(path), collection_font_number=face_index(path))
    cached = FPDF()
    fonts = add_cjk_fonts(cached, cache)
    assert cached.fonts[FONT].ttffile.parent == cache
    glyphs: list[int] = []

    def before_output(pdf: FPDF) -> None:
        fonts.use_common_outlines(pdf)
        glyphs.extend(len(pdf.fonts[key].ttfont.getGlyphOrder()) for key in (FONT, FONT + "B"))

    written = _page(cached, text, before_output)
    expected = [7804, 7804] if RARE not in text else [65535, 65535]  # subset from the common or the full copy
    assert glyphs == expected
    assert written == _page(direct, text)  # same subset, widths, outlines, names: the same file


def test_a_truncated_or_garbled_copy_is_rebuilt(source, tmp_path):
    cache = tmp_path / "cache"
    built = cached_face(source, cache, FEW)
    assert built.full.cached and built.full.path.parent == cache and built.common is not None
    good_full, good_common = built.full.path.read_bytes(), built.common.path.read_bytes()
    built.full.path.write_bytes(good_full[: len(good_full) // 3])
    again = cached_face(source, cache, FEW)
    assert again.full.data == good_full and built.full.path.read_bytes() == good_full
    built.common.path.write_bytes(os.urandom(len(good_common)))  # same length, wrong bytes
    again = cached_face(source, cache, FEW)
    assert again.common is not None and again.common.data == good_common
    paths = cache_paths(source, cache)
    charmap = paths["charmap"].read_bytes()
    paths["charmap"].write_bytes(charmap.replace(b",", b" ,", 1))  # still JSON, no longer the map
    assert paths["charmap"].read_bytes() != charmap
    cached_face(source, cache, FEW)
    assert paths["charmap"].read_bytes() == charmap
    paths["manifest"].write_text("{not json", encoding="utf-8")
    assert cached_face(source, cache, FEW).full.data == good_full
    assert json.loads(paths["manifest"].read_text(encoding="utf-8"))["full_copy"]["length"] == len(good_full)


def test_a_changed_source_font_or_character_set_is_copied_again(source, tmp_path):
    cache = tmp_path / "cache"
    built = cached_face(source, cache, FEW)
    inode = built.full.path.stat().st_ino
    assert cached_face(source, cache, FEW).full.path.stat().st_ino == inode  # valid: reused as is
    os.utime(source.path, ns=(source.mtime_ns + 10**9, source.mtime_ns + 10**9))
    changed = FontSource.of(source.path, source.index)
    assert changed != source
    rebuilt = cached_face(changed, cache, FEW)
    assert rebuilt.full.cached and rebuilt.full.path.stat().st_ino != inode
    manifest = cache_paths(changed, cache)["manifest"]
    assert json.loads(manifest.read_text(encoding="utf-8"))["mtime_ns"] == changed.mtime_ns
    inode = rebuilt.full.path.stat().st_ino
    assert cached_face(changed, cache, FEW[:-1]).full.path.stat().st_ino != inode


def test_an_unwritable_cache_dir_prints_from_the_installed_font(source, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    face = cached_face(source, blocker / "fonts", FEW)
    assert not face.full.cached and face.common is None
    assert face.full.path == source.path and face.full.index == source.index
    pages = _pages(_document(blocker / "fonts", f"{RARE} {NAME}"))
    assert f"{RARE} {NAME}" in pages[0] and pages[0].count("机密 SECRET") == 2
