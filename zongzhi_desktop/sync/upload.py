"""Upload client: send bundles to the county server over HTTP(S); the response body is the receipt.

Bundles still awaiting a receipt are sent first (oldest first), so an interrupted upload or a lost
USB stick leaves no gap; then ALWAYS a new bundle with whatever is still unacknowledged (possibly
empty), so every upload leaves the period up to now covered by a bundle the county holds.
Connection failures, timeouts, 408 (the server cut off a body that arrived too slowly), 429 and 5xx
are retried with exponential backoff; any other 4xx refusal is final and its Chinese message is
shown as is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from ..domain.models import utcnow
from ..domain.models.sync import SyncBundle
from ..domain.roles import Perm
from ..store import audit
from .errors import BundleRefused, SyncError
from .export import ExportResult, export_bundle, pending_bundles
from .receipts import ReceiptResult, apply_receipt
from .reseal import reseal_waiting
from .resend import forget_acks
from .trust import trusted_county, unlocked_signing_key

if TYPE_CHECKING:
    from ..services import Services

UPLOAD_PATH = "/api/v1/bundles"
ROTATIONS_PATH = "/api/v1/county/rotations"
RETRIES = 4
BACKOFF = 1.0  # seconds before the first retry; doubles each time
TIMEOUT = httpx.Timeout(30.0, read=300.0)
RETRYABLE = frozenset({408, 429})  # body too slow (the server's read deadline), too many uploads at once


def upload_url(base: str) -> str:
    base = base.strip()
    if not base.startswith(("http://", "https://")):
        raise SyncError(f"上传地址“{base}”无效：应以 http:// 或 https:// 开头", "bad_url")
    return base if base.rstrip("/").endswith(UPLOAD_PATH) else base.rstrip("/") + UPLOAD_PATH


def _body(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            yield block


def post_bundle(path: Path, base_url: str, *, retries: int = RETRIES, backoff: float = BACKOFF,
                timeout: httpx.Timeout | float = TIMEOUT, sleep: Callable[[float], None] = time.sleep,
                transport: httpx.BaseTransport | None = None, server: str = "县级",
                fallback: str = "也可以改用U盘导出（zongzhi export --out U盘目录），批次已保存在本机待发目录") -> bytes:
    """POST one bundle file; returns the receipt bytes or raises SyncError with a Chinese message.

    `server` names the receiving hub in messages (县级; 市级 for a county's bundle to its city)."""
    url = upload_url(base_url)
    size = os.path.getsize(path)
    last = ""
    with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client:
        for attempt in range(retries + 1):
            if attempt:
                sleep(backoff * 2 ** (attempt - 1))
            try:
                r = client.post(url, content=_body(path), headers={
                    "Content-Type": "application/octet-stream", "Content-Length": str(size)})
            except httpx.TimeoutException:
                last = "连接超时"
                continue
            except httpx.TransportError as e:
                last = f"无法连接（{type(e).__name__}）"
                continue
            if r.status_code == 200:
                return r.content
            message, server_code = _server_message(r), _server_code(r)
            if r.status_code in RETRYABLE or r.status_code >= 500:
                last = f"服务器暂时无法处理（HTTP {r.status_code}{'：' + message if message else ''}）"
                continue
            refused = SyncError(f"{server}服务器拒收批次 {path.name}（HTTP {r.status_code}）：{message or '无说明'}",
                                "refused")
            refused.server_code = server_code  # type: ignore[attr-defined]
            raise refused
    raise SyncError(f"无法上传到{server}服务器 {url}：{last}，已重试 {retries} 次。请检查网络连接；{fallback}", "offline")


def fetch_rotations(base_url: str, *, timeout: float = 30.0,
                    transport: httpx.BaseTransport | None = None) -> bytes:
    """The county's key rotation statements from its server (empty when it never rotated)."""
    url = upload_url(base_url).removesuffix(UPLOAD_PATH) + ROTATIONS_PATH
    try:
        with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client:
            r = client.get(url)
    except httpx.HTTPError as e:
        raise SyncError(f"无法连接县级服务器（{type(e).__name__}）：请检查网络后重试", "network") from None
    if r.status_code != 200:
        raise SyncError(f"县级服务器未提供密钥更换文件（HTTP {r.status_code}）", "server_error")
    return r.content


def _server_code(r: httpx.Response) -> str:
    """The refusal code of the county's JSON answer ("wrong_recipient", "fork", …), or ""."""
    try:
        return str(r.json().get("error") or "")
    except (ValueError, AttributeError):
        return ""


def _server_message(r: httpx.Response) -> str:
    try:
        data = r.json()
        return str(data.get("message") or data.get("detail") or "")
    except (ValueError, AttributeError):
        return r.text[:200]


@dataclass
class UploadResult:
    sent: list[int] = field(default_factory=list)  # sequences uploaded, in order
    receipts: list[ReceiptResult] = field(default_factory=list)
    exported: ExportResult | None = None
    dropped: list[int] = field(default_factory=list)  # waiting bundles no county key can open any more
    rotation: str | None = None  # the county's new fingerprint, when it rotated keys and this township has not accepted


def upload(services: Services, passphrase: str, url: str | None = None, *, retries: int = RETRIES,
           backoff: float = BACKOFF, sleep: Callable[[float], None] = time.sleep) -> UploadResult:
    """Send pending bundles, then always a new one (possibly empty); apply each receipt as it comes back."""
    services.require(Perm.ENTER, "上传批次")
    county = trusted_county(services)
    base = url or county.upload_url
    if not base:
        raise SyncError("未设置县级上传地址：请用 --url 指定，或在“同步”页填写县级服务器地址", "no_url")
    upload_url(base)
    result = UploadResult()

    def send(path: Path, sequence: int) -> None:
        receipt = post_bundle(path, base, retries=retries, backoff=backoff, sleep=sleep)
        result.sent.append(sequence)
        result.receipts.append(apply_receipt(services, receipt))

    # After a county key rotation, waiting bundles go to the new key first (a rebuilt hub holds no old key).
    reseal_waiting(services, unlocked_signing_key(services, passphrase, "交县综治中心登记后再上传")[1])
    full_state = False
    for b in pending_bundles(services):
        if b.outbox_path and Path(b.outbox_path).exists():
            try:
                send(Path(b.outbox_path), b.sequence)
            except SyncError as e:
                if getattr(e, "server_code", "") not in ("wrong_recipient", "wrong_suite"):
                    raise
                # Sealed to a key the county no longer holds and too old to re-seal (no content key
                # kept), or of a cipher suite the county no longer takes: nobody can ever import it. Drop it; its rows are still unacknowledged and the
                # new bundle carries the township's whole state, so no sequence is left missing.
                drop_unreadable(services, b.sequence)
                result.dropped.append(b.sequence)
                full_state = True
    if full_state:
        forget_acks(services, everything=True, since=None, check_role=False)
    # Always a new bundle (empty bundles are valid): its span ends now, so the period is covered.
    result.exported = export_bundle(services, passphrase, full_state=full_state)
    send(result.exported.outbox_path, result.exported.sequence)
    result.rotation = _rotation_waiting(services, base)
    return result


def drop_unreadable(services: Services, sequence: int) -> None:
    """Take a waiting bundle out of the outbox (audited): the county cannot open it any more."""
    with services.session() as s, s.begin():
        row = s.get(SyncBundle, sequence)
        if row is None or row.receipt_at is not None:
            return
        path, row.outbox_path, row.dropped_at = row.outbox_path, None, utcnow()
        s.add(row)
        audit.append(s, username=services.actor.username, action="sync_drop_unreadable", record_kind="sync_bundle",
                     record_id=None, before={"outbox_path": path},
                     after={"sequence": sequence, "bundle_hash": row.bundle_hash,
                            "reason": "sealed to a county key the county no longer holds"})
    if path:
        Path(path).unlink(missing_ok=True)


def _rotation_waiting(services: Services, base: str) -> str | None:
    """The new county fingerprint when the county rotated its keys and this township has not yet
    accepted it (told after each upload; accepting is `sync trust-county --from-server`)."""
    from .rotation import preview_rotation

    try:
        data = fetch_rotations(base)
        preview = preview_rotation(services, data) if data else None
    except (SyncError, BundleRefused):
        return None  # an older server without the route, or a network blip: the upload itself succeeded
    return preview.new_fingerprint if preview and preview.steps else None
