"""Opening a township store with a password (issue 14: encrypted at rest).

Every township store is encrypted (store/keys.py). Signing in and opening are one step: the user's
password unwraps the data key from the key file (after the sign-in gate, services/signin.py), the
store opens with it, and the account must exist and be enabled. The recovery key opens it too.

A plain store left by an earlier release is converted at the first sign-in after the upgrade,
whoever signs in: a verified backup first (`backups/…-encrypt.sqlite3`), then the whole database is
exported into an encrypted copy (`sqlcipher_export`), which is checked (integrity, audit chain, the
row count of every table) before it replaces the plain file. Every account gets a key slot from its
stored Argon2id password hash, so everyone's present password keeps working; each slot is re-made
with a fresh salt at that user's next sign-in. Plain copies in the data folder (pre-upgrade copies,
stores set aside by a restore, backups including the one just made) are then encrypted under the
same key, so nothing readable is left behind.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from ..domain import models as m
from ..domain.errors import AuthenticationFailed, DomainError, StoreUnreadable
from ..store import keys
from ..store.database import Store
from ..store.filecopy import publish
from .context import SYSTEM_USER, Actor, Services

PLAIN_HEADER = b"SQLite format 3\x00"


@dataclass
class Unlocked:
    """A store opened by a sign-in."""

    store: Store
    actor: Actor
    recovery_key: str | None = None  # a new recovery key to show once (administrators only)
    converted_from: Path | None = None  # the verified plain backup made before converting this store


def is_plain_sqlite(path: Path) -> bool:
    """True for an unencrypted SQLite file (its first 16 bytes are SQLite's magic string)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == PLAIN_HEADER
    except OSError:
        return False


def store_state(path: Path) -> str:
    """missing | plain | encrypted | unfinished (an `init` that never finished) | keyless (an
    encrypted file whose key file is gone)."""
    keyfile = keys.keyfile_path(path)
    if not path.exists() or path.stat().st_size == 0:
        return "missing"
    if is_plain_sqlite(path):
        return "plain"
    if not keyfile.exists():
        return "keyless"
    loaded = keys.load(keyfile)
    return "unfinished" if not loaded.slots and loaded.recovery is None else "encrypted"


def keyless_error(path: Path) -> StoreUnreadable:
    """The error for a store file that is not plain SQLite and has no key file beside it."""
    return StoreUnreadable(path, f"它不是未加密的数据库，旁边也没有密钥文件 {keys.keyfile_path(path).name}："
                                 "文件已损坏，或加密数据库的密钥文件丢失")


def recover_keyfile(path: Path) -> bool:
    """Put the backup folder's copy of the key file back when the data folder lost it (it is
    protected by the passwords it wraps the key under, like the original). True if copied."""
    import shutil

    from .backup import BACKUP_DIR

    own = keys.keyfile_path(path)
    copy = path.parent / BACKUP_DIR / own.name
    if own.exists() or not copy.exists() or not path.exists() or is_plain_sqlite(path):
        return False
    shutil.copyfile(copy, own)
    from ..fileperms import private_file

    private_file(own)
    return True


def remove_store_files(path: Path) -> None:
    """Delete a store with its WAL, journal, key file and sign-in gate (only for a store never set up)."""
    for suffix in ("", "-wal", "-shm", "-journal", ".keys", ".signin"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def create_encrypted(path: Path) -> Store:
    """A new, empty, encrypted store at `path` (its key file holds no slot until `initialize` adds the
    administrator's). Refuses to overwrite a store that holds data."""
    from ..fileperms import private_dir
    from .admin import is_initialized

    state = store_state(path)
    if state == "plain":
        probe = Store(path, migrate=False)
        try:
            with probe.session() as s:
                initialized = probe.has_table("setting") and is_initialized(s)
        finally:
            probe.close()
        if initialized:
            raise DomainError(f"数据库已初始化（{path}），不能重复初始化")
        state = "missing"  # an empty plain store (opened once, never set up): nothing to keep
    if state in ("encrypted", "keyless"):
        raise DomainError(f"数据库已初始化（{path}），不能重复初始化")
    remove_store_files(path)
    private_dir(path.parent)
    key = keys.new_data_key()
    keys.KeyFile.for_key(key).save(keys.keyfile_path(path))
    return Store(path, key=key)


def discard_unfinished(path: Path) -> None:
    """Remove a store whose set-up was abandoned (no account, so nobody could ever open it)."""
    if store_state(path) in ("unfinished", "missing"):
        remove_store_files(path)


def sign_in(path: Path, username: str, password: str, *, now: datetime | None = None) -> Unlocked:
    """Open the township store at `path` as `username` (AuthenticationFailed, SigninThrottled or
    KeyFileError otherwise); a plain store is converted first (see the module's docstring)."""
    from .admin import is_initialized
    from .signin import MAX_USERNAME, _clear, gate_carry, gate_check, gate_clear, gate_failed

    username = username.strip()[:MAX_USERNAME]
    recover_keyfile(path)
    state = store_state(path)
    if state == "missing":
        raise DomainError(f"数据库尚未初始化（{path}）：请先运行 zongzhi init 或 zongzhi demo")
    if state == "plain":
        return _sign_in_plain(path, username, password, now=now)
    if state == "keyless":
        raise keyless_error(path)
    if state == "unfinished":
        raise DomainError(f"数据库的初始化没有完成（{path}）：请重新运行 zongzhi init")
    keyfile = keys.load(keys.keyfile_path(path))
    gate_check(path, username, now=now)
    key = keyfile.unwrap_user(username, password)
    if key is None:
        gate_failed(path, username, now=now)
        raise AuthenticationFailed
    try:
        store = Store(path, key=key)
    except StoreUnreadable as e:
        e.key = key  # the password was right: the caller may offer a guided restore with this key
        raise
    try:
        system = Services(store, Actor(SYSTEM_USER, "admin", "系统"))
        gate_carry(system, path)
        with store.session() as s:
            if not is_initialized(s):
                raise DomainError(f"数据库尚未初始化（{path}）：请先运行 zongzhi init 或 zongzhi demo")
            user = s.execute(select(m.User).where(m.User.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            raise AuthenticationFailed
        _clear(system, username, by=username, action="signin_ok")
        gate_clear(path, username)
        if keyfile.needs_rewrap(username):  # converted from the password hash: now a slot of its own
            keyfile.set_user(username, password, key)
            keyfile.save(keys.keyfile_path(path))
        actor = Actor(user.username, user.role, user.display_name)
        recovery = _recovery_if_missing(Services(store, actor), keyfile)
        remember_public(system)
        encrypt_plain_copies(path, key)
    except BaseException:
        store.close()
        raise
    return Unlocked(store, actor, recovery)


def remember_public(services: Services) -> None:
    """Keep what the sign-in box shows before the store opens (township name, demo or not) in the key
    file; nothing personal."""
    store = services.store
    if store.key is None or store.path is None:
        return
    from .admin import is_initialized

    with store.session() as s:
        if not is_initialized(s):
            return
    public = {"township": services.township.name, "demo": bool(services.get_setting("demo"))}
    path = keys.keyfile_path(store.path)
    keyfile = keys.load(path)
    if keyfile.public != public:
        keyfile.public = public
        keyfile.save(path)


def public_info(path: Path) -> dict[str, object]:
    """The key file's public section of the encrypted store at `path` ({} when there is none)."""
    try:
        return dict(keys.load(keys.keyfile_path(path)).public)
    except keys.KeyFileError:
        return {}


def open_with_recovery(path: Path, recovery_key: str) -> Store:
    """Open the encrypted store at `path` with its recovery key (DomainError in Chinese if wrong)."""
    state = store_state(path)
    if state != "encrypted":
        raise DomainError({"plain": "此数据库未加密，不需要恢复密钥",
                           "missing": f"找不到数据库：{path}",
                           "keyless": f"找不到数据库的密钥文件 {keys.keyfile_path(path).name}：请从备份文件夹复制回来",
                           "unfinished": "数据库的初始化没有完成"}[state])
    key = keys.load(keys.keyfile_path(path)).unwrap_recovery(recovery_key)
    if key is None:
        raise DomainError("恢复密钥不正确（或已被新的恢复密钥取代）")
    return Store(path, key=key)


def unwrap_for_restore(path: Path, username: str, password: str, *, backup_folder: Path | None = None) -> bytes:
    """The data key of the store at `path` from a user's password — from its own key file or, when
    that is lost with the data folder, the copy in the backup folder (restore needs no open store)."""
    from .signin import gate_check, gate_failed

    username = username.strip()
    candidates = [keys.keyfile_path(path)]
    if backup_folder is not None:
        candidates.append(backup_folder / keys.keyfile_path(path).name)
    for candidate in candidates:
        if candidate.exists():
            gate_check(path, username)
            key = keys.load(candidate).unwrap_user(username, password)
            if key is None:
                gate_failed(path, username)
                raise AuthenticationFailed
            return key
    raise keys.KeyFileError(f"找不到数据库的密钥文件（{' 或 '.join(str(c) for c in candidates)}）")


def _recovery_if_missing(services: Services, keyfile: keys.KeyFile) -> str | None:
    """An administrator signing in to a store without a recovery key gets one (shown once)."""
    if keyfile.recovery is not None or services.actor.role != "admin":
        return None
    return services.new_recovery_key()


def check_plain(path: Path, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """Sign in to a plain store (the back-off of services/signin.py); the store is not converted yet."""
    from .admin import is_initialized
    from .signin import authenticate

    store = Store(path)
    try:
        with store.session() as s:
            if not is_initialized(s):
                raise DomainError(f"数据库尚未初始化（{path}）：请先运行 zongzhi init 或 zongzhi demo")
        return authenticate(Services(store, Actor(username, "clerk")), username, password, now=now)
    finally:
        store.close()


def convert_signed_in(path: Path, actor: Actor, password: str) -> Unlocked:
    """Convert the plain store at `path` for a user who just signed in (check_plain); slow on a big store."""
    store, backup = encrypt_plain_store(Store(path))
    try:
        keyfile_file = keys.keyfile_path(path)
        keyfile = keys.load(keyfile_file)
        assert store.key is not None
        keyfile.set_user(actor.username, password, store.key)
        keyfile.save(keyfile_file)
        recovery = _recovery_if_missing(Services(store, actor), keyfile)
        remember_public(Services(store, actor))
    except BaseException:
        store.close()
        raise
    return Unlocked(store, actor, recovery, backup)


def _sign_in_plain(path: Path, username: str, password: str, *, now: datetime | None) -> Unlocked:
    return convert_signed_in(path, check_plain(path, username, password, now=now), password)


# -- converting a plain store ------------------------------------------------------------------
STALE_LOCK_SECONDS = 3600


@contextmanager
def _converting(path: Path) -> Iterator[None]:
    """One converter at a time (the window and a command signing in together after the upgrade): a
    lock file made with O_EXCL; one older than an hour was left by a crash and is taken over. Inside,
    the store must still be plain — else another program converted it meanwhile."""
    lock = path.with_name(path.name + ".converting")
    for _attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            break
        except FileExistsError:
            try:
                age = time.time() - lock.stat().st_mtime
            except FileNotFoundError:
                continue
            if age < STALE_LOCK_SECONDS:
                raise DomainError("另一个综治桌面程序正在把数据库转换为加密存储，请稍候再登录") from None
            lock.unlink(missing_ok=True)
    else:
        raise DomainError("另一个综治桌面程序正在把数据库转换为加密存储，请稍候再登录")
    os.close(fd)
    try:
        if not is_plain_sqlite(path):
            raise DomainError("数据库刚被另一个综治桌面程序转换为加密存储，请重新登录")
        yield
    finally:
        lock.unlink(missing_ok=True)


def encrypt_file(plain: Path, target: Path, key: bytes) -> None:
    """Export the plain SQLite database `plain` into a new encrypted file `target` (mode 0600)."""
    from sqlcipher3 import dbapi2

    from ..fileperms import create_private_file

    target.unlink(missing_ok=True)
    create_private_file(target)
    con = dbapi2.connect(str(plain))
    try:
        con.isolation_level = None
        con.execute("PRAGMA cipher_log_level = NONE")
        con.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        for pragma in keys.CIPHER_PRAGMAS:
            con.execute(f"PRAGMA encrypted.{pragma}")
        con.execute("SELECT sqlcipher_export('encrypted')")
        version = con.execute("PRAGMA main.user_version").fetchone()[0]
        con.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        con.execute("DETACH DATABASE encrypted")
    finally:
        con.close()


def _table_counts(con: object) -> dict[str, int]:
    names = [r[0] for r in con.execute(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # type: ignore[attr-defined]


def _check_same(plain: Path, encrypted: Path, key: bytes) -> None:
    from ..store.engine import connect_file

    src = sqlite3.connect(f"file:{plain}?mode=ro", uri=True)
    dst = connect_file(encrypted, key, readonly=True)
    try:
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise DomainError(f"加密后的数据库完整性检查未通过（{verdict}）；原数据库保持不变")
        before, after = _table_counts(src), _table_counts(dst)
    finally:
        src.close()
        dst.close()
    if before != after:
        differ = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
        raise DomainError(f"加密后的数据库与原数据库的行数不一致（{'、'.join(differ)}）；原数据库保持不变")


def encrypt_plain_store(store: Store) -> tuple[Store, Path]:
    """Convert an open plain store to an encrypted one (closing `store`); returns the reopened store
    and the verified plain backup made first (itself encrypted afterwards, like every plain copy)."""
    path = store.path
    if path is None or store.key is not None:
        raise ValueError("only a plain SQLite store can be converted")
    with _converting(path):
        return _encrypt_plain_store(store, path)


def _encrypt_plain_store(store: Store, path: Path) -> tuple[Store, Path]:
    from .backup import make_backup, verify_copy

    backup = make_backup(path, kind="encrypt").backup.path
    with store.session() as s:
        accounts = [(u.username, u.password_hash) for u in s.execute(select(m.User)).scalars()]
    store.close()
    _checkpoint(path)
    key = keys.new_data_key()
    keyfile = keys.KeyFile.for_key(key)
    for username, password_hash in accounts:
        keyfile.set_user_from_digest(username, password_hash, key)
    _swap_in_encrypted(path, key, keyfile, verify=verify_copy)
    return Store(path, key=key), backup


def _checkpoint(path: Path) -> None:
    """Everything in the main file, the WAL empty (the export reads the main file)."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _swap_in_encrypted(path: Path, key: bytes, keyfile: keys.KeyFile, *,
                       verify: Callable[[Path, bytes], object] | None = None) -> None:
    """Export the (checkpointed) plain store at `path` into an encrypted file, check it (integrity,
    row counts, and `verify`), then put it and its key file in place and encrypt the plain copies."""
    partial = path.with_name(path.name + ".encrypting")
    try:
        encrypt_file(path, partial, key)
        _check_same(path, partial, key)
        if verify is not None:
            verify(partial, key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    # From here a crash leaves either the plain store (converted again at the next sign-in, the key
    # file rewritten) or the encrypted one with its key file: never an encrypted store without a key.
    keyfile.save(keys.keyfile_path(path))
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    publish(partial, path)
    encrypt_plain_copies(path, key)


def encrypt_plain_copies(store_path: Path, key: bytes) -> list[Path]:
    """Encrypt, in place, every plain SQLite copy of the store in its folder and its backup folder
    (pre-upgrade copies, stores set aside by a restore, backups). Returns the files encrypted."""
    from .backup import BACKUP_DIR

    done = []
    folders = [store_path.parent, store_path.parent / BACKUP_DIR]
    for folder in folders:
        if not folder.is_dir():
            continue
        for candidate in sorted(folder.glob(f"{store_path.stem}*.sqlite3")):  # ours only: zongzhi…
            if candidate == store_path or not is_plain_sqlite(candidate):
                continue
            if candidate.with_name(candidate.name + "-wal").exists():
                continue  # open somewhere (a county store, or another program): not ours to touch
            partial = candidate.with_name(candidate.name + ".encrypting")
            try:
                encrypt_file(candidate, partial, key)
                _check_same(candidate, partial, key)
            except (DomainError, sqlite3.DatabaseError):
                partial.unlink(missing_ok=True)
                continue  # not a store of ours (or damaged): left as it is
            publish(partial, candidate)
            done.append(candidate)
    if (store_path.parent / BACKUP_DIR).is_dir() and keys.keyfile_path(store_path).exists():
        from .backup import copy_keyfile

        copy_keyfile(store_path, store_path.parent / BACKUP_DIR)
    return done


# -- the county hub on SQLite ---------------------------------------------------------------------
COUNTY_SLOT = "county"  # the county store's data key is wrapped under the county key passphrase


def create_encrypted_county(path: Path, passphrase: str) -> tuple[Store, str]:
    """A new, empty, encrypted county store at `path` whose key opens with the county key passphrase;
    returns it and its recovery key (to show once)."""
    from ..fileperms import private_dir

    if store_state(path) not in ("missing", "unfinished"):
        raise DomainError(f"县级数据库已存在（{path}），不能重复初始化")
    remove_store_files(path)
    private_dir(path.parent)
    key, keyfile, recovery = _county_keyfile(passphrase)
    keyfile.save(keys.keyfile_path(path))
    return Store(path, key=key), recovery


def _county_keyfile(passphrase: str) -> tuple[bytes, keys.KeyFile, str]:
    """A new data key, its key file (slot `county` under the passphrase) and its recovery key."""
    key = keys.new_data_key()
    keyfile = keys.KeyFile.for_key(key)
    keyfile.set_user(COUNTY_SLOT, passphrase, key)
    recovery = keyfile.new_recovery(key)
    keyfile.public = {"county": True}
    return key, keyfile, recovery


def county_key(path: Path, passphrase: str, *, hub: str = "县级") -> bytes:
    """The data key of the encrypted county (or city, hub="市级") store at `path` (DomainError in
    Chinese if the passphrase does not open it). A city store is encrypted the same way."""
    recover_keyfile(path)
    state = store_state(path)
    if state == "keyless":
        raise keys.KeyFileError(f"{hub}数据库 {path} 无法读取：没有密钥文件 {keys.keyfile_path(path).name}"
                                "（文件已损坏，或密钥文件丢失）。请从备份恢复")
    key = keys.load(keys.keyfile_path(path)).unwrap_user(COUNTY_SLOT, passphrase)
    if key is None:
        from ..domain.keyloss import CITY_KEY_LOST, COUNTY_KEY_LOST

        lost = CITY_KEY_LOST if hub == "市级" else COUNTY_KEY_LOST
        raise DomainError(f"{hub}密钥口令不正确，无法打开{hub}数据库。{lost}")
    return key


def encrypt_county_store(store: Store, passphrase: str) -> tuple[Store, str]:
    """Convert an open plain county store to an encrypted one (closing `store`), with a checked copy of
    the plain file first (`county.before-upgrade-…`, itself encrypted afterwards); returns the reopened
    store and its new recovery key."""
    path = store.path
    if path is None or store.key is not None:
        raise ValueError("only a plain SQLite store can be converted")
    with _converting(path):
        return _encrypt_county_store(store, path, passphrase)


def _encrypt_county_store(store: Store, path: Path, passphrase: str) -> tuple[Store, str]:
    from ..store.migrate import backup_sqlite

    store.close()
    _checkpoint(path)
    backup_sqlite(path)  # integrity-checked copy under a temporary name, then renamed
    key, keyfile, recovery = _county_keyfile(passphrase)
    _swap_in_encrypted(path, key, keyfile)
    return Store(path, key=key), recovery
