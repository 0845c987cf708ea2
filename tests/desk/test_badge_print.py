"""Printed badges: rasterize the PDF at 150 dpi, decode every QR with zxing-cpp, verify every
token, and scan each one at the desk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from meetkit.badges import token as tokens
from meetkit.badges.issue import issue_badges, list_badges, print_history, reissue
from meetkit.badges.printing import finish_print, prepare_print, print_badges
from meetkit.desk.signin import Desk, KeyCache, Verdict
from meetkit.errors import InvalidState


# The badges' symbology. With every format enabled zxing-cpp now and then also reports a
# Micro QR code ("9") inside a finder pattern of a real QR code (1 of 25 sheets of 200 badges).
QR = zxingcpp.BarcodeFormat.QRCodeModel2


def rasterize(pdf: Path, out_dir: Path, dpi: int = 150) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / "page")], check=True)
    return sorted(out_dir.glob("page*.png"))


def decode_all(pages: list[Path]) -> list[str]:
    found = []
    for page in pages:
        with Image.open(page) as image:
            found.extend(r.text for r in zxingcpp.read_barcodes(image, formats=QR))
    return found


def test_a4_sheet_every_qr_decodes_and_verifies(store, clock, team, approved_meeting, tmp_path):
    badges = list_badges(store, approved_meeting.id)
    assert len(badges) == 8
    pdf = tmp_path / "sheet.pdf"
    result = print_badges(store, clock, team.secretary, approved_meeting.id, pdf, "a4-8up", png_dir=tmp_path / "png")
    assert (result.badges, result.pages) == (8, 1)
    decoded = decode_all(rasterize(pdf, tmp_path))
    assert sorted(decoded) == sorted(b.token for b in badges)
    keys = KeyCache(store)
    for text in decoded:
        parsed = tokens.parse(text)
        assert parsed.verify(keys.get(parsed.claims.meeting_id, parsed.claims.key_no))
    desk = Desk(store, clock, team.secretary, approved_meeting.id, "东门")
    assert {desk.scan(t).verdict for t in decoded} == {Verdict.ADMITTED}
    clock.advance(5)
    assert {desk.scan(t).verdict for t in decoded} == {Verdict.ALREADY_IN}
    # one PNG per badge, and its QR decodes too
    assert len(result.png_files) == 8
    with Image.open(result.png_files[1]) as image:
        assert [r.text for r in zxingcpp.read_barcodes(image, formats=QR)] == [badges[1].token]


def test_cr80_cards_and_print_history(store, clock, team, approved_meeting, tmp_path):
    ids = [b.attendee_id for b in list_badges(store, approved_meeting.id)[:3]]
    pdf = tmp_path / "cards.pdf"
    first = print_badges(store, clock, team.secretary, approved_meeting.id, pdf, "cr80", attendee_ids=ids)
    assert first.pages == 3
    decoded = decode_all(rasterize(pdf, tmp_path))
    assert len(decoded) == 3
    reissue(store, clock, team.secretary, approved_meeting.id, ids[0], "遗失")
    # the second run's bookkeeping without drawing again (prepare + finish is what print_badges records)
    job = prepare_print(store, clock, team.secretary, approved_meeting.id, "cr80", ids)
    finish_print(store, clock, team.secretary, job)
    history = print_history(store, approved_meeting.id)
    assert [h["reprint"] for h in history] == [0, 0, 0, 1, 1, 0]  # the reissued badge (new serial, last) is a first print
    assert len({h["serial"] for h in history}) == 4


def test_badges_only_for_approved_and_pledged(store, clock, team, approved_meeting):
    from meetkit import attendees

    newcomer = attendees.add_attendee(store, clock, team.secretary, approved_meeting.id, name="新来的")
    with pytest.raises(InvalidState):
        issue_badges(store, clock, team.secretary, approved_meeting.id, [newcomer.id])
    attendees.approve(store, clock, team.chair, approved_meeting.id, [newcomer.id])
    with pytest.raises(InvalidState, match="pledge"):
        issue_badges(store, clock, team.secretary, approved_meeting.id, [newcomer.id])
    assert issue_badges(store, clock, team.secretary, approved_meeting.id) == []  # --all skips the unpledged
    attendees.pledge(store, clock, team.secretary, approved_meeting.id, [newcomer.id])
    assert len(issue_badges(store, clock, team.secretary, approved_meeting.id)) == 1


def test_private_key_stays_in_the_store(store, clock, team, approved_meeting, store_path):
    raw = store.query_one("SELECT private_key FROM meeting_keys WHERE meeting_id = ?", [approved_meeting.id])["private_key"]
    assert len(raw) == 32
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert bytes(raw) not in store_path.read_bytes()  # the file is encrypted


def test_no_badges_printed_for_holders_rejected_since_issue(store, clock, team, approved_meeting, tmp_path):
    from meetkit import attendees

    m = approved_meeting.id
    badges = list_badges(store, m)
    attendees.reject(store, clock, team.chair, m, badges[0].attendee_id, "身份存疑")
    job = prepare_print(store, clock, team.secretary, m, "cr80")
    assert badges[0].attendee_id not in {b.attendee_id for b in job.badges} and len(job.badges) == len(badges) - 1
    with pytest.raises(InvalidState):
        prepare_print(store, clock, team.secretary, m, "cr80", [badges[0].attendee_id, badges[1].attendee_id])


def test_unwritable_output_fails_before_rendering(store, clock, team, approved_meeting, tmp_path):
    from meetkit.errors import MeetkitError

    for out in (tmp_path, Path("/proc/no/such.pdf")):
        with pytest.raises(MeetkitError):
            print_badges(store, clock, team.secretary, approved_meeting.id, out, "cr80")
    assert print_history(store, approved_meeting.id) == []
