"""The audit tab shows readable action labels (Chinese by default), keeps the machine key
readable, and its filter works on both; every action key the code writes has a label."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import meetkit
from meetkit import meetings
from meetkit.errors import PermissionDenied
from meetkit.audit_labels import ACTION_LABELS, action_label
from meetkit.gui.audit_page import AuditPage
from meetkit.gui.context import GuiContext
from meetkit.i18n import Translator, _zh_catalog
from tests.desk.conftest import _template, approved_meeting, badges, clock, store, team  # noqa: F401  (fast fixtures)
from ._window import open_meeting_tab

SHOT_DIR = Path(os.environ.get("MEETKIT_SHOTS", "/tmp"))
PACKAGE = Path(meetkit.__file__).parent
# the functions whose argument is an audit action key: audit.append(store, clock, operator, ACTION, ...)
# and require_role(store, clock, actor, roles, ACTION, ...), which audits "refused." + ACTION
SINKS = {("append", "audit"): 3, ("require_role", None): 4}


def _callee(call: ast.Call) -> tuple[str, str | None] | None:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id, None
    if isinstance(f, ast.Attribute):
        owner = f.value.id if isinstance(f.value, ast.Name) else None
        return f.attr, owner
    return None


def _sink_index(call: ast.Call, sinks: dict[tuple[str, str | None], int]) -> int | None:
    name = _callee(call)
    if name is None:
        return None
    if name in sinks:
        return sinks[name]
    return sinks.get((name[0], None))


def emitted_action_keys() -> tuple[set[str], list[str]]:
    """Every action key passed to the audit, found in the source: literal keys, "refused." +
    a key, and keys passed through a parameter of a helper (followed to the helper's callers).
    Returns the keys (without the "refused." prefix) and the places that could not be resolved."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}
    parents: dict[ast.AST, ast.AST] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
    sinks = dict(SINKS)
    keys: set[str] = set()
    unresolved: list[str] = []
    done: set[tuple[str, str | None]] = set()
    while True:
        new_sinks: dict[tuple[str, str | None], int] = {}
        for path, tree in trees.items():
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                index = _sink_index(call, sinks)
                if index is None:
                    continue
                name = _callee(call)
                if call.args and any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                    unresolved.append(f"{path}:{call.lineno}")
                    continue
                if index < len(call.args):
                    expr: ast.expr | None = call.args[index]
                else:
                    expr = next((k.value for k in call.keywords if k.arg == "action"), None)
                if expr is None:
                    continue  # a definition-like call without the action (not an audit write)
                if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add) and isinstance(expr.left, ast.Constant) \
                        and expr.left.value == "refused.":
                    expr = expr.right
                if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                    keys.add(expr.value.removeprefix("refused."))
                    continue
                if isinstance(expr, ast.Name):
                    func = parents.get(call)
                    while func is not None and not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        func = parents.get(func)
                    if func is not None:
                        params = [a.arg for a in func.args.posonlyargs + func.args.args]
                        if expr.id in params:
                            position = params.index(expr.id) - (1 if params and params[0] in ("self", "cls") else 0)
                            if (func.name, None) not in sinks:
                                new_sinks[(func.name, None)] = position
                            continue
                unresolved.append(f"{path.relative_to(PACKAGE.parent)}:{call.lineno} ({name})")
        fresh = {k: v for k, v in new_sinks.items() if k not in done}
        if not fresh:
            return keys, sorted(set(unresolved))
        done.update(fresh)
        sinks.update(fresh)


