"""Record rows against the audit chain (issue 14 item 3): every row carries the hash of the entry
that last wrote it, and `audit verify` names a row edited, inserted, deleted, re-pointed or put
back behind the program's back — by kind, serial number or id, and field."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from ledger.samples import DISPUTE_MAPPING, VILLAGES, dispute_workbook, write_mapping
from test_workflows_petition import new_petition

from zongzhi_desktop.demo import generate
from zongzhi_desktop.ledger.importer import commit_import, plan_import, undo_import
from zongzhi_desktop.ledger.mapping import load_mapping
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.services.rowcheck import CHECKED, RowProblem
from zongzhi_desktop.store import migrate
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.store.rowhash import ROW_TABLES

TODAY = date(2026, 11, 20)


def sql(path: Path, statement: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(statement, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def row_problems(svc: Services) -> list[RowProblem]:
    checked, problems = svc.verify_audit()
    assert checked > 0
    assert all(isinstance(p, RowProblem) for p in problems), [p.message for p in problems]
    return problems  # type: ignore[return-value]


@pytest.fixture
def busy(clerk: Services, reviewer: Services) -> Services:
    """Every kind of write: saves, corrections, workflow steps, voids, child rows, visits, progress."""
    clerk.create("department", {"name": "人社所"})
    for i in range(4):
        p = new_petition(clerk, f"2026-0{1 + i}-1{i}", petitioner_name=f"信访人{i}")
        clerk.act("petition", p.id, "accept", {"decision_date": f"2026-0{1 + i}-2{i}", "decision": "accept"})
        clerk.update("petition", p.id, {"request": f"更正后的诉求{i}"})
        if i == 3:
            reviewer.void("petition", p.id, "重复登记")
    d = clerk.create("dispute", {"title": "邻里纠纷", "found_date": "2026-05-01", "source": "主动调解", "type": "邻里",
                                 "parties": [{"name": "甲"}, {"name": "乙"}]}).record
    clerk.act("dispute", d.id, "accept", {"accepted_date": "2026-05-02"})
    clerk.act("dispute", d.id, "start_mediation", {"mediation_start_date": "2026-05-03", "route": "人民调解"})
    clerk.act("dispute", d.id, "succeed", {"mediation_end_date": "2026-05-20", "agreement_form": "oral",
                                           "resolution_level": "村级"})
    clerk.add_child("dispute", d.id, "visits", {"visit_date": "2026-06-01", "satisfaction": "满意", "visitor": "钱"})
    party = clerk.add_child("dispute", d.id, "parties", {"name": "丙"})
    clerk.void_child("dispute", "parties", party.id, "录错")
    clerk.create("leader", {"name": "王镇长", "post": "镇长", "level": "乡镇级"})
    pkg = clerk.create("package", {"title": "积案", "leader_id": "王镇长", "start_date": "2026-03-01",
                                   "target_date": "2026-12-31"}).record
    clerk.add_child("package", pkg.id, "progress", {"entry_date": "2026-03-10", "content": "约谈", "by_whom": "王镇长"})
    clerk.create("dispatch", {"title": "村道拓宽", "raised_date": "2026-10-01", "deadline": "2026-11-10"})
    return clerk


def test_a_store_written_every_way_verifies_and_every_row_has_its_hash(busy: Services) -> None:
    assert busy.verify_audit()[1] == []
    for model in CHECKED:
        table = model.__tablename__
        assert sql(busy.store.path, f"SELECT count(*) FROM {table} WHERE audit_hash IS NULL") == [(0,)], table
    # The hash is the last entry naming the row.
    pid, digest = sql(busy.store.path, "SELECT id, audit_hash FROM petition WHERE serial = 'XF-2026-000001'")[0]
    assert sql(busy.store.path, "SELECT hash FROM audit_log WHERE record_id = ? ORDER BY seq DESC LIMIT 1", pid) \
        == [(digest,)]


@pytest.mark.parametrize("statement, fields, label", [
    ("UPDATE petition SET received_date = '2026-01-02' WHERE serial = 'XF-2026-000001'", ["received_date"], "收件日期"),
    ("UPDATE petition SET status = 'concluded', voided = 1 WHERE serial = 'XF-2026-000002'", ["voided", "status"],
     "作废标记、状态"),
    ("UPDATE dispute_party SET name = '丁' WHERE name = '甲'", ["name"], "姓名"),
])
def test_a_row_edited_with_the_sqlite3_shell_is_named_with_its_fields(busy: Services, statement: str,
                                                                     fields: list[str], label: str) -> None:
    sql(busy.store.path, statement)
    [problem] = row_problems(busy)
    assert problem.problem == "edited" and problem.fields == fields
    assert label in problem.message and "被绕过程序直接修改" in problem.message
    assert problem.seq is not None and f"第{problem.seq}条审计记录" in problem.message
    if problem.table == "petition":
        assert "信访件“XF-2026-00000" in problem.message


def test_the_name_of_a_party_is_not_shown_but_its_id_is(busy: Services) -> None:
    sql(busy.store.path, "UPDATE dispute_party SET name = '丁' WHERE name = '甲'")
    [problem] = row_problems(busy)
    assert problem.message.startswith("矛盾纠纷“JF-2026-000001”的当事人（id ") and "甲" not in problem.message


def test_an_edit_laundered_by_a_later_save_is_still_named(busy: Services) -> None:
    """Edited with the shell, then saved through the program: the row matches its newest entry, but
    that entry's before-image shows the edit."""
    sql(busy.store.path, "UPDATE petition SET received_date = '2026-01-02' WHERE serial = 'XF-2026-000001'")
    busy.update("petition", "XF-2026-000001", {"request": "又改了诉求"})
    [problem] = row_problems(busy)
    assert problem.problem == "edited_between" and problem.fields == ["received_date"]
    assert "收件日期已与第" in problem.message and "两次修改之间被绕过程序直接修改过" in problem.message


