"""Attachments travel as hash and size until the county asks for the bytes (its receipts say so);
then the bytes travel once, encrypted with the rest, within the county's cap, checked on arrival."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, county_rows, make_township

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.restore import write_restore_file
from zongzhi_desktop.county.setup import register_township
from zongzhi_desktop.domain.errors import ValidationError
from zongzhi_desktop.services import Services
from zongzhi_desktop.store.attachments import AttachmentMissing
from zongzhi_desktop.sync.attachments import TRAVEL_MAX_BYTES, set_county_requests
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.restore import restore_from_county
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

NEW_PASS = "new-pc-pass-1"


def _petition(svc: Services) -> str:
    return svc.create("petition", {"received_date": "2026-11-18", "form": "来访", "petitioner_name": "张三",
                                   "category": "申诉求决类", "request": "要求解决拖欠工资"}).record.id


def _round(town: Services, county: County) -> dict:
    exported = export_bundle(town, TOWN_PASS, None)
    result = import_bundle(county.store, exported.outbox_path, county.keys)
    apply_receipt(town, result.receipt)
    return exported.counts


def test_bytes_travel_only_when_the_county_asks(town1: Services, county: County) -> None:
    pid = _petition(town1)
    letter = "信访人来信：要求解决拖欠工资。".encode() * 100
    photo = bytes(range(256)) * 64
    a1 = town1.attach("petition", pid, letter, "来信.txt")
    a2 = town1.attach("petition", pid, photo, "现场照片.jpg")

    counts = _round(town1, county)
    assert counts["attachment"]["rows"] == 2 and "attachment_content" not in counts
    assert sorted(county_rows(county, "SELECT file_name, size, sha256 FROM attachment")) == sorted([
        ("来信.txt", len(letter), hashlib.sha256(letter).hexdigest()),
        ("现场照片.jpg", len(photo), hashlib.sha256(photo).hexdigest())])
    assert county_rows(county, "SELECT count(*) FROM attachment_content") == [(0,)]

    # The county asks for bytes up to 1 MB; the township learns it from the next receipt.
    set_county_requests(county.store, carry=True, max_mb=1, actor="county-admin")
    town1.create("department", {"name": "人社所", "kind": "hrss"})
    assert "attachment_content" not in _round(town1, county)  # this receipt carries the request
    assert _round(town1, county)["attachment_content"]["rows"] == 2
    stored = dict(county_rows(county, "SELECT id, content_zlib FROM attachment_content"))
    assert {k: zlib.decompress(v) for k, v in stored.items()} == {a1.id: letter, a2.id: photo}
    # Acknowledged once, never sent again.
    town1.create("department", {"name": "司法所", "kind": "justice"})
    assert "attachment_content" not in _round(town1, county)

    # Over the cap: the row travels, the bytes stay home.
    big = town1.attach("petition", pid, b"\xff" * (1024 * 1024 + 1), "大扫描件.pdf")
    counts = _round(town1, county)
    assert counts["attachment"]["rows"] == 1 and "attachment_content" not in counts
    assert county_rows(county, f"SELECT count(*) FROM attachment_content WHERE id = '{big.id}'") == [(0,)]


def b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


def test_the_county_refuses_bytes_that_do_not_match_their_hash(town1: Services, county: County) -> None:
    from zongzhi_desktop.sync.rowcodec import RowRejected, TableCodec, synced_tables

    codec = TableCodec.for_table(synced_tables()["attachment_content"])
    row = {"id": "a" * 36, "township_code": "330825101", "revision": 1, "created_at": "2026-11-20T00:00:00.000000+00:00",
           "created_by": "clerk", "updated_at": "2026-11-20T00:00:00.000000+00:00", "updated_by": "clerk",
           "voided": False, "void_reason": None, "sha256": hashlib.sha256(b"abc").hexdigest(),
           "content_zlib": b64(zlib.compress(b"abc"))}
    assert zlib.decompress(codec.decode(row)["content_zlib"]) == b"abc"
    with pytest.raises(RowRejected, match="SHA-256"):
        codec.decode({**row, "content_zlib": b64(zlib.compress(b"abd"))})
    with pytest.raises(RowRejected, match="不是 zlib 数据"):
        codec.decode({**row, "content_zlib": "YWJj"})
    bomb = zlib.compress(b"\0" * (TRAVEL_MAX_BYTES + 1), 9)  # 10 KB that would expand past the cap
    with pytest.raises(RowRejected, match="上报上限"):
        codec.decode({**row, "content_zlib": b64(bomb)})


def test_the_county_setting_is_checked(county: County) -> None:
    for bad in ("0", str(TRAVEL_MAX_BYTES // 1048576 + 1), "十"):
        with pytest.raises(ValidationError) as e:
            set_county_requests(county.store, max_mb=bad)
        assert e.value.field == "attachment_max_mb"
    assert set_county_requests(county.store, carry=False)["attachment_bytes"] is False


def test_a_replaced_pc_restored_from_the_county_reads_its_attachments(town1: Services, county: County,
                                                                      tmp_path: Path) -> None:
    """Restore from the county brings the rows and, where the county kept them, the bytes."""
    pid = _petition(town1)
    kept = town1.attach("petition", pid, b"%PDF-1.4 signed agreement", "协议书.pdf")
    _round(town1, county)  # before the county asked: only the row
    set_county_requests(county.store, carry=True, max_mb=1, actor="county-admin")
    town1.create("department", {"name": "人社所", "kind": "hrss"})
    _round(town1, county)
    _round(town1, county)
    homeless = town1.attach("petition", pid, b"\xff" * (1024 * 1024 + 1), "大扫描件.pdf")  # over the cap
    _round(town1, county)

    new = make_township(tmp_path / "t1-new", "330825101", "城关镇")
    trust_county(new, county.profile)
    register_township(county.store, make_registration_file(new, NEW_PASS).data, actor="county-admin")
    out = write_restore_file(county.store, county.keys, "330825101", tmp_path / "restore.zzrestore")
    restore_from_county(new, out.path, NEW_PASS)
    assert new.attachment_files().files() == []
    assert [a.file_name for a in new.attachments("petition", pid)] == ["协议书.pdf", "大扫描件.pdf"]
    assert new.attachment_bytes(kept.id) == b"%PDF-1.4 signed agreement"
    with pytest.raises(AttachmentMissing, match="不在本机"):
        new.attachment_bytes(homeless.id)
    assert new.verify_audit()[1] == []
