"""Checks of identity document numbers and phone numbers as people type them."""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_RESIDENT_18 = re.compile(r"^\d{17}[\dX]$")
_RESIDENT_15 = re.compile(r"^\d{15}$")
_OTHER_DOCUMENT = re.compile(r"^[A-Z]{1,2}\d{6,10}$|^[A-Z0-9]{6,20}$")
_PHONE = re.compile(r"^\+?[\d\- ]{5,20}$")


def normalise_id_number(text: str) -> str:
    return text.strip().replace(" ", "").upper()


def id_number_problem(text: str) -> str | None:
    """None when the number is acceptable, else a short English reason.

    Mainland resident ID cards (18 characters with the GB 11643 check digit, or the old
    15 digits) are checked fully; other documents (passport, Hong Kong/Macao/Taiwan passes)
    must be 6–20 letters and digits."""
    value = normalise_id_number(text)
    if not value:
        return None
    if len(value) == 18 and value[:17].isdigit():
        if not _RESIDENT_18.match(value):
            return "malformed resident ID number"
        total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS))
        if _CHECK[total % 11] != value[17]:
            return "resident ID number check digit is wrong"
        return None
    if value.isdigit():
        if _RESIDENT_15.match(value):
            return None
        return "malformed resident ID number (must be 18 characters)"
    if _OTHER_DOCUMENT.match(value) and any(c.isdigit() for c in value):
        return None
    return "malformed ID number"


def phone_problem(text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    if not _PHONE.match(value) or sum(c.isdigit() for c in value) < 5:
        return "malformed phone number"
    return None


def mask_id_number(value: str) -> str:
    """Show only the first 3 and last 2 characters: 110***********123X → 110*************3X."""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]
