"""Every flipped byte and every truncation of a bundle is refused, and the county store stays untouched."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, digest, populate

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.errors import BundleRefused
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt

BOTH_SUITES = True  # every test using the county runs under nacl-1 and gm-1 (conftest.py)


class CommitWatch:
    """PRAGMA data_version from a separate connection changes whenever anyone commits to the file."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(path)
        self.start = self.version()

    def version(self) -> int:
        return self.con.execute("PRAGMA data_version").fetchone()[0]

    def unchanged(self) -> bool:
        return self.version() == self.start


def refuse_all(county: County, variants: list[tuple[str, bytes]]) -> None:
    """Each variant must be refused with a Chinese message; nothing may be committed."""
    before = digest(county.store.engine)
    watch = CommitWatch(county.store.path)
    accepted = []
    for i, (label, data) in enumerate(variants):
        try:
            r = import_bundle(county.store, data, county.keys)
            accepted.append((label, r.replay))
        except BundleRefused as e:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in e.message), e.message
        assert watch.unchanged(), f"county store changed by {label}"
        if i % 500 == 0:
            assert digest(county.store.engine) == before
    assert accepted == []
    assert digest(county.store.engine) == before


@pytest.fixture
def imported_once(county: County, town1: Services) -> Services:
    """The county already holds bundle 1, so 'unchanged' is about a store with data in it."""
    populate(town1, "甲")
    apply_receipt(town1, import_bundle(county.store, export_bundle(town1, TOWN_PASS).outbox_path, county.keys).receipt)
    return town1


def test_every_byte_flip_of_small_bundle_refused(county: County, imported_once: Services) -> None:
    imported_once.update("village", imported_once.list_records("village")[0].id, {"name": "东村（改）"})
    data = export_bundle(imported_once, TOWN_PASS).outbox_path.read_bytes()
    assert len(data) < 4000  # small enough to try every position
    variants = []
    for pos in range(len(data)):
        for mask in (0x01, 0x80):
            b = bytearray(data)
            b[pos] ^= mask
            variants.append((f"flip {pos}^{mask:#x}", bytes(b)))
    refuse_all(county, variants)
    # The untouched bundle is accepted afterwards: the refusals were about the bytes, not the bundle.
    assert import_bundle(county.store, data, county.keys).applied == 1


def test_random_flips_of_larger_bundle_refused(county: County, imported_once: Services) -> None:
    populate(imported_once, "乙", n=20)
    data = export_bundle(imported_once, TOWN_PASS, chunk_target=4096).outbox_path.read_bytes()
    rng = random.Random(20261120)
    variants = []
    for pos in rng.sample(range(len(data)), min(3000, len(data))):
        b = bytearray(data)
        b[pos] ^= rng.randrange(1, 256)
        variants.append((f"flip {pos}", bytes(b)))
    refuse_all(county, variants)
    assert import_bundle(county.store, data, county.keys).rejected == 0


def test_truncation_at_every_percent_refused(county: County, imported_once: Services) -> None:
    populate(imported_once, "乙", n=10)
    data = export_bundle(imported_once, TOWN_PASS, chunk_target=4096).outbox_path.read_bytes()
    cuts = sorted({len(data) * p // 100 for p in range(100)} | {len(data) - 1, len(data) - 22, 1})
    variants = [(f"cut {c}", data[:c]) for c in cuts]
    # Appending bytes is refused too (a bundle ends exactly at its directory).
    variants += [("append", data + b"\0"), ("prepend", b"PK" + data)]
    refuse_all(county, variants)


def test_partial_file_from_pulled_stick_is_refused(tmp_path: Path, county: County, imported_once: Services) -> None:
    """What a pulled stick leaves behind (the .partial temp file, cut short) never imports."""
    data = export_bundle(imported_once, TOWN_PASS).outbox_path.read_bytes()
    partial = tmp_path / "ZZ-330825101-000002.zzb.partial"
    partial.write_bytes(data[: len(data) // 2])
    with pytest.raises(BundleRefused, match=r"损坏|截断"):
        import_bundle(county.store, partial, county.keys)
