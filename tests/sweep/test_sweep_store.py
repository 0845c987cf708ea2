"""Sweeps attached to a meeting: findings' review states in the store, audited, and the gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meetkit import audit
from meetkit.checklists.sweep_status import sweep_status
from meetkit.errors import MeetkitError, PermissionDenied
from meetkit.sweep import attach


def _finding(freq_hz: float, status: str, kind: str) -> dict:
    return {
        "freq_hz": freq_hz, "bandwidth_hz": 150e3, "peak_dbfs": -20.0, "mean_dbfs": -30.0, "snr_db": 20.0, "occupancy": 1.0,
        "kind": kind, "confidence": 0.9, "reasons": [{"en": "x", "zh": "x"}], "band": None, "status": status,
        "first_seen": None, "last_seen": None, "passes_seen": 2,
    }


@pytest.fixture
def sweep_dir(tmp_path: Path) -> Path:
    doc = {
        "profile": "china-default", "source": "rtltcp:127.0.0.1:1234", "started": "2026-11-30T01:00:00+00:00", "passes": 2,
        "coverage": {"covered": [[24e6, 1766e6]], "not_covered": []},
        "findings": [
            _finding(645.5e6, "new", "wireless_mic"),
            _finding(897.4e6, "stronger", "cellular_uplink"),
            _finding(97.4e6, "ambient", "broadcast"),
        ],
    }
    (tmp_path / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path


def test_attach_review_and_gate(store, clock, team, meeting, sweep_dir: Path) -> None:
    attached = attach.attach_sweep(store, clock, team.technician, meeting.id, sweep_dir, room_name="第一会议室")
    assert (attached.findings, attached.suspects) == (3, 2)
    status = sweep_status(store, meeting.id)
    assert status.source == "sweep_store" and not status.ok and status.unresolved_findings == 2
    items = attach.findings(store, attached.id)
    mic, phone, fm = items
    assert (mic.state, phone.state, fm.state) == ("suspect", "suspect", None)
    with pytest.raises(MeetkitError):
        attach.mark_finding(store, clock, team.technician, phone.id, "resolved")  # a note is required
    with pytest.raises(MeetkitError):
        attach.mark_finding(store, clock, team.technician, fm.id, "friendly")  # ambient is not reviewed
    attach.mark_finding(store, clock, team.technician, mic.id, "declared", "the venue's own mic, switched off before the meeting")
    done = attach.mark_finding(store, clock, team.technician, phone.id, "resolved", "phone found in a drawer, taken to custody")
    assert done.state == "resolved" and "drawer" in done.note
    status = sweep_status(store, meeting.id)
    assert status.ok and status.unresolved_findings == 0
    actions = [e["action"] for e in audit.entries(store, meeting.id)]
    assert actions.count("sweep.finding.mark") == 2 and "sweep.attach" in actions
    assert audit.verify(store).ok


def test_only_a_technician_reviews(store, clock, team, meeting, sweep_dir: Path) -> None:
    with pytest.raises(PermissionDenied):
        attach.attach_sweep(store, clock, team.secretary, meeting.id, sweep_dir)
    attached = attach.attach_sweep(store, clock, team.technician, meeting.id, sweep_dir)
    first = attach.findings(store, attached.id)[0]
    with pytest.raises(PermissionDenied):
        attach.mark_finding(store, clock, team.secretary, first.id, "friendly")
    assert "refused.sweep.finding.mark" in [e["action"] for e in audit.entries(store, meeting.id)]
    assert attach.findings(store, attached.id)[0].state == "suspect"


def test_the_newest_sweep_decides(store, clock, team, meeting, sweep_dir: Path, tmp_path: Path) -> None:
    attach.attach_sweep(store, clock, team.technician, meeting.id, sweep_dir)
    clean = tmp_path / "clean"
    clean.mkdir()
    doc = json.loads((sweep_dir / "findings.json").read_text(encoding="utf-8"))
    doc["findings"] = [f for f in doc["findings"] if f["status"] == "ambient"]
    (clean / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    attach.attach_sweep(store, clock, team.technician, meeting.id, clean)
    assert sweep_status(store, meeting.id).ok
    assert len(attach.sweeps(store, meeting.id)) == 2


REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "recordings-real"


@pytest.mark.skipif(not REAL.exists(), reason="../shared/recordings-real is not there")
def test_meeting_report_carries_mark_review_and_audit_head(store, clock, team, meeting, tmp_path: Path) -> None:
    import subprocess

    from meetkit.sweep.pipeline import analyze_recordings

    out = tmp_path / "sweep"
    analyze_recordings([str(REAL / "ism-433MHz-ook-bursts.sigmf-meta")], out, clock=clock, write_pdf=False)
    attached = attach.attach_sweep(store, clock, team.technician, meeting.id, out)
    remote = next(f for f in attach.findings(store, attached.id) if f.state == "suspect")
    attach.mark_finding(store, clock, team.technician, remote.id, "resolved", "garage remote in a bag, removed")
    pdf = attach.write_meeting_report(store, clock, team.technician, attached.id, tmp_path / "report.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "机密" in text  # the meeting's level marks every page
    assert audit.head_hash(store)[:16] in text.replace("\n", "")
    assert "garage remote" in text


def test_cli_attach_findings_and_mark_refuse_wrong_ids_in_one_line(
    store, store_path, team, meeting, sweep_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from meetkit.cli.main import main
    from tests.conftest import PASSPHRASE, PASSWORD

    monkeypatch.setenv("MEETKIT_DB", str(store_path))
    monkeypatch.setenv("MEETKIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("MEETKIT_OPERATOR", team.technician.name)
    monkeypatch.setenv("MEETKIT_OPERATOR_PASSWORD", PASSWORD)
    assert main(["--lang", "en", "sweep", "findings", "--meeting", str(meeting.id + 99)]) == 2  # was an empty list, exit 0
    assert "meeting" in capsys.readouterr().err
    assert main(["sweep", "attach", str(sweep_dir / "nowhere"), "--meeting", str(meeting.id)]) == 2
    err = capsys.readouterr().err.strip()
    assert "不是扫描输出文件夹" in err and "\n" not in err
    assert main(["sweep", "attach", str(sweep_dir), "--meeting", str(meeting.id)]) == 0
    capsys.readouterr()
    assert main(["sweep", "mark", "9999", "--state", "friendly"]) == 2
    assert capsys.readouterr().err.strip() == "meetkit: 没有编号为 9999 的检测结果"
    assert main(["--lang", "en", "sweep", "findings", "--meeting", str(meeting.id)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
