"""The RF sweep station on the offscreen platform, driven against the in-process venue simulator
(a real rtl_tcp socket on 127.0.0.1) on a short span so each test takes a few seconds."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import numpy as np
import pytest
import shiboken6

from meetkit import meetings, operators
from meetkit.gui.app import make_app
from meetkit.gui.context import GuiContext
from meetkit.gui.sweep_form import CUSTOM_SPAN
from meetkit.gui.sweep_station import SweepStationWindow
from meetkit.gui.sweep_tab import SweepTab
from meetkit.i18n import Translator
from meetkit.sweep.simulator import SimulatorServer, find_scenario, load_scenario
from tests.conftest import PASSWORD, REAL_RECORDINGS, START

SHOTS = Path(os.environ.get("MEETKIT_SCREENSHOTS", "/tmp/meetkit-shots"))


def shot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


@pytest.fixture
def app(qapp):
    return make_app()


@pytest.fixture
def technician(store, clock):
    admin = operators.create_first_admin(store, clock, "admin", PASSWORD)
    meetings.create_meeting(store, clock, admin, title="市政府法治工作专题会议", level="机密", venue="第一会议室",
                            starts_at=START, ends_at=START + dt.timedelta(hours=3), chair="张主任")
    return operators.add_operator(store, clock, admin, "technician", PASSWORD, ["technician"])


@pytest.fixture
def station(app, qtbot, store, clock, technician, tmp_path):
    ctx = GuiContext(store=store, clock=clock, actor=technician, tr=Translator("zh"))
    window = SweepStationWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.form.out_dir.setText(str(tmp_path / "sweep-out"))
    yield window
    if shiboken6.isValid(window):
        window.close()  # stops the sweep, the level meter and the simulator; the window frees itself


def _short_span(window: SweepStationWindow, lo_mhz: float = 400.0, hi_mhz: float = 440.0, passes: int = 40) -> None:
    window.form.profile.setCurrentIndex(window.form.profile.findData(CUSTOM_SPAN))
    window.form.start_mhz.setValue(lo_mhz)
    window.form.stop_mhz.setValue(hi_mhz)
    window.form.passes.setValue(passes)


def test_baseline_outside_then_live_room_sweep_zoom_and_level_meter(station, qtbot, tmp_path):
    w = station
    w.form.source_kind.setCurrentIndex(w.form.source_kind.findData("simulator"))
    w.form.scenario.setCurrentIndex(w.form.scenario.findData("mic-phone-radio"))
    # 1. a baseline: the same scenario "outside the room" (its in-room emitters dropped)
    _short_span(w, passes=2)
    w.form.outside.setChecked(True)
    w.form.out_dir.setText(str(tmp_path / "outside"))
    w.start_sweep()
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=30000)
    assert w.last_outcome.ok, w.last_outcome
    assert (tmp_path / "outside" / "trace.csv").exists()
    assert not any(abs(f["freq_hz"] - 409.7625e6) < 50e3 for f in w.findings.findings)

    # 2. the room, against that baseline, watched live
    w.form.outside.setChecked(False)
    w.form.baseline_dir.setText(str(tmp_path / "outside"))
    w.form.out_dir.setText(str(tmp_path / "room"))
    w.form.passes.setValue(40)
    w.start_sweep()
    assert w.is_sweeping() and not w.start_button.isEnabled() and w.stop_button.isEnabled()
    qtbot.waitUntil(lambda: w.spectrum.has_data() and w.findings.table.rowCount() > 0, timeout=15000)
    qtbot.waitUntil(lambda: w.spectrum.waterfall_rows() >= 3, timeout=5000)
    assert w.is_sweeping(), "the sweep of 40 passes should still be running"
    x, y = w.spectrum.mean_curve.xData, w.spectrum.mean_curve.yData
    ymax = w.spectrum.max_curve.yData
    base = w.spectrum.baseline_curve.yData
    assert len(x) > 1000 and np.isfinite(y).sum() > 1000
    assert base is not None and np.isfinite(base).sum() > 1000
    assert np.nanmin(x) >= 399.0 and np.nanmax(x) <= 441.0  # MHz on the axis
    assert np.nanmax(ymax) >= np.nanmax(y)  # max hold is never below the mean
    assert "正在扫描" in w.state_label.text() and "遍" in w.progress_label.text()
    # the walkie-talkie of the scenario (409.7625 MHz) is keyed 3 s of every 8 s: wait for it to show
    qtbot.waitUntil(lambda: any(abs(f["freq_hz"] - 409.7625e6) < 50e3 for f in w.findings.findings), timeout=20000)
    assert w.is_sweeping()
    qtbot.wait(400)  # a few more frames on screen
    shot(w, "sweep-station-mid")

    w.stop_sweep()
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=30000)
    outcome = w.last_outcome
    assert outcome.stopped and outcome.error_en is None
    assert (tmp_path / "room" / "findings.json").exists()
    assert outcome.report_pdf is not None and outcome.report_pdf.exists()
    assert w.report_button.isEnabled() and w.start_button.isEnabled()
    walkie = [f for f in w.findings.findings if abs(f["freq_hz"] - 409.7625e6) < 50e3]
    assert walkie and walkie[0]["status"] == "new" and walkie[0]["kind"] == "walkie_talkie", walkie

    row = next(r for r in range(w.findings.table.rowCount())
               if abs(float(w.findings.table.item(r, 0).text()) * 1e6 - 409.7625e6) < 50e3)
    w.findings.table.selectRow(row)
    finding = w.findings.selected()
    lo, hi = w.spectrum.x_range_hz()
    assert lo <= finding["freq_hz"] <= hi and hi - lo < 5e6
    qtbot.waitUntil(lambda: w.meter_panel.readings >= 3, timeout=10000)
    assert "dBFS" in w.meter_panel.number.text() and math.isfinite(w.meter_panel.last_level_dbfs)
    # no audio output here: the panel says so (the tone itself: tests/gui/test_multimedia_audio.py)
    assert ("没有音频输出设备" in w.meter_panel.audio_note.text()) == (w.meter_panel.audio_device is None)
    shot(w, "sweep-station-after")

    # 3. attach to the meeting, declare the walkie-talkie (audited, in the store)
    assert not w.review.friendly.isEnabled()  # not attached yet
    w.meeting.setCurrentIndex(1)
    assert w.attach_button.isEnabled()
    w.attach_button.click()
    assert w.attached is not None and w.attached.suspects >= 1
    assert "已关联" in w.attach_note.text()
    assert w.findings.selected()["finding_id"] is not None
    assert w.review.declared.isEnabled()
    w.review.declared.click()
    assert w.findings.selected()["state"] == "declared"
    assert w.findings.table.item(w.findings.table.currentRow(), 1).text() == "已申报"
    assert not w.attach_button.isEnabled()  # attached once

    # 4. the meeting page's tab lists it
    tab = SweepTab(w.ctx, w.attached.meeting_id)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    tab.show()
    assert tab.sweeps.rowCount() == 1 and tab.findings.rowCount() == len(w.findings.findings)
    states = [tab.findings.item(r, 2).text() for r in range(tab.findings.rowCount())]
    assert "已申报" in states
    assert ("✔" in tab.gate.text()) == ("可疑" not in states)
    shot(tab, "sweep-tab")
    assert w.ctx.tr.missing == set(), f"untranslated: {w.ctx.tr.missing}"


def test_filters_narrow_the_findings_table(station, qtbot):
    w = station
    findings = [
        {"freq_hz": 409.7625e6, "bandwidth_hz": 12e3, "peak_dbfs": -30.0, "mean_dbfs": -32.0, "snr_db": 28.0,
         "occupancy": 0.4, "kind": "walkie_talkie", "confidence": 0.9, "reasons": [], "band": None, "status": "new",
         "first_seen": None, "last_seen": None, "passes_seen": 2},
        {"freq_hz": 97.4e6, "bandwidth_hz": 180e3, "peak_dbfs": -25.0, "mean_dbfs": -26.0, "snr_db": 30.0,
         "occupancy": 1.0, "kind": "broadcast", "confidence": 1.0, "reasons": [], "band": None, "status": "ambient",
         "first_seen": None, "last_seen": None, "passes_seen": 2},
    ]
    w.findings.set_findings(findings)
    assert w.findings.table.rowCount() == 2
    w.findings.status_filter.setCurrentIndex(w.findings.status_filter.findData("suspects"))
    assert w.findings.table.rowCount() == 1 and w.findings.table.item(0, 2).text() == "对讲机"
    w.findings.status_filter.setCurrentIndex(0)
    w.findings.kind_filter.setCurrentIndex(w.findings.kind_filter.findData("broadcast"))
    assert w.findings.table.rowCount() == 1 and w.findings.table.item(0, 1).text() == "环境信号"
    assert "可疑 1 条" in w.findings.title.text()


def test_source_lost_mid_sweep_shows_a_chinese_error_and_keeps_the_results(station, qtbot):
    w = station
    server = SimulatorServer(load_scenario(find_scenario("mic-phone-radio")), realtime=True)
    server.start()
    try:
        w.form.source_kind.setCurrentIndex(w.form.source_kind.findData("rtltcp"))
        w.form.rtltcp_addr.setText(f"127.0.0.1:{server.port}")
        _short_span(w)
        w.start_sweep()
        qtbot.waitUntil(lambda: w.spectrum.has_data(), timeout=15000)
    finally:
        server.stop()  # the venue's Pi goes away mid-sweep
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=30000)
    assert w.last_outcome.partial and w.last_outcome.error_zh
    assert w.error_banner.isVisible()
    text = w.error_banner.text()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert w.spectrum.has_data(), "the partial trace stays on screen"
    assert "失败" in w.state_label.text()
    shot(w, "sweep-station-source-lost")
    assert w.ctx.tr.missing == set(), f"untranslated: {w.ctx.tr.missing}"


def test_no_dongle_and_a_bad_recording_are_clear_messages(station, qtbot, tmp_path):
    w = station
    bad = tmp_path / "broken.sigmf-meta"
    bad.write_text("{ not json", encoding="utf-8")
    shown = []
    for kind in ("rtlsdr", "recording"):
        w.form.source_kind.setCurrentIndex(w.form.source_kind.findData(kind))
        w.form.recording_path.setText(str(bad))
        w.start_sweep()
        qtbot.waitUntil(lambda: w.last_outcome is not None and w.error_banner.isVisible(), timeout=15000)
        text = w.error_banner.text()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
        assert "Traceback" not in text
        assert w.start_button.isEnabled()
        shown.append(text)
    assert shown[0] != shown[1]  # each says what went wrong


@pytest.mark.skipif(not (REAL_RECORDINGS / "ism-433MHz-ook-bursts.sigmf-meta").exists(), reason="real recordings not present")
def test_a_real_recording_replayed_finds_the_433_mhz_bursts(station, qtbot, tmp_path):
    w = station
    w.form.source_kind.setCurrentIndex(w.form.source_kind.findData("recording"))
    w.form.recording_path.setText(str(REAL_RECORDINGS / "ism-433MHz-ook-bursts.sigmf-meta"))
    w.start_sweep()
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=30000)
    assert w.last_outcome.ok, w.last_outcome
    lo, hi = w.spectrum.span_hz
    assert lo < 433.81e6 < hi and hi - lo < 1e6  # the recording's own band, not a plan
    bursts = [f for f in w.findings.findings if abs(f["freq_hz"] - 433.81e6) < 60e3]
    assert bursts and bursts[0]["kind"] == "ism_device" and bursts[0]["occupancy"] < 0.5
    w.findings.table.selectRow(0)
    assert "实时信号源" in w.meter_panel.note.text()  # no level meter on a recording
    shot(w, "sweep-station-recording")
    assert w.ctx.tr.missing == set(), f"untranslated: {w.ctx.tr.missing}"


def test_the_main_window_button_opens_the_station(app, qtbot, store, clock, technician):
    from meetkit.gui.main_window import MainWindow

    ctx = GuiContext(store=store, clock=clock, actor=technician, tr=Translator("zh"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.sweep_button.click()
    station = window._sweep_window
    assert isinstance(station, SweepStationWindow) and station.isVisible()
    assert station.windowTitle() == "射频检测站"
    with qtbot.waitSignal(station.destroyed, timeout=5000):
        station.close()  # the station frees itself when closed
    window._sweep_window = None


def test_artifacts_are_labelled_by_what_they_are_not_by_a_radio_kind() -> None:
    from meetkit.gui.sweep_findings import kind_label
    from meetkit.i18n import Translator

    harmonic = [{"en": "narrow carrier at 14 × 28.8 MHz: a harmonic of the receiver's crystal", "zh": "…"}]
    assert kind_label("walkie_talkie", "artifact", harmonic) == "Crystal harmonic"
    assert Translator("zh")(kind_label("walkie_talkie", "artifact", harmonic)) == "晶振谐波"
    assert kind_label("walkie_talkie", "new", harmonic) == "Walkie-talkie"


def test_the_plan_note_keeps_two_lines_on_a_1366x768_screen(station, qtbot):
    w = station
    w.resize(1366, 768)
    w.form.source_kind.setCurrentIndex(w.form.source_kind.findData("recording"))  # the longest note
    qtbot.wait(50)
    note = w.form.plan_info
    assert note.height() >= 2 * note.fontMetrics().lineSpacing()


def test_zoomed_past_the_waterfall_columns_the_waterfall_says_so(app, qtbot):
    from meetkit.gui.sweep_plot import SpectrumView

    tr = Translator("zh")
    view = SpectrumView(tr)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    view.set_span(26.975e6, 1766e6)  # china-default: 1.45 MHz per waterfall column
    assert not view.waterfall_too_coarse() and view.waterfall_note.isHidden()
    view.zoom_to(409.7625e6, 16e3)  # what clicking a finding does
    assert view.waterfall_too_coarse() and not view.waterfall_note.isHidden()
    assert "瀑布图" in view.waterfall_note.text() and "1.45 MHz" in view.waterfall_note.text()
    assert tr.missing == set()
    view.reset_zoom()
    assert view.waterfall_note.isHidden()
    view.set_span(400e6, 440e6)  # a short span keeps its detail when zoomed to a finding
    view.zoom_to(409.7625e6, 16e3)
    assert view.waterfall_note.isHidden()


def test_suspect_labels_close_together_at_full_span_do_not_cover_each_other(app, qtbot):
    from meetkit.gui.sweep_plot import SpectrumView

    view = SpectrumView(Translator("en"))
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    view.set_span(26.975e6, 1766e6)
    base = {"bandwidth_hz": 16e3, "mean_dbfs": -32.0, "snr_db": 28.0, "occupancy": 1.0, "confidence": 0.9,
            "reasons": [], "band": None, "status": "new", "first_seen": None, "last_seen": None, "passes_seen": 2}
    findings = [{**base, "freq_hz": 409.7625e6, "peak_dbfs": -29.6, "kind": "walkie_talkie"},
                {**base, "freq_hz": 645.5e6, "peak_dbfs": -32.1, "kind": "wireless_mic"}]
    view.set_findings(findings, lambda f: f"{f['freq_hz'] / 1e6:.3f} MHz {f['kind']} with a long English name")
    assert len(view._labels) == 2
    rows = sorted(label.anchor.y() for label in view._labels)
    assert rows[1] > rows[0]  # the weaker one a row higher, not on top of the stronger one


def test_the_meeting_tab_sorts_findings_by_frequency_as_numbers(app, qtbot, store, clock, technician, tmp_path):
    import json

    from meetkit.sweep import attach

    def finding(freq_hz: float, status: str) -> dict:
        return {"freq_hz": freq_hz, "bandwidth_hz": 150e3, "peak_dbfs": -20.0, "mean_dbfs": -30.0, "snr_db": 20.0,
                "occupancy": 1.0, "kind": "unknown", "confidence": 0.5, "reasons": [], "band": None, "status": status,
                "first_seen": None, "last_seen": None, "passes_seen": 2}

    doc = {"profile": "china-default", "source": "rtltcp:127.0.0.1:1234", "started": "2026-11-30T01:00:00+00:00", "passes": 2,
           "coverage": {"covered": [[24e6, 1766e6]], "not_covered": []},
           "findings": [finding(1728e6, "artifact"), finding(201.6e6, "new"), finding(89.5e6, "ambient")]}
    (tmp_path / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    meeting_id = meetings.list_meetings(store)[0].id
    attach.attach_sweep(store, clock, technician, meeting_id, tmp_path)
    tr = Translator("en")
    tab = SweepTab(GuiContext(store=store, clock=clock, actor=technician, tr=tr), meeting_id)
    qtbot.addWidget(tab)
    tab.refresh()
    assert [tab.findings.item(r, 0).text() for r in range(tab.findings.rowCount())] == ["89.5000", "201.6000", "1728.0000"]
    assert "2026-11-30 09:00 Beijing time" in tab.gate.text() and "T01:00" not in tab.gate.text()


def _baseline_400_410_then_room(w: SweepStationWindow, qtbot, tmp_path: Path, lo_mhz: float, hi_mhz: float) -> None:
    """A one-pass baseline of 400–410 MHz outside the room, then a room sweep of lo–hi started against it."""
    w.form.source_kind.setCurrentIndex(w.form.source_kind.findData("simulator"))
    w.form.scenario.setCurrentIndex(w.form.scenario.findData("mic-phone-radio"))
    _short_span(w, 400.0, 410.0, passes=1)
    w.form.outside.setChecked(True)
    w.form.out_dir.setText(str(tmp_path / "outside"))
    w.start_sweep()
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=30000)
    assert w.last_outcome.ok and w.error_banner.isHidden(), w.last_outcome
    w.form.outside.setChecked(False)
    _short_span(w, lo_mhz, hi_mhz, passes=1)
    w.form.baseline_dir.setText(str(tmp_path / "outside"))
    w.form.out_dir.setText(str(tmp_path / "room"))
    w.start_sweep()


def test_a_baseline_of_other_bands_is_refused_before_the_sweep(station, qtbot, tmp_path):
    """A baseline that covers none of what is about to be swept compares nothing (every signal
    would be new): the station refuses it in the red box before tuning, as the CLI does."""
    w = station
    _baseline_400_410_then_room(w, qtbot, tmp_path, 600.0, 610.0)
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=30000)
    outcome = w.last_outcome
    assert not outcome.ok and "没有重叠" in (outcome.error_zh or "") and "covers none" in (outcome.error_en or "")
    assert not (tmp_path / "room" / "findings.json").exists()  # nothing swept, nothing written


def test_a_baseline_covering_part_of_the_sweep_is_said_in_amber(station, qtbot, tmp_path):
    """A baseline of 400–410 MHz under a 400–420 MHz sweep: the sweep runs, and the station says
    that half of it has nothing to compare with."""
    w = station
    _baseline_400_410_then_room(w, qtbot, tmp_path, 400.0, 420.0)
    qtbot.waitUntil(lambda: w.last_outcome is not None, timeout=30000)
    assert w.last_outcome.ok, w.last_outcome
    assert not w.error_banner.isHidden() and "基线只覆盖本次扫描的" in w.error_banner.text()
    assert "#ffd60a" in w.error_banner.styleSheet()  # amber, not the red of a failure
    shot(w, "sweep-station-partial-baseline")
