"""The issue's 'done when', tried as a new user would through the CLI."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest

from meetkit import gates, meetings
from meetkit.cli.main import main
from meetkit.custody import ledger
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


def _pages_text(path):
    pages = int(subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0])
    return [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(path), "-"], capture_output=True, text=True).stdout
            for i in range(1, pages + 1)]


def test_three_documents_through_to_close(cli, store, approved_meeting, people, tmp_path, monkeypatch):
    m = str(approved_meeting.id)
    docs = []
    for i, policy in enumerate(["return", "return", "take-away"]):
        extra = ["--take-away-units", "第1单位,第2单位"] if policy == "take-away" else []
        [doc], _ = cli("docs", "register", m, "--title", f"会议材料之{i + 1}", "--number", f"法办〔2026〕{i + 1}号",
                       "--level", "机密", "--copies", "50", "--policy", policy, *extra)
        docs.append(doc)
    [lab], _ = cli("docs", "labels", m, "法办〔2026〕1号", "--out", str(tmp_path / "labels.pdf"))
    assert lab["labels"] == 50
    first_pages = _pages_text(tmp_path / "labels.pdf")
    assert len(first_pages) == 7 and all("机密 SECRET" in p for p in first_pages)

    present = people[:-1]
    issued = []
    for n in range(1, 151, 10):  # 15 copies spread over the three documents, scanned by code
        person = present[n % len(present)]
        code = ledger.format_copy_code(approved_meeting.id, n)
        [out], _ = cli("docs", "issue", m, code, "--to", str(person.id))
        issued.append((code, person))
    _, err = cli("docs", "issue", m, issued[0][0], "--to", str(present[3].id), ok=False)
    assert "已发给" in err
    _, err = cli("docs", "issue", m, "2", "--to", str(people[-1].id), ok=False)
    assert "尚未签到" in err

    for code, person in issued[:8]:
        cli("docs", "return", m, code, "--by", str(person.id))
    code, person = issued[8]
    [wrong], _ = cli("docs", "return", m, code, "--by", str(present[(present.index(person) + 1) % len(present)].id))
    assert wrong["violation"] is True
    for code, person in issued[11:14]:  # copies 111, 121, 131: the take-away document
        [taken], _ = cli("docs", "take-away", m, code, "--unit", person.unit if person.unit in ("第1单位", "第2单位") else "第1单位",
                         "--carrier", "王五", "--receipt", f"JY-{code}")
        assert taken["copy"]["state"] == "taken_away"
    cli("docs", "lost", m, issued[9][0], "--note", "会后清点未见", "--reported-to", "办公室主任", "--measures", "查找")

    meeting = meetings.get_meeting(store, approved_meeting.id)
    blocking = [b for b in gates.blockers(store, meeting, "closed") if b.code == "copies_outstanding"]
    assert len(blocking) == 1 and len(blocking[0].items) == 2  # copies 101 and 141

    [board], _ = cli("docs", "reconcile", m, "--json")
    assert board["totals"]["outstanding"] == 2 and board["open_incidents"] == 2
    outstanding = [o["code"] for o in board["outstanding"]]
    for code, person in issued:
        if code in outstanding:
            cli("docs", "return", m, code, "--by", str(person.id))
    assert not [b for b in gates.blockers(store, meeting, "closed") if b.code == "copies_outstanding"]

    cli("docs", "report", m, "reconciliation", "--out", str(tmp_path / "recon.pdf"))
    cli("docs", "report", m, "reconciliation", "--out", str(tmp_path / "recon.csv"))
    with (tmp_path / "recon.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["机密 SECRET"] and rows[2][0].startswith("审计链头")
    for kind in ("distribution", "incidents", "notebooks"):
        cli("docs", "report", m, kind, "--out", str(tmp_path / f"{kind}.csv"))
    with (tmp_path / "distribution.csv").open(encoding="utf-8-sig") as fh:
        assert sum(1 for row in csv.reader(fh) if len(row) == 7 and row[2].startswith("CP-")) == 15

    monkeypatch.setenv("MEETKIT_OPERATOR", "director")
    monkeypatch.setenv("MEETKIT_WITNESS_PASSWORD_1", PASSWORD)
    monkeypatch.setenv("MEETKIT_WITNESS_PASSWORD_2", PASSWORD)
    [batch], _ = cli("docs", "destroy", m, "--copies", "1-50", "--method", "碎纸机粉碎", "--place", "保密室",
                     "--witness", "witness1", "--witness", "witness2", "--out", str(tmp_path / "cert.pdf"))
    assert batch["status"] == "destroyed" and len(batch["copies"]) == 50
    head = store.query_one("SELECT hash FROM audit_head")["hash"]
    for name in ("recon.pdf", "cert.pdf"):
        pages = _pages_text(tmp_path / name)
        assert pages and all("机密 SECRET" in p and "Audit head" in p for p in pages), name
    assert head[:16] in "".join(_pages_text(tmp_path / "cert.pdf")).replace("\n", "")
    open_incidents, _ = cli("docs", "incidents", m)
    assert sorted(i["kind"] for i in open_incidents) == ["lost", "transfer"]
    cli("docs", "close-incident", m, str(open_incidents[0]["id"]), "--resolution", "已核实并批评教育")
    remaining, _ = cli("docs", "incidents", m)
    assert len(remaining) == 1
