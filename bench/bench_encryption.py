"""Benchmark: the encrypted store (SQLCipher) against the same store in plain SQLite (issue 14).

Usage: .venv/bin/python bench/bench_encryption.py [--records 1000000] [--store DIR] [--repeat 7]

A plain demo store of N records (`zongzhi demo` generator, seed 1; kept in DIR for later runs) and an
encrypted copy of it (`sqlcipher_export`, the conversion path of services/unlock.py) are opened in the
same process; every operation runs on both, interleaved (plain, encrypted, plain, …) so that the
shared machine's load hits both alike, and reports the median CPU time (time.process_time) and wall
time of each. The operations are the real paths of the window and the CLI:
- open: open the store (key the connection) and read the first list page, a fresh connection;
- list: the first page of the petition list in a fresh list (fresh connection: a first click);
- list, warm: the next page from the same list;
- search 2 / 3 characters: a fresh petition list searched for 工资 / 宅基地 in disputes;
- save: register a petition (services.create: validation, repeat check, search rows, audit entry).
Budget (issue 14): list, search and save within 1.3× of the plain store at 1,000,000 records.
Results go to docs/performance.md (section "encryption").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import write_section

from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.services.listing import Lister, ListQuery
from zongzhi_desktop.services.unlock import encrypt_file
from zongzhi_desktop.store import keys
from zongzhi_desktop.store.database import Store

TODAY = date(2026, 11, 20)
BUDGET = 1.3


def build(folder: Path, records: int) -> tuple[Path, Path, bytes]:
    """The plain store and its encrypted copy (made once, kept)."""
    from zongzhi_desktop.demo.generate import generate

    plain = folder / "plain" / "zongzhi.sqlite3"
    encrypted = folder / "encrypted" / "zongzhi.sqlite3"
    key_file = folder / "encrypted" / "bench.key"  # this bench's own copy of the key: test data only
    if not plain.exists():
        plain.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        store = Store(plain)
        generate(store, records=records, seed=1, today=TODAY)
        store.close()
        print(f"plain store generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if not encrypted.exists():
        encrypted.parent.mkdir(parents=True, exist_ok=True)
        key = keys.new_data_key()
        started = time.perf_counter()
        encrypt_file(plain, encrypted, key)
        key_file.write_text(key.hex())
        print(f"encrypted copy made in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return plain, encrypted, bytes.fromhex(key_file.read_text())


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = args.store or Path(f"/tmp/zongzhi-bench-enc/demo-{args.records}")
    plain_path, enc_path, key = build(folder, args.records)
    stores = {"plain": Store(plain_path), "encrypted": Store(enc_path, key=key)}
    services = {name: Services(store, Actor("clerk", "clerk", "王芳"), today=lambda: TODAY)
                for name, store in stores.items()}
    village = services["plain"].codes  # warm the code tables of both (not part of any figure)
    del village
    with stores["plain"].session() as s:
        village_name = s.connection().exec_driver_sql("SELECT name FROM village LIMIT 1").scalar_one()
    serial = iter(range(1, 1_000_000))

    def petition() -> dict[str, object]:
        n = next(serial)
        return {"received_date": "2026-11-20", "form": "来访", "petitioner_name": f"测试{n:06d}",
                "id_number": "", "phone": "", "village_id": village_name, "category": "申诉求决类",
                "subject": "劳动社保", "request": f"要求帮助追讨拖欠工资（第{n}件）"}

    def first_page(name: str, query: ListQuery) -> Callable[[], object]:
        def run() -> object:
            lister = Lister(services[name])
            rows = lister.page(query, 0)
            lister.close()
            return rows
        return run

    warm_listers = {name: Lister(services[name]) for name in stores}
    warm_offset = {name: 0 for name in stores}

    def warm_page(name: str) -> Callable[[], object]:
        def run() -> object:
            warm_offset[name] += 50
            return warm_listers[name].page(ListQuery("petition"), warm_offset[name])
        return run

    def open_store(name: str) -> Callable[[], object]:
        def run() -> object:
            store = Store(plain_path) if name == "plain" else Store(enc_path, key=key)
            lister = Lister(Services(store, Actor("clerk", "clerk"), today=lambda: TODAY))
            rows = lister.page(ListQuery("petition"), 0)
            lister.close()
            store.close()
            return rows
        return run

    operations: list[tuple[str, Callable[[str], Callable[[], object]]]] = [
        ("open the store + first list page", open_store),
        ("list: first page (fresh list)", lambda n: first_page(n, ListQuery("petition"))),
        ("list: next page (warm)", warm_page),
        ("search 2 characters: 工资", lambda n: first_page(n, ListQuery("petition", search="工资"))),
        ("search 3 characters: 宅基地 (disputes)", lambda n: first_page(n, ListQuery("dispute", search="宅基地"))),
        ("save: register a petition", lambda n: lambda: services[n].create("petition", petition())),
    ]
    rows = []
    for label, make in operations:
        samples: dict[str, list[tuple[float, float]]] = {"plain": [], "encrypted": []}
        for name in stores:  # one untimed run each: imports and statement caches are not the subject
            make(name)()
        for _ in range(args.repeat):
            for name in stores:
                samples[name].append(timed(make(name)))
        cpu = {n: statistics.median(c for c, _ in s) for n, s in samples.items()}
        wall = {n: statistics.median(w for _, w in s) for n, s in samples.items()}
        ratio = cpu["encrypted"] / cpu["plain"] if cpu["plain"] > 0 else float("nan")
        verdict = "within" if ratio <= BUDGET else "**over budget**"
        rows.append(f"| {label} | {cpu['plain'] * 1000:.1f} / {wall['plain'] * 1000:.1f} ms "
                    f"| {cpu['encrypted'] * 1000:.1f} / {wall['encrypted'] * 1000:.1f} ms | {ratio:.2f}× | {verdict} |")
        print(rows[-1], file=sys.stderr)
    for lister in warm_listers.values():
        lister.close()
    sizes = {n: sum(p.stat().st_size for p in s.path.parent.glob("zongzhi.sqlite3*")) for n, s in stores.items()}
    for store in stores.values():
        store.close()
    body = "\n".join([
        f"Store: demo generator, {args.records:,} records (seed 1), plain {sizes['plain'] / 1e9:.2f} GB, "
        f"encrypted copy {sizes['encrypted'] / 1e9:.2f} GB (SQLCipher 4, AES-256 with HMAC-SHA256 per 4 KB page, "
        "raw 256-bit key, memory security off). Both opened in one process, every operation interleaved "
        f"plain/encrypted, median of {args.repeat}; CPU time (process) / wall. The save rows write to both "
        "stores (each run adds a petition). Budget (issue 14): list, search and save within 1.3× of plain.",
        "",
        "| Operation | Plain CPU / wall | Encrypted CPU / wall | Encrypted ÷ plain (CPU) | Budget 1.3× |",
        "|---|---|---|---|---|",
        *rows,
    ])
    write_section("encryption", f"加密存储 / Encrypted store at {args.records:,} records (bench/bench_encryption.py)", body)


if __name__ == "__main__":
    main()
