"""A 100,000-row dispute ledger (台账导入): read + detect + validate + preview, then import, against
the bulk insert path for the same rows, in CPU time, in the same run.

    .venv/bin/python bench/bench_ledger_import.py [--rows N] [--no-write]

The ledger is an .xlsx written once with openpyxl (title row, 填报单位 row, header, dates in
three spellings, free-text states, two applicants in some cells) and cached under /tmp. Budgets
(issue 12): preview < 5 s; import < 15 s and within 3x of services/bulk.py inserting the same
dispute, party and workflow-event rows into a copy of the same empty store. Writes its section
of docs/performance.md.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from bench._report import write_section
from zongzhi_desktop.demo.people import PeopleFactory
from zongzhi_desktop.domain import models as m
from zongzhi_desktop.ledger.importer import commit_import, plan_import
from zongzhi_desktop.ledger.mapping import Mapping, suggest_columns
from zongzhi_desktop.ledger.read import read_sheets
from zongzhi_desktop.services import Actor, Services, bulk, open_services

TODAY = date(2026, 11, 20)
VILLAGES = [(f"330825101{i:03d}", name) for i, name in enumerate(
    ("城东村", "城西村", "溪口村", "河西社区", "湖镇社区", "下徐村", "马报桥村", "沙田湖村"), start=1)]
TYPES = ("邻里纠纷", "婚姻家庭", "土地纠纷", "劳资纠纷", "物业纠纷", "合同纠纷", "损害赔偿", "宅基地")
STATES = ("已化解", "调解成功", "化解", "调解中", "调解不成", "已受理", "")
LEVELS = ("村级", "乡镇级", "村级", "县级")
HEADER = ["序号", "当事人姓名", "身份证号", "联系电话", "被申请人", "村居", "纠纷类型", "纠纷来源", "排查日期",
          "化解情况", "化解日期", "调解途径", "协议形式", "化解层级"]


def write_ledger(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    people = PeopleFactory(rnd, "330825", TODAY)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("2025年")
    ws.append(["湖镇镇2025年矛盾纠纷排查化解台账"])
    ws.append(["填报单位：湖镇镇综治中心", None, None, None, None, None, None, None, "填报人：王五"])
    ws.append(HEADER)
    for i in range(n):
        a, b = people.person(), people.person()
        found = date(2025, 1, 1) + timedelta(days=rnd.randrange(300))
        spelled = rnd.randrange(3)
        found_cell = (datetime(found.year, found.month, found.day) if spelled == 0
                      else f"{found.year}.{found.month}.{found.day}" if spelled == 1
                      else f"{found.year}年{found.month}月{found.day}日")
        state = rnd.choice(STATES)
        end = found + timedelta(days=rnd.randrange(1, 40)) if state in ("已化解", "调解成功", "化解", "调解不成") else None
        names = a.name if rnd.random() < 0.8 else f"{a.name}、{people.person().name}"
        ws.append([i + 1, names, a.id_number if "、" not in names else None, a.phone, b.name, rnd.choice(VILLAGES)[1],
                   rnd.choice(TYPES), "网格员排查", found_cell, state, end.isoformat() if end else None,
                   "人民调解", "口头协议", rnd.choice(LEVELS)])
    wb.save(path)


def fresh_store(template: Path, target: Path) -> Services:
    shutil.copy(template, target)
    svc = open_services(target, today=lambda: TODAY)
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    return svc


def cpu(fn):  # type: ignore[no-untyped-def]
    t0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - t0, time.perf_counter() - w0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = ap.parse_args()
    ledger = Path(tempfile.gettempdir()) / f"zongzhi-bench-ledger-{args.rows}.xlsx"
    if not ledger.exists():
        print(f"writing {ledger} …", flush=True)
        write_ledger(ledger, args.rows)
    work = Path(tempfile.mkdtemp(prefix="zongzhi-bench-ledger-"))
    try:
        template = work / "template.sqlite3"
        svc = open_services(template, today=lambda: TODAY)
        svc.initialize(township_code="330825101", township_name="湖镇镇", county_code="330825", county_name="龙游县",
                       admin_username="admin", admin_password="admin-pass-1")
        svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
        for code, name in VILLAGES:
            svc.create("village", {"code": code, "name": name})
        svc.store.close()

        _, read_cpu, _ = cpu(lambda: read_sheets(ledger))  # the raw floor of the preview: calamine alone
        svc = fresh_store(template, work / "import.sqlite3")
        headers = [c for s in read_sheets(ledger) for c in s.rows[2]]
        mapping = Mapping("dispute", suggest_columns("dispute", [str(h) for h in headers]))
        plan, plan_cpu, plan_wall = cpu(lambda: plan_import(svc, "dispute", ledger, mapping=mapping))
        assert not plan.errors, plan.errors[:3]
        result, import_cpu, import_wall = cpu(lambda: commit_import(svc, plan))
        assert result.imported == args.rows

        other = fresh_store(template, work / "bulk.sqlite3")
        disputes = [p.record for p in plan.prepared]
        parties = [r for p in plan.prepared for r in p.parties]
        events = [r for p in plan.prepared for r in p.events]

        def bulk_path() -> None:
            with other.session() as s:
                for model, rows in ((m.Dispute, disputes), (m.DisputeParty, parties), (m.WorkflowEvent, events)):
                    bulk.insert_rows(s, model, rows, username="admin", batch_size=len(rows))

        _, bulk_cpu, bulk_wall = cpu(bulk_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def mark(value: float, budget: float) -> str:
        return f"{value:.2f} s" + (" **over budget**" if value > budget else "")

    ratio = import_cpu / bulk_cpu
    body = f"""
