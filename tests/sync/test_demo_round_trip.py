"""Acceptance round trip with two generated demo townships of one county."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, digest, link, table_counts

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.rowcodec import restricted_tables
from zongzhi_desktop.sync.status import sync_status

demo = pytest.importorskip("zongzhi_desktop.demo")

TOWNSHIPS = (("330825101", "湖镇镇", 1), ("330825102", "溪口镇", 2))


def demo_township(root: Path, code: str, name: str, seed: int) -> Services:
    root.mkdir(parents=True)
    store = Store(root / "zongzhi.sqlite3")
    demo.generate(store, records=demo.MIN_RECORDS, seed=seed, today=date(2026, 11, 20),
                  township={"township_code": code, "township_name": name, "county_code": "330825",
                            "county_name": "龙游县"})
    return Services(store, Actor("admin", "admin", "系统管理员"), today=lambda: date(2026, 11, 20))


def test_two_demo_townships_round_trip(tmp_path: Path, county: County) -> None:
    towns = [demo_township(tmp_path / code, code, name, seed) for code, name, seed in TOWNSHIPS]
    usb = tmp_path / "usb"
    usb.mkdir()
    bundles = []
    for t in towns:
        link(t, county)
        bundles.append(export_bundle(t, TOWN_PASS, usb))
    receipts = [import_bundle(county.store, b.copied[-1], county.keys) for b in bundles]
    for t, b, r in zip(towns, bundles, receipts, strict=True):
        code = t.township.code
        assert r.rejected == 0, r.payload["rejections"][:3]
        assert r.accepted == b.rows == sum(table_counts(t.store.path, code).values())
        assert table_counts(county.store.path, code) == table_counts(t.store.path, code)
        assert table_counts(county.store.path, code)["petition"] > 0
    before = digest(county.store.engine)
    for b in bundles:
        assert import_bundle(county.store, b.copied[-1], county.keys).replay
    assert digest(county.store.engine) == before
    for t, r in zip(towns, receipts, strict=True):
        apply_receipt(t, r.receipt)
        # Only the demo's 重点人员 wait: the receipt is the county's first statement of its request for
        # them (docs/bundle-format.md §7.3); they go, without the person's identity, in the next bundle.
        st = sync_status(t)
        assert {row.table for row in st.tables if row.unacked} == set(restricted_tables()) - {"key_person_link"}
        nxt = export_bundle(t, TOWN_PASS, usb)
        apply_receipt(t, import_bundle(county.store, nxt.copied[-1], county.keys).receipt)
        assert sync_status(t).unacked_total == 0
