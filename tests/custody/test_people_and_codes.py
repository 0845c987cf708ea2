from __future__ import annotations

import multiprocessing as mp

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetkit.custody import codes, distribution, documents, ledger
from meetkit.errors import InvalidInput

AZERTY = str.maketrans({"-": ")", "1": "&", "2": "é", "3": '"', "4": "'", "5": "(", "6": "-", "7": "è", "8": "_", "9": "ç", "0": "à"})


@given(st.integers(1, 16383), st.integers(1, 999999))
def test_copy_codes_round_trip_through_scanner_noise(meeting_id, number):
    code = codes.format_copy_code(meeting_id, number)
    assert codes.parse_copy_code(code) == codes.CopyCode(meeting_id, number)
    assert codes.parse_copy_code(f"  {code.lower()}\r\n") == codes.CopyCode(meeting_id, number)
    assert codes.parse_copy_code(code.translate(AZERTY)) == codes.CopyCode(meeting_id, number)
    assert codes.parse_copy_code(code.replace("-", "ß")) == codes.CopyCode(meeting_id, number)
    assert not codes.looks_like_badge(code)


@given(st.integers(1, 999), st.integers(1, 99999), st.data())
def test_single_substitutions_and_swaps_are_caught(meeting_id, number, data):
    code = codes.format_copy_code(meeting_id, number)
    digits = [i for i, ch in enumerate(code) if ch.isdigit()]
    i = data.draw(st.sampled_from(digits))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != code[i]]))
    changed = code[:i] + other + code[i + 1:]
    with pytest.raises(InvalidInput):
        parsed = codes.parse_copy_code(changed)
        # a different copy that happens to be valid would be a silent mis-scan
        assert parsed == codes.CopyCode(meeting_id, number)
    j = data.draw(st.sampled_from([k for k in digits if k + 1 in digits and code[k] != code[k + 1]] or [None]))
    if j is not None:
        swapped = code[:j] + code[j + 1] + code[j] + code[j + 2:]
        with pytest.raises(InvalidInput):
            codes.parse_copy_code(swapped)


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_parser_never_crashes_on_anything_typed(text):
    try:
        codes.parse_copy_code(text)
    except InvalidInput as err:
        assert err.zh and err.en


def test_overlong_scans_are_refused_and_messages_stay_short(store, clock, approved_meeting):
    """A stuck key or a paste: refused before parsing, and a long damaged code is shown cut
    short (the message fills a label at the desk)."""
    from meetkit.custody.people import resolve_person

    for text in ("A" * 1_000_000, "CP-" + "9" * 5000):
        for parse in (codes.parse_copy_code, lambda t: ledger.resolve_copy(store, approved_meeting.id, t),
                      lambda t: resolve_person(store, clock, approved_meeting.id, t)):
            with pytest.raises(InvalidInput) as err:
                parse(text)
            assert err.value.details["scanned"] == "too_long" and len(err.value.zh) < 80
    with pytest.raises(InvalidInput) as err:
        codes.parse_copy_code("CP-" + "9" * 900)
    assert err.value.details["scanned"] == "damaged" and len(err.value.zh) < 120


def test_a_badge_scanned_as_a_copy_is_named(store, approved_meeting, badges):
    token = next(iter(badges.values())).token
    assert codes.looks_like_badge(token)
    with pytest.raises(InvalidInput) as err:
        ledger.resolve_copy(store, approved_meeting.id, token)
    assert err.value.details["scanned"] == "badge" and "参会证" in err.value.zh


def test_issue_by_badge_and_refuse_not_signed_in(store, clock, team, approved_meeting, people, badges):
    m = approved_meeting.id
    documents.register_document(store, clock, team.secretary, m, title="会议材料", level="机密", copies=3)
    out = distribution.issue_copy(store, clock, team.secretary, m, codes.format_copy_code(m, 1), badges[people[0].id].token)
    assert out.attendee_id == people[0].id
    late = people[-1]
    with pytest.raises(distribution.Refused) as err:
        distribution.issue_copy(store, clock, team.secretary, m, "2", badges[late.id].token)
    assert err.value.reason == "not_signed_in" and "签到" in err.value.zh
    assert ledger.resolve_copy(store, m, "2").state == "in_stock"
    back = distribution.return_copy(store, clock, team.secretary, m, "1", badges[people[1].id].token)
    assert back.violation


def _issue_in_child(path, passphrase, meeting_id, attendee_id, barrier, results):
    import datetime as dt

    from meetkit.clock import FixedClock
    from meetkit.operators import Actor
    from meetkit.store import open_store
    from tests.custody.conftest import AT_THE_DOOR

    store = open_store(path, passphrase)
    actor = Actor(2, "secretary", frozenset({"secretary"}))
    clock = FixedClock(AT_THE_DOOR + dt.timedelta(minutes=6))
    barrier.wait()
    try:
        distribution.issue_copy(store, clock, actor, meeting_id, "1", str(attendee_id))
        results.put(("ok", attendee_id))
    except Exception as err:  # noqa: BLE001 - reported to the parent
        results.put((type(err).__name__, getattr(err, "reason", str(err))))
    finally:
        store.close()


def test_two_desks_issue_the_same_copy_at_once(store, store_path, clock, team, approved_meeting, people):
    from tests.conftest import PASSPHRASE

    m = approved_meeting.id
    documents.register_document(store, clock, team.secretary, m, title="会议材料", level="机密", copies=1)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_issue_in_child, args=(str(store_path), PASSPHRASE, m, people[i].id, barrier, results))
        for i in (0, 1)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert sorted(o[0] for o in outcomes) == ["Refused", "ok"]
    assert [o[1] for o in outcomes if o[0] == "Refused"] == ["already_out"]
    winner = next(o[1] for o in outcomes if o[0] == "ok")
    copy = ledger.resolve_copy(store, m, "1")
    assert copy.holder_ref == str(winner)
    assert [e["kind"] for e in ledger.history(store, copy.id)] == ["created", "issued"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=150), st.from_regex(r"CP-[0-9]{1,4}-[0-9]{1,6}-[0-9A-Z]", fullmatch=True)))
def test_any_scan_gives_a_clear_error_or_a_copy(store, clock, approved_meeting, text):
    from meetkit.custody.people import resolve_person
    from meetkit.errors import MeetkitError

    for resolve in (lambda: ledger.resolve_copy(store, approved_meeting.id, text),
                    lambda: resolve_person(store, clock, approved_meeting.id, text)):
        try:
            resolve()
        except MeetkitError as err:
            assert err.en and err.zh
