"""Upload over real HTTP on loopback to a uvicorn server running the county import route."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.responses import JSONResponse
from synctools import TOWN_PASS, County, make_township, populate, table_counts

from zongzhi_desktop.county.http import RECEIPT_MEDIA_TYPE, UPLOAD_PATH, make_upload_app
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.errors import SyncError
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.status import sync_status
from zongzhi_desktop.sync.trust import set_upload_url
from zongzhi_desktop.sync.upload import post_bundle, upload

BOTH_SUITES = True  # every test using the county runs under nacl-1 and gm-1 (conftest.py)


@contextmanager
def serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Run `app` with uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
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


class Flaky:
    """ASGI wrapper answering `status` (503: a proxy restarting, say; 408: the hub cut off a body that
    arrived too slowly) to the first `failures` requests."""

    def __init__(self, app, failures: int, status: int = 503) -> None:  # type: ignore[no-untyped-def]
        self.app, self.failures, self.seen, self.status = app, failures, 0, status

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            self.seen += 1
            if self.failures > 0:
                self.failures -= 1
                code = "timeout" if self.status == 408 else "busy"
                await JSONResponse({"error": code, "message": "维护中"}, status_code=self.status)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_upload_two_townships_and_receipts(county: County, town1: Services, town2: Services) -> None:
    populate(town1, "甲")
    populate(town2, "乙")
    with serve(make_upload_app(county.store, county.keys)) as url:
        set_upload_url(town1, url)
        r1 = upload(town1, TOWN_PASS)  # URL from the trusted profile settings
        r2 = upload(town2, TOWN_PASS, url)
        assert r1.sent == [1] and r2.sent == [1]
        assert r1.receipts[0].rejected == 0 and r1.receipts[0].accepted == r1.exported.rows
        for t in (town1, town2):
            assert table_counts(county.store.path, t.township.code) == table_counts(t.store.path, t.township.code)
            assert sync_status(t).unacked_total == 0
        # Nothing new: an empty bundle still reports in; the same bundle again is a replay.
        again = upload(town1, TOWN_PASS)
        assert again.exported.rows == 0 and again.sent == [2]
        body = export_bundle(town1, TOWN_PASS).outbox_path.read_bytes()
        first = httpx.post(url + UPLOAD_PATH, content=body)
        second = httpx.post(url + UPLOAD_PATH, content=body)
        assert first.status_code == second.status_code == 200
        assert first.headers["content-type"].startswith(RECEIPT_MEDIA_TYPE)
        assert (first.headers["x-zongzhi-replay"], second.headers["x-zongzhi-replay"]) == ("0", "1")
        assert first.content == second.content


def test_pending_bundle_sent_first(tmp_path: Path, county: County, town1: Services) -> None:
    """A bundle exported to a stick that never arrived is uploaded before the new one: no gap."""
    populate(town1, "甲")
    export_bundle(town1, TOWN_PASS, tmp_path)  # the stick is lost
    town1.create("dispatch", {"title": "新增", "raised_date": "2026-11-19", "deadline": "2026-12-01"})
    with serve(make_upload_app(county.store, county.keys)) as url:
        r = upload(town1, TOWN_PASS, url)
    assert r.sent == [1, 2]
    assert r.exported.counts == {"dispatch_item": {"rows": 1, "voided": 0}, "workflow_event": {"rows": 1, "voided": 0}}
    con = sqlite3.connect(county.store.path)
    assert [x[0] for x in con.execute("SELECT sequence FROM county_bundle ORDER BY sequence")] == [1, 2]
    con.close()


def test_upload_with_waiting_bundles_still_covers_the_period(tmp_path: Path, county: County, town1: Services) -> None:
    """Only older bundles were waiting (nothing new since): upload sends them AND a new, empty
    bundle, so the county holds a bundle whose span reaches the time of the upload."""
    populate(town1, "甲")
    lost = export_bundle(town1, TOWN_PASS, tmp_path)  # the stick is lost; nothing changes afterwards
    assert sync_status(town1).unacked_total > 0
    with serve(make_upload_app(county.store, county.keys)) as url:
        r = upload(town1, TOWN_PASS, url)
    assert r.sent == [1, 2]
    assert r.exported is not None and r.exported.rows == 0 and r.exported.sequence == 2
    assert [x.rejected for x in r.receipts] == [0, 0]
    assert sync_status(town1).unacked_total == 0 and sync_status(town1).awaiting_receipt == []
    con = sqlite3.connect(county.store.path)
    spans = con.execute("SELECT sequence, span_from, span_to, rows FROM county_bundle ORDER BY sequence").fetchall()
    con.close()
    assert [(s[0], s[3]) for s in spans] == [(1, lost.rows), (2, 0)]
    assert spans[1][1] == spans[0][2]  # bundle 2 starts where bundle 1 ended: no hole in the period
    assert spans[1][2] > spans[0][2]


@pytest.mark.parametrize("status", [503, 408])
def test_retries_then_succeeds(county: County, town1: Services, status: int) -> None:
    populate(town1, "甲")
    path = export_bundle(town1, TOWN_PASS).outbox_path
    flaky = Flaky(make_upload_app(county.store, county.keys), failures=2, status=status)
    waits: list[float] = []
    with serve(flaky) as url:
        receipt = post_bundle(path, url, retries=3, backoff=0.5, sleep=waits.append)
    assert receipt.startswith(b"ZONGZHI-SIGNED 1 receipt")
    assert flaky.seen == 3 and waits == [0.5, 1.0]  # exponential backoff between attempts


def test_offline_message(town1: Services) -> None:
    populate(town1, "甲")
    url = f"http://127.0.0.1:{closed_port()}"
    waits: list[float] = []
    with pytest.raises(SyncError, match=r"无法上传到县级服务器.*已重试 2 次.*U盘") as e:
        upload(town1, TOWN_PASS, url, retries=2, backoff=0.01, sleep=waits.append)
    assert e.value.code == "offline" and len(waits) == 2
    # The bundle waits in the outbox and goes first next time.
    st = sync_status(town1)
    assert [b.sequence for b in st.awaiting_receipt] == [1]


def test_refusal_is_final_and_explained(tmp_path: Path, county: County) -> None:
    from zongzhi_desktop.sync.trust import make_registration_file, trust_county

    stranger = make_township(tmp_path / "t9", "330825109", "陌生镇")
    trust_county(stranger, county.profile)
    make_registration_file(stranger, TOWN_PASS)
    populate(stranger, "陌")
    app = Flaky(make_upload_app(county.store, county.keys), failures=0)
    with serve(app) as url, pytest.raises(SyncError, match=r"HTTP 403.*尚未在本县登记"):
        upload(stranger, TOWN_PASS, url, retries=3, backoff=0.01, sleep=lambda _s: None)
    assert app.seen == 1  # a 4xx is not retried


def test_server_limits(county: County, town1: Services) -> None:
    populate(town1, "甲")
    body = export_bundle(town1, TOWN_PASS).outbox_path.read_bytes()
    with serve(make_upload_app(county.store, county.keys, max_bytes=len(body) - 1)) as url:
        r = httpx.post(url + UPLOAD_PATH, content=body)
        assert r.status_code == 413 and "过大" in r.json()["message"]
        r = httpx.post(url + UPLOAD_PATH, content=b"")
        assert r.status_code == 400
    with serve(make_upload_app(county.store, county.keys)) as url:
        bad = bytearray(body)
        bad[len(bad) // 2] ^= 1
        r = httpx.post(url + UPLOAD_PATH, content=bytes(bad))
        assert r.status_code == 400 and r.json()["error"] in ("tampered", "mismatch")


def test_concurrent_uploads_of_same_bundle_import_once(county: County, town1: Services) -> None:
    populate(town1, "甲", n=30)
    body = export_bundle(town1, TOWN_PASS).outbox_path.read_bytes()
    with serve(make_upload_app(county.store, county.keys)) as url:
        results: list[httpx.Response] = []
        barrier = threading.Barrier(4)

        def post() -> None:
            barrier.wait()
            results.append(httpx.post(url + UPLOAD_PATH, content=body, timeout=60))

        threads = [threading.Thread(target=post) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert [r.status_code for r in results] == [200] * 4
    assert len({r.content for r in results}) == 1
    assert sorted(r.headers["x-zongzhi-replay"] for r in results) == ["0", "1", "1", "1"]
    con = sqlite3.connect(county.store.path)
    assert con.execute("SELECT count(*) FROM county_bundle").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'county_import'").fetchone()[0] == 1
    con.close()
