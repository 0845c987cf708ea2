"""Versioned schema migrations.

Each module ``mNNNN_name.py`` here holds ``VERSION`` (its number), ``apply(db)`` and a
docstring. Numbers are taken by area: 1 foundation, 2 badges and desk, 3 controlled
documents, 4 checklists and gates, 5 sweeps; later changes take the next free number.
``PRAGMA user_version`` holds the highest applied version.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meetkit.store.db import Store


@lru_cache(maxsize=1)
def migrations() -> tuple[ModuleType, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            found.append(importlib.import_module(f"{__name__}.{info.name}"))
    found.sort(key=lambda m: int(m.VERSION))
    versions = [int(m.VERSION) for m in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration numbers are not contiguous: {versions}")
    return tuple(found)


def latest_version() -> int:
    return len(migrations())


def apply_migrations(store: Store) -> None:
    current = store.schema_version
    for module in migrations():
        version = int(module.VERSION)
        if version <= current:
            continue
        with store.transaction() as db:
            module.apply(db)
            store.conn.execute(f"PRAGMA user_version = {version}")
