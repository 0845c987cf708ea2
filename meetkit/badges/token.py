"""Badge tokens: what the QR code on a badge carries.

A token is exactly :data:`TOKEN_LENGTH` (120) characters from a 30-symbol alphabet and
holds no personal data: format version, key number, meeting id, badge serial, attendee id,
the validity window and an Ed25519 signature (64 bytes) by the meeting's own key.

The alphabet
------------
Door scanners are usually keyboard wedges: they send *key codes* as if the keyboard were
a US one, and the host's keyboard layout turns them into characters. The token must come
out the same on US, UK, German (QWERTZ) and French (AZERTY) hosts:

* German swaps Y and Z.
* French swaps A/Q and Z/W, and puts M where US has ``;`` (the US M key types ``,``).
* All punctuation moves around between these layouts.
* French also needs Shift for digits: unshifted, the digit row types ``& é " ' ( - è _ ç à``
  (with Caps Lock ``É È Ç À``).

So the alphabet is the ten digits plus the twenty letters no layout moves:
``B C D E F G H I J K L N O P R S T U V X`` (no A, Q, W, Z, Y, M, no punctuation). Letters
are typed identically everywhere; digits are identical on US, UK and German, and what a
French host types for the digit row is mapped back by :func:`normalise` (none of those
characters is in the alphabet, so the mapping is unambiguous). Lower case (a host with Caps
Lock on) is folded to upper case. Every symbol is in QR alphanumeric mode (0-9 A-Z), so the
code stays compact (version 5-M).

Why 120 characters: 30 symbols carry log2(30) = 4.907 bits each, so 120 carry 588.8 bits:
512 for the signature leave 76 for the claims, packed as bit fields (most significant
first)::

    version 2 | key_no 3 | meeting_id 14 | serial 14 | attendee_id 20 | not_before_h 17 | valid_h 7

``not_before_h`` counts whole hours since 2025-01-01T00:00Z (good until 2039), ``valid_h`` is
the window's length in hours (1-127); the window is widened to whole hours. The signed
message is ``b"MKB1"`` followed by the 10-byte header.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from meetkit.errors import InvalidInput

DIGITS = "0123456789"
SAFE_LETTERS = "BCDEFGHIJKLNOPRSTUVX"
ALPHABET = DIGITS + SAFE_LETTERS
BASE = len(ALPHABET)  # 30
TOKEN_LENGTH = 120
SIGNATURE_BYTES = 64
HEADER_BYTES = 10
VERSION = 1
DOMAIN = b"MKB1"
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

# (name, bits), most significant first
FIELDS: tuple[tuple[str, int], ...] = (
    ("version", 2),
    ("key_no", 3),
    ("meeting_id", 14),
    ("serial", 14),
    ("attendee_id", 20),
    ("not_before_h", 17),
    ("valid_h", 7),
)
HEADER_BITS = sum(bits for _, bits in FIELDS)
LIMITS = {name: (1 << bits) - 1 for name, bits in FIELDS}
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
# The token's digits as Python's own base-30 digits, so int(..., 30) decodes at C speed (the
# sign-in path); only text that is all alphabet reaches it (int() would also take signs,
# spaces and underscores).
_TO_BASE30 = str.maketrans(ALPHABET, "0123456789abcdefghijklmnopqrst")
_WELL_FORMED = re.compile(f"[{ALPHABET}]{{{TOKEN_LENGTH}}}")
_MAX_VALUE = BASE**TOKEN_LENGTH

# What a French (AZERTY) host types for the unshifted digit row, with and without Caps Lock.
AZERTY_DIGITS = {
    "&": "1", "é": "2", "É": "2", '"': "3", "'": "4", "(": "5",
    "-": "6", "è": "7", "È": "7", "_": "8", "ç": "9", "Ç": "9", "à": "0", "À": "0",
}
_NORMALISE = str.maketrans(AZERTY_DIGITS)


class TokenError(ValueError):
    """The text is not a well-formed badge token (the MALFORMED verdict)."""


@dataclass(frozen=True)
class Claims:
    meeting_id: int
    key_no: int
    serial: int
    attendee_id: int
    not_before: dt.datetime
    not_after: dt.datetime
    version: int = VERSION


@dataclass(frozen=True)
class ParsedToken:
    claims: Claims
    message: bytes
    signature: bytes
    text: str

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        return verify_signature(self.message, self.signature, public_key)


def _hours(when: dt.datetime, *, up: bool) -> int:
    seconds = (when - EPOCH).total_seconds()
    return math.ceil(seconds / 3600) if up else math.floor(seconds / 3600)


def window_hours(not_before: dt.datetime, not_after: dt.datetime) -> tuple[int, int]:
    """The window widened to whole hours: (hours since the epoch, length in hours)."""
    start = _hours(not_before, up=False)
    end = _hours(not_after, up=True)
    return start, max(1, end - start)


def pack_header(claims: Claims) -> bytes:
    start_h, valid_h = window_hours(claims.not_before, claims.not_after)
    values = {
        "version": claims.version,
        "key_no": claims.key_no,
        "meeting_id": claims.meeting_id,
        "serial": claims.serial,
        "attendee_id": claims.attendee_id,
        "not_before_h": start_h,
        "valid_h": valid_h,
    }
    number = 0
    for name, bits in FIELDS:
        value = values[name]
        if not 0 <= value <= LIMITS[name]:
            raise InvalidInput(
                f"a badge token cannot carry {name}={value} (allowed 0–{LIMITS[name]})",
                f"胸卡令牌无法容纳 {name}={value}（允许范围 0–{LIMITS[name]}）",
            )
        number = (number << bits) | value
    return number.to_bytes(HEADER_BYTES, "big")


def unpack_header(header: bytes) -> dict[str, int]:
    number = int.from_bytes(header, "big")
    if number >> HEADER_BITS:
        raise TokenError("header overflow")
    values: dict[str, int] = {}
    for name, bits in reversed(FIELDS):
        values[name] = number & LIMITS[name]
        number >>= bits
    return values


def encode(claims: Claims, private_key: Ed25519PrivateKey) -> str:
    """Sign the claims and return the 120-character token."""
    if claims.not_after <= claims.not_before:
        raise InvalidInput("a badge's validity window must end after it starts", "胸卡有效期的结束时间须晚于开始时间")
    header = pack_header(claims)
    signature = private_key.sign(DOMAIN + header)
    number = (int.from_bytes(header, "big") << (8 * SIGNATURE_BYTES)) | int.from_bytes(signature, "big")
    if number >= _MAX_VALUE:  # cannot happen for version 1 or 2, kept as a guard
        raise InvalidInput("token too long", "令牌过长")
    chars = []
    for _ in range(TOKEN_LENGTH):
        number, digit = divmod(number, BASE)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def normalise(text: str) -> str:
    """What a scanner typed → the token as printed: surrounding whitespace dropped, upper
    case, the French digit row mapped back to digits."""
    return text.strip().upper().translate(_NORMALISE)


def parse(text: str) -> ParsedToken:
    """Decode a token without checking its signature. Raises :class:`TokenError`."""
    if not isinstance(text, str):
        raise TokenError("not text")
    if len(text) > 4 * TOKEN_LENGTH:
        raise TokenError(f"{len(text)} characters: far too long for a badge")
    token = normalise(text)
    if len(token) != TOKEN_LENGTH:
        raise TokenError(f"{len(token)} characters where a badge has {TOKEN_LENGTH}")
    if _WELL_FORMED.fullmatch(token) is None:
        bad = next(ch for ch in token if ch not in _INDEX)
        raise TokenError(f"character {bad!r} cannot appear in a badge")
    number = int(token.translate(_TO_BASE30), BASE)
    header_int = number >> (8 * SIGNATURE_BYTES)
    if header_int >> HEADER_BITS:
        raise TokenError("value out of range")
    header = header_int.to_bytes(HEADER_BYTES, "big")
    signature = (number & ((1 << (8 * SIGNATURE_BYTES)) - 1)).to_bytes(SIGNATURE_BYTES, "big")
    values = unpack_header(header)
    if values["version"] != VERSION:
        raise TokenError(f"unknown token version {values['version']}")
    for name in ("key_no", "meeting_id", "serial", "attendee_id", "valid_h"):
        if values[name] == 0:
            raise TokenError(f"{name} is zero")
    not_before = EPOCH + dt.timedelta(hours=values["not_before_h"])
    claims = Claims(
        meeting_id=values["meeting_id"],
        key_no=values["key_no"],
        serial=values["serial"],
        attendee_id=values["attendee_id"],
        not_before=not_before,
        not_after=not_before + dt.timedelta(hours=values["valid_h"]),
        version=values["version"],
    )
    return ParsedToken(claims, DOMAIN + header, signature, token)


def verify_signature(message: bytes, signature: bytes, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_from_bytes(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_from_bytes(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def load_public_pem(text: str) -> Ed25519PublicKey:
    """The key written by ``meetkit badges export-key`` (comment lines starting with # are
    skipped), for a desk that verifies badges without the store."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    pem = "".join(line + "\n" for line in text.splitlines() if not line.startswith("#")).encode("ascii")
    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput("not an Ed25519 public key", "不是 Ed25519 公钥")
    return key
