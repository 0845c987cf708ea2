"""The sign-in desk: a scan field that keeps the focus, a verdict that fills the screen, a
sound per verdict class, counts and the recent scans; the presence list; admission without a
badge; the attendance report.

A keyboard-wedge scanner types the token as a burst of keystrokes ending in Enter; typed
input works the same way. The verdict is painted in the same event-loop turn as the Enter
(a sign-in takes a few milliseconds), well inside 100 ms.

Sound: three distinct tones (QSoundEffect) on the default audio output. Without QtMultimedia
(PySide6-Essentials) or without an audio output device the desk uses the system bell, one
beep for admitted/exit, two for an amber warning, three for a refusal, and says so once
under its buttons.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from meetkit import meetings, operators
from meetkit.attendees import attendee_photo, list_attendees
from meetkit.desk import attendance, presence
from meetkit.desk.signin import (
    DESK_ROLES,
    ENTRY_STATES,
    EXIT_STATES,
    VERDICT_EN,
    VERDICT_ZH,
    Desk,
    ScanResult,
    Verdict,
    recent_scans,
)
from meetkit.errors import InvalidInput, MeetkitError
from meetkit.gui.context import GuiContext
from meetkit.gui.webcam import CameraWatch
from meetkit.gui.widgets import (
    fill_table,
    local_time,
    make_table,
    ok_cancel,
    run_action,
)

COLOURS = {"ok": "#1b7f3b", "warn": "#c77c00", "refused": "#b71c1c", "idle": "#455a64"}
BEEPS = {"ok": 1, "warn": 2, "refused": 3}
SIZES = {"title": 76, "name": 64, "unit": 30, "seat": 40}  # pixel sizes at full scale
PHOTO_SIZE = (150, 196)
FULL_PANEL_H = 530  # the panel's height at which everything is drawn at full size (with a little slack)
MIN_SCALE = 0.3
MIN_PANEL_W, MIN_PANEL_H = 480, 200
log = logging.getLogger(__name__)

TONES_HZ = {"ok": (880,), "warn": (660, 660), "refused": (330, 330, 330)}
STUCK_S = 1.5  # a verdict tone still playing this long after it started: the output is gone


def _multimedia() -> Any:
    """PySide6.QtMultimedia if this installation has it, else None."""
    try:
        from PySide6 import QtMultimedia
    except ImportError:
        return None
    return QtMultimedia


class Sounder:
    """A distinct sound per verdict class: three QSoundEffect tones on the default audio
    output, else the system bell (1, 2 or 3 beeps). ``note`` says which and why in one line
    (``on_note`` is called when it changes, so the page says it once); without an output
    device the outputs are read again at each verdict, so a headset plugged in is used."""

    def __init__(self, tr: Callable[..., str], on_note: Callable[[str], None] | None = None) -> None:
        self.tr = tr
        self.on_note = on_note
        self.multimedia = _multimedia()
        self.beeps_sent = 0
        self.tones_played = 0
        self.note = ""
        self.device_name = ""
        self._effects: dict[str, Any] = {}
        self._started: dict[str, float] = {}  # when each tone was last started (monotonic)
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        if self.multimedia is None:
            self._set_note(tr("Sound: system bell (QtMultimedia is not installed)"))
        else:
            self._try_tones()

    def _try_tones(self) -> bool:
        """Load the tones if there is an audio output now; else say the bell is used."""
        media = self.multimedia
        if media is None:
            return False
        if not media.QMediaDevices.audioOutputs():
            self._set_note(self.tr("No audio output device: the desk beeps with the system bell"))
            return False
        device = media.QMediaDevices.defaultAudioOutput()
        self.device_name = device.description()
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="meetkit-tones-")
        for kind, tones in TONES_HZ.items():
            path = Path(self._dir.name) / f"{kind}.wav"
            path.write_bytes(_tone_wav(tones))
            effect = media.QSoundEffect(device)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.statusChanged.connect(self._check_effects)
            self._effects[kind] = effect
        self._set_note(self.tr("Sound: verdict tones on {device}", device=self.device_name))
        return True

    def _stuck(self) -> bool:
        """A tone (0.6 s at most) still playing long after it started: the output stopped
        taking sound (PulseAudio killed the stream of a removed device; Qt does not say)."""
        now = time.monotonic()
        return any(self._effects[kind].isPlaying() and now - at > STUCK_S for kind, at in self._started.items())

    def _check_effects(self) -> None:
        if any(e.status() == self.multimedia.QSoundEffect.Status.Error for e in self._effects.values()):
            log.warning("verdict tones failed on %r; using the system bell", self.device_name)
            self._effects.clear()
            self._set_note(self.tr("The verdict tones cannot play on {device}: the desk beeps with the system bell",
                                   device=self.device_name))

    def _set_note(self, text: str) -> None:
        if text != self.note:
            self.note = text
            log.info("desk sound: %s", text)
            if self.on_note is not None:
                self.on_note(text)

    @property
    def tones(self) -> bool:
        return bool(self._effects)

    def play(self, kind: str) -> None:
        if not self._effects and self.multimedia is not None and not self.device_name:
            self._try_tones()  # no output device until now: one may have been plugged in
        if self._effects:
            self._check_effects()
        if self._effects and self._stuck():
            log.warning("verdict tones on %r do not finish: the output is gone; using the system bell", self.device_name)
            self._effects.clear()
            self._set_note(self.tr("The verdict tones cannot play on {device}: the desk beeps with the system bell",
                                   device=self.device_name))
        effect = self._effects.get(kind)
        if effect is not None:
            effect.play()
            self._started[kind] = time.monotonic()
            self.tones_played += 1
            return
        for i in range(BEEPS[kind]):
            QTimer.singleShot(i * 180, self._beep)

    def _beep(self) -> None:
        self.beeps_sent += 1
        QApplication.beep()


def _tone_wav(tones: tuple[int, ...], rate: int = 16000) -> bytes:
    frames = bytearray()
    for freq in tones:
        for i in range(int(rate * 0.14)):
            frames += struct.pack("<h", int(12000 * math.sin(2 * math.pi * freq * i / rate)))
        frames += b"\x00\x00" * int(rate * 0.06)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def fill_quickly(table: QTableWidget, rows: list[list[Any]], keys: list[Any] | None = None) -> None:
    """Kept for the desk's callers: ``fill_table`` now measures columns once per fill."""
    fill_table(table, rows, keys)


