"""Schema upgrades through Alembic, with a backup of the SQLite file before any change."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions that need it: opening an up-to-date store (every
# start of the window) then never loads it (see `declared_heads`).

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(script_location: Path | None = None) -> Config:
    """Alembic configuration for the shipped migrations (or another script folder, for tests)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or MIGRATIONS_DIR))
    return cfg


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Schema objects that exist only in migrations, not on the models (0004: FTS tables, list
    indexes; 0019: n-gram tables); autogenerate and the schema-equals-models test leave them out."""
    if type_ == "table" and name and ("_fts" in name or "_grams" in name or name == "search_seq"):
        return False
    return not (type_ == "index" and name and name.startswith("ixl_"))


def head_revisions(script_location: Path | None = None) -> set[str]:
    """Every head of the migration graph (branches from parallel features are all applied)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config(script_location)).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


_REVISION_RE = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]\s*$", re.M)
_DOWN_RE = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def declared_heads(script_location: Path | None = None) -> set[str] | None:
    """The graph's heads from the version files' `revision` / `down_revision` lines, without
    importing Alembic; None when a file has another shape (the caller then asks Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(((script_location or MIGRATIONS_DIR) / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION_RE.findall(source), _DOWN_RE.findall(source)
        if len(rev) != 1 or len(down) != 1:
            return None
        revisions.add(rev[0])
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down[0]))
    heads = revisions - parents
    return heads or None


def stamped_revisions(engine: Engine) -> set[str] | None:
    """Revisions recorded in the database's alembic_version table (None if there is none)."""
    with engine.connect() as conn:
        try:
            return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
        except Exception:  # no table yet (a new database)
            return None


def backup_sqlite(path: Path, key: bytes | None = None) -> Path:
    """Copy a live SQLite file consistently (sqlite3 backup API, WAL included) next to it.

    The copy is written under a temporary name, checked (integrity_check) and only then renamed,
    so a start killed mid-backup never leaves a file that looks like a backup but is empty."""
    from ..domain.clock import CHINA_TZ, now

    stamp = now().astimezone(CHINA_TZ).strftime("%Y%m%d-%H%M%S")  # China time, like the daily backups
    target = path.with_name(f"{path.stem}.before-upgrade-{stamp}{path.suffix}")
    partial = target.with_name(target.name + ".partial")
    from .engine import connect_file
    from .filecopy import copy_sqlite, publish

    copy_sqlite(path, partial, key)
    src = connect_file(partial, key, readonly=True)
    try:
        verdict = src.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        src.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        from ..domain.errors import MigrationFailed

        raise MigrationFailed(f"升级前备份数据库失败（完整性检查：{verdict}），没有升级；数据库保持原样")
    publish(partial, target)
    return target


def upgrade(engine: Engine, revision: str = "heads", *, backup: bool = True,
            script_location: Path | None = None, key: bytes | None = None) -> Path | None:
    """Upgrade the database to `revision` in one transaction; returns the backup path if one was made.

    A fresh (empty) database gets no backup. On SQLite the whole upgrade is one transaction, so a
    failing migration leaves the previous schema intact.
    """
    if revision == "heads":
        fast = declared_heads(script_location)
        if fast is not None and stamped_revisions(engine) == fast:
            return None  # already current, decided without loading Alembic
    from alembic import command
    from alembic.script import ScriptDirectory

    backup_path: Path | None = None
    current = current_revisions(engine)
    target = head_revisions(script_location) if revision == "heads" else {revision}
    if current == target:
        return None
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config(script_location)).walk_revisions()}
    if current - known:
        from ..domain.errors import DomainError

        newer = "、".join(sorted(current - known))
        raise DomainError(f"此数据库由更新版本的综治桌面创建（数据库版本 {newer}），请先升级本程序再打开")
    db_file = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if backup and db_file and current and Path(db_file).exists():
        backup_path = backup_sqlite(Path(db_file), key)
    cfg = alembic_config(script_location)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch mode recreates a table (copy, DROP, rename); with foreign keys enforced, dropping
            # a table that other rows reference fails. SQLite honours this PRAGMA only outside a
            # transaction, so it is set on the raw connection before BEGIN and checked before COMMIT.
            # legacy_alter_table: the final RENAME must not re-parse triggers of other tables that
            # name the table being rebuilt (0004's search triggers), which fails mid-rebuild.
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            raw.execute("PRAGMA legacy_alter_table=ON")  # type: ignore[union-attr]
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        table, rowid = broken[0][0], broken[0][1]
                        raise RuntimeError(f"数据库升级后外键检查未通过（{table} 第{rowid}行等{len(broken)}处），升级已撤销")
        except Exception as e:
            from ..domain.errors import DomainError, MigrationFailed

            if isinstance(e, DomainError):
                raise
            logging.getLogger(__name__).exception("schema upgrade failed")
            kept = f"；升级前的备份：{backup_path}" if backup_path else ""
            raise MigrationFailed(
                f"数据库升级失败（版本 {'、'.join(sorted(current)) or '空'} → {'、'.join(sorted(target))}）："
                f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}。数据库保持升级前的状态{kept}。"
                "请把日志交给技术支持") from e
        finally:
            if sqlite:
                raw.execute("PRAGMA legacy_alter_table=OFF")  # type: ignore[union-attr]
                raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    return backup_path
