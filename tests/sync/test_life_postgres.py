"""Sync that survives real life, end to end on PostgreSQL with two hub instances (issue 15).

Two county servers (uvicorn on loopback, each with its own connection pool and its own unlocked
key ring, as two processes would) share one PostgreSQL database. Townships upload to either.
Mid-stream, with bundles waiting, the county rotates its keys; later a township's PC is replaced
and restored from the county. Nothing is lost, nothing forks, and the county's totals equal the
townships' at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from synctools import COUNTY_PASS, TOWN_PASS, make_township, populate, table_counts
from test_postgres import PgCounty, linked, pg_counts, pg_url  # noqa: F401  (pg_url is a fixture)
from test_upload import serve

from zongzhi_desktop.county.restore import write_restore_file
from zongzhi_desktop.county.rotation import rotate_county_keys
from zongzhi_desktop.county.server import create_app
from zongzhi_desktop.county.setup import county_identity, register_township, unlock_county_keys
from zongzhi_desktop.county.status import county_status
from zongzhi_desktop.services import Services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.errors import SyncError
from zongzhi_desktop.sync.export import export_bundle, pending_bundles
from zongzhi_desktop.sync.keys import fingerprint
from zongzhi_desktop.sync.restore import restore_from_county
from zongzhi_desktop.sync.rotation import accept_rotation
from zongzhi_desktop.sync.status import sync_status
from zongzhi_desktop.sync.trust import make_registration_file, trust_county, trusted_county
from zongzhi_desktop.sync.upload import fetch_rotations, upload

pytestmark = pytest.mark.postgres
NEW_PASS = "new-pc-pass-1"


def petition(svc: Services, name: str) -> None:
    svc.create("petition", {"received_date": "2026-11-18", "form": "来访", "petitioner_name": name,
                            "category": "申诉求决类", "request": "要求解决拖欠工资"})


def hub(url: str):  # type: ignore[no-untyped-def]
    """One server instance: its own store (pool) and its own key ring, unlocked at start."""
    store = Store(url)
    return serve(create_app(store, unlock_county_keys(store, COUNTY_PASS)))


def assert_totals_equal(county: PgCounty, towns: dict[str, Services]) -> None:
    for code, svc in towns.items():
        assert pg_counts(county.store, code) == table_counts(svc.store.path, code), code
    for st in county_status(county.store):
        assert (st.missing, st.forks, st.chain_breaks, st.audit_warnings) == ([], [], [], []), st.code


def test_rotation_and_replaced_pc_on_two_hubs(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    county = PgCounty(pg_url)
    towns = {code: linked(make_township(tmp_path / code, code, name), county)
             for code, name in (("330825101", "城关镇"), ("330825102", "湖镇镇"), ("330825103", "小南海镇"))}
    t1, t2, t3 = towns.values()
    for i, svc in enumerate(towns.values()):
        populate(svc, "甲乙丙"[i], n=2 + i)

    with hub(pg_url) as hub_a, hub(pg_url) as hub_b:
        upload(t1, TOWN_PASS, hub_a)
        upload(t2, TOWN_PASS, hub_b)
        # Bundles waiting: t1's was exported to a stick that never arrived; t3 never uploaded yet.
        petition(t1, "赵六")
        waiting = export_bundle(t1, TOWN_PASS)
        export_bundle(t3, TOWN_PASS)

        # The county rotates its keys while both servers run with the old key ring.
        rot = rotate_county_keys(Store(pg_url), COUNTY_PASS, actor="county-admin")
        assert fingerprint(county_identity(county.store).profile_id) == rot.new_fingerprint

        # t1 and t2 accept over the network (the old key vouches: no phone call); t3 does not yet.
        for svc, base in ((t1, hub_a), (t2, hub_b)):
            assert accept_rotation(svc, fetch_rotations(base)).new_fingerprint == rot.new_fingerprint
        petition(t2, "钱七")
        r1 = upload(t1, TOWN_PASS, hub_a)  # re-seals the waiting bundle; hub A loads the new keys
        assert r1.sent[0] == waiting.sequence
        upload(t2, TOWN_PASS, hub_a)
        r3 = upload(t3, TOWN_PASS, hub_b)  # still on the old profile: accepted, and told to accept
        assert r3.rotation == rot.new_fingerprint
        assert accept_rotation(t3, fetch_rotations(hub_b)).steps == 1
        petition(t3, "孙八")
        upload(t3, TOWN_PASS, hub_b)
        for svc in towns.values():
            assert not pending_bundles(svc) and sync_status(svc).unacked_total == 0
        assert_totals_equal(county, towns)

        # t2's PC is stolen. The new PC trusts the county's current profile (phone check), registers
        # its new key; the county writes the restore file; the new PC restores and continues.
        new = make_township(tmp_path / "t2-new", "330825102", "湖镇镇")
        trust_county(new, county_identity(county.store).profile)
        register_township(county.store, make_registration_file(new, NEW_PASS).data)
        keys = unlock_county_keys(county.store, COUNTY_PASS)
        restore = write_restore_file(county.store, keys, "330825102", tmp_path / "t2.zzrestore")
        with pytest.raises(SyncError):
            restore_from_county(t1, restore.path, TOWN_PASS)  # sealed to the new PC only
        restored = restore_from_county(new, restore.path, NEW_PASS)
        assert restored.rows == sum(pg_counts(county.store, "330825102").values())
        petition(new, "周九")
        r = upload(new, NEW_PASS, hub_a)
        assert r.sent == [restored.sequence + 1]
        towns["330825102"] = new
        assert sync_status(new).unacked_total == 0
        assert_totals_equal(county, towns)
        assert trusted_county(new).profile_id == county_identity(county.store).profile_id
