"""The upload endpoint as a reusable FastAPI route (the county hub server mounts it).

POST /api/v1/bundles with the bundle file as the raw body (application/octet-stream). Success: 200
with the signed receipt as the body (media type application/vnd.zongzhi.receipt; a replayed bundle
gets the same receipt again, header X-Zongzhi-Replay: 1). Refusal: a JSON body
{"error": <code>, "message": <Chinese text>} with the status from HTTP_STATUS. The handler keeps
no state between requests, so any number of server instances can share one database.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..store.database import Store
from ..sync.container import MAX_BUNDLE_BYTES
from ..sync.errors import BundleRefused, SyncError
from .importer import ImportResult, import_bundle
from .setup import CountyKeys

UPLOAD_PATH = "/api/v1/bundles"
ROTATIONS_PATH = "/api/v1/county/rotations"
ROTATION_MEDIA_TYPE = "application/vnd.zongzhi.rotation"
RECEIPT_MEDIA_TYPE = "application/vnd.zongzhi.receipt"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024
BODY_SCOPE_KEY = "zongzhi.body"  # a body the hub already read under its time limits (county/bodyread.py)

# Refusal code -> HTTP status. 4xx: do not retry, the bundle itself is refused; except 408 (the body
# arrived too slowly: the bundle is fine, send it again) and 503 (busy): try again later.
HTTP_STATUS = {
    "malformed": 400, "tampered": 400, "mismatch": 400, "unsupported": 400, "incomplete": 400,
    "timeout": 408,
    "too_large": 413,
    "bad_signature": 403, "unknown_key": 403, "revoked_key": 403, "unknown_township": 403,
    "wrong_county": 422, "wrong_recipient": 422, "wrong_suite": 422,
    "unknown_county": 403, "wrong_city": 422, "custody": 422,  # the city hub (issue 19)
    "fork": 409,
    "conflict": 503, "busy": 503,
}


def refusal(code: str, message: str) -> JSONResponse:
    status = HTTP_STATUS.get(code, 400)
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def upload_router(store: Store | Callable[[], Store], keys: Any, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  max_concurrent: int | None = None, path: str = UPLOAD_PATH,
                  importer: Callable[[Store, Any, Any], Any] | None = None, hub: str = "县级") -> APIRouter:
    """An APIRouter with the upload route, importing into `store` with the unlocked hub `keys`.

    `importer(store, body, keys)` imports one upload and returns a result with `receipt`, `replay`,
    `sequence` and `sender_headers` (default: a township bundle into a county; the city hub passes
    its county-bundle import)."""
    run = importer or _import
    router = APIRouter()
    limit = min(max_bytes, MAX_BUNDLE_BYTES)
    gate = asyncio.Semaphore(max_concurrent) if max_concurrent else None

    def get_store() -> Store:
        return store() if callable(store) else store

    @router.post(path, summary="上传批次，返回签名回执")
    async def upload_bundle(request: Request) -> Response:
        read = request.scope.get(BODY_SCOPE_KEY)
        if read is not None:  # the hub read it already, under its time limits and size cap
            return await _respond(read, read.seek(0, 2))
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                if int(declared) > limit:
                    return refusal("too_large", f"批次文件过大（{declared} 字节，上限 {limit} 字节），已拒收")
            except ValueError:
                return refusal("malformed", "请求头 Content-Length 无效")
        if gate is not None and gate.locked():
            return refusal("busy", "县级服务器正忙，请稍后重试")
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        try:
            total = 0
            async for block in request.stream():
                total += len(block)
                if total > limit:
                    return refusal("too_large", f"批次文件过大（超过上限 {limit} 字节），已拒收")
                spool.write(block)
            return await _respond(spool, total)
        finally:
            spool.close()

    async def _respond(spool: tempfile.SpooledTemporaryFile, total: int) -> Response:  # type: ignore[type-arg]
        if total == 0:
            return refusal("malformed", "请求中没有批次文件")
        try:
            if gate is not None:
                async with gate:
                    result = await run_in_threadpool(run, get_store(), spool, keys)
            else:
                result = await run_in_threadpool(run, get_store(), spool, keys)
        except BundleRefused as e:
            return refusal(e.code, e.message)
        except SyncError as e:
            return refusal(e.code if e.code in HTTP_STATUS else "conflict", e.message)
        return Response(result.receipt, media_type=RECEIPT_MEDIA_TYPE, headers={
            "X-Zongzhi-Replay": "1" if result.replay else "0",
            "X-Zongzhi-Sequence": str(result.sequence),
            **result.sender_headers,
        })

    return router


def _import(store: Store, spool: tempfile.SpooledTemporaryFile, keys: CountyKeys) -> ImportResult:  # type: ignore[type-arg]
    spool.seek(0)
    result = import_bundle(store, spool, keys, actor="upload", via="upload")  # type: ignore[arg-type]
    for warning in result.audit_warnings:  # also in `county status`; the receipt is unchanged
        logging.getLogger("zongzhi.county.import").warning("乡镇 %s：%s", result.township_code, warning)
    return result


def make_upload_app(store: Store, keys: CountyKeys, **kw: object) -> FastAPI:
    """A minimal app with only the upload route (tests; the full hub adds health, status, limits, logs)."""
    app = FastAPI(title="综治桌面县级接收")
    app.include_router(upload_router(store, keys, **kw))  # type: ignore[arg-type]
    return app
