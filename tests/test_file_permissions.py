"""Files only their owner reads (issue 14 item 2): the data folder 0700, the store, its WAL, backups
and logs 0600 on POSIX, whatever the umask; on Windows an owner-only ACL (command checked here)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from zongzhi_desktop.fileperms import windows_acl_command
from zongzhi_desktop.store import migrate

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_open_umask(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZONGZHI_")}, "ZONGZHI_TODAY": "2026-12-07",
           "ZONGZHI_USER": "clerk", "ZONGZHI_PASSWORD": "zongzhi-clerk"}  # the demo store is encrypted
    return subprocess.run([sys.executable, "-m", "zongzhi_desktop", *args], capture_output=True, text=True, env=env,
                          timeout=180, preexec_fn=lambda: os.umask(0o022))


def test_data_folder_and_every_store_file_are_private(tmp_path: Path) -> None:
    data = tmp_path / "综治"
    done = run_open_umask("--data-dir", str(data), "demo", "--records", "200")
    assert done.returncode == 0, done.stderr
    assert mode(data) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.name == "zongzhi.sqlite3" for p in files)
    for p in files:
        assert mode(p) == 0o600, p
    (data / "zongzhi.sqlite3").chmod(0o644)
    os.chmod(data, 0o755)  # as an older release left them
    done = run_open_umask("--data-dir", str(data), "list", "petition")
    assert done.returncode == 0, done.stderr
    assert mode(data) == 0o700 and mode(data / "zongzhi.sqlite3") == 0o600
    wal = data / "zongzhi.sqlite3-wal"
    assert not wal.exists() or mode(wal) == 0o600


def test_pre_upgrade_backup_is_private(tmp_path: Path) -> None:
    import sqlite3

    store = tmp_path / "s.sqlite3"
    con = sqlite3.connect(store)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    old = os.umask(0o022)
    try:
        backup = migrate.backup_sqlite(store)
    finally:
        os.umask(old)
    assert mode(backup) == 0o600
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_windows_acl_command_grants_owner_system_and_administrators_only() -> None:
    cmd = windows_acl_command(Path("C:/Users/xz/AppData/Local/zongzhi-desktop"), "TOWN\\xz")
    assert cmd[:3] == ["icacls", str(Path("C:/Users/xz/AppData/Local/zongzhi-desktop")), "/inheritance:r"]
    assert cmd[3] == "/grant:r"
    assert cmd[4:] == ["TOWN\\xz:(OI)(CI)F", "*S-1-5-18:(OI)(CI)F", "*S-1-5-32-544:(OI)(CI)F"]
