"""The kit works offline: only the rtl_tcp client (to a host the technician configures) and the
rtl_tcp simulator (which listens on 127.0.0.1 by default) touch the network, and the audit log
and diagnostic logging carry no secrets or personal data."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import meetkit
from meetkit import attendees, audit, meetings
from tests.conftest import PASSPHRASE, PASSWORD

NETWORK_MODULES = {"socket", "socketserver", "ssl", "http", "urllib", "ftplib", "smtplib", "asyncio", "requests", "httpx", "aiohttp"}
ALLOWED = {"sweep/sources/rtltcp.py", "sweep/simulator/server.py"}


def test_only_the_rtl_tcp_parts_import_networking():
    root = Path(meetkit.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module.split(".")[0]]
            if NETWORK_MODULES.intersection(names) and rel not in ALLOWED:
                offenders.append(f"{rel}: {names}")
    assert offenders == []


def test_simulator_listens_on_loopback_by_default():
    import inspect

    from meetkit.sweep.simulator.server import SimulatorServer

    assert inspect.signature(SimulatorServer).parameters["host"].default == "127.0.0.1"


def test_logs_and_audit_hold_no_secrets_or_names(store, clock, team, caplog):
    caplog.set_level(logging.DEBUG)
    m = meetings.create_meeting(
        store, clock, team.secretary, title="保密会议", level="绝密",
        starts_at=clock.now(), ends_at=clock.now().replace(hour=23),
    )
    data = "姓名,单位,证件号码,手机\n𠈌㛃,司法局,11010519491231002X,13800138000\n".encode("gb18030")
    attendees.import_attendees(store, clock, team.secretary, m.id, data)
    attendees.approve(store, clock, team.chair, m.id)
    attendees.pledge(store, clock, team.secretary, m.id)
    text = caplog.text + str(audit.entries(store))
    for secret in (PASSPHRASE, PASSWORD, "𠈌㛃", "11010519491231002X", "13800138000"):
        assert secret not in text
