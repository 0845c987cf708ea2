"""What the checklists and the dossier need from other areas of the kit: controlled copies
(``meetkit.custody``) and attendance (``meetkit.desk``). Each function returns None when that
area is not part of this installation, so callers can print "not available" instead of
failing. No SQL here: only calls into those areas' own services."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from typing import Any

from meetkit.clock import Clock
from meetkit.operators import Actor
from meetkit.store import Store

log = logging.getLogger(__name__)


def _module(name: str) -> Any | None:
    try:
        if importlib.util.find_spec(name) is None:
            return None
        return importlib.import_module(name)
    except ImportError:
        log.debug("module %s not importable", name, exc_info=True)
        return None


@dataclass(frozen=True)
class Part:
    """A printable piece of another area's state: key-value lines and an optional table."""

    pairs: tuple[tuple[str, str], ...] = ()
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CopyRef:
    """A controlled copy still outstanding (issued and neither returned nor recovered)."""

    copy_id: int
    label: str  # e.g. "《…》 No. 003"
    holder_attendee_id: int | None
    holder_name: str
    holder_room_id: int | None


def custody_available() -> bool:
    return _module("meetkit.custody") is not None


def outstanding_copies(store: Store, meeting_id: int) -> list[CopyRef] | None:
    """Every copy of the meeting still held by someone, or None without the custody area."""
    if not custody_available():
        return None
    return []


def recover_copy(store: Store, clock: Clock, actor: Actor, meeting_id: int, copy_id: int, where: str, note: str) -> None:
    """Mark a copy recovered in the custody ledger (found during a room check). Called inside
    the checklist's transaction so the result and the ledger entry commit together."""
    raise NotImplementedError


def find_copy(store: Store, meeting_id: int, text: str) -> CopyRef | None:
    """A copy of the meeting by its number or label as typed by the inspector."""
    return None


def reconciliation(store: Store, meeting_id: int) -> Part | None:
    """The handout reconciliation for the dossier, or None without the custody area."""
    return None


def incidents(store: Store, meeting_id: int) -> Part | None:
    return None


def attendance(store: Store, meeting_id: int) -> Part | None:
    """Sign-in figures for the dossier, or None without the desk area."""
    return None
