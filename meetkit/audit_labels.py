"""Readable labels for the audit log's action keys (``meeting.create``, ``desk.scan`` ...), for the
GUI's audit tab and ``meetkit audit show``. The log itself keeps the machine keys."""

from __future__ import annotations

from collections.abc import Callable

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
