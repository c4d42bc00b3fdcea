"""Every refusal of the hub over real HTTP: the right status, a JSON error with a Chinese message,
and the county database unchanged (digest before/after) — on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from countytools import TOWN_PASS, Hub, digest, forge, pg_schema, serve_in_thread
from synctools import make_township, populate

from zongzhi_desktop.county.http import UPLOAD_PATH
from zongzhi_desktop.county.server import create_app
from zongzhi_desktop.county.setup import init_county, register_township
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.trust import make_registration_file, trust_county


@pytest.fixture(params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    if request.param == "sqlite":
        yield Hub.create(tmp_path / "county.sqlite3")
    else:
        with pg_schema() as url:
            h = Hub.create(url)
            yield h
            h.store.close()


def bundle_of(root: Path, code: str, name: str, profile: bytes, hub: Hub | None, county_code: str = "330825") -> bytes:
    """A township that trusts `profile` (registered with `hub` when given) and its first bundle."""
    svc = make_township(root, code, name, county_code=county_code)
    trust_county(svc, profile)
    reg = make_registration_file(svc, TOWN_PASS)
    if hub is not None:
        register_township(hub.store, reg.data)
    populate(svc, name[:1])
    return export_bundle(svc, TOWN_PASS).outbox_path.read_bytes()


def test_refusals_leave_the_database_unchanged(hub: Hub, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = bundle_of(tmp_path / "t1", "330825101", "城关镇", hub.profile, hub)
    stranger = bundle_of(tmp_path / "t9", "330825109", "陌生镇", hub.profile, None)  # never registered
    impostor = bundle_of(tmp_path / "tx", "330825101", "城关镇", hub.profile, None)  # right code, unregistered key
    (tmp_path / "other").mkdir()
    other = init_county(Store(tmp_path / "other" / "county.sqlite3"), "330881", "江山市", "other-pass-123")
    foreign = bundle_of(tmp_path / "tf", "330881101", "清湖镇", other.profile, None, county_code="330881")

    def flip(data: bytes, pos: int) -> bytes:
        b = bytearray(data)
        b[pos] ^= 0x01
        return bytes(b)

    cases: list[tuple[str, bytes, int, set[str], str]] = [
        ("empty", b"", 400, {"malformed"}, "没有批次文件"),
        ("not a bundle", b"PK\x03\x04 hello, not a bundle at all" * 10, 400, {"malformed", "tampered"}, "拒收"),
        ("truncated", good[: len(good) // 2], 400, {"malformed", "tampered"}, "拒收"),
        ("flipped payload byte", flip(good, len(good) // 3), 400, {"tampered", "mismatch", "malformed"}, "拒收"),
        ("forged signature", forge(good), 403, {"bad_signature"}, "签名"),
        ("forged manifest", forge(good, lambda m: m.update(sequence=7)), 403, {"bad_signature"}, "签名"),
        ("unregistered township", stranger, 403, {"unknown_township"}, "尚未在本县登记"),
        ("unregistered key", impostor, 403, {"unknown_key"}, "签名密钥未在本县登记"),
        ("other county", foreign, 422, {"wrong_county"}, "其他县"),
    ]
    logger = logging.getLogger("test.access")
    caplog.set_level(logging.INFO, logger="test.access")
    limit = max(len(c[1]) for c in cases) + 10
    before = digest(hub.store.engine)
    with serve_in_thread(create_app(hub.store, hub.keys, max_bytes=limit, access_logger=logger)) as url:
        for name, body, status, codes, words in cases:
            r = httpx.post(url + UPLOAD_PATH, content=body)
            assert r.status_code == status, (name, r.status_code, r.text)
            err = r.json()
            assert err["error"] in codes and words in err["message"], (name, err)
            assert r.headers["content-type"].startswith("application/json")
        # Too large: declared, and streamed without a length.
        big = good + b"\0" * (limit + 1 - len(good))
        for content in (big, iter([big[:1000], big[1000:]])):
            r = httpx.post(url + UPLOAD_PATH, content=content)
            assert r.status_code == 413 and r.json()["error"] == "too_large"
        # Unknown address, wrong method, bad period: JSON too.
        assert httpx.get(url + "/nowhere").json()["error"] == "not_found"
        r = httpx.get(url + UPLOAD_PATH)
        assert r.status_code == 405 and "不支持" in r.json()["message"]
        r = httpx.get(url + "/status", params={"period": "2026-W99"})
        assert r.status_code == 400 and r.json()["error"] == "bad_period" and "第99周" in r.json()["message"]
        assert digest(hub.store.engine) == before

        # The good bundle still goes in afterwards.
        r = httpx.post(url + UPLOAD_PATH, content=good)
        assert r.status_code == 200 and r.headers["x-zongzhi-township"] == "330825101"
    assert digest(hub.store.engine) != before
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "test.access"]
    assert len(lines) == len(cases) + 6
    assert '"error":"bad_signature"' in "".join(lines) and '"status":403' in "".join(lines)


class Held:
    """Inside the upload slots: an upload's import is held until `release` is set (so it keeps its
    slot). A slow body no longer holds a slot: the hub reads bodies before taking one."""

    def __init__(self, app, release: threading.Event) -> None:  # type: ignore[no-untyped-def]
        self.app, self.release = app, release

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope.get("path") == UPLOAD_PATH:
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        await self.app(scope, receive, send)


def hold_imports(app, release: threading.Event):  # type: ignore[no-untyped-def]
    """The hub `app` with imports held until `release` (returns the UploadSlots middleware)."""
    slots = app.app  # AccessLog -> UploadSlots
    slots.app = Held(slots.app, release)
    return slots


def slow_upload(url: str, release: threading.Event, results: list[int]) -> None:
    """An upload (not a bundle: 400 in the end) whose import waits until `release` is set."""
    del release  # held by `Held` inside the slot
    results.append(httpx.post(url + UPLOAD_PATH, content=b"ZZnot a bundle", timeout=30).status_code)


def wait_for(cond, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert cond()


def test_busy_uploads_wait_in_line_then_get_503_json(tmp_path: Path) -> None:
    """--max-concurrent 1: a second upload waits for the slot; with the line full one is told to retry."""
    hub = Hub.create(tmp_path / "county.sqlite3")
    good = bundle_of(tmp_path / "t1", "330825101", "城关镇", hub.profile, hub)
    app = create_app(hub.store, hub.keys, max_concurrent=1, max_waiting=1)
    release = threading.Event()
    slots = hold_imports(app, release)
    results: list[int] = []
    waited: list[httpx.Response] = []
    with serve_in_thread(app) as url:
        holder = threading.Thread(target=slow_upload, args=(url, release, results))
        holder.start()
        wait_for(lambda: slots.active == 1)
        queued = threading.Thread(target=lambda: waited.append(httpx.post(url + UPLOAD_PATH, content=good, timeout=30)))
        queued.start()
        wait_for(lambda: slots.waiting == 1)
        r = httpx.post(url + UPLOAD_PATH, content=b"anything")  # the line (1) is full
        assert r.status_code == 503 and r.json()["error"] == "busy" and "稍后重试" in r.json()["message"]
        assert r.headers["retry-after"] == "5"
        assert httpx.get(url + "/health").status_code == 200  # other endpoints are not limited
        release.set()
        holder.join(30)
        queued.join(30)
    assert results == [400]
    assert waited[0].status_code == 200 and waited[0].headers["x-zongzhi-replay"] == "0"  # it waited, then went in
    assert (slots.active, slots.waiting) == (0, 0)


def test_upload_waiting_too_long_gets_503(tmp_path: Path) -> None:
    hub = Hub.create(tmp_path / "county.sqlite3")
    app = create_app(hub.store, hub.keys, max_concurrent=1, wait_seconds=0.3)
    release = threading.Event()
    hold_imports(app, release)
    results: list[int] = []
    with serve_in_thread(app) as url:
        holder = threading.Thread(target=slow_upload, args=(url, release, results))
        holder.start()
        wait_for(lambda: app.app.active == 1)
        r = httpx.post(url + UPLOAD_PATH, content=b"anything")
        assert r.status_code == 503 and r.json()["error"] == "busy"
        release.set()
        holder.join(30)
    assert results == [400]


def test_two_instances_on_one_sqlite_file_import_once(tmp_path: Path) -> None:
    hub = Hub.create(tmp_path / "county.sqlite3")
    good = bundle_of(tmp_path / "t1", "330825101", "城关镇", hub.profile, hub)
    second = Store(tmp_path / "county.sqlite3")  # another instance: its own engine and connections
    barrier = threading.Barrier(4)
    responses: list[httpx.Response] = []
    with serve_in_thread(create_app(hub.store, hub.keys)) as a, serve_in_thread(create_app(second, hub.keys)) as b:
        def post(url: str) -> None:
            barrier.wait()
            responses.append(httpx.post(url + UPLOAD_PATH, content=good, timeout=60))

        threads = [threading.Thread(target=post, args=(u,)) for u in (a, b, a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert [r.status_code for r in responses] == [200] * 4
    assert len({r.content for r in responses}) == 1
    assert sorted(r.headers["x-zongzhi-replay"] for r in responses) == ["0", "1", "1", "1"]
    assert hub.scalar("SELECT count(*) FROM county_bundle") == 1
    assert hub.scalar("SELECT count(*) FROM audit_log WHERE action = 'county_import'") == 1


def test_health_says_503_when_the_database_is_gone(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    hub = Hub.create(tmp_path / "county.sqlite3")
    app = create_app(hub.store, hub.keys)
    with serve_in_thread(app) as url:
        assert httpx.get(url + "/health").json()["status"] == "ok"
        good_engine = hub.store.engine
        hub.store.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
        try:
            r = httpx.get(url + "/health", timeout=30)
        finally:
            hub.store.engine.dispose()
            hub.store.engine = good_engine
        assert r.status_code == 503 and r.json() == {"error": "database_unavailable", "message": "县级数据库暂时无法连接"}
        assert httpx.get(url + "/health").status_code == 200


def test_internal_error_is_json_and_logs_no_details(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A broken database (a table gone): 500 with a JSON message; the log names the error type only,
    never the SQL or its parameters (which could quote record contents)."""
    import sqlite3

    hub = Hub.create(tmp_path / "county.sqlite3")
    caplog.set_level(logging.INFO)
    with serve_in_thread(create_app(hub.store, hub.keys)) as url:
        uvicorn_log = logging.getLogger("uvicorn.error")  # configured by uvicorn, not propagated
        uvicorn_log.addHandler(caplog.handler)
        con = sqlite3.connect(tmp_path / "county.sqlite3")
        con.execute("DROP TABLE county_bundle")
        con.commit()
        con.close()
        r = httpx.get(url + "/status")
        uvicorn_log.removeHandler(caplog.handler)
    assert r.status_code == 500 and r.json()["error"] == "internal" and "县级管理员" in r.json()["message"]
    text = "\n".join(rec.getMessage() + (caplog.handler.format(rec) if rec.exc_info else "") for rec in caplog.records)
    assert "OperationalError" in text and "/status" in text
    assert "SELECT" not in text and "county_bundle" not in text and "Traceback" not in text
