"""A guard against a reference-count bug of shiboken6 6.12 on Python 3.11.

With PySide6-Essentials 6.12.0 on CPython 3.11, calls that hand ``None``, ``True`` or ``False``
across the binding drop a reference they never took: ``QTableWidgetItem().data(role)`` on an
empty role loses one reference to ``None`` per call, and a pyqtgraph repaint of the station's
spectrum loses about 80. Repainting 8 times a second, the interpreter reaches a zero count and
aborts ("Fatal Python error: none_dealloc" / "bool_dealloc"), mid-sweep or at exit. Python 3.12
made these objects immortal, so the lost references are harmless there; on 3.11 we give them a
reserve of 2**40 references once, which is what immortality amounts to. Call
:func:`shield_singletons` before showing Qt widgets (the station does; the application's
start-up is the better place for the whole GUI).
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

RESERVE = 1 << 40


def shield_singletons() -> bool:
    """Give None, True and False a huge reference reserve on Python < 3.12 (idempotent).
    Returns True when the reserve is in place (or not needed)."""
    if sys.version_info >= (3, 12):
        return True  # immortal objects
    for obj in (None, True, False):
        if sys.getrefcount(obj) < RESERVE // 2:
            ctypes.c_ssize_t.from_address(id(obj)).value += RESERVE
            log.debug("reference reserve added to %r", obj)
    return True
