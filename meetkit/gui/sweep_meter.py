"""The level meter panel: the level of one frequency as a big number and a bar, refreshed ten
times a second while the technician walks the room towards the emitter."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from meetkit.gui import sweep_backend as backend
from meetkit.i18n import Translator

BAR_SPAN_DB = 50  # the bar shows 0–50 dB above the noise floor


class LevelMeterPanel(QGroupBox):
    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(tr("Level meter"), parent)
        self.tr = tr
        self.setMinimumWidth(300)
        self.readings = 0
        self.last_level_dbfs: float | None = None
        layout = QVBoxLayout(self)
        self.target = QLabel(tr("Click a finding to measure it"))
        self.target.setWordWrap(True)
        self.target.setStyleSheet("font-size: 14px; font-weight: bold;")
        layout.addWidget(self.target)
        self.number = QLabel("— dBFS")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setStyleSheet("font-size: 38px; font-weight: bold; font-family: monospace; color: #1d6f42;")
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
        self.audio_note = audio = QLabel(tr("Audio tone: on") if backend.audio_available()
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
