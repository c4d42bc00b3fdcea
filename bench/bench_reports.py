"""Benchmark: weekly, monthly and quarterly sheets (PDF and XLSX) for a 50,000-record township.

Usage: .venv/bin/python bench/bench_reports.py [--records 50000] [--store DIR]

The store is generated once with the demo generator (`zongzhi demo`'s code) and kept in the
given folder for later runs. Each sheet is timed three times (best run reported) in three parts:
figure queries (building the report object), PDF rendering, XLSX rendering. The baseline is the
very SQL the figure step executed, captured and replayed through a plain sqlite3 connection in
the same run, so the ratio shows what the report layer costs on top of the database work.
Results go to docs/performance.md (section "reports").
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import write_section

from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.reports.render_pdf import render_pdf
from zongzhi_desktop.reports.render_xlsx import render_xlsx
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store.database import Store

TODAY = date(2026, 11, 20)
SHEETS = (("weekly", "2026-W46"), ("monthly", "2026-10"), ("quarterly", "2026-Q3"))
RUNS = 3


def ensure_store(folder: Path, records: int) -> Path:
    path = folder / "zongzhi.sqlite3"
    marker = folder / f"records-{records}"
    if path.exists() and marker.exists():
        return path
    for old in folder.glob("zongzhi.sqlite3*"):
        old.unlink()
    from zongzhi_desktop.demo.generate import generate

    t = time.perf_counter()
    store = Store(path)
    generate(store, records=records, seed=7, today=TODAY, progress=lambda m: print("  ", m, flush=True))
    store.close()
    marker.write_text("ok")
    print(f"generated {records} records in {time.perf_counter() - t:.1f} s", flush=True)
    return path


def best(fn, runs: int = RUNS):  # type: ignore[no-untyped-def]
    """Best of `runs` by CPU time: (CPU s, wall s of that run, result)."""
    results = []
    out = None
    for _ in range(runs):
        c, t = time.process_time(), time.perf_counter()
        out = fn()
        results.append((time.process_time() - c, time.perf_counter() - t))
    cpu, wall = min(results)
    return cpu, wall, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--store", default=str(Path(tempfile.gettempdir()) / "zongzhi-bench-reports"))
    args = ap.parse_args()
    folder = Path(args.store)
    folder.mkdir(parents=True, exist_ok=True)
    path = ensure_store(folder, args.records)
    store = Store(path)
    svc = Services(store, Actor("reviewer", "reviewer", "李建国"), today=lambda: TODAY)
    counts = sqlite3.connect(path)
    n = {t: counts.execute(f"SELECT count(*) FROM {t} WHERE voided = 0").fetchone()[0]
         for t in ("petition", "dispute", "case_package", "dispatch_item", "activity")}
    counts.close()

    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    rows = []
    for kind, code in SHEETS:
        rs.build_report(svc, kind, code)  # warm the page cache once, like a clerk's second click
        event.listen(store.engine, "before_cursor_execute", capture)
        statements.clear()
        rs.build_report(svc, kind, code)
        event.remove(store.engine, "before_cursor_execute", capture)
        captured = list(statements)
        t_build, w_build, report = best(lambda kind=kind, code=code: rs.build_report(svc, kind, code))
        t_pdf, _w, pdf = best(lambda report=report: render_pdf(report))
        t_xlsx, _w, _x = best(lambda report=report: render_xlsx(report))

        def replay(captured=captured) -> int:
            con = sqlite3.connect(path)
            got = 0
            for sql, params in captured:
                got += len(con.execute(sql, params).fetchall())  # type: ignore[arg-type]
            con.close()
            return got

        t_raw, w_raw, _ = best(replay)
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        rows.append((kind, code, report, len(captured), t_build, t_raw, t_pdf, t_xlsx, pages, len(pdf), w_build, w_raw))
        print(f"{kind} {code}: queries {len(captured)}, build {t_build:.3f}s CPU (raw {t_raw:.3f}s), "
              f"pdf {t_pdf:.3f}s ({pages} pages), xlsx {t_xlsx:.3f}s", flush=True)

    label = {"weekly": "周研判", "monthly": "月调度", "quarterly": "季推进"}
    body = [
        f"Demo township of {args.records:,} records (petitions {n['petition']:,}, disputes {n['dispute']:,}, "
        f"packages {n['case_package']:,}, dispatch items {n['dispatch_item']:,}, activities {n['activity']:,}), "
        f"generated by the demo generator with seed 7 and today {TODAY}. Warm, in one process: best of {RUNS} "
        "runs each by CPU time (time.process_time; wall time of the figure step in brackets). First clicks and "
        "whole processes are in the next section (bench_sheet_scale.py).",
        "",
        "| Sheet | Figure queries CPU (wall) | Baseline: same SQL replayed in raw sqlite3 CPU (wall) | Ratio | PDF render | "
        "Build + PDF | XLSX render | Build + XLSX | Pages |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, code, _r, nq, tb, traw, tp, tx, pages, size, wb, wr in rows:
        target = " (target < 2 s)" if kind == "quarterly" else ""
        body.append(f"| {label[kind]} {code} | {tb:.2f} s ({wb:.2f} s; {nq} statements) | {traw:.3f} s ({wr:.3f} s) | "
                    f"{tb / max(traw, 1e-3):.1f}× | "
                    f"{tp:.2f} s | **{tb + tp:.2f} s**{target} | {tx:.2f} s | {tb + tx:.2f} s | {pages} ({size // 1024} KB) |")
    body += [
        "",
        "The figure step counts in the database: one grouped query per family of figure sets and period (this "
        "period, the previous one and the same period last year, each month of a quarter); the ids behind a "
        "number are fetched only when it is clicked or the sheet is signed. The baseline replays exactly those "
        "statements and fetches their rows with sqlite3 (no ORM, no report object). PDF time is reportlab laying out and subsetting the "
        "embedded CJK font; lists on the sheets stop at 30 rows (the counts above them stay exact), so page "
        "counts do not grow with the store.",
    ]
    write_section("reports", "报表生成 (bench/bench_reports.py)", "\n".join(body))
    store.close()


if __name__ == "__main__":
    main()
