"""Schema upgrades through Alembic, with a backup of the SQLite file before any change."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revisions() -> set[str]:
    """Every head of the migration graph (branches from parallel features are all applied)."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def backup_sqlite(path: Path) -> Path:
    """Copy a live SQLite file consistently (sqlite3 backup API, WAL included) next to it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.before-upgrade-{stamp}{path.suffix}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(engine: Engine, revision: str = "heads", *, backup: bool = True) -> Path | None:
    """Upgrade the database to `revision` in one transaction; returns the backup path if one was made.

    A fresh (empty) database gets no backup. On SQLite the whole upgrade is one transaction, so a
    failing migration leaves the previous schema intact.
    """
    backup_path: Path | None = None
    current = current_revisions(engine)
    target = head_revisions() if revision == "heads" else {revision}
    if current == target:
        return None
    db_file = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if backup and db_file and current and Path(db_file).exists():
        backup_path = backup_sqlite(Path(db_file))
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return backup_path
