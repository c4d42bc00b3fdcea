"""The writer of the crash harness (tests/crash_harness.py): runs one kind of write in a loop and
prints `ACK <what>` after each write the program has reported as done, so the harness knows what
must survive a SIGKILL.

    python tests/crash_writer.py save|import|backup|migrate DATA_DIR
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

from zongzhi_desktop.paths import store_path
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store.database import Store

TODAY = date(2026, 12, 7)


def open_store(data: Path) -> Store:
    """The demo store, encrypted: its key from the demo administrator's password (as a sign-in would)."""
    from zongzhi_desktop.store import keys

    path = store_path(data)
    keyfile = keys.keyfile_path(path)
    key = keys.load(keyfile).unwrap_user("admin", "zongzhi-admin") if keyfile.exists() else None
    return Store(path, key=key)


def ack(what: str) -> None:
    sys.stdout.write(f"ACK {what}\n")
    sys.stdout.flush()


def save(data: Path) -> None:
    """New petitions, one transaction each (record, workflow event, audit entry, search rows)."""
    svc = Services(open_store(data), Actor("clerk", "clerk"), today=lambda: TODAY)
    n = 0
    while True:
        n += 1
        rec = svc.create("petition", {"received_date": "2026-12-01", "form": "visit", "route": "direct",
                                      "category": "suggestion", "subject": "urban_rural_construction",
                                      "petitioner_name": f"压测{n}", "request": f"第{n}次保存"}).record
        svc.act("petition", rec.id, "accept", {"decision_date": "2026-12-02", "decision": "accept"})
        ack(rec.serial)


def ledger(path: Path, n: int, rows: int = 40) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["序号", "来访日期", "信访人", "信访形式", "信访类别", "问题类别", "反映问题"])
        for i in range(rows):
            w.writerow([i + 1, "2026-11-02", f"导入{n}号{i}", "来访", "建议意见类", "城乡建设", f"第{n}批第{i}行"])
    return path


def import_ledgers(data: Path) -> None:
    """Ledger imports: one batch, one transaction (and a verified backup before each)."""
    from zongzhi_desktop.ledger.importer import commit_import, plan_import

    svc = Services(open_store(data), Actor("clerk", "clerk"), today=lambda: TODAY)
    n = 0
    while True:
        n += 1
        plan = plan_import(svc, "petition", ledger(data / f"台账{n}.csv", n))
        result = commit_import(svc, plan)
        ack(f"{result.batch_id} {n}")


def backup(data: Path) -> None:
    from zongzhi_desktop.services.backup import make_backup

    key = open_store(data).key  # the copies are encrypted under the store's key
    while True:
        ack(str(make_backup(store_path(data), key=key).backup.path))


def migrate(data: Path) -> None:
    """Opening a store of an older schema upgrades it (one transaction, a verified backup first)."""
    open_store(data).engine.dispose()
    ack("migrated")


MODES = {"save": save, "import": import_ledgers, "backup": backup, "migrate": migrate}

if __name__ == "__main__":
    MODES[sys.argv[1]](Path(sys.argv[2]))
