"""Benchmark: township sheets at several store sizes — first click, whole process, raw floor.

Usage: .venv/bin/python bench/bench_sheet_scale.py [--records 10000 50000 100000] [--store DIR]

For each store size (demo generator, seed 7, today 2026-11-20; kept in DIR for later runs) and
each sheet (周研判 2026-W46, 月调度 2026-10, 季推进 2026-Q3):
- first click: a child process that has imported the app and opened the store (a running app)
  times the first build of the sheet and its PDF (bench/_first_click.py), CPU and wall; median
  of 3 fresh children;
- whole process: `zongzhi report <sheet> … -o x.pdf` from process start to a finished PDF, CPU
  (user + system of the child) and wall — interpreter start, imports, sign-in (argon2), opening
  the store, figures, font loading and layout;
- floor: the very SELECT statements the first click sent, replayed through the raw driver (sqlcipher3
  keyed with the store's data key, as every township store is encrypted) in the
  same run (rows fetched), CPU and wall (best of 3): the database work of the same aggregation.
Results go to docs/performance.md (section "sheet_scale").
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import write_section

TODAY = date(2026, 11, 20)
SHEETS = (("weekly", "2026-W46"), ("monthly", "2026-10"), ("quarterly", "2026-Q3"))
LABEL = {"weekly": "周研判", "monthly": "月调度", "quarterly": "季推进"}
RUNS = 3
NOTE = ("Figures are counted by the database (COUNT / SUM with GROUP BY, the sets of one family in one "
        "statement) over the period's date index (covering indexes, migration 0011); the ids behind a number are "
        "fetched only when it is clicked or the sheet is signed, so the floor's rows are a few hundred group counts, "
        "not the records. At a township the first click is mostly fixed Python work (building ~60-80 statements, "
        "the report object, the layout), hence the large ratio to a floor of a few milliseconds. Whole process "
        "(measured apart on the 50,000 store with process_time checkpoints): interpreter start and imports of the "
        "CLI and the report code about 0.5 s CPU (SQLAlchemy, SQLModel/pydantic and the 45 model classes about "
        "0.35 s, reportlab about 0.1 s), opening the store 0.05 s, the CLI sign-in (one argon2 verification, by "
        "design) about 0.15 s, then the figures and the PDF as in the first click, and about 0.05 s of interpreter "
        "exit. What start-up no longer pays (issue 13): the cyclic garbage collector re-walking the start-up heap "
        "while modules were imported (0.3-0.4 s; zongzhi_desktop/startup.py), reportlab's parse of the CJK font "
        "(0.065 s; reports/fontcache.py keeps it parsed in the user cache), reportlab's pure-Python accelerators "
        "(rl_accel) and chart attribute checks (0.03 s), pydantic schemas of tables the command never validates "
        "(0.02 s), the package metadata read for --version (0.015 s). The demo generator spreads every store over "
        "the same two years, so the larger stores are denser, not longer: their periods hold more records; the 10× "
        "history check adds older years instead.")


USER, PASSWORD = "admin", "zongzhi-admin"  # the demo administrator


COUNTY_SLOT, COUNTY_PASS = "county", "county-pass-123"  # bench/load_county.py's county key passphrase


@functools.cache
def store_key(path: Path) -> bytes | None:
    """The data key of an encrypted store (one Argon2id): a township's unwrapped with the demo
    administrator's password, a county hub's with the bench county's key passphrase; None for a
    plain store."""
    from zongzhi_desktop.store import keys

    keyfile = keys.keyfile_path(path)
    if not keyfile.exists():
        return None
    loaded = keys.load(keyfile)
    slot, secret = (COUNTY_SLOT, COUNTY_PASS) if COUNTY_SLOT in loaded.slots else (USER, PASSWORD)
    return loaded.unwrap_user(slot, secret)


def connect(path: Path) -> Any:
    """A raw DB-API connection (sqlite3, or sqlcipher3 keyed for an encrypted store): the floor."""
    from zongzhi_desktop.store.engine import connect_file

    return connect_file(path, store_key(path))


def ensure_store(folder: Path, records: int) -> tuple[Path, float]:
    """A demo township store of `records` records, encrypted as every township store is (generated
    plain, then converted by the first sign-in, services/unlock.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zongzhi.sqlite3"
    marker = folder / f"records-{records}-v3"
    if path.exists() and marker.exists():
        return path, float(marker.read_text() or 0)
    for old in [*folder.glob("zongzhi.sqlite3*"), *folder.glob("records-*")]:
        old.unlink()
    from zongzhi_desktop.demo.generate import generate
    from zongzhi_desktop.services.unlock import sign_in
    from zongzhi_desktop.store.database import Store

    t = time.perf_counter()
    store = Store(path)
    generate(store, records=records, seed=7, today=TODAY, progress=lambda m: print("  ", m, flush=True))
    store.close()
    took = time.perf_counter() - t
    sign_in(path, USER, PASSWORD).store.close()  # converts it to an encrypted store
    marker.write_text(f"{took:.1f}")
    return path, took


HISTORY_TABLES = ("petition", "dispute", "case_package", "dispatch_item", "activity", "activity_participant",
                  "package_progress", "status_span")
# Columns holding the id of a copied row: they get the copy's suffix too.
HISTORY_REFS = {"id", "activity_id", "package_id", "record_id", "petition_id", "repeat_of_id"}
STILL = "9999-12-31"


def ensure_history_store(base: Path, folder: Path, copies: int) -> Path:
    """The base store plus `copies` earlier copies of its records, each moved back by a further two
    years (every DATE column shifted; a span still open in the copy ends on the copy's own "today"),
    so the store holds (1 + copies)× the history at the same density, and the periods measured hold
    exactly the base store's records."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zongzhi.sqlite3"
    marker = folder / f"history-{copies}"
    if path.exists() and marker.exists():
        return path
    from zongzhi_desktop.store import keys

    shutil.copyfile(base, path)
    if keys.keyfile_path(base).exists():
        shutil.copyfile(keys.keyfile_path(base), keys.keyfile_path(path))  # same data key
    con = connect(path)
    for k in range(1, copies + 1):
        years = -2 * k
        for table in HISTORY_TABLES:
            cols = [(r[1], r[2]) for r in con.execute(f"PRAGMA table_info({table})")
                    if not (r[1] == "id" and r[2] == "INTEGER")]  # a numbered key numbers itself
            exprs = []
            for name, typ in cols:
                if name in HISTORY_REFS:
                    exprs.append(f"CASE WHEN {name} IS NULL THEN NULL ELSE {name} || '-h{k}' END")
                elif typ == "DATE" and table == "status_span" and name == "end_date":
                    exprs.append(f"CASE WHEN {name} = '{STILL}' THEN date('{TODAY}', '{years} years') "
                                 f"ELSE date({name}, '{years} years') END")
                elif typ == "DATE":
                    exprs.append(f"date({name}, '{years} years')")
                else:
                    exprs.append(name)
            names = ", ".join(n for n, _t in cols)
            con.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(exprs)} FROM {table} "
                        f"WHERE {'record_id' if table == 'status_span' else 'id'} NOT LIKE '%-h%'")
        con.commit()
    con.close()
    marker.write_text("ok")
    return path


def first_click(path: Path, kind: str, code: str, mode: str = "township", runs: int = RUNS) -> dict:  # type: ignore[type-arg]
    """The first click in a running app, measured in a child process (bench/_first_click.py); each
    run is a fresh child, and the run with the median CPU time is reported (the machine is shared)."""
    got = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "_first_click.py"), mode,
                              str(path), kind, code, TODAY.isoformat()], check=True, capture_output=True, text=True,
                             env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        got.append(json.loads(out.stdout.strip().splitlines()[-1]))
    got.sort(key=lambda r: r["cpu"])
    return got[len(got) // 2]


def floor(path: Path, statements: list) -> tuple[float, float, int]:  # type: ignore[type-arg]
    """Best of RUNS replays of the statements through the raw driver: (CPU, wall, rows)."""
    best: tuple[float, float, int] | None = None
    for _ in range(RUNS):
        c, w = time.process_time(), time.perf_counter()
        rows = replay(path, statements)
        got = (time.process_time() - c, time.perf_counter() - w, rows)
        if best is None or got[0] < best[0]:
            best = got
    assert best is not None
    return best


def compile_bytecode() -> None:
    """Compile the app's modules to bytecode, as installing the package (pip, the desktop build)
    does. Without it a process run under PYTHONDONTWRITEBYTECODE (set on the machines these
    benches ran on) compiles the app's ~180 modules again at every start, ~0.2-0.4 s CPU that an
    installed app never pays."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "zongzhi_desktop"), quiet=1)


def whole_process(folder: Path, kind: str, code: str, out: Path, runs: int = RUNS) -> tuple[float, float]:
    """`zongzhi report …` from process start to the written PDF: (CPU, wall) of the run with the
    median CPU of `runs` (the machine is shared). The parsed font is in the user cache (written
    by the first print of an installation; `warm_up` does it)."""
    env = dict(os.environ, ZONGZHI_TODAY=TODAY.isoformat(), ZONGZHI_USER="admin", ZONGZHI_PASSWORD="zongzhi-admin",
               QT_QPA_PLATFORM="offscreen")
    got = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w = time.perf_counter()
        subprocess.run([sys.executable, "-m", "zongzhi_desktop", "--data-dir", str(folder), "report", kind,
                        "--period", code, "-o", str(out)], env=env, check=True, capture_output=True)
        wall = time.perf_counter() - w
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        got.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall))
    got.sort()
    return got[len(got) // 2]


def warm_up(folder: Path) -> None:
    """Bytecode compiled and the font cache written, as on an installed app that has printed once."""
    compile_bytecode()
    whole_process(folder, "weekly", SHEETS[0][1], folder / "warm-up.pdf", runs=1)


def replay(path: Path, captured: list) -> int:  # type: ignore[type-arg]
    con = connect(path)
    got = 0
    for sql, params in captured:
        got += len(con.execute(sql, params).fetchall())
    con.close()
    return got


def measure(folder: Path, records: int) -> list[str]:
    path, gen_s = ensure_store(folder, records)
    con = connect(path)
    n = {t: con.execute(f"SELECT count(*) FROM {t} WHERE voided = 0").fetchone()[0]
         for t in ("petition", "dispute", "case_package", "dispatch_item")}
    n["status_span"] = con.execute("SELECT count(*) FROM status_span").fetchone()[0]
    con.close()
    lines = [f"**{records:,} records** (petitions {n['petition']:,}, disputes {n['dispute']:,}, packages "
             f"{n['case_package']:,}, dispatch items {n['dispatch_item']:,}; {n['status_span']:,} status spans; "
             f"generated in {gen_s:.0f} s incl. the status history)", "",
             "| Sheet | First click CPU / wall (font + figures + PDF CPU) | Raw SQL floor CPU / wall (statements, rows) | "
             "Figures ÷ floor (CPU) | Whole process to PDF CPU / wall |",
             "|---|---|---|---|---|"]
    warm_up(folder)
    for kind, code in SHEETS:
        fc = first_click(path, kind, code)
        fl = floor(path, fc["statements"])
        pc, pw = whole_process(folder, kind, code, folder / f"{kind}.pdf")
        over = " **over budget (< 1.0 s)**" if kind == "quarterly" and records == 50_000 and pc >= 1.0 else ""
        lines.append(f"| {LABEL[kind]} {code} | {fc['cpu']:.2f} s / {fc['wall']:.2f} s ({fc['font_cpu']:.2f} + "
                     f"{fc['build_cpu']:.2f} + {fc['pdf_cpu']:.2f} s) | {fl[0]:.3f} s / {fl[1]:.3f} s ({len(fc['statements'])}, {fl[2]:,}) | "
                     f"{fc['build_cpu'] / max(fl[0], 1e-3):.1f}× | {pc:.2f} s / {pw:.2f} s{over} |")
        print(lines[-1], flush=True)
    return lines


def history(folder: Path, records: int, copies: int) -> list[str]:
    """The same sheets on the store and on the store with (1 + copies)× the history."""
    base, _ = ensure_store(folder / str(records), records)
    longer = ensure_history_store(base, folder / f"{records}-history{copies}", copies)
    con = connect(longer)
    n = con.execute("SELECT count(*) FROM petition").fetchone()[0] + con.execute("SELECT count(*) FROM dispute").fetchone()[0]
    con.close()
    lines = [f"**{1 + copies}× the history**: the {records:,}-record store plus {copies} copies of its records moved "
             f"back 2, 4, … {2 * copies} years ({n:,} petitions and disputes; the measured periods hold the same "
             "records). Budget: 10× more history adds < 20%.", "",
             "| Sheet | Figures CPU (median of 3 first clicks): store / 10× history (change) | Raw floor CPU: store / 10× history | "
             "First click CPU: store / 10× history |", "|---|---|---|---|"]
    for kind, code in SHEETS:
        a, b = first_click(base, kind, code), first_click(longer, kind, code)
        fa, fb = floor(base, a["statements"]), floor(longer, b["statements"])
        change = 100.0 * (b["build_cpu"] - a["build_cpu"]) / max(a["build_cpu"], 1e-3)
        mark = " **over budget (< 20%)**" if change >= 20 else ""
        lines.append(f"| {LABEL[kind]} {code} | {a['build_cpu']:.3f} s / {b['build_cpu']:.3f} s ({change:+.0f}%){mark} | "
                     f"{fa[0]:.3f} s / {fb[0]:.3f} s | {a['cpu']:.2f} s / {b['cpu']:.2f} s |")
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, nargs="*", default=[10_000, 50_000, 100_000])
    ap.add_argument("--history", type=int, default=9, help="earlier copies for the history check (0: skip)")
    ap.add_argument("--history-records", type=int, default=50_000)
    ap.add_argument("--store", default=str(Path(tempfile.gettempdir()) / "zongzhi-bench-scale"))
    args = ap.parse_args()
    body = [f"Township stores made by the demo generator (seed 7, today {TODAY}); stock figures as at A = the "
            "period's end from the status history (status_span). First click = the first build and PDF of the "
            "sheet in a running app (a child process that has imported the app, opened the store and settled its heap as the window "
            "does once shown); whole "
            "process = `zongzhi report …` from process start to a written PDF (child CPU user+system; median of 3; "
            "the app's bytecode compiled and the parsed font cached first, as on an installed app that has printed "
            "once). The floor "
            "replays exactly the SELECT statements of the first click through the raw driver in the same run "
            "(sqlcipher3 with the store's data key: township stores are encrypted, SQLCipher 4). "
            "Budget (issue 13): township quarterly sheet at 50,000 records, whole process < 1.0 s CPU.", ""]
    for records in args.records:
        body += [*measure(Path(args.store) / str(records), records), ""]
    if args.history:
        body += [*history(Path(args.store), args.history_records, args.history), ""]
    body.append(NOTE + f" Load average when the run ended: {os.getloadavg()[0]:.1f} (2 cores shared with other work; "
                "CPU time of the same work grows with the load, so compare runs of one session).")
    write_section("sheet_scale", "报表随数据量的变化 (bench/bench_sheet_scale.py)", "\n".join(body))


if __name__ == "__main__":
    main()
