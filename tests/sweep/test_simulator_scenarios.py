"""Venue simulator: scenario files (validation, shipped scenarios) and the synthesized samples
(each emitter at its frequency and level, tuner artifacts, burst timing, push-to-talk)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.blocks import cu8_to_complex
from meetkit.sweep.simulator import Synthesizer, find_scenario, load_scenario
from meetkit.sweep.simulator.emitters import GSM_FRAME_S
from meetkit.sweep.simulator.scenario import KINDS, parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "recordings" / "scenarios"
SHIPPED = ["empty-room", "clean-room", "mic-and-phone", "bug-fm", "mic-phone-radio", "ism-remote"]
RATE = 2.4e6
NFFT = 1024


# -- helpers -------------------------------------------------------------------------------
def scenario(*emitters: dict[str, Any], **top: Any) -> Any:
    return parse_scenario({"name": "test", "seed": 3, **top, "emitters": list(emitters)})


def capture(synth: Synthesizer, centre_hz: float, n: int, rate: float = RATE, start_s: float | None = None) -> np.ndarray:
    synth.set_rate(rate)
    synth.tune(centre_hz)
    if start_s is not None:
        synth.seek(start_s)
    synth.read(int(0.01 * rate))  # past the retune transient
    return cu8_to_complex(synth.read(n))


def psd(x: np.ndarray, nfft: int = NFFT) -> np.ndarray:
    """Power per bin (dBFS-consistent: bins sum to the signal's power), shifted."""
    frames = x[: len(x) // nfft * nfft].reshape(-1, nfft)
    w = np.hanning(nfft)
    spec = np.fft.fftshift(np.fft.fft(frames * w, axis=1), axes=1)
    return np.mean(np.abs(spec) ** 2, axis=0) / (nfft * np.sum(w**2))


def band_power_dbfs(p: np.ndarray, centre_hz: float, lo_hz: float, hi_hz: float, rate: float = RATE) -> float:
    """Power in [lo, hi] above the noise floor, in dBFS; the DC bins left out. The floor is the
    median bin outside [lo, hi] in the flat part of the passband."""
    n = len(p)
    f = centre_hz + (np.arange(n) - n // 2) * rate / n
    not_dc = np.abs(np.arange(n) - n // 2) > 3
    inside = (f >= lo_hz) & (f <= hi_hz) & not_dc
    flat = np.abs(f - centre_hz) < 0.7 * rate / 2
    noise = float(np.median(p[~inside & not_dc & flat]))
    return float(10 * np.log10(max(1e-20, p[inside].sum() - noise * inside.sum())))


def on_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start indices and lengths of the runs of True."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    return starts, stops - starts


# -- scenario files --------------------------------------------------------------------------
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_load_and_have_room_emitters_where_expected(name: str) -> None:
    sc = load_scenario(SCENARIOS / f"{name}.json")
    room = [e for e in sc.emitters if e.where == "room"]
    assert sc.name == name
    assert (len(room) == 0) == (name in ("empty-room", "clean-room"))
    assert sc.outside().emitters == tuple(e for e in sc.emitters if e.where == "ambient")
    if name != "empty-room":
        kinds = {e.kind for e in sc.emitters if e.where == "ambient"}
        assert {"fm_broadcast", "cellular_downlink", "dtv"} <= kinds


def test_scenarios_hold_the_in_room_emitters_the_contract_names() -> None:
    def room_kinds(name: str) -> set[str]:
        return {e.kind for e in load_scenario(SCENARIOS / f"{name}.json").emitters if e.where == "room"}

    assert room_kinds("mic-and-phone") == {"wireless_mic", "gsm_uplink", "lte_uplink"}
    assert room_kinds("bug-fm") == {"fm_bug"}
    assert room_kinds("mic-phone-radio") == {"wireless_mic", "gsm_uplink", "walkie_talkie"}
    assert room_kinds("ism-remote") == {"ism_ook"}


def test_scenario_found_by_name_or_path(tmp_path: Path) -> None:
    assert find_scenario("mic-and-phone").name == "mic-and-phone.json"
    assert find_scenario("bug-fm.json").name == "bug-fm.json"
    own = tmp_path / "mine.json"
    own.write_text(json.dumps({"name": "mine"}), encoding="utf-8")
    assert find_scenario(str(own)) == own
    with pytest.raises(MeetkitError) as err:
        find_scenario("no-such-venue")
    assert "mic-and-phone" in str(err.value)  # lists the known ones


def _fails(tmp_path: Path, text: str) -> MeetkitError:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MeetkitError) as err:
        load_scenario(path)
    assert err.value.code == ErrorCode.INVALID_INPUT
    assert "bad.json" in err.value.en and "bad.json" in err.value.zh
    return err.value


def test_bad_json_is_reported_with_its_position(tmp_path: Path) -> None:
    err = _fails(tmp_path, '{"name": "x",\n "emitters": [}')
    assert "not valid JSON" in err.en and "line 2" in err.en


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MeetkitError) as err:
        load_scenario(tmp_path / "absent.json")
    assert err.value.code == ErrorCode.INVALID_INPUT and "not found" in err.value.en


MIC = {"kind": "wireless_mic", "freq_hz": 645.5e6, "level_dbfs": -30, "where": "room"}


@pytest.mark.parametrize(
    ("emitter", "field", "words"),
    [
        ({k: v for k, v in MIC.items() if k != "level_dbfs"}, "emitters[0].level_dbfs", "missing"),
        ({k: v for k, v in MIC.items() if k != "freq_hz"}, "emitters[0].freq_hz", "missing"),
        ({k: v for k, v in MIC.items() if k != "where"}, "emitters[0].where", "missing"),
        ({**MIC, "kind": "death_ray"}, "emitters[0].kind", "unknown kind"),
        ({**MIC, "where": "hallway"}, "emitters[0].where", '"ambient" or "room"'),
        ({**MIC, "level_dbfs": "loud"}, "emitters[0].level_dbfs", "expected a number"),
        ({**MIC, "freq_hz": True}, "emitters[0].freq_hz", "expected a number"),
        ({**MIC, "levle_dbfs": -3}, "emitters[0].levle_dbfs", "unknown field"),
        ({**MIC, "params": {"deviation_hz": 1e9}}, "emitters[0].params.deviation_hz", "above the maximum"),
        ({**MIC, "params": {"bandwidth_hz": 1e6}}, "emitters[0].params.bandwidth_hz", "unknown field"),
        ({**MIC, "schedule": {"on_s": 1}}, "emitters[0].schedule.off_s", "missing"),
        ({**MIC, "kind": "gsm_uplink", "params": {"timeslot": 2.5}}, "emitters[0].params.timeslot", "whole number"),
    ],
)
def test_bad_emitters_name_the_field(tmp_path: Path, emitter: dict[str, Any], field: str, words: str) -> None:
    err = _fails(tmp_path, json.dumps({"name": "x", "emitters": [emitter]}))
    assert field in err.en and words in err.en
    assert field in err.zh
    assert err.details["field"] == field


def test_bad_top_level_fields_are_named(tmp_path: Path) -> None:
    assert "name" in _fails(tmp_path, json.dumps({"emitters": []})).en
    assert "noise_floor_dbfs" in _fails(tmp_path, json.dumps({"name": "x", "noise_floor_dbfs": 5})).en
    assert "tuner.crystal_hz" in _fails(tmp_path, json.dumps({"name": "x", "tuner": {"crystal_hz": "28.8M"}})).en
    assert "emitters" in _fails(tmp_path, json.dumps({"name": "x", "emitters": {}})).en
    assert "expected an object" in _fails(tmp_path, "[1, 2]").en


def test_walkie_talkie_gets_a_push_to_talk_schedule_unless_told_otherwise() -> None:
    walkie = {"kind": "walkie_talkie", "freq_hz": 409.7625e6, "level_dbfs": -30, "where": "room"}
    assert scenario(walkie).emitters[0].schedule is not None
    assert scenario({**walkie, "schedule": None}).emitters[0].schedule is None


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
_field_values = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True), st.integers(-10**10, 10**10),
                          st.text(max_size=6), st.sampled_from(list(KINDS) + ["ambient", "room"]))


