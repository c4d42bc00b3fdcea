"""One validation at both ends: every value the county's row rule refuses is refused at the
township's entry, with the same message (domain/rowrules.py, docs/bundle-format.md §11.1)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clirun import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synctools import make_township, table_counts

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain.errors import ValidationError, ValidationErrors
from zongzhi_desktop.domain.fields import FieldSpec
from zongzhi_desktop.domain.rowrules import INT32, column_kind
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.kinds import KINDS
from zongzhi_desktop.services.rowguard import refusals
from zongzhi_desktop.store.serialize import content_columns
from zongzhi_desktop.sync.rowcodec import RowRejected, TableCodec, synced_tables


def entry_fields() -> Iterator[tuple[str, FieldSpec]]:
    """(table, field spec) of every field a clerk enters that is stored in a synced column of that name."""
    tables = synced_tables()
    seen: set[tuple[str, str]] = set()
    for spec in KINDS.values():
        groups: list[tuple[Any, list[FieldSpec]]] = [(spec.model, spec.fields)]
        groups += [(child.model, child.fields) for child in spec.children.values()]
        if spec.workflow is not None:
            groups += [(spec.model, a.fields) for a in spec.workflow.actions.values()]
        for model, fields in groups:
            table = tables.get(model.__tablename__)
            if table is None:
                continue
            for f in fields:
                if f.name in table.c and (table.name, f.name) not in seen:
                    seen.add((table.name, f.name))
                    yield table.name, f


ENTRY = sorted(entry_fields(), key=lambda x: (x[0], x[1].name))


def county_check(table: str, column: str) -> Any:
    codec = TableCodec.for_table(synced_tables()[table])
    return next(check for name, _nullable, check in codec.checks if name == column)


def county_reason(table: str, column: str, value: Any) -> str | None:
    """The county's reason for refusing `value` in the column (without "字段 x："), or None."""
    try:
        county_check(table, column)(value)
    except RowRejected as e:
        return e.reason.split("：", 1)[1]
    return None


def township_entry(svc: Services, spec: FieldSpec, raw: Any) -> tuple[Any, ValidationError | None]:
    """What entry makes of `raw` in the field (the check forms and the CLI run): (stored value, None)
    or (None, the refusal)."""
    try:
        return svc.check_fields([spec], {spec.name: raw}, partial=True)[spec.name], None
    except ValidationErrors as e:
        return None, e.errors[0]
    except ValidationError as e:
        return None, e


def township_refusal(svc: Services, spec: FieldSpec, raw: Any) -> ValidationError | None:
    return township_entry(svc, spec, raw)[1]


def refused_values(table: str, column: str) -> list[Any]:
    """Values of the column's JSON type that the county's row rule refuses."""
    col = synced_tables()[table].c[column]
    kind = column_kind(col)
    if kind == "str":
        out: list[Any] = ["甲\x00乙", "\x00", "甲\ud800乙", "\udfff"]
        if getattr(col.type, "length", None):
            out.append("1" * (col.type.length + 1))
        return out
    if kind in ("int", "int64"):
        return [INT32[1] + 1, INT32[0] - 1, 2**63] if kind == "int" else [2**63, -(2**63) - 1]
    if kind == "float":
        return [float("nan"), float("inf")]
    if kind == "date":
        return ["2026-13-01", "昨天", "2026-1-1"]
    return []


CASES = [(t, f, v) for t, f in ENTRY for v in refused_values(t, f.name)]


def test_every_entry_field_is_covered() -> None:
    """The cases reach text, integer and date columns of every record kind (the test has teeth)."""
    kinds = {column_kind(synced_tables()[t].c[f.name]) for t, f, _ in CASES}
    assert {"str", "int", "date"} <= kinds
    assert {t for t, _f, _v in CASES} >= {"petition", "dispute", "dispute_party", "case_package", "activity",
                                          "volunteer", "dispatch_item", "village"}
    assert len(CASES) > 200


@pytest.mark.parametrize(("table", "spec", "value"), CASES,
                         ids=[f"{t}.{f.name}-{i}" for i, (t, f, _v) in enumerate(CASES)])
def test_county_refusal_is_refused_at_entry(admin: Services, table: str, spec: FieldSpec, value: Any) -> None:
    reason = county_reason(table, spec.name, value)
    assert reason is not None, "the county accepts it: not a case"
    raws = [value, str(value)] if isinstance(value, int | float) else [value]
    for raw in raws:
        err = township_refusal(admin, spec, raw)
        assert err is not None, (table, spec.name, raw)
        assert err.field == spec.name and spec.label in err.message
        if err.rule in ("character", "int_range", "max_length"):
            assert err.detail == reason  # the same rule, the same words at both ends


TEXT_FIELDS = [(t, f) for t, f in ENTRY if f.type in ("text", "longtext")]
INT_FIELDS = [(t, f) for t, f in ENTRY if f.type == "int"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(TEXT_FIELDS),
       text=st.text(st.characters(codec=None, categories=None), max_size=30)
       | st.builds(lambda a, b: a + b, st.text(max_size=5), st.sampled_from(["\x00", "\ud800", "\udc00"])))
