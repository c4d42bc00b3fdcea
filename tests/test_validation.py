"""GB 11643 identity numbers, phone numbers and dates: properties and Chinese messages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dbsnapshot import audit_count, has_chinese
from hypothesis import given, settings
from hypothesis import strategies as st

from zongzhi_desktop.domain.clock import today as china_today
from zongzhi_desktop.domain.errors import ValidationError, ValidationErrors
from zongzhi_desktop.domain.validation import (
    date_problem,
    id_number_problem,
    normalize_id_number,
    normalize_phone,
    phone_problem,
)
from zongzhi_desktop.services import Services


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 written out independently: weights 2^(17-i) mod 11, residue table."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    return "10X98765432"[total % 11]


@st.composite
def id_numbers(draw: st.DrawFn, want_x: bool | None = None) -> str:
    """A valid 18-character number; `want_x` forces (or forbids) the X check character."""
    region = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=china_today()))
    seq = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    body = f"{region}{born:%Y%m%d}{seq}"
    if want_x is None:
        return body + check_char(body)
    # Vary the sequence digits until the check character is (or is not) X; 100 tries always hit.
    for n in range(1000):
        cand = f"{region}{born:%Y%m%d}{(int(seq) + n) % 1000:03d}"
        if (check_char(cand) == "X") == want_x:
            return cand + check_char(cand)
    raise AssertionError("unreachable")


@settings(max_examples=200)
@given(id_numbers())
def test_valid_ids_accepted(value: str) -> None:
    assert id_number_problem(value) is None


@settings(max_examples=50)
@given(id_numbers(want_x=True))
def test_x_check_character(value: str) -> None:
    assert value.endswith("X")
    assert id_number_problem(value) is None
    assert id_number_problem(value[:-1] + "x") is None  # lower-case x is the same number
    assert normalize_id_number(" " + value[:-1] + "x ") == value


@settings(max_examples=300)
@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_rejected(value: str, pos: int, ch: str) -> None:
    if value[pos] == ch:
        ch = "0" if ch != "0" else "1"
    changed = value[:pos] + ch + value[pos + 1:]
    problem = id_number_problem(changed)
    assert problem is not None and has_chinese(problem)


@given(st.from_regex(r"[0-9]{1,17}|[0-9]{19,25}", fullmatch=True))
def test_wrong_length(value: str) -> None:
    assert id_number_problem(value) == f"公民身份号码应为18位，当前为{len(value)}位"


@pytest.mark.parametrize(("birth", "message"), [
    ("19991301", "出生日期无效"),  # month 13
    ("20230229", "出生日期无效"),  # 2023 is not a leap year
    ("18991231", "超出合理范围"),
    ((china_today() + timedelta(days=1)).strftime("%Y%m%d"), "超出合理范围"),
])
def test_bad_birth_dates(birth: str, message: str) -> None:
    body = f"330825{birth}001"
    problem = id_number_problem(body + check_char(body))
    assert problem and message in problem


def test_leap_day_birth_valid() -> None:
    body = "33082520000229001"
    assert id_number_problem(body + check_char(body)) is None


@pytest.mark.parametrize("value", ["33082519850315002A", "3308251985031500X1", "3308251985031500൨1"])
def test_bad_characters(value: str) -> None:
    """Only ASCII digits count (Python's \\d and int() also accept other scripts' digits)."""
    assert "前17位须为数字" in (id_number_problem(value) or "")


def test_full_width_input_normalized() -> None:
    """Chinese input methods often type full-width digits; they mean the same number."""
    assert id_number_problem("３３０８２５１９８５０３１５００２１") is None
    assert normalize_id_number("３３０８２５１９８５０３１５００２１") == "330825198503150021"
    assert normalize_phone("＋８６ １３８ １２３４ ５６７８") == "13812345678"
    assert phone_problem("１３８１２３４５６７８") is None


# ---- phones ----------------------------------------------------------------------------------

MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
LANDLINES = st.from_regex(r"0(10|2[0-9]|[3-9][0-9]{2})-?[2-9][0-9]{6,7}", fullmatch=True)


@given(MOBILES, st.sampled_from(["", "+86", "+86 ", "0086"]))
def test_mobiles(number: str, prefix: str) -> None:
    spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
    for raw in (prefix + number, prefix + spaced):
        assert phone_problem(raw) is None
        assert normalize_phone(raw) == number


@given(LANDLINES)
def test_landlines(number: str) -> None:
    assert phone_problem(number) is None
    assert phone_problem(number + "-123") is None  # extension


@pytest.mark.parametrize("value", [
    "12345678901",  # 12x is not a mobile prefix
    "1381234567",  # 10 digits
    "138123456789",  # 12 digits
    "1234567",  # local number without area code
    "0570-1234567",  # local numbers never start with 1
    "570-7012345",  # area code without 0
    "+1 650 253 0000",
    "138-1234-abcd",
])
def test_bad_phones(value: str) -> None:
    problem = phone_problem(value)
    assert problem and has_chinese(problem)


def test_phone_message_example_is_itself_valid() -> None:
    """The example in the error message must pass the rule it explains."""
    problem = phone_problem("x")
    assert problem
    example = problem.split("如 ")[1].rstrip("）)")
    assert phone_problem(example) is None, example


def test_dates() -> None:
    today = date(2026, 11, 20)
    assert date_problem(today, today=today, allow_future=False) is None
    assert "不能晚于今天" in (date_problem(today + timedelta(days=1), today=today, allow_future=False) or "")
    assert date_problem(today + timedelta(days=400), today=today, allow_future=True) is None
    assert "1949" in (date_problem(date(1948, 12, 31), today=today, allow_future=True) or "")


# ---- through the services: the field is named, nothing is stored -----------------------------

BASE = {"received_date": "2026-03-01", "form": "来访", "petitioner_name": "张三", "category": "申诉求决类",
        "request": "要求解决拖欠工资"}


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("id_number", "330825198503150022", "校验位"),
    ("id_number", "33082519850315002", "18位"),
    ("phone", "1381234567", "11位手机号码"),
    ("received_date", "2026-13-01", "YYYY-MM-DD"),
    ("received_date", "2027-01-01", "不能晚于今天"),
    ("form", "托梦", "信访形式"),
    ("headcount", "0", "不能小于1"),
    ("headcount", "三", "应为整数"),
    ("is_skip_level", "maybe", "是/否"),
    ("village_id", "不存在村", "找不到"),
])
def test_bad_petition_field_refused(clerk: Services, field: str, value: str, fragment: str) -> None:
    n = audit_count(clerk)
    with pytest.raises(ValidationError) as info:
        clerk.create("petition", {**BASE, field: value})
    assert info.value.field == field and fragment in info.value.message
    assert info.value.label in info.value.message and has_chinese(info.value.label)
    assert audit_count(clerk) == n and clerk.list_records("petition", include_voided=True) == []


def test_all_bad_fields_reported_together(clerk: Services) -> None:
    with pytest.raises(ValidationErrors) as info:
        clerk.create("petition", {"form": "来访", "id_number": "123", "colour": "red"})
    fields = {e.field for e in info.value.errors}
    assert fields == {"colour", "id_number", "received_date", "petitioner_name", "category", "request"}
    assert "必填项" in info.value.message and "不是此类记录可填写的字段" in info.value.message


def test_group_visit_rules(clerk: Services) -> None:
    with pytest.raises(ValidationError, match="代表姓名"):
        clerk.create("petition", {**BASE, "headcount": 8})
    with pytest.raises(ValidationError, match="不超过5人"):
        clerk.create("petition", {**BASE, "headcount": 8, "representatives": "甲、乙、丙、丁、戊、己"})
    rec = clerk.create("petition", {**BASE, "headcount": 8, "representatives": "甲、乙、丙"}).record
    assert rec.is_group
    assert not clerk.create("petition", {**BASE, "headcount": 4}).record.is_group


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_non_finite_numbers_refused(clerk: Services, value: str) -> None:
    with pytest.raises(ValidationError, match="应为数字"):
        clerk.create("dispute", {"title": "t", "found_date": "2026-03-01", "source": "主动调解", "type": "其他",
                                 "amount": value})


def test_datetime_input_taken_as_its_day(clerk: Services) -> None:
    from datetime import datetime

    rec = clerk.create("petition", {**BASE, "received_date": datetime(2026, 3, 1, 9, 30)}).record
    assert rec.received_date == date(2026, 3, 1) and type(rec.received_date) is date
    assert rec.accept_deadline == date(2026, 3, 16)


# ---- phones as people write them, with libphonenumber as the oracle ------------------------

_PHONE_TYPES = {"FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE", "SHARED_COST"}


@given(st.sampled_from(["CN", "HK", "MO"]), st.from_regex(r"[0-9]{7,11}", fullmatch=True))
def test_every_number_libphonenumber_calls_valid_is_accepted_however_written(region: str, digits: str) -> None:
    import phonenumbers as pn

    try:
        number = pn.parse(digits, region)
    except pn.NumberParseException:
        return
    kind = pn.PhoneNumberType.to_string(pn.number_type(number))
    if not pn.is_valid_number(number) or kind not in _PHONE_TYPES:
        return
    if region == "CN" and kind in ("TOLL_FREE", "SHARED_COST") and not str(number.national_number).startswith(("400", "800")):
        return  # 95xxx short service numbers are not personal phones
    if region == "CN" and len(str(number.national_number)) < 10:
        return  # short numbers (010 95000…): service lines, not a person's phone
    if region != "CN" and kind == "TOLL_FREE":
        return  # Hong Kong 800 lines: not a person's phone
    national = pn.format_number(number, pn.PhoneNumberFormat.NATIONAL)
    if region == "CN" and national.startswith("0") and national.split(" ", 1)[1][:1] in "01":
        return  # libphonenumber allows it; no local number in China starts with 0 or 1 (test_bad_phones)
    written = [pn.format_number(number, pn.PhoneNumberFormat.INTERNATIONAL),
               pn.format_number(number, pn.PhoneNumberFormat.E164)]
    if region == "CN":
        written.append(national)
        if national.startswith("0"):  # a landline: (0570)7012345 and （0570）7012345
            area, _, local = national.partition(" ")
            written += [f"({area}){local.replace(' ', '')}", f"（{area}）{local}"]
    for raw in written:
        assert phone_problem(raw) is None, raw
        stored = normalize_phone(raw)
        assert phone_problem(stored) is None and normalize_phone(stored) == stored, (raw, stored)
        assert pn.parse(stored, region) == number, (raw, stored)


@pytest.mark.parametrize(("raw", "stored"), [
    ("(0570)7012345", "0570-7012345"),
    ("（0570）701 2345", "0570-7012345"),
    ("+86 570 701 2345", "05707012345"),
    ("400-123-4567", "400-123-4567"),
    ("4001234567", "400-123-4567"),
    ("+852 9123 4567", "+85291234567"),
    ("00853 6612 3456", "+85366123456"),
    ("138-1234-5678", "13812345678"),
])
def test_phones_as_people_write_them(raw: str, stored: str) -> None:
    assert phone_problem(raw) is None
    assert normalize_phone(raw) == stored


def test_masked_hong_kong_and_hotline_numbers_keep_little() -> None:
    from zongzhi_desktop.domain.masking import mask_phone

    assert mask_phone("+85291234567") == "+852******67"
    assert mask_phone("400-123-4567") == "400-******67"
