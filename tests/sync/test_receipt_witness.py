"""`audit verify` at the township checks its audit chain against the chain end the county
acknowledged in its signed receipts (issue 15 item 4): a deleted, truncated or rewritten audit log
is detected even when the chain left behind looks whole."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import pytest
from clirun import run
from sqlmodel import select
from synctools import TOWN_PASS, County, link, make_township, populate

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.domain.models import AuditEntry, AuditHead
from zongzhi_desktop.domain.models.sync import SyncBundle
from zongzhi_desktop.services import Services
from zongzhi_desktop.store import audit
from zongzhi_desktop.store.engine import connect_file
from zongzhi_desktop.sync import envelope
from zongzhi_desktop.sync import export as export_module
from zongzhi_desktop.sync.errors import BundleRefused
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt, check_receipt_payload


def sql(svc: Services, *statements: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Raw SQL on the store file, as someone with the sqlite3 shell (and the data key) would."""
    con = connect_file(svc.store.path, svc.store.key)
    try:
        rows: list[tuple[Any, ...]] = []
        for st in statements:
            rows = con.execute(st, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def payload_of(receipt: bytes) -> dict[str, Any]:
    return envelope.parse(receipt, "receipt")[2]


def round_trip(svc: Services, county: County) -> tuple[int, bytes]:
    """Export, import at the county, apply the receipt; (witnessed seq, receipt bytes)."""
    exported = export_bundle(svc, TOWN_PASS, None)
    result = import_bundle(county.store, exported.outbox_path, county.keys)
    apply_receipt(svc, result.receipt)
    return result.payload["audit_head"]["seq"], result.receipt


def problems(svc: Services) -> list[str]:
    return [p.message for p in svc.verify_audit()[1]]


@pytest.fixture
def town(tmp_path: Path, county: County) -> Services:
    """Records first, then trust and registration: the newest entries before the export write no
    record row, so cutting them leaves nothing for the row checks to find — only the receipt knows."""
    svc = make_township(tmp_path / "t", "330825101", "城关镇")
    populate(svc, "甲")
    link(svc, county)
    return svc


def cut_chain(svc: Services, keep: int) -> None:
    """Drop every entry after `keep` and move the head back: the chain left looks whole."""
    [(digest,)] = sql(svc, "SELECT hash FROM audit_log WHERE seq = ?", params=(keep,))
    sql(svc, "DELETE FROM audit_log WHERE seq > ?", params=(keep,))
    sql(svc, "UPDATE audit_head SET seq = ?, hash = ?", params=(keep, digest))


def test_the_receipt_echoes_the_chain_end_and_the_township_keeps_it(town: Services, county: County) -> None:
    exported = export_bundle(town, TOWN_PASS, None)
    head = sql(town, "SELECT seq, hash FROM audit_log WHERE action != 'sync_export' ORDER BY seq DESC LIMIT 1")[0]
    result = import_bundle(county.store, exported.outbox_path, county.keys)
    assert result.payload["audit_head"] == {"seq": head[0], "hash": head[1]}
    apply_receipt(town, result.receipt)
    with town.session() as s:
        assert zlib.decompress(s.get(SyncBundle, 1).receipt) == result.receipt
    assert problems(town) == []
    # Work goes on after the receipt: the chain grows past the witnessed end, which is fine.
    town.create("petition", {"received_date": "2026-11-12", "form": "来信", "petitioner_name": "赵六",
                             "category": "建议意见类", "request": "修路"})
    round_trip(town, county)
    assert problems(town) == []


def test_a_cut_chain_that_looks_whole_is_caught_by_the_receipt(town: Services, county: County) -> None:
    witnessed, _ = round_trip(town, county)
    cut_chain(town, witnessed - 2)  # the registration's entries, the export's and the receipt's
    with town.session() as s:
        assert audit.verify(s)[1] == []  # the chain on its own looks whole …
    assert problems(town) == [  # … but the county witnessed more
        f"审计记录缺失：县级回执（批次 1）见证到第 {witnessed} 条，本机只有到第 {witnessed - 2} 条："
        "审计链在导出该批次之后被删除或删短"]


def test_deleting_every_audit_row_and_the_head_names_the_gap(town: Services, county: County) -> None:
    witnessed, _ = round_trip(town, county)
    sql(town, "DELETE FROM audit_log", "DELETE FROM audit_head")
    found = problems(town)
    assert (f"审计记录缺失：县级回执（批次 1）见证到第 {witnessed} 条，本机没有任何审计记录："
            "审计链在导出该批次之后被删除或删短") in found


def test_a_rewritten_chain_with_fresh_hashes_is_caught(town: Services, county: County) -> None:
    witnessed, _ = round_trip(town, county)
    # Change an early entry and rehash everything after it, as a careful forger would.
    with town.session() as s, s.begin():
        prev = s.get(AuditEntry, 2).prev_hash
        for e in s.exec(select(AuditEntry).where(AuditEntry.seq >= 2).order_by(AuditEntry.seq)):
            if e.seq == 2:
                e.username = "someone-else"
            e.prev_hash = prev
            e.hash = audit.entry_hash(e.seq, e.at, e.username, e.action, e.record_kind, e.record_id,
                                      e.before, e.after, prev)
            prev = e.hash
        head = s.get(AuditHead, 1)
        head.hash = prev
    with town.session() as s:
        assert audit.verify(s)[1] == []
    assert f"第 {witnessed} 条审计记录与县级回执（批次 1）见证的不同：审计链在导出该批次之后被改写" in problems(town)


def test_an_edited_or_deleted_stored_receipt_is_reported(town: Services, county: County) -> None:
    round_trip(town, county)
    _, receipt = round_trip(town, county)
    assert problems(town) == []
    forged = receipt.replace(b'"seq":', b'"seq":1', 1)  # the witnessed chain end moved: the signature breaks
    sql(town, "UPDATE sync_bundle SET receipt = ? WHERE sequence = 2", params=(zlib.compress(forged),))
    assert "本机保存的县级回执（批次 2）已损坏或签名无效：回执被修改" in problems(town)
    sql(town, "UPDATE sync_bundle SET receipt = NULL WHERE sequence = 2")
    [found] = problems(town)
    assert found.startswith("批次 2 已于 ") and found.endswith("收到县级回执，但本机保存的回执不见了：回执被删除")
    # Bundle 1's receipt swapped in for bundle 2's (an older, smaller witness): noticed as well.
    sql(town, "UPDATE sync_bundle SET receipt = (SELECT receipt FROM sync_bundle WHERE sequence = 1) "
              "WHERE sequence = 2")
    assert "本机保存的县级回执（批次 2）属于另一个批次（1）：回执被替换" in problems(town)


def test_receipts_without_a_chain_end_still_verify_and_pass(town: Services, county: County,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # A bundle of an earlier release: no audit_head in the manifest, so none in the receipt.
    with monkeypatch.context() as m:
        m.setattr(export_module.audit, "current_head", lambda conn: None)
        exported = export_bundle(town, TOWN_PASS, None)
    result = import_bundle(county.store, exported.outbox_path, county.keys)
    assert "audit_head" not in result.payload
    apply_receipt(town, result.receipt)
    assert problems(town) == []
    # A county of an earlier release: the manifest has a chain end, its receipt does not echo it.
    exported = export_bundle(town, TOWN_PASS, None)
    result = import_bundle(county.store, exported.outbox_path, county.keys)
    old = {k: v for k, v in result.payload.items() if k != "audit_head"}
    apply_receipt(town, envelope.sign("receipt", old, county.keys.signing))
    seq = sql(town, "SELECT max(seq) FROM audit_log")[0][0]
    cut_chain(town, seq - 1)
    assert problems(town) == []  # no witness: nothing to hold the chain against (the county still warns)
    with town.session() as s:
        assert s.get(SyncBundle, 2).receipt is not None


def test_a_receipt_with_a_malformed_chain_end_is_refused(town: Services, county: County) -> None:
    exported = export_bundle(town, TOWN_PASS, None)
    payload = import_bundle(county.store, exported.outbox_path, county.keys).payload
    for bad in ({"seq": -1, "hash": "0" * 64}, {"seq": 3, "hash": "xyz"}, {"seq": "3", "hash": "0" * 64}, [], None):
        with pytest.raises(BundleRefused):
            check_receipt_payload({**payload, "audit_head": bad})
        with pytest.raises(BundleRefused):
            apply_receipt(town, envelope.sign("receipt", {**payload, "audit_head": bad}, county.keys.signing))
    assert check_receipt_payload(payload) is payload


def test_audit_verify_by_cli_on_an_encrypted_store(town: Services, county: County, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from zongzhi_desktop.services.unlock import encrypt_plain_store

    witnessed, _ = round_trip(town, county)
    enc = Services(encrypt_plain_store(town.store)[0], town.actor, today=town._today)
    assert enc.store.key is not None
    data_dir = str(enc.store.path.parent)
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "admin-pass-1")
    code, out, _ = run(capsys, monkeypatch, "audit", "verify", "--data-dir", data_dir)
    assert code == 0 and "审计链完整" in out
    sql(enc, "DELETE FROM audit_log", "DELETE FROM audit_head")
    code, out, err = run(capsys, monkeypatch, "audit", "verify", "--data-dir", data_dir)
    assert code == 1 and "审计链校验失败" in err
    assert f"县级回执（批次 1）见证到第 {witnessed} 条，本机没有任何审计记录" in out
    code, out, _ = run(capsys, monkeypatch, "audit", "verify", "--json", "--data-dir", data_dir)
    assert code == 1 and f"见证到第 {witnessed} 条" in out
