"""Recording what the inspector finds: one append-only result per check of an item (pass,
fail or not applicable, a note, who and when), photos kept inside the encrypted store, and
controlled copies found in a room (recovered in the custody ledger in the same transaction).

A fail needs a note and opens a follow-up. A checklist that has a signature is read-only."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from meetkit import audit
from meetkit.checklists import links
from meetkit.checklists.followups import list_followups, open_followup
from meetkit.checklists.instances import (
    KIND_EN,
    KIND_ZH,
    OUTCOMES,
    WRITABLE_STATES,
    ChecklistView,
    ItemState,
    _insert_item,
    checklist_view,
    copy_item_def,
    default_due,
)
from meetkit.clock import Clock, iso
from meetkit.errors import ErrorCode, InvalidInput, InvalidState, MeetkitError
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import checklists as sql

RECORDERS = ("inspector", "secretary", "technician")
MAX_NOTE = 1000
MAX_PHOTO_BYTES = 25 * 1024 * 1024
THUMBNAIL_PX = 320
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "BMP": "image/bmp", "GIF": "image/gif", "TIFF": "image/tiff"}


@dataclass(frozen=True)
class Recorded:
    result_id: int
    item: ItemState
    followup_id: int | None
    photo_ids: tuple[int, ...]
    copy_recovered: bool


def writable_view(store: Store, clock: Clock, actor: Actor, meeting_id: int, checklist_id: int, action: str) -> ChecklistView:
    """The checklist, after checking the actor may write to it now."""
    view = checklist_view(store, checklist_id, meeting_id)
    require_role(store, clock, actor, RECORDERS, action, f"checklist:{checklist_id}", meeting_id)
    meeting = get_meeting(store, meeting_id)
    if meeting.state not in WRITABLE_STATES[view.kind]:
        raise InvalidState(
            f"{KIND_EN[view.kind]} checklists can be filled in while the meeting is {' or '.join(WRITABLE_STATES[view.kind])} (it is {meeting.state})",
            f"{KIND_ZH[view.kind]}检查表只能在会议处于 {'、'.join(WRITABLE_STATES[view.kind])} 状态时填写（当前为 {meeting.state}）",
        )
    if view.read_only:
        raise InvalidState(
            f"checklist {checklist_id} is signed and read-only; reopen it with a reason to change it",
            f"检查表 {checklist_id} 已签字，为只读；如需修改，请说明理由后重新打开",
        )
    return view


def _clean_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE or any(ord(c) < 32 and c not in "\n\t" for c in note):
        raise InvalidInput(
            f"a note is at most {MAX_NOTE} characters of text, without control characters",
            f"备注须为不超过 {MAX_NOTE} 个字符的文本，不能含控制字符",
        )
    return note


# ---- photos ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedPhoto:
    filename: str
    mime: str
    sha256: str
    width_px: int
    height_px: int
    data: bytes
    thumbnail: bytes


def prepare_photo(data: bytes, filename: str) -> PreparedPhoto:
    """Check that ``data`` is an image and make its JPEG thumbnail."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise InvalidInput(f"{filename} is empty", f"{filename} 为空文件")
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(f"{filename} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB", f"{filename} 超过 {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            image = ImageOps.exif_transpose(image)
            width, height = image.size
            thumb = image.convert("RGB")
            thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            thumb.save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise InvalidInput(f"{filename} is not an image that can be read ({err})", f"{filename} 不是可读取的图片") from err
    if fmt not in PHOTO_FORMATS:
        raise InvalidInput(f"{filename}: image format {fmt} is not accepted (JPEG, PNG, WEBP, BMP, GIF, TIFF)", f"{filename}：不支持的图片格式 {fmt}")
    return PreparedPhoto(Path(filename).name[:200], PHOTO_FORMATS[fmt], hashlib.sha256(data).hexdigest(), width, height, data, out.getvalue())


def _insert_photo(store: Store, clock: Clock, actor: Actor, checklist_id: int, item_id: int, result_id: int | None, photo: PreparedPhoto) -> int:
    return sql.insert_photo(
        store,
        {"checklist_id": checklist_id, "item_id": item_id, "result_id": result_id, "filename": photo.filename,
         "mime": photo.mime, "sha256": photo.sha256, "width_px": photo.width_px, "height_px": photo.height_px,
         "data": photo.data, "thumbnail": photo.thumbnail, "at": iso(clock.now()), "operator": actor.name},
    )


def add_photo(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, checklist_id: int, item_ref: str | int, data: bytes, filename: str
) -> int:
    """Attach a photo to an item without changing its outcome."""
    view = writable_view(store, clock, actor, meeting_id, checklist_id, "checklist.photo")
    item = view.item(item_ref)
    photo = prepare_photo(data, filename)
    with store.transaction():
        photo_id = _insert_photo(store, clock, actor, checklist_id, item.id, None, photo)
        audit.append(store, clock, actor.name, "checklist.photo", f"checklist:{checklist_id}",
                     {"item": item.key, "photo_id": photo_id, "sha256": photo.sha256}, meeting_id)
    return photo_id


def photo_bytes(store: Store, photo_id: int) -> tuple[str, str, bytes]:
    """(filename, mime, data) of a stored photo."""
    row = sql.photo_data(store, photo_id)
    if row is None:
        raise MeetkitError(ErrorCode.NOT_FOUND, f"no photo {photo_id}", f"没有编号为 {photo_id} 的照片")
    return row["filename"], row["mime"], bytes(row["data"])


# ---- results --------------------------------------------------------------------------------


def record_result(
    store: Store,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    checklist_id: int,
    item_ref: str | int,
    outcome: str,
    note: str = "",
    *,
    photos: list[tuple[bytes, str]] = (),  # type: ignore[assignment]
    followup_owner: str | None = None,
    followup_due: dt.datetime | None = None,
) -> Recorded:
    """Record one check of an item. On a controlled-copy item, ``pass`` means the copy was
    found in the room: it is marked recovered in the custody ledger in the same transaction."""
    outcome = outcome.strip().lower()
    if outcome not in OUTCOMES:
        raise InvalidInput("the outcome is pass, fail or na", "检查结果须为 pass（合格）、fail（不合格）或 na（不适用）")
    note = _clean_note(note)
    view = writable_view(store, clock, actor, meeting_id, checklist_id, "checklist.result")
    item = view.item(item_ref)
    if outcome == "fail" and not note:
        raise InvalidInput("a fail needs a note saying what is wrong (--note)", "不合格须在备注中说明问题（--note）")
    if outcome == "pass" and "sweep_ref" in item.flags and not note:
        raise InvalidInput(
            "passing the sweep item needs the sweep report reference in the note (--note)",
            "频谱检测项判定合格须在备注中填写检测报告编号（--note）",
        )
    prepared = [prepare_photo(data, name) for data, name in photos]
    meeting = get_meeting(store, meeting_id)
    recover = outcome == "pass" and item.copy_id is not None and item.copy_still_out
    followup_id = None
    with store.transaction():
        result_id = sql.insert_result(
            store,
            {"checklist_id": checklist_id, "item_id": item.id, "outcome": outcome, "note": note,
             "copy_found": int(recover), "at": iso(clock.now()), "operator": actor.name},
        )
        photo_ids = tuple(_insert_photo(store, clock, actor, checklist_id, item.id, result_id, p) for p in prepared)
        if recover:
            assert item.copy_id is not None
            links.recover_copy(store, clock, actor, meeting_id, item.copy_id, view.room_name, note)
        audit.append(
            store, clock, actor.name, "checklist.result", f"checklist:{checklist_id}",
            {"item": item.key, "item_id": item.id, "outcome": outcome, "result_id": result_id, "with_note": bool(note),
             "photos": list(photo_ids), "copy_recovered": item.copy_id if recover else None},
            meeting_id,
        )
        if outcome == "fail" and all(f.item_id != item.id for f in list_followups(store, meeting_id, checklist_id, only_open=True)):
            followup_id = open_followup(
                store, clock, actor, meeting_id=meeting_id, checklist_id=checklist_id, item_id=item.id, result_id=result_id,
                description=f"{view.room_name} · {item.position}. {item.zh}：{note}",
                owner=(followup_owner or actor.name).strip(),
                due_at=followup_due or default_due(meeting, view.kind, clock.now()),
            )
    after = dataclasses.replace(
        item, outcome=outcome, note=note, at=iso(clock.now()), operator=actor.name, copy_found=recover, auto=False,
        copy_still_out=item.copy_still_out and not recover, history=item.history + 1, photo_ids=item.photo_ids + photo_ids,
    )
    return Recorded(result_id, after, followup_id, photo_ids, recover)


def record_found_copy(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, checklist_id: int, copy_text: str, note: str = ""
) -> Recorded:
    """A controlled copy found in the room: if it is on the checklist, pass its item; if not
    (a copy held by someone from another room), add it to the checklist first. Either way it
    is recovered in the custody ledger."""
    view = writable_view(store, clock, actor, meeting_id, checklist_id, "checklist.result")
    copy = links.find_copy(store, meeting_id, copy_text)
    if copy is None:
        raise MeetkitError(
            ErrorCode.NOT_FOUND,
            f"no controlled copy {copy_text} is still out in this meeting",
            f"本会议没有尚未收回的受控文件 {copy_text}",
        )
    existing = [i for i in view.items if i.copy_id == copy.copy_id]
    with store.transaction():
        if existing:
            key = existing[0].key
        else:
            item_def = copy_item_def(copy)
            _insert_item(store, clock, checklist_id, sql.max_position(store, checklist_id) + 1, item_def, copy.copy_id)
            key = item_def.key
        return record_result(store, clock, actor, meeting_id, checklist_id, key, "pass", note or "found in the room / 在房间内发现")
