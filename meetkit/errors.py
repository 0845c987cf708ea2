"""Domain errors: every error carries a code (an Enum) and a message in English and Chinese."""

from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorCode(str, Enum):
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    PERMISSION_DENIED = "permission_denied"
    AUTH_FAILED = "auth_failed"
    WRONG_PASSPHRASE = "wrong_passphrase"
    NOT_A_STORE = "not_a_store"
    NEWER_STORE = "newer_store"
    STORE_EXISTS = "store_exists"
    STORE_MISSING = "store_missing"
    STORE_LOCKED = "store_locked"
    STORE_READ_ONLY = "store_read_only"
    INVALID_STATE = "invalid_state"
    GATE_BLOCKED = "gate_blocked"
    HARDWARE = "hardware"
    SOURCE_LOST = "source_lost"
    BAD_RECORDING = "bad_recording"


class MeetkitError(Exception):
    """A user-facing error: one clear line, never a traceback (unless --debug)."""

    def __init__(self, code: ErrorCode, en: str, zh: str | None = None, **details: Any) -> None:
        super().__init__(en)
        self.code = code
        self.en = en
        self.zh = zh or en
        self.details = details

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return self.en


class PermissionDenied(MeetkitError):
    def __init__(self, en: str, zh: str | None = None, **details: Any) -> None:
        super().__init__(ErrorCode.PERMISSION_DENIED, en, zh, **details)


class NotFound(MeetkitError):
    def __init__(self, en: str, zh: str | None = None, **details: Any) -> None:
        super().__init__(ErrorCode.NOT_FOUND, en, zh, **details)


class InvalidInput(MeetkitError):
    def __init__(self, en: str, zh: str | None = None, **details: Any) -> None:
        super().__init__(ErrorCode.INVALID_INPUT, en, zh, **details)


class Conflict(MeetkitError):
    def __init__(self, en: str, zh: str | None = None, **details: Any) -> None:
        super().__init__(ErrorCode.CONFLICT, en, zh, **details)


class InvalidState(MeetkitError):
    def __init__(self, en: str, zh: str | None = None, **details: Any) -> None:
        super().__init__(ErrorCode.INVALID_STATE, en, zh, **details)
