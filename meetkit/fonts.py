"""The CJK font every printout and the GUI need (Debian: fonts-noto-cjk), and its per-user copies.

:func:`cjk_font` finds the installed Noto Sans CJK collection. fpdf2 parses and subsets the
whole Simplified Chinese face of that 20 MB collection (65,535 glyphs) for every PDF;
:func:`cached_face` keeps, in the per-user cache directory
(``platformdirs.user_cache_dir("meetkit")/fonts``), three files made from the face once:

- the *full* copy: the face as a standalone OpenType file without the layout,
  vertical-writing and baseline tables no printout uses (outlines, character map and widths
  copied byte for byte);
- the *common* copy: only the glyphs of the common characters (GB 2312, Latin, punctuation:
  about 7,800 glyphs, 1.8 MB), which a document whose text stays within them is subset from;
- the full face's character map and advance widths as JSON (what fpdf2 otherwise parses from
  the 65,535-glyph face for every process).

They are keyed by the source's path, size and modification time and checked against the
SHA-256 in their manifest before use: stale, truncated or garbled copies are rebuilt (written
to a temporary file and moved into place), and when the cache directory cannot be written the
collection itself is used.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from meetkit.errors import ErrorCode, MeetkitError

log = logging.getLogger(__name__)

CANDIDATES = {
    "regular": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ),
    "bold": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ),
}
# Face index of Simplified Chinese inside the Noto CJK collections.
SC_FACE_INDEX = 2

# Bump when the way the copies are made changes: older copies are then rebuilt.
CACHE_FORMAT = 2
# Tables the full copy leaves out: OpenType layout (fpdf2 drops GSUB, GPOS and GDEF
# itself when it writes a file, and MarkedPdf does not use text shaping), vertical writing and
# baselines. fpdf2 writes horizontal text and embeds just the outlines (CFF) with its own width
# table, so the printed result is the same; without them there is less to read per document.
DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "vhea", "vmtx", "VORG")


def cjk_font(weight: str = "regular") -> Path:
    for candidate in CANDIDATES[weight]:
        path = Path(candidate)
        if path.exists():
            return path
    raise MeetkitError(
        ErrorCode.INVALID_STATE,
        "no CJK font found: install one with 'apt-get install fonts-noto-cjk'",
        "未找到中文字体：请运行 'apt-get install fonts-noto-cjk' 安装",
    )


def face_index(path: Path) -> int:
    return SC_FACE_INDEX if path.name.startswith("NotoSansCJK") else 0


def common_codepoints() -> frozenset[int]:
    """The characters of the *common* copy: GB 2312 (6,763 hanzi and its symbols), Latin-1,
    general and CJK punctuation, full-width forms."""
    points: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    points |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return frozenset(points)


@dataclass(frozen=True)
class FontSource:
    """One face of an installed font file, identified by the file's path, size and mtime."""

    path: Path
    index: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path, index: int) -> FontSource:
        stat = path.stat()
        return cls(path=path, index=index, size=stat.st_size, mtime_ns=stat.st_mtime_ns)


@dataclass(frozen=True)
class FontFace:
    """What to hand fpdf2 / fontTools: a font file and the face inside it (0 unless a collection).

    ``data`` holds the bytes of a cached copy, already checked against its manifest (None when
    printing straight from the installed font).
    """

    path: Path
    index: int
    data: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def cached(self) -> bool:
        return self.data is not None


@dataclass(frozen=True)
class CharMap:
    """The full face's character map: for each code point (in the font's cmap order) the glyph
    name, its advance width in font units and its glyph id."""

    codepoints: tuple[int, ...]
    glyph_names: tuple[str, ...]
    advances: tuple[int, ...]
    glyph_ids: tuple[int, ...]


@dataclass(frozen=True)
class CachedFace:
    """The face to print with: the full face, and its common copy and character map if cached."""

    full: FontFace
    common: FontFace | None = None
    charmap: CharMap | None = None


def cjk_source(weight: str = "regular") -> FontSource:
    path = cjk_font(weight)
    return FontSource.of(path, face_index(path))


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("meetkit", appauthor=False)) / "fonts"


PARTS = ("full", "common", "charmap")


