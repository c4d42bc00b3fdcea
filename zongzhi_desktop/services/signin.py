"""Sign-in with back-off (issue 14): after five wrong passwords a user name waits before it may try again.

The wait doubles with every further failure (30 s, 1 min, 2 min … at most one hour); while it runs even
the right password is refused, so guessing stays slow. Failures are remembered in `signin_throttle`
(installation-local) and every failure, lock, unlock and reset is one transaction with its audit entry.
A successful sign-in clears the count. The unknown-user path costs the same Argon2 verification as a
known one, so timing does not reveal which user names exist.

An encrypted store cannot be read before the password has unwrapped its key, so its throttle is kept
first in a small file beside it (`zongzhi.sqlite3.signin`, 0600: the *gate*): it holds the failures
since the last successful sign-in and is checked before Argon2 runs. The next successful sign-in
(anyone's) writes the gate's failures into `signin_throttle` and the audit trail, each with its own
time, and empties the gate. Deleting the gate file resets the count — so can anyone who copies the
key file and guesses offline; the gate slows guessing through the program, the password policy and
Argon2's cost slow it everywhere else (docs/security.md).
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..domain import models as m
from ..domain.errors import AuthenticationFailed, SigninThrottled
from ..store import audit

if TYPE_CHECKING:
    from .context import Actor, Services

FREE_FAILURES = 5          # wrong passwords allowed before the first wait
FIRST_WAIT_SECONDS = 30    # wait after the fifth failure; doubles with each further failure
MAX_WAIT_SECONDS = 3600
MAX_USERNAME = 64

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for an unknown user name (made on first need: hashing costs ~0.1 s)."""
    return _hasher.hash("zongzhi-no-such-user")


def wait_after(failures: int) -> int:
    """Seconds a user name must wait after `failures` consecutive wrong passwords (0: none)."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** min(failures - FREE_FAILURES, 20))


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _throttle_row(row: m.SigninThrottle) -> dict[str, object]:
    return {"username": row.username, "failures": row.failures,
            "locked_until": _aware(row.locked_until).isoformat() if row.locked_until else None}


def authenticate(services: Services, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """Check a password; returns the Actor or raises AuthenticationFailed / SigninThrottled (Chinese)."""
    from .context import Actor

    now = now or datetime.now(UTC)
    username = username.strip()[:MAX_USERNAME]
    with services.session() as session:
        throttle = session.get(m.SigninThrottle, username)
        user = session.execute(select(m.User).where(m.User.username == username)).scalar_one_or_none()
        locked_until = _aware(throttle.locked_until) if throttle else None
    if locked_until is not None and locked_until > now:
        raise SigninThrottled(username, int((locked_until - now).total_seconds() + 0.999))
    ok = True
    try:
        _hasher.verify(user.password_hash if user is not None else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and user is not None and user.active:
        if throttle is not None:
            _clear(services, username, by=username, action="signin_ok")
        return Actor(user.username, user.role, user.display_name)
    _record_failure(services, username, now)
    raise AuthenticationFailed


def _record_failure(services: Services, username: str, now: datetime) -> None:
    with services.session() as session, session.begin():
        row = session.get(m.SigninThrottle, username)
        before = _throttle_row(row) if row else None
        row = row or m.SigninThrottle(username=username, failures=0)
        row.failures += 1
        row.last_failure_at = now
        wait = wait_after(row.failures)
        row.locked_until = now + timedelta(seconds=wait) if wait else None
        session.add(row)
        audit.append(session, username=username, action="signin_failed", record_kind="signin",
                     record_id=None, before=before, after=_throttle_row(row))


def _clear(services: Services, username: str, *, by: str, action: str) -> bool:
    with services.session() as session, session.begin():
        row = session.get(m.SigninThrottle, username)
        if row is None:
            return False
        before = _throttle_row(row)
        session.delete(row)  # bookkeeping, not a record: cleared, and the audit entry keeps what it was
        audit.append(session, username=by, action=action, record_kind="signin", record_id=None,
                     before=before, after=None)
    return True


def unlock(services: Services, username: str) -> bool:
    """Administrator: forget a user name's failed sign-ins (audited). False when there were none."""
    from ..domain.roles import Perm

    services.require(Perm.ADMIN, "解锁用户")
    gated = services.store.path is not None and gate_clear(services.store.path, username)
    cleared = _clear(services, username, by=services.actor.username, action="signin_unlock")
    if gated and not cleared:  # failures only in the gate so far: the unlock is audited all the same
        with services.session() as session, session.begin():
            audit.append(session, username=services.actor.username, action="signin_unlock", record_kind="signin",
                         record_id=None, before={"username": username, "where": "gate"}, after=None)
    return cleared or gated


