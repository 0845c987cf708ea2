from __future__ import annotations

import pytest

from meetkit.sweep.analysis.bands import BANDS, bands_at, label
from meetkit.sweep.analysis.classify import KINDS, classify
from meetkit.sweep.analysis.signals import Signal


def sig(freq_hz: float, bw_hz: float, *, occupancy: float = 1.0, continuous: bool = True, snr_db: float = 20.0,
        crest_db: float = 8.0) -> Signal:
    mean = -60.0
    return Signal(
        freq_hz=freq_hz, bandwidth_hz=bw_hz, lo_hz=freq_hz - bw_hz / 2, hi_hz=freq_hz + bw_hz / 2,
        peak_dbfs=mean + crest_db, mean_dbfs=mean, noise_dbfs=mean - snr_db, min_hold_dbfs=mean - 10, snr_db=snr_db,
        occupancy=occupancy, continuous=continuous, first_seen=None, last_seen=None, passes_seen=2, passes=2,
        rbw_hz=2343.75, n_bins=max(1, int(bw_hz / 2343.75)), n_frames=64,
    )


@pytest.mark.parametrize(
    ("signal", "status", "kind"),
    [
        (sig(645.5e6, 120e3), "new", "wireless_mic"),
        (sig(897.4e6, 250e3, occupancy=0.2), "new", "cellular_uplink"),
        (sig(1720e6, 4.5e6, occupancy=0.3), "new", "cellular_uplink"),
        (sig(409.7625e6, 11e3, occupancy=0.4), "new", "walkie_talkie"),
        (sig(446.05e6, 11e3, occupancy=0.4), "new", "walkie_talkie"),
        (sig(433.92e6, 40e3, occupancy=0.05, continuous=False), "new", "ism_device"),
        (sig(97.4e6, 150e3), "ambient", "broadcast"),
        (sig(97.4e6, 150e3), "new", "fm_transmitter"),
        (sig(538e6, 7.6e6), "ambient", "broadcast"),
        (sig(941.0e6, 250e3), "ambient", "cellular_downlink"),
        (sig(952.5e6, 4.5e6), "ambient", "cellular_downlink"),
        (sig(1300e6, 50e3), "new", "fm_transmitter"),  # a new FM-like carrier in no allocation: a bug
        (sig(1300e6, 3e3, occupancy=0.1, continuous=False), "new", "unknown"),
        (sig(1090e6, 1e6, occupancy=0.3), "new", "unknown"),
    ],
)
def test_kinds_from_band_bandwidth_and_time(signal: Signal, status: str, kind: str) -> None:
    result = classify(signal, status=status)
    assert result.kind == kind
    assert result.kind in KINDS
    assert 0.0 < result.confidence <= 1.0
    assert result.reasons and all(r.en and r.zh for r in result.reasons)


def test_confidence_drops_when_bandwidth_and_time_do_not_fit() -> None:
    good = classify(sig(645.5e6, 150e3), status="new")
    odd = classify(sig(645.5e6, 3e3, occupancy=0.05, continuous=False), status="new")
    assert good.confidence > odd.confidence


def test_reasons_speak_of_band_bandwidth_and_time_in_both_languages() -> None:
    result = classify(sig(897.4e6, 250e3, occupancy=0.2), status="new")
    text_en = " ".join(r.en for r in result.reasons)
    text_zh = " ".join(r.zh for r in result.reasons)
    assert "China Mobile uplink B8" in text_en and "250.0 kHz" in text_en and "intermittent" in text_en
    assert "移动上行" in text_zh and "间歇" in text_zh
    assert result.band is not None and result.band.use == "cellular_uplink"


def test_band_table_is_china_first_with_sources() -> None:
    assert all(b.source for b in BANDS)
    assert all(b.lo_hz < b.hi_hz for b in BANDS)
    # at 446.1 MHz the Chinese licensed UHF walkie-talkie band is not there; PMR446 (EU) is
    assert label(446.1e6) is not None and label(446.1e6).region == "EU"
    assert bands_at(409.8e6)[0].name.startswith("Public walkie-talkie")
    assert label(2.0e6) is None


@pytest.mark.parametrize(
    ("signal", "kind"),
    [
        (sig(97.4e6, 180e3, snr_db=25.0), "broadcast"),  # looks like a station
        (sig(97.45e6, 180e3, snr_db=25.0), "fm_transmitter"),  # between two raster channels
        (sig(97.4e6, 40e3, snr_db=25.0), "fm_transmitter"),  # narrow FM
        (sig(97.4e6, 180e3, snr_db=8.0), "fm_transmitter"),  # weak
        (sig(97.4e6, 180e3, snr_db=25.0, occupancy=0.2, continuous=False), "fm_transmitter"),  # bursty
    ],
)
def test_fm_band_without_a_baseline_only_station_like_carriers_are_broadcast(signal: Signal, kind: str) -> None:
    result = classify(signal, status="new", compared=False)
    assert result.kind == kind
    text = " ".join(r.en for r in result.reasons)
    if kind == "broadcast":
        assert "looks like a broadcast station" in text and "rule out a bug" in text
    else:
        assert "does not look like a broadcast station" in text
    # with a baseline the comparison alone decides
    assert classify(signal, status="new").kind == "fm_transmitter"
    assert classify(signal, status="ambient").kind == "broadcast"


def test_a_narrow_carrier_in_a_tv_band_is_not_a_tv_station() -> None:
    narrow = classify(sig(170e6, 50e3), status="new", compared=False)  # VHF TV only, no microphone band
    assert narrow.kind == "fm_transmitter"
    assert classify(sig(170e6, 7.6e6), status="new", compared=False).kind == "broadcast"
    assert classify(sig(795e6, 7.6e6), status="ambient").kind == "broadcast"
