"""`meetkit meeting show` in Chinese prints Chinese labels and state names; in English the
machine keys; --json is the same in both languages."""

from __future__ import annotations

import json

import pytest

from meetkit.cli.main import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    for k, v in {
        "MEETKIT_DB": str(tmp_path / "cli.db"),
        "MEETKIT_PASSPHRASE": "cli passphrase",
        "MEETKIT_OPERATOR": "boss",
        "MEETKIT_OPERATOR_PASSWORD": "boss-password",
        "MEETKIT_LANG": "zh",
    }.items():
        monkeypatch.setenv(k, v)


def run(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_meeting_show_in_chinese_and_english(env, capsys, monkeypatch):
    run(capsys, "init", "--admin", "boss")
    mid = run(capsys, "meeting", "create", "--title", "专题会议", "--level", "机密", "--starts", "2026-12-01T09:00",
              "--ends", "2026-12-01T12:00").strip()
    run(capsys, "attendees", "add", mid, "--name", "张三")
    run(capsys, "meeting", "advance", mid, "--to", "vetting")
    shown = run(capsys, "meeting", "show", mid)
    lines = shown.splitlines()
    assert lines[0] == f"编号：{mid}"
    assert "名称：专题会议" in lines and "密级：机密" in lines and "状态：审核中" in lines
    assert "开始时间：2026-12-01 09:00 (UTC+8)" in lines and "传达范围：—" in lines
    assert "参会人员：待审定 1 人" in lines
    assert any(line.startswith("暂不能推进到“已审定”：") for line in lines)
    for english in ("state", "title", "attendees", "pending", "vetting", "blocks", "relay_scope", "None"):
        assert english not in shown, english
    as_json_zh = run(capsys, "meeting", "show", mid, "--json")

    monkeypatch.setenv("MEETKIT_LANG", "en")
    shown_en = run(capsys, "meeting", "show", mid)
    assert "state: vetting" in shown_en and "attendees: pending 1" in shown_en and "blocks approved: " in shown_en
    as_json_en = run(capsys, "meeting", "show", mid, "--json")
    data = json.loads(as_json_zh)
    assert data == json.loads(as_json_en)
    assert data["state"] == "vetting" and data["attendees"] == {"pending": 1} and data["next_state"] == "approved"