def cache_paths(source: FontSource, cache_dir: Path) -> dict[str, Path]:
    """Where the copies of ``source`` live in ``cache_dir``: each part and the manifest."""
    tag = hashlib.sha256(str(source.path).encode()).hexdigest()[:8]
    stem = f"{source.path.stem}-{source.index}-{tag}"
    return {
        "full": cache_dir / f"{stem}.otf",
        "common": cache_dir / f"{stem}.common.otf",
        "charmap": cache_dir / f"{stem}.charmap.json",
        "manifest": cache_dir / f"{stem}.json",
    }


def cached_face(source: FontSource, cache_dir: Path | None = None, common: Iterable[int] | None = None) -> CachedFace:
    """The per-user copies of ``source`` (made now if missing, stale or damaged).

    ``common`` is the character set of the common copy (default :func:`common_codepoints`).
    Falls back to the source itself (and logs why) when the copies cannot be made.
    """
    directory = default_cache_dir() if cache_dir is None else cache_dir
    points = sorted(common_codepoints() if common is None else set(common))
    key = _manifest_key(source, points)
    paths = cache_paths(source, directory)
    parts = _valid_parts(key, paths)
    if parts is None:
        try:
            parts = _build_parts(source, points, key, paths)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, print from the source
            log.warning("cannot cache the font face %s#%d in %s (%s); using the font directly", source.path, source.index, directory, exc)
            return CachedFace(FontFace(source.path, source.index))
    rows = json.loads(parts["charmap"])
    charmap = CharMap(*(tuple(column) for column in rows))
    return CachedFace(FontFace(paths["full"], 0, parts["full"]), FontFace(paths["common"], 0, parts["common"]), charmap)


def warm_cache(cache_dir: Path | None = None) -> dict[str, CachedFace]:
    """Make (or check) the copies of both weights now: about 20 s of CPU the first time, so an
    installer or a background start-up task can spare the first printout that wait."""
    return {weight: cached_face(cjk_source(weight), cache_dir) for weight in CANDIDATES}


def _manifest_key(source: FontSource, points: list[int]) -> dict[str, object]:
    return {
        "format": CACHE_FORMAT,
        "source": str(source.path),
        "index": source.index,
        "size": source.size,
        "mtime_ns": source.mtime_ns,
        "common": hashlib.sha256(",".join(map(str, points)).encode()).hexdigest(),
    }


def _digest(data: bytes) -> dict[str, object]:
    return {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _valid_parts(key: dict[str, object], paths: dict[str, Path]) -> dict[str, bytes] | None:
    """The parts' bytes if the manifest names this very source and every checksum holds."""
    try:
        manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
        parts = {part: paths[part].read_bytes() for part in PARTS}
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or any(manifest.get(k) != v for k, v in key.items()):
        log.info("font cache %s is stale: rebuilding it", paths["full"])
        return None
    if any(manifest.get(f"{part}_copy") != _digest(data) for part, data in parts.items()):
        log.info("font cache %s is damaged: rebuilding it", paths["full"])
        return None
    return parts


def _build_parts(source: FontSource, points: list[int], key: dict[str, object], paths: dict[str, Path]) -> dict[str, bytes]:
    from fontTools.ttLib import TTFont

    paths["full"].parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(source.path), fontNumber=source.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    try:
        for tag in DROPPED_TABLES:
            if tag in font:
                del font[tag]
        out = io.BytesIO()
        font.save(out, reorderTables=False)
    finally:
        font.close()
    full = out.getvalue()
    parts = {"full": full, "common": _common_copy(full, points), "charmap": _charmap_json(full)}
    for part, data in parts.items():
        _write_atomically(paths[part], data)
    manifest = key | {f"{part}_copy": _digest(data) for part, data in parts.items()}
    _write_atomically(paths["manifest"], json.dumps(manifest, indent=1).encode("utf-8"))
    log.info("cached font face %s#%d as %s", source.path, source.index, paths["full"])
    return parts


def _charmap_json(full: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(full), lazy=True)
    try:
        cmap = font.getBestCmap() or {}
        metrics = font["hmtx"].metrics
        ids = font.getReverseGlyphMap()
        columns = [list(cmap), list(cmap.values()), [metrics[n][0] for n in cmap.values()], [ids[n] for n in cmap.values()]]
    finally:
        font.close()
    return json.dumps(columns, separators=(",", ":")).encode("utf-8")


def _common_copy(full: bytes, points: list[int]) -> bytes:
    """The glyphs of ``points`` only, as fontTools' subsetter keeps them (names, hints, CIDs)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(full), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, name_IDs=["*"], name_languages=["*"])
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
