"""Finding the CJK font every printout and the GUI need (Debian: fonts-noto-cjk)."""

from __future__ import annotations

from pathlib import Path

from meetkit.errors import ErrorCode, MeetkitError

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
