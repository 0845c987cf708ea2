"""What every GUI page gets: the open store, the clock, the logged-in operator and the
translator for the operator's language."""

from __future__ import annotations

from dataclasses import dataclass

from meetkit.clock import Clock
from meetkit.i18n import Translator
from meetkit.operators import Actor
from meetkit.store import Store


@dataclass
class GuiContext:
    store: Store
    clock: Clock
    actor: Actor
    tr: Translator

    @property
    def lang(self) -> str:
        return self.tr.lang
