"""gm-1 beside nacl-1 (issue 20): a county takes its own suite only, says which, and a township can
move to the county's suite with a new key without losing anything."""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path

import pytest
from synctools import (
    TOWN_PASS,
    County,
    digest,
    link,
    make_county,
    make_township,
    populate,
    table_counts,
)

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import register_township
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.errors import BundleRefused, SyncError
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.profiles import read_profile
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.status import sync_status
from zongzhi_desktop.sync.trust import make_registration_file, trust_county


@pytest.fixture
def gm_county(tmp_path: Path) -> County:
    return make_county(tmp_path / "gm", suite="gm-1")


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


def test_gm_bundle_names_its_suite_and_primitives(tmp_path: Path, gm_county: County) -> None:
    town = make_township(tmp_path / "t", "330825101", "城关镇")
    link(town, gm_county)
    assert read_profile(gm_county.profile).suite == "gm-1"
    populate(town)
    e = export_bundle(town, TOWN_PASS)
    m = manifest_of(e.outbox_path)
    assert (m["version"], m["suite"]) == (2, "gm-1")
    assert m["encryption"]["algorithm"] == "sm2-encrypt+sm4-gcm"
    assert all("sm3" in c and "sha256" not in c for c in m["chunks"])
    r = import_bundle(gm_county.store, e.outbox_path, gm_county.keys)
    assert r.rejected == 0 and r.accepted == e.rows
    assert r.payload["suite"] == "gm-1"
    apply_receipt(town, r.receipt)
    assert sync_status(town).unacked_total == 0


def test_gm_county_refuses_nacl_bundle_and_key_naming_the_suites(tmp_path: Path, gm_county: County) -> None:
    nacl_county = make_county(tmp_path / "nacl")  # same county code, the old hub on nacl-1
    town = make_township(tmp_path / "t", "330825101", "城关镇")
    reg = link(town, nacl_county)
    populate(town)
    e = export_bundle(town, TOWN_PASS)
    before = digest(gm_county.store.engine)
    with pytest.raises(BundleRefused) as refused:
        import_bundle(gm_county.store, e.outbox_path, gm_county.keys)
    assert refused.value.code == "wrong_suite"
    assert "本县要求 gm-1" in refused.value.message and "该批次使用 nacl-1" in refused.value.message
    assert "register-file --new-key" in refused.value.message
    with pytest.raises(BundleRefused, match=r"密码套件不符.*该登记文件使用 nacl-1") as refused:
        register_township(gm_county.store, reg)
    assert refused.value.code == "wrong_suite"
    assert digest(gm_county.store.engine) == before  # nothing stored

    # The township moves to the gm-1 county: its nacl-1 key cannot register there, a new key can.
    trust_county(town, gm_county.profile)
    with pytest.raises(SyncError, match="县级配置文件要求密码套件 gm-1") as refused:
        make_registration_file(town, TOWN_PASS)
    assert refused.value.code == "wrong_suite"
    new = make_registration_file(town, TOWN_PASS, new_key=True)
    register_township(gm_county.store, new.data)
    e2 = export_bundle(town, TOWN_PASS)  # the waiting nacl-1 bundle stays as it is (not re-sealable)
    assert manifest_of(e2.outbox_path)["suite"] == "gm-1"
    r = import_bundle(gm_county.store, e2.outbox_path, gm_county.keys)
    assert r.rejected == 0
    apply_receipt(town, r.receipt)
    code = town.township.code
    assert table_counts(gm_county.store.path, code) == table_counts(town.store.path, code)


def test_nacl_county_refuses_gm_bundle(tmp_path: Path, gm_county: County) -> None:
    nacl_county = make_county(tmp_path / "nacl")
    town = make_township(tmp_path / "t", "330825101", "城关镇")
    link(town, gm_county)
    e = export_bundle(town, TOWN_PASS)
    with pytest.raises(BundleRefused, match=r"本县要求 nacl-1.*该批次使用 gm-1") as refused:
        import_bundle(nacl_county.store, e.outbox_path, nacl_county.keys)
    assert refused.value.code == "wrong_suite"


def test_old_nacl_files_without_suite_still_read(tmp_path: Path, county: County, town1: Services) -> None:
    """Files written before suites existed have no `suite` field: they are nacl-1."""
    from zongzhi_desktop.store.serialize import canonical_json
    from zongzhi_desktop.sync import envelope
    from zongzhi_desktop.sync.envelope import parse

    _body, _sig, p = parse(county.profile, "county-profile")
    assert p.pop("suite") == "nacl-1"
    old = envelope.sign("county-profile", p, county.keys.signing)
    assert b'"suite"' not in old and read_profile(old).suite == "nacl-1"
    assert canonical_json(p)  # the payload still canonical without it


def test_old_bundle_without_suite_field_imports(county: County, town1: Services) -> None:
    from test_bad_bundles import resign

    populate(town1)
    e = export_bundle(town1, TOWN_PASS)
    old = resign(e.outbox_path.read_bytes(), town1, lambda m: m.pop("suite"))
    assert b'"suite"' not in old
    r = import_bundle(county.store, old, county.keys)
    assert r.rejected == 0 and r.accepted == e.rows


def test_gm_manifest_with_version_1_is_refused(tmp_path: Path, gm_county: County) -> None:
    from test_bad_bundles import resign

    town = make_township(tmp_path / "t", "330825101", "城关镇")
    link(town, gm_county)
    e = export_bundle(town, TOWN_PASS)
    bad = resign(e.outbox_path.read_bytes(), town, lambda m: m.update(version=1))
    with pytest.raises(BundleRefused, match="密码套件 gm-1 应为版本 2") as refused:
        import_bundle(gm_county.store, bad, gm_county.keys)
    assert refused.value.code == "unsupported"


