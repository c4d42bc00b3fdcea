"""A restricted register (重点人员) at the county: nothing before the county states its request; then
the rows without the person's identity (counts by township, category and village; no name, ID
number, phone, address, visit notes or links); the whole rows only when the county asks; never in a
restore file. The county sheet counts them by township."""

from __future__ import annotations

from datetime import date

from synctools import TOWN_PASS, County, county_rows

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.reports.periods import parse_period
from zongzhi_desktop.reports.sheets import build_sheet
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.sync.attachments import set_county_requests
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt

ID = "330825198503120017"


def _round(town: Services, county: County) -> dict:
    exported = export_bundle(town, TOWN_PASS, None)
    result = import_bundle(county.store, exported.outbox_path, county.keys)
    apply_receipt(town, result.receipt)
    return exported.counts


def _register(town: Services) -> str:
    town.set_grant(town.actor.username, "view_keyperson", True)
    village = town.create("village", {"code": town.township.code + "201", "name": "溪口村"}).record.id
    person = town.create("keyperson", {"name": "张三", "id_number": ID, "phone": "13905701234", "village_id": village,
                                       "address": "溪口村12号", "category": "刑释解教人员", "risk_level": "高",
                                       "registered_date": "2026-10-02", "measures": "安置帮教"}).record
    town.add_child("keyperson", person.id, "visits", {"visit_date": "2026-11-10", "visitor": "网格员老李",
                                                      "situation": "已就业，情绪稳定", "risk_after": "中"})
    p = town.create("petition", {"received_date": "2026-11-18", "form": "来访", "petitioner_name": "张三",
                                 "id_number": ID, "category": "申诉求决类", "request": "要求解决就业"}).record
    town.add_child("keyperson", person.id, "links", {"record_kind": "petition", "record_id": p.id})
    return person.id


def test_identity_stays_home_unless_the_county_asks(town1: Services, county: County) -> None:
    town = Services(town1.store, Actor("admin", "admin", "管理员"), today=town1._today)
    pid = _register(town)
    counts = _round(town, county)  # the county has not stated its request yet: nothing of the register
    assert not {"key_person", "key_person_visit", "key_person_link"} & set(counts)

    town.update("keyperson", pid, {"risk_level": "高"})  # a new revision to send
    counts = _round(town, county)
    assert counts["key_person"]["rows"] == 1 and "key_person_link" not in counts
    assert county_rows(county, "SELECT name, id_number, phone, address, category, risk_level, status "
                                "FROM key_person") == [("", None, None, None, "released_prisoner", "high", "managed")]
    assert county_rows(county, "SELECT visitor, situation, risk_after FROM key_person_visit") == [("", "", "medium")]
    with county.store.engine.connect() as conn:
        sheet = build_sheet(conn, "weekly", parse_period("2026-W47"), codes=town.codes, townships=None,
                            township_name="龙游县", made_on=date(2026, 11, 20))
    assert sheet.values[f"keyperson.managed|township={town.township.code}"].text == "1"
    assert "张三" not in repr(sheet)

    set_county_requests(county.store, restricted=True)
    town.update("keyperson", pid, {"risk_level": "中"})
    _round(town, county)  # the receipt states the request …
    town.update("keyperson", pid, {"risk_level": "高"})
    counts = _round(town, county)  # … and the next bundle carries the whole rows
    assert county_rows(county, "SELECT name, id_number FROM key_person") == [("张三", ID)]
    assert counts["key_person_link"]["rows"] == 1
