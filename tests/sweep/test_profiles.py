"""Band profiles are data files; every band names the source of its edges."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.hopplan import TUNER_MAX_HZ, TUNER_MIN_HZ
from meetkit.sweep.profiles import (
    all_bands,
    bands_at,
    load_profile,
    not_covered,
    not_covered_details,
    profile_names,
)


def test_the_five_profiles_ship() -> None:
    assert profile_names() == ["china-default", "full", "mics", "phones", "radios"]


@pytest.mark.parametrize("name", ["china-default", "full", "mics", "phones", "radios"])
def test_every_band_has_edges_kind_and_source(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name and profile.title and profile.title_zh
    assert profile.bands
    for band in profile.bands:
        assert band.lo_hz < band.hi_hz
        assert band.source.strip(), band.name
        assert band.name_zh.strip()
        assert band.kind in {"phone", "radio", "mic", "srd", "meter", "fm", "full"}
        assert band.lo_hz < TUNER_MAX_HZ and band.hi_hz > TUNER_MIN_HZ  # reachable at least in part


def test_full_is_the_tuner_range() -> None:
    (band,) = load_profile("full").bands
    assert (band.lo_hz, band.hi_hz) == (24e6, 1766e6)


def test_china_default_holds_the_reference_bands() -> None:
    bands = {(b.lo_hz, b.hi_hz) for b in load_profile("china-default").bands}
    for lo, hi in [(889e6, 904e6), (904e6, 915e6), (824e6, 835e6), (703e6, 733e6), (1710e6, 1735e6),
                   (409.75e6, 409.9875e6), (403e6, 423.5e6), (433e6, 434.79e6), (87e6, 108e6), (470e6, 790e6)]:
        assert (lo, hi) in bands


def test_phones_are_uplinks_radios_are_walkie_talkies() -> None:
    assert {b.kind for b in load_profile("phones").bands} == {"phone"}
    assert {b.kind for b in load_profile("radios").bands} == {"radio"}
    assert "mic" in {b.kind for b in load_profile("mics").bands}


def test_unknown_profile_lists_known_ones() -> None:
    with pytest.raises(MeetkitError) as err:
        load_profile("wifi")
    assert err.value.code is ErrorCode.NOT_FOUND and "china-default" in err.value.en


def test_not_covered_names_what_the_dongle_cannot_reach() -> None:
    items = not_covered()
    assert all(lo >= TUNER_MAX_HZ and hi > lo for lo, hi, _ in items)
    reasons = " | ".join(r for _, _, r in items)
    for word in ["TD-LTE", "DECT", "2.4 GHz Wi-Fi", "Bluetooth", "5 GHz Wi-Fi", "n41", "n78", "n79"]:
        assert word in reasons
    assert (1880e6, 1900e6) in {(lo, hi) for lo, hi, _ in items}  # DECT
    assert all(d["source"] and d["reason_zh"] for d in not_covered_details())


def test_band_lookup() -> None:
    names = [b.name for b in bands_at(409.8e6)]
    assert names[0].startswith("public walkie-talkie")  # the narrowest first
    assert any("licensed walkie-talkies" in n for n in names)
    assert bands_at(1300e6) == []
    assert all(b.kind != "full" for b in all_bands())


def test_profile_files_are_plain_json_data() -> None:
    folder = resources.files("meetkit.sweep").joinpath("profiles")
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            json.loads(entry.read_text(encoding="utf-8"))
