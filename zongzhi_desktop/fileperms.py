"""Files only their owner reads (issue 14 item 2).

POSIX: the data folder is 0700 and the store, its WAL and journal, backups and logs are 0600, so
another account on the same PC reads nothing, whatever its umask. Windows: the data folder's ACL is
replaced by one granting full control to the signed-in user, SYSTEM and the Administrators group
only (`icacls`, inheritance removed; SIDs so that localized group names do not matter). Folders and
files that belong to another account (a shared folder chosen with --data-dir) are left as they are.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_SYSTEM_SID = "*S-1-5-18"
_ADMINISTRATORS_SID = "*S-1-5-32-544"
_log = logging.getLogger(__name__)
_done: set[Path] = set()


def _owned(path: Path) -> bool:
    return not hasattr(os, "getuid") or path.stat().st_uid == os.getuid()


def windows_acl_command(folder: Path, user: str) -> list[str]:
    """The icacls command that limits `folder` (and what it will hold) to `user`, SYSTEM and Administrators."""
    grant = "(OI)(CI)F"
    return ["icacls", str(folder), "/inheritance:r",
            "/grant:r", f"{user}:{grant}", f"{_SYSTEM_SID}:{grant}", f"{_ADMINISTRATORS_SID}:{grant}"]


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it readable by its owner only."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    resolved = path.resolve()
    if resolved in _done:
        return path
    if sys.platform == "win32":
        user = f"{os.environ.get('USERDOMAIN', '')}\\{os.environ.get('USERNAME', '')}".lstrip("\\")
        if user:
            done = subprocess.run(windows_acl_command(resolved, user), capture_output=True, text=True)
            if done.returncode != 0:  # not fatal (e.g. a FAT-formatted drive has no ACLs), but said
                _log.warning("icacls %s failed: %s", resolved, (done.stderr or done.stdout).strip())
    elif _owned(resolved) and resolved.stat().st_mode & 0o777 != PRIVATE_DIR:
        os.chmod(resolved, PRIVATE_DIR)
    _done.add(resolved)
    return path


def private_file(path: Path) -> None:
    """Make an existing file readable and writable by its owner only (POSIX; Windows relies on the folder's ACL)."""
    path = Path(path)
    if sys.platform != "win32" and path.exists() and _owned(path) and path.stat().st_mode & 0o777 != PRIVATE_FILE:
        os.chmod(path, PRIVATE_FILE)


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist (SQLite gives its WAL and journal the
    database file's mode, so they are private too), or tighten an existing one and its WAL/journal."""
    path = Path(path)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        os.close(fd)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
              path.with_name(path.name + "-journal")):
        private_file(p)
