"""The audit log of one meeting, with a button that verifies the whole chain.

Actions are stored as machine keys (``meeting.create``, ``desk.scan`` ...); the table shows a
readable label in the operator's language and keeps the key in its own column (and the
tooltip) for the administrator. The filter matches the label, the key, operator and subject.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from meetkit import audit
from meetkit.gui.context import GuiContext
from meetkit.gui.widgets import fill_table, local_time, make_table

REFUSED_PREFIX = "refused."

# Every action key the kit writes to the audit log (a refusal is "refused." + one of these),
# with its English label; the Chinese is in meetkit/i18n/zh_audit.py. A test scans the source
# for the keys passed to audit.append / require_role so that none is left without a label.
ACTION_LABELS: dict[str, str] = {
    "operator.init_admin": "Create the first administrator",
    "operator.add": "Add operator",
    "operator.disable": "Disable operator",
    "operator.language": "Set interface language",
    "auth.refused": "Log-in refused",
    "meeting.create": "Create meeting",
    "meeting.update": "Edit meeting details",
    "meeting.advance": "Advance meeting state",
    "meeting.dossier": "Produce meeting dossier",
    "room.add": "Add room",
    "attendee.add": "Add attendee",
    "attendee.edit": "Edit attendee",
    "attendee.import": "Import attendee list",
    "attendee.approve": "Approve attendees",
    "attendee.reject": "Reject attendee",
    "attendee.pledge": "Record confidentiality pledges",
    "badge.key_create": "Create badge signing key",
    "badge.export_key": "Export badge verification key",
    "badge.issue": "Issue badges",
    "badge.reissue": "Reissue badge",
    "badge.revoke": "Revoke badge",
    "badge.print": "Print badges",
    "desk.open": "Open sign-in desk",
    "desk.scan": "Badge scan at the desk",
    "desk.admit_without_badge": "Admit without badge",
    "desk.supervise_admission": "Supervise admission without badge",
    "desk.attendance": "Export attendance report",
    "custody.register": "Register controlled documents",
    "custody.issue": "Hand out document copy",
    "custody.return": "Return (document copy or deposited items)",
    "custody.take_away": "Record document copy taken away",
    "custody.deposit": "Deposit items (phones etc.)",
    "custody.lost": "Report document copy lost",
    "custody.recover": "Record document copy recovered",
    "custody.close_incident": "Close loss incident",
    "custody.destroy.propose": "Propose destruction",
    "custody.destroy.approve": "Approve destruction",
    "custody.destroy.witness": "Witness destruction",
    "custody.destroy": "Carry out destruction",
    "custody.destroy.cancel": "Cancel destruction",
    "custody.notebook.register": "Register confidential notebook",
    "custody.notebook.handover": "Hand over confidential notebook",
    "custody.notebook.archive": "Archive confidential notebook",
    "custody.recording.consent": "Record recording consent",
    "custody.recording.register": "Register recording",
    "checklist.create": "Create checklist",
    "checklist.result": "Record checklist result",
    "checklist.photo": "Add checklist photo",
    "checklist.sign": "Sign checklist",
    "checklist.reopen": "Reopen checklist",
    "checklist.sync": "Update checklist with new copies",
    "checklist.copies_added": "Checklist items added for new copies",
    "checklist.followup.open": "Open follow-up",
    "checklist.followup.assign": "Assign follow-up",
    "checklist.followup.resolve": "Resolve follow-up",
    "checklist.template.edit": "Edit this meeting's checklist template",
    "checklist.template.save": "Save checklist template",
    "sweep.attach": "Attach RF sweep",
    "sweep.finding.mark": "Mark sweep finding",
    "sweep.report": "Produce RF sweep report",
}


def action_label(action: str, tr: Callable[..., str]) -> str:
    """The readable label of an action key in ``tr``'s language; an unknown key shows as itself."""
    if action.startswith(REFUSED_PREFIX):
        base = action[len(REFUSED_PREFIX):]
        return tr("{action} (refused)", action=action_label(base, tr))
    english = ACTION_LABELS.get(action)
    return tr(english) if english is not None else action


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
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(t("Filter: action, key, operator or subject"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(260)
        self.filter.textChanged.connect(self.apply_filter)
        bar.addWidget(self.verify_button)
        bar.addWidget(self.result, 1)
        bar.addWidget(self.filter)
        layout.addLayout(bar)
        self.table = make_table(["#", t("Time"), t("Operator"), t("Action"), t("Subject"), t("Action key")])
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        rows = audit.entries(self.ctx.store, self.meeting_id, limit=500)
        t = self.ctx.tr
        fill_table(
            self.table,
            [[r["seq"], local_time(r["at"], "%Y-%m-%d %H:%M:%S"), r["operator"], action_label(r["action"], t), r["subject"], r["action"]]
             for r in rows],
            keys=[r["action"] for r in rows],
        )
        for row in range(self.table.rowCount()):
            key_item = self.table.item(row, 0)
            label_item = self.table.item(row, 3)
            if key_item is not None and label_item is not None:
                label_item.setToolTip(str(key_item.data(Qt.ItemDataRole.UserRole)))
        self.apply_filter()

    def apply_filter(self) -> None:
        """Hide the rows that do not contain the filter text (any case) in the label, the key,
        the operator or the subject."""
        needle = self.filter.text().strip().casefold()
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in (2, 3, 4, 5)]
            text = " ".join(c.text() for c in cells if c is not None).casefold()
            self.table.setRowHidden(row, bool(needle) and needle not in text)

    def verify(self) -> None:
        t = self.ctx.tr
        result = audit.verify(self.ctx.store)
        if result.ok:
            self.result.setText(t("Audit log intact: {n} entries, head {hash}", n=result.entries, hash=result.head_hash[:16] + "…"))
            self.result.setStyleSheet("color: #1b5e20; font-weight: bold;")
        else:
            self.result.setText(t("Audit log BROKEN at entry {seq}: {problem}", seq=result.first_bad_seq, problem=result.problem))
            self.result.setStyleSheet("color: #b00020; font-weight: bold;")