def test_a_row_inserted_directly_is_reported(busy: Services) -> None:
    path = busy.store.path
    columns = [r[1] for r in sql(path, "PRAGMA table_info(petition)") if r[1] not in ("id", "serial", "audit_hash")]
    cols = ", ".join(columns)
    sql(path, f"INSERT INTO petition (id, serial, {cols}) SELECT 'forged-1', 'XF-2026-000099', {cols} "
              "FROM petition WHERE serial = 'XF-2026-000001'")
    [problem] = row_problems(busy)
    assert problem.problem == "unaudited" and problem.record_id == "forged-1"
    assert problem.message == "信访件“XF-2026-000099”没有任何审计记录（被直接写入数据库）"


def test_a_row_inserted_with_a_copied_hash_is_reported(busy: Services) -> None:
    path = busy.store.path
    columns = [r[1] for r in sql(path, "PRAGMA table_info(petition)") if r[1] not in ("id", "serial")]
    cols = ", ".join(columns)
    sql(path, f"INSERT INTO petition (id, serial, {cols}) SELECT 'forged-2', 'XF-2026-000098', {cols} "
              "FROM petition WHERE serial = 'XF-2026-000001'")
    [problem] = row_problems(busy)
    assert problem.problem == "unknown_hash" and "XF-2026-000098" in problem.message


def test_a_hash_pointed_at_another_records_entry_is_reported(busy: Services) -> None:
    sql(busy.store.path, "UPDATE petition SET audit_hash = (SELECT audit_hash FROM petition WHERE serial = "
                         "'XF-2026-000002') WHERE serial = 'XF-2026-000001'")
    [problem] = row_problems(busy)
    assert problem.problem == "unknown_hash" and "XF-2026-000001" in problem.message


def test_a_row_put_back_to_an_older_entry_is_reported(busy: Services) -> None:
    """The row restored to its first after-image and pointed at that entry: the content matches it,
    but later entries wrote the record (a 受理 taken back, say)."""
    path = busy.store.path
    pid = sql(path, "SELECT id FROM petition WHERE serial = 'XF-2026-000001'")[0][0]
    seq, digest, after = sql(path, "SELECT seq, hash, after FROM audit_log WHERE record_id = ? ORDER BY seq", pid)[0]
    image = json.loads(after)
    sql(path, "UPDATE petition SET status = ?, revision = ?, request = ?, audit_hash = ? WHERE id = ?",
        image["status"], image["revision"], image["request"], digest, pid)
    [problem] = row_problems(busy)
    assert problem.problem == "rolled_back" and problem.seq == seq
    assert f"指向第{seq}条审计记录" in problem.message and "被改回旧的内容" in problem.message


def test_a_hash_cleared_is_reported(busy: Services) -> None:
    sql(busy.store.path, "UPDATE dispatch_item SET audit_hash = NULL")
    [problem] = row_problems(busy)
    assert problem.problem == "unaudited" and "调度事项“DD-2026-000001”的审计哈希被清除" in problem.message


