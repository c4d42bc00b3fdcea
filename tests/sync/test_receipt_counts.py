"""Every row of a bundle is either accepted or rejected, exactly once: accepted + rejected = rows in
the receipt (docs/bundle-format.md §12), whichever rule refused a row."""

from __future__ import annotations

from sqlalchemy import text
from synctools import County, populate
from test_bad_bundles import craft, good_village

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.export import unacked_rows

BOTH_SUITES = True  # every test using the county runs under nacl-1 and gm-1 (conftest.py)


def test_accepted_plus_rejected_is_rows_on_every_path(county: County, town1: Services, town2: Services) -> None:
    import_bundle(county.store, craft(town1, county, [("village", [good_village(town1, "shared-id")])]), county.keys)
    code = town2.township.code
    import_bundle(county.store, craft(town2, county, [("village", [good_village(
        town2, "v-newer", code=code + "009", revision=5)])]), county.keys)
    populate(town2, "乙")
    with town2.store.engine.connect() as conn:
        orphan = next(unacked_rows(conn, "grid", code))
    orphan.update(id="g-orphan", village_id="no-such-village")
    ok = good_village(town2, "v-ok", code=code + "001")
    rows = [
        ok,
        dict(ok),  # the same (table, id) twice: the second is rejected
        good_village(town2, "shared-id", code=code + "002"),  # another township's id
        good_village(town2, "v-bad", code=code + "003", revision=0),  # fails validation
        good_village(town2, "v-newer", code=code + "009", revision=4),  # the county holds newer: accepted
    ]
    data = craft(town2, county, [("village", rows), ("grid", [orphan]), ("no_such_table", [{"id": "z", "revision": 1}])],
                 seq=2)
    r = import_bundle(county.store, data, county.keys)
    p = r.payload
    assert p["rows"] == 7 == r.rows
    assert p["accepted"] + p["rejected"] == p["rows"]
    assert p["accepted"] == sum(len(v) for v in p["acknowledged"].values()) == 2
    assert p["rejected"] == len(p["rejections"]) == 5
    assert p["unchanged"] == p["accepted"] - p["applied"] == 1
    assert sorted(x["id"] for x in p["rejections"]) == ["g-orphan", "shared-id", "v-bad", "v-ok", "z"]
    with county.store.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM grid WHERE id = 'g-orphan'")).scalar() == 0
