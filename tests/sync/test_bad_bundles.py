"""Hostile and mistaken bundles: each refused with a clear Chinese message, county store unchanged;
invalid rows inside a valid bundle are rejected one by one with their reason, the rest applied."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from synctools import TOWN_PASS, County, digest, link, make_county, make_township, populate

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import register_township, revoke_key
from zongzhi_desktop.services import Services
from zongzhi_desktop.store.serialize import canonical_json
from zongzhi_desktop.sync import container as ct
from zongzhi_desktop.sync import envelope
from zongzhi_desktop.sync.bundle import SIGN_KIND, BundleHeader, open_bundle_bytes, write_bundle
from zongzhi_desktop.sync.errors import BundleRefused
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.keys import TOWNSHIP_SIGNING, active_key, unlock_signing
from zongzhi_desktop.sync.trust import make_registration_file


def signer_of(town: Services):  # type: ignore[no-untyped-def]
    with town.session() as s:
        return unlock_signing(active_key(s, TOWNSHIP_SIGNING), TOWN_PASS)


def craft(town: Services, county: County, tables: list[tuple[str, list[dict[str, Any]]]], seq: int = 1) -> bytes:
    """A correctly signed and encrypted bundle with arbitrary rows, as a hostile or buggy township could send."""
    from sqlalchemy import select

    from zongzhi_desktop.domain.models.sync import CountyBundle

    with county.store.session() as s:  # link to the bundle before it (a chain that does not is a fork)
        previous = s.execute(select(CountyBundle.bundle_hash).where(
            CountyBundle.township_code == town.township.code, CountyBundle.sequence == seq - 1)).scalar()
    header = BundleHeader(town.township.code, town.township.name, town.township.county_code, seq,
                          previous or "0" * 64, datetime(2026, 11, 20, tzinfo=UTC), None)
    buf = io.BytesIO()
    write_bundle(buf, header, tables, signer_of(town), county.keys.encryption[next(iter(county.keys.encryption))]
                 .public)
    return buf.getvalue()


def resign(data: bytes, town: Services, mutate: Callable[[dict[str, Any]], None],
           chunks: Callable[[list[bytes]], list[bytes]] = lambda c: c) -> bytes:
    """Rebuild a bundle with a changed manifest, validly signed by the township (a lying township)."""
    bf = open_bundle_bytes(data)
    blobs = [ct.read_exact(bf.fh, e.data_offset, e.size) for e in bf.entries[:-2]]
    manifest = json.loads(bf.manifest_bytes)
    mutate(manifest)
    body = canonical_json(manifest).encode()
    out = io.BytesIO()
    w = ct.ContainerWriter(out)
    for i, blob in enumerate(chunks(blobs), 1):
        w.add(ct.chunk_name(i), blob)
    w.add(ct.MANIFEST, body)
    w.add(ct.SIGNATURE, signer_of(town).sign(envelope.context(SIGN_KIND) + body))
    w.finish()
    return out.getvalue()


def refused(county: County, data: bytes | Path, pattern: str) -> BundleRefused:
    before = digest(county.store.engine)
    with pytest.raises(BundleRefused, match=pattern) as info:
        import_bundle(county.store, data, county.keys)
    assert digest(county.store.engine) == before
    return info.value


@pytest.fixture
def bundle(town1: Services) -> bytes:
    populate(town1, "甲")
    return export_bundle(town1, TOWN_PASS).outbox_path.read_bytes()


# -- container --------------------------------------------------------------------------------
def test_duplicate_entry_names(county: County, bundle: bytes) -> None:
    bf = open_bundle_bytes(bundle)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for e in bf.entries:
            z.writestr(e.name, ct.read_exact(bf.fh, e.data_offset, e.size))
        with pytest.warns(UserWarning):
            z.writestr(ct.MANIFEST, b"{}")
    refused(county, buf.getvalue(), "重复的条目名“manifest.json”")


def test_unexpected_entry(county: County, bundle: bytes) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../evil.sh", b"rm -rf /")
        z.writestr(ct.MANIFEST, b"{}")
        z.writestr(ct.SIGNATURE, b"x" * 64)
    refused(county, buf.getvalue(), "不应有的条目")


def test_high_ratio_entry(county: County) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(ct.chunk_name(1), b"\0" * (20 * 1024 * 1024))  # a zip bomb in miniature
        z.writestr(ct.MANIFEST, b"{}")
        z.writestr(ct.SIGNATURE, b"x" * 64)
    e = refused(county, buf.getvalue(), "压缩比异常")
    assert e.code == "too_large"


def test_compressed_entry(county: County, bundle: bytes) -> None:
    bf = open_bundle_bytes(bundle)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for e in bf.entries:
            z.writestr(e.name, ct.read_exact(bf.fh, e.data_offset, e.size))
    refused(county, buf.getvalue(), "压缩存储|压缩比")


def test_oversized_entry_declared(county: County, bundle: bytes) -> None:
    """A directory claiming a 40 MB chunk is refused before anything is read or allocated."""
    data = bytearray(bundle)
    size = len(data)
    cd_offset = struct.unpack("<I", data[size - 6:size - 2])[0]
    # first central header: compressed and uncompressed sizes at +20 and +24
    data[cd_offset + 20:cd_offset + 28] = struct.pack("<II", 40 * 1024 * 1024, 40 * 1024 * 1024)
    refused(county, bytes(data), "过大")


def test_oversized_file(county: County, tmp_path: Path) -> None:
    big = tmp_path / "ZZ-330825101-000009.zzb"
    with open(big, "wb") as fh:  # sparse: no disk used
        fh.truncate(ct.MAX_BUNDLE_BYTES + 1)
    e = refused(county, big, "过大")
    assert e.code == "too_large"


def test_empty_and_garbage_files(county: County) -> None:
    refused(county, b"", "损坏|过短")
    refused(county, b"hello, county" * 10, "损坏")
    refused(county, b"PK\x05\x06" + b"\0" * 18, "缺少清单|损坏")


def test_missing_signature(county: County, bundle: bytes) -> None:
    bf = open_bundle_bytes(bundle)
    out = io.BytesIO()
    w = ct.ContainerWriter(out)
    for e in bf.entries:
        w.add(e.name, b"\0" * 64 if e.name == ct.SIGNATURE else ct.read_exact(bf.fh, e.data_offset, e.size))
    w.finish()
    refused(county, out.getvalue(), "签名无效")


# -- manifest and payload ---------------------------------------------------------------------
def test_chunk_swapped_for_another_is_mismatch(county: County, town1: Services, bundle: bytes) -> None:
    other = export_bundle(town1, TOWN_PASS).outbox_path.read_bytes()  # same rows, fresh content key
    a, b = open_bundle_bytes(bundle), open_bundle_bytes(other)
    out = io.BytesIO()
    w = ct.ContainerWriter(out)
    for i, e in enumerate(a.entries):
        src, entry = (b, b.entries[i]) if i == 0 else (a, e)
        w.add(e.name, ct.read_exact(src.fh, entry.data_offset, entry.size))
    w.finish()
    e = refused(county, out.getvalue(), "清单与数据不符")
    assert e.code == "mismatch"


def test_signed_manifest_lying_about_rows_is_refused_whole(county: County, town1: Services, bundle: bytes) -> None:
    """Found only while applying (inside the transaction): everything already written is rolled back."""
    def lie(m: dict[str, Any]) -> None:
        last = m["chunks"][-1]
        last["rows"] += 1
        m["counts"][last["table"]]["rows"] += 1
        m["rows"] += 1

    refused(county, resign(bundle, town1, lie), "记录数与清单不一致")


def test_signed_manifest_with_dropped_chunk(county: County, town1: Services, bundle: bytes) -> None:
    def drop(m: dict[str, Any]) -> None:
        m["chunks"].pop()

    refused(county, resign(bundle, town1, drop, lambda c: c[:-1]), "清单与数据不符")


def test_bad_manifest_field(county: County, town1: Services, bundle: bytes) -> None:
    refused(county, resign(bundle, town1, lambda m: m.update(sequence="1")), "清单格式错误（字段 sequence）")
    refused(county, resign(bundle, town1, lambda m: m.update(version=2)), "不支持的批次格式版本")


# -- identity and trust -----------------------------------------------------------------------
def test_unknown_township(tmp_path: Path, county: County) -> None:
    stranger = make_township(tmp_path / "t9", "330825109", "陌生镇")
    from zongzhi_desktop.sync.trust import trust_county

    trust_county(stranger, county.profile)
    make_registration_file(stranger, TOWN_PASS)  # made, but never registered at the county
    populate(stranger, "陌")
    e = refused(county, export_bundle(stranger, TOWN_PASS).outbox_path, "尚未在本县登记")
    assert e.code == "unknown_township"


def test_unregistered_key(county: County, town1: Services) -> None:
    make_registration_file(town1, TOWN_PASS, new_key=True)  # rotated, county not told yet
    populate(town1, "甲")
    e = refused(county, export_bundle(town1, TOWN_PASS).outbox_path, "签名密钥未在本县登记")
    assert e.code == "unknown_key"


def test_key_of_other_township_cannot_sign_for_it(tmp_path: Path, county: County, town1: Services,
                                                  town2: Services) -> None:
    """Township 2's registered key signing a bundle that claims to be township 1."""
    populate(town2, "乙")
    data = export_bundle(town2, TOWN_PASS).outbox_path.read_bytes()
    forged = resign(data, town2, lambda m: m.update(township_code=town1.township.code))
    refused(county, forged, "签名密钥未在本县登记")


