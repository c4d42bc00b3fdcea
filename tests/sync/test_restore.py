"""The county as the township's backup (issue 15, item 3): a replaced PC restores from the county
and continues its chain and numbering; a chain that restarts is refused with the way out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, make_township, populate, table_counts

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.restore import write_restore_file
from zongzhi_desktop.county.setup import register_township
from zongzhi_desktop.county.status import county_status
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.errors import BundleRefused, SyncError
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.restore import restore_from_county
from zongzhi_desktop.sync.status import sync_status
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

BOTH_SUITES = True  # every test using the county runs under nacl-1 and gm-1 (conftest.py)

NEW_PASS = "new-pc-pass-1"


def _send(town: Services, county: County) -> None:
    e = export_bundle(town, TOWN_PASS if town.store.path.parent.name == "t1" else NEW_PASS)
    apply_receipt(town, import_bundle(county.store, e.outbox_path, county.keys).receipt)


def _new_pc(tmp_path: Path, county: County, name: str = "t1-new") -> Services:
    """The replacement PC: a new installation of the same township, trusting the county, its new
    key registered at the county (no `replaces`: the old PC and its key are gone)."""
    svc = make_township(tmp_path / name, "330825101", "城关镇")
    trust_county(svc, county.profile)
    reg = make_registration_file(svc, NEW_PASS)
    register_township(county.store, reg.data, actor="county-admin")
    return svc


def test_replaced_pc_restores_and_continues(tmp_path: Path, county: County, town1: Services) -> None:
    populate(town1, "甲", n=3)
    _send(town1, county)
    p = town1.create("petition", {"received_date": "2026-11-12", "form": "来信", "petitioner_name": "赵六",
                                  "category": "申诉求决类", "request": "反映噪音扰民"}).record
    town1.void("petition", p.id, "重复登记")
    _send(town1, county)
    serials = sorted(r[0] for r in sqlite3.connect(town1.store.path).execute("SELECT serial FROM petition"))
    code = town1.township.code

    # The PC is stolen. A new one starts from nothing: without a restore its first bundle is a fork.
    new = _new_pc(tmp_path, county)
    fresh = new.create("petition", {"received_date": "2026-11-20", "form": "来访", "petitioner_name": "钱七",
                                    "category": "申诉求决类", "request": "要求修路"}).record
    assert fresh.serial == serials[0]  # the new PC would hand out XF-2026-000001 a second time
    fork = export_bundle(new, NEW_PASS)
    before = table_counts(county.store.path, code)
    with pytest.raises(BundleRefused) as e:
        import_bundle(county.store, fork.outbox_path, county.keys)
    assert e.value.code == "fork" and "county restore-bundle 330825101" in e.value.message
    assert "sync restore" in e.value.message
    assert table_counts(county.store.path, code) == before  # nothing of the fork was stored

    # The right way: a second new installation restored from the county's copy.
    new = _new_pc(tmp_path, county, "t1-restored")
    out = write_restore_file(county.store, county.keys, code, tmp_path / "restore.zzrestore")
    assert out.sequence == 2 and out.rows == sum(before.values())
    r = restore_from_county(new, out.path, NEW_PASS)
    assert r.sequence == 2 and r.rows == out.rows
    assert table_counts(new.store.path, code) == table_counts(county.store.path, code)
    assert sync_status(new).unacked_total == 0  # everything restored is what the county has
    _count, problems = new.verify_audit()
    assert not problems, problems

    # It continues: the next petition gets the next serial, the next bundle is number 3, no fork.
    nxt = new.create("petition", {"received_date": "2026-11-19", "form": "来访", "petitioner_name": "孙八",
                                  "category": "申诉求决类", "request": "要求修路"}).record
    assert nxt.serial not in serials and nxt.serial > max(serials)
    e3 = export_bundle(new, NEW_PASS)
    assert e3.sequence == 3 and e3.rows >= 1
    r3 = import_bundle(county.store, e3.outbox_path, county.keys)
    assert r3.rejected == 0
    apply_receipt(new, r3.receipt)
    assert table_counts(county.store.path, code) == table_counts(new.store.path, code)
    st = next(t for t in county_status(county.store) if t.code == code)
    assert (st.missing, st.forks, st.chain_breaks) == ([], [], [])
    # The new chain is shorter than the old one, but the county knows why: no warning.
    assert r3.audit_warnings == [] and st.audit_warnings == []
    assert st.audit_head is not None and st.audit_head.restored_after == 2
    assert new.verify_audit()[1] == []  # the new chain, witnessed by the county's receipt for bundle 3


def test_restore_refuses_a_store_with_records_and_foreign_files(tmp_path: Path, county: County,
                                                                town1: Services, town2: Services) -> None:
    populate(town1, "甲", n=1)
    _send(town1, county)
    new = _new_pc(tmp_path, county)
    out = write_restore_file(county.store, county.keys, town1.township.code, tmp_path / "r.zzrestore")
    # Sealed to the new PC's key: the other township (and the old key) cannot use it.
    with pytest.raises((BundleRefused, SyncError)):
        restore_from_county(town2, out.path, TOWN_PASS)
    # A wrong passphrase, then a store that already has records: refused, nothing changed.
    with pytest.raises(SyncError):
        restore_from_county(new, out.path, "wrong-pass-1")
    new.create("petition", {"received_date": "2026-11-20", "form": "来访", "petitioner_name": "钱七",
                            "category": "申诉求决类", "request": "要求修路"})
    counts = table_counts(new.store.path)
    with pytest.raises(SyncError) as e:
        restore_from_county(new, out.path, NEW_PASS)
    assert e.value.code == "not_empty" and "zongzhi init" in e.value.message
    assert table_counts(new.store.path) == counts
    # A tampered restore file is refused.
    data = bytearray(out.path.read_bytes())
    data[len(data) // 3] ^= 1
    bad = tmp_path / "bad.zzrestore"
    bad.write_bytes(bytes(data))
    other = _new_pc(tmp_path, county, "t1-third")
    with pytest.raises(BundleRefused):
        restore_from_county(other, bad, NEW_PASS)
