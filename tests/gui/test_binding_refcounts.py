"""The Qt binding must not leak references to None/True/False: PySide6 6.12.0 on Python 3.11
dropped one per call that returns None, and a desk scanning all day (or the sweep station
repainting 8 times a second) aborted with 'Fatal Python error: none_dealloc'. pyproject.toml
pins a version without the bug; this test fails on one that has it."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem


def test_item_data_keeps_none_and_bool_references(qapp):
    item = QTableWidgetItem()
    item.setData(Qt.ItemDataRole.UserRole + 1, True)
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        item.data(Qt.ItemDataRole.UserRole)
        item.data(Qt.ItemDataRole.UserRole + 1)
    assert before_none - sys.getrefcount(None) < 100
    assert before_true - sys.getrefcount(True) < 100