def test_revoked_key(county: County, town1: Services) -> None:
    populate(town1, "甲")
    data = export_bundle(town1, TOWN_PASS).outbox_path
    with town1.session() as s:
        kid = active_key(s, TOWNSHIP_SIGNING).key_id
    revoke_key(county.store, kid[:12])
    assert refused(county, data, "已被吊销").code == "revoked_key"


def test_other_countys_bundle(tmp_path: Path, county: County) -> None:
    other = make_county(tmp_path / "other", "330826", "衢江区")
    t = make_township(tmp_path / "t8", "330826101", "樟潭街道", county_code="330826")
    link(t, other)
    populate(t, "衢")
    e = refused(county, export_bundle(t, TOWN_PASS).outbox_path, "发给其他县")
    assert e.code == "wrong_county"


def test_bundle_sealed_to_another_county_key(tmp_path: Path, county: County, town1: Services) -> None:
    """Same county code, but sealed to keys this county does not hold (e.g. an old profile)."""
    impostor = make_county(tmp_path / "imp")
    from zongzhi_desktop.sync.trust import trust_county

    populate(town1, "甲")
    trust_county(town1, impostor.profile)
    e = refused(county, export_bundle(town1, TOWN_PASS).outbox_path, "不是加密给本县密钥")
    assert e.code == "wrong_recipient"


