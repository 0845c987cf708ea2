"""Classification levels (密级) and their marks."""

from __future__ import annotations

from meetkit.errors import InvalidInput

# Highest first. 内部 (internal) is accepted for unclassified meetings.
LEVELS = ("绝密", "机密", "秘密", "内部")
LEVEL_EN = {"绝密": "TOP SECRET", "机密": "SECRET", "秘密": "CONFIDENTIAL", "内部": "INTERNAL"}
ALIASES = {
    "top-secret": "绝密",
    "topsecret": "绝密",
    "top_secret": "绝密",
    "secret": "机密",
    "confidential": "秘密",
    "internal": "内部",
}
# Banner colours (RGB) for printed marks and badges.
LEVEL_COLOUR = {"绝密": (176, 0, 32), "机密": (214, 98, 0), "秘密": (0, 92, 175), "内部": (90, 90, 90)}


def parse_level(text: str) -> str:
    value = text.strip()
    if value in LEVELS:
        return value
    alias = ALIASES.get(value.lower())
    if alias:
        return alias
    raise InvalidInput(
        f"unknown classification level {text!r}: use 绝密, 机密, 秘密 or 内部 (top-secret, secret, confidential, internal)",
        f"未知密级 {text!r}：请使用 绝密、机密、秘密 或 内部",
    )


def is_classified(level: str) -> bool:
    return level in ("绝密", "机密", "秘密")


def is_high(level: str) -> bool:
    """机密 and 绝密 get the strictest gates (two inspectors, a sweep report)."""
    return level in ("绝密", "机密")


def mark(level: str) -> str:
    """The printed mark, e.g. '机密 SECRET'."""
    return f"{level} {LEVEL_EN.get(level, '')}".strip()
