"""The foundation's CLI through the real entry point: init, operators, meetings, a GBK import
with bad rows and duplicates, approval, pledges, audit verify (and tampering), bad passphrase."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from meetkit.cli.main import build_parser, main

GOOD_ID = "11010519491231002X"


@pytest.fixture
def env(tmp_path, monkeypatch):
    values = {
        "MEETKIT_DB": str(tmp_path / "cli.db"),
        "MEETKIT_PASSPHRASE": "cli passphrase",
        "MEETKIT_OPERATOR": "boss",
        "MEETKIT_OPERATOR_PASSWORD": "boss-password",
        "MEETKIT_LANG": "en",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_full_vetting_journey(env, capsys, tmp_path):
    assert run(capsys, "init", "--admin", "boss")[0] == 0
    code, out, _ = run(capsys, "meeting", "create", "--title", "专题会议", "--level", "机密", "--starts", "2026-12-01T09:00", "--ends", "2026-12-01T12:00", "--json")
    assert code == 0
    meeting_id = json.loads(out)["id"]
    listing = tmp_path / "unit.csv"
    listing.write_bytes(
        "\n".join(["姓名,单位,证件号码,座位", f"𠈌㛃,司法局,{GOOD_ID},A1", "阿依古丽·买买提,财政局,,A2", ",无名,,", "𠈌㛃,司法局,,A3", ""]).encode("gb18030")
    )
    code, out, _ = run(capsys, "attendees", "import", str(meeting_id), str(listing), "--json")
    report = json.loads(out)
    assert code == 2 and report["imported"] == 0
    assert report["rejected"] == [{"row": 4, "reason": "missing name", "reason_zh": "缺少姓名"}]
    assert [d["row"] for d in report["duplicates"]] == [5]
    code, out, _ = run(capsys, "attendees", "import", str(meeting_id), str(listing), "--skip-bad", "--json")
    assert code == 0 and json.loads(out)["imported"] == 2
    code, out, _ = run(capsys, "attendees", "approve", str(meeting_id), "--all")
    assert code == 0 and json.loads(out)["approved"] == 2
    code, out, _ = run(capsys, "attendees", "pledge", str(meeting_id), "--all")
    assert json.loads(out)["pledged"] == 2
    code, out, _ = run(capsys, "attendees", "list", str(meeting_id), "--json")
    people = json.loads(out)
    assert [p["name"] for p in people] == ["𠈌㛃", "阿依古丽·买买提"]
    assert people[0]["id_number"] == GOOD_ID  # admin sees it unmasked
    assert all(p["status"] == "approved" and p["pledged_at"] for p in people)
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and len(out.splitlines()[0]) == 64
    code, out, _ = run(capsys, "audit", "show", "--meeting", str(meeting_id))
    assert code == 0 and "Create meeting [meeting.create]" in out  # readable action, machine key kept
    code, out, _ = run(capsys, "--lang", "zh", "audit", "show", "--meeting", str(meeting_id))
    assert "创建会议 [meeting.create]" in out
    code, out, _ = run(capsys, "audit", "show", "--meeting", str(meeting_id), "--json")
    assert {row["action"] for row in json.loads(out)} >= {"meeting.create", "attendee.approve"}  # JSON keeps the keys


def test_import_problems_are_listed_in_the_chosen_language(env, capsys, tmp_path, monkeypatch):
    run(capsys, "init", "--admin", "boss")
    _, out, _ = run(capsys, "meeting", "create", "--title", "T", "--level", "secret", "--starts", "2026-12-01T09:00", "--ends", "2026-12-01T10:00")
    listing = tmp_path / "unit.csv"
    listing.write_bytes("\n".join(["姓名,单位", "甲,一局", ",无名", ""]).encode("gbk"))
    binary = tmp_path / "junk.csv"
    binary.write_bytes(b"\x00\x01\xff" * 10)
    monkeypatch.setenv("MEETKIT_LANG", "zh")
    code, out_zh, _ = run(capsys, "attendees", "import", out.strip(), str(listing))
    assert code == 2 and out_zh.splitlines()[0] == "第 3 行：缺少姓名"
    code, out_file, _ = run(capsys, "attendees", "import", out.strip(), str(binary))
    assert code == 2 and not out_file.startswith("第 0 行") and not out_file.startswith("row 0")
    monkeypatch.setenv("MEETKIT_LANG", "en")
    code, out_en, _ = run(capsys, "attendees", "import", out.strip(), str(listing))
    assert code == 2 and out_en.splitlines()[0] == "row 3: missing name"


def test_masked_id_for_non_admin(env, capsys, monkeypatch):
    run(capsys, "init", "--admin", "boss")
    monkeypatch.setenv("NEW_OPERATOR_PASSWORD", "sec-password")
    assert run(capsys, "operator", "add", "sec", "--role", "secretary")[0] == 0
    _, out, _ = run(capsys, "meeting", "create", "--title", "T", "--level", "secret", "--starts", "2026-12-01T09:00", "--ends", "2026-12-01T10:00")
    mid = out.strip()
    run(capsys, "attendees", "add", mid, "--name", "龘", "--id-number", GOOD_ID)
    monkeypatch.setenv("MEETKIT_OPERATOR", "sec")
    monkeypatch.setenv("MEETKIT_OPERATOR_PASSWORD", "sec-password")
    _, out, _ = run(capsys, "attendees", "list", mid, "--json")
    assert json.loads(out)[0]["id_number"] == "110*************2X"
    code, _, err = run(capsys, "operator", "add", "eve", "--role", "admin")
    assert code == 2 and "needs the role admin" in err


def test_tampered_audit_row_fails_verify(env, capsys):
    run(capsys, "init", "--admin", "boss")
    run(capsys, "meeting", "create", "--title", "T", "--level", "内部", "--starts", "2026-12-01T09:00", "--ends", "2026-12-01T10:00")
    from meetkit.store import open_store

    s = open_store(env["MEETKIT_DB"], env["MEETKIT_PASSPHRASE"])
    s.conn.execute("UPDATE audit_log SET action = 'meeting.nothing' WHERE seq = 2")
    s.conn.commit()
    s.close()
    code, out, err = run(capsys, "audit", "verify")
    assert code == 1 and "entry 2" in err


def test_user_errors_are_one_line_exit_2_without_traceback(env, capsys, monkeypatch):
    code, _, err = run(capsys, "meeting", "list")
    assert code == 2 and err.count("\n") == 1 and "meetkit init" in err
    run(capsys, "init", "--admin", "boss")
    monkeypatch.setenv("MEETKIT_PASSPHRASE", "wrong")
    code, _, err = run(capsys, "meeting", "list")
    assert code == 2 and "wrong passphrase" in err and "Traceback" not in err and err.count("\n") == 1
    monkeypatch.setenv("MEETKIT_PASSPHRASE", env["MEETKIT_PASSPHRASE"])
    monkeypatch.setenv("MEETKIT_OPERATOR_PASSWORD", "nope")
    code, _, err = run(capsys, "meeting", "list")
    assert code == 2 and "wrong operator name or password" in err
    monkeypatch.setenv("MEETKIT_OPERATOR_PASSWORD", env["MEETKIT_OPERATOR_PASSWORD"])
    code, _, err = run(capsys, "meeting", "create", "--title", "T", "--level", "超级", "--starts", "x", "--ends", "y")
    assert code == 2 and "not a date and time" in err
    code, _, err = run(capsys, "meeting", "create", "--title", "T", "--level", "超级", "--starts", "2026-12-01T09:00", "--ends", "2026-12-01T10:00")
    assert code == 2 and "classification level" in err
    code, _, err = run(capsys, "init", "--admin", "again")
    assert code == 2 and "already exists" in err


def test_chinese_is_the_default_language(env, capsys, monkeypatch):
    monkeypatch.delenv("MEETKIT_LANG")
    code, _, err = run(capsys, "meeting", "list")
    assert code == 2 and "没有数据库" in err


def test_real_entry_point_and_python_m(env, tmp_path):
    environment = {**os.environ, **env}
    exe = os.path.join(os.path.dirname(sys.executable), "meetkit")
    result = subprocess.run([exe, "init", "--admin", "boss"], env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    environment["MEETKIT_PASSPHRASE"] = "wrong"
    result = subprocess.run([sys.executable, "-m", "meetkit", "audit", "verify"], env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("meetkit: ") and len(result.stderr.strip().splitlines()) == 1


def test_no_encrypt_warns(env, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MEETKIT_DB", str(tmp_path / "plain.db"))
    code, out, err = run(capsys, "init", "--admin", "boss", "--no-encrypt")
    assert code == 0 and "UNENCRYPTED" in err and "UNENCRYPTED" in out
    assert (tmp_path / "plain.db").read_bytes()[:15] == b"SQLite format 3"


def _all_parsers(parser, path=()):
    yield path, parser
    for action in parser._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            for name, child in action.choices.items():
                yield from _all_parsers(child, path + (name,))


def test_every_command_has_help():
    missing = []
    parser = build_parser()
    for path, p in _all_parsers(parser):
        if path and not (p.description or p.format_help()):
            missing.append(" ".join(path))
    assert not missing
    top = parser._subparsers._group_actions[0]
    for choice in top._choices_actions:
        assert choice.help, f"'{choice.dest}' has no help text"


def test_gui_without_a_display_says_so(env, capsys, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys, "gui")
    assert code == 2 and "no display" in err


def test_meeting_list_and_show_print_beijing_times(env, capsys):
    run(capsys, "init", "--admin", "boss")
    _, out, _ = run(capsys, "meeting", "create", "--title", "夜会", "--level", "机密", "--starts", "2026-12-01T21:00", "--ends", "2026-12-02T01:00")
    mid = out.strip()
    run(capsys, "attendees", "add", mid, "--name", "龘")
    _, listing, _ = run(capsys, "meeting", "list")
    assert "2026-12-01 21:00 (UTC+8)" in listing  # was the UTC instant 2026-12-01T13:00:00+00:00
    _, shown, _ = run(capsys, "meeting", "show", mid)
    assert "starts_at: 2026-12-01 21:00 (UTC+8)" in shown and "ends_at: 2026-12-02 01:00 (UTC+8)" in shown
    assert "attendees: pending 1" in shown and "{" not in shown
    _, as_json, _ = run(capsys, "meeting", "show", mid, "--json")
    assert json.loads(as_json)["starts_at"].startswith("2026-12-01T13:00:00")


def test_output_cut_short_by_the_reader_is_not_a_traceback(env, capsys, monkeypatch):
    """`meetkit attendees list 1 | head -1`: the reader closing the pipe used to end in a
    BrokenPipeError traceback."""
    run(capsys, "init", "--admin", "boss")
    run(capsys, "meeting", "create", "--title", "T", "--level", "secret", "--starts", "2026-12-01T09:00", "--ends", "2026-12-01T10:00")

    class ClosedPipe:
        def write(self, _text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["meeting", "list", "--json"]) == 141
