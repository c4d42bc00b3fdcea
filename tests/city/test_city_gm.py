"""A 国密 (gm-1) city: its county bundles are version 4 with SM3 digests, verified back to the
township like nacl-1 ones; a county of the other suite cannot trust it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from citytools import fill, make_city, make_region

from zongzhi_desktop.city.importer import import_county_bundle
from zongzhi_desktop.county.forward import apply_city_receipt, export_county_bundle, trust_city
from zongzhi_desktop.sync.citybundle import CountyBundleFile
from zongzhi_desktop.sync.errors import SyncError


def test_gm_city_round(tmp_path: Path) -> None:
    city = make_city(tmp_path / "city", suite="gm-1")
    region = make_region(tmp_path, city, "330825", "龙游县", {"330825101": "城关镇"}, suite="gm-1")
    fill(region, tmp_path / "out")
    fw = export_county_bundle(region.county.store, region.county.keys, tmp_path)
    with open(fw.path, "rb") as fh:
        cf = CountyBundleFile(fh, fw.path.stat().st_size)
        assert cf.manifest["version"] == 4 and "sm3" in cf.manifest["townships"][0]
    result = import_county_bundle(city.store, fw.path, city.keys)
    assert result.new_township_bundles == 1 and result.rows > 0
    assert apply_city_receipt(region.county.store, result.receipt).acknowledged == 1
    # The county's key revoked at the city: its next county bundle is refused, nothing stored.
    from zongzhi_desktop.city.setup import revoke_county_key
    from zongzhi_desktop.sync.errors import BundleRefused

    revoke_county_key(city.store, region.county.keys.signing_key_id[:12])
    later = export_county_bundle(region.county.store, region.county.keys, tmp_path)
    with pytest.raises(BundleRefused) as e:
        import_county_bundle(city.store, later.path, city.keys)
    assert e.value.code == "revoked_key"


def test_a_county_of_the_other_suite_cannot_trust_the_city(tmp_path: Path) -> None:
    from synctools import make_county

    city = make_city(tmp_path / "city", suite="gm-1")
    county = make_county(tmp_path / "county", "330825", "龙游县")
    with pytest.raises(SyncError) as e:
        trust_city(county.store, city.profile)
    assert e.value.code == "wrong_suite" and "gm-1" in e.value.message
