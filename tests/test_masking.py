"""Masking of ID numbers and phones, in the helpers and in what the services show each role."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from test_validation import id_numbers

from zongzhi_desktop.domain.masking import mask_id_number, mask_phone
from zongzhi_desktop.services import Services

ID = "330825198503150021"
PHONE = "13800001111"


def test_examples() -> None:
    assert mask_id_number("211102198001011230") == "2111**********1230"
    assert mask_id_number("21110219800101123X") == "2111**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0570-7012345") == "0570-*****45"
    assert mask_phone("05707012345") == "057******45"
    assert mask_id_number(None) == mask_phone(None) == mask_id_number("") == mask_phone("") == ""
    assert mask_id_number("1234") == "****"  # too short to keep anything
    assert mask_phone("110") == "***"


@given(id_numbers())
def test_id_mask_hides_birth_date_and_sequence(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == 18 and masked[:4] == value[:4] and masked[-4:] == value[-4:]
    assert set(masked[4:14]) == {"*"}


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_mask(value: str) -> None:
    masked = mask_phone(value)
    assert masked == value[:3] + "****" + value[-4:]


def _petition(clerk: Services) -> str:
    return clerk.create("petition", {
        "received_date": "2026-03-01", "form": "来访", "petitioner_name": "张三", "id_number": ID,
        "phone": PHONE, "category": "claim", "request": "要求解决拖欠工资"}).record.id


def test_describe_masks_by_role(clerk: Services, reviewer: Services, admin: Services) -> None:
    pid = _petition(clerk)
    # A clerk handles cases and may see the full numbers.
    full = clerk.describe("petition", clerk.get("petition", pid))
    assert (full["id_number"], full["phone"]) == (ID, PHONE)
    # Leaders and the IT administrator see them masked, as on printed sheets.
    for svc in (reviewer, admin):
        shown = svc.describe("petition", svc.get("petition", pid))
        assert shown["id_number"] == "3308**********0021" and shown["phone"] == "138****1111"
        assert ID not in json.dumps(shown, ensure_ascii=False)
    # An explicit request for masking (printing) wins over the role.
    assert clerk.describe("petition", clerk.get("petition", pid), unmasked=False)["id_number"].count("*") == 10
    # The stored value is never touched by masking.
    assert reviewer.get("petition", pid).id_number == ID


def test_child_rows_masked(clerk: Services, reviewer: Services) -> None:
    rec = clerk.create("dispute", {"title": "邻里纠纷", "found_date": "2026-03-01", "source": "网格员排查",
                                   "type": "邻里", "parties": [{"name": "张三", "id_number": ID, "phone": PHONE}]}).record
    party = reviewer.describe("dispute", reviewer.get("dispute", rec.id))["parties"][0]
    assert party["id_number"] == "3308**********0021" and party["phone"] == "138****1111"
    assert clerk.describe("dispute", rec)["parties"][0]["id_number"] == ID
