"""The tabs of the meeting page, in order. Each entry is (english title, module path,
class name); the class is a QWidget with ``__init__(self, ctx: GuiContext, meeting_id: int,
parent=None)`` and ``refresh(self) -> None``. Areas add their line here."""

from __future__ import annotations

import importlib
from typing import Any

MEETING_PAGES: list[tuple[str, str, str]] = [
    ("Details", "meetkit.gui.details_page", "DetailsPage"),
    ("Attendees", "meetkit.gui.attendees_page", "AttendeesPage"),
    ("Badges", "meetkit.gui.badge_page", "BadgePage"),
    ("Sign-in desk", "meetkit.gui.desk_page", "DeskPage"),
    ("Device custody", "meetkit.gui.custody_page", "CustodyPage"),
    ("Checklists", "meetkit.gui.checklist_page", "ChecklistPage"),
    ("Controlled documents", "meetkit.gui.docs_page", "DocsPage"),
    ("RF sweeps", "meetkit.gui.sweep_tab", "SweepTab"),
]


def load_page_class(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)