def test_registration_for_other_profile_refused(tmp_path: Path, county: County) -> None:
    impostor = make_county(tmp_path / "imp")
    t = make_township(tmp_path / "t7", "330825107", "模环乡")
    from zongzhi_desktop.sync.trust import trust_county

    trust_county(t, impostor.profile)
    reg = make_registration_file(t, TOWN_PASS)
    with pytest.raises(BundleRefused, match="不是本县当前的配置"):
        register_township(county.store, reg.data)


# -- row validation: rejected one by one, rest applied ----------------------------------------
def good_village(town: Services, rid: str, **kw: Any) -> dict[str, Any]:
    row = {"id": rid, "township_code": town.township.code, "revision": 1,
           "created_at": "2026-11-20T01:00:00.000000+00:00", "created_by": "x",
           "updated_at": "2026-11-20T01:00:00.000000+00:00", "updated_by": "x", "voided": False,
           "void_reason": None, "code": "330825101001", "name": "东村", "kind": "village"}
    row.update(kw)
    return row


BAD_ROWS: list[tuple[dict[str, Any], str]] = [
    ({"township_code": "330825102"}, "township_code：与批次所属乡镇"),
    ({"revision": "2"}, "revision：应为整数"),
    ({"revision": 0}, "revision：应为正整数"),
    ({"revision": 2**40}, "revision：整数超出范围"),
    ({"voided": 1}, "voided：应为 true 或 false"),
    ({"created_at": "2026-11-20 01:00"}, "created_at：时间缺少时区"),
    ({"created_at": "昨天"}, "created_at：应为带时区"),
    ({"name": None}, "name：不能为空"),
    ({"name": 5}, "name：应为文本"),
    ({"name": "a\x00b"}, "name：含有无法保存的字符（U+0000）"),
    ({"name": "\ud800"}, "name：含有无法保存的字符（U+D800）"),
    ({"code": "1" * 13}, "code：长度不能超过12个字符"),
    ({"extra_field": 1}, "没有字段 extra_field"),
]


