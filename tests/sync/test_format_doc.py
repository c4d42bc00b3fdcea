"""docs/bundle-format.md read as an independent implementer would: the two secretbox layouts, the
`sync_key` rows and the kind-to-table map are as documented (issue 15 item 7)."""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

import nacl.bindings as sodium
from sqlalchemy import select
from synctools import COUNTY_PASS, TOWN_PASS, County, populate

from zongzhi_desktop.domain.models.sync import SyncKey
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.kinds import KINDS
from zongzhi_desktop.sync.bundle import BundleFile
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.trust import make_registration_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"


def open_sealed_key(sealed_secret: str, passphrase: str) -> bytes:
    """§4 with libsodium primitives only: Argon2id KEK, then the detached-nonce box."""
    p = json.loads(sealed_secret)
    assert p["kdf"] == "argon2id13"
    kek = sodium.crypto_pwhash_alg(32, passphrase.encode(), base64.b64decode(p["salt"]), p["opslimit"],
                                   p["memlimit"], sodium.crypto_pwhash_ALG_ARGON2ID13)
    box = base64.b64decode(p["box"])
    assert len(box) == 32 + 16  # tag ‖ ciphertext, no nonce inside
    return sodium.crypto_secretbox_open_easy(box, base64.b64decode(p["nonce"]), kek)


def rows_of(svc_or_store: object, purpose: str | None = None) -> list[SyncKey]:
    with svc_or_store.session() as s:  # type: ignore[attr-defined]
        q = select(SyncKey).order_by(SyncKey.created_at)
        return list(s.execute(q if purpose is None else q.where(SyncKey.purpose == purpose)).scalars())


def test_both_secretbox_layouts_as_documented(town1: Services, county: County) -> None:
    populate(town1, "a")
    path = export_bundle(town1, TOWN_PASS, None).outbox_path
    with open(path, "rb") as fh:
        bf = BundleFile(fh, path.stat().st_size)
        manifest = bf.manifest
        [enc] = [r for r in rows_of(county.store, "county_encryption") if r.key_id == manifest["encryption"]["recipient"]]
        secret = open_sealed_key(enc.sealed_secret, COUNTY_PASS)
        public = sodium.crypto_scalarmult_base(secret)
        assert base64.b64encode(public).decode() == enc.public_key
        content_key = sodium.crypto_box_seal_open(base64.b64decode(manifest["encryption"]["sealed_key"]), public, secret)
        assert manifest["chunks"]
        for chunk, entry in zip(manifest["chunks"], bf.entries[:-2], strict=True):
            bf.fh.seek(entry.data_offset)
            data = bf.fh.read(entry.size)
            nonce, box = data[:24], data[24:]  # nonce-prefixed box
            compressed = sodium.crypto_secretbox_open_easy(box, nonce, content_key)
            assert len(data) == chunk["size"] == len(compressed) + 40
            plain = zlib.decompress(compressed)
            assert len(plain) == chunk["plain_size"] and plain.count(b"\n") == chunk["rows"]
    signing = open_sealed_key(rows_of(town1, "township_signing")[0].sealed_secret, TOWN_PASS)
    assert len(signing) == 32  # the Ed25519 seed


def test_sync_key_rows_and_purposes(town1: Services, county: County) -> None:
    assert [(r.purpose, r.status) for r in rows_of(county.store)] in (
        [("county_signing", "active"), ("county_encryption", "active")],
        [("county_encryption", "active"), ("county_signing", "active")])
    [first] = rows_of(town1)
    assert (first.purpose, first.status, first.retired_at) == ("township_signing", "active", None)
    make_registration_file(town1, "another-pass-1", new_key=True)
    old, new = rows_of(town1)
    assert (old.key_id, old.status) == (first.key_id, "retired") and old.retired_at is not None
    assert (new.purpose, new.status) == ("township_signing", "active")
    open_sealed_key(old.sealed_secret, TOWN_PASS)  # a retired key keeps its passphrase
    open_sealed_key(new.sealed_secret, "another-pass-1")


def test_kind_to_table_map_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### 7.1"):text.index("## 8.")]
    documented = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            kind, label, table, _prefix, children = cells
            documented[kind.strip("`")] = (label, table.strip("`"),
                                           dict(re.findall(r"`(\w+)` → `(\w+)`", children)))
    actual = {k: (s.label, s.model.__tablename__, {c: v.model.__tablename__ for c, v in s.children.items()})
              for k, s in KINDS.items()}
    assert documented == actual
