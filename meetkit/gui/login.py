"""Login: open the store with its passphrase, then sign in as an operator. A first run
offers to create a new store with its first admin."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetkit import operators
from meetkit.clock import Clock
from meetkit.errors import MeetkitError
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import ok_cancel
from meetkit.i18n import Translator
from meetkit.store import Store, create_store, open_store


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class LoginDialog(QDialog):
    def __init__(self, store_path: Path, clock: Clock, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.tr_ = Translator(lang)
        self.context: GuiContext | None = None
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setStyleSheet("font-size: 22px; font-weight: bold; padding: 8px 0;")
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.path_edit = QLineEdit(str(store_path))
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        self.passphrase = _password_field()
        self.operator = QLineEdit()
        self.password = _password_field()
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if lang == "zh" else 1)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.labels = [QLabel() for _ in range(5)]
        form.addRow(self.labels[0], row)
        form.addRow(self.labels[1], self.passphrase)
        form.addRow(self.labels[2], self.operator)
        form.addRow(self.labels[3], self.password)
        form.addRow(self.labels[4], self.language)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self._create)
        self.sign_in = QPushButton()
        self.sign_in.setDefault(True)
        self.sign_in.clicked.connect(self._sign_in)
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in)
        layout.addLayout(buttons)
        self._retranslate()
        (self.passphrase if store_path.exists() else self.create_button).setFocus()

    def _retranslate(self) -> None:
        t = self.tr_
        self.setWindowTitle(t("meetkit — confidential meeting kit"))
        self.banner.setText(t("meetkit — confidential meeting kit"))
        self.browse.setText(t("Browse…"))
        for label, text in zip(self.labels, ("Store file", "Store passphrase", "Operator", "Password", "Language")):
            label.setText(t(text))
        self.create_button.setText(t("Create a new store…"))
        self.sign_in.setText(t("Sign in"))

    def _language_changed(self) -> None:
        self.tr_ = Translator(str(self.language.currentData()))
        self._retranslate()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr_("Store file"), str(Path(self.path_edit.text()).parent))
        if path:
            self.path_edit.setText(path)

    def _open(self) -> Store:
        return open_store(Path(self.path_edit.text()), self.passphrase.text() or None)

    def _sign_in(self) -> None:
        self.error.clear()
        try:
            store = self._open()
        except MeetkitError as err:
            self.error.setText(err.text(self.tr_.lang))
            return
        try:
            actor = operators.authenticate(store, self.clock, self.operator.text().strip(), self.password.text())
            chosen = str(self.language.currentData())
            if chosen != actor.lang:
                actor = operators.set_language(store, self.clock, actor, chosen)
        except MeetkitError as err:
            store.close()
            self.error.setText(err.text(self.tr_.lang))
            self.password.clear()
            return
        self.context = GuiContext(store=store, clock=self.clock, actor=actor, tr=Translator(actor.lang))
        self.accept()

    def _create(self) -> None:
        dialog = NewStoreDialog(Path(self.path_edit.text()), self.tr_, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            store = create_store(dialog.path, dialog.passphrase_value)
            try:
                operators.create_first_admin(store, self.clock, dialog.admin_name, dialog.admin_password)
            finally:
                store.close()
        except MeetkitError as err:
            QMessageBox.warning(self, self.tr_("Error"), err.text(self.tr_.lang))
            return
        self.path_edit.setText(str(dialog.path))
        self.passphrase.setText(dialog.passphrase_value or "")
        self.operator.setText(dialog.admin_name)
        self.password.setFocus()


class NewStoreDialog(QDialog):
    def __init__(self, path: Path, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr_ = tr
        self.setWindowTitle(tr("New store"))
        self.setMinimumWidth(480)
        form = QFormLayout(self)
        self.path_edit = QLineEdit(str(path))
        self.encrypt = QCheckBox(tr("Encrypt the store (recommended)"))
        self.encrypt.setChecked(True)
        self.pass1 = _password_field()
        self.pass2 = _password_field()
        self.admin = QLineEdit("admin")
        self.admin_pw = _password_field()
        form.addRow(tr("Store file"), self.path_edit)
        form.addRow("", self.encrypt)
        form.addRow(tr("Store passphrase"), self.pass1)
        form.addRow(tr("Repeat passphrase"), self.pass2)
        form.addRow(tr("Admin name"), self.admin)
        form.addRow(tr("Admin password"), self.admin_pw)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        form.addRow(self.error)
        buttons = ok_cancel(tr)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Create"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _check(self) -> None:
        if self.encrypt.isChecked() and self.pass1.text() != self.pass2.text():
            self.error.setText(self.tr_("The passphrases differ."))
            return
        if self.encrypt.isChecked() and not self.pass1.text():
            self.error.setText(self.tr_("Store passphrase"))
            return
        self.accept()

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text())

    @property
    def passphrase_value(self) -> str | None:
        return self.pass1.text() if self.encrypt.isChecked() else None

    @property
    def admin_name(self) -> str:
        return self.admin.text().strip()

    @property
    def admin_password(self) -> str:
        return self.admin_pw.text()
