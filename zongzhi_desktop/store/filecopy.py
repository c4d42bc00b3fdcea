"""Consistent copies of a live SQLite store, published only when complete (pre-upgrade backups in
migrate.py, backups in services/backup.py)."""

from __future__ import annotations

import os
from pathlib import Path

from ..fileperms import create_private_file


def copy_sqlite(source: Path, partial: Path, key: bytes | None = None) -> None:
    """Copy `source` (backup API, WAL included) into `partial` (mode 0600) as one self-contained file;
    an encrypted store's copy is encrypted under the same key."""
    from .engine import connect_file

    partial.unlink(missing_ok=True)
    create_private_file(partial)
    src = connect_file(source, key)
    try:
        dst = connect_file(partial, key)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def publish(partial: Path, final: Path) -> None:
    """Sync `partial`, rename it to `final` and sync the folder, so the rename survives a power cut."""
    with open(partial, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, final)
    try:
        fd = os.open(final.parent, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; NTFS journals the rename itself
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
