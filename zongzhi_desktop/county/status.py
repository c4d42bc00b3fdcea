"""County view of its townships: keys, bundles received, last sequence, gaps and breaks in each chain."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..domain.models import GENESIS_HASH
from ..domain.models.sync import CountyBundle, CountyTownship, CountyTownshipKey
from ..store.database import Store
from ..sync.keys import fingerprint
from .audit_heads import Head, heads, warnings


@dataclass
class KeyState:
    key_id: str
    fingerprint: str
    status: str
    registered_at: datetime


@dataclass
class TownshipState:
    code: str
    name: str
    registered_at: datetime
    bundle_count: int
    last_sequence: int
    last_received_at: datetime | None
    last_created_at: datetime | None  # when the newest received bundle was exported
    missing: list[int] = field(default_factory=list)  # sequences below the highest one not yet received
    chain_breaks: list[int] = field(default_factory=list)  # bundles whose previous hash is not the received predecessor
    forks: list[int] = field(default_factory=list)  # sequences received as two different bundles
    keys: list[KeyState] = field(default_factory=list)
    audit_head: Head | None = None  # the township's audit chain end in its newest bundle that states one
    audit_warnings: list[str] = field(default_factory=list)  # later bundles whose chain end went back

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "registered_at": self.registered_at.isoformat(),
            "bundles": self.bundle_count, "last_sequence": self.last_sequence,
            "last_received_at": self.last_received_at.isoformat() if self.last_received_at else None,
            "last_created_at": self.last_created_at.isoformat() if self.last_created_at else None,
            "missing": self.missing, "chain_breaks": self.chain_breaks, "forks": self.forks,
            "keys": [{"key_id": k.key_id, "fingerprint": k.fingerprint, "status": k.status} for k in self.keys],
            "audit_head": self.audit_head.as_dict() if self.audit_head else None,
            "audit_warnings": self.audit_warnings,
        }


def ranges(seqs: list[int]) -> str:
    """[2, 5, 6, 7] -> "2、5-7" (for messages)."""
    out: list[str] = []
    for s in sorted(seqs):
        if out and "-" in out[-1] and int(out[-1].split("-")[1]) == s - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{s}"
        elif out and "-" not in out[-1] and int(out[-1]) == s - 1:
            out[-1] = f"{out[-1]}-{s}"
        else:
            out.append(str(s))
    return "、".join(out)


def county_status(store: Store) -> list[TownshipState]:
    """One entry per registered township, ordered by code."""
    with store.session() as s:
        towns = list(s.execute(select(CountyTownship).order_by(CountyTownship.code)).scalars())
        keys = list(s.execute(select(CountyTownshipKey).order_by(CountyTownshipKey.registered_at)).scalars())
        bundles = s.execute(select(CountyBundle.township_code, CountyBundle.sequence, CountyBundle.bundle_hash,
                                   CountyBundle.previous_hash, CountyBundle.created_at, CountyBundle.manifest)).all()
    by_town: dict[str, list[Any]] = defaultdict(list)
    for b in bundles:
        by_town[b.township_code].append(b)
    keys_by: dict[str, list[KeyState]] = defaultdict(list)
    for k in keys:
        keys_by[k.township_code].append(KeyState(k.key_id, fingerprint(k.key_id), k.status, k.registered_at))
    out = []
    for t in towns:
        bs = by_town.get(t.code, [])
        by_seq: dict[int, list[Any]] = defaultdict(list)
        for b in bs:
            by_seq[b.sequence].append(b)
        top = max(by_seq, default=0)
        st = TownshipState(t.code, t.name, t.registered_at, len(bs), top, t.last_received_at,
                           max((b.created_at for b in bs), default=None), keys=keys_by.get(t.code, []))
        # A full-state bundle (`sync resend --all`) carries everything: earlier sequences are not needed.
        floor = max([b.sequence for b in bs if json.loads(b.manifest).get("full_state") is True], default=1)
        st.missing = [n for n in range(floor, top + 1) if n not in by_seq]
        st.forks = sorted(n for n, items in by_seq.items() if len(items) > 1)
        for n, items in sorted(by_seq.items()):
            prev = by_seq.get(n - 1)
            if n == 1:
                prev_hashes = {GENESIS_HASH}
            elif prev is None:
                continue
            else:
                prev_hashes = {p.bundle_hash for p in prev}
            if any(b.previous_hash not in prev_hashes for b in items):
                st.chain_breaks.append(n)
        chain = heads((b.sequence, b.manifest) for b in bs)
        st.audit_head = chain[-1] if chain else None
        st.audit_warnings = warnings(chain)
        out.append(st)
    return out
