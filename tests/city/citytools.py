"""Helpers for the city hub tests: a city, counties that trust it, townships that report to them.

(A module of its own, not conftest.py: several test directories have a conftest module.)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))

from synctools import COUNTY_PASS, TOWN_PASS, County, link, make_county, make_township, populate

from zongzhi_desktop.city.setup import CityKeys, init_city, register_county, unlock_city_keys
from zongzhi_desktop.county.forward import registration_file, trust_city
from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.services import Services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt

CITY = "330800"
CITY_NAME = "衢州市"
CITY_PASS = "city-pass-1234"

__all__ = ["CITY", "CITY_NAME", "CITY_PASS", "COUNTY_PASS", "TOWN_PASS"]


@dataclass
class City:
    store: Store
    keys: CityKeys
    profile: bytes


@dataclass
class Region:
    """A county with its townships, trusting and registered with the city."""

    county: County
    code: str
    townships: dict[str, Services] = field(default_factory=dict)


def make_city(root: Path, suite: str = "nacl-1") -> City:
    root.mkdir(parents=True, exist_ok=True)
    store = Store(root / "city.sqlite3")
    ident = init_city(store, CITY, CITY_NAME, CITY_PASS, actor="city-admin", suite=suite)
    return City(store, unlock_city_keys(store, CITY_PASS), ident.profile)


def make_region(root: Path, city: City, code: str, name: str, towns: dict[str, str], suite: str = "nacl-1") -> Region:
    """A county trusting the city and registered there, with townships linked to it."""
    county = make_county(root / code, code, name, suite=suite)
    trust_city(county.store, city.profile)
    register_county(city.store, registration_file(county.store, county.keys), actor="city-admin")
    region = Region(county, code)
    for tcode, tname in towns.items():
        svc = make_township(root / tcode, tcode, tname, county_code=code)
        link(svc, county)
        region.townships[tcode] = svc
    return region


def report(svc: Services, county: County, out: Path) -> None:
    """The township exports a bundle, the county imports it, the receipt travels back."""
    out.mkdir(parents=True, exist_ok=True)
    res = export_bundle(svc, TOWN_PASS, out)
    result = import_bundle(county.store, res.outbox_path, county.keys)
    apply_receipt(svc, result.receipt)


def fill(region: Region, out: Path, n: int = 1) -> None:
    for code, svc in region.townships.items():
        populate(svc, tag=code[-3:], n=n)
        report(svc, region.county, out / code)
