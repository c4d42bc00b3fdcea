"""Cell parsing: dates in every ledger spelling, mangled ID numbers, several names in one cell, headers."""

from datetime import date, datetime

import pytest

from zongzhi_desktop.ledger.fields import synonym_index
from zongzhi_desktop.ledger.header import detect_header, is_header_repeat, match_column
from zongzhi_desktop.ledger.read import Sheet, decode_text
from zongzhi_desktop.ledger.values import (
    CellProblem,
    parse_date,
    parse_id_number,
    split_list,
    year_in,
)

from .samples import ID_A, ID_X_LOWER


@pytest.mark.parametrize("raw,expected", [
    (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
    (date(2026, 3, 5), date(2026, 3, 5)),
    (46086, date(2026, 3, 5)),  # Excel serial
    (46086.0, date(2026, 3, 5)),
    ("46086", date(2026, 3, 5)),
    ("2026-03-05", date(2026, 3, 5)),
    ("2026/3/5", date(2026, 3, 5)),
    ("2026.3.5", date(2026, 3, 5)),
    ("2026年3月5日", date(2026, 3, 5)),
    ("２０２６年３月５日", date(2026, 3, 5)),  # full-width digits
    ("20260305", date(2026, 3, 5)),
    ("2026-03-05 00:00:00", date(2026, 3, 5)),
    ("3月5日", date(2025, 3, 5)),  # the year comes from the sheet title
    ("", None),
    (None, None),
])
def test_dates(raw, expected):
    assert parse_date(raw, 2025) == expected


@pytest.mark.parametrize("raw,rule", [
    ("2026.3", "date_month_only"),
    ("2026年3月", "date_month_only"),
    (2026.3, "date_month_only"),
    ("2026-02-30", "date_invalid"),
    ("三月五日", "date_format"),
    (True, "date_format"),
])
def test_bad_dates(raw, rule):
    with pytest.raises(CellProblem) as e:
        parse_date(raw, 2025)
    assert e.value.rule == rule


def test_month_day_without_any_year_is_refused():
    with pytest.raises(CellProblem) as e:
        parse_date("3月5日", None)
    assert e.value.rule == "date_no_year"


def test_id_numbers():
    assert parse_id_number(ID_A) == ID_A
    assert parse_id_number(ID_X_LOWER) == ID_X_LOWER.upper()
    assert parse_id_number(f" {ID_A} ") == ID_A
    assert parse_id_number("") is None
    # A wrong check digit is left to the form's own rule (coerce_value), which names GB 11643.
    assert parse_id_number("330825198503121238") == "330825198503121238"


@pytest.mark.parametrize("raw,rule", [
    (330825198503121000, "id_mangled"),  # typed as a number: Excel keeps 15 significant digits
    (3.30825198503121e17, "id_mangled"),
    ("1.10101E+17", "id_mangled"),
    ("3.30825E+17", "id_mangled"),
    ("330825198503121000", "id_mangled"),  # zeroed tail, check digit wrong
    ("330825850312123", "id_15"),
    (330825850312123, "id_15"),
])
def test_mangled_ids_are_flagged_not_repaired(raw, rule):
    with pytest.raises(CellProblem) as e:
        parse_id_number(raw)
    assert e.value.rule == rule


def test_split_list():
    assert split_list("张三、李四") == ["张三", "李四"]
    assert split_list("张三，李四;王五") == ["张三", "李四", "王五"]
    assert split_list("张三 李四") == ["张三", "李四"]
    assert split_list(None) == []


def test_year_in_title():
    assert year_in("湖镇镇2025年矛盾纠纷排查化解台账") == 2025
    assert year_in("1月") is None


def test_gbk_and_utf8_csv_text():
    text = "信访人,来访日期\n张三,2026-01-02\n"
    assert decode_text(text.encode("gbk")) == text
    assert decode_text(text.encode("utf-8-sig")) == text
    assert decode_text(text.encode("utf-8")) == text


def test_header_below_title_and_two_rows_merged():
    rows = [
        ["2025年矛盾纠纷排查化解台账"],
        ["填报单位：湖镇镇", "", "", "填报人：王五"],
        ["序号", "当事人", "", "", "村居", "纠纷类型", "化解情况"],
        ["", "姓名", "身份证号", "电话", "", "", ""],
        ["1", "张三", ID_A, "13800000001", "城东村", "邻里", "已化解"],
    ]
    h = detect_header(Sheet("s", rows), "dispute")
    assert h is not None
    assert (h.first_row, h.data_row, h.year_hint) == (2, 4, 2025)
    assert h.columns[1:4] == ["当事人姓名", "当事人身份证号", "当事人电话"]
    assert is_header_repeat(rows[2], h) and is_header_repeat(rows[3], h) and not is_header_repeat(rows[4], h)  # texts


@pytest.mark.parametrize("header,field", [
    ("当事人姓名", "party_names"), ("姓名", "party_names"), ("申请人", "party_names"),
    ("所属村（社区）", "village_id"), ("村居", "village_id"), ("村别", "village_id"),
    ("化解情况", "state"), ("办理结果", "state"), ("当事人 身份证号", "party_ids"),
])
def test_header_synonyms(header, field):
    assert match_column(header, synonym_index("dispute")) == field


def test_generated_ids_are_version_4_uuids():
    import uuid
    from itertools import islice

    from zongzhi_desktop.ledger.rows import uuid4_texts

    ids = list(islice(uuid4_texts(batch=64), 500))
    assert len(set(ids)) == 500
    for text in ids:
        u = uuid.UUID(text)
        assert str(u) == text and u.version == 4 and u.variant == uuid.RFC_4122
