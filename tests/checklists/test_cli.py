"""The checklist commands as a new user would type them, on a real encrypted store; the
second inspector countersigns with their own operator login."""

from __future__ import annotations

import json

import pytest

from meetkit import meetings
from meetkit.cli.main import main
from tests.checklists.helpers import SWEEP_REF, pass_all, photo_bytes
from tests.conftest import PASSPHRASE, PASSWORD


@pytest.fixture
def cli(store, store_path, team, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MEETKIT_DB", str(store_path))
    monkeypatch.setenv("MEETKIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MEETKIT_OPERATOR_PASSWORD", PASSWORD)
    monkeypatch.setenv("MEETKIT_LANG", "zh")

    def run(operator: str, *args: object) -> tuple[int, object, str]:
        monkeypatch.setenv("MEETKIT_OPERATOR", operator)
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        lines = [line for line in captured.out.splitlines() if line.startswith("{")]
        return code, (json.loads(lines[-1]) if lines else None), captured.err

    return run


def test_checklist_commands_end_to_end(cli, store, clock, team, approved_meeting, tmp_path):  # type: ignore[no-untyped-def]
    mid = approved_meeting.id
    meetings.add_room(store, clock, team.secretary, mid, "第一会议室", "meeting")

    code, out, _ = cli("inspector", "checklist", "create", mid, "pre")
    assert code == 0 and len(out["created"]) == 1

    code, _, err = cli("inspector", "checklist", "set", mid, "pre", "no_wireless_mics", "fail")
    assert code == 2 and "备注" in err and "Traceback" not in err
    photo = tmp_path / "讲台.jpg"
    photo.write_bytes(photo_bytes())
    code, out, _ = cli("inspector", "checklist", "set", mid, "pre", "no_wireless_mics", "fail", "--note", "讲台上有无线话筒", "--photo", photo)
    assert code == 0 and out["followup_id"] and len(out["photos"]) == 1
    followup = out["followup_id"]
    cli("inspector", "checklist", "set", mid, "第一会议室", "no_wireless_mics", "pass", "--note", "已撤除")
    code, out, _ = cli("technician", "checklist", "set", mid, "pre", "8", "pass", "--note", SWEEP_REF)
    assert out["item"]["key"] == "rf_sweep"
    code, shown, _ = cli("inspector", "checklist", "list", mid)
    assert shown["checklists"][0]["room"] == "第一会议室" and shown["checklists"][0]["sign"]["required"] == 2
    pass_all(store, clock, team.inspector, mid, shown["checklists"][0]["id"])  # the other items, through the service to keep the test fast

    code, _, err = cli("inspector", "checklist", "sign", mid, "pre")
    assert code == 2 and "跟进" in err
    code, out, _ = cli("secretary", "checklist", "resolve", mid, followup, "--note", "无线话筒已收走")
    assert out["resolved_by"] == "secretary" and not out["open"]

    code, out, _ = cli("inspector", "checklist", "sign", mid, "pre")
    assert out["sign"]["status"] == "awaiting_countersign"
    code, _, err = cli("inspector", "checklist", "sign", mid, "pre")
    assert code == 2 and "另一名检查人员" in err
    code, out, _ = cli("inspector2", "checklist", "sign", mid, "pre")
    assert out["sign"]["status"] == "signed_off"

    report = tmp_path / "checklist.pdf"
    assert cli("inspector", "checklist", "report", mid, "pre", "--out", report)[0] == 0
    assert report.read_bytes().startswith(b"%PDF")


def test_template_commands(cli, store, clock, team, approved_meeting, tmp_path):  # type: ignore[no-untyped-def]
    mid = approved_meeting.id
    code, out, _ = cli("secretary", "checklist", "template", "list")
    assert {t["name"] for t in out["templates"]} == {"venue-pre", "room-post"}
    code, out, _ = cli("secretary", "checklist", "template", "edit", mid, "pre", "--remove", "no_network",
                       "--add", "Interpreting booths checked", "--zh", "同传间已检查", "--room-kind", "meeting")
    assert code == 0
    keys = [i["key"] for i in out["items"]]
    assert "no_network" not in keys and keys[-1] == "custom_1"
    code, out, _ = cli("secretary", "checklist", "template", "save", mid, "pre", "大型会议会前")
    assert code == 0 and out["saved"] == "大型会议会前"
    from meetkit.checklists.templates import get_template

    saved = get_template(store, "大型会议会前")
    assert saved.source == "library" and saved.based_on == "venue-pre"
    (tmp_path / "bad.json").write_text('{"items": [{"key": "Bad Key", "en": "x", "zh": "y"}]}', encoding="utf-8")
    code, _, err = cli("secretary", "checklist", "template", "edit", mid, "pre", "--file", tmp_path / "bad.json")
    assert code == 2 and "标识" in err
    from meetkit.checklists.instances import checklist_views, create_checklists

    meetings.add_room(store, clock, team.secretary, mid, "第一会议室", "meeting")
    create_checklists(store, clock, team.inspector, mid, "pre")
    [view] = checklist_views(store, mid)
    assert view.items[-1].zh == "同传间已检查" and view.template_name == f"meeting-{mid}-pre"


def test_meeting_dossier_command_prints_for_a_fresh_meeting(cli, store, clock, team, approved_meeting, tmp_path):  # type: ignore[no-untyped-def]
    """``meetkit meeting dossier`` (the lead's command) reaches the dossier; a meeting with no
    checklists, handouts or sign-ins yet still prints."""
    out_pdf = tmp_path / "dossier.pdf"
    code, _, err = cli("secretary", "meeting", "dossier", approved_meeting.id, "--out", out_pdf)
    assert code == 0, err
    assert out_pdf.read_bytes().startswith(b"%PDF")
