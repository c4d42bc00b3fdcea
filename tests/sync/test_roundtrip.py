"""Round trips township -> county -> township: counts, replays, order, tombstones, receipts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, digest, id_number, populate, table_counts

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.status import county_status
from zongzhi_desktop.services import Services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.rowcodec import whole_tables
from zongzhi_desktop.sync.status import sync_status

BOTH_SUITES = True  # every test using the county runs under nacl-1 and gm-1 (conftest.py)


def synced_digest(path: Path) -> list[tuple]:
    """Every synced row at the county (the record state, without bookkeeping tables)."""
    con = sqlite3.connect(path)
    try:
        return [(t, sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)) for t in whole_tables()]
    finally:
        con.close()


def test_two_townships_round_trip(tmp_path: Path, county: County, town1: Services, town2: Services) -> None:
    populate(town1, "甲", n=3)
    populate(town2, "乙", n=2)
    usb = tmp_path / "usb"
    usb.mkdir()
    e1 = export_bundle(town1, TOWN_PASS, usb)
    e2 = export_bundle(town2, TOWN_PASS, usb)
    assert sorted(p.name for p in usb.iterdir()) == ["ZZ-330825101-000001.zzb", "ZZ-330825102-000001.zzb"]
    assert e1.rows == sum(table_counts(town1.store.path).values())

    r1 = import_bundle(county.store, e1.copied[0], county.keys)
    r2 = import_bundle(county.store, e2.copied[0], county.keys)
    assert (r1.rejected, r2.rejected) == (0, 0)
    assert r1.accepted == r1.applied == e1.rows
    for town in (town1, town2):
        code = town.township.code
        assert table_counts(county.store.path, code) == table_counts(town.store.path, code)
    # Whole rows arrived unchanged, personal data included (the county may see it).
    con = sqlite3.connect(county.store.path)
    assert con.execute("SELECT count(*) FROM petition WHERE id_number = ?", (id_number(1),)).fetchone()[0] == 2
    con.close()

    # Re-importing changes nothing at all and returns the same signed receipt.
    before = digest(county.store.engine)
    again = import_bundle(county.store, e1.copied[0], county.keys)
    assert again.replay and again.receipt == r1.receipt
    assert digest(county.store.engine) == before

    # Receipts acknowledge everything; the next bundle carries nothing.
    apply_receipt(town1, r1.receipt)
    apply_receipt(town2, r2.receipt)
    assert sync_status(town1).unacked_total == 0
    assert not (Path(e1.outbox_path)).exists()  # outbox copy dropped once acknowledged
    e3 = export_bundle(town1, TOWN_PASS)
    assert e3.rows == 0 and e3.sequence == 2
    # An empty bundle still reports in (timeliness) and chains to the previous one.
    r3 = import_bundle(county.store, e3.outbox_path, county.keys)
    assert r3.accepted == 0 and r3.missing_sequences == []


def test_out_of_order_same_final_state(tmp_path: Path, county: County, town1: Services) -> None:
    ids = populate(town1, "甲")
    b1 = export_bundle(town1, TOWN_PASS)
    apply_receipt(town1, import_bundle(county.store, b1.outbox_path, county.keys).receipt)
    # Two more bundles before any receipt: the third repeats the second's changes (never acknowledged).
    town1.update("petition", ids["petitions"][0], {"address": "东村3组"})
    b2 = export_bundle(town1, TOWN_PASS)
    town1.update("petition", ids["petitions"][0], {"address": "东村4组"})
    town1.create("dispatch", {"title": "新增调度", "raised_date": "2026-11-18", "deadline": "2026-12-01"})
    b3 = export_bundle(town1, TOWN_PASS)
    assert (b2.sequence, b3.sequence) == (2, 3)
    assert b3.counts["petition"]["rows"] == 1 and b3.counts["dispatch_item"]["rows"] == 1

    # A second county store with the same keys and the same history up to bundle 1.
    twin_path = tmp_path / "twin.sqlite3"
    src, dst = sqlite3.connect(county.store.path), sqlite3.connect(twin_path)
    src.backup(dst)
    src.close()
    dst.close()
    twin = Store(twin_path)

    r3 = import_bundle(county.store, b3.outbox_path, county.keys)
    assert r3.missing_sequences == [2]
    st = county_status(county.store)[0]
    assert st.missing == [2] and st.last_sequence == 3
    r2 = import_bundle(county.store, b2.outbox_path, county.keys)
    assert r2.applied == 0 and r2.accepted == b2.rows  # all older than what bundle 3 brought
    st = county_status(county.store)[0]
    assert st.missing == [] and st.chain_breaks == [] and st.bundle_count == 3

    import_bundle(twin, b2.outbox_path, county.keys)
    import_bundle(twin, b3.outbox_path, county.keys)
    assert synced_digest(county.store.path) == synced_digest(twin_path)
    con = sqlite3.connect(county.store.path)
    assert con.execute("SELECT address, revision FROM petition WHERE id = ?", (ids["petitions"][0],)).fetchone()[0] == "东村4组"
    con.close()

    # Receipts may come back in any order too: acknowledgement only moves up.
    apply_receipt(town1, r3.receipt)
    apply_receipt(town1, r2.receipt)
    assert sync_status(town1).unacked_total == 0


def test_void_reaches_county_as_tombstone(county: County, town1: Services) -> None:
    ids = populate(town1, "甲")
    apply_receipt(town1, import_bundle(county.store, export_bundle(town1, TOWN_PASS).outbox_path, county.keys).receipt)
    leader = town1  # admin may void
    leader.void("petition", ids["petitions"][1], "重复登记")
    st = sync_status(town1)
    by = {t.table: t.unacked for t in st.tables}
    assert by["petition"] == 1 and by["workflow_event"] == 1  # the void and its timeline event
    b = export_bundle(town1, TOWN_PASS)
    assert b.counts["petition"] == {"rows": 1, "voided": 1}
    r = import_bundle(county.store, b.outbox_path, county.keys)
    assert r.applied == 2
    con = sqlite3.connect(county.store.path)
    voided, reason, rev = con.execute("SELECT voided, void_reason, revision FROM petition WHERE id = ?",
                                      (ids["petitions"][1],)).fetchone()
    con.close()
    assert (voided, reason, rev) == (1, "重复登记", 3)


def test_receipt_acknowledges_exactly_what_was_accepted(county: County, town1: Services) -> None:
    ids = populate(town1, "甲")
    # A row the county must refuse: a serial longer than the schema allows (SQLite did not enforce it).
    con = sqlite3.connect(town1.store.path)
    con.execute("UPDATE petition SET serial = ?, revision = revision + 1 WHERE id = ?", ("X" * 40, ids["petitions"][0]))
    con.commit()
    con.close()
    b = export_bundle(town1, TOWN_PASS)
    r = import_bundle(county.store, b.outbox_path, county.keys)
    assert r.rejected == 1 and r.accepted == b.rows - 1
    rej = r.payload["rejections"][0]
    assert rej["table"] == "petition" and rej["id"] == ids["petitions"][0]
    assert "serial" in rej["reason"] and "长度不能超过32个字符" in rej["reason"]
    acked = {(t, i, v) for t, items in r.payload["acknowledged"].items() for i, v in items}
    assert ("petition", ids["petitions"][0], 3) not in {(t, i, v) for t, i, v in acked}
    assert len(acked) == r.accepted

    # The rest of the bundle was applied; the refused row is absent at the county.
    c = sqlite3.connect(county.store.path)
    assert c.execute("SELECT count(*) FROM petition WHERE id = ?", (ids["petitions"][0],)).fetchone()[0] == 0
    assert c.execute("SELECT count(*) FROM petition").fetchone()[0] == 1
    c.close()

    # A change made after the export is not covered by the receipt.
    town1.update("petition", ids["petitions"][1], {"address": "西村"})
    res = apply_receipt(town1, r.receipt)
    assert res.rejected == 1
    t = sqlite3.connect(town1.store.path)
    acks = {(a, b_, c_) for a, b_, c_ in t.execute("SELECT table_name, record_id, revision FROM sync_ack")}
    t.close()
    assert acks == acked
    st = sync_status(town1)
    by = {x.table: (x.unacked, x.rejected) for x in st.tables}
    assert by["petition"] == (2, 1)  # the refused row and the edited one
    assert st.rejections[0].reason == rej["reason"]
    nxt = export_bundle(town1, TOWN_PASS)
    assert nxt.counts == {"petition": {"rows": 2, "voided": 0}}
    # Applying the same receipt twice changes nothing.
    assert apply_receipt(town1, r.receipt).already_applied


def test_reference_to_missing_record_rejected_rest_applied(county: County, town1: Services) -> None:
    town1.create("village", {"code": "330825101001", "name": "东村"})
    con = sqlite3.connect(town1.store.path)  # a grid pointing at a village that exists nowhere
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO grid (id, township_code, revision, created_at, created_by, updated_at, updated_by, voided,"
                " village_id, name) VALUES ('g-orphan', '330825101', 1, '2026-11-20 00:00:00.000000',"
                " 'x', '2026-11-20 00:00:00.000000', 'x', 0, 'no-such-village', '孤儿网格')")
    con.commit()
    con.close()
    r = import_bundle(county.store, export_bundle(town1, TOWN_PASS).outbox_path, county.keys)
    assert r.rejected == 1
    assert r.payload["rejections"][0]["id"] == "g-orphan"
    assert "village_id" in r.payload["rejections"][0]["reason"] and "不存在" in r.payload["rejections"][0]["reason"]
    assert table_counts(county.store.path)["village"] == 1


@pytest.mark.parametrize("chunk_target", [200, 1 << 20])
def test_many_chunks_and_forward_references(county: County, town1: Services, chunk_target: int) -> None:
    """Small chunks split tables across many chunks; a petition referring to a later one still lands."""
    ids = populate(town1, "甲", n=6)
    con = sqlite3.connect(town1.store.path)  # make the first petition point at the last (forward reference)
    con.execute("UPDATE petition SET repeat_of_id = ?, revision = revision + 1 WHERE id = ?",
                (ids["petitions"][-1], ids["petitions"][0]))
    con.commit()
    con.close()
    b = export_bundle(town1, TOWN_PASS, chunk_target=chunk_target)
    r = import_bundle(county.store, b.outbox_path, county.keys)
    assert r.rejected == 0 and r.applied == b.rows
    assert table_counts(county.store.path, "330825101") == table_counts(town1.store.path, "330825101")
