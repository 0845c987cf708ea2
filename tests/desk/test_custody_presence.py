"""Device custody, presence, admission without a badge and the attendance report."""

from __future__ import annotations

import re
import subprocess

import pytest

from meetkit import audit
from meetkit.desk import attendance, custody, presence
from meetkit.desk.signin import Desk
from meetkit.errors import (
    Conflict,
    InvalidInput,
    MeetkitError,
    NotFound,
    PermissionDenied,
)


def test_deposit_return_and_presence_shows_items(store, clock, team, approved_meeting, badges):
    m = approved_meeting.id
    desk = Desk(store, clock, team.secretary, m, "东门")
    desk.scan(badges[0].token)
    desk.scan(badges[1].token)
    who = custody.attendee_from_badge(store, clock, m, badges[0].token)
    assert who == badges[0].attendee_id
    held = custody.deposit(store, clock, team.secretary, m, who, " t-01 ", "手机, 智能手表", 2, "东门")
    assert (held.tag, held.item_count) == ("T-01", 2)
    custody.deposit(store, clock, team.secretary, m, who, "T-02", "平板", 1, "东门")
    with pytest.raises(Conflict):
        custody.deposit(store, clock, team.secretary, m, badges[1].attendee_id, "T-01", "手机", 1, "东门")
    rows = {r.attendee_id: r for r in presence.presence(store, m)}
    assert rows[who].present and rows[who].custody_tags == ("T-01", "T-02")
    assert rows[badges[1].attendee_id].custody_tags == ()
    assert presence.counts(store, m).in_custody == 2
    returned = custody.return_items(store, clock, team.secretary, m, attendee_id=who, desk="东门")
    assert sorted(h.tag for h in returned) == ["T-01", "T-02"]
    with pytest.raises(NotFound):
        custody.return_items(store, clock, team.secretary, m, tag="T-01", desk="东门")
    # the tag is free again, and the register kept every event
    custody.deposit(store, clock, team.secretary, m, badges[1].attendee_id, "T-01", "手机", 1, "东门")
    assert [e["kind"] for e in custody.history(store, m)] == ["deposit", "deposit", "return", "return", "deposit"]
    assert audit.verify(store).ok


def test_custody_by_refused_badge_is_refused(store, clock, team, approved_meeting, badges):
    with pytest.raises(MeetkitError, match="badge refused"):
        custody.attendee_from_badge(store, clock, approved_meeting.id, badges[0].token[:-2] + "00")
    with pytest.raises(InvalidInput):
        custody.deposit(store, clock, team.secretary, approved_meeting.id, badges[0].attendee_id, "", "手机")


def test_admission_without_badge_needs_a_supervisor_reason_and_id_check(store, clock, team, approved_meeting, badges):
    m = approved_meeting.id
    who = badges[5].attendee_id
    with pytest.raises(PermissionDenied):
        presence.admit_without_badge(store, clock, team.secretary, team.witness1, m, who, "东门", "忘带", "查验身份证")
    with pytest.raises(InvalidInput):
        presence.admit_without_badge(store, clock, team.secretary, team.chair, m, who, "东门", "忘带", "  ")
    admission = presence.admit_without_badge(store, clock, team.secretary, team.chair, m, who, "东门", "忘带胸卡", "查验身份证原件")
    assert admission > 0
    with pytest.raises(Conflict):
        presence.admit_without_badge(store, clock, team.secretary, team.chair, m, who, "东门", "忘带胸卡", "查验身份证原件")
    row = next(r for r in presence.presence(store, m) if r.attendee_id == who)
    assert row.present and row.without_badge
    entry = audit.entries(store, m, limit=1)[0]
    assert entry["action"] == "desk.admit_without_badge" and entry["details"]["supervisor"] == "chair"
    # then the badge is scanned too: already in
    assert Desk(store, clock, team.secretary, m, "西门").scan(badges[5].token).verdict.value == "ALREADY_IN"


def test_attendance_report_pdf_and_csv(store, clock, team, approved_meeting, badges, tmp_path):
    m = approved_meeting.id
    desk = Desk(store, clock, team.secretary, m, "东门")
    for b in badges[:5]:
        desk.scan(b.token)
    desk.scan("NOT A BADGE")
    clock.advance(10)
    desk.scan(badges[0].token)
    presence.admit_without_badge(store, clock, team.secretary, team.chair, m, badges[6].attendee_id, "东门", "忘带胸卡", "查验身份证")
    report = attendance.build(store, m)
    assert len(report.attended) == 6 and len(report.absent) == 2
    assert [s["verdict"] for s in report.refused] == ["MALFORMED", "ALREADY_IN"]
    pdf = attendance.export(store, clock, team.secretary, m, tmp_path / "attendance.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "机密" in text and "签到统计" in text and "忘带胸卡" in text and "无法识别" in text
    head = audit.head_hash(store)
    assert head[:32] in text.replace("\n", "")
    # a wrapped reason keeps its spacing (the table justified it into "此人已于      11-27      08:30:00")
    assert re.search(r"此人已于\s\d\d-\d\d\s\d\d:\d\d:\d\d\s在“东门”", text), text
    pages = text.split("\f")[:-1]
    assert pages and all(page.count("机密 SECRET") >= 2 for page in pages)  # top and bottom of every page
    csv_path = attendance.export(store, clock, team.secretary, m, tmp_path / "attendance.csv")
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    # mark, audit head, header, 8 attendees, 1 admission without badge, 2 refused scans, mark
    assert rows[0] == rows[-1] == "机密 SECRET"
    assert rows[1] == f"审计链头 Audit head,{audit.head_hash(store)}"
    assert rows[2].startswith("section,attendee_id,name")
    assert len(rows) == 3 + 8 + 1 + 2 + 1
    with pytest.raises(InvalidInput):
        attendance.export(store, clock, team.secretary, m, tmp_path / "attendance.txt")


def test_devices_in_custody_block_closing(store, clock, team, approved_meeting, badges):
    from meetkit import gates

    m = approved_meeting
    custody.deposit(store, clock, team.secretary, m.id, badges[0].attendee_id, "T9", "手机", 1, "东门")
    codes = [b.code for b in gates.blockers(store, m, "closed")]
    assert "devices_in_custody" in codes
    assert "devices_in_custody" not in [b.code for b in gates.blockers(store, m, "in_session")]
    custody.return_items(store, clock, team.secretary, m.id, tag="T9", desk="东门")
    assert "devices_in_custody" not in [b.code for b in gates.blockers(store, m, "closed")]
