"""The level meter's tone and the desk's verdict tones END TO END through a real audio server: a
private PulseAudio daemon (its own socket under tmp_path, nothing else touched) with a null sink
whose monitor ``parec`` records. The Qt side runs in a subprocess, because PULSE_SERVER must be
set before QtMultimedia connects, and it starts with NO output device: the panel must say so;
then a sink is loaded (a headset plugged in) and the next meter start must find it.

Needs the Debian packages pulseaudio and pulseaudio-utils (parec, pactl); skipped without them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from meetkit.gui.sweep_meter import TONE_AMPLITUDE, TONE_RATE, tone_pitch_hz

SINK = "meetkit_test"
LEVELS_DB = (10.0, 40.0)  # above the noise floor: 600 Hz, then 1500 Hz
TICKS = 8  # readings per level, ten a second like the meter


def _missing_tools() -> list[str]:
    return [tool for tool in ("pulseaudio", "parec", "pactl") if shutil.which(tool) is None]


@pytest.fixture
def pulse(tmp_path: Path):
    """A private PulseAudio server with no sink yet; yields the environment for its clients."""
    missing = _missing_tools()
    if missing:
        pytest.skip(f"no {', '.join(missing)}: apt-get install pulseaudio pulseaudio-utils to run the audio end-to-end test")
    home = tmp_path / "pulse-home"
    runtime = home / "run"
    runtime.mkdir(parents=True)
    runtime.chmod(0o700)
    socket = tmp_path / "pulse.sock"
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "PULSE_SERVER": f"unix:{socket}"}
    env.pop("DISPLAY", None)
    log = (tmp_path / "pulseaudio.log").open("w")
    server = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=false", "--disable-shm=yes",
         "--log-target=stderr", f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1"],
        env=env, stdout=log, stderr=log,
    )
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], env=env, capture_output=True, check=False).returncode != 0:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"pulseaudio did not start: {(tmp_path / 'pulseaudio.log').read_text()[-500:]}")
            time.sleep(0.1)
        yield env
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _child(out_dir: Path) -> None:
    """The Qt side (run with PULSE_SERVER set): the panel without a device, a sink appears, the
    panel's tone at two levels, then the desk's tones for admitted and refused."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    from PySide6.QtWidgets import QApplication

    from meetkit.gui.desk_page import Sounder
    from meetkit.gui.sweep_meter import LevelMeterPanel
    from meetkit.i18n import Translator

    app = QApplication([])

    def spin(seconds: float, until=None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until and until()):
            QCoreApplication.processEvents()
            time.sleep(0.005)

    report: dict[str, object] = {}
    t0 = time.monotonic()
    marks = report.setdefault("marks", {})
    panel = LevelMeterPanel(Translator("zh"))
    desk_without = Sounder(Translator("en"))
    report["note_without"] = panel.audio_note.text()
    report["desk_without"] = desk_without.note
    panel.show_level(-70.0, -90.0)
    report["bar_without"] = panel.bar.value()
    report["tone_without"] = panel.tone is not None
    panel.grab().save(str(out_dir / "meter-no-device.png"))

    module = subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={SINK}", f"rate={TONE_RATE}", "channels=1"],
                            check=True, capture_output=True, text=True).stdout.strip()
    spin(5.0, lambda: bool(QMediaDevices.audioOutputs()))
    marks["devices"] = round(time.monotonic() - t0, 2)
    report["outputs"] = [d.description() for d in QMediaDevices.audioOutputs()]
    # one recording for everything, flowing before the first sound (the null sink's monitor
    # starts delivering up to its 2 s latency late)
    recording = out_dir / "recording.raw"
    rec = subprocess.Popen(["parec", f"--device={SINK}.monitor", f"--rate={TONE_RATE}", "--channels=1",
                            "--format=s16le", "--raw", "--latency-msec=20", str(recording)])
    spin(4.0, lambda: recording.exists() and recording.stat().st_size > 0)

    marks["flowing"] = round(time.monotonic() - t0, 2)
    panel.set_target(433.92e6, "433.92 MHz")  # the meter starts again: the headset is found
    report["note_with"] = panel.audio_note.text()
    panel.grab().save(str(out_dir / "meter-device.png"))
    started = time.monotonic()
    panel.show_level(-90.0 + LEVELS_DB[0], -90.0)
    # the tone is playing once the sink has taken some of it (0.2 s here)
    spin(4.0, lambda: panel.tone is not None and panel.tone.samples_written > TONE_RATE * 0.3)
    marks["tone_start"] = round(time.monotonic() - t0, 2)
    report["startup_s"] = round(time.monotonic() - started, 2)
    for above_db in LEVELS_DB:
        for _ in range(TICKS):
            panel.show_level(-90.0 + above_db, -90.0)
            spin(0.1)
    report["samples_written"] = panel.tone.samples_written if panel.tone else 0
    panel.stop_tone()
    spin(0.4)

    marks["desk"] = round(time.monotonic() - t0, 2)
    desk_without.play("ok")  # the desk that had no device finds the sink at its next verdict
    report["desk_with"] = desk_without.note
    ready = QSoundEffect.Status.Ready
    spin(3.0, lambda: all(e.status() == ready for e in desk_without._effects.values()))
    spin(0.5)
    desk_without.play("refused")
    spin(0.9)
    rec.terminate()
    rec.wait()
    marks["end"] = round(time.monotonic() - t0, 2)
    report["beeps"] = desk_without.beeps_sent
    report["tones"] = desk_without.tones_played

    # the headset pulled out while the tone plays: the panel says the tone stopped
    panel.set_target(433.92e6, "433.92 MHz")
    for _ in range(3):
        panel.show_level(-60.0, -90.0)
        spin(0.1)
    subprocess.run(["pactl", "unload-module", module], check=True, capture_output=True)
    desk_without.play("ok")  # into the removed output: it never finishes
    desk_at = time.monotonic()
    for _ in range(40):
        if panel.tone is None:
            break
        panel.show_level(-60.0, -90.0)
        spin(0.1)
    report["note_unplugged"] = panel.audio_note.text()
    spin(max(0.0, 1.7 - (time.monotonic() - desk_at)))
    desk_without.play("warn")  # noticed: the bell, and the desk says so
    spin(0.3)
    report["desk_unplugged"] = desk_without.note
    report["beeps_unplugged"] = desk_without.beeps_sent
    report["bar_unplugged"] = panel.bar.value()
    panel.grab().save(str(out_dir / "meter-unplugged.png"))
    marks["unplugged"] = round(time.monotonic() - t0, 2)
    print(json.dumps(report))
    app.quit()


