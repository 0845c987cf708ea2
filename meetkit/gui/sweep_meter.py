"""The level meter panel: the level of one frequency as a big number and a bar, refreshed ten
times a second while the technician walks the room towards the emitter. Where QtMultimedia is
installed (full PySide6, not PySide6-Essentials) a tone whose pitch rises with the level plays
as well; otherwise the panel says the tone is unavailable."""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from meetkit.gui import sweep_backend as backend
from meetkit.i18n import Translator

log = logging.getLogger(__name__)

BAR_SPAN_DB = 50  # the bar shows 0–50 dB above the noise floor
TONE_RATE = 22050
TONE_LOW_HZ = 300.0  # pitch at the noise floor
TONE_HIGH_HZ = 1800.0  # pitch at BAR_SPAN_DB above it


class Tone:
    """A continuous tone pushed to the default audio output in 0.1 s pieces (QtMultimedia)."""

    def __init__(self) -> None:
        from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices

        fmt = QAudioFormat()
        fmt.setSampleRate(TONE_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._sink: Any = QAudioSink(QMediaDevices.defaultAudioOutput(), fmt)
        self._device: Any = self._sink.start()
        self._phase = 0.0

    def play(self, above_db: float) -> None:
        share = max(0.0, min(1.0, above_db / BAR_SPAN_DB))
        pitch = TONE_LOW_HZ + share * (TONE_HIGH_HZ - TONE_LOW_HZ)
        n = TONE_RATE // 10
        phase = self._phase + 2 * np.pi * pitch * np.arange(1, n + 1) / TONE_RATE
        self._phase = float(phase[-1] % (2 * np.pi))
        self._device.write((np.sin(phase) * 8000).astype("<i2").tobytes())

    def stop(self) -> None:
        self._sink.stop()


class LevelMeterPanel(QGroupBox):
    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(tr("Level meter"), parent)
        self.tr = tr
        self.setMinimumWidth(300)
        self.readings = 0
        self.last_level_dbfs: float | None = None
        self.tone: Tone | None = None
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
        self.audio_note = audio = QLabel(tr("Audio tone: pitch rises with the level") if backend.audio_available()
                                         else tr("Audio tone unavailable: QtMultimedia is not installed (PySide6-Essentials). Watch the bar."))
        audio.setWordWrap(True)
        audio.setStyleSheet("color: #666; font-size: 12px;")
        layout.addWidget(audio)
        layout.addStretch(1)

    def set_target(self, freq_hz: float, label: str) -> None:
        self.target.setText(self.tr("Measuring {label}", label=label) if label else f"{freq_hz / 1e6:.4f} MHz")
        self.number.setText("— dBFS")
        self.bar.setValue(0)
        self.snr.setText("")
        self.readings = 0
        self.last_level_dbfs = None

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
        if not backend.audio_available():
            return
        try:
            if self.tone is None:
                self.tone = Tone()
            self.tone.play(above_db)
        except Exception as err:  # noqa: BLE001  no sound card or a refused device: the bar still works
            log.warning("audio tone unavailable: %s", err)
            self.audio_note.setText(self.tr("Audio tone unavailable: {err}", err=str(err)))
            self.tone = None

    def stop_tone(self) -> None:
        if self.tone is not None:
            self.tone.stop()
            self.tone = None
