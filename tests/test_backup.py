"""Backups and restore (issue 14 item 4): verified before they get their name, rotated, mirrored,
and a damaged store brought back from one."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from zongzhi_desktop.domain.clock import CHINA_TZ
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.services.backup import (
    BackupFailed,
    BackupFile,
    daily_backup_if_due,
    keep_set,
    list_backups,
    make_backup,
    restore,
    rotate,
    verify_copy,
)
from zongzhi_desktop.store.database import Store

NOW = datetime(2026, 12, 7, 9, 30)


# The demo's administrator (the CLI's stores are encrypted: every command signs in).
DEMO_ADMIN = {"ZONGZHI_USER": "admin", "ZONGZHI_PASSWORD": "zongzhi-admin"}


def cli(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ZONGZHI_")}
    full.update({"ZONGZHI_TODAY": "2026-12-07", **DEMO_ADMIN, **(env or {})})
    return subprocess.run([sys.executable, "-m", "zongzhi_desktop", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=full, timeout=300)


def demo_key(store: Path) -> bytes | None:
    """The data key of an encrypted demo store (None for a plain one)."""
    from zongzhi_desktop.store import keys

    if not keys.keyfile_path(store).exists():
        return None
    return keys.load(keys.keyfile_path(store)).unwrap_user("admin", "zongzhi-admin")


def petitions(path: Path) -> int:
    from zongzhi_desktop.store.engine import connect_file

    con = connect_file(path, demo_key(path))
    try:
        return int(con.execute("SELECT count(*) FROM petition").fetchone()[0])
    finally:
        con.close()


def test_backup_is_verified_private_and_named_only_when_complete(admin: Services) -> None:
    store = admin.store.path
    result = make_backup(store, now=NOW.replace(tzinfo=CHINA_TZ))
    path = result.backup.path
    assert path.name == "zongzhi-20261207-093000-manual.sqlite3" and path.parent == store.parent / "backups"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert result.audit_entries > 0 and verify_copy(path) == result.audit_entries
    assert not list(path.parent.glob("*.partial"))
    again = make_backup(store, now=NOW.replace(tzinfo=CHINA_TZ))  # same second: a new name, never overwritten
    assert again.backup.path != path and [b.path for b in list_backups(path.parent)] == [again.backup.path, path]


def test_a_store_that_fails_its_checks_is_not_backed_up(admin: Services) -> None:
    store = admin.store.path
    con = sqlite3.connect(store)
    con.execute("UPDATE app_user SET role='admin' WHERE username='clerk'")
    con.commit()
    con.close()
    with pytest.raises(BackupFailed, match="审计校验未通过") as err:
        make_backup(store)
    assert "clerk" in err.value.message and err.value.exit_code == 1
    assert list((store.parent / "backups").iterdir()) == []  # nothing with a backup's name, no leftovers


def test_rotation_keeps_7_days_4_weeks_12_months_and_every_manual_backup(tmp_path: Path) -> None:
    made = [NOW - timedelta(days=d, hours=h) for d in range(400) for h in (0, 5)]
    backups = [BackupFile(tmp_path / f"zongzhi-{m:%Y%m%d-%H%M%S}-daily.sqlite3", m, "daily") for m in made]
    kept = sorted((b for b in backups if b.path in keep_set(backups)), key=lambda b: b.made, reverse=True)
    days = {b.made.date() for b in kept}
    assert {NOW.date() - timedelta(days=d) for d in range(7)} <= days
    assert all(b.made.hour == 9 for b in kept)  # the newest of its day, week or month
    assert len({b.made.isocalendar()[:2] for b in kept}) >= 4
    assert len({(b.made.year, b.made.month) for b in kept}) == 12
    assert 12 <= len(kept) <= 7 + 4 + 12
    # On disk: automatic ones rotate, a manual one is never removed.
    for b in backups[:30]:
        b.path.write_bytes(b"x")
    manual = tmp_path / "zongzhi-20200101-000000-manual.sqlite3"
    manual.write_bytes(b"x")
    imports = [tmp_path / f"zongzhi-202612{d:02d}-080000-import.sqlite3" for d in range(1, 8)]
    for p in imports:
        p.write_bytes(b"x")
    removed = rotate(tmp_path)
    assert manual.exists() and len(removed) == 30 - len(keep_set(backups[:30])) + 2
    assert [p.exists() for p in imports] == [False, False, True, True, True, True, True]  # the newest five


def test_mirror_copy_and_a_missing_mirror_is_reported(admin: Services, tmp_path: Path) -> None:
    result = make_backup(admin.store.path, kind="daily", mirror=tmp_path / "u盘" / "综治备份")
    assert result.mirrored is not None and result.mirrored.read_bytes() == result.backup.path.read_bytes()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    result = make_backup(admin.store.path, kind="daily", mirror=blocked / "综治备份")
    assert result.mirrored is None and "第二备份位置" in (result.mirror_problem or "")
    assert result.backup.path.exists()


def test_daily_backup_once_a_day(admin: Services) -> None:
    first = daily_backup_if_due(admin.store.path)
    assert first is not None and first.backup.kind == "daily"
    assert daily_backup_if_due(admin.store.path) is None


def test_damaged_store_restored_from_backup_through_the_cli(tmp_path: Path) -> None:
    data = tmp_path / "综治"
    assert cli(data, "demo", "--records", "200").returncode == 0
    done = cli(data, "backup", "--json")
    assert done.returncode == 0, done.stderr
    backup = Path(__import__("json").loads(done.stdout)["file"])
    count = petitions(data / "zongzhi.sqlite3")
    with open(data / "zongzhi.sqlite3", "r+b") as fh:  # a disk that went bad under the store
        fh.seek(4096)
        fh.write(os.urandom(64 * 1024))
    broken = cli(data, "list", "petition")
    assert broken.returncode == 1 and "无法打开数据库" in broken.stderr and "Traceback" not in broken.stderr
    listed = cli(data, "backup", "--list")
    assert listed.returncode == 0 and backup.name in listed.stdout
    refused = cli(data, "restore", str(backup))  # not a terminal, no --yes: nothing happens
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = cli(data, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    assert "校验通过" in done.stdout and "原数据库另存为" in done.stdout
    assert petitions(data / "zongzhi.sqlite3") == count
    assert len(list(data.glob("zongzhi.replaced-*.sqlite3"))) == 1
    verify = cli(data, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    from zongzhi_desktop.store.engine import connect_file

    con = connect_file(data / "zongzhi.sqlite3", demo_key(data / "zongzhi.sqlite3"))
    assert con.execute("SELECT action FROM audit_log WHERE action = 'restore'").fetchone() == ("restore",)
    con.close()


def test_restore_refuses_a_file_that_is_not_a_verified_store(admin: Services, tmp_path: Path) -> None:
    bogus = tmp_path / "zongzhi-20261201-000000-manual.sqlite3"
    bogus.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    before = admin.store.path.read_bytes()
    with pytest.raises(BackupFailed):
        restore(admin.store.path, bogus, username="test")
    assert admin.store.path.read_bytes() == before


@pytest.mark.parametrize("trial", range(4))
def test_backup_killed_at_a_random_point_leaves_only_verified_backups(tmp_path: Path, trial: int) -> None:
    """SIGKILL while `zongzhi backup` runs: whatever carries a backup's name verifies; the store is intact."""
    data = tmp_path / "综治"
    assert cli(data, "demo", "--records", "2000").returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONGZHI_")}
    env.update({"ZONGZHI_TODAY": "2026-12-07", **DEMO_ADMIN})
    proc = subprocess.Popen([sys.executable, "-m", "zongzhi_desktop", "--data-dir", str(data), "backup"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3 + 0.25 * trial)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    key = demo_key(data / "zongzhi.sqlite3")
    assert key is not None
    for b in list_backups(data / "backups"):
        assert verify_copy(b.path, key) > 0
    assert cli(data, "audit", "verify").returncode == 0


def _petition(svc: Services, name: str) -> None:
    svc.create("petition", {"received_date": "2026-11-01", "form": "visit", "route": "direct",
                            "category": "suggestion", "subject": "urban_rural_construction",
                            "petitioner_name": name, "request": "修路"})


def test_backups_witness_a_chain_cut_short_or_rewritten_since(admin: Services) -> None:
    """An attacker who deletes the newest audit entries and fixes the chain's end marker, or who
    rewrites an entry and recomputes every later hash, leaves a chain that verifies on its own; the
    end of the chain recorded in a backup gives it away."""
    clerk = Services(admin.store, Actor("clerk", "clerk"), today=admin._today)
    _petition(clerk, "甲")
    witness = make_backup(admin.store.path)
    head_seq = int(sqlite3.connect(witness.backup.path).execute("SELECT seq FROM audit_head").fetchone()[0])
    _petition(clerk, "乙")
    assert admin.verify_audit()[1] == []
    path = admin.store.path

    con = sqlite3.connect(path)
    cut = head_seq - 2
    con.execute("DELETE FROM audit_log WHERE seq > ?", (cut,))
    con.execute("UPDATE audit_head SET seq = ?, hash = (SELECT hash FROM audit_log WHERE seq = ?)", (cut, cut))
    con.commit()
    con.close()
    problems = [p.message for p in admin.verify_audit()[1]]
    assert any(f"现在的审计链没有第{head_seq}条：审计链在备份之后被删短" in p for p in problems), problems


def test_a_rehashed_rewrite_is_caught_by_the_backup(admin: Services) -> None:
    from zongzhi_desktop.store.audit import entry_hash

    clerk = Services(admin.store, Actor("clerk", "clerk"), today=admin._today)
    _petition(clerk, "丙")
    make_backup(admin.store.path)
    from sqlalchemy import select

    from zongzhi_desktop.domain.models import AuditEntry, AuditHead

    with admin.session() as session, session.begin():  # the attacker has the program's code
        entries = list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())
        prev = entries[0].prev_hash
        for i, e in enumerate(entries):
            if i == 1:
                e.username = "someone-else"  # the forged change
            e.prev_hash = prev
            e.hash = entry_hash(e.seq, e.at, e.username, e.action, e.record_kind, e.record_id, e.before, e.after, prev)
            prev = e.hash
        session.get(AuditHead, 1).hash = prev
    from zongzhi_desktop.store import audit

    with admin.session() as session:
        assert audit.verify(session)[1] == []  # the chain on its own looks whole …
    problems = [p.message for p in admin.verify_audit()[1]]
    assert any("审计链在备份之后被改写" in p for p in problems), problems  # … the backup says otherwise


