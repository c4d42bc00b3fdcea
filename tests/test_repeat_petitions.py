"""重复访: the same person (ID number, or name in the same village) with an open or recent petition."""

from __future__ import annotations

from datetime import date

import pytest
from test_workflows_petition import new_petition, refused

from zongzhi_desktop.domain.errors import ValidationError
from zongzhi_desktop.services import Services

ID = "330825198503150021"
OTHER_ID = "33082519900101123" + "7"


@pytest.fixture
def villages(admin: Services) -> tuple[str, str]:
    east = admin.create("village", {"code": "330825101001", "name": "东村", "kind": "村"}).record.id
    west = admin.create("village", {"code": "330825101002", "name": "西村", "kind": "村"}).record.id
    return east, west


def close(svc: Services, pid: str, day: str) -> None:
    svc.act("petition", pid, "accept", {"decision_date": day, "decision": "accept"})
    svc.act("petition", pid, "reply", {"reply_date": day, "reply_result": "support"})


def test_same_id_number_flagged_and_linked(clerk: Services) -> None:
    first = new_petition(clerk, "2026-03-01", id_number=ID)
    assert not first.is_repeat and first.repeat_of_id is None
    result = clerk.create("petition", {"received_date": "2026-04-01", "form": "来电", "petitioner_name": "张叁",
                                       "id_number": f" {ID[:6]} {ID[6:14]} {ID[14:]} ", "category": "claim",
                                       "request": "再次反映"})
    rec = result.record
    assert rec.is_repeat and rec.repeat_of_id == first.id
    assert [c.id for c in result.repeat_candidates] == [first.id]
    assert result.warnings and first.serial in result.warnings[0] and "重复访" in result.warnings[0]
    stored = clerk.get("petition", rec.id)
    assert stored.is_repeat and stored.repeat_of_id == first.id


def test_latest_candidate_linked(clerk: Services) -> None:
    a = new_petition(clerk, "2026-01-05", id_number=ID)
    b = new_petition(clerk, "2026-02-05", id_number=ID)
    assert b.repeat_of_id == a.id
    c = new_petition(clerk, "2026-03-05", id_number=ID)
    assert c.repeat_of_id == b.id


def test_same_name_same_village(clerk: Services, villages: tuple[str, str]) -> None:
    first = new_petition(clerk, "2026-03-01", village_id="东村")
    again = new_petition(clerk, "2026-03-20", village_id="330825101001")
    assert again.is_repeat and again.repeat_of_id == first.id
    elsewhere = new_petition(clerk, "2026-03-21", village_id="西村")
    assert not elsewhere.is_repeat  # same name, another village: another person
    no_village = new_petition(clerk, "2026-03-22")
    assert not no_village.is_repeat  # a name alone is not enough


def test_different_person_not_flagged(clerk: Services, villages: tuple[str, str]) -> None:
    new_petition(clerk, "2026-03-01", id_number=ID, village_id="东村")
    other = new_petition(clerk, "2026-03-02", id_number=OTHER_ID, petitioner_name="李四", village_id="东村")
    assert not other.is_repeat and other.repeat_of_id is None


def test_recent_or_open_only(clerk: Services) -> None:
    old_closed = new_petition(clerk, "2024-06-01", id_number=ID)
    close(clerk, old_closed.id, "2024-06-10")
    later = new_petition(clerk, "2025-07-01", id_number=ID)  # 395 days later, first one concluded
    assert not later.is_repeat
    close(clerk, later.id, "2025-07-05")
    recent = new_petition(clerk, "2026-06-01", id_number=ID)  # 335 days after a concluded one: recent
    assert recent.repeat_of_id == later.id

    still_open = new_petition(clerk, "2024-01-10", id_number=OTHER_ID, petitioner_name="李四")
    much_later = new_petition(clerk, "2026-10-01", id_number=OTHER_ID, petitioner_name="李四")
    assert much_later.repeat_of_id == still_open.id  # open for years: still the same matter


def test_voided_petitions_ignored(clerk: Services, reviewer: Services) -> None:
    first = new_petition(clerk, "2026-03-01", id_number=ID)
    reviewer.void("petition", first.id, "录入错误")
    assert not new_petition(clerk, "2026-03-02", id_number=ID).is_repeat


def test_offer_without_linking(clerk: Services) -> None:
    first = new_petition(clerk, "2026-03-01", id_number=ID)
    result = clerk.create("petition", {"received_date": "2026-03-05", "form": "来访", "petitioner_name": "张三",
                                       "id_number": ID, "category": "claim", "request": "同一诉求"}, link_repeat=False)
    assert result.record.is_repeat and result.record.repeat_of_id is None
    assert [c.id for c in result.repeat_candidates] == [first.id] and "并关联" not in result.warnings[0]
    # The clerk links it explicitly afterwards, by serial.
    linked = clerk.update("petition", result.record.id, {"repeat_of_id": first.serial})
    assert linked.repeat_of_id == first.id


def test_candidates_query(clerk: Services) -> None:
    first = new_petition(clerk, "2026-03-01", id_number=ID)
    second = new_petition(clerk, "2026-03-02", id_number=ID)
    found = clerk.repeat_candidates(id_number=ID, name=None, village_id=None, since=date(2026, 1, 1))
    assert [p.id for p in found] == [second.id, first.id]
    found = clerk.repeat_candidates(id_number=ID, name=None, village_id=None, since=date(2026, 1, 1),
                                    exclude_id=second.id)
    assert [p.id for p in found] == [first.id]
    assert clerk.repeat_candidates(id_number=None, name="张三", village_id=None, since=date(2026, 1, 1)) == []


def test_linking_by_hand_sets_the_flag(clerk: Services) -> None:
    first = new_petition(clerk, "2026-03-01", id_number=ID)
    other = new_petition(clerk, "2026-03-05", petitioner_name="张山")  # spelled differently: not detected
    assert not other.is_repeat
    linked = clerk.update("petition", other.id, {"repeat_of_id": first.serial})
    assert linked.is_repeat and linked.repeat_of_id == first.id
    unlinked = clerk.update("petition", other.id, {"repeat_of_id": None})
    assert not unlinked.is_repeat and unlinked.repeat_of_id is None
    refused(clerk, ValidationError, lambda: clerk.update("petition", other.id, {"repeat_of_id": other.serial}),
            "自身")