@settings(max_examples=150, deadline=None)
@given(
    top=_json,
    emitter=st.dictionaries(
        st.sampled_from(["kind", "freq_hz", "level_dbfs", "where", "name", "schedule", "params", "x"]),
        _field_values, max_size=7),
)
def test_any_decoded_json_gives_a_scenario_or_a_clear_error(top: Any, emitter: dict[str, Any]) -> None:
    for data in (top, {"name": "h", "emitters": [emitter]}):
        try:
            sc = parse_scenario(data, "h.json")
        except MeetkitError as err:
            assert err.code == ErrorCode.INVALID_INPUT and err.en.startswith("h.json")
        else:
            assert sc.name


# -- synthesis ---------------------------------------------------------------------------------
def test_output_is_cu8_and_deterministic_for_a_seed() -> None:
    sc = load_scenario(SCENARIOS / "mic-and-phone.json")

    def run(seed: int) -> bytes:
        s = Synthesizer(sc, seed=seed)
        s.set_rate(RATE)
        s.tune(897.4e6)
        return bytes(s.read(50_000))

    first = run(5)
    assert len(first) == 100_000
    assert first == run(5)
    assert first != run(6)


def test_overload_clips_like_an_8_bit_adc() -> None:
    loud = scenario({"kind": "fm_bug", "freq_hz": 100.3e6, "level_dbfs": 6, "where": "room"})
    s = Synthesizer(loud)
    s.set_rate(RATE)
    s.tune(100.0e6)
    raw = s.read(50_000)
    assert raw.dtype == np.uint8
    assert raw.min() == 0 and raw.max() == 255


