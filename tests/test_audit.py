"""The hash-chained audit trail: every change is logged, and tampering is found and named."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from test_workflows_petition import new_petition

from zongzhi_desktop.services import Services
from zongzhi_desktop.services.rowcheck import RowProblem
from zongzhi_desktop.store import audit
from zongzhi_desktop.store.audit import entry_hash
from zongzhi_desktop.store.serialize import canonical_json


@pytest.fixture
def busy(clerk: Services, reviewer: Services) -> Services:
    """A store with a few dozen audited changes of several kinds."""
    clerk.create("department", {"name": "人社所"})
    for i in range(8):
        p = new_petition(clerk, f"2026-0{1 + i % 9}-1{i}", petitioner_name=f"信访人{i}")
        clerk.act("petition", p.id, "accept", {"decision_date": f"2026-0{1 + i % 9}-2{i}", "decision": "accept"})
        if i % 2:
            clerk.act("petition", p.id, "assign", {"assigned_date": f"2026-0{1 + i % 9}-2{i}",
                                                   "assigned_department_id": "人社所"})
        if i % 3 == 0:
            reviewer.void("petition", p.id, "测试作废")
    clerk.create("dispute", {"title": "邻里纠纷", "found_date": "2026-05-01", "source": "主动调解", "type": "邻里",
                             "parties": [{"name": "甲"}, {"name": "乙"}]})
    return clerk


def rows(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    finally:
        con.close()


def tamper(path: Path, sql: str, *params: object) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def problems(svc: Services) -> list[tuple[int | None, str]]:
    return [(p.seq, p.message) for p in svc.verify_audit()[1]]


def test_busy_store_verifies(busy: Services) -> None:
    checked, found = busy.verify_audit()
    assert found == [] and checked == rows(busy.store.path) > 30


def test_every_write_is_one_entry_in_the_same_transaction(busy: Services) -> None:
    before = rows(busy.store.path)
    p = new_petition(busy, "2026-10-01")
    assert rows(busy.store.path) == before + 1
    entry = busy.audit_history(p.id)[-1]
    after = json.loads(entry.after)
    assert entry.before is None and after["id"] == p.id and after["petitioner_name"] == "张三"
    busy.update("petition", p.id, {"petitioner_name": "张三丰"})
    entry = busy.audit_history(p.id)[-1]
    assert json.loads(entry.before)["petitioner_name"] == "张三"
    assert json.loads(entry.after)["petitioner_name"] == "张三丰" and json.loads(entry.after)["revision"] == 2


def test_edited_after_is_named(busy: Services) -> None:
    path = busy.store.path
    seq = 17
    con = sqlite3.connect(path)
    after = con.execute("SELECT after FROM audit_log WHERE seq = ?", (seq,)).fetchone()[0]
    con.close()
    tamper(path, "UPDATE audit_log SET after = ? WHERE seq = ?", after.replace("2026", "2025", 1), seq)
    found = problems(busy)
    assert found == [(seq, f"第{seq}条审计记录内容与其哈希不符（记录被修改）")]


@pytest.mark.parametrize("column", ["username", "action", "at", "record_id", "before"])
def test_any_edited_column_is_named(busy: Services, column: str) -> None:
    value = {"username": "'admin'", "action": "'tampered'", "at": "'2020-01-01 00:00:00.000000'",
             "record_id": "'x'", "before": "'{}'"}[column]
    tamper(busy.store.path, f"UPDATE audit_log SET {column} = {value} WHERE seq = 20")
    assert [s for s, _m in problems(busy)] == [20]


def test_deleted_middle_entry_is_named(busy: Services) -> None:
    tamper(busy.store.path, "DELETE FROM audit_log WHERE seq = 12")
    found = problems(busy)
    assert (13, "第12至12条审计记录缺失（被删除）") in found
    assert all(seq == 13 for seq, _m in found)


def test_deleted_last_entries_are_named(busy: Services) -> None:
    n = rows(busy.store.path)
    tamper(busy.store.path, "DELETE FROM audit_log WHERE seq > ?", n - 3)
    found = busy.verify_audit()[1]
    assert (found[0].seq, found[0].message) == (n - 2, f"第{n - 2}至{n}条审计记录缺失（末尾被删除）")
    # The rows those entries wrote now name entries that are gone: each is named too.
    assert found[1:] and all(isinstance(p, RowProblem) and p.problem == "unknown_hash" for p in found[1:])


def _forge(path: Path, seq: int, prev_hash: str) -> None:
    """Insert an entry whose own hash is computed correctly, as a careful forger would."""
    at = datetime.fromisoformat("2026-11-20T08:00:00.000000+00:00")
    after = canonical_json({"id": "forged", "petitioner_name": "伪造"})
    digest = entry_hash(seq, at, "admin", "create", "petition", "forged", None, after, prev_hash)
    tamper(path, "INSERT INTO audit_log (seq, at, username, action, record_kind, record_id, before, after, "
           "prev_hash, hash) VALUES (?, ?, 'admin', 'create', 'petition', 'forged', NULL, ?, ?, ?)",
           seq, "2026-11-20 08:00:00.000000", after, prev_hash, digest)


def test_forged_entry_appended_is_named(busy: Services) -> None:
    path = busy.store.path
    n = rows(path)
    con = sqlite3.connect(path)
    last_hash = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (n,)).fetchone()[0]
    con.close()
    _forge(path, n + 1, last_hash)
    found = problems(busy)
    assert len(found) == 1 and found[0][0] == n + 1 and "插入" in found[0][1]


def test_forged_entry_replacing_one_is_named(busy: Services) -> None:
    """Entry 15 swapped for a self-consistent forgery: the chain breaks at 16."""
    path = busy.store.path
    con = sqlite3.connect(path)
    prev = con.execute("SELECT hash FROM audit_log WHERE seq = 14").fetchone()[0]
    con.close()
    tamper(path, "DELETE FROM audit_log WHERE seq = 15")
    _forge(path, 15, prev)
    found = busy.verify_audit()[1]
    assert found[0].seq == 16 and "第15条" in found[0].message
    # What entry 15 now claims (a record that was never stored) and the row the real entry 15 wrote.
    assert all(isinstance(p, RowProblem) for p in found[1:])
    assert any(p.problem == "deleted" and p.record_id == "forged" for p in found[1:])


def test_forged_entry_before_the_first_is_named(busy: Services) -> None:
    _forge(busy.store.path, 0, "0" * 64)
    found = problems(busy)
    assert found and found[0][0] == 0 and "插入" in found[0][1]


def test_reordered_entries_are_named(busy: Services) -> None:
    path = busy.store.path
    tamper(path, "UPDATE audit_log SET seq = -5 WHERE seq = 5")
    tamper(path, "UPDATE audit_log SET seq = 5 WHERE seq = 6")
    tamper(path, "UPDATE audit_log SET seq = 6 WHERE seq = -5")
    assert {s for s, _m in problems(busy)} >= {5, 6}


def test_count_helper(busy: Services) -> None:
    with busy.session() as s:
        assert audit.count(s) == rows(busy.store.path)



def test_deleting_the_whole_chain_is_reported(busy: Services) -> None:
    assert busy.verify_audit()[1] == []
    tamper(busy.store.path, "DELETE FROM audit_log")
    tamper(busy.store.path, "DELETE FROM audit_head")
    checked, problems = busy.verify_audit()
    assert checked == 0
    assert [p.message for p in problems] == [
        "审计日志为空，但数据库已初始化（初始化本身就会留下审计记录）：审计日志和审计链末端标记被整体删除"]


@pytest.mark.parametrize("statement, expected", [
    ("UPDATE app_user SET role='admin' WHERE username='clerk'", "用户“clerk”的角色与第"),
    ("UPDATE app_user SET active=1, display_name='冒名' WHERE username='leader'", "用户“leader”的姓名与第"),
    ("UPDATE app_user SET password_hash=(SELECT password_hash FROM app_user WHERE username='clerk') "
     "WHERE username='admin'", "用户“admin”的密码与第"),
    ("INSERT INTO app_user (id, township_code, revision, created_at, created_by, updated_at, updated_by, voided, "
     "username, display_name, role, password_hash, active) SELECT 'x1', township_code, 1, created_at, '', updated_at, "
     "'', 0, 'ghost', '幽灵', 'admin', password_hash, 1 FROM app_user WHERE username='admin'",
     "用户“ghost”没有任何审计记录（被直接写入数据库）"),
])
def test_accounts_changed_behind_the_programs_back_are_reported(admin: Services, statement: str, expected: str) -> None:
    admin.set_password("clerk", "clerk-pass-2")  # entries that carry the password digest
    admin.set_password("admin", "admin-pass-2")
    assert admin.verify_audit()[1] == []
    tamper(admin.store.path, statement)
    problems = [p.message for p in admin.verify_audit()[1]]
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert "被绕过程序直接修改" in problems[0] or "被直接写入数据库" in problems[0]
