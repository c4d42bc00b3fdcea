"""County key rotation in place and `sync resend` (issue 15, items 1 and 2), on SQLite.

The PostgreSQL end-to-end run with two hub instances is in test_life_postgres.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from synctools import COUNTY_PASS, TOWN_PASS, County, populate, table_counts

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.rotation import rotate_county_keys, rotation_statements
from zongzhi_desktop.county.setup import unlock_county_keys
from zongzhi_desktop.county.status import county_status
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.bundle import open_bundle_bytes
from zongzhi_desktop.sync.errors import BundleRefused, SyncError
from zongzhi_desktop.sync.export import export_bundle, pending_bundles
from zongzhi_desktop.sync.keys import fingerprint
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.resend import resend
from zongzhi_desktop.sync.rotation import accept_rotation, preview_rotation
from zongzhi_desktop.sync.status import sync_status
from zongzhi_desktop.sync.trust import trusted_county

BOTH_SUITES = True  # every test using the county runs under nacl-1 and gm-1 (conftest.py)


def _recipient(path: Path) -> str:
    return open_bundle_bytes(path.read_bytes()).manifest["encryption"]["recipient"]


def test_rotation_with_bundles_waiting_loses_nothing(tmp_path: Path, county: County, town1: Services) -> None:
    populate(town1, "甲", n=3)
    first = export_bundle(town1, TOWN_PASS)  # imported, receipt lost on the way back
    r1 = import_bundle(county.store, first.outbox_path, county.keys)
    town1.create("petition", {"received_date": "2026-11-12", "form": "来信", "petitioner_name": "赵六",
                              "category": "申诉求决类", "request": "反映噪音扰民"})
    second = export_bundle(town1, TOWN_PASS)  # never reached the county
    old_enc = _recipient(second.outbox_path)

    rot = rotate_county_keys(county.store, COUNTY_PASS, actor="county-admin")
    assert rot.old_fingerprint != rot.new_fingerprint
    # The county still opens bundles sealed to its old key (a stale key ring reloads the new keys).
    assert import_bundle(county.store, first.outbox_path, county.keys).replay

    before = trusted_county(town1).profile_id
    preview = preview_rotation(town1, rot.statements)
    assert (preview.old_fingerprint, preview.new_fingerprint) == (rot.old_fingerprint, rot.new_fingerprint)
    assert trusted_county(town1).profile_id == before  # a preview changes nothing
    accepted = accept_rotation(town1, rot.statements)
    assert accepted.steps == 1 and fingerprint(trusted_county(town1).profile_id) == rot.new_fingerprint

    # The next export re-seals both waiting bundles to the new key, keeping their identity.
    third = export_bundle(town1, TOWN_PASS)
    new_enc = _recipient(third.outbox_path)
    assert new_enc != old_enc
    for b in pending_bundles(town1):
        assert _recipient(Path(b.outbox_path)) == new_enc
    # Only the new key ring is needed now: a hub that forgot the old keys still reads them all.
    keys = unlock_county_keys(county.store, COUNTY_PASS)
    results = [import_bundle(county.store, Path(b.outbox_path), keys) for b in pending_bundles(town1)]
    assert results[0].replay and results[0].receipt == r1.receipt  # bundle 1 was already there: no fork
    assert [r.sequence for r in results] == [1, 2, 3]
    for r in results:
        apply_receipt(town1, r.receipt)  # old-key receipt (bundle 1) and new-key receipts both verify
    assert sync_status(town1).unacked_total == 0 and not pending_bundles(town1)
    assert town1.verify_audit()[1] == []  # receipts under both keys witness the audit chain
    code = town1.township.code
    assert table_counts(county.store.path, code) == table_counts(town1.store.path, code)
    st = next(t for t in county_status(county.store) if t.code == code)
    assert (st.missing, st.forks, st.chain_breaks) == ([], [], [])


def test_rotation_statement_must_be_vouched_by_the_trusted_key(tmp_path: Path, county: County,
                                                               town1: Services, suite: str) -> None:
    from synctools import make_county

    other = make_county(tmp_path / "other", suite=suite)  # same county code, keys the township never trusted
    rot = rotate_county_keys(other.store, COUNTY_PASS)
    with pytest.raises(SyncError) as e:
        accept_rotation(town1, rot.statements)
    assert e.value.code == "not_vouched" and "电话核对" in e.value.message
    # A statement altered in transit fails its signature.
    good = rotate_county_keys(county.store, COUNTY_PASS).statements
    forged = good.replace(b'"version":1', b'"version":1 ', 1)
    with pytest.raises(BundleRefused):
        accept_rotation(town1, forged)


def test_two_rotations_followed_in_one_step(county: County, town1: Services) -> None:
    rotate_county_keys(county.store, COUNTY_PASS)
    second = rotate_county_keys(county.store, COUNTY_PASS)
    assert rotation_statements(county.store) == second.statements
    assert accept_rotation(town1, second.statements).steps == 2
    assert fingerprint(trusted_county(town1).profile_id) == second.new_fingerprint
    assert accept_rotation(town1, second.statements).steps == 0  # again: nothing to do
    populate(town1, "甲", n=1)
    out = export_bundle(town1, TOWN_PASS)
    r = import_bundle(county.store, out.outbox_path, county.keys)  # county.keys was unlocked before both
    assert r.rejected == 0
    apply_receipt(town1, r.receipt)


def test_resend_all_fills_a_hub_that_lost_everything(tmp_path: Path, county: County, town1: Services,
                                                     suite: str) -> None:
    from synctools import link, make_county

    populate(town1, "甲", n=2)
    for _ in range(2):
        e = export_bundle(town1, TOWN_PASS)
        apply_receipt(town1, import_bundle(county.store, e.outbox_path, county.keys).receipt)
    # The county lost its passphrase: a new hub, the township trusts it (phone) and registers again.
    hub = make_county(tmp_path / "hub2", suite=suite)
    link(town1, hub)
    assert sync_status(town1).unacked_total == 0  # nothing would ever be sent again...
    out = resend(town1, TOWN_PASS, everything=True)
    r = import_bundle(hub.store, out.outbox_path, hub.keys)
    assert r.rejected == 0 and r.missing_sequences == []  # full state: bundles 1-2 are not needed
    code = town1.township.code
    assert table_counts(hub.store.path, code) == table_counts(town1.store.path, code)
    st = next(t for t in county_status(hub.store) if t.code == code)
    assert st.missing == []
    # Idempotent: everything again (before the receipt came back) changes nothing.
    second = resend(town1, TOWN_PASS, everything=True)
    again = import_bundle(hub.store, second.outbox_path, hub.keys)
    assert again.applied == 0 and again.accepted == again.rows == out.rows


def test_resend_since_date_only_recent_rows(county: County, town1: Services) -> None:
    import sqlite3

    from zongzhi_desktop.domain.clock import today

    populate(town1, "甲", n=2)
    e = export_bundle(town1, TOWN_PASS)
    apply_receipt(town1, import_bundle(county.store, e.outbox_path, county.keys).receipt)
    with pytest.raises(SyncError):
        resend(town1, "wrong-passphrase", everything=True)
    assert sync_status(town1).unacked_total == 0  # a wrong passphrase forgot nothing
    # Every row but the petitions was last changed long ago.
    con = sqlite3.connect(town1.store.path)
    from zongzhi_desktop.sync.rowcodec import whole_tables

    for t in whole_tables():
        if t != "petition":
            con.execute(f'UPDATE "{t}" SET updated_at = ?', ("2025-01-01 00:00:00.000000",))
    con.commit()
    con.close()
    out = resend(town1, TOWN_PASS, since=today())
    assert out.counts == {"petition": {"rows": 2, "voided": 0}}
    r = import_bundle(county.store, out.outbox_path, county.keys)
    assert (r.accepted, r.applied) == (2, 0)  # the county had them: idempotent


def test_upload_after_the_county_lost_its_keys_never_sticks(tmp_path: Path, county: County, town1: Services,
                                                           suite: str) -> None:
    """The county lost its passphrase and runs a new hub: a waiting bundle sealed to the old key is
    re-sealed to the new one; one too old to re-seal (no content key kept) is dropped and the new
    bundle carries the township's full state — no 422 for ever, no sequence missing for ever."""
    import sqlite3

    from synctools import link, make_county
    from test_upload import serve

    from zongzhi_desktop.county.server import create_app
    from zongzhi_desktop.sync.upload import upload

    populate(town1, "甲", n=2)
    first = export_bundle(town1, TOWN_PASS)
    apply_receipt(town1, import_bundle(county.store, first.outbox_path, county.keys).receipt)
    town1.create("petition", {"received_date": "2026-11-12", "form": "来信", "petitioner_name": "赵六",
                              "category": "申诉求决类", "request": "反映噪音扰民"})
    legacy = export_bundle(town1, TOWN_PASS)  # 2: waiting, as written by a release that kept no content key
    con = sqlite3.connect(town1.store.path)
    con.execute("UPDATE sync_bundle SET content_key = NULL WHERE sequence = ?", (legacy.sequence,))
    con.commit()
    con.close()
    town1.create("petition", {"received_date": "2026-11-13", "form": "来信", "petitioner_name": "钱七",
                              "category": "申诉求决类", "request": "反映道路积水"})
    resealable = export_bundle(town1, TOWN_PASS)  # 3: waiting, content key kept

    hub = make_county(tmp_path / "hub2", suite=suite)  # new keys; the old ones are gone with the passphrase
    link(town1, hub)
    with serve(create_app(hub.store, hub.keys)) as base:
        r = upload(town1, TOWN_PASS, base)
    assert r.dropped == [legacy.sequence]
    assert r.sent == [resealable.sequence, resealable.sequence + 1]
    assert not pending_bundles(town1) and sync_status(town1).unacked_total == 0
    code = town1.township.code
    assert table_counts(hub.store.path, code) == table_counts(town1.store.path, code)
    st = next(t for t in county_status(hub.store) if t.code == code)
    assert st.missing == [] and st.forks == []
    assert town1.verify_audit()[1] == []
