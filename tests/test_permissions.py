"""Roles: what a clerk may not do, what a reviewer and an administrator may, and who did what."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from test_workflows_petition import new_petition, refused

from zongzhi_desktop.domain.errors import DomainError, PermissionDenied
from zongzhi_desktop.domain.roles import Perm, Role, has_perm
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.admin import authenticate


def package_waiting_for_review(clerk: Services) -> str:
    clerk.create("leader", {"name": "王镇长", "post": "镇长"})
    pkg = clerk.create("package", {"title": "积案", "leader_id": "王镇长", "start_date": "2026-03-01",
                                   "target_date": "2026-12-31"}).record
    clerk.act("package", pkg.id, "request_close", {"close_request_date": "2026-10-01"})
    return pkg.id


def test_grants() -> None:
    assert has_perm("clerk", Perm.ENTER) and not has_perm("clerk", Perm.REVIEW)
    assert has_perm("reviewer", Perm.REVIEW) and not has_perm("reviewer", Perm.ADMIN)
    assert has_perm("admin", Perm.ADMIN) and not has_perm("admin", Perm.VIEW_PERSONAL)
    assert not has_perm("intruder", Perm.ENTER)
    assert {r.value for r in Role} == {"clerk", "reviewer", "admin"}


def test_clerk_cannot_review_packages(clerk: Services, reviewer: Services) -> None:
    pid = package_waiting_for_review(clerk)
    close = {"closed_date": "2026-10-02", "reviewer": "李主任"}
    err = refused(clerk, PermissionDenied, lambda: clerk.act("package", pid, "approve_close", close), "录入员")
    assert "无权" in err.message and "审核" in err.message
    refused(clerk, PermissionDenied, lambda: clerk.act("package", pid, "return", {
        "return_date": "2026-10-02", "reviewer": "李主任", "review_opinion": "材料不全"}))
    assert [a.name for a in clerk.available_actions("package", clerk.get("package", pid))] == []
    assert {a.name for a in reviewer.available_actions("package", reviewer.get("package", pid))} == {
        "approve_close", "return"}
    pkg = reviewer.act("package", pid, "approve_close", close)
    assert pkg.status == "closed" and pkg.updated_by == "leader"


def test_clerk_cannot_void(clerk: Services, reviewer: Services) -> None:
    p = new_petition(clerk, "2026-05-01")
    refused(clerk, PermissionDenied, lambda: clerk.void("petition", p.id, "录错了"), "作废")
    v = reviewer.void("petition", p.id, "录错了")
    assert v.voided and v.void_reason == "录错了" and v.updated_by == "leader"
    q = new_petition(clerk, "2026-05-02")
    refused(reviewer, DomainError, lambda: reviewer.void("petition", q.id, "  "), "作废原因")


@pytest.mark.parametrize("who", ["clerk", "reviewer"])
def test_only_admin_administers(who: str, clerk: Services, reviewer: Services, admin: Services) -> None:
    svc = {"clerk": clerk, "reviewer": reviewer}[who]
    refused(svc, PermissionDenied, lambda: svc.set_code("dispute_type", "fishing", "渔业纠纷"), "字典")
    refused(svc, PermissionDenied, lambda: svc.create_user("eve", "伊娃", "admin", "eve-pass-123"), "用户")
    refused(svc, PermissionDenied, lambda: svc.set_setting("deadline_rule", "working"), "设置")
    refused(svc, PermissionDenied, lambda: svc.set_holiday(date(2026, 10, 1), name="国庆节"), "节假日")
    refused(svc, PermissionDenied, lambda: svc.set_user_active("clerk", False))
    refused(svc, PermissionDenied, lambda: svc.set_password("admin", "new-pass-123"), "他人密码")
    refused(svc, PermissionDenied, lambda: svc.create("village", {"code": "330825101001", "name": "东村"}), "村")

    admin.set_code("dispute_type", "fishing", "渔业纠纷")
    admin.create_user("eve", "伊娃", "clerk", "eve-pass-123")
    admin.set_setting("deadline_rule", "working")
    admin.set_holiday(date(2026, 10, 1), name="国庆节")
    admin.create("village", {"code": "330825101001", "name": "东村"})


def test_own_password(clerk: Services, admin: Services) -> None:
    clerk.set_password("clerk", "a-new-secret-9")
    assert authenticate(clerk, "clerk", "a-new-secret-9").role == "clerk"
    with pytest.raises(DomainError, match="用户名或密码错误"):
        authenticate(clerk, "clerk", "clerk-pass-1")
    with pytest.raises(DomainError, match="至少8位"):
        clerk.set_password("clerk", "short")
    admin.set_user_active("clerk", False)
    with pytest.raises(DomainError, match="用户名或密码错误"):
        authenticate(clerk, "clerk", "a-new-secret-9")
    with pytest.raises(DomainError, match="用户名或密码错误"):
        authenticate(clerk, "nobody", "whatever-123")


def test_passwords_hashed_and_kept_out_of_audit(admin: Services) -> None:
    con = sqlite3.connect(admin.store.path)
    try:
        hashes = [h for (h,) in con.execute("SELECT password_hash FROM app_user")]
        audit = "".join(a or "" for (a,) in con.execute("SELECT after FROM audit_log"))
    finally:
        con.close()
    assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
    assert "argon2" not in audit and "clerk-pass-1" not in audit and '"password_hash":"***"' in audit


def test_every_change_attributed(clerk: Services, reviewer: Services) -> None:
    clerk.create("department", {"name": "司法所"})
    p = new_petition(clerk, "2026-06-01")
    clerk.act("petition", p.id, "accept", {"decision_date": "2026-06-02", "decision": "accept"})
    reviewer.act("petition", p.id, "assign", {"assigned_date": "2026-06-03", "assigned_department_id": "司法所"})
    reviewer.void("petition", p.id, "重复录入")

    rec = clerk.get("petition", p.id)
    assert (rec.created_by, rec.updated_by) == ("clerk", "leader")
    events = clerk.timeline("petition", p.id)
    assert [(e.action, e.actor, e.created_by) for e in events] == [
        ("register", "clerk", "clerk"), ("accept", "clerk", "clerk"),
        ("assign", "leader", "leader"), ("void", "leader", "leader")]
    history = clerk.audit_history(p.id)
    assert [(a.action, a.username) for a in history] == [
        ("create", "clerk"), ("accept", "clerk"), ("assign", "leader"), ("void", "leader")]
    # Every audit entry in the store names a real user (or the system during setup).
    con = sqlite3.connect(clerk.store.path)
    try:
        users = {u for (u,) in con.execute("SELECT DISTINCT username FROM audit_log")}
    finally:
        con.close()
    assert users <= {"system", "admin", "clerk", "leader"} and {"clerk", "leader"} <= users
