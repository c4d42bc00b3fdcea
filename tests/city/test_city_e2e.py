"""Acceptance (issue 19): 3 townships → 2 counties → 1 city, each record verified back to the
township that entered it; a county that alters a township record is refused and the record named."""

from __future__ import annotations

import io
import json
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from citytools import City, Region, fill, make_city, make_region, report
from sqlalchemy import func, select, text, update

from zongzhi_desktop.city.importer import import_county_bundle
from zongzhi_desktop.county.forward import apply_city_receipt, export_county_bundle, forward_status
from zongzhi_desktop.sync import container as ct
from zongzhi_desktop.sync.bundle import _finish, open_bundle_bytes
from zongzhi_desktop.sync.citybundle import COUNTY_SIGN_KIND, CountyBundleFile
from zongzhi_desktop.sync.errors import BundleRefused
from zongzhi_desktop.sync.rowcodec import synced_tables, whole_tables


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[City, Region, Region]:
    """Built once (it is most of the time): the refusal tests come first and leave the city unchanged."""
    root = tmp_path_factory.mktemp("city_world")
    city = make_city(root / "city")
    a = make_region(root, city, "330825", "龙游县", {"330825101": "城关镇", "330825102": "湖镇镇"})
    b = make_region(root, city, "330881", "江山市", {"330881101": "双塔街道"})
    fill(a, root / "out")
    fill(b, root / "out")
    return city, a, b


def counts(store, township: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with store.engine.connect() as c:
        return {n: c.execute(select(func.count()).select_from(t).where(t.c.township_code == township)).scalar_one()
                for n, t in whole_tables().items()}


def rows_of(store, table: str, township: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    t = synced_tables()[table]
    cols = [c for c in t.c if c.name not in ("audit_hash", "petitioner_pinyin")]
    with store.engine.connect() as c:
        return sorted(tuple(r) for r in c.execute(select(*cols).where(t.c.township_code == township)))


def forward(region: Region, city: City, out: Path) -> tuple:  # type: ignore[type-arg]
    out.mkdir(parents=True, exist_ok=True)
    fw = export_county_bundle(region.county.store, region.county.keys, out)
    return fw, fw.path


def test_a_county_altering_a_record_is_refused_and_named(world: tuple[City, Region, Region], tmp_path: Path) -> None:
    city, a, _b = world
    # Someone at the county edits a township's petition in the county database before forwarding.
    pt = synced_tables()["petition"]
    with a.county.store.engine.begin() as c:
        pid, serial = c.execute(select(pt.c.id, pt.c.serial).where(pt.c.township_code == "330825102")).first()
        c.execute(update(pt).where(pt.c.id == pid).values(request="已化解，无需再办"))
    try:
        _fw, path = forward(a, city, tmp_path / "usb")
        with pytest.raises(BundleRefused) as e:
            import_county_bundle(city.store, path, city.keys)
    finally:
        with a.county.store.engine.begin() as c:
            c.execute(update(pt).where(pt.c.id == pid).values(request="要求解决拖欠工资"))
    assert e.value.code == "custody"
    assert "330825102" in e.value.message and "湖镇镇" in e.value.message
    assert serial in e.value.message and pid in e.value.message
    with city.store.engine.connect() as c:  # nothing stored
        assert c.execute(text("SELECT count(*) FROM county_bundle")).scalar_one() == 0
        assert c.execute(select(func.count()).select_from(pt)).scalar_one() == 0


def test_an_altered_township_bundle_in_a_county_bundle_is_named(world: tuple[City, Region, Region],
                                                                 tmp_path: Path) -> None:
    city, a, _b = world
    _fw, path = forward(a, city, tmp_path / "usb")
    # A county (its own software changed) rewrites a petition inside a township bundle it forwards —
    # it holds the content key, so the chunk still opens — leaves the township's signed manifest as
    # it was, and signs the county bundle anew with its own key.
    cf = CountyBundleFile(open(path, "rb"), path.stat().st_size)
    index = next(i for i, t in enumerate(cf.manifest["townships"]) if t["township_code"] == "330825101")
    altered = _alter_petition(ct.read_exact(cf.fh, cf.township_entries[index].data_offset,
                                            cf.township_entries[index].size), a)
    path.write_bytes(_resign(cf, index, altered, a))
    with pytest.raises(BundleRefused) as e:
        import_county_bundle(city.store, path, city.keys)
    msg = e.value.message
    assert e.value.code == "custody"
    assert "330825101" in msg and "城关镇" in msg and "第 1 批" in msg and "信访件" in msg and "XF-" in msg


def test_three_townships_two_counties_one_city(world: tuple[City, Region, Region], tmp_path: Path) -> None:
    city, a, b = world
    for region in (a, b):
        fw, path = forward(region, city, tmp_path / "usb" / region.code)
        assert fw.township_bundles == len(region.townships) and fw.rows > 0
        result = import_county_bundle(city.store, path, city.keys)
        assert not result.replay and result.new_township_bundles == len(region.townships)
        receipt = apply_city_receipt(region.county.store, result.receipt)
        assert receipt.acknowledged == len(region.townships)
        assert forward_status(region.county.store)["township_bundles_waiting"] == 0
        for code in region.townships:
            assert counts(city.store, code) == counts(region.county.store, code)
            assert rows_of(city.store, "petition", code) == rows_of(region.county.store, "petition", code)
        # The same file again: a replay, the identical receipt, nothing changed.
        again = import_county_bundle(city.store, path, city.keys)
        assert again.replay and again.receipt == result.receipt
    # The city knows each township as the county vouched for it, with its key and bundle chain.
    with city.store.engine.connect() as c:
        towns = c.execute(text("SELECT code FROM county_township ORDER BY code")).scalars().all()
        assert towns == ["330825101", "330825102", "330881101"]
        assert c.execute(text("SELECT count(*) FROM county_bundle")).scalar_one() == 3
        assert c.execute(text("SELECT count(*) FROM city_bundle")).scalar_one() == 2
    # Later: one township reports again; the next county bundle carries only that bundle.
    svc = a.townships["330825101"]
    svc.create("petition", {"received_date": "2026-11-12", "form": "来信", "petitioner_name": "赵六",
                            "category": "申诉求决类", "request": "要求修缮村道"})
    report(svc, a.county, tmp_path / "out2")
    fw, path = forward(a, city, tmp_path / "usb2")
    assert fw.township_bundles == 1
    result = import_county_bundle(city.store, path, city.keys)
    apply_city_receipt(a.county.store, result.receipt)
    assert result.payload["township_missing"] == {} and result.rows > 0
    assert counts(city.store, "330825101") == counts(a.county.store, "330825101")


def test_city_sheet_rows_equal_each_county_sheet(world: tuple[City, Region, Region]) -> None:
    """After the round above: each county's row of the city sheet is that county's own sheet total."""
    from datetime import date

    from zongzhi_desktop.city.sheets import build_city_sheet, county_key
    from zongzhi_desktop.county.sheets import build_county_sheet, township_key

    city, a, b = world
    sheet = build_city_sheet(city.store, "monthly", "2026-11", made_on=date(2026, 11, 20))
    table = sheet.table("by_county_city")
    assert [r[0].text for r in table.rows] == ["龙游县", "江山市", "全市合计"]
    keys = [k for k in sheet.values if k.endswith("|county=330825")]
    assert len(keys) >= 8
    new_total = 0
    for region in (a, b):
        own = build_county_sheet(region.county.store, "monthly", "2026-11", made_on=date(2026, 11, 20))
        for k in keys:
            fig = k.split("|county=")[0]
            assert sheet.values[county_key(fig, region.code)].text == own.values[township_key(fig, "total")].text, fig
        new_total += own.values[township_key("petition.new", "total")].value
    assert sheet.values[county_key("petition.new", "total")].value == new_total == 4
    assert "全市合计" in [r[0].text for r in sheet.table("by_township_county").rows]


def test_upload_to_the_city_hub_over_http(world: tuple[City, Region, Region], tmp_path: Path) -> None:
    """The county uploads to `city serve`'s app (real HTTP on loopback); the receipt comes back."""
    import httpx

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "county"))
    from countytools import serve_in_thread

    from zongzhi_desktop.city.server import create_city_app
    from zongzhi_desktop.county.forward import upload_to_city

    city, _a, b = world
    svc = b.townships["330881101"]
    svc.create("petition", {"received_date": "2026-11-13", "form": "来访", "petitioner_name": "钱七",
                            "category": "申诉求决类", "request": "要求公开村务"})
    report(svc, b.county, tmp_path / "out")
    with serve_in_thread(create_city_app(city.store, city.keys)) as url:
        fw, receipt = upload_to_city(b.county.store, b.county.keys, url)
        assert fw.township_bundles == 1 and receipt.acknowledged == 1 and not receipt.already_applied
        health = httpx.get(url + "/health").json()
        assert health["city_code"] == "330800" and health["status"] == "ok"
        doc = httpx.get(url + "/status?period=2026-11").json()
        assert [c["code"] for c in doc["counties"]] == ["330825", "330881"]
        assert {t["code"] for t in doc["townships"]} == {"330825101", "330825102", "330881101"}
        # A township bundle posted to the city is refused with the county hub's JSON shape.
        bundle = next((tmp_path / "out").glob("*.zzb"))
        r = httpx.post(url + "/api/v1/bundles", content=bundle.read_bytes())
        assert r.status_code == 400 and r.json()["error"] == "malformed"
    assert counts(city.store, "330881101") == counts(b.county.store, "330881101")


