"""Template items are typed by people (JSON files, --add): the parser either returns clean
items or refuses with InvalidInput, never anything else."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetkit.checklists.builtin import BUILTIN
from meetkit.checklists.templates import (
    KEY_RE,
    MAX_TEXT,
    ItemDef,
    parse_items,
    parse_items_json,
)
from meetkit.errors import InvalidInput

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
item_like = st.fixed_dictionaries(
    {"key": st.one_of(st.from_regex(KEY_RE, fullmatch=True), st.text(max_size=12)), "en": st.text(max_size=60), "zh": st.text(max_size=60)},
    optional={"room_kinds": st.lists(st.sampled_from(["meeting", "side", "lodging", "garage"]), max_size=3),
              "flags": st.lists(st.sampled_from(["sweep_ref", "high_only", "x"]), max_size=2),
              "section_en": st.text(max_size=20)},
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(json_values, st.lists(item_like, max_size=5)))
def test_parser_returns_clean_items_or_refuses(data):  # type: ignore[no-untyped-def]
    try:
        items = parse_items(data)
    except InvalidInput as err:
        assert err.en and err.zh
        return
    assert items and all(isinstance(i, ItemDef) for i in items)
    assert len({i.key for i in items}) == len(items)
    for item in items:
        assert KEY_RE.match(item.key)
        assert item.en and item.zh and len(item.en) <= MAX_TEXT and "\n" not in item.en + item.zh
        assert set(item.room_kinds) <= {"meeting", "side", "lodging"}


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_json_parser_refuses_garbage_cleanly(raw):  # type: ignore[no-untyped-def]
    try:
        parse_items_json(raw)
    except InvalidInput:
        pass


def test_builtin_templates_round_trip_and_are_bilingual():
    for template in BUILTIN:
        text = json.dumps(template.to_json(), ensure_ascii=False)
        assert parse_items_json(text) == template.items
        assert all(any("\u4e00" <= c <= "\u9fff" for c in i.zh) and i.en.isascii() for i in template.items)
    keys = {i.key for t in BUILTIN for i in t.items}
    assert {"no_wireless_mics", "phone_custody", "rf_sweep", "attendee_list", "badges_issued", "printers_copiers", "waste_bins"} <= keys


def test_duplicate_keys_are_refused():
    with pytest.raises(InvalidInput, match="twice"):
        parse_items([{"key": "a", "en": "x", "zh": "甲"}, {"key": "a", "en": "y", "zh": "乙"}])
