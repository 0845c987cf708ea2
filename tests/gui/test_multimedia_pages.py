"""What the pages show with QtMultimedia present but no audio output and no camera (this
machine, CI): a visible state, never a crash or a silent nothing. The level meter says there is
no audio output device and the bar still moves; the desk says once that it beeps with the bell;
the webcam buttons are off, say "no camera found" and tell why in their tooltip. The checklist's
webcam dialog hands a captured frame to the item as a JPEG photo. Screenshots go to
$MEETKIT_SHOTS (default /tmp). Sound through a real audio server: test_multimedia_audio.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from meetkit import meetings
from meetkit.checklists import instances
from meetkit.gui.checklist_page import ChecklistPage
from meetkit.gui.context import GuiContext
from meetkit.gui.desk_page import DeskPage
from meetkit.gui.sweep_meter import LevelMeterPanel, audio_outputs
from meetkit.gui.webcam import CameraWatch
from meetkit.i18n import Translator
from tests.desk.conftest import _template, approved_meeting, badges, clock, store, team  # noqa: F401  (fast fixtures)

SHOT_DIR = Path(os.environ.get("MEETKIT_SHOTS", "/tmp"))


@pytest.fixture
def no_devices(qapp):
    if audio_outputs():
        pytest.skip("this machine has an audio output; the no-device states need one without")
    if CameraWatch().cameras():
        pytest.skip("this machine has a camera; the no-camera states need one without")


@pytest.mark.parametrize("lang, text", [
    ("zh", "没有音频输出设备：无音调提示，请观察电平条。"),
    ("en", "No audio output device: no tone. Watch the bar."),
])
def test_level_meter_without_audio_output(qtbot, no_devices, lang, text):
    tr = Translator(lang)
    panel = LevelMeterPanel(tr)
    qtbot.addWidget(panel)
    panel.resize(340, 330)
    panel.show()
    assert panel.audio_note.text() == text and "bold" in panel.audio_note.styleSheet()
    panel.set_target(409.7625e6, "409.7625 MHz")  # the meter starts: the outputs are read again
    assert panel.audio_note.text() == text and panel.audio_device is None
    for level in (-62.0, -55.5):
        panel.show_level(level, -90.0)
    assert panel.bar.value() == 345 and panel.tone is None  # the bar is the guide
    assert "34.5" in panel.snr.text()
    panel.stop_tone()
    panel.grab().save(str(SHOT_DIR / f"level_meter_no_audio_{lang}.png"))
    assert not tr.missing


def test_desk_says_once_it_uses_the_bell_and_has_no_camera(qtbot, no_devices, store, clock, team, approved_meeting, badges):  # noqa: F811
    ctx = GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("zh"))
    page = DeskPage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    notes: list[str] = []
    page.sounder.on_note = lambda text: (notes.append(text), page._sound_note(text))
    bell = "没有音频输出设备：签到台改用系统铃声提示"
    assert page.sound_note.text() == bell and page.sound_note.isVisible()
    assert not page.sounder.tones
    for token, beeps in ((badges[0].token, 1), ("garbage", 3)):
        before = page.sounder.beeps_sent
        qtbot.keyClicks(page.scan, token)
        qtbot.keyClick(page.scan, "\r")
        qtbot.waitUntil(lambda b=before, n=beeps: page.sounder.beeps_sent == b + n, timeout=3000)
    assert notes == [] and page.sound_note.text() == bell  # said once, not at every scan

    camera = page.camera_button
    assert not camera.isEnabled() and camera.text() == "摄像头扫码：未找到摄像头"
    assert "未找到摄像头" in camera.toolTip() and "自动启用" in camera.toolTip()
    page._cameras_changed()  # what a camera plugged in or out triggers: still none
    assert not camera.isEnabled() and not camera.isChecked()
    page.grab().save(str(SHOT_DIR / "desk_no_audio_no_camera.png"))
    assert not ctx.tr.missing


def test_checklist_webcam_button_and_photo(qtbot, no_devices, store, clock, team, approved_meeting):  # noqa: F811
    meetings.add_room(store, clock, team.secretary, approved_meeting.id, "第一会议室", "meeting")
    ctx = GuiContext(store=store, clock=clock, actor=team.inspector, tr=Translator("zh"))
    page = ChecklistPage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    webcam = page.action_buttons["webcam"]
    assert not webcam.isEnabled() and webcam.text() == "摄像头拍照：未找到摄像头"
    assert "从文件添加照片" in webcam.toolTip()
    page.action_buttons["create_pre"].click()
    assert page.current_id is not None and page.writable
    assert not webcam.isEnabled()  # a writable checklist, still no camera
    page.grab().save(str(SHOT_DIR / "checklist_no_camera.png"))

    # the dialog (opened with no camera it says so) hands a frame to the chosen item
    dialog = page.open_webcam()
    assert dialog is not None and dialog.status.text() == "未找到摄像头" and not dialog.take.isEnabled()
    key = page.view.items[1].key
    dialog.item.setCurrentIndex(dialog.item.findData(key))
    frame = QImage(640, 480, QImage.Format.Format_RGB32)
    frame.fill(QColor(40, 120, 200))
    dialog.captured(1, frame)
    dialog.captured(2, frame)
    assert dialog.taken == 2 and "2" in dialog.status.text()
    view = instances.checklist_view(store, page.current_id, approved_meeting.id)
    assert len(view.item(key).photo_ids) == 2
    assert len(next(r for r in page.rows if r.item.key == key).item.photo_ids) == 2  # the row redrawn
    dialog.captured(3, QImage())  # a null frame is an error shown, not a photo
    assert "摄像头未返回图像" in dialog.status.text() and dialog.taken == 2
    dialog.grab().save(str(SHOT_DIR / "checklist_webcam_dialog_no_camera.png"))
    dialog.reject()
    assert not ctx.tr.missing