def test_text_property(admin: Services, field: tuple[str, FieldSpec], text: str) -> None:
    """Whatever entry stores, the county accepts; where both refuse a character, in the same words."""
    table, spec = field
    stored, err = township_entry(admin, spec, text)
    if err is None:
        assert stored is None or county_reason(table, spec.name, stored) is None, (table, spec.name)
    elif err.rule == "character" and "无法保存" in (reason := county_reason(table, spec.name, text) or ""):
        assert err.detail == reason


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(INT_FIELDS), n=st.integers(-(2**64), 2**64))
def test_int_property(admin: Services, field: tuple[str, FieldSpec], n: int) -> None:
    table, spec = field
    reason = county_reason(table, spec.name, n)
    stored, err = township_entry(admin, spec, n)
    if reason is not None:
        assert err is not None and err.detail == reason
    elif n >= (spec.minimum or 0):
        assert err is None and stored == n  # the township does not refuse what both ends accept


def test_written_rows_are_guarded(admin: Services) -> None:
    """Values no field spec sees (a void reason, anything set in code) meet the same rule on write."""
    rec = admin.create("dispatch", {"title": "修路", "raised_date": "2026-11-18", "deadline": "2026-12-01"}).record
    with pytest.raises(ValidationError) as e:
        admin.void("dispatch", rec.id, "重复\x00登记")
    assert e.value.field == "void_reason" and "作废原因（void_reason）：含有无法保存的字符（U+0000）" in e.value.message
    # The guard sees every synced row of the flush (here the void event's note too).
    with pytest.raises(ValidationErrors) as es, admin.session() as s, s.begin():
        row = s.get(m.DispatchItem, rec.id)
        assert row is not None
        row.void_reason = "甲\x00"
        s.add(m.WorkflowEvent(record_kind="dispatch", record_id=rec.id, action="void", event_date=row.raised_date,
                              actor="admin", note="乙\ud800", township_code=row.township_code))
    assert {(x.field, x.label) for x in es.value.errors} == {("void_reason", "作废原因"), ("note", "办理说明")}
    with admin.session() as s:
        stored = s.get(m.DispatchItem, rec.id)
        assert stored is not None and not stored.voided and stored.revision == rec.revision
    bad = m.Petition(serial="X" * 33, headcount=2**31, petitioner_name="张\ud800")
    problems = {(e.field, e.rule) for e in refusals(bad)}
    assert problems == {("serial", "max_length"), ("headcount", "int_range"), ("petitioner_name", "character")}
    columns = {c.name for c in content_columns(m.Petition.__table__)}  # type: ignore[attr-defined]
    assert {"serial", "headcount", "petitioner_name"} <= columns


def test_nul_refused_by_cli_and_nothing_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from zongzhi_desktop.services.unlock import encrypt_plain_store

    town = make_township(tmp_path / "t", "330825101", "城关镇")
    town = Services(encrypt_plain_store(town.store)[0], town.actor, today=town._today)
    key = town.store.key
    town.store.close()
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "admin-pass-1")
    tdir = str(tmp_path / "t")
    before = table_counts(tmp_path / "t" / "zongzhi.sqlite3", key=key)
    petition = {"received_date": "2026-11-02", "form": "来访", "petitioner_name": "张三", "category": "申诉求决类",
                "request": "要求\x00帮助"}
    code, out, err = run(capsys, monkeypatch, "--data-dir", tdir, "add", "petition", "--json", "-",
                         stdin=json.dumps(petition, ensure_ascii=False))
    assert code == 2 and "信访请求（request）：含有无法保存的字符（U+0000）" in err and "Traceback" not in err
    assert "要求" not in err  # the value is not echoed
    petition.update(request="要求帮助", headcount=2**31)
    code, out, err = run(capsys, monkeypatch, "--data-dir", tdir, "add", "petition", "--json", "-",
                         stdin=json.dumps(petition, ensure_ascii=False))
    assert code == 2 and "来访人数（headcount）：整数超出范围" in err
    assert table_counts(tmp_path / "t" / "zongzhi.sqlite3", key=key) == before

    petition.update(headcount=2)
    code, out, err = run(capsys, monkeypatch, "--data-dir", tdir, "add", "petition", "--json", "-",
                         stdin=json.dumps(petition, ensure_ascii=False))
    assert code == 0, err
    serial = re.search(r"XF-\d{4}-\d{6}", out).group(0)  # type: ignore[union-attr]
    code, out, err = run(capsys, monkeypatch, "--data-dir", tdir, "void", "petition", serial, "--reason", "重\x00复")
    assert code == 2 and "作废原因（void_reason）：含有无法保存的字符（U+0000）" in err
    counts = table_counts(tmp_path / "t" / "zongzhi.sqlite3", key=key)
    assert counts["petition"] == before["petition"] + 1
    code, out, err = run(capsys, monkeypatch, "--data-dir", tdir, "void", "petition", serial, "--reason", "重复")
    assert code == 0, err


def test_id_numbers_and_phones_are_normalized_before_their_length_counts(admin: Services) -> None:
    spec = next(f for t, f in ENTRY if t == "petition" and f.name == "id_number")
    assert township_entry(admin, spec, " 330825 19900101 1237 ") == ("330825199001011237", None)
    phone = next(f for t, f in ENTRY if t == "petition" and f.name == "phone")
    assert township_entry(admin, phone, "+86 138 5701 2345") == ("13857012345", None)
