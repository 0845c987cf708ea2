"""Badge tokens: alphabet, length, round trip, and the parser on anything a scanner types."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetkit.badges import token as tokens

KEY = tokens.new_private_key()
OTHER_KEY = tokens.new_private_key()
UNSAFE = set("AQWZYM")  # moved by German or French keyboard layouts
T0 = dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC)

claims_strategy = st.builds(
    tokens.Claims,
    meeting_id=st.integers(1, tokens.LIMITS["meeting_id"]),
    key_no=st.integers(1, tokens.LIMITS["key_no"]),
    serial=st.integers(1, tokens.LIMITS["serial"]),
    attendee_id=st.integers(1, tokens.LIMITS["attendee_id"]),
    not_before=st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2039, 12, 1), timezones=st.just(dt.UTC)),
    not_after=st.none(),
).flatmap(
    lambda c: st.integers(1, 120).map(
        lambda h: tokens.Claims(c.meeting_id, c.key_no, c.serial, c.attendee_id, c.not_before, c.not_before + dt.timedelta(hours=h))
    )
)


def test_alphabet_is_digits_and_layout_safe_letters():
    assert len(tokens.ALPHABET) == len(set(tokens.ALPHABET)) == 30
    assert not UNSAFE & set(tokens.ALPHABET)
    assert all(c.isdigit() or ("A" <= c <= "Z") for c in tokens.ALPHABET)  # QR alphanumeric mode


@given(claims_strategy)
@settings(max_examples=150, deadline=None)
def test_round_trip_and_every_character_is_safe(claims):
    text = tokens.encode(claims, KEY)
    assert len(text) == tokens.TOKEN_LENGTH <= 120
    assert set(text) <= set(tokens.ALPHABET)
    parsed = tokens.parse(text)
    got = parsed.claims
    assert (got.meeting_id, got.key_no, got.serial, got.attendee_id) == (claims.meeting_id, claims.key_no, claims.serial, claims.attendee_id)
    assert got.not_before <= claims.not_before < got.not_before + dt.timedelta(hours=1)
    assert got.not_after >= claims.not_after
    assert parsed.verify(KEY.public_key())
    assert not parsed.verify(OTHER_KEY.public_key())


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
@settings(max_examples=300, deadline=None)
def test_parser_never_crashes_on_junk(text):
    try:
        parsed = tokens.parse(text)
    except tokens.TokenError:
        return
    # the rare random text that decodes must still fail the signature
    assert not parsed.verify(KEY.public_key())


def _token() -> str:
    return tokens.encode(tokens.Claims(7, 1, 42, 1234, T0, T0 + dt.timedelta(hours=7)), KEY)


@given(st.integers(0, tokens.TOKEN_LENGTH - 1), st.sampled_from(tokens.ALPHABET))
@settings(max_examples=300, deadline=None)
def test_one_character_changed_never_verifies(position, replacement):
    text = _token()
    if text[position] == replacement:
        return
    altered = text[:position] + replacement + text[position + 1 :]
    try:
        parsed = tokens.parse(altered)
    except tokens.TokenError:
        return
    assert not parsed.verify(KEY.public_key())


def test_what_a_french_or_caps_lock_host_types_still_parses():
    text = _token()
    azerty = text.translate(str.maketrans("1234567890", "&é\"'(-è_çà"))
    assert azerty != text
    assert tokens.parse(azerty).text == text
    assert tokens.parse(text.lower()).text == text
    assert tokens.parse("  " + text + "\r\n").text == text
    caps = text.translate(str.maketrans("2790", "ÉÈÇÀ"))
    assert tokens.parse(caps).text == text


@pytest.mark.parametrize("bad", ["", "X" * 119, "X" * 121, "A" * 120, "B" * 10_000, "\x00" * 120, "Ｂ" * 120])
def test_malformed(bad):
    with pytest.raises(tokens.TokenError):
        tokens.parse(bad)


def test_claims_out_of_range_are_refused_at_issue():
    with pytest.raises(Exception, match="cannot carry"):
        tokens.encode(tokens.Claims(7, 1, 42, 2**20, T0, T0 + dt.timedelta(hours=2)), KEY)