CONTINUOUS = [
    {"kind": "fm_broadcast", "freq_hz": 97.4e6, "level_dbfs": -25, "where": "ambient"},
    {"kind": "wireless_mic", "freq_hz": 645.5e6, "level_dbfs": -30, "where": "room"},
    {"kind": "fm_bug", "freq_hz": 100.3e6, "level_dbfs": -35, "where": "room"},
    {"kind": "walkie_talkie", "freq_hz": 409.7625e6, "level_dbfs": -40, "where": "room", "schedule": None},
    {"kind": "cellular_downlink", "freq_hz": 936.6e6, "level_dbfs": -35, "where": "ambient"},
    {"kind": "cellular_downlink", "freq_hz": 952.5e6, "level_dbfs": -20, "where": "ambient",
     "params": {"bandwidth_hz": 1.4e6}},
    {"kind": "lte_uplink", "freq_hz": 1720e6, "level_dbfs": -20, "where": "room",
     "params": {"bandwidth_hz": 1.4e6, "duty": 1.0}},
]


@pytest.mark.parametrize("emitter", CONTINUOUS, ids=lambda e: str(e["kind"]))
def test_each_emitter_shows_at_its_frequency_and_level(emitter: dict[str, Any]) -> None:
    s = Synthesizer(scenario(emitter))
    f = float(emitter["freq_hz"])
    centre = f - 250e3  # offset into the flat part of the passband, away from DC
    p = psd(capture(s, centre, 1 << 17))
    assert s.in_band() == (f"{emitter['kind']} {f / 1e6:.4f} MHz",)
    hw = 1.1 * s.emitters[0].half_width_hz()
    measured = band_power_dbfs(p, centre, f - hw, f + hw)
    assert measured == pytest.approx(emitter["level_dbfs"], abs=1.5)
    freqs = centre + (np.arange(NFFT) - NFFT // 2) * RATE / NFFT
    away_from_dc = np.abs(freqs - centre) > 20e3
    peak_hz = freqs[away_from_dc][np.argmax(p[away_from_dc])]
    assert abs(peak_hz - f) < 600e3
    # at least 10 dB over the floor in a ~2.3 kHz bin somewhere
    assert 10 * np.log10(p[away_from_dc].max() / np.percentile(p, 20)) > 10


def test_dtv_is_a_flat_block_about_7_6_mhz_wide() -> None:
    s = Synthesizer(scenario({"kind": "dtv", "freq_hz": 538e6, "level_dbfs": -15, "where": "ambient"}))
    inside = psd(capture(s, 537e6, 1 << 17))
    # density: the whole 7.56 MHz carries -15 dBFS; the flat middle ±0.8 MHz of the hop carries its share
    expected = 10 ** ((-15 + 10 * np.log10(1.6e6 / 7.56e6)) / 10) + 10 ** ((-33 + 10 * np.log10(1.6 / 2.4)) / 10)
    freqs = 537e6 + (np.arange(NFFT) - NFFT // 2) * RATE / NFFT
    middle = (np.abs(freqs - 537e6) <= 0.8e6) & (np.abs(np.arange(NFFT) - NFFT // 2) > 3)
    measured = inside[middle].mean() * NFFT * (1.6e6 / RATE)  # power in the middle 1.6 MHz
    assert 10 * np.log10(measured) == pytest.approx(10 * np.log10(expected), abs=1.0)
    edge = psd(capture(s, 538e6 + 3.78e6 + 0.6e6, 1 << 16))  # the band edge at -0.6 MHz of this hop
    freqs = 542.38e6 + (np.arange(NFFT) - NFFT // 2) * RATE / NFFT
    below, above = edge[(freqs > 541.0e6) & (freqs < 541.6e6)], edge[(freqs > 542.0e6) & (freqs < 542.3e6)]
    assert 10 * np.log10(below.mean() / above.mean()) > 10
    assert not s.emitters[0].overlaps(542.4e6, 544e6)


def test_noise_floor_dc_spike_and_edge_rolloff() -> None:
    sc = scenario(noise_floor_dbfs=-33, tuner={"dc_spike_dbfs": -40, "rolloff_edge_db": 10})
    s = Synthesizer(sc)
    p = psd(capture(s, 300e6, 1 << 17))
    mid = np.concatenate((p[NFFT // 2 - 200 : NFFT // 2 - 5], p[NFFT // 2 + 5 : NFFT // 2 + 200]))
    # density at mid-band: the floor's total power spread over the whole rate
    assert 10 * np.log10(mid.mean() * NFFT) == pytest.approx(-33, abs=1.0)
    assert 10 * np.log10(p[NFFT // 2]) == pytest.approx(-40, abs=2.0)
    edges = np.concatenate((p[2:12], p[-12:-2]))
    assert 10 * np.log10(mid.mean() / edges.mean()) > 6


def test_crystal_harmonic_shows_when_it_falls_in_the_band() -> None:
    s = Synthesizer(scenario(tuner={"crystal_harmonic_dbfs": -50}))
    p = psd(capture(s, 403.5e6, 1 << 17))
    k = NFFT // 2 + round((14 * 28.8e6 - 403.5e6) * NFFT / RATE)
    assert 10 * np.log10(p[k - 1 : k + 2].max()) == pytest.approx(-50, abs=2.0)
    assert 10 * np.log10(p[k - 1 : k + 2].max() / np.median(p)) > 10
    quiet = psd(capture(s, 410.0e6, 1 << 16))
    away = np.concatenate((quiet[50 : NFFT // 2 - 5], quiet[NFFT // 2 + 5 : -50]))
    assert 10 * np.log10(away.max() / np.median(quiet)) < 8  # no spur: noise only


def test_out_of_range_tuning_gives_noise_only() -> None:
    s = Synthesizer(scenario({"kind": "fm_bug", "freq_hz": 20e6, "level_dbfs": -10, "where": "room"}))
    p = psd(capture(s, 20e6 - 250e3, 1 << 16))
    assert s.in_band() == ()
    away = np.concatenate((p[50 : NFFT // 2 - 5], p[NFFT // 2 + 5 : -50]))
    assert 10 * np.log10(away.max() / np.median(p)) < 8


def test_manual_gain_scales_the_signal() -> None:
    bug = {"kind": "fm_bug", "freq_hz": 100.3e6, "level_dbfs": -40, "where": "room"}
    s = Synthesizer(scenario(bug))
    auto = band_power_dbfs(psd(capture(s, 100.0e6, 1 << 16)), 100.0e6, 100.1e6, 100.5e6)
    s.set_gain(49.6)  # nominal is 40.2 dB
    loud = band_power_dbfs(psd(capture(s, 100.0e6, 1 << 16)), 100.0e6, 100.1e6, 100.5e6)
    assert loud - auto == pytest.approx(9.4, abs=1.0)


def test_ppm_error_and_correction_move_the_signal() -> None:
    mic = {"kind": "walkie_talkie", "freq_hz": 600.3e6, "level_dbfs": -25, "where": "room", "schedule": None}
    s = Synthesizer(scenario(mic, tuner={"ppm_error": 20}))

    def peak_hz() -> float:
        p = psd(capture(s, 600e6, 1 << 17), nfft=1 << 14)
        f = 600e6 + (np.arange(1 << 14) - (1 << 13)) * RATE / (1 << 14)
        return float(f[np.argmax(p)])

    uncorrected = peak_hz()
    s.set_ppm(20)
    corrected = peak_hz()
    assert corrected == pytest.approx(600.3e6, abs=1.5e3)
    assert uncorrected - corrected == pytest.approx(-600e6 * 20e-6, abs=1.5e3)


def test_gsm_uplink_bursts_577us_every_4615us() -> None:
    gsm = {"kind": "gsm_uplink", "freq_hz": 897.4e6, "level_dbfs": -15, "where": "room", "params": {"timeslot": 3}}
    s = Synthesizer(scenario(gsm))
    x = capture(s, 897.4e6 - 300e3, int(0.05 * RATE))
    mag = np.convolve(np.abs(x), np.ones(8) / 8, mode="same")
    starts, lengths = on_runs(mag > 0.08)
    full = lengths[(starts > 0) & (starts + lengths < len(x))]
    assert len(full) >= 9
    assert np.allclose(full / RATE, 576.9e-6, atol=8e-6)
    period = np.diff(starts) / RATE
    assert np.allclose(period, GSM_FRAME_S, atol=8e-6)
    # burst power while on is the level; off between bursts
    on = np.abs(x[starts[1] + 50 : starts[1] + lengths[1] - 50]) ** 2
    assert 10 * np.log10(on.mean()) == pytest.approx(-15, abs=1.0)


def test_lte_uplink_is_intermittent_in_1ms_subframes_at_its_duty() -> None:
    lte = {"kind": "lte_uplink", "freq_hz": 1720e6, "level_dbfs": -15, "where": "room",
           "params": {"bandwidth_hz": 1.4e6, "duty": 0.3}}
    s = Synthesizer(scenario(lte))
    x = capture(s, 1720e6, int(0.4 * RATE), start_s=0.0)
    sub = int(1e-3 * RATE)
    # align to subframe boundaries: stream time 0.01 s (the skipped transient) is one
    power = (np.abs(x[: len(x) // sub * sub]) ** 2).reshape(-1, sub).mean(axis=1)
    on = power > 10 ** (-25 / 10)
    assert 0.2 < on.mean() < 0.4
    assert 10 * np.log10(power[on].mean()) == pytest.approx(-15, abs=1.0)
    assert 10 * np.log10(power[~on].max()) < -30


def test_walkie_talkie_is_silent_between_push_to_talk_periods() -> None:
    walkie = {"kind": "walkie_talkie", "freq_hz": 409.7625e6, "level_dbfs": -30, "where": "room",
              "schedule": {"on_s": 0.1, "off_s": 0.15, "start_s": 0.05}}
    s = Synthesizer(scenario(walkie))
    rate = 250e3
    x = capture(s, 409.7625e6 - 50e3, int(0.6 * rate), rate=rate, start_s=0.0)
    t = 0.01 + np.arange(len(x)) / rate  # capture skips 10 ms

    def band_power(sel: np.ndarray) -> float:
        return band_power_dbfs(psd(x[sel], 256), 409.7125e6, 409.7525e6, 409.7725e6, rate)

    on = ((t - 0.05) % 0.25 < 0.1) & (t > 0.05)
    off = ~on & ((t - 0.05) % 0.25 > 0.11) & ((t - 0.05) % 0.25 < 0.24)
    assert band_power(on) == pytest.approx(-30, abs=1.5)
    assert band_power(off) < -50  # nothing but noise


def test_ook_remote_sends_pulse_trains() -> None:
    ook = {"kind": "ism_ook", "freq_hz": 433.90e6, "level_dbfs": -5, "where": "room",
           "params": {"interval_s": 0.5, "short_us": 350}}
    s = Synthesizer(scenario(ook))
    rate = 250e3
    x = capture(s, 433.92e6, int(1.0 * rate), rate=rate, start_s=0.0)
    starts, lengths = on_runs(np.abs(x) > 0.3)
    widths_us = lengths / rate * 1e6
    assert len(starts) > 100
    short = np.abs(widths_us - 350) < 20
    long = np.abs(widths_us - 1050) < 20
    assert short.sum() > 20 and long.sum() > 20 and (short | long).all()
    assert np.mean(np.abs(x) < 0.1) > 0.5  # mostly silent between transmissions


def test_stream_time_advances_with_samples_served() -> None:
    s = Synthesizer(scenario())
    s.set_rate(RATE)
    s.read(240_000)
    assert s.time_s == pytest.approx(0.1)
    s.set_rate(250e3)
    s.read(25_000)
    assert s.time_s == pytest.approx(0.2)
    assert not s.set_rate(500e3)  # an RTL-SDR refuses this rate: unchanged
    assert s.rate_sps == 250e3


def _room_emitters() -> list[tuple[str, Any]]:
    return [(name, e) for name in SHIPPED for e in load_scenario(SCENARIOS / f"{name}.json").emitters
            if e.where == "room"]


@pytest.mark.parametrize(("name", "emitter"), _room_emitters(), ids=lambda v: v if isinstance(v, str) else v.kind)
def test_shipped_room_emitters_stand_10_db_over_the_floor_in_2_3_khz(name: str, emitter: Any) -> None:
    s = Synthesizer(load_scenario(SCENARIOS / f"{name}.json"))
    start = emitter.schedule.start_s + 0.1 if emitter.schedule else 0.0
    if emitter.kind == "ism_ook":
        start = 0.1 * emitter.params["interval_s"]  # the first transmission
    x = capture(s, emitter.freq_hz - 250e3, int(0.1 * RATE), start_s=start)
    frames = x[: len(x) // NFFT * NFFT].reshape(-1, NFFT) * np.hanning(NFFT)
    held = np.max(np.abs(np.fft.fftshift(np.fft.fft(frames, axis=1), axes=1)) ** 2, axis=0)  # max-hold
    mean = np.mean(np.abs(np.fft.fftshift(np.fft.fft(frames, axis=1), axes=1)) ** 2, axis=0)
    f = emitter.freq_hz - 250e3 + (np.arange(NFFT) - NFFT // 2) * RATE / NFFT
    near = (np.abs(f - emitter.freq_hz) < 50e3) & (np.abs(np.arange(NFFT) - NFFT // 2) > 3)
    floor = np.median(mean[np.abs(f - emitter.freq_hz) > 0.6e6]) if emitter.kind != "lte_uplink" else None
    if floor is None:  # the LTE block fills the hop: compare with the same hop outside the room
        quiet = Synthesizer(load_scenario(SCENARIOS / f"{name}.json"), outside=True)
        y = capture(quiet, emitter.freq_hz - 250e3, int(0.02 * RATE))
        q = y[: len(y) // NFFT * NFFT].reshape(-1, NFFT) * np.hanning(NFFT)
        floor = np.median(np.mean(np.abs(np.fft.fft(q, axis=1)) ** 2, axis=0))
    margin_db = 10 * np.log10(held[near].max() / floor)
    assert margin_db > 10 + 8  # the max-hold of the noise alone sits up to ~8 dB over its mean


def test_schedule_periods() -> None:
    from meetkit.sweep.simulator.scenario import Schedule

    ptt = Schedule(on_s=3.0, off_s=5.0, start_s=1.0)
    assert [ptt.is_on(t) for t in (0.5, 1.0, 3.9, 4.1, 8.9, 9.1)] == [False, True, True, False, False, True]
    assert ptt.on_intervals(0.0, 20.0) == [(1.0, 4.0), (9.0, 12.0), (17.0, 20.0)]
    assert ptt.on_intervals(4.5, 8.5) == []
    switched_on = Schedule(on_s=1.0, off_s=0.0, start_s=60.0)
    assert switched_on.on_intervals(0.0, 59.0) == [] and switched_on.on_intervals(50.0, 1000.0) == [(60.0, 1000.0)]
    assert switched_on.is_on(5000.0) and not switched_on.is_on(59.9)
