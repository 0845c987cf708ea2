"""The controlled-documents page, driven as the desk would: scans typed into the field."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from meetkit.attendees import get_attendee
from meetkit.badges.issue import list_badges
from meetkit.clock import FixedClock
from meetkit.custody import codes, documents, ledger
from meetkit.gui.context import GuiContext
from meetkit.i18n import Translator
from meetkit.meetings import get_meeting
from meetkit.store import open_store
from tests.conftest import PASSPHRASE
from tests.custody.conftest import AT_THE_DOOR, build_template
from ._window import open_meeting_tab

SHOT = Path("/tmp/meetkit-docs-page.png")


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    path = tmp_path_factory.mktemp("docs-page") / "template.db"
    team, meeting_id = build_template(path)
    return path, team, meeting_id


@pytest.fixture
def page_setup(_template, tmp_path, qtbot):
    from meetkit.gui.docs_page import DocsPage

    path = tmp_path / "store.db"
    shutil.copyfile(_template[0], path)
    store = open_store(path, PASSPHRASE)
    team, meeting_id = _template[1], _template[2]
    clock = FixedClock(AT_THE_DOOR + dt.timedelta(minutes=5))
    documents.register_document(store, clock, team.secretary, meeting_id, title="关于法治政府建设的实施意见（征求意见稿）",
                                doc_number="法办〔2026〕7号", level="机密", copies=50)
    documents.register_document(store, clock, team.secretary, meeting_id, title="会议议程", doc_number="法办〔2026〕8号",
                                level="秘密", copies=20, policy="take-away")
    tr = Translator("zh")
    page = DocsPage(GuiContext(store, clock, team.secretary, tr), meeting_id)
    qtbot.addWidget(page)
    page.resize(1280, 820)
    badges = {b.attendee_id: b.token for b in list_badges(store, meeting_id)}
    yield page, store, meeting_id, badges, tr
    store.close()


def _scan(qtbot, page, text):
    page.scan.setFocus()
    page.scan.setText(text)
    qtbot.keyClick(page.scan, "\r")


def test_scan_badge_then_copy_or_copy_then_badge(page_setup, qtbot):
    page, store, m, badges, tr = page_setup
    people = sorted(badges)
    _scan(qtbot, page, badges[people[0]])
    assert "请扫描文件份号" in page.verdict.text()
    _scan(qtbot, page, codes.format_copy_code(m, 1))
    assert "已将" in page.verdict.text()
    assert ledger.resolve_copy(store, m, "1").holder_ref == str(people[0])
    # copy first, then the badge
    _scan(qtbot, page, codes.format_copy_code(m, 2))
    _scan(qtbot, page, badges[people[1]])
    assert ledger.resolve_copy(store, m, "2").holder_ref == str(people[1])
    # the same copy and person again: clear message, nothing recorded
    _scan(qtbot, page, codes.format_copy_code(m, 2))
    _scan(qtbot, page, badges[people[1]])
    assert "重复扫描" in page.verdict.text()
    assert [e["kind"] for e in ledger.history(store, ledger.resolve_copy(store, m, "2").id)] == ["created", "issued"]
    # a copy of another meeting and rubbish
    _scan(qtbot, page, codes.format_copy_code(m + 7, 3))
    assert "不属于本会议" in page.verdict.text()
    _scan(qtbot, page, "hello")
    assert "重新扫描" in page.verdict.text()
    # not signed in (the template leaves the last attendee outside)
    page.clear_pending()
    _scan(qtbot, page, badges[people[-1]])
    _scan(qtbot, page, codes.format_copy_code(m, 3))
    assert "尚未签到" in page.verdict.text()
    # take back, by the wrong person: accepted, flagged, alert listed
    page.mode_return.setChecked(True)
    _scan(qtbot, page, codes.format_copy_code(m, 1))
    _scan(qtbot, page, badges[people[2]])
    assert "代转" in page.verdict.text()
    assert "代转违规" in page.alerts.item(0).text()
    assert page.out_table.rowCount() == 1
    page.mode_issue.setChecked(True)
    _scan(qtbot, page, codes.format_copy_code(m, 4))
    _scan(qtbot, page, badges[people[3]])
    page.refresh()
    page.grab().save(str(SHOT))
    # per attendee: the first person received one and someone else handed it back; the
    # fourth still holds copy 4
    page.board_tabs.setCurrentWidget(page.people_table)
    rows = {page.people_table.item(r, 0).text(): [page.people_table.item(r, c).text() for c in range(8)]
            for r in range(page.people_table.rowCount())}
    first, fourth = (get_attendee(store, people[i], m).name for i in (0, 3))
    assert rows[first][2:5] == ["1", "1", "1"] and rows[fourth][7] == "1"
    assert not tr.missing, tr.missing


def test_labels_and_report_print_off_the_gui_thread(page_setup, qtbot, tmp_path):
    page, store, m, _badges, _tr = page_setup
    doc = documents.list_documents(store, m)[1]
    page.print_labels(doc.id, str(tmp_path / "labels.pdf"))
    qtbot.waitUntil(lambda: "已保存" in page.status.text(), timeout=60000)
    page.print_report(str(tmp_path / "recon.pdf"))
    qtbot.waitUntil(lambda: "recon.pdf" in page.status.text() and "已保存" in page.status.text(), timeout=60000)
    from tests.custody.test_cli_scenario import pages_text

    label_pages = pages_text(tmp_path / "labels.pdf")
    assert len(label_pages) == 3  # 20 labels, 8 a sheet
    assert all("秘密 CONFIDENTIAL" in p for p in label_pages)
    assert "秘密 第001份 共20份" in label_pages[0] and "CP-1-00051-" in label_pages[0]
    assert all("Audit head" in p for p in pages_text(tmp_path / "recon.pdf"))
    # the printed QR codes scan back to the copies' codes
    import subprocess

    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(tmp_path / "labels.pdf"), str(tmp_path / "sheet")], check=True)
    image = Image.open(next(tmp_path.glob("sheet*.png")))
    found = {r.text for r in zxingcpp.read_barcodes(image)}
    assert found == {codes.format_copy_code(m, n) for n in range(51, 59)}
    assert get_meeting(store, m).level == "机密"


def test_take_away_lost_and_director_closes_incident(page_setup, qtbot, _template, tmp_path):
    from meetkit.custody import distribution, incidents
    from meetkit.gui.docs_page import DocsPage

    page, store, m, badges, tr = page_setup
    team = _template[1]
    people = sorted(badges)
    ctx = page.ctx
    for n, who in ((51, people[0]), (52, people[1])):  # 会议议程: may be taken away
        distribution.issue_copy(store, ctx.clock, ctx.actor, m, str(n), str(who))
    page.refresh()
    assert page.out_table.rowCount() == 2
    page.out_table.selectRow(0)
    page.take_away_selected("第1单位", "王五", "JY-2026-031")
    assert ledger.resolve_copy(store, m, "51").state == "taken_away"
    assert page.out_table.rowCount() == 1
    page.out_table.selectRow(0)
    page.report_lost_selected("会后清点未见", "办公室主任", "全面查找")
    assert ledger.resolve_copy(store, m, "52").state == "lost"
    assert "文件遗失" in page.alerts.item(0).text()
    # the take-away receipt prints (off the GUI thread) with the unit, carrier and registration
    page.print_receipt(codes.format_copy_code(m, 51), str(tmp_path / "receipt.pdf"))
    qtbot.waitUntil(lambda: "receipt.pdf" in page.status.text() and "已保存" in page.status.text(), timeout=60000)
    from tests.custody.test_cli_scenario import pages_text

    [receipt] = pages_text(tmp_path / "receipt.pdf")
    assert "秘密 CONFIDENTIAL" in receipt and "JY-2026-031" in receipt and "王五" in receipt and "Audit head" in receipt
    # the lost copy is found: back in stock, and its incident stays listed for the director
    page.alerts.setCurrentRow(0)
    assert page.record_found("会议室座位下找到") is not None
    assert ledger.resolve_copy(store, m, "52").state == "in_stock"
    assert "已找回" in page.verdict.text() and "文件遗失" in page.alerts.item(0).text()
    assert not page.close_incident_button.isEnabled()  # a secretary cannot close incidents
    director_page = DocsPage(GuiContext(store, ctx.clock, team.director, tr), m)
    qtbot.addWidget(director_page)
    assert director_page.close_incident_button.isEnabled()
    director_page.alerts.setCurrentRow(0)
    director_page.close_selected_incident("已找回并核实")
    assert incidents.list_incidents(store, m, open_only=True) == []
    assert "无未结事件" in director_page.alerts.item(0).text()
    assert not tr.missing, tr.missing


@pytest.fixture
def warnings_shown(monkeypatch):
    """Message boxes the page would show (a modal box would block an offscreen test)."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *a: shown.append(text))
    return shown