def test_gm_bundle_read_as_documented_with_library_calls_only(tmp_path: Path, gm_county: County) -> None:
    """docs/bundle-format.md §2.3, §4, §9, §10 for gm-1, read with gmssl-fast and libsodium's Argon2id
    directly (not through sync/suites.py), as an independent implementation would."""
    import base64

    import gmssl_fast
    import nacl.bindings as sodium
    from sqlalchemy import select

    from zongzhi_desktop.domain.models.sync import SyncKey
    from zongzhi_desktop.sync.suites import expand_point

    town = make_township(tmp_path / "t", "330825101", "城关镇")
    link(town, gm_county)
    populate(town)
    path = export_bundle(town, TOWN_PASS).outbox_path
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        manifest_bytes = z.read("manifest.json")
        m = json.loads(manifest_bytes)
        sig = z.read("manifest.sig")
        chunks = [z.read(n) for n in names[:-2]]
    # Signature: SM2 over context ‖ manifest, default signer ID, raw r ‖ s
    with town.session() as s:
        own = s.execute(select(SyncKey).where(SyncKey.purpose == "township_signing")).scalars().one()
    pub = base64.b64decode(own.public_key)
    assert len(pub) == 33 and m["signer"] == gmssl_fast.sm3(b"zongzhi-key-v1:" + pub).hex()
    assert gmssl_fast.SM2(public_key=expand_point(pub)).verify(b"zongzhi/bundle-manifest/v1\n" + manifest_bytes, sig)
    # The county's private key: Argon2id KEK (16 bytes), SM4-GCM box = ciphertext ‖ tag, 12-byte nonce
    with gm_county.store.session() as s:
        enc = s.execute(select(SyncKey).where(SyncKey.key_id == m["encryption"]["recipient"])).scalars().one()
    p = json.loads(enc.sealed_secret)
    assert p["suite"] == "gm-1" and p["kdf"] == "argon2id13"
    kek = sodium.crypto_pwhash_alg(16, b"county-pass-123", base64.b64decode(p["salt"]), p["opslimit"],
                                   p["memlimit"], sodium.crypto_pwhash_ALG_ARGON2ID13)
    box, nonce = base64.b64decode(p["box"]), base64.b64decode(p["nonce"])
    assert len(nonce) == 12 and len(box) == 32 + 16
    secret = gmssl_fast.SM4GCM(kek, nonce).decrypt(box[:-16], box[-16:])
    sm2 = gmssl_fast.SM2(private_key=secret.hex(), public_key=expand_point(base64.b64decode(enc.public_key)))
    sealed = base64.b64decode(m["encryption"]["sealed_key"])
    assert len(sealed) == 64 + 32 + 16  # C1 (x ‖ y) ‖ C3 (SM3) ‖ C2 (16-byte content key)
    content_key = sm2.decrypt(sealed)
    assert len(content_key) == 16
    for c, data in zip(m["chunks"], chunks, strict=True):
        assert c["sm3"] == gmssl_fast.sm3(data).hex() and c["size"] == len(data)
        plain = zlib.decompress(gmssl_fast.SM4GCM(content_key, data[:12]).decrypt(data[12:-16], data[-16:]))
        assert len(plain) == c["plain_size"] and plain.count(b"\n") == c["rows"]
    # Bundle hash: SM3 of manifest.json
    assert export_hash(town) == gmssl_fast.sm3(manifest_bytes).hex()


def export_hash(town: Services) -> str:
    from sqlalchemy import select

    from zongzhi_desktop.domain.models.sync import SyncBundle

    with town.session() as s:
        return s.execute(select(SyncBundle.bundle_hash).order_by(SyncBundle.sequence.desc())).scalars().first()


def test_township_moves_to_a_gm_hub_by_upload_nothing_lost(tmp_path: Path, gm_county: County) -> None:
    """The county starts a gm-1 hub: the township's waiting nacl-1 bundles cannot be re-sealed and are
    refused over HTTP (422 wrong_suite); the upload drops them and sends the whole state in gm-1."""
    from test_upload import serve

    from zongzhi_desktop.county.server import create_app
    from zongzhi_desktop.sync.export import pending_bundles
    from zongzhi_desktop.sync.upload import upload

    nacl_county = make_county(tmp_path / "nacl")
    town = make_township(tmp_path / "t", "330825101", "城关镇")
    link(town, nacl_county)
    populate(town, "甲")
    first = export_bundle(town, TOWN_PASS)
    apply_receipt(town, import_bundle(nacl_county.store, first.outbox_path, nacl_county.keys).receipt)
    town.create("petition", {"received_date": "2026-11-12", "form": "来信", "petitioner_name": "赵六",
                             "category": "申诉求决类", "request": "反映噪音扰民"})
    waiting = export_bundle(town, TOWN_PASS)  # nacl-1, never receipted
    trust_county(town, gm_county.profile)
    register_township(gm_county.store, make_registration_file(town, TOWN_PASS, new_key=True).data)
    with serve(create_app(gm_county.store, gm_county.keys)) as base:
        r = upload(town, TOWN_PASS, base)
    assert r.dropped == [waiting.sequence]
    assert r.sent == [waiting.sequence + 1]
    assert not pending_bundles(town) and sync_status(town).unacked_total == 0
    code = town.township.code
    assert table_counts(gm_county.store.path, code) == table_counts(town.store.path, code)