def throttle_status(services: Services, username: str, *, now: datetime | None = None) -> tuple[int, int]:
    """(consecutive failures, seconds still to wait) for a user name."""
    now = now or datetime.now(UTC)
    gated = gate_status(services.store.path, username, now=now) if services.store.path is not None else (0, 0)
    with services.session() as session:
        row = session.get(m.SigninThrottle, username)
        if row is None:
            return gated
        until = _aware(row.locked_until)
        stored = row.failures, max(0, int((until - now).total_seconds() + 0.999)) if until else 0
    return max(stored, gated)


# -- the gate of an encrypted store (a file beside it) ---------------------------------------------
def gate_path(store_path: Path) -> Path:
    """The sign-in gate file of the store at `store_path`."""
    return store_path.with_name(store_path.name + ".signin")


def _read_gate(path: Path) -> dict[str, dict[str, object]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8")) if path.stat().st_size < (1 << 20) else {}
    except (OSError, ValueError):
        return {}  # no gate yet (or a damaged one: the failures are also in the audit trail once carried)
    return {str(k): v for k, v in raw.items() if isinstance(v, dict)} if isinstance(raw, dict) else {}


def _write_gate(path: Path, gate: dict[str, dict[str, object]]) -> None:
    from ..fileperms import create_private_file
    from ..store.filecopy import publish

    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    partial.write_text(json.dumps(gate, ensure_ascii=False), encoding="utf-8")
    publish(partial, path)


def gate_check(store_path: Path, username: str, *, now: datetime | None = None) -> None:
    """Raise SigninThrottled while `username` must wait (before any Argon2 work)."""
    now = now or datetime.now(UTC)
    entry = _read_gate(gate_path(store_path)).get(username[:MAX_USERNAME])
    until = entry.get("locked_until") if entry else None
    if isinstance(until, str):
        moment = datetime.fromisoformat(until)
        if moment > now:
            raise SigninThrottled(username, int((moment - now).total_seconds() + 0.999))


def gate_failed(store_path: Path, username: str, *, now: datetime | None = None) -> int:
    """Count a wrong password for `username` in the gate; returns the failures so far."""
    now = now or datetime.now(UTC)
    path = gate_path(store_path)
    gate = _read_gate(path)
    username = username[:MAX_USERNAME]
    entry = gate.setdefault(username, {"failures": 0, "at": []})
    failures = int(entry.get("failures", 0)) + 1  # type: ignore[call-overload]
    at = [str(x) for x in entry.get("at", [])][-100:]  # type: ignore[union-attr]
    wait = wait_after(failures)
    gate[username] = {"failures": failures, "at": [*at, now.isoformat()],
                      "locked_until": (now + timedelta(seconds=wait)).isoformat() if wait else None}
    _write_gate(path, gate)
    return failures


def gate_carry(services: Services, store_path: Path) -> int:
    """Write the gate's failures into signin_throttle and the audit trail (each with its time), then
    empty the gate. Returns how many failures were carried."""
    path = gate_path(store_path)
    gate = _read_gate(path)
    carried = 0
    for username, entry in gate.items():
        for stamp in entry.get("at", []):  # type: ignore[union-attr]
            _record_failure(services, username, datetime.fromisoformat(str(stamp)))
            carried += 1
    if gate:
        _write_gate(path, {})
    return carried


def gate_clear(store_path: Path, username: str) -> bool:
    """Forget `username`'s failures in the gate (sign-in succeeded or an administrator unlocked)."""
    path = gate_path(store_path)
    gate = _read_gate(path)
    if gate.pop(username, None) is None:
        return False
    _write_gate(path, gate)
    return True


def gate_status(store_path: Path, username: str, *, now: datetime | None = None) -> tuple[int, int]:
    """(failures, seconds to wait) the gate holds for `username`."""
    now = now or datetime.now(UTC)
    entry = _read_gate(gate_path(store_path)).get(username)
    if not entry:
        return 0, 0
    until = entry.get("locked_until")
    wait = max(0, int((datetime.fromisoformat(until) - now).total_seconds() + 0.999)) if isinstance(until, str) else 0
    return int(entry.get("failures", 0)), wait  # type: ignore[call-overload]
