"""Where generated rows go: buffered per table, converted, and written in batches by `services.bulk`.

Inline mode writes each batch in this process. Process mode hands converted batches to a writer
process over a pipe, so SQLite's work and the batch hashing run on the second core while this
one generates (threads would not help: both halves are Python code holding the GIL). Batches are
written in the order they are flushed, parents first, so foreign keys always hold.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from multiprocessing.connection import Connection as PipeEnd
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from ..domain import models as m
from ..services import bulk

# Tables whose rows reference another table's rows: flush the parent's buffer first.
PARENTS: dict[type[SQLModel], tuple[type[SQLModel], ...]] = {
    m.Grid: (m.Village,),
    m.GridWorker: (m.Grid,),
    m.MediationCommittee: (m.Village,),
    m.Mediator: (m.MediationCommittee,),
    m.Petition: (m.Village, m.Department),
    m.Dispute: (m.Petition, m.Grid, m.Mediator),
    m.DisputeParty: (m.Dispute,),
    m.DisputeVisit: (m.Dispute,),
    m.CasePackage: (m.Leader, m.Department),
    m.PackageLink: (m.CasePackage,),
    m.PackageProgress: (m.CasePackage,),
    m.VolunteerTeam: (m.Village,),
    m.Volunteer: (m.Village,),
    m.TeamMember: (m.Volunteer, m.VolunteerTeam),
    m.Activity: (m.VolunteerTeam,),
    m.ActivityParticipant: (m.Activity, m.Volunteer),
    m.DispatchItem: (m.Department,),
}
RESTORE = "__restore__"
_first = itemgetter(0)
MODELS: dict[str, type[SQLModel]] = {t.__tablename__: t for t in m.SYNCED_MODELS}  # type: ignore[misc]


def bound_session(engine: Engine) -> Session:
    """A session on one long-lived connection tuned for a bulk load: a large page cache, and on
    SQLite no fsync per checkpoint (synchronous=OFF; WAL still makes every batch atomic if the
    process dies, only an OS crash mid-load could lose the newest batches — the generator ends
    with a synced checkpoint) and checkpoints every ~200 MB instead of every 4 MB."""
    conn = engine.connect()
    if engine.dialect.name == "sqlite":
        raw = conn.connection.driver_connection  # outside any transaction
        for pragma in ("cache_size=-262144", "synchronous=OFF", "wal_autocheckpoint=50000", "temp_store=MEMORY"):
            raw.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]
    conn.commit()
    return Session(bind=conn, expire_on_commit=False)


def close_bound(session: Session) -> None:
    bind = session.bind
    session.close()
    if bind is not None and not isinstance(bind, Engine):
        bind.close()


def _write(session: Session, model: type[SQLModel], tuples: list[tuple[Any, ...]], username: str) -> None:
    with session.begin():
        bulk.insert_converted(session, model, tuples, username=username)


def writer_main(target: str, username: str, pipe: PipeEnd, key: bytes | None = None) -> None:
    """Writer process: receive (table, converted rows) and write each as one audited batch, or
    ("restore", objects) and rebuild those deferred indexes; until None. `key`: an encrypted
    store's data key (it reaches the child through the spawn pipe, never its command line)."""
    from ..store.engine import make_engine

    engine = session = None
    try:  # opening the store is inside: any failure goes back to the parent, no traceback on stderr
        engine = make_engine(target, key=key)
        session = bound_session(engine)
        while True:
            item = pipe.recv()
            if item is None:
                break
            table, payload = item
            if table == RESTORE:
                bulk.restore_indexes(session, bulk.Deferred(payload))
            else:
                _write(session, MODELS[table], payload, username)
        pipe.send(("ok", time.process_time()))  # the writer's CPU seconds, for the report
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
    finally:
        if session is not None:
            close_bound(session)
        if engine is not None:
            engine.dispose()


