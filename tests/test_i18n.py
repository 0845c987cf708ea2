"""Translation catalogs: one Chinese text per English key across all areas."""

from __future__ import annotations

import importlib
import pkgutil

import meetkit.i18n as i18n
from meetkit.i18n import Translator


def test_no_key_has_two_different_translations():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for info in pkgutil.iter_modules(i18n.__path__):
        if not info.name.startswith("zh_"):
            continue
        catalog = importlib.import_module(f"meetkit.i18n.{info.name}").ZH
        for en, zh in catalog.items():
            if en in seen and seen[en][1] != zh:
                clashes.append(f"{en!r}: {seen[en][0]}={seen[en][1]!r} vs {info.name}={zh!r}")
            seen.setdefault(en, (info.name, zh))
    assert clashes == []


def test_translator_formats_and_records_missing():
    t = Translator("zh")
    assert t("Imported {n} attendee(s).", n=3) == "已导入 3 名参会人员。"
    assert t("No such text anywhere") == "No such text anywhere"
    assert t.missing == {"No such text anywhere"}
    assert Translator("en")("Imported {n} attendee(s).", n=3) == "Imported 3 attendee(s)."
    assert Translator("fr").lang == "zh"
