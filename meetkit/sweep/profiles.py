"""Band profiles: named sets of bands to sweep, read from the JSON data files in ``profiles/``.

Each band carries its edges and the source of those edges (see
``../shared/domain/rf-reference.md``). ``not_covered()`` lists what an RTL-SDR cannot reach
(above 1766 MHz: TD-LTE, DECT, Wi-Fi/Bluetooth, 5G n41/n78/n79) so every report can say so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from meetkit.errors import ErrorCode, MeetkitError

_DATA_PACKAGE = "meetkit.sweep"
_DATA_DIR = "profiles"
_NOT_COVERED_FILE = "_not_covered.json"


@dataclass(frozen=True)
class Band:
    name: str
    name_zh: str
    lo_hz: float
    hi_hz: float
    kind: str  # phone | radio | mic | srd | meter | fm | full
    source: str  # where the edges come from
    note: str = ""

    def contains(self, freq_hz: float) -> bool:
        return self.lo_hz <= freq_hz <= self.hi_hz

    def label(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    title_zh: str
    bands: tuple[Band, ...]

    def ranges(self) -> list[tuple[float, float]]:
        return [(b.lo_hz, b.hi_hz) for b in self.bands]


def _data_dir() -> Any:
    return resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR)


def _read_json(name: str) -> Any:
    return json.loads(_data_dir().joinpath(name).read_text(encoding="utf-8"))


def profile_names() -> list[str]:
    """Names of the shipped profiles (the JSON files in ``meetkit/sweep/profiles``)."""
    names = []
    for entry in _data_dir().iterdir():
        if entry.name.endswith(".json") and not entry.name.startswith("_"):
            names.append(entry.name[: -len(".json")])
    return sorted(names)


def _band(raw: dict[str, Any]) -> Band:
    return Band(
        name=str(raw["name"]),
        name_zh=str(raw.get("name_zh") or raw["name"]),
        lo_hz=float(raw["lo_mhz"]) * 1e6,
        hi_hz=float(raw["hi_mhz"]) * 1e6,
        kind=str(raw.get("kind", "other")),
        source=str(raw["source"]),
        note=str(raw.get("note", "")),
    )


def load_profile(name: str) -> Profile:
    """The profile with this name; MeetkitError(NOT_FOUND) listing the known names otherwise."""
    names = profile_names()
    if name not in names:
        raise MeetkitError(
            ErrorCode.NOT_FOUND,
            f"no band profile {name!r}; known profiles: {', '.join(names)}",
            f"没有名为 {name!r} 的频段配置；可用配置：{', '.join(names)}",
        )
    raw = _read_json(f"{name}.json")
    return Profile(
        name=str(raw["name"]),
        title=str(raw["title"]),
        title_zh=str(raw.get("title_zh") or raw["title"]),
        bands=tuple(_band(b) for b in raw["bands"]),
    )


def all_bands() -> list[Band]:
    """Every band of every shipped profile, once each (by name and edges), sorted by frequency:
    the allocation labels analysis and reports can look frequencies up in."""
    seen: dict[tuple[str, float, float], Band] = {}
    for name in profile_names():
        for band in load_profile(name).bands:
            if band.kind == "full":
                continue
            seen.setdefault((band.name, band.lo_hz, band.hi_hz), band)
    return sorted(seen.values(), key=lambda b: (b.lo_hz, b.hi_hz))


def bands_at(freq_hz: float) -> list[Band]:
    """The shipped bands that contain ``freq_hz`` (narrowest first)."""
    return sorted((b for b in all_bands() if b.contains(freq_hz)), key=lambda b: b.hi_hz - b.lo_hz)


def not_covered() -> list[tuple[float, float, str]]:
    """What the dongle cannot reach, as (lo_hz, hi_hz, reason), sorted by frequency."""
    raw = _read_json(_NOT_COVERED_FILE)
    return sorted((float(e["lo_mhz"]) * 1e6, float(e["hi_mhz"]) * 1e6, str(e["reason"])) for e in raw["not_covered"])


def not_covered_details() -> list[dict[str, Any]]:
    """Same as :func:`not_covered` with the Chinese reason and the source of each entry."""
    raw = _read_json(_NOT_COVERED_FILE)
    return sorted(
        (
            {
                "lo_hz": float(e["lo_mhz"]) * 1e6,
                "hi_hz": float(e["hi_mhz"]) * 1e6,
                "reason": str(e["reason"]),
                "reason_zh": str(e.get("reason_zh") or e["reason"]),
                "source": str(e["source"]),
            }
            for e in raw["not_covered"]
        ),
        key=lambda d: (d["lo_hz"], d["hi_hz"]),
    )