def test_every_action_key_the_code_writes_has_a_chinese_label():
    keys, unresolved = emitted_action_keys()
    assert not unresolved, f"audit action keys that are not literal strings: {unresolved}"
    # the scan finds keys from every area (it is not silently finding nothing)
    for sample in ("meeting.create", "desk.scan", "custody.issue", "checklist.sync", "checklist.template.save", "sweep.report",
                   "auth.refused", "desk.open"):
        assert sample in keys
    missing = sorted(keys - set(ACTION_LABELS))
    assert not missing, f"action keys without a label in meetkit/audit_labels.py ACTION_LABELS: {missing}"
    catalog = _zh_catalog()
    untranslated = sorted(k for k in keys if ACTION_LABELS[k] not in catalog)
    assert not untranslated, f"labels without Chinese in meetkit/i18n: {untranslated}"
    zh = Translator("zh")
    labels = [action_label(k, zh) for k in sorted(keys)]
    assert not zh.missing
    assert len(set(labels)) == len(labels), "two actions share a label"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels)


def test_refused_and_unknown_keys():
    zh, en = Translator("zh"), Translator("en")
    assert action_label("meeting.create", zh) == "创建会议"
    assert action_label("refused.meeting.advance", zh) == "推进会议状态（被拒绝）"
    assert action_label("refused.meeting.advance", en) == "Advance meeting state (refused)"
    assert action_label("some.future_key", zh) == "some.future_key"


@pytest.fixture
def ctx(store, clock, team):  # noqa: F811
    return GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("zh"))


def _visible(page: AuditPage) -> list[tuple[str, str]]:
    return [(page.table.item(r, 3).text(), page.table.item(r, 5).text())
            for r in range(page.table.rowCount()) if not page.table.isRowHidden(r)]


def test_audit_page_labels_key_column_tooltip_and_filter(qtbot, ctx, store, clock, team, approved_meeting):  # noqa: F811
    with pytest.raises(PermissionDenied):  # a refusal is audited too
        meetings.update_meeting(store, clock, team.secretary, approved_meeting.id, relay_scope="处级以上")
    meetings.update_meeting(store, clock, team.chair, approved_meeting.id, relay_scope="处级以上")
    page = AuditPage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    rows = _visible(page)
    assert ("创建会议", "meeting.create") in rows and ("修改会议信息", "meeting.update") in rows
    assert ("修改会议信息（被拒绝）", "refused.meeting.update") in rows
    assert not any(label == key for label, key in rows), rows  # every key of a real meeting has a label
    r = next(r for r in range(page.table.rowCount()) if page.table.item(r, 5).text() == "meeting.create")
    assert page.table.item(r, 3).toolTip() == "meeting.create"
    page.filter.setText("创建会议")
    assert [k for _, k in _visible(page)] == ["meeting.create"]
    page.filter.setText("MEETING.UPDATE")  # the raw key too, any case
    assert sorted(k for _, k in _visible(page)) == ["meeting.update", "refused.meeting.update"]
    page.filter.setText("被拒绝")
    assert [k for _, k in _visible(page)] == ["refused.meeting.update"]
    page.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # sorting keeps the filter on the right rows
    assert [k for _, k in _visible(page)] == ["refused.meeting.update"]
    page.filter.setText("")
    assert len(_visible(page)) == page.table.rowCount() > 2
    assert not ctx.tr.missing


def test_audit_page_in_english(qtbot, store, clock, team, approved_meeting):  # noqa: F811
    ctx = GuiContext(store=store, clock=clock, actor=team.secretary, tr=Translator("en"))
    page = AuditPage(ctx, approved_meeting.id)
    qtbot.addWidget(page)
    assert ("Create meeting", "meeting.create") in _visible(page)
    page.filter.setText("create meeting")
    assert [k for _, k in _visible(page)] == ["meeting.create"]


@pytest.mark.qt_log_ignore("PulseAudioService")
def test_audit_tab_inside_the_main_window_at_1366x768(qtbot, ctx, approved_meeting, badges):  # noqa: F811
    window, page = open_meeting_tab(qtbot, ctx, approved_meeting.id, AuditPage)
    page.refresh()
    assert any(label == "制发胸卡" for label, _ in _visible(page))
    window.grab().save(str(SHOT_DIR / "audit-tab-zh-1366x768.png"))
