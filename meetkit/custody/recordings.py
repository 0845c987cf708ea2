"""Recording media: a leader's speech is recorded only with the speaker's consent, and the
consent is registered before the recording is. The media are then controlled copies in the
same ledger as documents (issued, returned, lost, destroyed alike)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso, parse_iso
from meetkit.custody.documents import (
    KEEPERS,
    Document,
    check_meeting_open,
    clean_text,
    get_document,
    insert_document,
)
from meetkit.errors import InvalidInput, NotFound
from meetkit.levels import parse_level
from meetkit.meetings import get_meeting
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import custody as sql


@dataclass(frozen=True)
class Consent:
    id: int
    meeting_id: int
    speaker: str
    scope: str
    given_at: str
    recorded_at: str
    recorded_by: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def record_consent(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, *, speaker: str, scope: str = "", given_at: str | None = None
) -> Consent:
    """The speaker agreed to be recorded (scope: what may be recorded, for whom)."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.recording.consent", f"meeting:{meeting_id}", meeting_id)
    check_meeting_open(meeting)
    speaker = clean_text(speaker, "the speaker's name", "讲话人姓名", 64)
    scope = clean_text(scope, "the consent's scope", "同意范围", 500, required=False)
    now = clock.now()
    given = parse_iso(given_at) if given_at else now
    if given > now:
        raise InvalidInput("consent cannot be given in the future", "同意时间不能晚于当前时间")
    with store.transaction():
        consent_id = sql.insert_consent(
            store,
            {"meeting_id": meeting_id, "speaker": speaker, "scope": scope, "given_at": iso(given),
             "recorded_at": iso(now), "recorded_by": actor.name},
        )
        audit.append(store, clock, actor.name, "custody.recording.consent", f"consent:{consent_id}", {}, meeting_id)
    return get_consent(store, consent_id, meeting_id)


def get_consent(store: Store, consent_id: int, meeting_id: int | None = None) -> Consent:
    row = sql.get_consent(store, consent_id)
    if row is None or (meeting_id is not None and int(row["meeting_id"]) != meeting_id):
        raise NotFound(
            f"no recorded consent {consent_id} in this meeting: record the speaker's consent first",
            f"本会议没有编号为 {consent_id} 的同意记录：请先登记讲话人同意录音",
        )
    return Consent(**{k: row[k] for k in Consent.__dataclass_fields__})


def list_consents(store: Store, meeting_id: int) -> list[Consent]:
    return [get_consent(store, int(r["id"])) for r in sql.list_consents(store, meeting_id)]


def register_recording(
    store: Store, clock: Clock, actor: Actor, meeting_id: int, *, consent_id: int, title: str, media: str,
    copies: int = 1, level: str | None = None,
) -> Document:
    """Register recording media as controlled copies; refused without a recorded consent."""
    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, KEEPERS, "custody.recording.register", f"meeting:{meeting_id}", meeting_id)
    check_meeting_open(meeting)
    consent = get_consent(store, consent_id, meeting_id)
    title = clean_text(title, "a recording title", "录音录像名称")
    media = clean_text(media, "the medium (e.g. SD card, CD)", "载体（如 SD 卡、光盘）", 100)
    level = parse_level(level or meeting.level)
    if not 1 <= copies <= 100:
        raise InvalidInput("register 1–100 media at a time", "每次登记 1–100 件载体")
    with store.transaction():
        document_id, numbers = insert_document(
            store, clock, actor, meeting,
            {"kind": "recording", "title": title, "level": level, "copies": copies, "policy": "return",
             "consent_id": consent.id, "media": media},
        )
        audit.append(
            store, clock, actor.name, "custody.recording.register", f"document:{document_id}",
            {"consent": consent.id, "copies": copies, "numbers": [numbers[0], numbers[-1]]}, meeting_id,
        )
    return get_document(store, document_id, meeting_id)
