"""The end of the township's audit chain travels in every bundle's signed manifest, and the county
notices when a later bundle's chain end went back (issue 14 item 3: the county as witness)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, populate

from zongzhi_desktop.county.audit_heads import Head, heads, warnings
from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.status import county_status
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.bundle import BundleFile, check_manifest
from zongzhi_desktop.sync.errors import BundleRefused
from zongzhi_desktop.sync.export import export_bundle


def manifest_of(path: Path) -> dict:
    with open(path, "rb") as fh:
        return BundleFile(fh, path.stat().st_size).manifest


def chain_end(svc: Services) -> tuple[int, str]:
    con = sqlite3.connect(svc.store.path)
    try:
        return con.execute("SELECT seq, hash FROM audit_head").fetchone()
    finally:
        con.close()


def cut_chain(svc: Services, keep: int) -> None:
    """What a clerk with the sqlite3 shell does: drop the newest entries and move the head back."""
    con = sqlite3.connect(svc.store.path)
    try:
        digest = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (keep,)).fetchone()[0]
        con.execute("DELETE FROM audit_log WHERE seq > ?", (keep,))
        con.execute("UPDATE audit_head SET seq = ?, hash = ?", (keep, digest))
        con.commit()
    finally:
        con.close()


def test_the_manifest_carries_the_chain_end(town1: Services, county: County, tmp_path: Path) -> None:
    populate(town1, "a")
    head = chain_end(town1)
    exported = export_bundle(town1, TOWN_PASS, None)
    manifest = manifest_of(exported.outbox_path)
    assert manifest["audit_head"] == {"seq": head[0], "hash": head[1]}
    result = import_bundle(county.store, exported.outbox_path, county.keys)
    assert result.audit_warnings == []
    [state] = county_status(county.store)
    assert state.audit_head == Head(1, head[0], head[1]) and state.audit_warnings == []
    assert state.as_dict()["audit_head"] == {"bundle_sequence": 1, "seq": head[0], "hash": head[1]}


def test_the_county_notices_a_chain_that_went_back(town1: Services, county: County) -> None:
    populate(town1, "a")
    first = export_bundle(town1, TOWN_PASS, None)
    import_bundle(county.store, first.outbox_path, county.keys)
    seq1 = manifest_of(first.outbox_path)["audit_head"]["seq"]
    cut_chain(town1, seq1 - 5)
    second = export_bundle(town1, TOWN_PASS, None)
    assert manifest_of(second.outbox_path)["audit_head"]["seq"] < seq1
    result = import_bundle(county.store, second.outbox_path, county.keys)
    assert result.accepted == result.rows  # the rows are still taken: the county warns, it does not refuse
    [warning] = result.audit_warnings
    assert warning.startswith(f"批次 2 的审计链末端（第{seq1 - 5}条）比更早的批次 1（第{seq1}条）还短")
    [state] = county_status(county.store)
    assert state.audit_warnings == [warning]
    assert state.audit_head is not None and state.audit_head.sequence == 2


def test_an_upload_with_a_chain_that_went_back_is_logged(town1: Services, county: County,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    import logging
    import tempfile

    from zongzhi_desktop.county.http import _import

    populate(town1, "a")
    first = export_bundle(town1, TOWN_PASS, None)
    import_bundle(county.store, first.outbox_path, county.keys)
    cut_chain(town1, manifest_of(first.outbox_path)["audit_head"]["seq"] - 5)
    second = export_bundle(town1, TOWN_PASS, None)
    spool = tempfile.SpooledTemporaryFile()
    spool.write(second.outbox_path.read_bytes())
    with caplog.at_level(logging.WARNING, logger="zongzhi.county.import"):
        result = _import(county.store, spool, county.keys)
    assert result.audit_warnings and result.audit_warnings[0] in caplog.text
    assert f"乡镇 {town1.township.code}：批次 2 的审计链末端" in caplog.text


def test_a_rewritten_chain_of_the_same_length_and_late_bundles(county: County) -> None:
    chain = heads([(1, json.dumps({"audit_head": {"seq": 10, "hash": "a" * 64}})),
                   (3, json.dumps({"audit_head": {"seq": 30, "hash": "c" * 64}})),
                   (2, json.dumps({"audit_head": {"seq": 20, "hash": "b" * 64}})),
                   (4, json.dumps({"audit_head": {"seq": 30, "hash": "d" * 64}})),
                   (5, json.dumps({"rows": 0}))])  # a bundle of an earlier release: no head, skipped
    assert [h.sequence for h in chain] == [1, 2, 3, 4]  # by bundle sequence, whatever the arrival order
    assert warnings(chain) == ["批次 3 和批次 4 的审计链末端都是第30条，但哈希不同：乡镇的审计链被改写，请核实"]
    assert warnings(chain, only=2) == []


def test_bundles_without_a_head_stay_readable_and_a_bad_head_is_refused(town1: Services) -> None:
    exported = export_bundle(town1, TOWN_PASS, None)
    manifest = manifest_of(exported.outbox_path)
    old = {k: v for k, v in manifest.items() if k != "audit_head"}
    assert check_manifest(old) is old
    for bad in ({"seq": -1, "hash": "0" * 64}, {"seq": 3, "hash": "xyz"}, {"seq": "3", "hash": "0" * 64}, []):
        with pytest.raises(BundleRefused):
            check_manifest({**manifest, "audit_head": bad})
