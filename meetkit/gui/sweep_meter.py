"""The level meter panel: the level of one frequency as a big number and a bar, refreshed ten
times a second while the technician walks the room towards the emitter, and a tone whose pitch
rises with the level (issue 7) on the default audio output.

The tone is made by :func:`tone_piece`, a pure function (numpy, no Qt) producing int16 PCM:
the phase runs on from piece to piece and the pitch glides from the last piece's pitch to the
new one, so a level change never clicks. :class:`Tone` keeps a QAudioSink's small buffer
topped up from a timer (push mode), whatever the rate of the level readings.

Without QtMultimedia (PySide6-Essentials) or without an audio output device (no sound card,
no PulseAudio/PipeWire server) the panel says so and the bar is the guide. The device list is
read again each time the meter starts, so a headset plugged in meanwhile is used."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from meetkit.gui import sweep_backend as backend
from meetkit.i18n import Translator

log = logging.getLogger(__name__)

BAR_SPAN_DB = 50  # the bar shows 0–50 dB above the noise floor
TONE_RATE = 22050
TONE_LOW_HZ = 300.0  # pitch at the noise floor
TONE_HIGH_HZ = 1800.0  # pitch at BAR_SPAN_DB above it
TONE_AMPLITUDE = 8000  # of 32767: loud enough in a room, far from clipping
FADE_S = 0.01  # fade in at the start and out at the stop (no click either)
SINK_BUFFER_S = 0.15  # the sink's buffer: the delay between a reading and its pitch
FEED_MS = 30  # how often the buffer is topped up
START_S = 3.0  # an output that has taken nothing after this long does not play
STALL_S = 1.0  # an output that stopped taking samples this long ago has gone away


@dataclass(frozen=True)
class ToneState:
    """Where the tone left off: the next piece continues from here."""

    phase_rad: float = 0.0
    pitch_hz: float | None = None  # None: nothing played yet (the first piece starts at its pitch)
    gain: float = 0.0  # 0 before the fade in and after the fade out


def tone_pitch_hz(above_db: float) -> float:
    """The pitch for a level ``above_db`` above the noise floor: TONE_LOW_HZ at the floor,
    TONE_HIGH_HZ at BAR_SPAN_DB above it and beyond, linear in between."""
    share = max(0.0, min(1.0, above_db / BAR_SPAN_DB)) if math.isfinite(above_db) else 0.0
    return TONE_LOW_HZ + share * (TONE_HIGH_HZ - TONE_LOW_HZ)


def tone_piece(state: ToneState, above_db: float, n_samples: int, *, gain: float = 1.0,
               rate_hz: int = TONE_RATE) -> tuple[np.ndarray, ToneState]:
    """``n_samples`` of int16 mono PCM at ``rate_hz`` for the level ``above_db``, continuing
    ``state``: the phase runs on, the pitch glides linearly from the previous piece's pitch to
    this level's, the gain ramps to ``gain`` within FADE_S. Returns the samples and the state
    to continue from."""
    target_hz = tone_pitch_hz(above_db)
    if n_samples <= 0:
        return np.zeros(0, dtype="<i2"), state
    start_hz = target_hz if state.pitch_hz is None else state.pitch_hz
    k = np.arange(1, n_samples + 1, dtype=np.float64)
    freq_hz = start_hz + (target_hz - start_hz) * k / n_samples
    phase = state.phase_rad + 2 * np.pi * np.cumsum(freq_hz) / rate_hz
    fade_n = max(1.0, FADE_S * rate_hz)
    step = (gain - state.gain) / fade_n
    gains = np.clip(state.gain + step * k, min(gain, state.gain), max(gain, state.gain))
    samples = np.round(np.sin(phase) * gains * TONE_AMPLITUDE).astype("<i2")
    return samples, ToneState(phase_rad=float(phase[-1] % (2 * np.pi)), pitch_hz=target_hz, gain=float(gains[-1]))


class Tone(QObject):
    """The tone on one audio output (QtMultimedia QAudioSink in push mode). A timer keeps the
    sink's buffer full with pieces at the latest level; :meth:`stop` fades out, lets the
    buffer play out and releases the device. ``failed`` says why when the output goes away
    while playing."""

    failed = Signal(str, str, str)  # English text with {device} and {error}, the device, the error

    def __init__(self, device: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioFormat, QAudioSink

        fmt = QAudioFormat()
        fmt.setSampleRate(TONE_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self.device_name = str(device.description())
        self._sink: Any = QAudioSink(device, fmt, self)
        self._sink.setBufferSize(int(SINK_BUFFER_S * TONE_RATE) * 2)
        self._io: Any = self._sink.start()
        if self._io is None or _name(self._sink.error()) != "NoError":
            error = _name(self._sink.error())
            self._sink.stop()
            self.setParent(None)
            raise OSError(f"cannot open the audio output {self.device_name!r} ({error})")
        self.state = ToneState()
        self.above_db = 0.0
        self.samples_written = 0
        self._pending = b""
        self._stopping = False
        self._stop_deadline = 0.0
        self._failed = False
        self._released = False
        self._processed_us = 0
        self._progress_at = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(FEED_MS)
        self._timer.timeout.connect(self.feed)
        self._timer.start()

    def play(self, above_db: float) -> None:
        """The level to sound from now on (the pitch glides there in the next piece)."""
        self.above_db = above_db
        if not self._stopping:
            self.feed()

    def feed(self) -> int:
        """Top the sink's buffer up (fading out once stopping); returns the number of samples
        written. What the sink does not take is written first next time, so the stream stays
        continuous."""
        if not self._sink_alive():
            return 0
        free = self._sink.bytesFree()
        written = 0
        if self._pending:
            took = max(0, int(self._io.write(self._pending[:free])))
            self._pending = self._pending[took:]
            free -= took
            written += took
        if not self._pending and free >= 2:
            gain = 0.0 if self._stopping else 1.0
            samples, self.state = tone_piece(self.state, self.above_db, free // 2, gain=gain)
            data = samples.tobytes()
            took = max(0, int(self._io.write(data)))
            self._pending = data[took:]
            written += took
        self.samples_written += written // 2
        faded = self.state.gain == 0.0 and not self._pending
        if self._stopping and (faded or time.monotonic() > self._stop_deadline):
            self._timer.stop()  # the fade is in the buffer: let it play, then let go
            QTimer.singleShot(int(SINK_BUFFER_S * 1000) + 100, self, self._release)
        return written // 2

    def stop(self) -> None:
        """Fade out (the next pieces), let what is buffered play, then release the device."""
        if self._stopping:
            return
        self._stopping = True
        self._stop_deadline = time.monotonic() + 1.0  # a stalled output is let go anyway
        self.feed()

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._sink.stop()
            self.deleteLater()

    def _sink_alive(self) -> bool:
        """False (and ``failed`` emitted once) when the output went away while playing: the
        sink reports an error, or it stops taking samples (PulseAudio kills the stream of a
        removed output and Qt 6.11 still reports it active). Polled from the feed timer:
        PySide cannot hand QAudio::State to a Python callable, so stateChanged is not used."""
        if self._failed:
            return False
        error = _name(self._sink.error())
        now = time.monotonic()
        processed = int(self._sink.processedUSecs())
        if processed != self._processed_us:
            self._processed_us, self._progress_at = processed, now
        if error not in ("NoError", "UnderrunError"):
            why = "{device} failed: {error}"
        elif now - self._progress_at > (STALL_S if processed else START_S):
            why = "{device} stopped playing the tone" if processed else "{device} does not play the tone"
        else:
            return True
        log.warning("audio output %r: %s (%s)", self.device_name, why, error)
        self._failed = True
        self._timer.stop()
        if self._stopping:
            QTimer.singleShot(0, self, self._release)
        else:
            self.failed.emit(why, self.device_name, error)
        return False


def _name(error: Any) -> str:
    """An audio error's name (QtAudio.Error and its older alias QAudio.Error do not compare equal)."""
    return str(getattr(error, "name", error))


