"""The CJK font every printout and the GUI need (Debian: fonts-noto-cjk), and its per-user copy.

:func:`cjk_font` finds the installed Noto Sans CJK collection. fpdf2 reads the Simplified
Chinese face of that 20 MB collection for every PDF; :func:`standalone_face` copies the face
once into the per-user cache directory (``platformdirs.user_cache_dir("meetkit")/fonts``) as a
standalone OpenType file without the vertical-writing and baseline tables that no printout
uses (the outlines, the character map and the widths are copied byte for byte). The copy is
keyed by the source's path, size and modification time and checked against a SHA-256 in its
manifest before use: a stale, truncated or garbled copy is rebuilt (written to a temporary
file and moved into place), and when the cache directory cannot be written the collection is
used directly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
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

# Bump when the way the standalone copy is made changes: older copies are then rebuilt.
CACHE_FORMAT = 1
# Tables the standalone copy leaves out: OpenType layout (fpdf2 drops GSUB, GPOS and GDEF
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

    def manifest_key(self) -> dict[str, object]:
        return {
            "format": CACHE_FORMAT,
            "source": str(self.path),
            "index": self.index,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
        }


@dataclass(frozen=True)
class FontFace:
    """What to hand fpdf2 / fontTools: a font file and the face inside it (0 unless a collection).

    ``data`` holds the bytes of a cached standalone copy, already checked against its manifest
    (None when printing straight from the installed font).
    """

    path: Path
    index: int
    data: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def cached(self) -> bool:
        return self.data is not None


def cjk_source(weight: str = "regular") -> FontSource:
    path = cjk_font(weight)
    return FontSource.of(path, face_index(path))


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("meetkit", appauthor=False)) / "fonts"


def cache_paths(source: FontSource, cache_dir: Path) -> tuple[Path, Path]:
    """The standalone copy of ``source`` in ``cache_dir`` and its manifest."""
    tag = hashlib.sha256(str(source.path).encode()).hexdigest()[:8]
    stem = f"{source.path.stem}-{source.index}-{tag}"
    return cache_dir / f"{stem}.otf", cache_dir / f"{stem}.json"


def standalone_face(source: FontSource, cache_dir: Path | None = None) -> FontFace:
    """The per-user standalone copy of ``source`` (made now if missing, stale or damaged).

    Falls back to the source itself (and logs why) when the copy cannot be made.
    """
    directory = default_cache_dir() if cache_dir is None else cache_dir
    font_path, manifest_path = cache_paths(source, directory)
    data = _valid_copy(source, font_path, manifest_path)
    if data is None:
        try:
            data = _build_copy(source, font_path, manifest_path)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, print from the source
            log.warning("cannot cache the font face %s#%d in %s (%s); using the font directly", source.path, source.index, directory, exc)
            return FontFace(source.path, source.index)
    return FontFace(font_path, 0, data)


def _read_manifest(manifest_path: Path) -> dict[str, object] | None:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _matches(manifest: dict[str, object], source: FontSource, data: bytes) -> bool:
    expected = source.manifest_key()
    if any(manifest.get(key) != value for key, value in expected.items()):
        return False
    return manifest.get("length") == len(data) and manifest.get("sha256") == hashlib.sha256(data).hexdigest()


def _valid_copy(source: FontSource, font_path: Path, manifest_path: Path) -> bytes | None:
    """The cached copy's bytes if its manifest names this very source and its checksum holds."""
    manifest = _read_manifest(manifest_path)
    if manifest is None:
        return None
    try:
        data = font_path.read_bytes()
    except OSError:
        return None
    if not _matches(manifest, source, data):
        log.info("font cache %s is stale or damaged: rebuilding it", font_path)
        return None
    return data


def _build_copy(source: FontSource, font_path: Path, manifest_path: Path) -> bytes:
    from fontTools.ttLib import TTFont

    font_path.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(source.path), fontNumber=source.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    try:
        for tag in DROPPED_TABLES:
            if tag in font:
                del font[tag]
        fd, tmp_name = tempfile.mkstemp(dir=font_path.parent, prefix=font_path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                font.save(out, reorderTables=False)
            data = Path(tmp_name).read_bytes()
            os.replace(tmp_name, font_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    finally:
        font.close()
    manifest = source.manifest_key() | {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    _write_atomically(manifest_path, json.dumps(manifest, indent=1).encode("utf-8"))
    log.info("cached font face %s#%d as %s", source.path, source.index, font_path)
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
