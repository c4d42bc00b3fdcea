"""Benchmark: export of 100,000 changed rows and their county import, against raw sqlite3.

Run: .venv/bin/python bench/bench_sync.py [--rows 100000]

A township store gets N synced rows (petitions with their timeline events, disputes with parties)
inserted directly; then, in the same run:
  - export:   zongzhi_desktop.sync.export.export_bundle (select unacknowledged rows, encode, compress,
              encrypt, sign, write, fsync, read back and verify, rename, record)
  - baseline: raw sqlite3 SELECT of the same rows from the same store
  - import:   zongzhi_desktop.county.importer.import_bundle into an empty county store (verify,
              decrypt, validate every row, upsert in one transaction, receipt, audit)
  - baseline: raw sqlite3 executemany of the same rows into an empty store with the same schema
              (same indexes and triggers), one transaction
  - receipt:  applying the 100,000-row receipt at the township
Targets (design.md §7): export < 5 s, import < 10 s and within 3x of the raw executemany.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import write_section

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import init_county, register_township, unlock_county_keys
from zongzhi_desktop.services import Actor, open_services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.rowcodec import (
    whole_tables as synced_tables,  # what a county holds as the township does
)
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

PASS = "bench-pass-123"
TOWN, COUNTY = "330825101", "330825"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
REQUESTS = ["要求解决拖欠工资问题", "反映宅基地界址纠纷，请求村委会协调", "对征地补偿标准有异议",
            "反映邻居违规搭建影响通行", "要求落实低保待遇", "反映企业排污影响农田灌溉"]


def ts(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy stores UTCDateTime on SQLite


def fill(path: Path, n: int, rnd: random.Random) -> dict[str, int]:
    """Insert about n synced rows with plain sqlite3 (generation is not what is measured)."""
    con = sqlite3.connect(path)
    now = datetime(2026, 11, 20, 8, tzinfo=UTC)
    n_pet, n_ev, n_dis = int(n * 0.3), int(n * 0.5), int(n * 0.1)
    n_par = n - n_pet - n_ev - n_dis
    common = lambda i: (f"{i:08d}-0000-4000-8000-{rnd.getrandbits(48):012x}", TOWN, 1, ts(now - timedelta(minutes=i)),  # noqa: E731
                        "clerk", ts(now - timedelta(minutes=i)), "clerk", 0, None)
    base_cols = "id, township_code, revision, created_at, created_by, updated_at, updated_by, voided, void_reason"
    village = ("v-bench-1", *common(0)[1:])
    con.execute(f"INSERT INTO village ({base_cols}, code, name, kind) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (*village, TOWN + "001", "东村", "village"))
    pets = []
    for i in range(n_pet):
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        day = (now - timedelta(days=rnd.randrange(700))).date()
        pets.append((*common(i), f"XF-{day.year}-{i:06d}", day.isoformat(), "visit", "direct", name, None,
                     f"139{rnd.randrange(10**8):08d}", "东村" + str(rnd.randrange(1, 20)) + "组", "v-bench-1", 1, None,
                     0, 0, 0, "demand", "labour", rnd.choice(REQUESTS), "具体事实经过" * 5, None, "accepted",
                     (day + timedelta(days=60)).isoformat(), "conclude", (day + timedelta(days=15)).isoformat()))
    con.executemany(
        f"INSERT INTO petition ({base_cols}, serial, received_date, form, route, petitioner_name, id_number, phone,"
        " address, village_id, headcount, representatives, is_group, is_repeat, is_skip_level, category, subject,"
        " request, facts, reasons, status, next_deadline, next_deadline_kind, accept_deadline)"
        f" VALUES ({','.join('?' * 32)})", pets)
    evs = []
    for i in range(n_ev):
        p = pets[i % len(pets)]
        evs.append((*common(n_pet + i), "petition", p[0], rnd.choice(["register", "accept", "assign"]), p[10], "clerk",
                    "登记", '{"decision":"accept"}'))
    con.executemany(f"INSERT INTO workflow_event ({base_cols}, record_kind, record_id, action, event_date, actor, note,"
                    f" data) VALUES ({','.join('?' * 16)})", evs)
    dis = []
    for i in range(n_dis):
        day = (now - timedelta(days=rnd.randrange(700))).date()
        dis.append((*common(n_pet + n_ev + i), f"JF-{day.year}-{i:06d}", "宅基地界址纠纷", day.isoformat(), "grid_screening",
                    "homestead", "双方因宅基地界址发生争执" * 3, "v-bench-1", 2, 0.0, "medium", 0, 0, "registered"))
    con.executemany(f"INSERT INTO dispute ({base_cols}, serial, title, found_date, source, type, description, village_id,"
                    f" people_count, amount, risk_level, homicide_risk, turned_criminal, status)"
                    f" VALUES ({','.join('?' * 22)})", dis)
    par = []
    for i in range(n_par):
        d = dis[i % len(dis)]
        par.append((*common(n_pet + n_ev + n_dis + i), d[0], rnd.choice(SURNAMES) + rnd.choice(GIVEN), "applicant",
                    None, f"137{rnd.randrange(10**8):08d}", "东村"))
    con.executemany(f"INSERT INTO dispute_party ({base_cols}, dispute_id, name, role, id_number, phone, address)"
                    f" VALUES ({','.join('?' * 15)})", par)
    con.commit()
    con.close()
    return {"petition": n_pet, "workflow_event": n_ev, "dispute": n_dis, "dispute_party": n_par, "village": 1}


def raw_select(path: Path) -> tuple[float, dict[str, list[tuple]]]:
    con = sqlite3.connect(path)
    t0 = time.perf_counter()
    rows = {t: con.execute(f'SELECT * FROM "{t}" WHERE township_code = ?', (TOWN,)).fetchall() for t in synced_tables()}
    took = time.perf_counter() - t0
    con.close()
    return took, rows


def raw_insert(path: Path, rows: dict[str, list[tuple]], *, drop_triggers: bool = False) -> float:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    if drop_triggers:  # only to show what the full-text index triggers cost; never done to a real store
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            con.execute(f'DROP TRIGGER "{name}"')
    t0 = time.perf_counter()
    con.execute("BEGIN")
    for table, items in rows.items():
        if items:
            con.executemany(f'INSERT INTO "{table}" VALUES ({",".join("?" * len(items[0]))})', items)
    con.execute("COMMIT")
    took = time.perf_counter() - t0
    con.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep", action="store_true", help="keep the temporary stores")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        (root / "town").mkdir()
        svc = open_services(root / "town" / "zongzhi.sqlite3")
        svc.initialize(township_code=TOWN, township_name="城关镇", county_code=COUNTY, county_name="龙游县",
                       admin_username="admin", admin_password="admin-pass-1")
        svc.actor = Actor("admin", "admin")  # type: ignore[misc]
        (root / "county").mkdir()
        county = Store(root / "county" / "county.sqlite3")
        ident = init_county(county, COUNTY, "龙游县", PASS)
        keys = unlock_county_keys(county, PASS)
        trust_county(svc, ident.profile)
        register_township(county, make_registration_file(svc, PASS).data)
        (root / "base").mkdir()
        Store(root / "base" / "base.sqlite3").close()  # same schema (migrations), empty
        Store(root / "base" / "bare.sqlite3").close()

        made = fill(svc.store.path, args.rows - 1, random.Random(7))  # + the township row itself
        select_s, raw_rows = raw_select(svc.store.path)
        total = sum(len(v) for v in raw_rows.values())

        t0, c0 = time.perf_counter(), time.process_time()
        exported = export_bundle(svc, PASS)
        export_s, export_cpu = time.perf_counter() - t0, time.process_time() - c0
        size = exported.outbox_path.stat().st_size

        t0, c0 = time.perf_counter(), time.process_time()
        result = import_bundle(county, exported.outbox_path, keys)
        import_s, import_cpu = time.perf_counter() - t0, time.process_time() - c0
        assert result.rejected == 0 and result.applied == total, (result.rejected, result.applied, total)

        raw_s = raw_insert(root / "base" / "base.sqlite3", raw_rows)
        bare_s = raw_insert(root / "base" / "bare.sqlite3", raw_rows, drop_triggers=True)
        print(f"export {export_s:.2f}s select {select_s:.2f}s import {import_s:.2f}s raw insert {raw_s:.2f}s"
              f" (without FTS triggers {bare_s:.2f}s)", flush=True)

        t0 = time.perf_counter()
        replay = import_bundle(county, exported.outbox_path, keys)
        replay_s = time.perf_counter() - t0
        assert replay.replay

        t0 = time.perf_counter()
        rec = apply_receipt(svc, result.receipt)
        receipt_s = time.perf_counter() - t0
        assert rec.accepted == total

    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    mix = ", ".join(f"{k} {v:,}" for k, v in made.items())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    body = f"""
{total:,} changed rows ({mix}, township 1); bundle {size / 1e6:.1f} MB, {len(exported.counts)} tables.
Machine load average when the run ended: {load:.1f} (on {os.cpu_count()} cores, shared with other work).

