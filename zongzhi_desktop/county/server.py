"""The county hub server (`zongzhi county serve`): FastAPI on uvicorn.

Endpoints:
- POST /api/v1/bundles — upload a bundle; the body of a 200 is the signed receipt (county.http).
- GET /health — the database answers; 503 when it does not.
- GET /status[?period=2026-W47|2026-11|2026-Q4] — township reporting status and timeliness (JSON).

Every refusal is JSON {"error": <code>, "message": <Chinese text>} with a fitting HTTP status
(400 malformed, 403 forged or unknown key/township, 404/405, 408 body too slow, 413 too large,
422 wrong county, 503 busy — see county.http.HTTP_STATUS). Each request writes one JSON line to the access log
(time, method, path, status, bytes, duration, township code, bundle sequence, refusal code); never
bodies, query strings or personal data.

The process holds nothing but the unlocked county keys and its database connections, so several
instances can serve one database (the import core makes concurrent uploads of one bundle a single
import).
"""

from __future__ import annotations

import asyncio
import json
import logging
import logging.handlers
import socket
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..domain.errors import DomainError
from ..store.database import Store
from ..store.engine import is_url, make_engine
from ..sync.container import MAX_BUNDLE_BYTES
from .bodyread import (
    DEFAULT_BODY_IDLE,
    DEFAULT_BODY_MIN_RATE,
    BodyLimits,
    declared_length,
    read_body,
)
from .http import (
    BODY_SCOPE_KEY,
    DEFAULT_MAX_BYTES,
    ROTATION_MEDIA_TYPE,
    ROTATIONS_PATH,
    UPLOAD_PATH,
    refusal,
    upload_router,
)
from .overview import status_document
from .setup import CountyKeys, county_identity

log = logging.getLogger("zongzhi.county.server")
ACCESS_LOGGER = "zongzhi.access"
DEFAULT_PORT = 8600
DEFAULT_MAX_CONCURRENT = 4  # uploads handled at once per instance (each import holds a database transaction)
DEFAULT_MAX_WAITING = 64  # uploads waiting for a slot before the hub answers 503
DEFAULT_WAIT_SECONDS = 30.0  # how long an upload waits for a slot
INTERNAL_MESSAGE = "县级服务器内部错误，请稍后重试；如持续出现请联系县级管理员（详见服务器日志）"
MIGRATION_LOCK = 0x7A6F6E677A6869  # PostgreSQL advisory lock id: instances upgrade the schema one at a time

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


# -- middleware ------------------------------------------------------------------------------------