def audio_outputs() -> list[Any]:
    """The audio output devices QtMultimedia sees now ([] without QtMultimedia)."""
    if not backend.audio_available():
        return []
    from PySide6.QtMultimedia import QMediaDevices

    return list(QMediaDevices.audioOutputs())


def default_audio_output() -> Any:
    from PySide6.QtMultimedia import QMediaDevices

    return QMediaDevices.defaultAudioOutput()


class LevelMeterPanel(QGroupBox):
    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(tr("Level meter"), parent)
        self.tr = tr
        self.setMinimumWidth(300)
        self.readings = 0
        self.last_level_dbfs: float | None = None
        self.tone: Tone | None = None
        self.audio_device: Any = None  # the output the next tone plays on; None: no tone
        layout = QVBoxLayout(self)
        self.target = QLabel(tr("Click a finding to measure it"))
        self.target.setWordWrap(True)
        self.target.setStyleSheet("font-size: 14px; font-weight: bold;")
        layout.addWidget(self.target)
        self.number = QLabel("— dBFS")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setStyleSheet("font-size: 34px; font-weight: bold; font-family: monospace; color: #1d6f42;")
        layout.addWidget(self.number)
        self.bar = QProgressBar()
        self.bar.setRange(0, BAR_SPAN_DB * 10)
        self.bar.setValue(0)
        self.bar.setTextVisible(False)
        self.bar.setMinimumHeight(28)
        self.bar.setStyleSheet("QProgressBar { border: 1px solid #888; border-radius: 4px; background: #eee; }"
                               "QProgressBar::chunk { background: qlineargradient(x1:0, y1:0, x2:1, y2:0,"
                               " stop:0 #30d158, stop:0.6 #ffd60a, stop:1 #ff3b30); }")
        layout.addWidget(self.bar)
        self.snr = QLabel("")
        self.snr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.snr.setStyleSheet("font-size: 15px;")
        layout.addWidget(self.snr)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.audio_note = QLabel("")
        self.audio_note.setWordWrap(True)
        layout.addWidget(self.audio_note)
        layout.addStretch(1)
        self.refresh_audio()

    def refresh_audio(self) -> None:
        """Read the audio outputs again (called each time the meter starts) and say what the
        tone will do: play on the default output, or not at all and why."""
        self.stop_tone()
        tr = self.tr
        self.audio_device = None
        if not backend.audio_available():
            self._audio_note(tr("Audio tone unavailable: QtMultimedia is not installed (PySide6-Essentials). Watch the bar."), warn=True)
        elif not audio_outputs():
            self._audio_note(tr("No audio output device: no tone. Watch the bar."), warn=True)
        else:
            self.audio_device = default_audio_output()
            if self.audio_device.isNull():  # outputs but no default: take the first
                self.audio_device = audio_outputs()[0]
            self._audio_note(tr("Audio tone on {device}: pitch rises with the level", device=self.audio_device.description()))

    def _audio_note(self, text: str, *, warn: bool = False) -> None:
        self.audio_note.setText(text)
        self.audio_note.setStyleSheet("color: #8a5a00; font-size: 13px; font-weight: bold;" if warn else "color: #666; font-size: 12px;")

    def set_target(self, freq_hz: float, label: str) -> None:
        self.target.setText(self.tr("Measuring {label}", label=label) if label else f"{freq_hz / 1e6:.4f} MHz")
        self.number.setText("— dBFS")
        self.bar.setValue(0)
        self.snr.setText("")
        self.readings = 0
        self.last_level_dbfs = None
        self.refresh_audio()

    def set_note(self, text: str, *, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet("color: #b00020; font-weight: bold;" if error else "color: #555;")

    def show_level(self, level_dbfs: float, noise_dbfs: float) -> None:
        if not math.isfinite(level_dbfs):
            return
        self.readings += 1
        self.last_level_dbfs = level_dbfs
        self.number.setText(f"{level_dbfs:6.1f} dBFS")
        above = level_dbfs - noise_dbfs if math.isfinite(noise_dbfs) else 0.0
        self.bar.setValue(int(max(0.0, min(BAR_SPAN_DB, above)) * 10))
        self.snr.setText(self.tr("{db:.1f} dB above the noise floor", db=above))
        self._play(above)

    def _play(self, above_db: float) -> None:
        if self.audio_device is None:
            return
        try:
            if self.tone is None:
                self.tone = Tone(self.audio_device, self)
                self.tone.failed.connect(self._tone_failed)
            self.tone.play(above_db)
        except Exception as err:  # noqa: BLE001  a refused or vanished device: the bar still works
            log.warning("audio tone unavailable: %s", err)
            self._tone_failed("{device} failed: {error}", self.audio_device.description(), str(err))

    def _tone_failed(self, why: str, device: str, error: str) -> None:
        self.stop_tone()
        self.audio_device = None  # until the meter starts again
        self._audio_note(self.tr("Audio tone unavailable: {err}", err=self.tr(why, device=device, error=error)), warn=True)

    def stop_tone(self) -> None:
        if self.tone is not None:
            self.tone.stop()
            self.tone = None