| Step | Wall time (CPU) | Baseline (raw sqlite3, same run) | Ratio | Target |
|---|---|---|---|---|
| Export (select, encode, compress, encrypt, sign, write, fsync, read back, verify) | {export_s:.2f} s ({export_cpu:.2f} s) | SELECT of the same rows {select_s:.2f} s | {export_s / select_s:.1f}× | < 5 s |
| County import into SQLite (verify, decrypt, validate every row, upsert in one transaction, search rows, receipt, audit) | {import_s:.2f} s ({import_cpu:.2f} s) | executemany of the same rows into the same schema, one transaction: {raw_s:.2f} s | {import_s / raw_s:.1f}× | < 10 s, ≤ 3× |
| (same import) | | executemany into the same tables with the search triggers removed: {bare_s:.2f} s | {import_s / bare_s:.1f}× | — |
| Receipt applied at the township ({rec.accepted:,} acknowledgements) | {receipt_s:.2f} s | — | — | — |
| Replay of the same bundle (verified, no-op) | {replay_s:.2f} s | — | — | — |

Export includes one argon2id unlock of the signing key (~0.2 s by design). The raw baselines do no
validation, decryption or hashing. The first import baseline writes into the same migrated schema,
so it pays the full-text search triggers of migration 0004 row by row ({raw_s - bare_s:.1f} s of its
{raw_s:.2f} s); the import instead drops those triggers inside its transaction, refreshes the
search rows of the written records with one set-based statement per table and recreates the
triggers before committing (county/search_refresh.py; a test checks the search rows equal what the
triggers produce). The second baseline has no triggers and no search rows at all, so it is a lower
bound rather than the same work. A county hub on PostgreSQL has no search triggers. Wall time on a
shared machine can exceed CPU time; the CPU column is this process only.
"""
    print(body)
    write_section("sync", "同步批次导出与县级导入 (bench/bench_sync.py)", body)


if __name__ == "__main__":
    main()
