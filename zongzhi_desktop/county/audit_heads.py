"""The county as witness of each township's audit chain (issue 14): every bundle's signed manifest
carries the end of the township's chain (`audit_head`: seq and hash) when it was written; the
county keeps the manifests (county_bundle.manifest). A chain only grows, so a later bundle whose
chain end has a lower seq than an earlier bundle's — or the same seq with another hash — means the
township's chain was cut short or rewritten in between (a restored backup does that too, and is
worth a phone call as well)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Head:
    """The audit chain end a township stated in one bundle."""

    sequence: int  # the bundle's sequence
    seq: int
    hash: str
    restored_after: int | None = None  # the chain began anew: restored from the county after that bundle

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"bundle_sequence": self.sequence, "seq": self.seq, "hash": self.hash}
        if self.restored_after is not None:
            out["restored_after"] = self.restored_after
        return out


def head_of(sequence: int, manifest: str | dict[str, Any]) -> Head | None:
    """The head a manifest states, or None (a bundle of an earlier release, or unreadable)."""
    try:
        m = json.loads(manifest) if isinstance(manifest, str) else manifest
        h = m["audit_head"]
        restored = h.get("restored_after")
        return Head(sequence, int(h["seq"]), str(h["hash"]), restored if type(restored) is int else None)
    except (ValueError, KeyError, TypeError):
        return None


def heads(bundles: Iterable[tuple[int, str]]) -> list[Head]:
    """Heads of (bundle sequence, manifest) pairs, by bundle sequence (bundles without one skipped)."""
    out = [h for seq, manifest in bundles if (h := head_of(seq, manifest)) is not None]
    return sorted(out, key=lambda h: (h.sequence, h.seq))


def warnings(chain: list[Head], only: int | None = None) -> list[str]:
    """Chinese warnings for each later bundle whose chain end went back (`only`: just those that
    involve that bundle sequence)."""
    out = []
    for a, b in pairwise(chain):
        if only is not None and only not in (a.sequence, b.sequence):
            continue
        if a.sequence == b.sequence:
            continue  # the same sequence twice is a fork: county status names it
        if b.restored_after is not None and a.sequence <= b.restored_after:
            continue  # a new PC restored from the county after bundle a: its chain began anew
        if b.seq < a.seq:
            out.append(f"批次 {b.sequence} 的审计链末端（第{b.seq}条）比更早的批次 {a.sequence}（第{a.seq}条）还短："
                       "乡镇的审计链被删短或重写（或乡镇恢复了旧备份），请核实")
        elif b.seq == a.seq and b.hash != a.hash:
            out.append(f"批次 {a.sequence} 和批次 {b.sequence} 的审计链末端都是第{a.seq}条，但哈希不同："
                       "乡镇的审计链被改写，请核实")
    return out
