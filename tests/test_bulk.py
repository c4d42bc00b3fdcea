"""services/bulk.py: Core executemany batches, one hashed audit entry per batch, deferred indexes."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services, bulk
from zongzhi_desktop.store import search_index


def petition_rows(n: int, start: int = 1) -> list[dict]:
    return [{
        "township_code": "330825101", "serial": f"XF-2025-{i:06d}", "received_date": date(2025, 1, 1) + timedelta(days=i % 300),
        "form": "visit", "petitioner_name": f"批量{i}", "category": "claim", "request": "批量导入的信访请求",
        "accept_deadline": date(2025, 1, 16) + timedelta(days=i % 300), "is_skip_level": i % 2 == 0,
        "created_at": datetime(2025, 1, 1, 1, 2, 3, tzinfo=timezone(timedelta(hours=8))),
    } for i in range(start, start + n)]


def test_rows_read_back_like_orm_rows_and_each_batch_is_audited(admin: Services) -> None:
    with admin.session() as s:
        result = bulk.insert_rows(s, m.Petition, petition_rows(25), username="importer", batch_size=10)
    assert result.count == 25 and len(result.audit_seqs) == 3
    with admin.session() as s:
        got = s.execute(select(m.Petition).where(m.Petition.serial == "XF-2025-000002")).scalar_one()
        entries = [s.get(m.AuditEntry, seq) for seq in result.audit_seqs]
    # Defaults filled in, types round-trip through the ORM exactly.
    assert got.route == "direct" and got.revision == 1 and got.voided is False and got.is_skip_level is True
    assert got.created_at == datetime(2024, 12, 31, 17, 2, 3, tzinfo=UTC)
    assert got.received_date == date(2025, 1, 3) and len(got.id) == 36
    assert [e.action for e in entries] == ["bulk_create"] * 3
    assert [json.loads(e.after)["count"] for e in entries] == [10, 10, 5]
    assert {e.username for e in entries} == {"importer"} and {e.record_kind for e in entries} == {"petition"}
    assert admin.verify_audit()[1] == []


def test_batch_hash_detects_a_changed_row(admin: Services, store_path) -> None:
    with admin.session() as s:
        seqs = bulk.insert_rows(s, m.Petition, petition_rows(20), username="importer", batch_size=10).audit_seqs
    with admin.session() as s:
        assert [bulk.verify_batch(s, q) for q in seqs] == [True, True]
    con = sqlite3.connect(store_path)
    con.execute("UPDATE petition SET petitioner_name = '被改' WHERE serial = 'XF-2025-000015'")
    con.commit()
    con.close()
    with admin.session() as s:
        assert [bulk.verify_batch(s, q) for q in seqs] == [True, False]


def test_a_failing_batch_leaves_neither_rows_nor_audit_entry(admin: Services) -> None:
    rows = petition_rows(5)
    rows[3]["form"] = None  # NOT NULL column
    with admin.session() as s:
        before = s.execute(select(m.AuditHead)).scalar_one().seq
    with admin.session() as s, pytest.raises(Exception, match="NOT NULL"):
        bulk.insert_rows(s, m.Petition, rows, username="importer", batch_size=10)
    with admin.session() as s:
        assert s.execute(select(m.AuditHead)).scalar_one().seq == before
        assert s.execute(select(m.Petition).where(m.Petition.created_by == "")).first() is None
    assert admin.count_records("petition") == 0


def test_naive_datetimes_are_refused() -> None:
    _cols, convert = bulk.row_converter(m.Petition, "sqlite")
    row = petition_rows(1)[0]
    row["created_at"] = datetime(2025, 1, 1, 8, 0)
    with pytest.raises(ValueError, match="timezone"):
        convert(row)


def test_deferred_indexes_are_rebuilt_with_the_search_tables(admin: Services, store_path) -> None:
    def objects() -> list[tuple[str, str, str]]:
        con = sqlite3.connect(store_path)
        try:
            return con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                               "ORDER BY name").fetchall()
        finally:
            con.close()

    before = objects()
    with admin.session() as s:
        with bulk.deferred_indexes(s, ["petition"]):
            assert not any(name.startswith("ix_petition_") for _t, name, _s in objects())
            bulk.insert_rows(s, m.Petition, petition_rows(30), username="importer")
    assert objects() == before
    con = sqlite3.connect(store_path)
    try:
        assert con.execute("SELECT count(*) FROM petition_fts").fetchone()[0] == 30
        rowids, params = search_index.term_rowids("petition", "批量1")
        hit = con.execute(f"SELECT count(*) FROM ({rowids})", params).fetchone()[0]
    finally:
        con.close()
    assert hit >= 1