def test_destruction_tab_director_and_two_witnesses(page_setup, qtbot, _template, tmp_path, warnings_shown):
    from PySide6.QtWidgets import QLineEdit

    from meetkit.custody import destruction
    from meetkit.gui.docs_page import DocsPage
    from meetkit.gui.docs_registers import PasswordsDialog
    from tests.conftest import PASSWORD
    from tests.custody.test_cli_scenario import pages_text

    page, store, m, _badges, tr = page_setup
    team = _template[1]
    director = DocsPage(GuiContext(store, page.ctx.clock, team.director, tr), m)
    qtbot.addWidget(director)
    tab = director.destruction_tab
    director.tabs.setCurrentWidget(tab)
    assert "在库 50 份" in tab.ranges_hint()
    batch = tab.propose("1-3, 5", "碎纸机粉碎", "保密室")
    assert batch is not None and len(batch.copies) == 4
    assert tab.selected_batch() == batch.id and tab.items.rowCount() == 4
    tab._act(destruction.approve)
    # each witness types their own password in the dialog; a wrong one is refused and shown
    dialog = PasswordsDialog(director.ctx, "w", "", [("1", ["witness1", "witness2"], None), ("2", ["witness1", "witness2"], None)])
    qtbot.addWidget(dialog)
    assert all(p.echoMode() == QLineEdit.EchoMode.Password for p in dialog.passwords)
    dialog.names[0].setCurrentText("witness1")
    dialog.passwords[0].setText(PASSWORD)
    dialog.names[1].setCurrentText("witness2")
    dialog.passwords[1].setText("not the password")
    assert tab.confirm_witnesses(batch.id, dialog.values()) == 1
    assert warnings_shown and "密码" in warnings_shown[-1]
    tab._act(destruction.carry_out)  # refused: one witness only
    assert destruction.get_batch(store, batch.id).status == "approved"
    assert "至少 2 人监销" in warnings_shown[-1]
    assert tab.confirm_witnesses(batch.id, [("witness2", PASSWORD)]) == 1
    tab._act(destruction.carry_out)
    assert destruction.get_batch(store, batch.id).status == "destroyed"
    assert ledger.resolve_copy(store, m, "5").state == "destroyed"
    assert tab.batches.item(0, 1).text() == "已销毁"
    director.print_report(str(tmp_path / "cert.pdf"), "destruction", batch.id)
    qtbot.waitUntil(lambda: "已保存" in director.status.text(), timeout=60000)
    pages = pages_text(tmp_path / "cert.pdf")
    assert all("机密 SECRET" in p and "Audit head" in p for p in pages)
    assert "witness1" in pages[0] and "witness2" in pages[0] and "碎纸机粉碎" in pages[0]
    # a secretary may propose but not approve
    assert not page.destruction_tab.approve_button.isEnabled()
    assert page.destruction_tab.propose_button.isEnabled()
    assert not tr.missing, tr.missing


