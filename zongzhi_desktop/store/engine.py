"""Engine creation: SQLite in WAL mode with foreign keys and transactional DDL, or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import SessionTransactionOrigin
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

# Execution option naming the statement that opens a SQLite transaction (see StoreSession).
SQLITE_BEGIN = "zongzhi_sqlite_begin"


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


def make_engine(target: str | Path, *, echo: bool = False) -> Engine:
    """An engine for a SQLite file path or any SQLAlchemy URL (postgresql+psycopg://…)."""
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
    engine = create_engine(url, echo=echo, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling skips BEGIN before DDL, so a failed migration
        # would leave half a schema; take control and emit BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
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
