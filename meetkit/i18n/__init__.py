"""Translation layer: user-facing text is written in English in the code and shown in
Chinese by default. Catalogs are the ``zh_*.py`` modules in this package, each a dict
``ZH = {english: chinese}``; every area of the kit keeps its own catalog module.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@lru_cache(maxsize=1)
def _zh_catalog() -> dict[str, str]:
    merged: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("zh_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            merged.update(getattr(module, "ZH"))
    return merged


class Translator:
    """Looks up English source text in the chosen language.

    Missing entries fall back to English and are remembered in ``missing`` so that a
    test can prove every page is translated.
    """

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        if lang not in LANGUAGES:
            lang = DEFAULT_LANGUAGE
        self.lang = lang
        self.missing: set[str] = set()

    def __call__(self, text: str, **params: object) -> str:
        if self.lang == "zh":
            translated = _zh_catalog().get(text)
            if translated is None:
                self.missing.add(text)
                translated = text
        else:
            translated = text
        return translated.format(**params) if params else translated