def test_a_deleted_record_is_reported(busy: Services) -> None:
    sql(busy.store.path, "DELETE FROM dispatch_item")
    [problem] = row_problems(busy)
    assert problem.problem == "deleted" and "调度事项“DD-2026-000001”" in problem.message
    assert "被绕过程序直接删除" in problem.message


def test_a_users_role_change_is_reported(busy: Services) -> None:
    sql(busy.store.path, "UPDATE app_user SET role = 'admin' WHERE username = 'clerk'")
    [problem] = row_problems(busy)
    assert problem.message.startswith("用户“clerk”的角色与第") and problem.fields == ["role"]


def test_a_store_with_an_edited_row_is_still_backed_up(busy: Services) -> None:
    """Backups check the chain and the accounts of their copy, not every row: a store with an edited
    row is still worth a copy (and the backup stays quick before every import)."""
    from zongzhi_desktop.services.backup import make_backup

    sql(busy.store.path, "UPDATE petition SET received_date = '2026-01-02' WHERE serial = 'XF-2026-000001'")
    assert make_backup(busy.store.path).backup.path.exists()
    assert [p.problem for p in row_problems(busy)] == ["edited"]


def test_the_json_output_names_kind_record_and_fields(busy: Services, capsys: pytest.CaptureFixture[str]) -> None:
    from zongzhi_desktop.cli import main

    sql(busy.store.path, "UPDATE petition SET received_date = '2026-01-02' WHERE serial = 'XF-2026-000001'")
    code = main(["--data-dir", str(busy.store.path.parent), "audit", "verify", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["ok"] is False
    [p] = out["problems"]
    assert p["problem"] == "edited" and p["table"] == "petition" and p["fields"] == ["received_date"]
    assert p["record_id"] and "收件日期" in p["message"]


# -- batch writes: ledger import, its undo, the demo generator ---------------------------------

def _import(svc: Services, tmp_path: Path):  # type: ignore[no-untyped-def]
    admin = Services(svc.store, Actor("admin", "admin"), today=svc._today)
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    book = dispute_workbook(tmp_path / "纠纷台账.xlsx")
    mapping = load_mapping(write_mapping(tmp_path / "映射.json", DISPUTE_MAPPING), "dispute")
    return commit_import(svc, plan_import(svc, "dispute", book, mapping=mapping), valid_only=True)


def test_ledger_import_verifies_and_a_row_edited_after_is_named(clerk: Services, tmp_path: Path) -> None:
    assert _import(clerk, tmp_path).imported > 0
    assert clerk.verify_audit()[1] == []
    path = clerk.store.path
    entry = json.loads(sql(path, "SELECT after FROM audit_log WHERE action = 'import_ledger'")[0][0])
    assert set(entry["rowids"]) == {"dispute", "dispute_party", "workflow_event"}
    # A row corrected through the program keeps the batch verifiable (its content at import is the
    # correction's before-image).
    first = sql(path, "SELECT id, serial FROM dispute ORDER BY rowid LIMIT 1")[0]
    clerk.update("dispute", first[0], {"title": "更正后的标题"})
    assert clerk.verify_audit()[1] == []
    # One imported row edited behind the program's back: the batch no longer matches its digest.
    sql(path, "UPDATE dispute SET title = '改过的' WHERE rowid = (SELECT max(rowid) FROM dispute)")
    [problem] = row_problems(clerk)
    assert problem.problem == "batch" and problem.table == "dispute"
    assert "批量写入的矛盾纠纷" in problem.message and "被绕过程序直接修改" in problem.message


def test_ledger_undo_verifies(clerk: Services, reviewer: Services, tmp_path: Path) -> None:
    result = _import(clerk, tmp_path)
    undo_import(reviewer, result.batch_id, "导错了文件")
    assert reviewer.verify_audit()[1] == []
    path = clerk.store.path
    sql(path, "UPDATE dispute SET void_reason = '别的原因' WHERE rowid = (SELECT max(rowid) FROM dispute)")
    [problem] = row_problems(reviewer)
    assert problem.problem == "batch" and problem.table == "dispute"


def test_a_bulk_row_deleted_or_inserted_changes_the_batch_count(tmp_path: Path) -> None:
    store = Store(tmp_path / "demo.sqlite3")
    generate(store, records=300, seed=3, today=TODAY)
    svc = Services(store, Actor("clerk", "clerk"), today=lambda: TODAY)
    assert svc.verify_audit()[1] == []
    # Corrections and workflow steps through the program after the demo keep it clean.
    pid = sql(store.path, "SELECT id FROM petition WHERE NOT voided ORDER BY rowid LIMIT 1")[0][0]
    svc.update("petition", pid, {"request": "演示之后的更正"})
    assert svc.verify_audit()[1] == []
    sql(store.path, "PRAGMA foreign_keys = OFF")
    sql(store.path, "DELETE FROM volunteer WHERE rowid = (SELECT max(rowid) FROM volunteer)")
    problems = row_problems(svc)
    assert [p.problem for p in problems] == ["batch"] and "现存" in problems[0].message
    store.close()


def test_a_demo_row_put_back_to_its_batch_is_reported_once(tmp_path: Path) -> None:
    """A generated petition corrected through the program, then put back to what the demo wrote and
    pointed at the demo's batch again: named as put back; the batch itself still verifies."""
    from datetime import datetime

    store = Store(tmp_path / "demo.sqlite3")
    generate(store, records=200, seed=4, today=TODAY)
    svc = Services(store, Actor("clerk", "clerk"), today=lambda: TODAY)
    pid, batch_hash = sql(store.path, "SELECT id, audit_hash FROM petition WHERE NOT voided ORDER BY rowid LIMIT 1")[0]
    svc.update("petition", pid, {"request": "演示之后的更正"})
    before = json.loads(sql(store.path, "SELECT before FROM audit_log WHERE record_id = ? ORDER BY seq DESC", pid)[0][0])
    stamp = datetime.fromisoformat(before["updated_at"]).strftime("%Y-%m-%d %H:%M:%S.%f")
    sql(store.path, "UPDATE petition SET request = ?, revision = ?, updated_at = ?, updated_by = ?, audit_hash = ? "
                    "WHERE id = ?", before["request"], before["revision"], stamp, before["updated_by"], batch_hash, pid)
    [problem] = row_problems(svc)
    assert problem.problem == "rolled_back" and problem.record_id == pid and "（批量写入）" in problem.message
    store.close()


# -- migration 0013 ------------------------------------------------------------------------------

def test_migration_0013_gives_a_0012_store_its_hashes(busy: Services, reviewer: Services, tmp_path: Path) -> None:
    result = _import(busy, tmp_path)
    undo_import(reviewer, result.batch_id, "导错了文件")
    new_petition(busy, "2026-11-01")
    path = busy.store.path
    busy.store.close()
    # As the previous release left it: no column (SQLite 3.35+ drops it in place) and stamped 0012.
    for table in ROW_TABLES:
        sql(path, f"ALTER TABLE {table} DROP COLUMN audit_hash")
    sql(path, "UPDATE alembic_version SET version_num = '0012'")
    store = Store(path)
    assert migrate.current_revisions(store.engine) == migrate.head_revisions()
    for model in CHECKED:
        table = model.__tablename__
        assert sql(path, f"SELECT count(*) FROM {table} WHERE audit_hash IS NULL") == [(0,)], table
    svc = Services(store, Actor("clerk", "clerk"), today=lambda: TODAY)
    assert svc.verify_audit()[1] == []
    sql(path, "UPDATE petition SET request = '改' WHERE serial = 'XF-2026-000001'")
    assert [p.problem for p in row_problems(svc)] == ["edited"]
    store.close()


def test_migration_0013_on_a_demo_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "demo.sqlite3")
    generate(store, records=300, seed=5, today=TODAY)
    path = store.path
    store.close()
    for table in ROW_TABLES:
        sql(path, f"ALTER TABLE {table} DROP COLUMN audit_hash")
    sql(path, "UPDATE alembic_version SET version_num = '0012'")
    store = Store(path)
    svc = Services(store, Actor("clerk", "clerk"), today=lambda: TODAY)
    assert svc.verify_audit()[1] == []
    assert sql(path, "SELECT count(*) FROM petition WHERE audit_hash IS NULL") == [(0,)]
    store.close()


def test_rows_of_an_encrypted_store_are_checked_too(encrypted_admin: Services) -> None:
    """The check reads through the store's own (SQLCipher) connection; an edit made with the key in
    hand — an SQLCipher shell, say — is named like any other."""
    encrypted_admin.create("department", {"name": "人社所"})
    assert encrypted_admin.store.key is not None and encrypted_admin.verify_audit()[1] == []
    with encrypted_admin.session() as s, s.begin():
        s.connection().exec_driver_sql("UPDATE department SET name = '司法所'")
    [problem] = row_problems(encrypted_admin)
    assert problem.problem == "edited" and problem.fields == ["name"] and "部门“司法所”" in problem.message
