"""The audit log of one meeting, with a button that verifies the whole chain."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from meetkit import audit
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import fill_table, local_time, make_table


class AuditPage(QWidget):
    def __init__(self, ctx: GuiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        t = ctx.tr
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.verify_button = QPushButton(t("Verify audit log"))
        self.verify_button.clicked.connect(self.verify)
        self.result = QLabel()
        self.result.setWordWrap(True)
        bar.addWidget(self.verify_button)
        bar.addWidget(self.result, 1)
        layout.addLayout(bar)
        self.table = make_table(["#", t("Time"), t("Operator"), t("Action"), t("Subject")])
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        rows = audit.entries(self.ctx.store, self.meeting_id, limit=500)
        fill_table(self.table, [[r["seq"], local_time(r["at"], "%Y-%m-%d %H:%M:%S"), r["operator"], r["action"], r["subject"]] for r in rows])

    def verify(self) -> None:
        t = self.ctx.tr
        result = audit.verify(self.ctx.store)
        if result.ok:
            self.result.setText(t("Audit log intact: {n} entries, head {hash}", n=result.entries, hash=result.head_hash[:16] + "…"))
            self.result.setStyleSheet("color: #1b5e20; font-weight: bold;")
        else:
            self.result.setText(t("Audit log BROKEN at entry {seq}: {problem}", seq=result.first_bad_seq, problem=result.problem))
            self.result.setStyleSheet("color: #b00020; font-weight: bold;")
