"""Slow and stalled upload bodies over real sockets (uvicorn on loopback): the hub reads a body under
its time limits BEFORE the upload takes an import slot, so more trickling clients than slots do not
block honest uploads; the tricklers are cut off with 408 and a JSON error."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from countytools import TOWN_PASS, Hub, serve_in_thread
from synctools import make_township, populate

from zongzhi_desktop.county.http import UPLOAD_PATH
from zongzhi_desktop.county.server import create_app
from zongzhi_desktop.county.setup import register_township
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

SLOTS = 2
IDLE = 1.0  # seconds a body may pause
RATE = 100_000  # bytes per second on average
TRICKLE_LENGTH = 400_000  # declared: allowed IDLE + 4 s


def honest_bundle(hub: Hub, root: Path, code: str, name: str) -> bytes:
    svc = make_township(root, code, name)
    trust_county(svc, hub.profile)
    register_township(hub.store, make_registration_file(svc, TOWN_PASS).data)
    populate(svc, name[:1])
    return export_bundle(svc, TOWN_PASS).outbox_path.read_bytes()


def raw_post(url: str, length: int | None, first: bytes, out: dict[str, Any], *, trickle: bool) -> None:
    """POST with a declared length (None: chunked), send `first`, then trickle 10 bytes every 0.1 s
    (or stall) until the server answers; records the status, the JSON body and when it came."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    piece = b"x" * 10 if length is not None else b"a\r\n" + b"x" * 10 + b"\r\n"
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=30) as s:
        s.sendall(f"POST {UPLOAD_PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\n"
                  f"{framing}\r\n\r\n".encode() + first)
        s.settimeout(0.1)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
            try:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            except TimeoutError:
                if trickle:
                    try:
                        s.sendall(piece)
                    except OSError:
                        pass
            if time.monotonic() - started > 25:
                break
    head, _, body = data.partition(b"\r\n\r\n")
    out["status"] = int(head.split()[1]) if head else None
    out["headers"] = head.decode("latin-1").lower()
    out["json"] = json.loads(body) if body else None
    out["after"] = time.monotonic() - started
    out["at"] = time.monotonic()


def _length(data: bytes) -> int:
    head = data.partition(b"\r\n\r\n")[0].decode("latin-1").lower()
    for line in head.split("\r\n"):
        if line.startswith("content-length:"):
            return int(line.split(":")[1])
    return 0


def test_tricklers_do_not_block_honest_uploads(tmp_path: Path) -> None:
    hub = Hub.create(tmp_path / "county.sqlite3")
    honest = [honest_bundle(hub, tmp_path / c, c, n) for c, n in (("330825101", "城关镇"), ("330825102", "湖镇镇"))]
    app = create_app(hub.store, hub.keys, max_concurrent=SLOTS, max_waiting=8, wait_seconds=20,
                     body_idle=IDLE, body_min_rate=RATE)
    slots = app.app  # AccessLog -> UploadSlots
    bad = [{} for _ in range(2 * SLOTS + 2)]  # more slow clients than slots
    with serve_in_thread(app) as url:
        threads = [threading.Thread(target=raw_post, args=(url, TRICKLE_LENGTH, b"ZZ", out),
                                    kwargs={"trickle": i % 3 != 2}) for i, out in enumerate(bad)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while slots.reading < len(bad) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert slots.reading == len(bad) and slots.active == 0  # reading bodies holds no slot

        started = time.monotonic()
        answers = [httpx.post(url + UPLOAD_PATH, content=b, timeout=30) for b in honest]
        honest_done = time.monotonic()
        tricklers_still_in = slots.reading
        for t in threads:
            t.join(30)
    assert [a.status_code for a in answers] == [200, 200]
    assert {a.headers["x-zongzhi-township"] for a in answers} == {"330825101", "330825102"}
    assert honest_done - started < IDLE + TRICKLE_LENGTH / RATE  # not held up by the slow bodies
    assert tricklers_still_in >= 2 * SLOTS  # the tricklers were still sending meanwhile

    for i, out in enumerate(bad):
        assert out["status"] == 408, out
        assert out["json"]["error"] == "timeout" and "上传过慢" in out["json"]["message"]
        assert "connection: close" in out["headers"]
        if i % 3 == 2:  # stalled: cut off after IDLE
            assert "没有收到数据" in out["json"]["message"] and IDLE * 0.9 <= out["after"] < IDLE + 2
        else:  # trickling: cut off at the deadline for the declared size
            assert "未在" in out["json"]["message"]
            assert IDLE + TRICKLE_LENGTH / RATE - 0.2 <= out["after"] < IDLE + TRICKLE_LENGTH / RATE + 3
            assert out["at"] > honest_done
    assert (slots.active, slots.waiting, slots.reading) == (0, 0, 0)


def test_declared_length_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    hub = Hub.create(tmp_path / "county.sqlite3")
    limit = 64 * 1024
    app = create_app(hub.store, hub.keys, max_bytes=limit, body_idle=5, body_min_rate=RATE)
    out: dict[str, Any] = {}
    with serve_in_thread(app) as url:
        # Only the headers are sent: a 413 that came before the body was read comes at once.
        raw_post(url, limit + 1, b"", out, trickle=False)
        r = httpx.post(url + UPLOAD_PATH, content=b"x" * (limit + 1))
    assert out["status"] == 413 and out["json"]["error"] == "too_large" and out["after"] < 2
    assert str(limit + 1) in out["json"]["message"]
    assert r.status_code == 413


def test_chunked_trickle_is_cut_off(tmp_path: Path) -> None:
    """Without a declared length the allowance grows only with what arrived: 100 bytes/s against a
    minimum of 100,000 is cut off soon after the first IDLE seconds, pauses or not."""
    hub = Hub.create(tmp_path / "county.sqlite3")
    app = create_app(hub.store, hub.keys, body_idle=IDLE, body_min_rate=RATE)
    out: dict[str, Any] = {}
    with serve_in_thread(app) as url:
        raw_post(url, None, b"2\r\nZZ\r\n", out, trickle=True)
        assert app.app.reading == 0
    assert out["status"] == 408 and out["json"]["error"] == "timeout" and "未在" in out["json"]["message"]
    assert IDLE * 0.9 <= out["after"] < IDLE + 2
