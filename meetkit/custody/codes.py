"""The scannable code printed on every controlled copy, and telling it apart from a badge.

A copy code reads ``CP-<meeting>-<number>-<check>``, e.g. ``CP-12-00007-N``: the meeting id,
the copy's number (unique within the meeting, five digits or more) and one check character
(a position-weighted sum modulo 29 over ``CP<meeting>P<number, five digits>``), which
catches every single mistyped character and every swap of two characters. The check character is drawn from the badge
alphabet (digits and the twenty letters no keyboard layout moves), so like a badge it
comes out the same through a keyboard-wedge scanner on a US, UK, German or French host;
the separators, which do move, are mapped back by :func:`normalise` (German ``ß``, French
``)`` and the French digit row). Badge tokens (``meetkit.badges``) are
uppercase letters and digits only, so a hyphenated ``CP-`` code can never be one; when a
badge is scanned where a copy is expected, :func:`parse_copy_code` says so.

Scanners and people add noise: surrounding whitespace, lower case (caps lock), full-width
characters from a Chinese input method, underscores or spaces instead of hyphens. All of
that is normalised away before parsing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from meetkit.errors import InvalidInput

PREFIX = "CP"
# Same 30 symbols as badge tokens: digits plus the letters no keyboard layout moves.
ALPHABET = "0123456789BCDEFGHIJKLNOPRSTUVX"
_CHECK_MOD = 29  # prime, and below len(ALPHABET)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_CODE_RE = re.compile(r"^CP-(\d{1,9})-(\d{1,9})-([0-9A-Z])$")
_BADGE_RE = re.compile(r"^[A-Z0-9]{20,}$")
# A French (AZERTY) host types the US minus key as ')' and the unshifted digit row as these.
_AZERTY = {"&": "1", "é": "2", "É": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "È": "7", "_": "8",
           "ç": "9", "Ç": "9", "à": "0", "À": "0", ")": "-", "°": "-"}
_SEPARATORS = {"_": "-", " ": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u30fc": "-"}
NUMBER_WIDTH = 5


@dataclass(frozen=True)
class CopyCode:
    meeting_id: int
    number: int

    @property
    def text(self) -> str:
        return format_copy_code(self.meeting_id, self.number)


def check_char(payload: str) -> str:
    """Weighted sum modulo the prime 29 (weights 1, 2, 3, … by position) as one symbol of
    ALPHABET. With distinct non-zero weights and symbol values below 29, every single
    substitution and every transposition of two symbols changes the sum."""
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(payload))
    return ALPHABET[total % _CHECK_MOD]


def _payload(meeting_id: int, number: int) -> str:
    return f"{PREFIX}{meeting_id}P{number:0{NUMBER_WIDTH}d}"


def format_copy_code(meeting_id: int, number: int) -> str:
    if meeting_id < 1 or number < 1:
        raise ValueError("meeting id and copy number must be positive")
    return f"{PREFIX}-{meeting_id}-{number:0{NUMBER_WIDTH}d}-{check_char(_payload(meeting_id, number))}"


def normalise(text: str) -> str:
    """What a scanner or a person typed, as canonical upper-case ASCII."""
    text = text.strip()
    if ")" in text or "°" in text:  # typed through a French layout: ')' is where '-' should be
        text = "".join(_AZERTY.get(ch, ch) for ch in text)
    text = text.replace("ß", "-")  # German layout: the US minus key types ß
    text = unicodedata.normalize("NFKC", text).strip().upper()
    return "".join(_SEPARATORS.get(ch, ch) for ch in text)


def looks_like_copy_code(text: str) -> bool:
    return normalise(text).startswith(PREFIX + "-")


def looks_like_badge(text: str) -> bool:
    """Upper-case letters and digits only, long enough to be a badge token and not a
    plain number someone typed."""
    value = normalise(text)
    return bool(_BADGE_RE.match(value)) and not value.isdigit()


MAX_SCAN_CHARS = 1000  # a badge token is 120 characters, a copy code about 15


def check_length(text: str) -> None:
    """Refuse at once what is far too long to be a badge or a copy code (a stuck key, a
    paste), before any parsing or checking touches it."""
    if len(text) > MAX_SCAN_CHARS:
        raise InvalidInput(
            f"{len(text)} characters is far too long for a badge or a copy code: scan again",
            f"{len(text)} 个字符，远超参会证或文件份号码的长度：请重新扫描",
            scanned="too_long",
        )


def parse_copy_code(text: str) -> CopyCode:
    """Parse a scanned copy code. Every failure names what was scanned instead."""
    check_length(text)
    value = normalise(text)
    if not value:
        raise InvalidInput("nothing was scanned", "未扫描到内容")
    match = _CODE_RE.match(value)
    if match is None:
        if looks_like_badge(value):
            raise InvalidInput(
                "this is a badge, not a copy: scan the code on the document's cover label",
                "这是参会证，不是文件份号：请扫描文件封面标签上的二维码",
                scanned="badge",
            )
        if value.startswith(PREFIX + "-"):
            raise InvalidInput(
                f"{_short(value)!r} is a damaged copy code (expected CP-meeting-number-check): scan it again",
                f"{_short(value)!r} 是残缺的文件份号码（应为 CP-会议-份号-校验位）：请重新扫描",
                scanned="damaged",
            )
        raise InvalidInput(
            f"{_short(value)!r} is not a copy code: scan the code on the document's cover label",
            f"{_short(value)!r} 不是文件份号码：请扫描文件封面标签上的二维码",
            scanned="unknown",
        )
    meeting_id, number, check = int(match.group(1)), int(match.group(2)), match.group(3)
    # Only the canonical spelling counts (no extra leading zeros), so a misread digit can
    # never turn one valid code into another valid code of a different length.
    if meeting_id < 1 or number < 1 or check_char(_payload(meeting_id, number)) != check or value != format_copy_code(meeting_id, number):
        raise InvalidInput(
            f"{_short(value)!r} fails its check character (misread or mistyped): scan it again",
            f"{_short(value)!r} 校验位不符（误读或输错）：请重新扫描",
            scanned="bad_check",
        )
    return CopyCode(meeting_id, number)


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"