def test_no_witness_alarm_after_a_restore_to_an_older_backup(admin: Services) -> None:
    clerk = Services(admin.store, Actor("clerk", "clerk"), today=admin._today)
    _petition(clerk, "丁")
    older = make_backup(admin.store.path).backup.path
    _petition(clerk, "戊")
    make_backup(admin.store.path)  # a newer backup with a longer chain
    admin.store.close()
    restore(admin.store.path, older, username="admin")
    svc = Services(Store(admin.store.path), Actor("admin", "admin"), today=admin._today)
    assert svc.verify_audit()[1] == []


def test_attachments_go_to_a_backup_on_another_disk_and_come_back(encrypted_admin: Services, tmp_path: Path) -> None:
    """A PC replaced from a USB-stick backup keeps its attached scans (encrypted files copied as they are)."""
    svc = encrypted_admin
    p = svc.create("petition", {"received_date": "2026-11-18", "form": "来信", "petitioner_name": "张三",
                                "category": "申诉求决类", "request": "要求解决拖欠工资"}).record
    att = svc.attach("petition", p.id, b"%PDF-1.4 scanned letter", "来信.pdf")
    stick = tmp_path / "u盘"
    result = make_backup(svc.store.path, to=stick, key=svc.store.key)
    [copied] = (stick / "attachments").glob("*/*")
    assert copied.read_bytes() == svc.attachment_files().files()[0].read_bytes()
    assert make_backup(svc.store.path, kind="manual", to=stick, key=svc.store.key)  # second time: nothing new
    # The own backup folder sits next to the attachments: no second copy there.
    make_backup(svc.store.path, key=svc.store.key)
    assert not (svc.store.path.parent / "backups" / "attachments").exists()

    svc.store.close()
    import shutil
    shutil.rmtree(svc.store.path.parent / "attachments")
    restore(svc.store.path, result.backup.path, username="admin", key=svc.store.key)
    again = Services(type(svc.store)(svc.store.path, key=svc.store.key), svc.actor, today=svc._today)
    assert again.attachment_bytes(att.id) == b"%PDF-1.4 scanned letter"