def _alter_petition(data: bytes, region: Region) -> bytes:
    """The township bundle with one petition's text changed, re-encrypted under the same content key."""
    bf = open_bundle_bytes(data)
    key = bf.content_key(region.county.keys.encryption)
    suite = bf.suite
    out = io.BytesIO()
    w = ct.ContainerWriter(out)
    for c, e in zip(bf.manifest["chunks"], bf.payload_entries, strict=True):
        blob = ct.read_exact(bf.fh, e.data_offset, e.size)
        if c["table"] == "petition":
            n = suite.nonce_size
            plain = zlib.decompress(suite.decrypt(key, blob[:n], blob[n:]))
            assert "要求解决拖欠工资".encode() in plain
            plain = plain.replace("要求解决拖欠工资".encode(), "已经解决不再上访".encode(), 1)
            blob = blob[:n] + suite.encrypt(key, blob[:n], zlib.compress(plain))
        w.add(e.name, blob)
    w.add(ct.MANIFEST, bf.manifest_bytes)
    w.add(ct.SIGNATURE, bf.signature)
    w.finish()
    return out.getvalue()


def _resign(cf: CountyBundleFile, index: int, township: bytes, region: Region) -> bytes:
    """The county bundle with township entry `index` replaced, its manifest signed again by the county."""
    out = io.BytesIO()
    w = ct.ContainerWriter(out)
    for e in cf.payload_entries:
        w.add(e.name, ct.read_exact(cf.fh, e.data_offset, e.size))
    manifest = json.loads(cf.manifest_bytes)
    for i, e in enumerate(cf.township_entries):
        data = township if i == index else ct.read_exact(cf.fh, e.data_offset, e.size)
        manifest["townships"][i].update(size=len(data), sha256=cf.suite.hexdigest(data))
        w.add(e.name, data)
    _finish(w, manifest, region.county.keys.signing, b"", COUNTY_SIGN_KIND)
    return out.getvalue()