def _label(size_px: int, bold: bool = False, colour: str = "white") -> QLabel:
    label = QLabel()
    font = QFont()
    font.setPixelSize(size_px)
    font.setBold(bold)
    label.setFont(font)
    label.setStyleSheet(f"color: {colour}; background: transparent;")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return label


class VerdictPanel(QFrame):
    """The big coloured panel: verdict, photo, name, unit, seat, reason."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("verdict")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 20)
        self.title = _label(SIZES["title"], bold=True)
        outer.addWidget(self.title)
        row = QHBoxLayout()
        self.photo = QLabel()
        self.photo.setFixedSize(*PHOTO_SIZE)
        self.photo.setScaledContents(True)
        self.photo.setStyleSheet("background: rgba(255,255,255,0.2); border: 3px solid white;")
        row.addWidget(self.photo)
        who = QVBoxLayout()
        self.name = _label(SIZES["name"], bold=True)
        self.unit = _label(SIZES["unit"])
        self.seat = _label(SIZES["seat"], bold=True)
        for w in (self.name, self.unit, self.seat):
            who.addWidget(w)
        row.addLayout(who, 1)
        outer.addLayout(row, 1)
        self.reason = _label(36, bold=True)
        self.reason.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        outer.addWidget(self.reason)
        self.kind = "idle"
        self._photo_shown = False
        self._reason_large = False
        # The panel takes the room the window gives it (a 1366x768 laptop leaves it about
        # 300 px): it does not demand its full-size layout, the type scales with its height.
        self.setMinimumSize(MIN_PANEL_W, MIN_PANEL_H)
        self.scale = 1.0
        self.show_idle()

    def _paint(self, kind: str) -> None:
        self.kind = kind
        self.setStyleSheet(f"QFrame#verdict {{ background: {COLOURS[kind]}; border-radius: 14px; }}")

    def _fit_name(self) -> None:
        """The name as large as the panel allows: shrink to fit, never clip (up to two lines
        at the smallest size)."""
        text = self.name.text()
        room = self.width() - 80 - (self.photo.width() + 24 if self.photo.isVisibleTo(self) or self._photo_shown else 0)
        font = self.name.font()
        largest, smallest = self._px(SIZES["name"]), self._px(28)
        size = largest
        if text:
            font.setPixelSize(100)
            advance = QFontMetrics(font).horizontalAdvance(text)
            size = max(smallest, min(largest, int(100 * room / max(advance, 1))))
        font.setPixelSize(size)
        self.name.setFont(font)
        self.name.setMinimumHeight(QFontMetrics(font).lineSpacing() * (2 if size == smallest else 1))

    def _px(self, size: int) -> int:
        return max(12, round(size * self.scale))

    def _apply_scale(self) -> None:
        """Type and photo sized for the panel's height: full size from FULL_PANEL_H up,
        proportionally smaller below (never under MIN_SCALE)."""
        self.scale = max(MIN_SCALE, min(1.0, self.height() / FULL_PANEL_H))
        self._apply_sizes()
        # the proportional guess can still leave more type than room (a meeting whose gate lines
        # take two more rows of the window: the name and the unit were drawn over each other);
        # step down until the lines fit the panel
        while self.scale > MIN_SCALE and self._needed_height() > self.height():
            self.scale = max(MIN_SCALE, self.scale - 0.05)
            self._apply_sizes()

    def _needed_height(self) -> int:
        """The height the lines need at the current scale: margins, title, the name block (or
        the photo beside it, if taller), the reason, and the spacing between them."""
        layout = self.layout()
        margins = layout.contentsMargins()
        gap = max(layout.spacing(), 0)
        who = self.name.minimumHeight() + self.unit.minimumHeight() + self.seat.minimumHeight() + 2 * gap
        if self._photo_shown:
            who = max(who, self.photo.height())
        return margins.top() + margins.bottom() + self.title.minimumHeight() + who + self.reason.minimumHeight() + 2 * gap

    def _apply_sizes(self) -> None:
        for label, key in ((self.title, "title"), (self.unit, "unit"), (self.seat, "seat")):
            font = label.font()
            font.setPixelSize(self._px(SIZES[key]))
            label.setFont(font)
            label.setMinimumHeight(QFontMetrics(font).height())  # shrink the type, never clip it
        self.photo.setFixedSize(self._px(PHOTO_SIZE[0]), self._px(PHOTO_SIZE[1]))
        margin = self._px(20)
        self.layout().setContentsMargins(self._px(28), margin, self._px(28), margin)
        self._set_reason(self.reason.text(), self._reason_large)
        self._fit_name()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._apply_scale()

    def _set_reason(self, text: str, large: bool = False) -> None:
        """The reason in large type, on up to two lines that are always given their room."""
        self._reason_large = large
        font = self.reason.font()
        size = 44 if large and len(text) <= 40 else (36 if len(text) <= 26 else 30)
        font.setPixelSize(self._px(size))
        self.reason.setFont(font)
        self.reason.setText(text)
        self.reason.setMinimumHeight(self.reason.fontMetrics().lineSpacing() * 2 + self._px(12))

    def show_idle(self) -> None:
        t = self.ctx.tr
        self._paint("idle")
        self.title.setText(t("Scan a badge"))
        self.name.setText("")
        self.unit.setText("")
        self.seat.setText("")
        self._set_reason(t("Hold the QR code under the scanner"), large=True)
        self.photo.hide()

    def show_result(self, result: ScanResult, photo: bytes | None) -> None:
        t = self.ctx.tr
        kind = result.verdict.kind
        self._paint(kind)
        title = VERDICT_ZH[result.verdict] if self.ctx.lang == "zh" else VERDICT_EN[result.verdict]
        self.title.setText(title + ("  ·  " + t("repeat") if result.repeat else ""))
        person = result.attendee
        self.name.setText(person.name if person else "")
        self._fit_name()
        self.unit.setText(person.unit if person else "")
        self.seat.setText(t("Seat {seat}", seat=person.seat) if person and person.seat else "")
        self._set_reason(result.reason(self.ctx.lang), large=person is None)
        pixmap = QPixmap()
        self._photo_shown = bool(photo and pixmap.loadFromData(photo) and kind != "refused")
        if self._photo_shown:
            self.photo.setPixmap(pixmap)
            self.photo.show()
        else:
            self.photo.hide()
        self._apply_scale()  # the photo and the reason's length change what fits: size the type again


def _zxing() -> Any:
    try:
        import zxingcpp
    except ImportError:
        return None
    return zxingcpp


class CameraScanner(QObject):
    """Webcam scanning (QtMultimedia + zxing-cpp): every sixth frame is decoded; a code is
    reported once until another one is seen. Only built when a camera is plugged in; the
    build machine and CI have none, so the frame path has not run with a real camera."""

    found = Signal(str)

    def __init__(self, multimedia: Any, zxing: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zxing = zxing
        # badges are QR codes (model 2); other formats let zxing report a Micro QR code found
        # inside a QR finder pattern, which would flash a refusal at the door
        self.formats = getattr(zxing.BarcodeFormat, "QRCodeModel2", zxing.BarcodeFormat.QRCode)
        self.frames = 0
        self.last = ""
        if not multimedia.QMediaDevices.videoInputs():
            raise RuntimeError("no camera")
        self.camera = multimedia.QCamera()
        self.session = multimedia.QMediaCaptureSession()
        self.sink = multimedia.QVideoSink()
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.sink.videoFrameChanged.connect(self._frame)
        self.camera.start()

    def _frame(self, frame: Any) -> None:
        self.frames += 1
        if self.frames % 6:
            return
        from PIL import Image
        from PySide6.QtGui import QImage

        image = frame.toImage().convertToFormat(QImage.Format.Format_Grayscale8)
        if image.isNull():
            return
        data = bytes(image.constBits())[: image.sizeInBytes()]
        picture = Image.frombuffer("L", (image.width(), image.height()), data, "raw", "L", image.bytesPerLine(), 1)
        for result in self.zxing.read_barcodes(picture, formats=self.formats):
            if result.text and result.text != self.last:
                self.last = result.text
                self.found.emit(result.text)

    def stop(self) -> None:
        self.camera.stop()


class _KeepFocus(QObject):
    """Returns the focus to the scan field whenever it drifts to something that is not an
    input of its own (a button click, a table click)."""

    def __init__(self, page: DeskPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched is self.page.scan:
            QTimer.singleShot(0, self.page, self.page.restore_focus)  # cancelled if the page goes first
        return False


class DeskPage(QWidget):
    closed = Signal()

    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None, *, door: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.door = door  # the full-screen copy of the page opened for the door
        self.door_window: DeskPage | None = None
        self.sounder = Sounder(ctx.tr)
        self.desk: Desk | None = None
        t = ctx.tr
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.tabs)

        # ---- desk mode ----
        desk_tab = QWidget()
        d = QVBoxLayout(desk_tab)
        # a meeting that is not open for this direction: said at the top before anyone scans
        # (each scan still gets its verdict: MEETING_NOT_OPEN, or WRONG_MEETING and so on)
        self.not_open = QLabel()
        self.not_open.setWordWrap(True)
        self.not_open.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        banner_font = QFont()
        banner_font.setPixelSize(15)
        banner_font.setBold(True)
        self.not_open.setFont(banner_font)
        self.not_open.setStyleSheet("background: #b00020; color: white; padding: 3px 8px; border-radius: 3px;")
        self.not_open.hide()
        d.addWidget(self.not_open)
        top = QHBoxLayout()
        top.addWidget(QLabel(t("Desk")))
        self.desk_name = QLineEdit(t("Main entrance"))
        self.desk_name.setMaximumWidth(180)
        self.desk_name.editingFinished.connect(self._open_desk)
        top.addWidget(self.desk_name)
        self.mode = QButtonGroup(self)
        self.entry_button = QPushButton(t("Entry"))
        self.exit_button = QPushButton(t("Exit"))
        for i, b in enumerate((self.entry_button, self.exit_button)):
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(34)
            self.mode.addButton(b, i)
            top.addWidget(b)
        self.entry_button.setStyleSheet("QPushButton:checked { background: #1b7f3b; color: white; font-weight: bold; }")
        self.exit_button.setStyleSheet("QPushButton:checked { background: #1565c0; color: white; font-weight: bold; }")
        self.entry_button.setChecked(True)
        self.mode.idClicked.connect(lambda _id: (self.refresh_open_banner(), self.restore_focus()))
        self.full_button = QPushButton(t("Leave full screen") if door else t("Full screen at the door"))
        self.full_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.full_button.setMinimumHeight(34)
        self.full_button.clicked.connect(self.close if door else self.open_door_window)
        top.addWidget(self.full_button)
        top.addStretch(1)
        self.counts = QLabel()
        counts_font = QFont()
        counts_font.setPixelSize(20)
        counts_font.setBold(True)
        self.counts.setFont(counts_font)
        top.addWidget(self.counts)
        d.addLayout(top)

        self.scan = QLineEdit()
        self.scan.setPlaceholderText(t("Scan a badge or type its code, then Enter"))
        scan_font = QFont()
        scan_font.setPixelSize(22)
        self.scan.setFont(scan_font)
        self.scan.setMinimumHeight(44)
        self.scan.setMaxLength(20000)
        self.scan.returnPressed.connect(self._scanned)
        self.scan.installEventFilter(_KeepFocus(self))
        d.addWidget(self.scan)

        self.panel = VerdictPanel(ctx)
        d.addWidget(self.panel, 5)

        bottom = QHBoxLayout()
        self.recent = make_table([t("Time"), t("Desk"), t("Result"), t("Name"), t("Reason")])
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setMaximumHeight(190)
        # the recent scans give way to the verdict: with its size hint honoured first the panel
        # was left at its minimum inside the main window at 1366x768 (type at half size or less)
        self.recent.setMinimumHeight(110)
        self.recent.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.recent.setMinimumHeight(90)
        bottom.addWidget(self.recent, 1)
        side = QVBoxLayout()
        self.admit_button = QPushButton(t("Admit without badge…"))
        self.admit_button.clicked.connect(self._admit)
        self.camera_button = QPushButton(t("Camera scan"))
        self.camera_button.setCheckable(True)
        self.camera: CameraScanner | None = None
        self.camera_watch = CameraWatch(self)
        self.camera_watch.changed.connect(self._cameras_changed)
        self._cameras_changed()
        self.camera_button.toggled.connect(self._camera)
        for b in (self.admit_button, self.camera_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(34)
            side.addWidget(b)
        self.sound_note = QLabel()  # how verdicts sound here: tones, or the bell and why
        self.sound_note.setWordWrap(True)
        self.sound_note.setMaximumWidth(240)
        self.sound_note.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._sound_note(self.sounder.note)
        self.sounder.on_note = self._sound_note
        side.addWidget(self.sound_note)
        side.addStretch(1)
        bottom.addLayout(side)
        d.addLayout(bottom)
        self.tabs.addTab(desk_tab, t("Sign-in desk"))

        # ---- presence ----
        presence_tab = QWidget()
        p = QVBoxLayout(presence_tab)
        bar = QHBoxLayout()
        self.only_present = QComboBox()
        self.only_present.addItem(t("Present now"), True)
        self.only_present.addItem(t("Everyone approved"), False)
        self.only_present.currentIndexChanged.connect(self.refresh_presence)
        bar.addWidget(self.only_present)
        bar.addStretch(1)
        export = QPushButton(t("Attendance report…"))
        export.clicked.connect(self._export)
        bar.addWidget(export)
        p.addLayout(bar)
        self.people = make_table([t("Seat"), t("Name"), t("Unit"), t("Status"), t("Since"), t("Desk"), t("Without badge"), t("Items in custody")])
        p.addWidget(self.people)
        self.tabs.addTab(presence_tab, t("Presence"))
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

        self._open_desk()
        self.refresh()

    # ---- desk ---------------------------------------------------------------------------
    def _open_desk(self) -> None:
        name = self.desk_name.text().strip() or self.ctx.tr("Main entrance")
        if not self.ctx.actor.has(*DESK_ROLES):  # asked before trying, so merely viewing the page audits no refusal
            self._desk_closed(self.ctx.tr("Signing people in needs the secretary or chair role"))
            return
        try:
            self.desk = Desk(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, name)
        except MeetkitError as err:
            self._desk_closed(err.text(self.ctx.lang))
            return
        if not self.scan.isEnabled():
            self.panel.show_idle()
        self.scan.setEnabled(True)
        self.restore_focus()

    def _desk_closed(self, why: str) -> None:
        """No scanning: the panel says so in grey (not the colour of the last verdict)."""
        self.desk = None
        self.scan.setEnabled(False)
        self.panel.show_idle()
        self.panel.title.setText(self.ctx.tr("Sign-in not available"))
        self.panel._set_reason(why)

    def restore_focus(self) -> None:
        focus = QApplication.focusWidget()
        if focus is self.desk_name or isinstance(focus, (QComboBox,)) and focus.window() is self.window():
            return
        if self.scan.isEnabled() and self.isVisible() and self.tabs.currentIndex() == 0:
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def _scanned(self) -> None:
        text = self.scan.text()
        self.scan.clear()
        if not text.strip() or self.desk is None:
            return
        self.handle_scan(text)

    def handle_scan(self, text: str) -> ScanResult | None:
        assert self.desk is not None
        try:
            result = self.desk.scan(text, exit=self.exit_button.isChecked())
        except MeetkitError as err:
            QMessageBox.warning(self, self.ctx.tr("Error"), err.text(self.ctx.lang))
            return None
        photo = None
        if result.attendee is not None and result.attendee.has_photo:
            photo = attendee_photo(self.ctx.store, result.attendee.id)
        self.panel.show_result(result, photo)
        self.panel.repaint()  # the verdict on screen now; counts and tables follow
        self.sounder.play(result.verdict.kind)
        self.refresh_open_banner()  # the meeting may have been advanced or closed meanwhile
        self.refresh_counts()
        self.refresh_recent()
        return result

    def _cameras_changed(self) -> None:
        """The camera button follows the cameras plugged in: off with "no camera found" and
        the reason in its tooltip when there is none, on by itself when one appears."""
        t = self.ctx.tr
        button = self.camera_button
        cameras = self.camera_watch.cameras()
        if not self.camera_watch.supported or _zxing() is None:
            button.setEnabled(False)
            button.setToolTip(t("Camera scanning needs QtMultimedia, which is not installed"))
        elif not cameras:
            button.setChecked(False)
            button.setEnabled(False)
            button.setText(t("Camera scan: no camera found"))
            button.setToolTip(t("No camera found. Connect a webcam: this button comes on by itself."))
        else:
            button.setEnabled(True)
            button.setText(t("Camera scan"))
            button.setToolTip(t("Scan badges with the camera {camera}", camera=cameras[0].description()))

    def _camera(self, on: bool) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera = None
        if on:
            try:
                self.camera = CameraScanner(_multimedia(), _zxing(), self)
            except Exception as err:  # noqa: BLE001  no camera, or it is busy: say so, keep the scanner working
                self.camera_button.setChecked(False)
                QMessageBox.warning(self, self.ctx.tr("Error"), self.ctx.tr("No camera available") + f" ({err})")
                return
            self.camera.found.connect(lambda text: self.desk is not None and self.handle_scan(text))
        self.restore_focus()

    def _sound_note(self, text: str) -> None:
        self.sound_note.setText(text)
        bell = not self.sounder.tones
        self.sound_note.setStyleSheet("color: #8a5a00; font-weight: bold;" if bell else "color: #555;")

    # ---- refresh ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.refresh_open_banner()
        self.refresh_counts()
        self.refresh_recent()
        self.refresh_presence()
        self.restore_focus()

    def refresh_open_banner(self) -> None:
        """Show, above everything, that the meeting is not open for sign-in (or for exits, in
        exit mode) and why: its state. Hidden when scanning can admit or record exits."""
        t = self.ctx.tr
        state = self._meeting_state()
        leaving = self.exit_button.isChecked()
        if state is None or state in (EXIT_STATES if leaving else ENTRY_STATES):
            self.not_open.hide()
            return
        if leaving:
            text = t("This meeting is {state}: exits are not recorded here now. Every scan will say so.", state=t(state))
        else:
            text = t(
                "This meeting is {state}: it is not open for sign-in. Every scan will say so; "
                "sign-in opens when the meeting is approved or in session.", state=t(state),
            )
        self.not_open.setText(text)
        self.not_open.show()

    def _meeting_state(self) -> str | None:
        try:
            return meetings.get_meeting(self.ctx.store, self.meeting_id).state
        except MeetkitError:
            return None

    def refresh_counts(self) -> None:
        c = presence.counts(self.ctx.store, self.meeting_id)
        self.counts.setText(
            self.ctx.tr("Approved {a}   Present {p}   Refused {r}", a=c.approved, p=c.present, r=c.refused)
        )

    def refresh_recent(self) -> None:
        names = VERDICT_ZH if self.ctx.lang == "zh" else VERDICT_EN
        rows = []
        for s in recent_scans(self.ctx.store, self.meeting_id, 12):
            reason = s["reason_zh"] if self.ctx.lang == "zh" else s["reason"]
            rows.append([local_time(s["at"], "%H:%M:%S"), s["desk"], names[Verdict(s["verdict"])], s["attendee_name"] or "—", reason])
        fill_quickly(self.recent, rows)
        self.recent.sortByColumn(0, Qt.SortOrder.DescendingOrder)

    def refresh_presence(self) -> None:
        t = self.ctx.tr
        only = bool(self.only_present.currentData())
        rows = []
        for r in presence.presence(self.ctx.store, self.meeting_id, only_present=only):
            status = t("In") if r.present else (t("Left") if r.entries else t("Absent"))
            rows.append([r.seat, r.name, r.unit, status, local_time(r.since, "%H:%M"), r.desk or "", t("Yes") if r.without_badge else "",
                         " ".join(r.custody_tags)])
        fill_quickly(self.people, rows)

    # ---- admission without badge, report ----------------------------------------------
    def _admit(self) -> None:
        dialog = AdmitDialog(self.ctx, self.meeting_id, self.desk_name.text().strip() or "desk", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.panel.title.setText(self.ctx.tr("Admitted without badge"))
        self.restore_focus()

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.ctx.tr("Attendance report"), "attendance.pdf", "PDF (*.pdf);;CSV (*.csv)")
        if path:
            run_action(self, self.ctx, lambda: attendance.export(self.ctx.store, self.ctx.clock, self.ctx.actor, self.meeting_id, path))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.restore_focus)  # cancelled if the page is deleted first

    def open_door_window(self) -> DeskPage:
        """The same desk on the whole screen, for the door: the verdict panel then takes most
        of the screen. Esc or the button closes it and this page catches up."""
        if self.door_window is not None:
            self.door_window.activateWindow()
            return self.door_window
        window = DeskPage(self.ctx, self.meeting_id, door=True)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.setWindowTitle(self.ctx.tr("Sign-in desk") + " · " + (self.desk_name.text().strip() or self.ctx.tr("Main entrance")))
        window.desk_name.setText(self.desk_name.text())
        window._open_desk()
        (window.exit_button if self.exit_button.isChecked() else window.entry_button).setChecked(True)
        window.closed.connect(self._door_window_closed)
        self.door_window = window
        window.showFullScreen()
        return window

    def keyPressEvent(self, event: Any) -> None:
        if self.door and event.key() == Qt.Key.Key_Escape:  # the scan field passes Esc on
            self.close()
            return
        super().keyPressEvent(event)

    def _door_window_closed(self) -> None:
        self.door_window = None
        self.refresh()

    def closeEvent(self, event: Any) -> None:
        if self.door_window is not None:
            self.door_window.close()
        self.closed.emit()
        super().closeEvent(event)


class AdmitDialog(QDialog):
    """Admission without a badge: who, why, how identity was checked, and the supervisor
    (chair or admin) confirming with their own password."""

    def __init__(self, ctx: GuiContext, meeting_id: int, desk: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.desk = desk
        t = ctx.tr
        self.setWindowTitle(t("Admit without badge"))
        form = QFormLayout(self)
        self.person = QComboBox()
        self.person.setEditable(True)  # type part of a name to search; only a listed person can be chosen
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for a in list_attendees(ctx.store, meeting_id, status="approved"):
            self.person.addItem(f"{a.name}  ·  {a.unit}  ·  {a.seat}", a.id)
        self.person.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.person.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(t("e.g. badge forgotten"))
        self.id_check = QLineEdit()
        self.id_check.setPlaceholderText(t("e.g. ID card checked against the approved list"))
        self.supervisor = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(t("Attendee"), self.person)
        form.addRow(t("Reason"), self.reason)
        form.addRow(t("Identity check"), self.id_check)
        form.addRow(t("Supervisor"), self.supervisor)
        form.addRow(t("Supervisor password"), self.password)
        buttons = ok_cancel(t, "Admit")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_attendee(self) -> int:
        """The attendee whose list entry is in the box: typed text that is not an entry
        chooses nobody (the combo box would otherwise keep the previous person)."""
        index = self.person.findText(self.person.currentText().strip(), Qt.MatchFlag.MatchExactly)
        if index < 0:
            raise InvalidInput("choose the attendee from the list", "请从名单中选择参会人员")
        return int(self.person.itemData(index))

    def _accept(self) -> None:
        def act() -> int:
            attendee_id = self.chosen_attendee()
            supervisor = operators.verify_password_of(self.ctx.store, self.ctx.clock, self.supervisor.text().strip(), self.password.text())
            return presence.admit_without_badge(
                self.ctx.store, self.ctx.clock, self.ctx.actor, supervisor, self.meeting_id, attendee_id,
                self.desk, self.reason.text(), self.id_check.text(),
            )

        if run_action(self, self.ctx, act) is not None:
            self.accept()