class Sink:
    """Buffers rows per table and writes full batches (see module docstring)."""

    def __init__(self, engine: Engine, target: str | Path, username: str, *,
                 batch_size: int = bulk.DEFAULT_BATCH, process: bool = False, key: bytes | None = None) -> None:
        self.username = username
        self.batch_size = batch_size
        self.dialect = engine.dialect.name
        self.buffers: dict[type[SQLModel], list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self._session: Session | None = None
        self.writer_cpu: float | None = None  # CPU seconds of the writer process, once it finished
        self._pipe: PipeEnd | None = None
        self._proc: Any = None
        if process:
            ctx = multiprocessing.get_context("spawn")  # same behaviour on Windows, Linux and macOS
            self._pipe, child = ctx.Pipe()
            self._proc = ctx.Process(target=writer_main, args=(str(target), username, child, key),
                                     name="zongzhi-demo-writer", daemon=True)
            self._proc.start()
            child.close()
        else:
            self._session = bound_session(engine)

    def add(self, model: type[SQLModel], row: dict[str, Any]) -> None:
        buf = self.buffers.get(model)
        if buf is None:
            buf = self.buffers[model] = []
        buf.append(row)
        if len(buf) >= self.batch_size:
            self.flush(model)

    def flush(self, model: type[SQLModel]) -> None:
        for parent in PARENTS.get(model, ()):
            if self.buffers.get(parent):
                self.flush(parent)
        rows = self.buffers.get(model)
        if not rows:
            return
        self.buffers[model] = []
        table: str = model.__tablename__  # type: ignore[assignment]
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        tuples = bulk.convert_rows(model, self.dialect, rows)
        if model is m.WorkflowEvent:  # events of many records: sort by their time-ordered ids so the
            tuples.sort(key=_first)  # primary-key index inserts stay local (no foreign keys to order)
        if self._pipe is not None:
            self._send((table, tuples))
        else:
            assert self._session is not None
            _write(self._session, model, tuples, self.username)

    def restore(self, deferred: bulk.Deferred, tables: list[str]) -> None:
        """Rebuild the deferred indexes and search tables of `tables`, whose rows are all generated:
        in the writer process this overlaps with generating the next kinds."""
        for model in [MODELS[t] for t in tables]:
            self.flush(model)
        chosen = {t: deferred.objects.pop(t) for t in tables if t in deferred.objects}
        if not chosen:
            return
        if self._pipe is not None:
            self._send((RESTORE, chosen))
        else:
            assert self._session is not None
            bulk.restore_indexes(self._session, bulk.Deferred(chosen))

    def flush_all(self) -> None:
        for model in list(self.buffers):
            self.flush(model)

    def close(self) -> None:
        """Write everything still buffered and wait until the writer has committed it."""
        self.flush_all()
        if self._pipe is not None:
            self._send(None)
            self._finish()
        if self._session is not None:
            close_bound(self._session)
            self._session = None

    def abort(self) -> None:
        """Drop what is buffered and stop the writer (after an error)."""
        self.buffers.clear()
        if self._pipe is not None:
            try:
                self._pipe.send(None)
            except OSError:
                pass
            self._proc.join(timeout=30)
            if self._proc.is_alive():
                self._proc.terminate()
            self._pipe.close()
            self._pipe = None
        if self._session is not None:
            close_bound(self._session)
            self._session = None

    def _send(self, item: Any) -> None:
        assert self._pipe is not None
        if self._pipe.poll():  # the writer only speaks to report the end or an error
            self._finish()
        try:
            self._pipe.send(item)
        except OSError:
            self._finish()

    def _finish(self) -> None:
        assert self._pipe is not None
        try:
            status, detail = self._pipe.recv()
        except EOFError:
            status, detail = "error", "写入进程意外退出"
        self._proc.join()
        self._pipe.close()
        self._pipe = None
        if status != "ok":
            raise RuntimeError(f"演示数据写入失败：\n{detail}")
        self.writer_cpu = detail
