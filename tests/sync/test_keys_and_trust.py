"""Keys at rest, fingerprints, trust files, key rotation and receipts verified at the township."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from synctools import COUNTY_PASS, TOWN_PASS, County, make_county, make_township, populate

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import register_township, revoke_key, unlock_county_keys
from zongzhi_desktop.county.status import county_status
from zongzhi_desktop.domain.errors import PermissionDenied
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.sync import envelope
from zongzhi_desktop.sync.errors import BundleRefused, SyncError
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.keys import fingerprint, key_id, open_secret, seal_secret
from zongzhi_desktop.sync.profiles import read_profile
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.status import sync_status
from zongzhi_desktop.sync.trust import change_passphrase, make_registration_file, trust_county


def test_fingerprint_is_six_groups_of_five_digits() -> None:
    fp = fingerprint(key_id(b"\x01" * 32))
    assert re.fullmatch(r"\d{5}( \d{5}){5}", fp)
    assert fp != fingerprint(key_id(b"\x02" * 32))


def test_sealed_secret_needs_the_passphrase() -> None:
    sealed = seal_secret(b"s" * 32, "right-passphrase")
    assert b"s" * 32 not in sealed.encode() and "argon2id" in sealed
    assert open_secret(sealed, "right-passphrase") == b"s" * 32
    with pytest.raises(SyncError, match="密钥口令不正确"):
        open_secret(sealed, "wrong-passphrase")


def test_private_keys_are_not_stored_in_clear(county: County, town1: Services) -> None:
    for path in (county.store.path, town1.store.path):
        con = sqlite3.connect(path)
        for _public, sealed in con.execute("SELECT public_key, sealed_secret FROM sync_key"):
            assert json.loads(sealed)["kdf"] == "argon2id13"
        con.close()
    with pytest.raises(SyncError, match="密钥口令不正确"):
        unlock_county_keys(county.store, "not-the-passphrase")
    with pytest.raises(SyncError, match="密钥口令不正确"):
        export_bundle(town1, "not-the-passphrase")


def test_profile_tampering_and_wrong_county(tmp_path: Path, county: County) -> None:
    profile = read_profile(county.profile)
    assert profile.county_code == "330825"
    lines = county.profile.split(b"\n")
    forged = lines[1].replace("龙游县".encode(), "假冒县".encode())
    with pytest.raises(BundleRefused, match="签名无效"):
        read_profile(b"\n".join([lines[0], forged, lines[2]]))
    t = make_township(tmp_path / "tq", "330826101", "樟潭街道", county_code="330826")
    with pytest.raises(SyncError, match="本乡镇属于"):
        trust_county(t, county.profile)
    t2 = make_township(tmp_path / "tr", "330825108", "詹家镇")
    with pytest.raises(SyncError, match="指纹不符"):
        trust_county(t2, county.profile, expected_fingerprint="00000 00000 00000 00000 00000 00000")
    trust_county(t2, county.profile, expected_fingerprint=profile.fingerprint.replace(" ", ""))


def test_only_admin_manages_keys(county: County, town1: Services) -> None:
    clerk = Services(town1.store, Actor("clerk", "clerk"))
    with pytest.raises(PermissionDenied):
        make_registration_file(clerk, TOWN_PASS, new_key=True)


def test_registration_signed_by_its_own_key(county: County, town1: Services) -> None:
    reg = make_registration_file(town1, TOWN_PASS)
    head, body, _sig = reg.data.split(b"\n")[:3]
    other = make_registration_file(town1, "another-pass-1", new_key=True)
    other_sig = other.data.split(b"\n")[2]
    with pytest.raises(BundleRefused, match="签名无效"):
        register_township(county.store, b"\n".join([head, body, other_sig, b""]))


def test_key_rotation_old_bundles_stay_valid(county: County, town1: Services) -> None:
    populate(town1, "甲")
    old_bundle = export_bundle(town1, TOWN_PASS)  # signed with the first key, still on its way
    rotated = make_registration_file(town1, "new-pass-123", new_key=True)
    assert rotated.replaces is not None and rotated.new_key
    # Until the county registers the new key, new bundles are refused...
    new_bundle = export_bundle(town1, "new-pass-123")
    with pytest.raises(BundleRefused, match="未在本县登记"):
        import_bundle(county.store, new_bundle.outbox_path, county.keys)
    with pytest.raises(SyncError, match="密钥口令不正确"):
        export_bundle(town1, TOWN_PASS)  # the old passphrase opened the old key only
    res = register_township(county.store, rotated.data)
    assert res.retired and not res.new_township
    # ...after it, both the old bundle (retired key) and the new one import.
    assert import_bundle(county.store, old_bundle.outbox_path, county.keys).rejected == 0
    assert import_bundle(county.store, new_bundle.outbox_path, county.keys).rejected == 0
    keys = {k.status for k in county_status(county.store)[0].keys}
    assert keys == {"active", "retired"}
    # Registering the same file again is a no-op.
    assert register_township(county.store, rotated.data).already_registered
    # A revoked old key no longer verifies anything.
    old_id = next(k.key_id for k in county_status(county.store)[0].keys if k.status == "retired")
    revoke_key(county.store, old_id[:10])
    with pytest.raises(BundleRefused, match="吊销"):
        import_bundle(county.store, old_bundle.outbox_path, county.keys)  # even a replay of it


def test_change_passphrase(town1: Services) -> None:
    change_passphrase(town1, TOWN_PASS, "brand-new-pass")
    with pytest.raises(SyncError, match="密钥口令不正确"):
        export_bundle(town1, TOWN_PASS)
    assert export_bundle(town1, "brand-new-pass").sequence == 1


# -- receipts ---------------------------------------------------------------------------------
def _receipt(county: County, town: Services) -> bytes:
    populate(town, "甲")
    return import_bundle(county.store, export_bundle(town, TOWN_PASS).outbox_path, county.keys).receipt


def test_forged_receipt_refused(tmp_path: Path, county: County, town1: Services) -> None:
    receipt = _receipt(county, town1)
    head, body, sig = receipt.split(b"\n")[:3]
    # 1. Edited payload (claims more was accepted): signature no longer matches.
    payload = json.loads(body)
    payload["rejected"] = 0
    payload["acknowledged"]["petition"].append(["made-up", 99])
    payload["accepted"] += 1
    edited = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(BundleRefused, match="签名无效"):
        apply_receipt(town1, b"\n".join([head, edited, sig, b""]))
    # 2. Validly signed, but by a county key the township does not trust.
    impostor = make_county(tmp_path / "imp")
    forged = envelope.sign("receipt", json.loads(body), impostor.keys.signing)
    with pytest.raises(BundleRefused, match="签名无效"):
        apply_receipt(town1, forged)
    # 3. A profile signature presented as a receipt (domain separation).
    with pytest.raises(BundleRefused, match="这是县级配置文件"):
        apply_receipt(town1, county.profile)
    assert sync_status(town1).unacked_total > 0  # nothing was acknowledged by any of these
    assert apply_receipt(town1, receipt).accepted > 0


def test_receipt_for_other_township_or_unknown_bundle(tmp_path: Path, county: County, town1: Services,
                                                     town2: Services) -> None:
    r2 = _receipt(county, town2)
    with pytest.raises(BundleRefused, match="不是本乡镇的"):
        apply_receipt(town1, r2)
    # Signed by the county for this township, but for a bundle this installation never exported.
    payload = envelope.parse(r2, "receipt")[2]
    payload.update(township_code=town1.township.code, bundle_hash="ab" * 32)
    with pytest.raises(BundleRefused, match="不是本乡镇导出的"):
        apply_receipt(town1, envelope.sign("receipt", payload, county.keys.signing))


def test_county_keys_unlock_with_passphrase(county: County) -> None:
    keys = unlock_county_keys(county.store, COUNTY_PASS)
    assert keys.signing_key_id == county.keys.signing_key_id
