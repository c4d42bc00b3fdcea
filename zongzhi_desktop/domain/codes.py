"""Code tables (字典): stable codes with renameable Chinese labels."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class CodeTable:
    """One code table: ordered (code, label) pairs; inactive codes stay valid for old records."""

    name: str
    label: str
    items: dict[str, str] = field(default_factory=dict)
    inactive: set[str] = field(default_factory=set)

    def label_of(self, code: str | None) -> str:
        """The label for a code, or the code itself if unknown (never hides data)."""
        if code is None:
            return ""
        return self.items.get(code, code)

    def resolve(self, value: str) -> str | None:
        """Accept a code or a label and return the code, or None if neither matches.

        A label shared by a retired and a current code resolves to the current one.
        """
        v = value.strip()
        if v in self.items:
            return v
        matches = [code for code, label in self.items.items() if label == v]
        current = [code for code in matches if code not in self.inactive]
        return (current or matches or [None])[0]

    def is_active(self, code: str) -> bool:
        """Whether a code may be chosen for new input (inactive codes only stay valid in old records)."""
        return code in self.items and code not in self.inactive

    def active_items(self) -> list[tuple[str, str]]:
        """(code, label) pairs offered for new entries."""
        return [(c, lbl) for c, lbl in self.items.items() if c not in self.inactive]


class CodeTables:
    """All code tables, loaded from the shipped JSON and overridden by the store's code_item rows."""

    def __init__(self, tables: dict[str, CodeTable]) -> None:
        self.tables = tables

    def __getitem__(self, name: str) -> CodeTable:
        return self.tables[name]

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    @classmethod
    def from_json(cls, path: Path) -> CodeTables:
        """Load the shipped defaults from resources/codes/codes.json."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        tables: dict[str, CodeTable] = {}
        for name, spec in raw.items():
            if name.startswith("_"):
                continue
            tables[name] = CodeTable(name, spec["label"], {c: lbl for c, lbl in spec["items"]})
        return cls(tables)

    @classmethod
    def from_rows(cls, defaults: CodeTables, rows: list[tuple[str, str, str, int, bool]]) -> CodeTables:
        """Merge (table, code, label, sort, active) rows from the store over the defaults."""
        tables = {n: CodeTable(t.name, t.label, dict(t.items), set(t.inactive)) for n, t in defaults.tables.items()}
        by_table: dict[str, list[tuple[int, str, str, bool]]] = {}
        for table, code, label, sort, active in rows:
            by_table.setdefault(table, []).append((sort, code, label, active))
        for table, entries in by_table.items():
            t = tables.setdefault(table, CodeTable(table, table))
            merged = dict(t.items)
            for _sort, code, label, active in entries:
                merged[code] = label
                if active:
                    t.inactive.discard(code)
                else:
                    t.inactive.add(code)
            order = {code: sort for sort, code, _l, _a in entries}
            t.items = dict(sorted(merged.items(), key=lambda kv: order.get(kv[0], 10_000)))
        return cls(tables)
