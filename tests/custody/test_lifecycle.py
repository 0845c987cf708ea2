from __future__ import annotations

import pytest

from meetkit import audit
from meetkit.custody import (
    destruction,
    distribution,
    documents,
    incidents,
    ledger,
    notebooks,
    recordings,
)
from meetkit.errors import MeetkitError, NotFound
from tests.conftest import PASSWORD


def test_destruction_needs_director_and_two_witnesses(store, clock, team, approved_meeting, people):
    m = approved_meeting.id
    documents.register_document(store, clock, team.secretary, m, title="会议材料", level="机密", copies=4)
    distribution.issue_copy(store, clock, team.secretary, m, "4", str(people[0].id))
    with pytest.raises(MeetkitError, match="in stock") as refused:
        destruction.propose(store, clock, team.secretary, m, ["1-4"], method="碎纸机粉碎", place="保密室")
    # the Chinese line names the copy's state in Chinese, not the English state key
    assert "（已发放）" in refused.value.zh and "issued" not in refused.value.zh
    batch = destruction.propose(store, clock, team.secretary, m, ["1-3"], method="碎纸机粉碎", place="保密室")
    with pytest.raises(MeetkitError):
        destruction.approve(store, clock, team.secretary, m, batch.id)
    batch = destruction.approve(store, clock, team.director, m, batch.id)
    with pytest.raises(MeetkitError, match="witnesses"):
        destruction.carry_out(store, clock, team.secretary, m, batch.id)
    with pytest.raises(MeetkitError, match="witness witness1: wrong operator name or password") as refused:
        destruction.witness(store, clock, team.secretary, m, batch.id, "witness1", "not-the-password")
    assert refused.value.zh.startswith("监销人 witness1：")  # several people stand at the table: say whose
    with pytest.raises(MeetkitError, match="director cannot also witness"):
        destruction.witness(store, clock, team.secretary, m, batch.id, "director", PASSWORD)
    destruction.witness(store, clock, team.secretary, m, batch.id, "witness1", PASSWORD)
    with pytest.raises(MeetkitError, match="already confirmed"):
        destruction.witness(store, clock, team.secretary, m, batch.id, "witness1", PASSWORD)
    destruction.witness(store, clock, team.secretary, m, batch.id, "witness2", PASSWORD)
    done = destruction.carry_out(store, clock, team.secretary, m, batch.id)
    assert done.status == "destroyed" and [w for w, _ in done.witnesses] == ["witness1", "witness2"]
    assert [ledger.resolve_copy(store, m, str(n)).state for n in (1, 2, 3, 4)] == ["destroyed"] * 3 + ["issued"]
    with pytest.raises(MeetkitError, match="in stock"):
        destruction.propose(store, clock, team.secretary, m, ["1"], method="焚烧", place="销毁中心")
    assert ledger.verify_projection(store, m).ok and audit.verify(store).ok


def test_one_shot_destroy_cancels_on_bad_witness(store, clock, team, approved_meeting):
    m = approved_meeting.id
    documents.register_document(store, clock, team.secretary, m, title="会议材料", level="机密", copies=2)
    with pytest.raises(MeetkitError):
        destruction.destroy(store, clock, team.director, m, ["1,2"], method="粉碎", place="保密室",
                            witnesses=[("witness1", PASSWORD), ("witness2", "wrong-password")])
    assert destruction.list_batches(store, m)[0].status == "cancelled"
    batch = destruction.destroy(store, clock, team.director, m, ["1,2"], method="粉碎", place="保密室",
                                witnesses=[("witness1", PASSWORD), ("witness2", PASSWORD)])
    assert batch.status == "destroyed"


