"""Opening a store: engine, schema upgrade, sessions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlmodel import Session

from .engine import is_url, make_engine
from .engine import session as new_session
from .migrate import upgrade


class Store:
    """One database (a township's SQLite file, or the county's SQLite/PostgreSQL)."""

    def __init__(self, target: str | Path, *, migrate: bool = True, key: bytes | None = None) -> None:
        """Open `target`; `key` is the data key of an encrypted SQLite store (store/keys.py)."""
        from sqlalchemy.exc import DatabaseError

        from ..domain.errors import StoreUnreadable

        self.target = target
        self.key = key
        self.engine: Engine = make_engine(target, key=key)
        self.backup_path: Path | None = None
        if migrate:
            try:
                self.backup_path = upgrade(self.engine, key=key)
            except DatabaseError as e:
                self.engine.dispose()
                if is_url(target):
                    raise
                raise StoreUnreadable(target, str(getattr(e, "orig", e))) from e
            except MemoryError as e:
                # SQLCipher reports a page whose HMAC does not match (a damaged or altered file) as
                # SQLITE_NOMEM, which the driver raises as MemoryError.
                self.engine.dispose()
                if key is None:
                    raise
                raise StoreUnreadable(target, "加密页面校验失败") from e
            if self.backup_path is not None:  # an existing store was upgraded just now
                from .stage_deadlines import run_pending

                run_pending(self.engine)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return None if is_url(self.target) else Path(self.target)

    def session(self) -> Session:
        return new_session(self.engine)

    def has_table(self, name: str) -> bool:
        return inspect(self.engine).has_table(name)

    def close(self) -> None:
        self.engine.dispose()
