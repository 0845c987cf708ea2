"""Sign-off: an inspector signs a complete checklist; on 机密 and 绝密 meetings a second,
different inspector countersigns (each with their own login). The first signature makes the
checklist read-only; reopening needs a reason and is audited. Sign-offs are append-only
events; the state is derived (``instances.derive_sign_state``)."""

from __future__ import annotations

from meetkit import audit
from meetkit.checklists.instances import ChecklistView, checklist_view, sync_copy_items
from meetkit.clock import Clock, iso
from meetkit.errors import ErrorCode, InvalidInput, InvalidState, MeetkitError
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import checklists as sql

SIGNERS = ("inspector",)
REOPENERS = ("inspector", "chair")
MAX_REASON = 500


def sign(store: Store, clock: Clock, actor: Actor, meeting_id: int, checklist_id: int) -> ChecklistView:
    """Sign (first inspector) or countersign (second, different inspector)."""
    view = checklist_view(store, checklist_id, meeting_id)
    require_role(store, clock, actor, SIGNERS, "checklist.sign", f"checklist:{checklist_id}", meeting_id)
    if get_meeting(store, meeting_id).state == "closed":
        raise InvalidState("the meeting is closed; its checklists are read-only", "会议已结束，检查表为只读")
    if view.sign.status == "signed_off":
        raise InvalidState(f"checklist {checklist_id} is signed off already", f"检查表 {checklist_id} 已签字确认")
    if any(name == actor.name for name, _ in view.sign.signers):
        audit.append(store, clock, actor.name, "refused.checklist.sign", f"checklist:{checklist_id}", {"reason": "same_inspector"}, meeting_id)
        raise MeetkitError(
            ErrorCode.CONFLICT,
            f"you signed checklist {checklist_id} already; a different inspector must countersign it with their own login",
            f"您已签署检查表 {checklist_id}，须由另一名检查人员使用本人账号复核签字",
        )
    if view.sign.status == "open":
        with store.transaction():
            added = sync_copy_items(store, clock, checklist_id)
            if added:
                audit.append(store, clock, actor.name, "checklist.copies_added", f"checklist:{checklist_id}", {"items": added}, meeting_id)
        view = checklist_view(store, checklist_id, meeting_id)
        pending = [i for i in view.items if not i.answered]
        problems_en, problems_zh = [], []
        if pending:
            numbers = ", ".join(str(i.position) for i in pending)
            problems_en.append(f"{len(pending)} item(s) not checked yet (no. {numbers})")
            problems_zh.append(f"尚有 {len(pending)} 项未检查（第 {numbers} 项）")
        if view.open_followups:
            problems_en.append(f"{view.open_followups} follow-up(s) still open")
            problems_zh.append(f"尚有 {view.open_followups} 项跟进事项未处理")
        if problems_en:
            raise MeetkitError(
                ErrorCode.INVALID_STATE,
                f"checklist {checklist_id} cannot be signed: " + "; ".join(problems_en),
                f"检查表 {checklist_id} 不能签字：" + "；".join(problems_zh),
            )
    with store.transaction():
        sql.insert_signoff(store, {"checklist_id": checklist_id, "action": "sign", "reason": "", "at": iso(clock.now()), "operator": actor.name})
        after = checklist_view(store, checklist_id, meeting_id)
        audit.append(
            store, clock, actor.name, "checklist.sign", f"checklist:{checklist_id}",
            {"status": after.sign.status, "signers": len(after.sign.signers), "required": after.sign.required}, meeting_id,
        )
    return after


def reopen(store: Store, clock: Clock, actor: Actor, meeting_id: int, checklist_id: int, reason: str) -> ChecklistView:
    view = checklist_view(store, checklist_id, meeting_id)
    require_role(store, clock, actor, REOPENERS, "checklist.reopen", f"checklist:{checklist_id}", meeting_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reopening a signed checklist needs a reason (--reason)", "重新打开已签字的检查表须说明理由（--reason）")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason is longer than {MAX_REASON} characters", f"理由超过 {MAX_REASON} 个字符")
    if get_meeting(store, meeting_id).state == "closed":
        raise InvalidState("the meeting is closed; its checklists are read-only", "会议已结束，检查表为只读")
    if view.sign.status == "open":
        raise InvalidState(f"checklist {checklist_id} is not signed; nothing to reopen", f"检查表 {checklist_id} 尚未签字，无需重新打开")
    with store.transaction():
        sql.insert_signoff(store, {"checklist_id": checklist_id, "action": "reopen", "reason": reason, "at": iso(clock.now()), "operator": actor.name})
        audit.append(
            store, clock, actor.name, "checklist.reopen", f"checklist:{checklist_id}",
            {"previous_status": view.sign.status, "previous_signers": [s for s, _ in view.sign.signers]}, meeting_id,
        )
    return checklist_view(store, checklist_id, meeting_id)


def sync_copies(store: Store, clock: Clock, actor: Actor, meeting_id: int, checklist_id: int) -> list[int]:
    """Add items for copies that went out since the checklist was made (open checklists only)."""
    from meetkit.checklists.results import writable_view

    writable_view(store, clock, actor, meeting_id, checklist_id, "checklist.sync")
    with store.transaction():
        added = sync_copy_items(store, clock, checklist_id)
        if added:
            audit.append(store, clock, actor.name, "checklist.copies_added", f"checklist:{checklist_id}", {"items": added}, meeting_id)
    return added