def test_notebooks_and_recordings_tabs(page_setup, qtbot, tmp_path, warnings_shown):
    from meetkit.custody import notebooks, recordings
    from tests.conftest import PASSWORD

    page, store, m, _badges, tr = page_setup
    books = page.notebooks_tab
    page.tabs.setCurrentWidget(books)
    # someone else as custodian: refused without their password, accepted with it
    assert books.register("会议记录本", "witness1", 5, 2, None) is None
    assert warnings_shown
    made = books.register("会议记录本", "witness1", 5, 2, PASSWORD)
    assert made is not None and books.table.rowCount() == 2
    assert books.table.item(0, 4).text() == "witness1" and books.table.item(0, 3).text() == "保管中"
    code = made[0].code
    # handover back to the secretary at the keyboard: the outgoing custodian types theirs
    assert books.handover(code, "secretary", "wrong", None) is None
    assert books.handover(code, "secretary", PASSWORD, None) is not None
    line = next(x for x in notebooks.notebook_register(store, m) if x.copy.code == code)
    assert line.custodian == "secretary" and line.handovers == 1
    assert books.archive(code, "DA-2031-1") is None  # before the retention date
    assert "期满后方可移交档案" in warnings_shown[-1]
    recs = page.recordings_tab
    page.tabs.setCurrentWidget(recs)
    recs.on_register()  # no consent yet: says so, opens nothing
    assert "请先登记讲话人同意" in warnings_shown[-1]
    consent = recs.record_consent("张主任", "仅限存档")
    assert consent is not None and recs.consents.rowCount() == 1
    assert recs.register(consent.id, "主任讲话录音", "SD 卡", 2) is not None
    assert recs.media.rowCount() == 2 and recs.media.item(0, 3).text() == "张主任"
    assert recordings.list_consents(store, m)[0].speaker == "张主任"
    page.grab().save(str(tmp_path / "recordings.png"))
    assert not tr.missing, tr.missing


def test_board_stays_readable_inside_the_main_window_at_1366x768(page_setup, qtbot):
    """The scan box and the alerts used to take so much height that the reconciliation board
    showed a single row on a 1366×768 laptop."""
    from meetkit.gui.docs_page import DocsPage

    page, store, m, _badges, tr = page_setup
    _window, docs = open_meeting_tab(qtbot, page.ctx, m, DocsPage)
    table = docs.docs_table
    assert table.rowCount() >= 2
    row_px = table.rowHeight(0)
    assert table.viewport().height() >= 3 * row_px, (table.viewport().height(), row_px)
    assert docs.out_table.viewport().height() >= 2 * row_px
    assert docs.verdict.isVisible() and docs.person_slot.isVisible() and docs.copy_slot.isVisible()