A {args.rows:,}-row dispute ledger (.xlsx; dates in three spellings, free-text states, some cells with two
applicants): {result.imported:,} disputes, {result.parties:,} parties and {result.events:,} workflow events.
CPU time (wall time in brackets), one process, same run.

| step | CPU | budget | raw floor in the same run | ratio |
| --- | --- | --- | --- | --- |
| read + detect header + map + validate + preview (`plan_import`) | {mark(plan_cpu, 5)} ({plan_wall:.2f} s) | < 5 s | python-calamine read alone: {read_cpu:.2f} s | {plan_cpu / read_cpu:.1f}× |
| import: one transaction, one audit entry (`commit_import`) | {mark(import_cpu, 15)} ({import_wall:.2f} s) | < 15 s, ≤ 3× bulk | services/bulk.py, same rows: {bulk_cpu:.2f} s ({bulk_wall:.2f} s) | {ratio:.2f}×{' **over budget**' if ratio > 3 else ''} |

The import also writes the records' status history (status_span rows replayed from the events, which
the bulk floor does not do). Where the preview's time went (cProfile and py-spy on this ledger, before
the work on it: 11.5 s): per-field coercion walking every field of every spec list five times a row,
the cyclic garbage collector re-walking about a million live dicts (1.4 s at 100,000 rows), building
the insert rows (UUIDs, party and event dicts, event JSON) that the preview never shows, and repeated
ID-number normalisation and clock reads. Now: only present fields are coerced (absent ones take a
precomputed answer), the collector is paused while rows are built, insert rows are built by the
import, not the preview, deadline sums and content keys are prepared once per batch or sheet. Every
rule still runs on every row (the same field specs and workflow steps as the form). The remaining
time is python-calamine's read (the floor), validating unique values (names, ID numbers, phones) and
replaying each row's workflow steps. Runs on this shared 2-core machine vary by about ±10%, so a
preview measured just under 5 s can come out just over it.
"""
    print(body)
    if not args.no_write:
        write_section("ledger_import", "台账导入 / Ledger import (issue 12)", body)


if __name__ == "__main__":
    main()
