"""Webcams for the GUI (QtMultimedia): which cameras there are now, a watcher that tells a page
when one is plugged in or removed, and the dialog that takes a checklist photo.

QtMultimedia is optional: without it (PySide6-Essentials) :func:`multimedia` is None and the
pages show their webcam buttons disabled with the reason in the tooltip. Without a camera the
buttons say "no camera found" and come on by themselves when one appears."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

JPEG_QUALITY = 88


def multimedia() -> Any:
    """PySide6.QtMultimedia if this installation has it, else None."""
    try:
        from PySide6 import QtMultimedia
    except ImportError:
        return None
    return QtMultimedia


class CameraWatch(QObject):
    """The cameras QtMultimedia sees; ``changed`` when one is plugged in or removed."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        media = multimedia()
        self._devices: Any = None
        if media is not None:
            self._devices = media.QMediaDevices(self)
            self._devices.videoInputsChanged.connect(self.changed)

    @property
    def supported(self) -> bool:
        return self._devices is not None

    def cameras(self) -> list[Any]:
        if self._devices is None:
            return []
        return list(self._devices.videoInputs())


def jpeg_bytes(image: QImage, quality: int = JPEG_QUALITY) -> bytes:
    """``image`` encoded as JPEG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPEG", quality):
        raise ValueError("the camera image could not be encoded")
    buffer.close()
    return bytes(data.data())


class WebcamPhotoDialog(QDialog):
    """A live preview, the item the photo is for, and Take photo: each photo taken emits
    ``photo(item_key, jpeg_bytes)``; the dialog stays open for the next one."""

    photo = Signal(str, bytes)

    def __init__(self, tr: Any, items: list[tuple[str, str]], current_key: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        media = multimedia()
        if media is None:
            raise RuntimeError("QtMultimedia is not installed")
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.tr_ = tr
        self.setWindowTitle(tr("Webcam photo"))
        layout = QVBoxLayout(self)
        self.preview = QVideoWidget()
        self.preview.setMinimumSize(480, 360)
        layout.addWidget(self.preview, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("For item")))
        self.item = QComboBox()
        for key, text in items:
            self.item.addItem(text, key)
        if current_key is not None:
            self.item.setCurrentIndex(max(0, self.item.findData(current_key)))
        row.addWidget(self.item, 1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.take = QPushButton(tr("Take photo"))
        self.take.setMinimumHeight(52)
        self.take.setEnabled(False)
        self.take.clicked.connect(self._take)
        buttons.addWidget(self.take, 1)
        close = QPushButton(tr("Close"))
        close.setMinimumHeight(52)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.status = QLabel(tr("Starting the camera…"))
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.status)
        self.taken = 0

        self.capture = media.QImageCapture(self)
        self.capture.readyForCaptureChanged.connect(self.take.setEnabled)
        self.capture.imageCaptured.connect(self.captured)
        self.capture.errorOccurred.connect(lambda _id, _err, text: self._failed(text))
        self.camera: Any = None
        if not media.QMediaDevices.videoInputs():  # unplugged since the button was enabled
            self._say(tr("No camera found"))
            return
        self.camera = media.QCamera(media.QMediaDevices.defaultVideoInput(), self)
        self.session = media.QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.preview)
        self.camera.errorOccurred.connect(lambda _err, text: self._failed(text))
        self.camera.start()

    def _take(self) -> None:
        self.take.setEnabled(False)
        self.capture.capture()

    def captured(self, _request_id: int, image: QImage) -> None:
        """A frame from the camera: encoded and handed to the page for the chosen item."""
        key = self.item.currentData()
        if key is None or image.isNull():
            self._say(self.tr_("The camera gave no picture"))
            return
        self.photo.emit(str(key), jpeg_bytes(image))
        self.taken += 1
        self.status.setText(self.tr_("{n} photo(s) taken", n=self.taken))
        self.take.setEnabled(self.camera is not None and self.capture.isReadyForCapture())

    def _failed(self, text: str) -> None:
        self._say(self.tr_("Camera error: {err}", err=text))

    def _say(self, text: str) -> None:
        log.warning("webcam: %s", text)
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020; font-weight: bold;")

    def done(self, result: int) -> None:
        if self.camera is not None:
            self.camera.stop()
        super().done(result)
