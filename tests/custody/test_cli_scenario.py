"""The issue's 'done when', tried as a new user would: the CLI for the steps an operator
types, core services for the repetitive bulk (each CLI call opens the encrypted store and
checks a scrypt password, about a second on a busy machine)."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest

from meetkit import gates, meetings
from meetkit.cli.main import main
from meetkit.custody import distribution, documents, ledger
from tests.conftest import PASSPHRASE, PASSWORD


@pytest.fixture
def cli(store, store_path, monkeypatch, capsys):
    monkeypatch.setenv("MEETKIT_DB", str(store_path))
    monkeypatch.setenv("MEETKIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MEETKIT_OPERATOR", "secretary")
    monkeypatch.setenv("MEETKIT_OPERATOR_PASSWORD", PASSWORD)

    def run(*argv: str, ok: bool = True):
        capsys.readouterr()
        code = main(["--lang", "zh", *argv])
        out = capsys.readouterr()
        assert (code == 0) == ok, out.err
        lines = [json.loads(x) for x in out.out.splitlines() if x.startswith("{")]
        return lines, out.err

    return run


def pages_text(path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(info.split("Pages:")[1].split()[0])
    return [
        subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(path), "-"], capture_output=True, text=True, check=True).stdout
        for i in range(1, pages + 1)
    ]


def test_three_documents_through_to_close(cli, store, clock, team, approved_meeting, people, tmp_path, monkeypatch, capsys):
    m = str(approved_meeting.id)
    mid = approved_meeting.id
    [doc], _ = cli("docs", "register", m, "--title", "会议材料之1", "--number", "法办〔2026〕1号", "--level", "机密", "--copies", "50")
    assert doc["first"] == ledger.format_copy_code(mid, 1) and doc["last"] == ledger.format_copy_code(mid, 50)
    documents.register_document(store, clock, team.secretary, mid, title="会议材料之2", doc_number="法办〔2026〕2号", level="机密", copies=50)
    documents.register_document(store, clock, team.secretary, mid, title="会议材料之3", doc_number="法办〔2026〕3号", level="机密",
                                copies=50, policy="take-away", take_away_units=["第1单位", "第2单位"])

    present = people[:-1]
    issued = []
    for n in range(1, 151, 10):  # 15 copies over the three documents, by their scanned codes
        person = present[n % len(present)]
        code = ledger.format_copy_code(mid, n)
        if n <= 21:
            [out], _ = cli("docs", "issue", m, code, "--to", str(person.id))
            assert out["copy"]["holder"] == str(person.id)
        else:
            distribution.issue_copy(store, clock, team.secretary, mid, code, str(person.id))
        issued.append((code, person))
    _, err = cli("docs", "issue", m, issued[0][0], "--to", str(present[3].id), ok=False)
    assert "已发给" in err
    _, err = cli("docs", "issue", m, "2", "--to", str(people[-1].id), ok=False)
    assert "尚未签到" in err

    for code, person in issued[:8]:
        distribution.return_copy(store, clock, team.secretary, mid, code, str(person.id))
    code, person = issued[8]
    [wrong], err = cli("docs", "return", m, code, "--by", str(present[(present.index(person) + 1) % len(present)].id))
    assert wrong["violation"] is True
    for code, person in issued[11:13]:  # copies 111, 121 of the take-away document
        distribution.take_away(store, clock, team.secretary, mid, code, unit="第1单位", carrier="王五", receipt=f"JY-{code}")
    [away], _ = cli("docs", "take-away", m, issued[13][0], "--unit", "第2单位", "--carrier", "赵六", "--receipt", "JY-131",
                    "--out", str(tmp_path / "receipt.pdf"))
    [receipt] = pages_text(away["receipt_pdf"])
    assert "JY-131" in receipt and "第2单位" in receipt and "机密 SECRET" in receipt and "Audit head" in receipt
    _, err = cli("docs", "take-away", m, "1", "--unit", "第1单位", "--carrier", "王五", "--receipt", "X", ok=False)
    assert "须会后收回" in err
    cli("docs", "lost", m, issued[9][0], "--note", "会后清点未见", "--reported-to", "办公室主任", "--measures", "查找")

    meeting = meetings.get_meeting(store, mid)
    blocking = [b for b in gates.blockers(store, meeting, "closed") if b.code == "copies_outstanding"]
    assert len(blocking) == 1 and len(blocking[0].items) == 2  # copies 101 and 141 are still out
    assert issued[10][1].name in blocking[0].items[0]

    [board], _ = cli("docs", "reconcile", m, "--json")
    assert board["totals"]["outstanding"] == 2 and board["open_incidents"] == 2
    assert main(["docs", "reconcile", m]) == 0  # the table for people, in Chinese by default
    table = capsys.readouterr().out.splitlines()
    assert table[0].split("\t") == ["文件", "份数", "已发", "收回", "代转", "带回", "遗失", "销毁", "未收回"]
    assert sum(1 for line in table if line.strip().startswith("未收回 CP-")) == 2
    per_person = table[table.index("姓名\t单位\t领取\t交回\t他人代交\t带回\t遗失\t未收回") + 1:]
    assert any(line.startswith(issued[10][1].name + "\t") and line.endswith("\t1") for line in per_person)
    outstanding = [o["code"] for o in board["outstanding"]]
    for code, person in issued:
        if code in outstanding:
            distribution.return_copy(store, clock, team.secretary, mid, code, str(person.id))
    assert not [b for b in gates.blockers(store, meeting, "closed") if b.code == "copies_outstanding"]

    cli("docs", "report", m, "reconciliation", "--out", str(tmp_path / "recon.pdf"))
    cli("docs", "report", m, "distribution", "--out", str(tmp_path / "distribution.csv"))
    with (tmp_path / "distribution.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["机密 SECRET"] and rows[2][0].startswith("审计链头") and rows[-1] == ["机密 SECRET"]
    assert sum(1 for row in rows if len(row) == 7 and row[2].startswith("CP-")) == 15

    monkeypatch.setenv("MEETKIT_OPERATOR", "director")
    monkeypatch.setenv("MEETKIT_WITNESS_PASSWORD_1", PASSWORD)
    monkeypatch.setenv("MEETKIT_WITNESS_PASSWORD_2", PASSWORD)
    [batch], _ = cli("docs", "destroy", m, "--copies", "1-50", "--method", "碎纸机粉碎", "--place", "保密室",
                     "--witness", "witness1", "--witness", "witness2", "--out", str(tmp_path / "cert.pdf"))
    assert batch["status"] == "destroyed" and len(batch["copies"]) == 50
    head = store.query_one("SELECT hash FROM audit_head")["hash"]
    for name in ("recon.pdf", "cert.pdf"):
        pages = pages_text(tmp_path / name)
        assert len(pages) >= 2 and all("机密 SECRET" in p and "Audit head" in p for p in pages), name
    assert head[:16] in "".join(pages_text(tmp_path / "cert.pdf")).replace("\n", "")

    open_incidents, _ = cli("docs", "incidents", m)
    assert sorted(i["kind"] for i in open_incidents) == ["lost", "transfer"]
    cli("docs", "close-incident", m, str(open_incidents[0]["id"]), "--resolution", "已核实并批评教育")
    remaining, _ = cli("docs", "incidents", m)
    assert len(remaining) == 1
