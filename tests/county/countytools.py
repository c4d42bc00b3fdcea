"""Helpers for the county hub tests: PostgreSQL schemas, the hub run by uvicorn (thread or the real
`zongzhi county serve` subprocess), demo townships linked to a county, receipts checked.

(A module of its own, not conftest.py: several test directories have a conftest module.)
"""

from __future__ import annotations

import io
import shutil
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "bench"))

from load_county import ServerProcess, serve_process
from synctools import (
    COUNTY,
    COUNTY_NAME,
    COUNTY_PASS,
    TOWN_PASS,
    digest,
    table_counts,
)

from zongzhi_desktop.county.setup import (
    CountyKeys,
    init_county,
    register_township,
    unlock_county_keys,
)
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync import envelope
from zongzhi_desktop.sync.rowcodec import whole_tables
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

__all__ = ["COUNTY", "COUNTY_NAME", "COUNTY_PASS", "TOWN_PASS", "ServerProcess", "digest", "serve_process",
           "table_counts"]

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ZONGZHI = str(Path(sys.executable).parent / "zongzhi")
TODAY = date(2026, 11, 20)
DEMO_PASSWORD = "zongzhi-admin"


# -- databases -------------------------------------------------------------------------------------


@contextmanager
def pg_schema(prefix: str = "zz_county") -> Iterator[str]:
    """A fresh PostgreSQL schema (dropped afterwards); yields a URL whose search_path is that schema."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # pragma: no cover - only where PostgreSQL is absent
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable: {e}")
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class Hub:
    """A county store (SQLite file or PostgreSQL URL) with its unlocked keys."""

    target: str | Path
    store: Store
    keys: CountyKeys
    profile: bytes

    @classmethod
    def create(cls, target: str | Path) -> Hub:
        store = Store(target)
        ident = init_county(store, COUNTY, COUNTY_NAME, COUNTY_PASS, actor="county-admin")
        return cls(target, store, unlock_county_keys(store, COUNTY_PASS), ident.profile)

    def counts(self, township: str) -> dict[str, int]:
        with self.store.engine.connect() as c:
            return {n: c.execute(select(func.count()).select_from(t).where(t.c.township_code == township)).scalar_one()
                    for n, t in whole_tables().items()}

    def scalar(self, sql: str) -> Any:
        with self.store.engine.connect() as c:
            return c.execute(text(sql)).scalar_one()


# -- servers ---------------------------------------------------------------------------------------


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    sock = free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


# -- townships ---------------------------------------------------------------------------------------


_TEMPLATE: dict[str, Path] = {}


def empty_store(path: Path) -> Path:
    """A migrated, empty store file (copied from a per-process template: migrations run once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tpl = _TEMPLATE.get("path")
    if tpl is None or not tpl.exists():
        import tempfile

        tpl = Path(tempfile.mkdtemp(prefix="zz-template-")) / "empty.sqlite3"
        Store(tpl).close()
        _TEMPLATE["path"] = tpl
    shutil.copyfile(tpl, path)
    return path


def demo_township(root: Path, code: str, name: str, *, records: int = 200, seed: int = 1) -> Services:
    """A demo township (the demo generator's data) in root/zongzhi.sqlite3, admin services."""
    from zongzhi_desktop.demo import generate

    store = Store(empty_store(root / "zongzhi.sqlite3"))
    generate(store, records=records, seed=seed, today=TODAY, writer_process=False,
             township={"township_code": code, "township_name": name, "county_code": COUNTY, "county_name": COUNTY_NAME})
    return Services(store, Actor("admin", "admin", "系统管理员"), today=lambda: TODAY)


def link(svc: Services, profile: bytes) -> bytes:
    """The township trusts the county profile; returns its registration file."""
    trust_county(svc, profile)
    return make_registration_file(svc, TOWN_PASS).data


def register(hub: Hub, registration: bytes) -> None:
    register_township(hub.store, registration, actor="county-admin")


def receipt_payload(receipt: bytes, hub: Hub) -> dict[str, Any]:
    """Verify a receipt's signature with the county's public signing key and return its payload."""
    payload = envelope.open_signed(receipt, "receipt", hub.keys.signing.public)
    assert payload["signer"] == hub.keys.signing_key_id and payload["county_code"] == COUNTY
    return payload


def forge(data: bytes, mutate: Any = None) -> bytes:
    """The bundle rebuilt with its manifest (optionally changed) signed by a key nobody registered,
    still naming the township's registered key as signer — a forgery."""
    import json

    from nacl.signing import SigningKey

    from zongzhi_desktop.store.serialize import canonical_json
    from zongzhi_desktop.sync import container as ct
    from zongzhi_desktop.sync.bundle import SIGN_KIND, open_bundle_bytes

    bf = open_bundle_bytes(data)
    blobs = [ct.read_exact(bf.fh, e.data_offset, e.size) for e in bf.entries[:-2]]
    manifest = json.loads(bf.manifest_bytes)
    if mutate:
        mutate(manifest)
    body = canonical_json(manifest).encode()
    out = io.BytesIO()
    w = ct.ContainerWriter(out)
    for i, blob in enumerate(blobs, 1):
        w.add(ct.chunk_name(i), blob)
    w.add(ct.MANIFEST, body)
    w.add(ct.SIGNATURE, SigningKey.generate().sign(envelope.context(SIGN_KIND) + body).signature)
    w.finish()
    return out.getvalue()


# -- sheets ------------------------------------------------------------------------------------------


def township_row_mismatches(county: Any, own: Any, code: str, own_store: Store, period: Any) -> tuple[int, list[str]]:
    """Compare one township's cells of the county sheet's per-township table with the township's own
    sheet (computed on its own store). Returns (cells compared, mismatches)."""
    from zongzhi_desktop.county.sheets import (
        COMPOSITES,
        TOWNSHIP_COLUMNS,
        VOLUNTEER_COLUMNS,
        township_key,
    )
    from zongzhi_desktop.reports.figures import FigureQueries

    compared, bad = 0, []
    with own_store.engine.connect() as conn:
        q = FigureQueries(conn, [code], today=date.fromisoformat(county.made_on))
        for _head, fig in TOWNSHIP_COLUMNS[county.kind]:
            key = fig if isinstance(fig, str) else fig.key
            cell = county.values[township_key(key, code)]
            if isinstance(fig, str):
                # The sum of the four kinds, each taken from the township's own sheet where it prints
                # it, else computed on the township's store.
                want = sum(int(own.values[s.key].value) if s.key in own.values else len(q.ids(s, period))
                           for s in COMPOSITES[fig][1])
                got = (cell.value, cell.refs)
                if cell.value != want:
                    bad.append(f"{code} {key}: county {got[0]} own {want}")
            else:
                mine = own.values[key]
                if (cell.value, cell.text, cell.refs, cell.den_refs) != (mine.value, mine.text, mine.refs, mine.den_refs):
                    bad.append(f"{code} {key}: county {cell.text} own {mine.text}")
            compared += 1
    if county.kind == "monthly":  # the volunteer table by township
        for _head, key in VOLUNTEER_COLUMNS:
            cell, mine = county.values[township_key(key, code)], own.values[key]
            if (cell.value, cell.text, cell.refs) != (mine.value, mine.text, mine.refs):
                bad.append(f"{code} {key}: county {cell.text} own {mine.text}")
            compared += 1
    return compared, bad
