"""Badge printing speed: 1,000 badges to a print-ready A4 PDF (8 per page, cut marks).

Builds an encrypted store with one meeting of 1,000 approved, pledged attendees (names of 2 to
20 characters, every tenth with a photo), issues their badges, then times
``print_badges(..., layout="a4-8up")`` (read, draw at 300 dpi, write the PDF, record the
print history) and reports the wall time, the CPU time and the peak resident memory.

    .venv/bin/python benchmarks/bench_badges.py [--badges 1000] [--out FILE.pdf]

Targets: <= 15 s wall, <= 500 MB peak.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import tempfile
import time
from pathlib import Path

from PIL import Image

from meetkit import audit, meetings, operators
from meetkit.badges.issue import issue_badges
from meetkit.badges.printing import print_badges
from meetkit.clock import SystemClock, iso
from meetkit.store import attendees as attendee_sql
from meetkit.store import create_store

PASSPHRASE = "bench passphrase"
PASSWORD = "bench-password"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华"


def name(i: int) -> str:
    if i % 50 == 0:
        return "阿依古丽·买买提"
    if i % 50 == 1:
        return "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"  # 20 characters
    length = 2 + i % 3
    return SURNAMES[i % len(SURNAMES)] + "".join(GIVEN[(i * 7 + k) % len(GIVEN)] for k in range(length - 1))


def photo(i: int) -> bytes:
    image = Image.new("RGB", (300, 400), (180 + i % 60, 200, 220))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def build(path: Path, n: int) -> tuple[object, object, int]:
    store = create_store(path, PASSPHRASE)
    clock = SystemClock()
    now = clock.now()
    admin = operators.create_first_admin(store, clock, "admin", PASSWORD)
    secretary = operators.add_operator(store, clock, admin, "sec", PASSWORD, ["secretary"])
    m = meetings.create_meeting(store, clock, secretary, title="2026年全市依法行政工作推进会（第四季度）", level="机密",
                                starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=4))
    at = iso(now)
    with store.transaction():
        for i in range(n):
            attendee_sql.insert(store, {"meeting_id": m.id, "name": name(i), "unit": f"市政府第{i % 40 + 1}工作部门办公室",
                                        "title": "", "id_number": "", "phone": "", "category": "delegate",
                                        "seat": f"{chr(65 + i // 100)}{i % 100:02d}", "room_id": None,
                                        "photo": photo(i) if i % 10 == 0 else None, "at": at})
        store.execute("UPDATE attendees SET status = 'approved', decided_by = 'admin', decided_at = ? WHERE meeting_id = ?", [at, m.id])
        store.execute("INSERT INTO pledges (attendee_id, at, witness) SELECT id, ?, 'sec' FROM attendees WHERE meeting_id = ?", [at, m.id])
        audit.append(store, clock, "admin", "attendee.approve", f"meeting:{m.id}", {"bulk": n}, m.id)
    issue_badges(store, clock, secretary, m.id)
    return store, secretary, m.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--badges", type=int, default=1000)
    parser.add_argument("--out", help="keep the PDF here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, secretary, meeting_id = build(Path(tmp) / "bench.db", args.badges)
        out = Path(args.out) if args.out else Path(tmp) / "badges.pdf"
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        result = print_badges(store, SystemClock(), secretary, meeting_id, out, "a4-8up")  # type: ignore[arg-type]
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_mb = out.stat().st_size / 1e6
        store.close()  # type: ignore[attr-defined]
    print(f"{result.badges} badges, {result.pages} A4 pages, PDF {size_mb:.0f} MB: "
          f"wall {wall:.1f} s (CPU {cpu:.1f} s); peak RSS {self_mb:.0f} MB (before printing {before_mb:.0f} MB) "
          f"(targets: <= 15 s, <= 500 MB); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
