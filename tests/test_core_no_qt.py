"""The core never imports Qt: importing every core module in a fresh interpreter leaves
PySide6 unloaded."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import meetkit


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(meetkit.__path__, "meetkit."):
        if info.name.startswith("meetkit.gui") or info.name == "meetkit.__main__":
            continue
        names.append(info.name)
    return names


def test_core_modules_do_not_import_pyside6():
    modules = core_modules()
    assert len(modules) > 20
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"core imported Qt: {result.stdout}"
