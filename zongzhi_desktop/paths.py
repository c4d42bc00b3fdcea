"""Where the store lives: --data-dir, then ZONGZHI_HOME, then the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

STORE_FILE = "zongzhi.sqlite3"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve and create the data directory."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get("ZONGZHI_HOME"):
        path = Path(os.environ["ZONGZHI_HOME"])
    else:
        path = Path(platformdirs.user_data_dir("zongzhi-desktop", appauthor=False))
    from .fileperms import private_dir

    return private_dir(path)  # 0700 on POSIX, owner-only ACL on Windows (fileperms.py)


def store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Path of the township store file inside the data directory."""
    return data_dir(explicit) / STORE_FILE
