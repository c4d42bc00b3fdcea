"""Benchmark: township sheets at several store sizes — first click, warm build, whole process, raw floor.

Usage: .venv/bin/python bench/bench_sheet_scale.py [--records 10000 100000] [--store DIR]

For each store size (demo generator, seed 7, today 2026-11-20; kept in DIR for later runs) and
each sheet (周研判 2026-W46, 月调度 2026-10, 季推进 2026-Q3):
- first click: the first build of the sheet in this process on a freshly opened store (what a
  clerk waits for on the first click in a running app), CPU and wall;
- warm: best of 3 further builds;
- whole process: `zongzhi report <sheet> … -o x.pdf` from process start to a finished PDF, CPU
  (user + system of the child) and wall;
- floor: the very SQL the build executed, captured and replayed through plain sqlite3 in the
  same run (fetching every row), CPU and wall;
- stock: the stock-figure statements alone (spans covering A) and their replay.
Results go to docs/performance.md (section "sheet_scale").
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import write_section

TODAY = date(2026, 11, 20)
SHEETS = (("weekly", "2026-W46"), ("monthly", "2026-10"), ("quarterly", "2026-Q3"))
LABEL = {"weekly": "周研判", "monthly": "月调度", "quarterly": "季推进"}
RUNS = 3
NOTE = ("Stock figures (在办, 逾期, 7日内到期 as at A) are read span-first through the (kind, open, end date) index, so they touch only the spans in force on A (the last column). The rest of the build is the flow figures, which still fetch the id of every record behind every number for click-through (the floor's row count): counting in SQL with ids fetched on demand is not done yet, so the cost still grows with the records of the period. The demo generator spreads every store over the same two years, so the larger store is 10× denser, not 10× longer. Whole-process CPU includes interpreter start-up, imports and opening the store; wall time on this shared machine is several times the CPU time.")


def ensure_store(folder: Path, records: int) -> tuple[Path, float]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zongzhi.sqlite3"
    marker = folder / f"records-{records}-v2"
    if path.exists() and marker.exists():
        return path, float(marker.read_text() or 0)
    for old in folder.glob("zongzhi.sqlite3*"):
        old.unlink()
    from zongzhi_desktop.demo.generate import generate
    from zongzhi_desktop.store.database import Store

    t = time.perf_counter()
    store = Store(path)
    generate(store, records=records, seed=7, today=TODAY, progress=lambda m: print("  ", m, flush=True))
    store.close()
    took = time.perf_counter() - t
    marker.write_text(f"{took:.1f}")
    return path, took


def timed(fn):  # type: ignore[no-untyped-def]
    c, w = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c, time.perf_counter() - w, out


def whole_process(folder: Path, kind: str, code: str, out: Path) -> tuple[float, float]:
    env = dict(os.environ, ZONGZHI_TODAY=TODAY.isoformat(), ZONGZHI_USER="admin", ZONGZHI_PASSWORD="zongzhi-admin",
               QT_QPA_PLATFORM="offscreen")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zongzhi_desktop", "--data-dir", str(folder), "report", kind,
                    "--period", code, "-o", str(out)], env=env, check=True, capture_output=True)
    wall = time.perf_counter() - w
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def replay(path: Path, captured: list[tuple[str, object]]) -> int:
    con = sqlite3.connect(path)
    got = 0
    for sql, params in captured:
        got += len(con.execute(sql, params).fetchall())  # type: ignore[arg-type]
    con.close()
    return got


def measure(folder: Path, records: int) -> list[str]:
    from zongzhi_desktop.reports import service as rs
    from zongzhi_desktop.services import Actor, Services
    from zongzhi_desktop.store.database import Store

    path, gen_s = ensure_store(folder, records)
    con = sqlite3.connect(path)
    n = {t: con.execute(f"SELECT count(*) FROM {t} WHERE voided = 0").fetchone()[0]
         for t in ("petition", "dispute", "case_package", "dispatch_item")}
    n["status_span"] = con.execute("SELECT count(*) FROM status_span").fetchone()[0]
    con.close()
    lines = [f"**{records:,} records** (petitions {n['petition']:,}, disputes {n['dispute']:,}, packages "
             f"{n['case_package']:,}, dispatch items {n['dispatch_item']:,}; {n['status_span']:,} status spans; "
             f"generated in {gen_s:.0f} s incl. the status history)", "",
             "| Sheet | First click CPU / wall | Warm build (best of 3) | Whole process to PDF CPU / wall | "
             "Raw SQL floor CPU / wall (rows) | Build ÷ floor | Stock statements / their floor |",
             "|---|---|---|---|---|---|---|"]
    for kind, code in SHEETS:
        store = Store(path)
        svc = Services(store, Actor("admin", "admin", "管理员"), today=lambda: TODAY)
        statements: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, parameters, context, executemany,  # type: ignore[no-untyped-def]
                    statements=statements):
            statements.append((statement, parameters))

        event.listen(store.engine, "before_cursor_execute", capture)
        c1, w1, _r = timed(lambda kind=kind, code=code, svc=svc: rs.render_sheet(svc, kind, code, "pdf"))
        event.remove(store.engine, "before_cursor_execute", capture)
        captured = [s for s in statements if s[0].lstrip().upper().startswith("SELECT")]
        warm = min(timed(lambda kind=kind, code=code, svc=svc: rs.build_report(svc, kind, code))[1]
                   for _ in range(RUNS))
        store.close()
        floor = min((timed(lambda captured=captured: replay(path, captured)) for _ in range(RUNS)),
                    key=lambda x: x[1])
        stock = [s for s in captured if "status_span" in s[0]]
        stock_floor = min(timed(lambda stock=stock: replay(path, stock))[1] for _ in range(RUNS))
        # the stock statements' share of the build, timed through the ORM connection
        store = Store(path)
        with store.engine.connect() as conn:
            def run_stock(conn=conn, stock=stock) -> None:
                for sql, params in stock:
                    conn.exec_driver_sql(sql, params).fetchall()  # type: ignore[arg-type]
            stock_t = min(timed(run_stock)[1] for _ in range(RUNS))
        store.close()
        pc, pw = whole_process(folder, kind, code, folder / f"{kind}.pdf")
        lines.append(f"| {LABEL[kind]} {code} | {c1:.2f} s / {w1:.2f} s | {warm:.2f} s | {pc:.2f} s / {pw:.2f} s | "
                     f"{floor[0]:.2f} s / {floor[1]:.2f} s ({floor[2]:,}) | {warm / floor[1]:.1f}× | "
                     f"{len(stock)}: {stock_t:.3f} s / {stock_floor:.3f} s |")
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--store", default=str(Path(tempfile.gettempdir()) / "zongzhi-bench-scale"))
    args = ap.parse_args()
    body = [f"Township stores made by the demo generator (seed 7, today {TODAY}); sheets built as at A = the "
            "period's end from the status history (status_span). First click = the first build and PDF of the "
            "sheet on a freshly opened store in a running process; whole process = `zongzhi report …` from "
            "process start to a written PDF (child CPU user+system). The floor replays exactly the SELECT "
            "statements the build executed through plain sqlite3 in the same run.", ""]
    for records in args.records:
        body += [*measure(Path(args.store) / str(records), records), ""]
    body.append(NOTE)
    write_section("sheet_scale", "报表随数据量的变化 (bench/bench_sheet_scale.py)", "\n".join(body))


if __name__ == "__main__":
    main()