def test_notebooks_handover_and_archive(store, clock, team, approved_meeting):
    m = approved_meeting.id
    with pytest.raises(MeetkitError, match="3 to 5 years"):
        notebooks.register_notebooks(store, clock, team.secretary, m, title="会议记录本", custodian="secretary", retention_years=2)
    with pytest.raises(MeetkitError, match="not a secretary"):
        notebooks.register_notebooks(store, clock, team.secretary, m, title="会议记录本", custodian="technician")
    [book] = notebooks.register_notebooks(store, clock, team.secretary, m, title="会议记录本", custodian="secretary", retention_years=3)
    assert book.state == "issued" and book.holder_kind == "operator" and book.holder_ref == "secretary"
    with pytest.raises(MeetkitError, match="incoming custodian witness1: wrong") as refused:
        notebooks.handover(store, clock, team.secretary, m, book.code, to="witness1", to_password="wrong-password")
    assert refused.value.zh.startswith("接收人 witness1：")
    moved = notebooks.handover(store, clock, team.secretary, m, book.code, to="witness1", to_password=PASSWORD)
    assert moved.holder_ref == "witness1"
    with pytest.raises(MeetkitError, match="custodian"):
        distribution.return_copy(store, clock, team.secretary, m, book.code, "1")
    with pytest.raises(MeetkitError, match="kept until") as early:
        notebooks.archive(store, clock, team.witness1, m, book.code, archive_ref="DA-2029-1")
    assert "kept until 2029-12-01:" in early.value.en
    clock.advance(3 * 366 * 86400)
    archived = notebooks.archive(store, clock, team.witness1, m, book.code, archive_ref="DA-2029-1")
    assert archived.state == "archived"
    [line] = notebooks.notebook_register(store, m)
    assert line.handovers == 1 and line.archived_ref == "DA-2029-1"


def test_recording_needs_consent_first(store, clock, team, approved_meeting, people):
    m = approved_meeting.id
    with pytest.raises(NotFound, match="consent"):
        recordings.register_recording(store, clock, team.secretary, m, consent_id=1, title="主任讲话录音", media="SD 卡")
    consent = recordings.record_consent(store, clock, team.secretary, m, speaker="张主任", scope="仅限存档")
    doc = recordings.register_recording(store, clock, team.secretary, m, consent_id=consent.id, title="主任讲话录音", media="SD 卡")
    [medium] = documents.copies(store, doc.id)
    assert medium.doc_kind == "recording" and medium.state == "in_stock"
    distribution.issue_copy(store, clock, team.secretary, m, medium.code, str(people[0].id))
    incidents.report_lost(store, clock, team.secretary, m, medium.code, note="未交回")
    assert ledger.resolve_copy(store, m, medium.code).state == "lost"


def test_ledger_is_append_only(store, clock, team, approved_meeting):
    m = approved_meeting.id
    documents.register_document(store, clock, team.secretary, m, title="会议材料", level="机密", copies=1)
    with pytest.raises(Exception, match="append-only"), store.transaction():
        store.execute("UPDATE copy_events SET kind = 'destroyed'")
    with pytest.raises(Exception, match="append-only"), store.transaction():
        store.execute("DELETE FROM copy_events")




def test_archive_refusal_gives_the_beijing_date_the_register_shows(store, clock, team):
    """A meeting ending at 01:00 Beijing time ends the previous day in UTC: the refusal used to
    name that UTC date, one day before the date in the register."""
    import datetime as dt

    from meetkit import meetings

    utc = dt.timezone.utc
    late = meetings.create_meeting(store, clock, team.admin, title="夜间会议", level="机密",
                                   starts_at=dt.datetime(2026, 12, 1, 14, 0, tzinfo=utc), ends_at=dt.datetime(2026, 12, 1, 17, 0, tzinfo=utc))
    [book] = notebooks.register_notebooks(store, clock, team.secretary, late.id, title="会议记录本", custodian="secretary", retention_years=3)
    with pytest.raises(MeetkitError, match="kept until") as early:
        notebooks.archive(store, clock, team.secretary, late.id, book.code, archive_ref="DA-1")
    assert "保存至 2029-12-02，" in early.value.zh and "kept until 2029-12-02:" in early.value.en