def test_invalid_rows_rejected_with_reason_rest_applied(county: County, town1: Services) -> None:
    rows = [good_village(town1, "v-good-1")]
    for i, (change, _) in enumerate(BAD_ROWS):
        rows.append(good_village(town1, f"v-bad-{i}", **change))
    missing = good_village(town1, "v-missing")
    del missing["kind"]
    rows.append(missing)
    rows.append(good_village(town1, "v-good-1"))  # duplicate inside the bundle
    rows.append(good_village(town1, "v-good-2", name="西村"))
    data = craft(town1, county, [("village", rows), ("no_such_table", [{"id": "z1", "revision": 1}])])
    r = import_bundle(county.store, data, county.keys)
    reasons = {x["id"]: x["reason"] for x in r.payload["rejections"]}
    for i, (_, expected) in enumerate(BAD_ROWS):
        assert expected in reasons[f"v-bad-{i}"], (i, reasons[f"v-bad-{i}"])
    assert "缺少字段 kind" in reasons["v-missing"]
    assert reasons["v-good-1"] == "同一批次中重复出现的记录"
    assert "没有数据表“no_such_table”" in reasons["z1"]
    assert r.accepted == r.applied == 2
    assert r.payload["acknowledged"] == {"village": [["v-good-1", 1], ["v-good-2", 1]]}
    with county.store.engine.connect() as c:
        from sqlalchemy import text

        assert sorted(x[0] for x in c.execute(text("SELECT id FROM village"))) == ["v-good-1", "v-good-2"]


def test_row_id_owned_by_other_township_is_rejected(county: County, town1: Services, town2: Services) -> None:
    import_bundle(county.store, craft(town1, county, [("village", [good_village(town1, "shared-id")])]), county.keys)
    row = good_village(town2, "shared-id", code="330825102001", revision=9)
    r = import_bundle(county.store, craft(town2, county, [("village", [row])]), county.keys)
    assert r.rejected == 1 and "已被其他乡镇" in r.payload["rejections"][0]["reason"]


def test_lower_revision_never_overwrites(county: County, town1: Services) -> None:
    import_bundle(county.store, craft(town1, county, [("village", [good_village(town1, "v1", revision=5, name="新")])]),
                  county.keys)
    r = import_bundle(county.store, craft(town1, county, [("village", [good_village(town1, "v1", revision=4, name="旧")])],
                                          seq=2), county.keys)
    assert r.accepted == 1 and r.applied == 0  # acknowledged (the county holds newer), nothing written
    with county.store.engine.connect() as c:
        from sqlalchemy import text

        assert c.execute(text("SELECT name, revision FROM village WHERE id = 'v1'")).one() == ("新", 5)


def test_foreign_township_row_cannot_take_unique_code(county: County, town1: Services) -> None:
    """A township row must be the bundle's own township; a second row with the same code is refused."""
    own = {"id": "tw-1", "township_code": town1.township.code, "revision": 1,
           "created_at": "2026-11-20T01:00:00.000000+00:00", "created_by": "x",
           "updated_at": "2026-11-20T01:00:00.000000+00:00", "updated_by": "x", "voided": False, "void_reason": None,
           "code": town1.township.code, "name": "城关镇", "county_code": "330825", "county_name": "龙游县"}
    clash = dict(own, id="tw-2")
    wrong = dict(own, id="tw-3", code="330825102")
    r = import_bundle(county.store, craft(town1, county, [("township", [own, clash, wrong])]), county.keys)
    reasons = {x["id"]: x["reason"] for x in r.payload["rejections"]}
    assert r.accepted == 1
    assert "重复" in reasons["tw-2"] and "代码或所属县与批次不符" in reasons["tw-3"]


def test_chunk_line_with_two_values_refused(county: County, town1: Services) -> None:
    """Each line is exactly one row: a hostile producer packing two objects on a line is refused."""
    import hashlib
    import zlib

    from nacl.secret import SecretBox

    row = good_village(town1, "v-a")
    header = BundleHeader(town1.township.code, town1.township.name, "330825", 1, "0" * 64,
                          datetime(2026, 11, 20, tzinfo=UTC), None)
    buf = io.BytesIO()
    recipient = next(iter(county.keys.encryption.values())).public
    written = write_bundle(buf, header, [("village", [row])], signer_of(town1), recipient)
    line = json.dumps(row, ensure_ascii=False).encode()
    plain = line + b"," + json.dumps(dict(row, id="v-b")).encode() + b"\n"
    blob = bytes(SecretBox(written.content_key).encrypt(zlib.compress(plain)))

    def patch(m: dict[str, Any]) -> None:
        m["chunks"][0].update(size=len(blob), sha256=hashlib.sha256(blob).hexdigest(), plain_size=len(plain))

    data = resign(buf.getvalue(), town1, patch, lambda _c: [blob])
    refused(county, data, "每行应恰好一条记录")
