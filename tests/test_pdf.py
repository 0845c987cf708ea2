"""The shared PDF base: marks on every page, wrapping without wasted pages, rare characters."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from meetkit.reports.pdf import MarkedPdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def _text(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def test_every_page_carries_mark_and_head_hash(tmp_path):
    pdf = MarkedPdf(level="绝密", title="测试", head_hash="ab" * 32, printed_at=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
    pdf.add_page()
    pdf.heading("名单 𠈌㛃 阿依古丽·买买提")
    pdf.key_values([(f"项目{i}", "很长的内容" * (i % 4 + 1)) for i in range(80)])
    pdf.table(["序号", "姓名"], [[i, "龘靐齉"] for i in range(120)], [10, 50])
    path = pdf.save(tmp_path / "r.pdf")
    pages = _text(path)
    assert 4 <= len(pages) <= 8, len(pages)  # 80 pairs and 120 rows: a handful of pages, not one per pair
    for page in pages:
        assert page.count("绝密 TOP SECRET") == 2
        assert "ab" * 32 in page
    assert "阿依古丽·买买提" in pages[0] and "𠈌㛃" in pages[0] and "龘靐齉" in pages[-1]


def test_table_starting_at_the_foot_of_a_page_keeps_its_header_together(tmp_path):
    pdf = MarkedPdf(level="秘密", title="测试", head_hash=None, printed_at=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
    pdf.add_page()
    pdf.set_y(pdf.page_break_trigger - 6)
    pdf.table(["序号", "姓名", "单位", "很长的表头文字需要换行显示"], [[1, "甲", "乙", "丙"]], [10, 30, 30, 20])
    pages = _text(pdf.save(tmp_path / "t.pdf"))
    assert len(pages) == 2
    assert "序号" not in pages[0] and "序号" in pages[1] and "单位" in pages[1]
