"""After the meeting: the room checklists list the copies still out for the attendees who
stayed in each room; a copy found in a room is recovered in the custody ledger; the dossier
prints with every section filled."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from meetkit import audit, meetings
from meetkit.badges.issue import list_badges
from meetkit.checklists import followups, instances, results, signoff
from meetkit.checklists.reports import summary_pdf
from meetkit.custody import distribution, documents, incidents, ledger
from meetkit.custody.codes import format_copy_code
from meetkit.desk.signin import check_in
from meetkit.dossier import write_dossier
from meetkit.errors import MeetkitError
from tests.checklists.helpers import pass_all
from tests.conftest import START


def _sign_twice(store, clock, team, mid, checklist_id):  # type: ignore[no-untyped-def]
    signoff.sign(store, clock, team.inspector, mid, checklist_id)
    signoff.sign(store, clock, team.inspector2, mid, checklist_id)


@pytest.fixture
def after_meeting(store, clock, team, lodged_meeting):  # type: ignore[no-untyped-def]
    """The meeting held: venue checked and countersigned, everyone signed in, four copies
    issued, one returned at the desk, meeting now 'closing'."""
    m = lodged_meeting["meeting"]
    p = lodged_meeting["people"]
    for checklist_id in instances.create_checklists(store, clock, team.inspector, m.id, "pre"):
        pass_all(store, clock, team.technician, m.id, checklist_id)
        _sign_twice(store, clock, team, m.id, checklist_id)
    clock.set(START - dt.timedelta(minutes=30))
    meetings.advance(store, clock, team.secretary, m.id, "in_session")
    for badge in list_badges(store, m.id):
        check_in(store, clock, team.secretary, m.id, "东门", badge.token)
    documents.register_document(store, clock, team.secretary, m.id, title="法治政府建设实施意见", level="机密", copies=6, doc_number="法办〔2026〕7号")
    holders = ["𠈌㛃", "阿依古丽·买买提", "王小明", "李华"]
    for number, name in enumerate(holders, start=1):
        distribution.issue_copy(store, clock, team.secretary, m.id, format_copy_code(m.id, number), str(p[name]))
    clock.advance(3 * 3600)
    distribution.return_copy(store, clock, team.secretary, m.id, format_copy_code(m.id, 4), str(p["李华"]))
    meetings.advance(store, clock, team.secretary, m.id, "closing")
    return lodged_meeting


def test_room_checklists_list_copies_still_out_and_found_copy_is_recovered(store, clock, team, after_meeting, tmp_path):
    m = after_meeting["meeting"]
    post = {instances.checklist_view(store, c).room_name: c for c in instances.create_checklists(store, clock, team.inspector, m.id, "post")}
    assert list(post) == ["第一会议室", "301", "302"]
    out_301 = instances.checklist_view(store, post["301"]).copies_still_out
    assert [i.copy_id for i in out_301] == [ledger.resolve_copy(store, m.id, str(n)).id for n in (1, 2)]
    assert "𠈌㛃" in out_301[0].zh and "第001份" in out_301[0].zh
    assert len(instances.checklist_view(store, post["302"]).copies_still_out) == 1
    assert len(instances.checklist_view(store, post["第一会议室"]).copies_still_out) == 3, "the meeting room looks for every copy still out"

    # 301: copy 1 found in the room.
    found = results.record_result(store, clock, team.inspector, m.id, post["301"], out_301[0].key, "pass", "在床头柜抽屉中发现")
    assert found.copy_recovered and found.item.copy_found
    copy1 = ledger.resolve_copy(store, m.id, "1")
    assert copy1.state == "in_stock" and ledger.history(store, copy1.id)[-1]["kind"] == "recovered"
    assert "会后检查" in ledger.history(store, copy1.id)[-1]["note"]
    # The meeting room's item for copy 1 is settled by the ledger, not by hand.
    main_item = next(i for i in instances.checklist_view(store, post["第一会议室"]).items if i.copy_id == copy1.id)
    assert main_item.outcome == "na" and main_item.auto

    # 301: copy 2 not found -> fail, follow-up; the attendee hands it in at the desk.
    copy2_item = out_301[1]
    failed = results.record_result(store, clock, team.inspector, m.id, post["301"], copy2_item.key, "fail", "房间内未发现，联系本人")
    distribution.return_copy(store, clock, team.secretary, m.id, format_copy_code(m.id, 2), str(after_meeting["people"]["阿依古丽·买买提"]))
    followups.resolve_followup(store, clock, team.secretary, m.id, failed.followup_id, "本人已在签到处交回")

    # 302: copy 3 reported lost, then found in the meeting room (not on that room's list? it is: all copies out).
    incidents.report_lost(store, clock, team.secretary, m.id, format_copy_code(m.id, 3), note="302 房间内未找到", reported_to="保密办")
    lost_item = instances.checklist_view(store, post["302"]).copies_still_out[0]
    results.record_result(store, clock, team.inspector, m.id, post["302"], lost_item.key, "fail", "未找到，已报失")
    done = results.record_found_copy(store, clock, team.inspector, m.id, post["第一会议室"], format_copy_code(m.id, 3), "在主席台下发现")
    assert done.copy_recovered
    copy3 = ledger.resolve_copy(store, m.id, "3")
    assert copy3.state == "in_stock" and ledger.history(store, copy3.id)[-1]["kind"] == "recovered"
    for fu in followups.list_followups(store, m.id, only_open=True):
        followups.resolve_followup(store, clock, team.inspector, m.id, fu.id, "已在第一会议室找回")

    with pytest.raises(MeetkitError) as err:
        meetings.advance(store, clock, team.secretary, m.id, "closed")
    assert {b["code"] for b in err.value.details["blockers"]} == {"post_checklist_not_signed"}, "every copy is back; only signatures are missing"
    for checklist_id in post.values():
        pass_all(store, clock, team.inspector, m.id, checklist_id)
        _sign_twice(store, clock, team, m.id, checklist_id)
    closed = meetings.advance(store, clock, team.secretary, m.id, "closed")
    assert closed.state == "closed"
    assert ledger.verify_projection(store, m.id).ok
    assert audit.verify(store).ok

    pdf_path, dossier = write_dossier(store, clock, team.secretary, m.id, tmp_path / "dossier.pdf")
    assert all(s.available for s in dossier.sections), [s.key for s in dossier.sections if not s.available]
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("会议档案", "签到情况", "文件发放与清点", "会场及房间检查", "无线电频谱检测", "失泄密及违规事件",
                     "越过关卡", "审计日志", "SW-2026-0042", dossier.section("approval").data.approval["list_hash"][:32]):
        assert expected in text, expected
    pages = text.count("\f")
    summary = summary_pdf(store, clock, team.secretary, m.id, tmp_path / "summary.pdf")
    summary_text = subprocess.run(["pdftotext", "-layout", str(summary), "-"], capture_output=True, text=True, check=True).stdout
    assert "检查表汇总" in summary_text and "SW-2026-0042" in summary_text and "已签字确认" in summary_text
    assert text.count("机密 SECRET") >= 2 * pages, "the mark is on the top and bottom of every page"


def test_view_outstanding_ids_match_the_full_copy_list(store, clock, team, after_meeting):  # type: ignore[no-untyped-def]
    """The views use the cheap id set; it names exactly the copies the full list does,
    a copy reported lost included, a returned or recovered one excluded."""
    from meetkit.checklists import links

    m = after_meeting["meeting"]
    incidents.report_lost(store, clock, team.secretary, m.id, format_copy_code(m.id, 3), note="未找到", reported_to="保密办")
    full = {c.copy_id for c in links.outstanding_copies(store, m.id) or []}
    assert links.outstanding_copy_ids(store, m.id) == full
    assert ledger.resolve_copy(store, m.id, "3").id in full and ledger.resolve_copy(store, m.id, "4").id not in full
    post = instances.create_checklists(store, clock, team.inspector, m.id, "post")
    main = instances.checklist_view(store, post[0], m.id)
    assert {i.copy_id for i in main.copies_still_out} == full
    assert [v.to_json() for v in instances.checklist_views(store, m.id)] == [
        instances.checklist_view(store, c, m.id).to_json() for c in [v.id for v in instances.checklist_views(store, m.id)]
    ], "the batched views equal the one-by-one views"


def test_room_named_by_digits_and_room_with_both_checklists(store, clock, team, after_meeting):  # type: ignore[no-untyped-def]
    """After the meeting, 'set M 301 …' and 'found M 第一会议室 …' find the post-meeting
    checklists: lodging rooms are named by digits, and the meeting room has a signed
    pre-meeting checklist too."""
    m = after_meeting["meeting"]
    post = instances.create_checklists(store, clock, team.inspector, m.id, "post")
    by_room = {instances.checklist_view(store, c).room_name: c for c in post}
    assert instances.find_checklist(store, m.id, "301").id == by_room["301"]
    assert instances.find_checklist(store, m.id, str(by_room["302"])).id == by_room["302"], "a checklist number still wins"
    assert instances.find_checklist(store, m.id, "第一会议室").id == by_room["第一会议室"]
    assert instances.find_checklist(store, m.id, "pre:第一会议室").kind == "pre"
    done = results.record_found_copy(store, clock, team.inspector, m.id, instances.find_checklist(store, m.id, "第一会议室").id,
                                     format_copy_code(m.id, 3))
    assert done.copy_recovered


def test_note_with_control_characters_says_so(store, clock, team, after_meeting):  # type: ignore[no-untyped-def]
    m = after_meeting["meeting"]
    post = instances.create_checklists(store, clock, team.inspector, m.id, "post")
    with pytest.raises(MeetkitError) as err:
        results.record_result(store, clock, team.inspector, m.id, post[0], "1", "pass", "a\x01b")
    assert "控制字符" in err.value.zh


def test_dossier_names_unchecked_items_by_number_and_keeps_copies_still_out(store, clock, team, after_meeting, tmp_path):  # type: ignore[no-untyped-def]
    m = after_meeting["meeting"]
    post = instances.create_checklists(store, clock, team.inspector, m.id, "post")
    r301 = next(c for c in post if instances.checklist_view(store, c).room_name == "301")
    results.record_result(store, clock, team.inspector, m.id, r301, "1", "fail", "抽屉内有草稿纸")
    pdf_path, _ = write_dossier(store, clock, team.secretary, m.id, tmp_path / "dossier.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "抽屉内有草稿纸" in text, "a fail is printed in full"
    assert "未检查" in text and "item(s) not checked: no. 2, 3" in text.replace("\n", " "), "unchecked items by number"
    assert "王小明" in text and "CP-" in text, "the copies still out stay listed with their holders"


def test_dossier_gives_a_clean_signed_room_one_line(store, clock, team, after_meeting, tmp_path):  # type: ignore[no-untyped-def]
    m = after_meeting["meeting"]
    post = {instances.checklist_view(store, c).room_name: c for c in instances.create_checklists(store, clock, team.inspector, m.id, "post")}
    distribution.return_copy(store, clock, team.secretary, m.id, format_copy_code(m.id, 3), str(after_meeting["people"]["王小明"]))
    pass_all(store, clock, team.inspector, m.id, post["302"])
    _sign_twice(store, clock, team, m.id, post["302"])
    pdf_path, _ = write_dossier(store, clock, team.secretary, m.id, tmp_path / "dossier.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\n", " ")
    assert f"302（第 {post['302']} 号）" in flat, "the clean room is named on the one line"
    assert "会后房间保密检查表：302" not in text, "no block of its own"
    assert "会后房间保密检查表：301" in text, "a room with copies still out keeps its block"


def test_checklist_report_keeps_short_cells_together(store, clock, team, after_meeting, tmp_path):  # type: ignore[no-untyped-def]
    """The base table justifies wrapped cells: the result and who/when cells are laid out so
    that nothing is pulled apart ('合格 pass' stays one run, the time on its own line)."""
    from meetkit.checklists.reports import checklist_pdf

    m = after_meeting["meeting"]
    post = instances.create_checklists(store, clock, team.inspector, m.id, "post")
    results.record_result(store, clock, team.inspector, m.id, post[0], "1", "pass", "已查看")
    path = checklist_pdf(store, clock, team.inspector, m.id, post[0], tmp_path / "c.pdf")
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\u00a0", " ")
    assert "合格 pass" in flat
    assert any(line.replace("\u00a0", " ").strip().endswith("合格 pass 已查看 inspector") for line in text.splitlines()), "the time goes on its own line"
