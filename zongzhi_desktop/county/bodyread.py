"""Reading an upload's body under a time limit, before the upload takes one of the hub's slots.

A township on a poor line still gets its bundle in; a client that sends nothing, or trickles
bytes, is cut off with HTTP 408 instead of holding a connection (and, before this, an import slot)
for ever. Two limits, both configurable (`zongzhi county serve --body-idle/--body-min-rate`):

- no pause between two pieces of the body may exceed `idle` seconds (a stalled upload);
- the whole body must arrive within `idle + size / min_rate` seconds, `size` being the declared
  Content-Length (or, for a chunked body, the bytes received so far): a trickle slower than
  `min_rate` bytes per second on average is cut off.

A declared Content-Length over the cap is refused (413) before a byte of the body is read.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse

from .http import BODY_SCOPE_KEY, SPOOL_IN_MEMORY, refusal

DEFAULT_BODY_IDLE = 30.0  # seconds without a byte before the upload is cut off
DEFAULT_BODY_MIN_RATE = 4096  # bytes per second on average (32 kbit/s: a poor rural line still passes)

__all__ = ["BODY_SCOPE_KEY", "BodyLimits", "declared_length", "read_body"]

Message = MutableMapping[str, Any]
Spool = tempfile.SpooledTemporaryFile  # type: ignore[type-arg]


@dataclass(frozen=True)
class BodyLimits:
    """How large and how slow an upload's body may be."""

    max_bytes: int
    idle: float = DEFAULT_BODY_IDLE
    min_rate: float = DEFAULT_BODY_MIN_RATE

    def allowed_seconds(self, size: int) -> float:
        return self.idle + size / self.min_rate


def declared_length(headers: list[tuple[bytes, bytes]]) -> int | JSONResponse | None:
    """The Content-Length header's value, None without one, or the refusal for a bad one."""
    for k, v in headers:
        if k.lower() == b"content-length":
            try:
                n = int(v)
            except ValueError:
                n = -1
            if n < 0:
                return refusal("malformed", "请求头 Content-Length 无效")
            return n
    return None


def too_large(limits: BodyLimits, size: int | None = None) -> JSONResponse:
    shown = f"{size} 字节，" if size is not None else ""
    return closing(refusal("too_large", f"批次文件过大（{shown}上限 {limits.max_bytes} 字节），已拒收"))


def timed_out(seconds: float, stalled: bool) -> JSONResponse:
    why = f"超过 {seconds:g} 秒没有收到数据" if stalled else f"未在 {seconds:g} 秒内传完"
    return closing(refusal("timeout", f"批次文件上传过慢（{why}），服务器已断开：请检查网络后重新上传，"
                                      "批次仍保存在乡镇的待发目录中"))


def closing(response: JSONResponse) -> JSONResponse:
    """The connection is closed after this answer (the rest of the body is never read)."""
    response.headers["Connection"] = "close"
    return response


async def read_body(receive: Callable[[], Awaitable[Message]], declared: int | None,
                    limits: BodyLimits) -> Spool | JSONResponse:
    """The whole body in a spool (memory, then a temporary file), or the refusal to send instead."""
    if declared is not None and declared > limits.max_bytes:
        return too_large(limits, declared)
    loop = asyncio.get_running_loop()
    started = loop.time()
    spool: Spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    total = 0
    try:
        while True:
            allowed = limits.allowed_seconds(declared if declared is not None else total)
            left = started + allowed - loop.time()
            if left <= 0:
                spool.close()
                return timed_out(allowed, stalled=False)
            stall_limit = limits.idle <= left  # which limit ends this wait: the pause or the whole body's
            try:
                msg = await asyncio.wait_for(receive(), limits.idle if stall_limit else left)
            except TimeoutError:
                spool.close()
                return timed_out(limits.idle if stall_limit else allowed, stalled=stall_limit)
            if msg["type"] == "http.disconnect":
                spool.close()
                return refusal("incomplete", "上传中断：批次文件未完整收到")
            block = msg.get("body", b"")
            total += len(block)
            if total > limits.max_bytes:
                spool.close()
                return too_large(limits)
            spool.write(block)
            if not msg.get("more_body", False):
                spool.seek(0)
                return spool
    except BaseException:
        spool.close()
        raise
