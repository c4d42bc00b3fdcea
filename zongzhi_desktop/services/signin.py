"""Sign-in with back-off (issue 14): after five wrong passwords a user name waits before it may try again.

The wait doubles with every further failure (30 s, 1 min, 2 min … at most one hour); while it runs even
the right password is refused, so guessing stays slow. Failures are remembered in `signin_throttle`
(installation-local) and every failure, lock, unlock and reset is one transaction with its audit entry.
A successful sign-in clears the count. The unknown-user path costs the same Argon2 verification as a
known one, so timing does not reveal which user names exist.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
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
    return _clear(services, username, by=services.actor.username, action="signin_unlock")


def throttle_status(services: Services, username: str, *, now: datetime | None = None) -> tuple[int, int]:
    """(consecutive failures, seconds still to wait) for a user name."""
    now = now or datetime.now(UTC)
    with services.session() as session:
        row = session.get(m.SigninThrottle, username)
        if row is None:
            return 0, 0
        until = _aware(row.locked_until)
        return row.failures, max(0, int((until - now).total_seconds() + 0.999)) if until else 0