def _pitches(x: np.ndarray, window: int) -> list[float | None]:
    """The strongest frequency of each window of a recording (None for a quiet one)."""
    out: list[float | None] = []
    for start in range(0, len(x) - window, window):
        piece = x[start:start + window].astype(np.float64)
        if np.abs(piece).max() < 1000:
            out.append(None)
            continue
        mag = np.abs(np.fft.rfft(piece * np.hanning(window)))
        out.append(float(np.argmax(mag)) * TONE_RATE / window)
    return out


def test_tone_and_desk_tones_through_pulseaudio(pulse, tmp_path):
    env = {**pulse, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    code = f"from pathlib import Path; from tests.gui.test_multimedia_audio import _child; _child(Path({str(tmp_path)!r}))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    # without a device: said in the panel (Chinese) and in the desk's note; the bar still moves
    assert report["note_without"] == "没有音频输出设备：无音调提示，请观察电平条。"
    assert report["desk_without"] == "No audio output device: the desk beeps with the system bell"
    assert report["bar_without"] == 200 and report["tone_without"] is False
    # the sink loaded afterwards is found when the meter starts again
    assert report["outputs"], report
    assert report["note_with"].startswith("音调提示（") and report["outputs"][0] in report["note_with"]

    # the recorded tone: about 600 Hz while 10 dB above the floor, then about 1500 Hz
    x = np.fromfile(tmp_path / "recording.raw", dtype="<i2").astype(np.int32)
    loud = np.nonzero(np.abs(x) > 50)[0]
    tone_end = loud[np.nonzero(np.diff(loud) > TONE_RATE // 10)[0][0]]  # the silence before the desk's tones
    tone, desk = x[: tone_end + 1], x[tone_end + 1:]
    window = TONE_RATE // 10
    pitches = [p for p in _pitches(tone, window) if p is not None]
    low, high = tone_pitch_hz(LEVELS_DB[0]), tone_pitch_hz(LEVELS_DB[1])
    at_low = [i for i, p in enumerate(pitches) if abs(p - low) <= 20]
    at_high = [i for i, p in enumerate(pitches) if abs(p - high) <= 20]
    assert len(at_low) >= TICKS - 2 and len(at_high) >= TICKS - 2, pitches
    assert max(at_low) < min(at_high), pitches  # in the order played
    assert len(at_low) + len(at_high) >= len(pitches) - 2, pitches  # nothing else but the glide window(s)
    # no click: through the null sink unchanged, no step larger than the 1500 Hz sine's own,
    # no dropout inside, a fade in and a fade out
    assert np.abs(tone).max() <= TONE_AMPLITUDE + 1
    steps = np.abs(np.diff(tone))
    assert steps.max() <= TONE_AMPLITUDE * 2 * np.pi * high / TONE_RATE + 2, steps.max()
    inside = tone[loud[0]:tone_end + 1]
    quiet_runs = np.convolve(np.abs(inside) < 30, np.ones(20), "valid") == 20
    assert not quiet_runs[50:-50].any(), "the tone dropped out"
    # faded: the first and last 40 samples (2.7 periods at 1500 Hz) stay under a quarter of full
    # amplitude, where a cut tone reaches its crest
    assert np.abs(inside[:40]).max() < TONE_AMPLITUDE / 4 and np.abs(inside[-40:]).max() < TONE_AMPLITUDE / 4

    # pulled out while playing: said in the panel, the bar carries on
    assert report["note_unplugged"] == f"音调提示不可用：{report['outputs'][0]} 已停止播放音调", report
    assert report["bar_unplugged"] == 300
    assert report["desk_unplugged"].startswith("The verdict tones cannot play on ") and report["beeps_unplugged"] == 2, report

    # the desk's tones: admitted (880 Hz) then refused (330 Hz), not the bell
    assert report["desk_with"].startswith("Sound: verdict tones on "), report
    assert report["tones"] == 2 and report["beeps"] == 0
    desk_pitches = [p for p in _pitches(desk, TONE_RATE // 20) if p is not None]
    at_880 = [i for i, p in enumerate(desk_pitches) if abs(p - 880) <= 25]
    at_330 = [i for i, p in enumerate(desk_pitches) if abs(p - 330) <= 25]  # windows cut by a tone's end read off
    assert len(at_880) >= 2 and len(at_330) >= 6 and max(at_880) < min(at_330), desk_pitches
