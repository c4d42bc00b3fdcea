"""Importing generated ledgers end to end: counts, states, dates, refusals, idempotence, undo, audit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain.errors import DomainError, PermissionDenied
from zongzhi_desktop.ledger.importer import commit_import, plan_import, undo_import
from zongzhi_desktop.ledger.mapping import load_mapping
from zongzhi_desktop.ledger.report import write_error_report
from zongzhi_desktop.store import audit, status_history

from .samples import (
    DISPUTE_EXPECTED,
    DISPUTE_MAPPING,
    ID_A,
    ID_Q,
    ID_X_LOWER,
    VILLAGES,
    dispute_workbook,
    petition_csv,
    write_mapping,
)


@pytest.fixture
def township(admin):
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    return admin


def _plan(svc, tmp_path: Path):
    book = dispute_workbook(tmp_path / "纠纷台账.xlsx")
    mapping = load_mapping(write_mapping(tmp_path / "映射.json", DISPUTE_MAPPING), "dispute")
    return plan_import(svc, "dispute", book, mapping=mapping)


def _count(svc, model, *where) -> int:
    with svc.session() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _audit_len(svc) -> int:
    with svc.session() as s:
        return s.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one()


def test_dispute_ledger_counts_states_dates_and_refusals(township, clerk, tmp_path):
    plan = _plan(clerk, tmp_path)
    assert plan.rows_read == DISPUTE_EXPECTED["rows_read"]
    assert len(plan.prepared) == DISPUTE_EXPECTED["imported"]
    assert dict(plan.skipped) == DISPUTE_EXPECTED["skipped"]
    assert plan.refused_rows == DISPUTE_EXPECTED["refused"]
    assert set(plan.refused_by_rule()) == DISPUTE_EXPECTED["refused_rules"]
    by_row = {(e.sheet, e.row): e for e in plan.errors}
    mangled = by_row[("2025年", 6)]
    assert (mangled.column, mangled.rule, mangled.value) == ("当事人身份证号", "id_mangled", "3.30825E+17")
    assert by_row[("2025年", 14)].value == "2025.7"
    assert by_row[("2025年", 15)].column == "化解情况"
    assert [(u.field, u.text, u.count) for u in plan.unknown] == [("state", "搁置", 1), ("village_id", "西山村", 1)]

    before = _audit_len(clerk)
    result = commit_import(clerk, plan, valid_only=True)
    assert result.imported == 6
    assert _audit_len(clerk) == before + 1  # one batch, one audit entry
    with clerk.session() as s:
        entry = s.execute(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc())).scalars().first()
        assert entry.action == "import_ledger" and json.loads(entry.after)["counts"]["dispute"] == 6
        disputes = {d.title: d for d in s.execute(select(m.Dispute)).scalars()}
        first = disputes["张三、李四与王五邻里纠纷"]
        assert (first.status, first.found_date, first.mediation_end_date, first.resolved_date) == (
            "succeeded", date(2025, 3, 5), date(2025, 3, 20), date(2025, 3, 20))
        assert first.resolution_level == "village" and first.agreement_form == "oral"
        assert first.judicial_confirm_deadline == date(2025, 4, 19)  # 30 days after the agreement, as if entered then
        assert first.serial.startswith("JF-2025-")
        parties = s.execute(select(m.DisputeParty).where(m.DisputeParty.dispute_id == first.id)).scalars().all()
        assert sorted((p.name, p.role, p.id_number) for p in parties) == [
            ("张三", "applicant", ID_A), ("李四", "applicant", "330825199001014569"), ("王五", "respondent", None)]
        mediating = disputes["孙八与周九婚姻家庭纠纷"]
        assert (mediating.status, mediating.found_date, mediating.next_deadline) == (
            "mediating", date(2025, 3, 5), date(2025, 4, 4))
        failed = disputes["郑一与王二劳动争议纠纷"]
        assert failed.status == "failed" and failed.mediation_end_date == date(2025, 6, 20)
        x_party = s.execute(select(m.DisputeParty).where(m.DisputeParty.dispute_id == failed.id,
                                                         m.DisputeParty.role == "applicant")).scalar_one()
        assert x_party.id_number == ID_X_LOWER.upper()
        assert disputes["蒋七与沈八物业纠纷"].found_date == date(2025, 5, 23)  # serial 45800
        assert disputes["尤三与许四损害赔偿纠纷"].status == "registered"
        events = s.execute(select(m.WorkflowEvent.action, m.WorkflowEvent.event_date, m.WorkflowEvent.note)
                           .where(m.WorkflowEvent.record_id == first.id)).all()
        assert [(a, d) for a, d, _n in events] == [
            ("register", date(2025, 3, 5)), ("accept", date(2025, 3, 5)), ("start_mediation", date(2025, 3, 5)),
            ("succeed", date(2025, 3, 20))]
        assert "推定" in events[1][2] and "推定" not in events[3][2]
        sources = s.execute(select(m.ImportSource.sheet, m.ImportSource.row_number)
                            .where(m.ImportSource.record_id == first.id)).all()
        assert sources == [("2025年", 5)]
        _checked, problems = audit.verify(s)
        assert not problems
        # The status history the stock figures read: written with the batch, equal to a fresh replay.
        assert status_history.check(s.connection()) == []
        spans = s.execute(select(m.StatusSpan.status, m.StatusSpan.start_date, m.StatusSpan.end_date)
                          .where(m.StatusSpan.record_id == first.id).order_by(m.StatusSpan.start_date)).all()
        assert [(st, a) for st, a, _b in spans] == [("mediating", date(2025, 3, 5)), ("succeeded", date(2025, 3, 20))]
        assert status_history.open_on(s.connection(), "dispute", date(2025, 4, 1))  # mediating on 1 April


def test_refused_rows_block_the_import_unless_valid_only(township, clerk, tmp_path):
    plan = _plan(clerk, tmp_path)
    before = (_count(clerk, m.Dispute), _audit_len(clerk))
    with pytest.raises(DomainError, match="5行未通过校验"):
        commit_import(clerk, plan)
    assert (_count(clerk, m.Dispute), _audit_len(clerk)) == before


def test_reimport_changes_nothing_and_undo_voids_the_batch(township, clerk, reviewer, tmp_path):
    result = commit_import(clerk, _plan(clerk, tmp_path), valid_only=True)
    state = (_count(clerk, m.Dispute), _count(clerk, m.DisputeParty), _audit_len(clerk))
    again = _plan(clerk, tmp_path)
    assert again.skipped["already_imported"] == 6 and not again.prepared
    assert commit_import(clerk, again, valid_only=True).imported == 0
    assert (_count(clerk, m.Dispute), _count(clerk, m.DisputeParty), _audit_len(clerk)) == state

    with pytest.raises(PermissionDenied):
        undo_import(clerk, result.batch_id, "导错了文件")
    assert undo_import(reviewer, result.batch_id[:8], "导错了文件") == 6
    assert _count(reviewer, m.Dispute, m.Dispute.voided.is_(False)) == 0
    assert _count(reviewer, m.DisputeParty, m.DisputeParty.voided.is_(False)) == 0
    assert _count(reviewer, m.Dispute, m.Dispute.revision == 2) == 6
    with reviewer.session() as s:
        entry = s.execute(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc())).scalars().first()
        assert entry.action == "import_undo" and entry.username == "leader"
    # Once undone, the same file can be brought in again.
    assert commit_import(clerk, _plan(clerk, tmp_path), valid_only=True).imported == 6


def test_gbk_csv_petitions_and_repeat_detection_against_history(township, clerk, tmp_path):
    plan = plan_import(clerk, "petition", petition_csv(tmp_path / "信访台账.csv"))
    assert (plan.rows_read, len(plan.prepared), plan.refused_rows) == (6, 3, 1)
    assert plan.errors[0].rule == "id_mangled" and plan.errors[0].value == "1.10101E+17"
    commit_import(clerk, plan, valid_only=True)
    with clerk.session() as s:
        rows = {p.petitioner_name: p for p in s.execute(select(m.Petition)).scalars()}
    ma = rows["马六"]
    assert (ma.status, ma.decision_date, ma.conclude_deadline, ma.reply_date, ma.reply_result) == (
        "replied", date(2026, 1, 12), date(2026, 3, 13), date(2026, 2, 20), "support")
    assert (ma.form, ma.category, ma.subject, ma.accept_deadline) == ("visit", "claim", "labour_social", date(2026, 1, 25))
    niu = rows["牛七"]
    assert (niu.status, niu.received_date, niu.decision_date, niu.next_deadline) == (
        "accepted", date(2026, 2, 3), date(2026, 2, 3), date(2026, 4, 4))
    yang = rows["杨八"]
    assert (yang.status, yang.representatives, yang.headcount, yang.form) == ("registered", "杨八、何九", 2, "visit")

    created = clerk.create("petition", {
        "received_date": "2026-11-02", "form": "visit", "petitioner_name": "马六", "id_number": ID_Q,
        "category": "claim", "request": "再次要求支付工资"})
    assert created.record.is_repeat and created.record.repeat_of_id == ma.id


def test_utf8_csv_reads_the_same(township, clerk, tmp_path):
    plan = plan_import(clerk, "petition", petition_csv(tmp_path / "信访台账.csv", encoding="utf-8-sig"))
    assert (plan.rows_read, len(plan.prepared), plan.refused_rows) == (6, 3, 1)


def test_error_report_has_original_rows_and_summary(township, clerk, tmp_path):
    plan = _plan(clerk, tmp_path)
    out = write_error_report(plan, tmp_path / "错误报告.xlsx")
    wb = load_workbook(out)
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["读取行数"] == 16 and summary["未通过校验（拒绝）"] == 5 and summary["跳过：小计/合计行"] == 2
    sheet = wb["2025年"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["原行号", "错误", "序号", "当事人姓名"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [6, 9, 14, 15, 17]
    assert "后几位已丢失" in rows[0][1] and rows[0][3] == "赵六"


def test_missing_required_column_names_the_field_and_suggests_a_fixed_value(township, clerk, tmp_path):
    book = dispute_workbook(tmp_path / "纠纷台账.xlsx")
    plan = plan_import(clerk, "dispute", book, sheets=["2026年"])  # no mapping: no 纠纷来源 default
    assert not plan.prepared
    first = [e for e in plan.errors if e.row == 3]
    assert any("纠纷来源" in e.message and "固定值" in e.message for e in first)


def test_sheets_with_different_headers_each_get_their_own_columns(township, clerk, tmp_path):
    plan = plan_import(clerk, "dispute", dispute_workbook(tmp_path / "纠纷台账.xlsx"))  # suggested mapping only
    columns = {sp.name: set(sp.columns.values()) for sp in plan.sheets}
    assert {"party_names", "party_ids", "village_id", "type", "found_date", "state"} <= columns["2025年"]
    assert {"party_names", "party_ids", "village_id", "type", "found_date", "state", "resolution_level"} <= columns["2026年"]


def test_unknown_kind_and_file_are_clear_errors(clerk, tmp_path):
    with pytest.raises(DomainError, match="不能导入"):
        plan_import(clerk, "dispatch", tmp_path / "x.xlsx")
    with pytest.raises(DomainError, match="找不到台账文件"):
        plan_import(clerk, "dispute", tmp_path / "x.xlsx")


def test_imported_records_are_searchable_and_search_triggers_survive(township, clerk, tmp_path):
    from zongzhi_desktop.store import search_index

    commit_import(clerk, _plan(clerk, tmp_path), valid_only=True)
    with clerk.session() as s:
        conn = s.connection()
        cond, params = search_index.term_condition("dispute", ID_A[6:], "d.rowid")
        hits = conn.exec_driver_sql(f"SELECT d.title FROM dispute d WHERE {cond}", tuple(params)).scalars().all()
        assert hits == ["张三、李四与王五邻里纠纷"]
        objects = conn.exec_driver_sql("SELECT type, name FROM sqlite_master").all()
        assert search_index.missing_objects([tuple(o) for o in objects]) == []
        # A party added later through the form still updates the search row (the trigger is back).
        first = s.execute(select(m.Dispute).where(m.Dispute.title == "尤三与许四损害赔偿纠纷")).scalar_one()
    clerk.add_child("dispute", first.id, "parties", {"name": "欧阳明月", "role": "third_party"})
    with clerk.session() as s:
        rowids, params = search_index.term_rowids("dispute", "欧阳明")
        hits = s.connection().exec_driver_sql(rowids, tuple(params)).scalars().all()
        assert hits == [s.connection().exec_driver_sql("SELECT rowid FROM dispute WHERE id = ?", (first.id,)).scalar()]


def test_big_batches_rebuild_the_indexes_inside_the_transaction(township, clerk, tmp_path, monkeypatch):
    from zongzhi_desktop.ledger import importer

    def schema() -> list[tuple[str, str]]:
        with clerk.session() as s:
            return s.connection().exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name").all()

    before = schema()
    monkeypatch.setattr(importer, "REBUILD_INDEXES_FROM", 1)
    plan = _plan(clerk, tmp_path)
    monkeypatch.setattr(importer, "_insert_prepared", _failing_after(importer._insert_prepared, 2))
    with pytest.raises(RuntimeError):
        commit_import(clerk, plan, valid_only=True)
    assert schema() == before and _count(clerk, m.Dispute) == 0  # rolled back: indexes and triggers intact
    monkeypatch.undo()
    monkeypatch.setattr(importer, "REBUILD_INDEXES_FROM", 1)
    assert commit_import(clerk, _plan(clerk, tmp_path), valid_only=True).imported == 6
    assert schema() == before
    with clerk.session() as s:
        plan_text = s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM dispute_party WHERE dispute_id = 'x'").all()
    assert any("ix_dispute_party_dispute_id" in str(r) for r in plan_text)


def _failing_after(insert, calls: int):  # type: ignore[no-untyped-def]
    count = {"n": 0}

    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        count["n"] += 1
        if count["n"] > calls:
            raise RuntimeError("disk full (simulated)")
        return insert(*args, **kwargs)

    return wrapped


def test_a_wrong_check_digit_gets_the_forms_message(township, clerk, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["当事人姓名", "身份证号", "村居", "纠纷类型", "纠纷来源", "排查日期"])
    wb.active.append(["张三", "330825198503121238", "城东村", "邻里", "网格员排查", "2025-03-05"])
    wb.save(tmp_path / "t.xlsx")
    plan = plan_import(clerk, "dispute", tmp_path / "t.xlsx")
    [error] = plan.errors
    assert (error.column, error.rule, error.value) == ("身份证号", "id_number", "330825198503121238")
    assert "校验位错误" in error.message


def test_progress_is_reported_while_rows_are_checked(township, clerk, tmp_path, monkeypatch):
    from zongzhi_desktop.ledger import importer

    monkeypatch.setattr(importer, "PROGRESS_EVERY", 4)
    seen: list[tuple[int, int]] = []
    _plan_with = plan_import(clerk, "dispute", dispute_workbook(tmp_path / "纠纷台账.xlsx"),
                             progress=lambda done, total: seen.append((done, total)))
    assert _plan_with.rows_read == 16
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1] and [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_migration_0012_gives_records_imported_without_history_their_spans(township, clerk, tmp_path):
    """The previous release's import stored records without status history; opening such a store
    replays their spans (migration 0012), so stock figures count them again."""
    import sqlite3

    from zongzhi_desktop.store.database import Store

    result = commit_import(clerk, _plan(clerk, tmp_path), valid_only=True)
    path = clerk.store.path
    with clerk.store.engine.begin() as conn:
        expected = status_history.check(conn)
    assert expected == []
    clerk.store.close()
    con = sqlite3.connect(path)
    ids = [r for (r,) in con.execute("SELECT record_id FROM import_source WHERE batch_id = ?", (result.batch_id,))]
    spans_before = con.execute("SELECT count(*) FROM status_span").fetchone()[0]
    con.executemany("DELETE FROM status_span WHERE record_id = ?", [(i,) for i in ids])  # as the old import left them
    con.execute("UPDATE alembic_version SET version_num = '0011'")
    con.commit()
    assert con.execute("SELECT count(*) FROM status_span").fetchone()[0] < spans_before
    con.close()

    store = Store(path)  # upgrades to the head: 0012 replays the missing spans
    with store.engine.begin() as conn:
        assert status_history.check(conn) == []
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM status_span").fetchone()[0] == spans_before
    con.close()
    store.close()
