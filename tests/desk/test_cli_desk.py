"""The sign-in and desk commands through ``meetkit.cli.main.main`` on a real store."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetkit.badges.issue import list_badges
from meetkit.badges.token import ALPHABET
from meetkit.cli.main import main
from meetkit.desk.signin import Verdict

VERDICTS = {v.value for v in Verdict}
KEYS = {"verdict", "attendee", "first_seen", "first_desk", "reason"}


def _answers(capsys) -> list[dict]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_one_token_then_already_in(store, live, cli_env, capsys):
    token = list_badges(store, live.id)[0].token
    assert main(["signin", str(live.id), "--desk", "东门", token]) == 0
    first = _answers(capsys)[0]
    assert first["verdict"] == "ADMITTED" and KEYS <= set(first)
    assert first["attendee"]["name"] == "𠈌㛃" and first["attendee"]["seat"] == "B01"
    assert main(["signin", str(live.id), "--desk", "西门", token]) == 1
    second = _answers(capsys)[0]
    assert second["verdict"] == "ALREADY_IN" and second["first_desk"] == "东门" and second["first_seen"]


def test_scanner_session_with_junk(store, live, cli_env, capsys, feed_stdin):
    tokens = [b.token for b in list_badges(store, live.id)]
    altered = tokens[1][:50] + ("B" if tokens[1][50] != "B" else "C") + tokens[1][51:]
    lines = [
        tokens[0].encode(),
        tokens[0].encode(),  # a scanner bounce: the same answer again, not stored twice
        b"\x00\xff\xfe binary \x80\x81",
        b"Z" * 10_240,
        altered.encode(),
        tokens[2].lower().encode() + b"\r",
        b"",  # a stray Enter: skipped
        b"\xe4\xb8\xad\xe6\x96\x87",
        b"Q" * 200_000,  # far longer than a line may be
        tokens[0].encode(),  # seconds later, the same badge again: a possible copy
    ]
    feed_stdin(b"\n".join(lines) + b"\n")
    assert main(["signin", str(live.id), "--desk", "东门"]) == 0
    answers = _answers(capsys)
    assert [a["verdict"] for a in answers] == [
        "ADMITTED", "ADMITTED", "MALFORMED", "MALFORMED", "BAD_SIGNATURE", "ADMITTED", "MALFORMED", "MALFORMED", "ALREADY_IN",
    ]
    assert answers[1]["repeat"] is True and answers[1]["scan_id"] == answers[0]["scan_id"]
    assert all(KEYS <= set(a) and a["reason"] for a in answers)
    assert store.query_one("SELECT count(*) AS n FROM scans WHERE meeting_id = ?", [live.id])["n"] == 8


def test_exit_scans(store, live, cli_env, capsys):
    token = list_badges(store, live.id)[3].token
    main(["signin", str(live.id), "--desk", "东门", token])
    assert main(["signin", str(live.id), "--desk", "东门", "--exit", token]) == 0
    assert _answers(capsys)[-1]["verdict"] == "EXITED"
    main(["desk", "presence", str(live.id)])
    assert _answers(capsys)[-1]["counts"]["present"] == 0


line = st.one_of(
    st.binary(max_size=400),
    st.text(alphabet=ALPHABET, min_size=118, max_size=122).map(str.encode),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" "))


@given(lines=st.lists(st.one_of(line, st.sampled_from([0, 1, 2])), min_size=1, max_size=12))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_signin_over_stdin_answers_every_line(store, live, cli_env, capsys, feed_stdin, lines):
    tokens = [b.token for b in list_badges(store, live.id)]
    raw = [tokens[x].encode() if isinstance(x, int) else x for x in lines]
    feed_stdin(b"\n".join(raw) + b"\n")
    capsys.readouterr()
    assert main(["signin", str(live.id), "--desk", "东门"]) == 0
    answers = _answers(capsys)
    expected = [r for r in raw if r.decode("utf-8", "replace").strip()]
    assert len(answers) == len(expected)
    for answer, sent in zip(answers, expected):
        assert answer["verdict"] in VERDICTS
        if sent.decode("utf-8", "replace").strip() not in tokens:
            assert answer["verdict"] not in ("ADMITTED", "EXITED", "ALREADY_IN")


def test_badges_list_shows_a_holder_rejected_after_issue(store, live, cli_env, capsys, clock, team, monkeypatch):
    from meetkit import attendees

    holder = list_badges(store, live.id)[0].attendee_id
    attendees.reject(store, clock, team.chair, live.id, holder, "名单调整")
    assert main(["badges", "list", str(live.id), "--json"]) == 0
    rows = {r["attendee_id"]: r for r in _answers(capsys)[0]}
    assert rows[holder]["active"] and rows[holder]["holder_approved"] is False
    assert all(r["holder_approved"] for a, r in rows.items() if a != holder)
    assert main(["badges", "list", str(live.id)]) == 0
    lines = {int(line.split("\t")[1]): line for line in capsys.readouterr().out.splitlines()}
    assert "有效，持卡人未获审定：扫码拒绝" in lines[holder]
    monkeypatch.setenv("MEETKIT_LANG", "en")
    assert main(["badges", "list", str(live.id)]) == 0
    lines = {int(line.split("\t")[1]): line for line in capsys.readouterr().out.splitlines()}
    assert "valid, holder not approved: refused" in lines[holder] and "not printed" in lines[holder]


def test_badges_cli_issue_list_reissue_export(store, live, cli_env, capsys, tmp_path):
    assert main(["badges", "list", str(live.id), "--json"]) == 0
    rows = _answers(capsys)[0]
    assert len(rows) == 8 and all(r["active"] and "token" not in r for r in rows)
    assert main(["badges", "reissue", str(live.id), str(rows[0]["attendee_id"]), "--reason", "损坏"]) == 0
    assert _answers(capsys)[0]["revoked_serial"] == rows[0]["serial"]
    key_file = tmp_path / "key.pem"
    assert main(["badges", "export-key", str(live.id), "--out", str(key_file)]) == 0
    text = key_file.read_text()
    assert "BEGIN PUBLIC KEY" in text and "PRIVATE" not in text
    # another desk verifies a badge with nothing but this file
    from meetkit.badges.token import load_public_pem, parse

    public = load_public_pem(text)
    assert parse(list_badges(store, live.id)[1].token).verify(public)
    assert not parse(list_badges(store, 1)[0].token).verify(public)  # the other meeting's badge
    # an output that cannot be written is one clear line, not a traceback
    assert main(["badges", "export-key", str(live.id), "--out", str(tmp_path)]) == 2
    assert main(["badges", "print", str(live.id), "--out", str(tmp_path), "--layout", "cr80"]) == 2
    # asking for a badge for someone without approval is one clear error line, exit 2
    assert main(["badges", "issue", str(live.id), "999999"]) == 2
    assert main(["badges", "issue", str(live.id), "--all"]) == 0
    assert _answers(capsys)[-1]["issued"] == 0


def test_custody_and_admission_cli(store, live, cli_env, capsys, monkeypatch, tmp_path):
    from meetkit.attendees import list_attendees

    people = list_attendees(store, live.id)
    token = list_badges(store, live.id)[1].token
    assert main(["desk", "custody", "deposit", str(live.id), "--badge", token, "--tag", "t017", "--items", "手机, 平板", "--count", "2"]) == 0
    assert _answers(capsys)[0]["tag"] == "T017"
    assert main(["desk", "custody", "deposit", str(live.id), "--attendee", str(people[2].id), "--tag", "T017"]) == 2
    monkeypatch.setenv("MEETKIT_SUPERVISOR_PASSWORD", "password-123")
    assert main(["desk", "admit-without-badge", str(live.id), str(people[0].id), "--desk", "东门", "--reason", "忘带胸卡",
                 "--id-check", "查验身份证", "--supervisor", "chair"]) == 0
    assert main(["desk", "presence", str(live.id)]) == 0
    data = _answers(capsys)[-1]
    assert data["counts"]["present"] == 1 and data["counts"]["in_custody"] == 1
    assert main(["desk", "custody", "return", str(live.id), "--tag", "T017"]) == 0
    out = tmp_path / "attendance.csv"
    assert main(["desk", "attendance", str(live.id), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "忘带胸卡" in text and "without_badge" in text
