"""`zongzhi audit verify` on a demo township: the chain, then every record row against it.

    .venv/bin/python bench/bench_audit_verify.py [--records 50000] [--store PATH] [--updates 1000]

Generates a demo store (or reuses --store), saves `--updates` corrections through the services
(so the per-row path is measured too, not only the demo's batch entries), then measures, in CPU
seconds, the chain walk (store/audit.py verify) and the row check (services/rowcheck.py) separately
and together, interleaved with a raw sqlite3 baseline that reads the same rows and entries and does
nothing with them. Writes its section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 20)


def raw_read(path: Path, tables: list[str]) -> float:
    """CPU seconds to read every checked row and every audit entry with raw sqlite3."""
    start = time.process_time()
    con = sqlite3.connect(path)
    try:
        for table in [*tables, "audit_log"]:
            for _row in con.execute(f"SELECT * FROM {table}"):
                pass
    finally:
        con.close()
    return time.process_time() - start


def main() -> None:
    from bench._report import write_section
    from zongzhi_desktop.demo import generate
    from zongzhi_desktop.services import Actor, Services
    from zongzhi_desktop.services.admin import audit_problems
    from zongzhi_desktop.services.rowcheck import CHECKED, row_problems
    from zongzhi_desktop.store import audit
    from zongzhi_desktop.store.database import Store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--store", type=Path, help="reuse this demo store instead of generating one")
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = args.store or Path(tmp.name) / "zongzhi.sqlite3"
    store = Store(path)
    if args.store is None:
        generate(store, records=args.records, seed=11, today=TODAY)
    clerk = Services(store, Actor("clerk", "clerk", "王芳"), today=lambda: TODAY)
    con = sqlite3.connect(path)
    ids = [r[0] for r in con.execute("SELECT id FROM petition WHERE NOT voided ORDER BY rowid LIMIT ?",
                                     (args.updates,))]
    con.close()
    for i, pid in enumerate(ids):
        clerk.update("petition", pid, {"request": f"核实后更正诉求（{i}）"})
    tables = [m.__tablename__ for m in CHECKED]
    con = sqlite3.connect(path)
    rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
    entries = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    records = con.execute("SELECT (SELECT count(*) FROM petition) + (SELECT count(*) FROM dispute) + "
                          "(SELECT count(*) FROM case_package) + (SELECT count(*) FROM activity) + "
                          "(SELECT count(*) FROM dispatch_item)").fetchone()[0]
    con.close()

    chain, check, whole, raw, wall = [], [], [], [], []
    for _ in range(args.runs):
        raw.append(raw_read(path, tables))
        with store.session() as s:
            t = time.process_time()
            _n, found = audit.verify(s)
            chain.append(time.process_time() - t)
            assert found == [], found
            t = time.process_time()
            found = row_problems(s.connection())
            check.append(time.process_time() - t)
            assert found == [], [p.message for p in found[:5]]
        w, t = time.perf_counter(), time.process_time()
        with store.session() as s:
            assert audit_problems(s)[1] == []
        whole.append(time.process_time() - t)
        wall.append(time.perf_counter() - w)
    store.close()

    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    body = f"""
`bench/bench_audit_verify.py`: a demo township (demo generator, {args.records:,} records: {records:,} petitions,
disputes, packages, activities and dispatch items, plus their child rows, volunteers and reference data),
then {len(ids):,} corrections saved through the services (per-row entries). Checked: {rows:,} rows in
{len(tables)} tables (records, their child rows, reference data, users) against {entries:,} audit entries.
Median of {args.runs} runs, CPU seconds of this process; the raw baseline reads the same rows and entries
with `sqlite3` and does nothing with them (same run, interleaved).

| Step | CPU | Raw read (same rows and entries) | Ratio |
| --- | ---: | ---: | ---: |
| Chain walk (`store/audit.py` verify: every entry re-hashed) | {med(chain):.2f} s | | |
| Rows against the chain (`services/rowcheck.py`) | {med(check):.2f} s | | |
| Whole `audit verify` (chain, rows, deleted records) | {med(whole):.2f} s (wall {med(wall):.2f} s) | {med(raw):.2f} s | {med(whole) / med(raw):.1f}× |

The rows of the demo are covered by its batch entries: each batch is re-hashed from the table as
the rows stream by (canonical JSON, many rows per encoder call); rows saved through the program are
compared field by field with their entry's after-image.
"""
    write_section("audit_verify", "审计校验 / audit verify (bench_audit_verify.py)", body)
    print(body)
    tmp.cleanup()


if __name__ == "__main__":
    main()
