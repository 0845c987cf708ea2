"""The report's words a reader who did not run the sweep sees: labelled settings, artifacts named as such,
times in Beijing time, one row per not-covered range."""

from __future__ import annotations

from meetkit.sweep.analysis.classify import Reason
from meetkit.sweep.findings import Finding
from meetkit.sweep.report.pdf import _kind_cell, _merge_not_covered, _settings_rows, beijing_time


def _finding(status: str, kind: str, reason_en: str) -> Finding:
    return Finding(662.4e6, 10e3, -47.0, -50.0, 11.0, 1.0, kind, 0.7, [Reason(reason_en, "中文")], None, status, None, None, 1)


def test_artifacts_are_named_as_artifacts_not_as_an_emitter_kind() -> None:
    harmonic = _finding("artifact", "broadcast", "narrow carrier at 23 × 28.8 MHz: a harmonic of the receiver's crystal")
    assert _kind_cell(harmonic) == "晶振谐波\ncrystal harmonic"
    assert "broadcast" not in _kind_cell(harmonic)
    assert _kind_cell(_finding("new", "wireless_mic", "x")) == "无线话筒\nwireless mic (0.70)"


def test_settings_are_labelled_with_units() -> None:
    rows = dict(_settings_rows(
        {"hw": "RTL-SDR (R820T tuner) via rtl_tcp at 127.0.0.1:1234", "gain_db": None, "ppm": 0, "rate_sps": 2.4e6},
        {"rbw_hz": 2343.75, "fft_size": 1024, "overlap": 0.0, "pfa_per_bin": 3e-7, "bins": 10},
        {"rate_sps": 2.4e6, "crop": 0.25, "settle_s": 0.01, "dwell_samples": 32768, "hop_count": 308, "hardware_time_s": 7.2852266},
        {"hops_done": 616, "passes_done": 2, "dropped_samples": 0, "partial": False, "error": None, "wall_time_s": 15.17392},
    ))
    assert rows["增益 Gain"] == "自动 automatic"
    assert rows["每遍硬件时间 Hardware time per pass"] == "7.3 s"
    assert rows["重调谐后稳定 Settle after retune"] == "10.0 ms"
    assert rows["每跳驻留 Dwell per hop"] == "32768 样本 samples (13.7 ms)"
    assert rows["完整性 Completeness"] == "完整 complete"
    assert "问题 Problem" not in rows
    assert not any("None" in v for v in rows.values())


def test_times_in_beijing_time_and_not_covered_merged() -> None:
    assert beijing_time("2026-11-27T11:47:08.931743+00:00") == "2026-11-27 19:47:08 (北京时间 UTC+8)"
    assert beijing_time(None) == "—"
    merged = _merge_not_covered([(1766e6, 1785e6, "a"), (1766e6, 1785e6, "b"), (1880e6, 1900e6, "c")])
    assert merged == [(1766e6, 1785e6, "a; b"), (1880e6, 1900e6, "c")]
