"""Engine creation: SQLite in WAL mode with foreign keys and transactional DDL, or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import SessionTransactionOrigin
from sqlalchemy.pool import NullPool, QueuePool
from sqlmodel import Session, create_engine

# Execution option naming the statement that opens a SQLite transaction (see StoreSession).
SQLITE_BEGIN = "zongzhi_sqlite_begin"


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


def dbapi_module(key: bytes | None) -> Any:
    """sqlite3 for a plain store, SQLCipher's sqlite3-compatible module for an encrypted one."""
    if key is None:
        import sqlite3

        return sqlite3
    from sqlcipher3 import dbapi2

    return dbapi2


def open_key(cursor: Any, key: bytes | None) -> None:
    """Key a fresh SQLCipher connection (first statement on it); nothing for a plain store.

    SQLCipher's own error log is silenced (a wrong key is reported by the caller, in Chinese);
    memory security (wiping freed pages) is off: it doubles the cost of every query and guards
    only against reading this process's memory, which an attacker with that access has anyway.
    """
    if key is None:
        return
    from .keys import CIPHER_PRAGMAS, sqlcipher_key_pragma

    cursor.execute("PRAGMA cipher_log_level = NONE")
    cursor.execute(sqlcipher_key_pragma(key))
    for pragma in CIPHER_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.execute("PRAGMA cipher_memory_security = OFF")


def connect_file(path: Path | str, key: bytes | None = None, *, readonly: bool = False) -> Any:
    """A raw DB-API connection to a store file (backups, copies, checks), keyed when encrypted."""
    module = dbapi_module(key)
    con = module.connect(f"file:{path}?mode=ro", uri=True) if readonly else module.connect(str(path))
    try:
        open_key(con.cursor(), key)
    except Exception:
        con.close()
        raise
    return con


def make_engine(target: str | Path, *, echo: bool = False, key: bytes | None = None) -> Engine:
    """An engine for a SQLite file path (SQLCipher when `key` is given) or any SQLAlchemy URL
    (postgresql+psycopg://…)."""
    url = str(target) if is_url(target) else f"sqlite:///{Path(target)}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if not url.startswith("sqlite"):
        if url.startswith("postgresql+psycopg"):
            from ..extras import require_hub

            require_hub("psycopg", "PostgreSQL 数据库")
        return create_engine(url, echo=echo, pool_pre_ping=True)
    if str(target) != ":memory:" and not is_url(target) and Path(target).parent.is_dir():
        from ..fileperms import create_private_file

        create_private_file(Path(target))  # 0600 before SQLite makes its WAL (which copies the mode)
    extra: dict[str, Any] = {"poolclass": NullPool}
    connect_args: dict[str, Any] = {"timeout": 30}
    if key is not None:
        # An encrypted page costs a decryption and an HMAC each time a connection reads it into its
        # page cache: keep a few connections (and their caches) instead of opening one per session.
        # SQLite drops a connection's cache by itself when another connection changed the file.
        extra = {"module": dbapi_module(key), "poolclass": QueuePool, "pool_size": 2, "max_overflow": 6}
        connect_args["check_same_thread"] = False  # pooled: used by one thread at a time, not always the same
    engine = create_engine(url, echo=echo, connect_args=connect_args, **extra)

    @event.listens_for(engine, "connect", insert=True)  # before SQLAlchemy's own: the key comes first
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling skips BEGIN before DDL, so a failed migration
        # would leave half a schema; take control and emit BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        open_key(cur, key)
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # FULL: in WAL mode NORMAL may lose the last commits on power loss; a clerk's saved record must survive.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql(conn.get_execution_options().get(SQLITE_BEGIN, "BEGIN"))

    return engine


def _immediate(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions start with BEGIN IMMEDIATE."""
    cached = engine.__dict__.get("_zongzhi_immediate")
    if cached is None:
        cached = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})
        engine.__dict__["_zongzhi_immediate"] = cached
    return cached


class StoreSession(Session):
    """A session whose explicit transactions (`with session.begin():`, i.e. writes) take SQLite's
    write lock up front.

    A deferred transaction that has read and then tries to write after another connection
    committed fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT: the busy timeout
    cannot help), so concurrent writers — a background job and the window, the CLI and the
    window — would lose work. BEGIN IMMEDIATE waits for the lock instead. Reads (autobegun
    transactions) stay deferred and never block anyone in WAL mode.
    """

    def get_bind(self, *args: Any, **kw: Any) -> Any:
        bind = super().get_bind(*args, **kw)
        tx = self.get_transaction()
        if (tx is not None and tx.origin is SessionTransactionOrigin.BEGIN and isinstance(bind, Engine)
                and bind.dialect.name == "sqlite"):
            return _immediate(bind)
        return bind


def session(engine: Engine) -> Session:
    """A session that keeps loaded objects usable after commit (writes take the lock first)."""
    return StoreSession(engine, expire_on_commit=False)
