"""Backups and restore (issue 14 item 4).

A backup is a copy of the store made with SQLite's backup API (consistent while the program runs,
WAL included), written under a `.partial` name with mode 0600, checked — `integrity_check` and the
audit chain of the *copy* — and only then renamed to

    <data>/backups/zongzhi-<YYYYMMDD-HHMMSS>-<kind>.sqlite3      kind: manual | daily | import

so a file with a final name is always a complete, verified store. Automatic backups (daily, before
an import) are rotated: of the daily ones the newest of each of the last 7 days, 4 ISO weeks and
12 months are kept, of the pre-import ones the newest 5 (`rotate`); manual ones are never deleted
by the program. When the setting `backup_mirror_dir`
names a second folder (another disk, a USB stick), each new backup is copied there too; a mirror
that is not plugged in is reported, not fatal.

An encrypted store's backups are encrypted under the same data key, and each backup folder holds a
copy of the store's key file (`zongzhi.sqlite3.keys`, refreshed at every backup), so a backup
opens with any user's password or the recovery key even when the data folder is lost. A backup
folder elsewhere (`--to`, the mirror) also gets the attachment files it lacks (`attachments/`,
encrypted like the store; they never change, so each is copied once), and a restore brings back
those the data folder lacks.

`restore` verifies the backup the same way, keeps the current store aside
(`zongzhi.replaced-<time>.sqlite3`, its WAL with it) and puts the backup in its place; the
restored store records the restore in its audit trail.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..domain import clock
from ..domain.errors import DomainError
from ..fileperms import create_private_file, private_dir
from ..store.filecopy import copy_sqlite, publish

BACKUP_DIR = "backups"
KINDS = {"manual": "手动", "daily": "每日自动", "import": "导入前", "encrypt": "加密前"}
AUTOMATIC = {"daily", "import"}
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12
KEEP_IMPORT = 5  # backups made before an import: the newest five
_NAME_RE = re.compile(r"^zongzhi-(\d{8}-\d{6})-([a-z]+)\.sqlite3$")


class BackupFailed(DomainError):
    """A backup or restore could not be made or verified (exit 1: not the user's input)."""

    exit_code = 1


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made: datetime  # China time, from the name
    kind: str

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass
class BackupResult:
    backup: BackupFile
    audit_entries: int
    mirrored: Path | None = None
    mirror_problem: str | None = None
    removed: list[Path] = field(default_factory=list)


def backup_dir(store_path: Path) -> Path:
    """The store's own backup folder (inside its data folder, private)."""
    return private_dir(store_path.parent / BACKUP_DIR)


def parse_name(path: Path) -> BackupFile | None:
    """A backup file named by this module, or None for any other file."""
    m = _NAME_RE.match(path.name)
    if not m:
        return None
    return BackupFile(path, datetime.strptime(m.group(1), "%Y%m%d-%H%M%S"), m.group(2))


def list_backups(folder: Path) -> list[BackupFile]:
    """Backups in `folder`, newest first (unfinished `.partial` files are not backups)."""
    if not folder.is_dir():
        return []
    found = [b for p in folder.iterdir() if (b := parse_name(p)) is not None]
    return sorted(found, key=lambda b: (b.made, b.path.name), reverse=True)


def _database_error(key: bytes | None) -> type[Exception]:
    from ..store.engine import dbapi_module

    return dbapi_module(key).DatabaseError  # type: ignore[no-any-return]


def verify_copy(path: Path, key: bytes | None = None) -> int:
    """Check a store file on its own: SQLite integrity and its audit chain (`key`: the data key of an
    encrypted store). Returns the number of audit entries; raises BackupFailed naming the first problem."""
    from ..store.engine import connect_file

    try:
        con = connect_file(path, key, readonly=True)
        try:
            verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except _database_error(key) as e:
        hint = "：密钥不对，或不是本数据库的备份" if key is not None and "not a database" in str(e) else ""
        raise BackupFailed(f"{path.name} 不是可用的数据库（{e}）{hint}") from None
    if verdict != "ok":
        raise BackupFailed(f"{path.name} 完整性检查未通过：{verdict}")
    if not {"audit_log", "setting", "app_user"} <= tables:
        raise BackupFailed(f"{path.name} 不是综治桌面乡镇数据库")
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool
    from sqlmodel import Session

    from .admin import audit_problems

    # read-only (never writes the copy), keyed like the store
    engine = create_engine("sqlite://", creator=lambda: connect_file(path, key, readonly=True), poolclass=NullPool)
    try:
        with Session(engine) as session:
            checked, problems = audit_problems(session, rows=False)
    finally:
        engine.dispose()
    if problems:
        first = problems[0]
        where = f"第{first.seq}条：" if first.seq is not None else ""
        raise BackupFailed(f"{path.name} 审计校验未通过（{where}{first.message}；共 {len(problems)} 处），"
                           "请先运行 zongzhi audit verify 查明原因")
    return checked


def make_backup(store_path: Path, *, kind: str = "manual", to: Path | None = None,
                mirror: Path | None = None, now: datetime | None = None, key: bytes | None = None) -> BackupResult:
    """Copy, verify and publish a backup of the store at `store_path` (`key`: its data key when it is
    encrypted; the key file goes along); rotate automatic ones."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not store_path.exists():
        raise BackupFailed(f"没有可备份的数据库：{store_path}")
    moment = (now or clock.now()).astimezone(clock.CHINA_TZ).replace(tzinfo=None)
    folder = private_dir(to) if to else backup_dir(store_path)
    for stale in folder.glob("zongzhi-*.sqlite3.partial"):  # left by a backup killed over an hour ago
        if time.time() - stale.stat().st_mtime > 3600:
            stale.unlink(missing_ok=True)
    final = folder / f"zongzhi-{moment:%Y%m%d-%H%M%S}-{kind}.sqlite3"
    while final.exists():  # two backups in one second
        moment += timedelta(seconds=1)
        final = folder / f"zongzhi-{moment:%Y%m%d-%H%M%S}-{kind}.sqlite3"
    partial = final.with_name(final.name + ".partial")
    try:
        copy_sqlite(store_path, partial, key)
        entries = verify_copy(partial, key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    publish(partial, final)
    if key is not None:
        copy_keyfile(store_path, folder)
    copy_attachments(store_path, folder)
    result = BackupResult(BackupFile(final, moment, kind), entries)
    if mirror is not None:
        try:
            target_dir = private_dir(mirror)
            mirror_partial = target_dir / partial.name
            shutil.copyfile(final, mirror_partial)
            publish(mirror_partial, target_dir / final.name)
            if key is not None:
                copy_keyfile(store_path, target_dir)
            copy_attachments(store_path, target_dir)
            result.mirrored = target_dir / final.name
        except OSError as e:
            result.mirror_problem = f"第二备份位置 {mirror} 不可用（{e.strerror or e}），本次只备份在 {folder}"
    if kind in AUTOMATIC:
        result.removed = rotate(folder)
        if result.mirrored is not None:
            rotate(result.mirrored.parent)
    return result


def copy_attachments(store_path: Path, folder: Path) -> int:
    """A backup folder on another disk gets the attachment files it lacks (they never change, so
    each is copied once). The store's own backup folder sits next to them already: nothing to do."""
    from ..store.attachments import FOLDER, copy_missing

    if folder.resolve() == (store_path.parent / BACKUP_DIR).resolve():
        return 0
    return copy_missing(store_path.parent / FOLDER, folder / FOLDER)


def copy_keyfile(store_path: Path, folder: Path) -> Path:
    """Put a copy of the store's key file into a backup folder (the backups open with it)."""
    from ..store.keys import keyfile_path

    source = keyfile_path(store_path)
    target = folder / source.name
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    shutil.copyfile(source, partial)
    publish(partial, target)
    return target


def keep_set(backups: Iterable[BackupFile], *, days: int = KEEP_DAYS, weeks: int = KEEP_WEEKS,
             months: int = KEEP_MONTHS) -> set[Path]:
    """Automatic backups to keep: the newest of each of the last `days` days, `weeks` ISO weeks and
    `months` months that have one (grandfather-father-son)."""
    newest_first = sorted(backups, key=lambda b: b.made, reverse=True)
    keep: set[Path] = set()
    for bucket, limit in ((lambda d: d.date(), days), (lambda d: d.isocalendar()[:2], weeks),
                          (lambda d: (d.year, d.month), months)):
        seen: list[object] = []
        for b in newest_first:
            key = bucket(b.made)
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            keep.add(b.path)
    return keep


def rotate(folder: Path) -> list[Path]:
    """Delete daily backups outside `keep_set` and all but the newest pre-import ones; manual ones
    stay. Returns what was deleted."""
    found = list_backups(folder)
    daily = [b for b in found if b.kind == "daily"]
    imports = [b for b in found if b.kind == "import"]  # newest first
    keep = keep_set(daily) | {b.path for b in imports[:KEEP_IMPORT]}
    automatic = daily + imports
    removed = []
    for b in automatic:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def backed_up_on(folder: Path, day: date) -> bool:
    """Whether `folder` holds a daily backup made on `day` (China time)."""
    return any(b.made.date() == day and b.kind == "daily" for b in list_backups(folder))


def daily_backup_if_due(store_path: Path, *, mirror: Path | None = None,
                        key: bytes | None = None) -> BackupResult | None:
    """The automatic daily backup: made once per China-time day, at the first start of the day."""
    if backed_up_on(backup_dir(store_path), clock.today()):
        return None
    return make_backup(store_path, kind="daily", mirror=mirror, key=key)


def restore(store_path: Path, backup: Path, *, username: str, now: datetime | None = None,
            key: bytes | None = None) -> Path:
    """Put a verified backup in place of the store; the current store is kept aside (returned).
    `key`: the data key when the store is encrypted (a store's backups share its key).

    The program must not have the store open elsewhere (close the window first)."""
    if not backup.is_file():
        raise BackupFailed(f"找不到备份文件：{backup}")
    verify_copy(backup, key)
    moment = (now or clock.now()).astimezone(clock.CHINA_TZ)
    aside = store_path.with_name(f"{store_path.stem}.replaced-{moment:%Y%m%d-%H%M%S}{store_path.suffix}")
    partial = store_path.with_name(store_path.name + ".restoring")
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    shutil.copyfile(backup, partial)
    if store_path.exists():
        for suffix in ("", "-wal", "-shm"):
            current = store_path.with_name(store_path.name + suffix)
            if current.exists():
                os.replace(current, aside.with_name(aside.name + suffix))
    publish(partial, store_path)
    from ..store import audit
    from ..store.database import Store

    if key is not None:
        from ..store.keys import keyfile_path

        own = keyfile_path(store_path)
        beside = backup.parent / own.name
        if not own.exists() and beside.exists():  # the data folder lost its key file: take the backup folder's
            shutil.copyfile(beside, own)
    from ..store.attachments import FOLDER, copy_missing

    copy_missing(backup.parent / FOLDER, store_path.parent / FOLDER)  # a new PC restored from a USB stick
    store = Store(store_path, key=key)  # brings an older backup's schema up to date
    try:
        with store.session() as session, session.begin():
            audit.append(session, username=username, action="restore", record_kind="store", record_id=None,
                         before=None, after={"from": backup.name, "replaced": aside.name if aside.exists() else None})
    finally:
        store.engine.dispose()
    return aside


def backup_heads(folder: Path, key: bytes | None = None) -> list[tuple[BackupFile, int, str]]:
    """(backup, audit seq, audit hash) of the end of the audit chain recorded in each backup."""
    from ..store.engine import connect_file

    heads = []
    for b in list_backups(folder):
        try:
            con = connect_file(b.path, key, readonly=True)
            try:
                row = con.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
            finally:
                con.close()
        except _database_error(key):
            continue  # not a readable store: `backup --list` / restore report that themselves
        if row is not None:
            heads.append((b, int(row[0]), str(row[1])))
    return heads


def witness_problems(session: object, store_path: Path, key: bytes | None = None) -> list[str]:
    """The backups as witnesses of the audit chain (issue 14): each backup holds the end of the chain
    as it was then. A current chain that lacks that entry, or holds another one at that place, was
    cut short or rewritten after the backup — even if it was rehashed to look whole. Backups older
    than the last restore are skipped (a restore legitimately goes back in time)."""
    from sqlalchemy import select

    from ..domain.models import AuditEntry

    folder = store_path.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    last_restore = session.execute(  # type: ignore[attr-defined]
        select(AuditEntry.at).where(AuditEntry.action == "restore").order_by(AuditEntry.seq.desc()).limit(1)
    ).scalar_one_or_none()
    restored_at = None
    if last_restore is not None:
        restored_at = (last_restore if last_restore.tzinfo else last_restore.replace(tzinfo=UTC)).timestamp()
    problems = []
    for b, seq, digest in backup_heads(folder, key):
        # When the backup was written (its file time: names of backups made in the same second are
        # moved on by a second); one written before the last restore is no witness of the chain now.
        if seq == 0 or (restored_at is not None and b.path.stat().st_mtime <= restored_at):
            continue
        stored = session.execute(  # type: ignore[attr-defined]
            select(AuditEntry.hash).where(AuditEntry.seq == seq)).scalar_one_or_none()
        when = f"{b.made:%Y-%m-%d %H:%M} 的备份（{b.path.name}）"
        if stored is None:
            problems.append(f"{when}中审计链有 {seq} 条，现在的审计链没有第{seq}条：审计链在备份之后被删短")
        elif stored != digest:
            problems.append(f"第{seq}条审计记录与{when}中的不同：审计链在备份之后被改写")
    return problems
