"""After an import (which replaces the per-row search triggers by a set-based refresh) the county's
full-text search rows equal what the triggers would have produced, and the triggers are back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, populate
from test_bad_bundles import resign

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.services import Services
from zongzhi_desktop.store.search_index import SOURCES, term_rowids
from zongzhi_desktop.sync.errors import BundleRefused
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt


def schema(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    finally:
        con.close()


def ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def assert_search_consistent(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        for table, (name, ident, content) in SOURCES.items():
            expected = set(con.execute(f"SELECT r.rowid, {name}, {ident}, {content} FROM {table} r"))
            actual = set(con.execute(f"SELECT rowid, name, ident, content FROM {table}_fts"))
            assert actual == expected, table
            # The n-gram index answers every character and pair of characters of the text as a scan does.
            texts = {r[0]: "\n".join(x or "" for x in r[1:]) for r in actual}
            terms = {t[i:i + n] for t in texts.values() for n in (1, 2, 4) for i in range(len(t) - n + 1)}
            for term in sorted(x for x in terms if not any(ch.isspace() for ch in x)):
                rowids, params = term_rowids(table, term)
                found = {r[0] for r in con.execute(rowids, params)}
                assert found == {rid for rid, t in texts.items() if ascii_lower(term) in ascii_lower(t)}, (table, term)
    finally:
        con.close()


def sync(county: County, town: Services) -> None:
    r = import_bundle(county.store, export_bundle(town, TOWN_PASS).outbox_path, county.keys)
    assert r.rejected == 0
    apply_receipt(town, r.receipt)


def test_search_rows_follow_imports(county: County, town1: Services) -> None:
    before = schema(county.store.path)
    ids = populate(town1, "甲")
    sync(county, town1)
    assert schema(county.store.path) == before  # triggers recreated exactly
    assert_search_consistent(county.store.path)
    con = sqlite3.connect(county.store.path)
    hit = con.execute("SELECT count(*) FROM dispute_fts WHERE instr(name, '李四')").fetchone()[0]
    con.close()
    assert hit == 1  # a party's name is in its dispute's search row

    # Updates: rename the leader (packages' search rows), add a party, move a party to another dispute.
    leader = town1.list_records("leader")[0]
    town1.update("leader", leader.id, {"name": "赵书记"})
    town1.add_child("dispute", ids["dispute"], "parties", {"name": "钱七", "role": "third_party"})
    other = town1.create("dispute", {"title": "邻里纠纷", "found_date": "2026-11-12", "source": "网格员排查",
                                     "type": "邻里"}).record
    con = sqlite3.connect(town1.store.path)
    con.execute("UPDATE dispute_party SET dispute_id = ?, revision = revision + 1 WHERE name = '王五'", (other.id,))
    con.commit()
    con.close()
    sync(county, town1)
    assert schema(county.store.path) == before
    assert_search_consistent(county.store.path)
    con = sqlite3.connect(county.store.path)
    moved = con.execute("SELECT d.title FROM dispute_fts f JOIN dispute d ON d.rowid = f.rowid "
                        "WHERE instr(f.name, '王五')").fetchall()
    rowids, params = term_rowids("case_package", "赵书记")
    renamed = con.execute(f"SELECT count(*) FROM ({rowids})", params).fetchone()[0]
    con.close()
    assert moved == [("邻里纠纷",)] and renamed == 1


def test_refused_bundle_keeps_triggers(county: County, town1: Services) -> None:
    populate(town1, "甲")
    before = schema(county.store.path)
    data = export_bundle(town1, TOWN_PASS).outbox_path.read_bytes()

    def lie(m):  # type: ignore[no-untyped-def]
        m["chunks"][-1]["rows"] += 1
        m["counts"][m["chunks"][-1]["table"]]["rows"] += 1
        m["rows"] += 1

    with pytest.raises(BundleRefused):
        import_bundle(county.store, resign(data, town1, lie), county.keys)  # fails mid-transaction
    assert schema(county.store.path) == before
    assert_search_consistent(county.store.path)
