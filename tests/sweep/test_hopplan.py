"""Hop plans: kept parts tile the span without gaps, counts and times as rf-reference.md says."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.hopplan import (
    TUNER_MAX_HZ,
    TUNER_MIN_HZ,
    describe_plan,
    format_freq,
    parse_freq,
    plan_profile,
    plan_ranges,
    plan_span,
)
from meetkit.sweep.profiles import load_profile


def assert_tiles(plan, lo: float, hi: float) -> None:
    hops = [h for h in plan.hops if lo <= h.keep_lo_hz < hi]
    assert hops[0].keep_lo_hz == lo and hops[-1].keep_hi_hz == hi
    for a, b in zip(hops, hops[1:]):
        assert a.keep_hi_hz == b.keep_lo_hz  # no gap, no overlap
    usable = plan.rate_sps * (1 - plan.crop)
    for h in hops:
        assert 0 < h.keep_hi_hz - h.keep_lo_hz <= usable * (1 + 1e-9)
        # the kept part lies inside the hop's un-cropped middle
        assert h.centre_hz - usable / 2 - 1 <= h.keep_lo_hz and h.keep_hi_hz <= h.centre_hz + usable / 2 + 1
        assert h.centre_hz == int(h.centre_hz)  # the tuner takes whole Hz


def test_full_range_is_968_hops_and_about_23_s() -> None:
    plan = plan_span(24e6, 1766e6)
    assert len(plan.hops) == 968  # rf-reference.md: about 968 hops
    assert plan.hardware_time_s() == pytest.approx(968 * (0.010 + 32768 / 2.4e6))
    assert 22.5 < plan.hardware_time_s() < 23.5
    assert [h.index for h in plan.hops] == list(range(968))
    assert_tiles(plan, 24e6, 1766e6)
    assert plan.total_time_s() == plan.hardware_time_s()


def test_options_change_the_plan() -> None:
    plan = plan_span(100e6, 200e6, rate_sps=2.048e6, crop=0.5, settle_s=0.02, dwell_samples=65536, passes=3)
    assert len(plan.hops) == math.ceil(100e6 / (2.048e6 * 0.5))
    assert plan.hardware_time_s() == pytest.approx(len(plan.hops) * (0.02 + 65536 / 2.048e6))
    assert plan.total_time_s() == pytest.approx(3 * plan.hardware_time_s())
    assert_tiles(plan, 100e6, 200e6)


@settings(max_examples=80, deadline=None)
@given(
    lo=st.floats(min_value=TUNER_MIN_HZ, max_value=TUNER_MAX_HZ - 1e3),
    width=st.floats(min_value=1e3, max_value=TUNER_MAX_HZ - TUNER_MIN_HZ),
    crop=st.floats(min_value=0.0, max_value=0.6),
    rate=st.sampled_from([2.4e6, 2.048e6, 1.024e6, 250e3, 3.2e6]),
)
def test_any_span_is_tiled(lo: float, width: float, crop: float, rate: float) -> None:
    hi = min(lo + width, TUNER_MAX_HZ)
    plan = plan_span(lo, hi, rate_sps=rate, crop=crop)
    assert_tiles(plan, lo, hi)
    assert len(plan.hops) == max(1, math.ceil((hi - lo) / (rate * (1 - crop)) - 1e-9))


def test_profile_plan_tiles_each_merged_span_and_lists_clipped_parts() -> None:
    plan = plan_profile(load_profile("china-default"))
    assert plan.profile == "china-default"
    for lo, hi in plan.spans:
        assert_tiles(plan, lo, hi)
    # every band of the profile inside the tuner range is covered by some kept part
    for band in load_profile("china-default").bands:
        lo, hi = max(band.lo_hz, TUNER_MIN_HZ), min(band.hi_hz, TUNER_MAX_HZ)
        assert any(s_lo <= lo and hi <= s_hi for s_lo, s_hi in plan.spans), band.name
    assert plan.clipped == ((1766e6, 1785e6),)  # China Telecom B3 above the dongle
    assert len(plan.hops) < len(plan_span(24e6, 1766e6).hops) / 2


def test_close_ranges_merge_far_ones_do_not() -> None:
    plan = plan_ranges([(100e6, 101e6), (101.5e6, 102e6), (300e6, 300.1e6)])
    assert plan.spans == ((100e6, 102e6), (300e6, 300.1e6))


@pytest.mark.parametrize(
    ("start", "stop"), [(10e6, 30e6), (100e6, 100e6), (200e6, 100e6), (1700e6, 1800e6)]
)
def test_bad_spans_are_refused(start: float, stop: float) -> None:
    with pytest.raises(MeetkitError) as err:
        plan_span(start, stop)
    assert err.value.code is ErrorCode.INVALID_INPUT


@pytest.mark.parametrize(
    "kwargs",
    [{"rate_sps": 500e3}, {"rate_sps": 3.3e6}, {"crop": 0.95}, {"crop": -0.1}, {"dwell_samples": 10}, {"passes": 0}, {"settle_s": -1}],
)
def test_bad_parameters_are_refused(kwargs: dict) -> None:
    with pytest.raises(MeetkitError) as err:
        plan_span(100e6, 200e6, **kwargs)
    assert err.value.code is ErrorCode.INVALID_INPUT


def test_out_of_range_profile_only_is_refused() -> None:
    with pytest.raises(MeetkitError):
        plan_ranges([(2400e6, 2483.5e6)])


def test_plan_is_described_with_hops_and_time() -> None:
    plan = plan_span(24e6, 1766e6, passes=2)
    text = "\n".join(describe_plan(plan, "en"))
    assert "968 hops" in text and "22.9 s per pass" in text and "2 pass(es)" in text
    zh = "\n".join(describe_plan(plan, "zh"))
    assert "968 跳" in zh and "每遍预计硬件时间 22.9 s" in zh


@pytest.mark.parametrize(
    ("text", "hz"),
    [("433.92M", 433.92e6), ("1.2G", 1.2e9), ("100k", 100e3), ("100000", 100e3), ("2.4MHz", 2.4e6),
     ("250ksps", 250e3), (" 88.5 M ", 88.5e6), ("1e6", 1e6), ("433920000", 433920000.0), ("0.5g", 0.5e9)],
)
def test_parse_freq_examples(text: str, hz: float) -> None:
    assert parse_freq(text) == pytest.approx(hz, rel=1e-12)


@pytest.mark.parametrize("text", ["", "abc", "-5M", "5 MM", "M", "1.2.3M", "inf", "nan", "5T", "12,5M"])
def test_parse_freq_rejects(text: str) -> None:
    with pytest.raises(MeetkitError) as err:
        parse_freq(text)
    assert err.value.code is ErrorCode.INVALID_INPUT


@given(st.floats(min_value=0, max_value=1e11, allow_nan=False, allow_infinity=False))
def test_format_then_parse_round_trips(hz: float) -> None:
    assert parse_freq(format_freq(hz)) == hz


@given(st.text(max_size=30))
def test_parse_freq_never_crashes(text: str) -> None:
    try:
        value = parse_freq(text)
    except MeetkitError as err:
        assert err.code is ErrorCode.INVALID_INPUT
    else:
        assert value >= 0 and math.isfinite(value)


@given(
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "k", "K", "M", "m", "G", "g"]),
    st.sampled_from(["", "Hz", "hz", "sps"]),
)
def test_parse_freq_scales_suffixes(number, suffix: str, unit: str) -> None:
    scale = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[suffix.lower()]
    assert parse_freq(f"{number}{suffix}{unit}") == pytest.approx(float(number) * scale, rel=1e-12, abs=1e-9)