class AccessLog:
    """One JSON line per request. Reads only sizes, status and the receipt headers of uploads."""

    def __init__(self, app: ASGIApp, logger: logging.Logger) -> None:
        self.app = app
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        info: dict[str, Any] = {"status": 500, "in": 0, "out": 0, "headers": {}, "json": b""}

        async def counting_receive() -> Message:
            msg = await receive()
            if msg["type"] == "http.request":
                info["in"] += len(msg.get("body", b""))
            return msg

        async def watching_send(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                info["status"] = msg["status"]
                info["headers"] = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in msg.get("headers", [])}
            elif msg["type"] == "http.response.body":
                body = msg.get("body", b"")
                info["out"] += len(body)
                # Refusals are small JSON bodies; keep them only to log their error code.
                if info["status"] >= 400 and len(info["json"]) < 4096:
                    info["json"] += body
            await send(msg)

        try:
            await self.app(scope, counting_receive, watching_send)
        except Exception as e:
            # A bug. Its traceback may quote SQL parameters (record contents), so only the type is
            # logged, and the exception goes no further (uvicorn would print it whole).
            log.error("请求处理失败：%s（%s %s）", type(e).__name__, scope.get("method"), scope.get("path"))
            if not info["headers"] and info["status"] == 500 and not info["out"]:
                await _error(500, "internal", INTERNAL_MESSAGE)(scope, receive, watching_send)
        finally:
            self._write(scope, info, time.perf_counter() - started)

    def _write(self, scope: Scope, info: dict[str, Any], seconds: float) -> None:
        h = info["headers"]
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": scope.get("method"), "path": scope.get("path"), "status": info["status"],
            "bytes_in": info["in"], "bytes_out": info["out"], "duration_ms": round(seconds * 1000, 1),
        }
        if "x-zongzhi-township" in h:
            entry["township"] = h["x-zongzhi-township"]
        if "x-zongzhi-county" in h:  # a county bundle at the city hub
            entry["county"] = h["x-zongzhi-county"]
        if "x-zongzhi-sequence" in h:
            try:
                entry["sequence"] = int(h["x-zongzhi-sequence"])
            except ValueError:
                pass
        if "x-zongzhi-replay" in h:
            entry["replay"] = h["x-zongzhi-replay"] == "1"
        if info["status"] >= 400 and info["json"]:
            try:
                code = json.loads(info["json"]).get("error")
                if isinstance(code, str):
                    entry["error"] = code[:40]
            except (ValueError, AttributeError):
                pass
        self.logger.info(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


class UploadSlots:
    """The body is read first, under time limits; then at most `limit` uploads import at once and
    others wait in line.

    Reading (county/bodyread.py) happens BEFORE a slot is taken: a declared Content-Length over the
    cap is answered 413 before anything is read, a stalled or trickling body is cut off with 408,
    so slow clients never hold a slot. A request with its body in hand waits up to `wait` seconds
    for a slot, and at most `queue` requests wait; beyond either it gets a JSON 503 (busy,
    Retry-After) and the township's client retries later.
    """

    def __init__(self, app: ASGIApp, limit: int, *, queue: int = 64, wait: float = 30.0,
                 path: str = UPLOAD_PATH, body: BodyLimits | None = None, hub: str = "县级") -> None:
        self.app = app
        self.hub = hub
        self.limit = limit
        self.queue = queue
        self.wait = wait
        self.path = path
        self.body = body or BodyLimits(min(DEFAULT_MAX_BYTES, MAX_BUNDLE_BYTES))
        self.reading = 0  # uploads whose body is arriving (they hold no slot)
        self.active = 0
        self.waiting = 0
        self._slots: asyncio.Semaphore | None = None  # made on first use, inside the server's loop

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") != self.path or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope.get("headers", []))
        if isinstance(declared, JSONResponse):
            await declared(scope, receive, send)
            return
        self.reading += 1
        try:
            body = await read_body(receive, declared, self.body)
        finally:
            self.reading -= 1
        if isinstance(body, JSONResponse):
            await body(scope, receive, send)
            return
        with body:
            await self._in_slot({**scope, BODY_SCOPE_KEY: body}, receive, send)

    async def _in_slot(self, scope: Scope, receive: Any, send: Any) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        senders = "乡镇" if self.hub == "县级" else "县"
        busy = refusal("busy", f"{self.hub}服务器正忙（同时上传的{senders}较多），请稍后重试")
        if self._slots.locked() and self.waiting >= self.queue:
            await busy(scope, receive, send)
            return
        self.waiting += 1
        try:
            async with asyncio.timeout(self.wait):
                await self._slots.acquire()
        except TimeoutError:
            await busy(scope, receive, send)
            return
        finally:
            self.waiting -= 1
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            self._slots.release()


# -- the app ---------------------------------------------------------------------------------------


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


@dataclass
class HubRole:
    """What makes a hub a county or a city hub; the server around it is the same (issue 19)."""

    name: str  # 县级 / 市级, in messages
    identity: dict[str, str]  # code and name fields of /health
    status: Callable[[Store, list[Any] | None, datetime | None], dict[str, Any]]  # GET /status
    importer: Callable[[Store, Any, Any], Any] | None = None  # None: township bundles (county.http)
    rotations: bool = True  # GET /api/v1/county/rotations (the county's key rotations)


def county_role(store: Store) -> HubRole:
    ident = county_identity(store)
    return HubRole("县级", {"county_code": ident.county_code, "county_name": ident.county_name}, status_document)


def create_app(store: Store, keys: CountyKeys, *, max_bytes: int = DEFAULT_MAX_BYTES,
               max_concurrent: int = DEFAULT_MAX_CONCURRENT, max_waiting: int = DEFAULT_MAX_WAITING,
               wait_seconds: float = DEFAULT_WAIT_SECONDS, body_idle: float = DEFAULT_BODY_IDLE,
               body_min_rate: float = DEFAULT_BODY_MIN_RATE, access_logger: logging.Logger | None = None,
               now: Callable[[], datetime] | None = None, role: HubRole | None = None) -> Any:
    """The hub as an ASGI app (FastAPI wrapped in the access log and the upload slots).

    An upload's body is read first: it may pause at most `body_idle` seconds and must arrive within
    `body_idle + size / body_min_rate` seconds, else 408. Then `max_concurrent` uploads are imported
    at once; up to `max_waiting` more wait up to `wait_seconds` for a slot; anything beyond is
    answered 503 (busy)."""
    role = role or county_role(store)
    app = FastAPI(title=f"综治桌面{role.name}接收服务", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    # The slots below bound concurrent imports; the route's own gate would refuse instead of queueing.
    app.include_router(upload_router(store, keys, max_bytes=max_bytes, max_concurrent=None, importer=role.importer,
                                     hub=role.name))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _error(404, "not_found", f"没有这个地址：{request.url.path}")
        if exc.status_code == 405:
            return _error(405, "method_not_allowed", f"地址 {request.url.path} 不支持 {request.method} 请求")
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(400, "bad_request", "请求参数不正确")

    @app.exception_handler(Exception)
    async def internal(_request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal", INTERNAL_MESSAGE)  # logged (type only) by AccessLog

    @app.get("/health", summary="健康检查")
    async def health() -> JSONResponse:
        def probe() -> None:
            with store.engine.connect() as c:
                c.execute(text("SELECT 1"))

        try:
            await asyncio.to_thread(probe)
        except Exception as e:  # the database is down or unreachable
            log.warning("数据库不可用：%s", type(e).__name__)
            return _error(503, "database_unavailable", f"{role.name}数据库暂时无法连接")
        return JSONResponse({"status": "ok", **role.identity, "database": store.engine.dialect.name,
                             "version": __version__})

    @app.get("/status", summary="各乡镇上报情况和及时率")
    async def status(period: str | None = None) -> JSONResponse:
        from ..reports.periods import parse_period

        try:
            periods = [parse_period(period)] if period else None
        except DomainError as e:
            return _error(400, "bad_period", e.message)
        body = await asyncio.to_thread(role.status, store, periods, now() if now else None)
        return JSONResponse(body)

    if role.rotations:
        @app.get(ROTATIONS_PATH, summary="县级密钥更换文件（各次更换，由旧密钥签署）")
        async def rotations() -> Response:
            from .rotation import rotation_statements

            statements = await asyncio.to_thread(rotation_statements, store)
            return Response(statements, media_type=ROTATION_MEDIA_TYPE)

    limits = BodyLimits(min(max_bytes, MAX_BUNDLE_BYTES), idle=body_idle, min_rate=body_min_rate)
    wrapped: Any = UploadSlots(app, max(1, max_concurrent), queue=max_waiting, wait=wait_seconds, body=limits,
                                hub=role.name)
    wrapped = AccessLog(wrapped, access_logger or logging.getLogger(ACCESS_LOGGER))
    wrapped.fastapi = app  # for tests and tools that want the inner app
    return wrapped


# -- running -----------------------------------------------------------------------------------------


def safe_target(target: str | Path) -> str:
    """The database for messages and logs, without a password."""
    if is_url(target):
        from sqlalchemy.engine import make_url

        try:
            return make_url(str(target)).render_as_string(hide_password=True)
        except Exception:
            return "（数据库地址）"
    return str(target)


def open_hub_store(target: str | Path) -> Store:
    """Open (and upgrade) the county store. On PostgreSQL the upgrade runs under an advisory lock, so
    instances started together do not race to create the same tables."""
    if is_url(target) and str(target).startswith("postgresql"):
        lock_engine = make_engine(target)
        try:
            with lock_engine.connect() as c:
                c.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
                try:
                    return Store(target)
                finally:
                    c.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
        finally:
            lock_engine.dispose()
    return Store(target)


def access_logger(path: str | None) -> logging.Logger:
    """The JSON-lines access log: a file, or standard error."""
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for h in list(logger.handlers):
        logger.removeHandler(h)
        h.close()
    # WatchedFileHandler reopens the file after logrotate moved it.
    handler: logging.Handler = (logging.handlers.WatchedFileHandler(path, encoding="utf-8") if path
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    return logger


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves, so --port 0 works and the real port can be announced."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise DomainError(f"无法在 {host}:{port} 上监听：{e.strerror}（端口被占用或地址无效）") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(store: Store, keys: CountyKeys, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          max_bytes: int = DEFAULT_MAX_BYTES, max_concurrent: int = DEFAULT_MAX_CONCURRENT,
          max_waiting: int = DEFAULT_MAX_WAITING, body_idle: float = DEFAULT_BODY_IDLE,
          body_min_rate: float = DEFAULT_BODY_MIN_RATE, access_log: str | None = None,
          announce: Callable[[str], None] | None = None, role: HubRole | None = None) -> None:
    """Run the hub until SIGINT/SIGTERM."""
    import uvicorn

    role = role or county_role(store)
    app = create_app(store, keys, max_bytes=max_bytes, max_concurrent=max_concurrent, max_waiting=max_waiting,
                     body_idle=body_idle, body_min_rate=body_min_rate, access_logger=access_logger(access_log),
                     role=role)
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    if announce:
        announce(f"{role.name}接收服务已启动：http://{shown}:{actual}（数据库 {safe_target(store.target)}，"
                 f"单个批次上限 {max_bytes // (1024 * 1024)} MB，同时处理 {max_concurrent} 个上传，最多 {max_waiting} 个排队）")
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="off", timeout_keep_alive=10,
                            server_header=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        store.close()
