"""Sign-in back-off (issue 14): five wrong passwords, then every further try waits, even the right one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from zongzhi_desktop.domain.errors import (
    AuthenticationFailed,
    PermissionDenied,
    SigninThrottled,
    ValidationError,
)
from zongzhi_desktop.domain.models import AuditEntry
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.context import Actor
from zongzhi_desktop.services.signin import authenticate, throttle_status, wait_after

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def fail(svc: Services, username: str, times: int, *, at: datetime = T0) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            authenticate(svc, username, "wrong-password", now=at)


def audit_actions(svc: Services) -> list[str]:
    with svc.session() as s:
        return list(s.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def test_wait_grows_after_five_failures() -> None:
    assert [wait_after(n) for n in range(1, 9)] == [0, 0, 0, 0, 30, 60, 120, 240]
    assert wait_after(50) == 3600  # capped at an hour
    assert wait_after(10**6) == 3600


def test_right_password_refused_while_waiting_then_accepted(admin: Services) -> None:
    fail(admin, "clerk", 4)
    assert authenticate(admin, "clerk", "clerk-pass-1", now=T0).username == "clerk"  # 4 failures: no wait
    assert throttle_status(admin, "clerk", now=T0) == (0, 0)  # success cleared them

    fail(admin, "clerk", 5)
    assert throttle_status(admin, "clerk", now=T0) == (5, 30)
    with pytest.raises(SigninThrottled) as err:
        authenticate(admin, "clerk", "clerk-pass-1", now=T0 + timedelta(seconds=10))
    assert "20秒后再试" in err.value.message and "管理员解锁" in err.value.message
    # The refused try during the wait is not a new failure (nothing was checked).
    assert throttle_status(admin, "clerk", now=T0 + timedelta(seconds=10)) == (5, 20)

    # After the wait a wrong password doubles the next wait; the right one signs in.
    fail(admin, "clerk", 1, at=T0 + timedelta(seconds=31))
    assert throttle_status(admin, "clerk", now=T0 + timedelta(seconds=31)) == (6, 60)
    assert authenticate(admin, "clerk", "clerk-pass-1", now=T0 + timedelta(seconds=92)).role == "clerk"
    assert throttle_status(admin, "clerk", now=T0 + timedelta(seconds=92)) == (0, 0)

    actions = audit_actions(admin)
    assert actions.count("signin_failed") == 10 and actions.count("signin_ok") == 2
    assert admin.verify_audit()[1] == []


def test_unknown_user_is_throttled_and_told_the_same(admin: Services) -> None:
    with pytest.raises(AuthenticationFailed) as err:
        authenticate(admin, "nobody", "whatever", now=T0)
    assert err.value.message == "用户名或密码错误"
    fail(admin, "nobody", 4)
    with pytest.raises(SigninThrottled):
        authenticate(admin, "nobody", "whatever", now=T0)


def test_admin_unlock_and_password_reset_end_the_wait(admin: Services) -> None:
    fail(admin, "clerk", 5)
    clerk = Services(admin.store, Actor("clerk", "clerk"), today=admin._today)
    with pytest.raises(PermissionDenied):
        clerk.unlock_user("clerk")
    assert admin.unlock_user("clerk") is True
    assert admin.unlock_user("clerk") is False  # nothing left to unlock
    assert authenticate(admin, "clerk", "clerk-pass-1", now=T0).username == "clerk"

    fail(admin, "leader", 5)
    admin.set_password("leader", "new-leader-pass")
    assert authenticate(admin, "leader", "new-leader-pass", now=T0).username == "leader"
    assert "signin_unlock" in audit_actions(admin)
    assert admin.verify_audit()[1] == []


def test_password_policy_setting(admin: Services) -> None:
    admin.set_setting("password_min_length", "10")
    admin.set_setting("password_classes", "3")
    with pytest.raises(ValidationError, match="至少10位"):
        admin.create_user("zhao", "赵", "clerk", "short-1")
    with pytest.raises(ValidationError, match="至少3种"):
        admin.create_user("zhao", "赵", "clerk", "onlylowercase1")
    admin.create_user("zhao", "赵", "clerk", "Lower-and-UPPER")
    for key, value in [("password_min_length", "7"), ("password_classes", "5"), ("idle_lock_minutes", "x"),
                       ("idle_lock_minutes", "99999999999")]:
        with pytest.raises(ValidationError) as err:
            admin.set_setting(key, value)
        assert "之间的整数" in err.value.message
    with pytest.raises(ValidationError, match="没有设置项"):
        admin.set_setting("pasword_min_length", "12")
    assert admin.get_setting("idle_lock_minutes") == "15"


def zongzhi(data: Path, *args: str, password: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZONGZHI_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "zongzhi_desktop", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, input=stdin, timeout=120)


def test_cli_back_off_and_unlock(admin: Services, tmp_path: Path) -> None:
    data = admin.store.path.parent
    admin.store.close()
    for _ in range(5):
        done = zongzhi(data, "--user", "clerk", "user", "list", password="wrong")
        assert done.returncode == 2 and "用户名或密码错误" in done.stderr
    done = zongzhi(data, "--user", "clerk", "user", "list", password="clerk-pass-1")
    assert done.returncode == 2 and "后再试" in done.stderr and "Traceback" not in done.stderr
    done = zongzhi(data, "--user", "admin", "user", "unlock", "clerk", password="admin-pass-1")
    assert done.returncode == 0 and "已解锁用户 clerk" in done.stdout, done.stderr
    done = zongzhi(data, "--user", "clerk", "setting", "get", "password_min_length", password="clerk-pass-1")
    assert done.returncode == 0 and done.stdout.strip() == "8", done.stderr
    done = zongzhi(data, "--user", "admin", "setting", "set", "password_classes", "9", password="admin-pass-1")
    assert done.returncode == 2 and "password_classes" in done.stderr and "1到4之间的整数" in done.stderr
