"""Crash harness (issue 14 item 7): a writer subprocess (tests/crash_writer.py) killed with SIGKILL
at a random moment of a save, a ledger import, a backup or a schema upgrade. After each kill:

- SQLite's integrity_check is ok;
- every write the writer acknowledged is there (petition serials, import batches, backup files);
- every file carrying a backup's name verifies;
- the next start works and the audit chain verifies (`zongzhi audit verify`, which also finishes an
  interrupted upgrade).

tests/test_crash_harness.py runs a few trials of each; bench/crash_harness.py runs many.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITER = Path(__file__).resolve().parent / "crash_writer.py"


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONGZHI_")}
    # The demo store is encrypted: commands sign in as the demo administrator.
    env.update(ZONGZHI_TODAY="2026-12-07", PYTHONPATH=str(ROOT), ZONGZHI_USER="admin", ZONGZHI_PASSWORD="zongzhi-admin")
    return env


def store_key(data: Path) -> bytes | None:
    """The data key of the (encrypted) demo store in `data`, from the demo administrator's password."""
    from zongzhi_desktop.store import keys

    keyfile = keys.keyfile_path(data / "zongzhi.sqlite3")
    return keys.load(keyfile).unwrap_user("admin", "zongzhi-admin") if keyfile.exists() else None


def connect(data: Path) -> object:
    from zongzhi_desktop.store.engine import connect_file

    return connect_file(data / "zongzhi.sqlite3", store_key(data))


def zongzhi(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zongzhi_desktop", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=environment(), timeout=600)


def prepare_template(folder: Path, records: int = 2000) -> Path:
    """A demo township store (users clerk/reviewer/admin) to copy for every trial."""
    done = zongzhi(folder, "demo", "--records", str(records))
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return folder


def older_schema(data: Path, revision: str = "0008") -> None:
    """Take a store back to an older schema (Alembic downgrade), as an older release left it."""
    from alembic import command

    from zongzhi_desktop.store import migrate
    from zongzhi_desktop.store.engine import make_engine

    engine = make_engine(data / "zongzhi.sqlite3", key=store_key(data))
    try:
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


@dataclass
class Trial:
    mode: str
    delay: float
    acks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _read_acks(proc: subprocess.Popen[str], acks: list[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ACK "):
            acks.append(line[4:].strip())


def run_trial(template: Path, work: Path, mode: str, delay: float) -> Trial:
    """Copy the template, start the writer, SIGKILL it after `delay` seconds, check everything."""
    data = work / f"{mode}-{delay:.3f}"
    shutil.copytree(template, data)
    if mode == "migrate":
        older_schema(data)
    rows_before = _counts(data) if mode == "migrate" else {}
    trial = Trial(mode, delay)
    proc = subprocess.Popen([sys.executable, str(WRITER), mode, str(data)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment())
    reader = threading.Thread(target=_read_acks, args=(proc, trial.acks), daemon=True)
    reader.start()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(5)
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != -signal.SIGKILL and not (mode == "migrate" and proc.returncode == 0):
        trial.problems.append(f"writer ended by itself ({proc.returncode}) before the kill: {stderr[-800:]}")
    trial.problems += check(data, mode, trial.acks, rows_before)
    return trial


def _counts(data: Path) -> dict[str, int]:
    con = connect(data)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in ("petition", "dispute", "workflow_event", "audit_log", "app_user")}
    finally:
        con.close()


def check(data: Path, mode: str, acks: list[str], rows_before: dict[str, int]) -> list[str]:
    """Everything that must hold after a kill; returns the problems found (empty: all well)."""
    from zongzhi_desktop.services.backup import BackupFailed, list_backups, verify_copy

    problems: list[str] = []
    con = connect(data)
    try:
        verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            problems.append(f"integrity_check: {verdict}")
        if mode == "save":
            serials = {r[0] for r in con.execute("SELECT serial FROM petition")}
            problems += [f"acknowledged petition {s} lost" for s in acks if s not in serials]
        if mode == "import":
            batches = {r[0] for r in con.execute("SELECT id FROM import_batch")}
            problems += [f"acknowledged import batch {a} lost" for a in acks if a.split()[0] not in batches]
    finally:
        con.close()
    key = store_key(data)
    for b in list_backups(data / "backups"):
        try:
            verify_copy(b.path, key)
        except BackupFailed as e:
            problems.append(f"a file with a backup's name does not verify: {e.message}")
    if mode == "backup":
        names = {str(b.path) for b in list_backups(data / "backups")}
        problems += [f"acknowledged backup {a} lost" for a in acks if a not in names]
    verify = zongzhi(data, "audit", "verify")  # the next start (upgrading if it was cut short)
    if verify.returncode != 0:
        problems.append(f"next start / audit verify failed: {verify.stdout[-400:]} {verify.stderr[-400:]}")
    if mode == "migrate":
        after = _counts(data)
        lost = {t: (n, after.get(t)) for t, n in rows_before.items() if after.get(t, 0) < n}
        if lost:
            problems.append(f"rows lost by the interrupted upgrade: {lost}")
    return problems


def delays(mode: str, trials: int, rng: random.Random) -> list[float]:
    """Kill moments spread over the writer's start-up and its first writes (an upgrade of the
    2,000-record template takes about 0.8 s from process start, so its moments fall inside it)."""
    span = {"save": (0.8, 3.0), "import": (1.0, 5.0), "backup": (0.8, 3.0), "migrate": (0.3, 1.0)}[mode]
    return [round(rng.uniform(*span), 3) for _ in range(trials)]
