"""PDF start-up cost: the CJK font (Noto Sans CJK SC, regular + bold) per document.

Every printout is a :class:`meetkit.reports.pdf.MarkedPdf`. This prints, for a one-page marked
document (a heading with a Uyghur name in Chinese script, a paragraph, the mark bands and the
footer; "rare": the heading also has 𠈌, U+2020C, outside the common characters), the wall and
CPU time of:

- ``collection``: the old way, fpdf2 ``add_font`` straight from the 20 MB collection (TTC,
  face 2) in a fresh process, as every document did before the cache;
- ``cold``: the first MarkedPdf in a fresh process with an empty font cache (copies the face);
- ``warm``: the first MarkedPdf in a fresh process with the per-user copy already there;
- ``next``: further documents in the same process (median of ``--repeat``), old way and new.

Each fresh process also reports its import time (fpdf2, fontTools, meetkit) separately.

    .venv/bin/python benchmarks/bench_pdf.py [--repeat 5]

Targets: ``next`` well under 1 s; ``warm`` clearly under ``collection``. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEXTS = {"common": "名单 阿依古丽·买买提", "rare": "名单 𠈌㛃 阿依古丽·买买提"}


def _child(mode: str, text_kind: str, cache_dir: str, repeat: int) -> None:
    text = TEXTS[text_kind]
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    import datetime as dt

    from fpdf import FPDF

    from meetkit.fonts import cjk_font, face_index
    from meetkit.reports.pdf import FONT, MarkedPdf

    imported = (time.perf_counter() - started_wall, time.process_time() - started_cpu)
    printed_at = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)

    def one() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        if mode == "collection":
            pdf = FPDF()
            for style, weight in (("", "regular"), ("B", "bold")):
                path = cjk_font(weight)
                pdf.add_font(FONT, style, str(path), collection_font_number=face_index(path))
            pdf.add_page()
            pdf.set_font(FONT, "B", 13)
            pdf.cell(text="机密 SECRET")
            pdf.ln()
            pdf.set_font(FONT, "", 10)
            pdf.multi_cell(pdf.epw, 5, text + " 本表记录与会人员签到情况。")
        else:
            pdf = MarkedPdf(level="机密", title="签到表", head_hash="ab" * 32, printed_at=printed_at, font_cache_dir=Path(cache_dir))
            pdf.add_page()
            pdf.heading(text)
            pdf.paragraph("本表记录与会人员签到情况。This register lists attendees.")
        pdf.output()
        return time.perf_counter() - wall, time.process_time() - cpu

    runs = [one() for _ in range(1 + repeat)]
    print(json.dumps({"import": imported, "first": runs[0], "next": runs[1:]}))


def _run(mode: str, text_kind: str, cache_dir: str, repeat: int = 0) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--text", text_kind, "--cache-dir", cache_dir, "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child")
    parser.add_argument("--text", default="common")
    parser.add_argument("--cache-dir")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.text, args.cache_dir, args.repeat)
        return
    firsts = [
        ("collection", "common", "fresh process, from the TTC (old)"),
        ("collection", "rare", "fresh process, from the TTC (old)"),
        ("cold", "common", "fresh process, empty font cache"),
        ("warm", "common", "fresh process, font cache warm"),
        ("warm", "rare", "fresh process, font cache warm"),
    ]
    print(f"{'one-page MarkedPdf':<36} {'text':<7} {'wall s':>7} {'cpu s':>7}   imports wall / cpu s")
    with tempfile.TemporaryDirectory() as tmp:
        cache_dir = str(Path(tmp) / "fonts")
        for mode, kind, label in firsts:
            result = _run(mode, kind, cache_dir)
            wall, cpu = result["first"]  # type: ignore[misc]
            imp_wall, imp_cpu = result["import"]  # type: ignore[misc]
            print(f"{label:<36} {kind:<7} {wall:7.2f} {cpu:7.2f}   + {imp_wall:.2f} / {imp_cpu:.2f}")
        for mode, kind, label in [
            ("collection", "common", "same process, next documents (old)"),
            ("next", "common", "same process, next documents"),
            ("next", "rare", "same process, next documents"),
        ]:
            nexts = _run(mode, kind, cache_dir, args.repeat)["next"]
            wall = statistics.median(w for w, _ in nexts)  # type: ignore[union-attr]
            cpu = statistics.median(c for _, c in nexts)  # type: ignore[union-attr]
            print(f"{label:<36} {kind:<7} {wall:7.2f} {cpu:7.2f}   (median of {len(nexts)})")


if __name__ == "__main__":
    main()
