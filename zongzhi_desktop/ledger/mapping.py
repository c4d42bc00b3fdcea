"""Column and value mappings: suggested from the Chinese headers, editable, saved as a JSON file.

Mapping file (UTF-8 JSON; see docs/import.md):

    {"kind": "dispute",
     "columns": {"当事人姓名": "party_names", "村居": "village_id", "备注": null},
     "values": {"state": {"已调处": "succeeded"}, "village_id": {"东村": "城东村"}},
     "defaults": {"source": "grid_screening", "agreement_form": "oral"}}

`columns` maps a header (as shown in the preview) to a field name, or null to ignore it;
`values` maps a cell's text to a code (or, for villages, a village name/code in the store);
`defaults` gives a field's value for every row whose ledger has no column (or an empty cell) for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.codes import CodeTables
from ..domain.errors import DomainError
from .fields import (
    CODE_SYNONYMS,
    LEDGER_FIELDS,
    STATES,
    field_by_name,
    normalize_header,
    synonym_index,
)
from .header import match_column

FORMAT_VERSION = 1


@dataclass
class Mapping:
    kind: str
    columns: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "kind": self.kind, "columns": self.columns,
                "values": self.values, "defaults": self.defaults}

    def save(self, path: Path) -> None:
        """Write the mapping as UTF-8 JSON (reusable next year with --mapping)."""
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def field_for(self, header: str) -> str | None:
        """The field a column feeds under this mapping (explicit entry, else suggestion)."""
        if header in self.columns:
            return self.columns[header]
        return match_column(header, synonym_index(self.kind))


def load_mapping(path: Path, kind: str) -> Mapping:
    """Read and check a mapping file; every problem is a Chinese message naming the entry."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise DomainError(f"无法读取映射文件“{path}”：{e.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DomainError(f"映射文件“{path.name}”不是有效的 UTF-8 JSON：{e}") from None
    if not isinstance(raw, dict):
        raise DomainError("映射文件应为 JSON 对象")
    if raw.get("kind", kind) != kind:
        raise DomainError(f"映射文件是“{raw.get('kind')}”台账的，不能用于“{kind}”")
    known = field_by_name(kind)
    columns = raw.get("columns") or {}
    values = raw.get("values") or {}
    defaults = raw.get("defaults") or {}
    if not all(isinstance(x, dict) for x in (columns, values, defaults)):
        raise DomainError("映射文件的 columns、values、defaults 应为 JSON 对象")
    for header, target in columns.items():
        if target is not None and target not in known:
            raise DomainError(f"映射文件 columns 中“{header}”对应的字段“{target}”不存在，可用：{'、'.join(known)}")
    for target, table in values.items():
        if target not in known or not isinstance(table, dict):
            raise DomainError(f"映射文件 values 中的“{target}”不是可映射的字段")
    for target in defaults:
        if target not in known:
            raise DomainError(f"映射文件 defaults 中的字段“{target}”不存在")
    return Mapping(kind, {str(k): v for k, v in columns.items()},
                   {k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
                   {k: str(v) for k, v in defaults.items()})


def suggest_columns(kind: str, headers: list[str]) -> dict[str, str | None]:
    """Header → field (or None), from the synonym lists. Headers of several sheets may name the same
    field (申请人 on one, 当事人姓名 on another); within one sheet the first column wins."""
    index = synonym_index(kind)
    return {h: match_column(h, index) for h in headers if h}


class ValueMapper:
    """Free text → code for one code/state field: mapping file first, then the code table's codes
    and labels, then known synonyms, then a unique label containing the text (or contained in it)."""

    def __init__(self, kind: str, field_name: str, codes: CodeTables, mapping: Mapping) -> None:
        spec = field_by_name(kind)[field_name]
        self.explicit = {normalize_header(k): v for k, v in mapping.values.get(field_name, {}).items()}
        self.items: dict[str, str] = {}
        if spec.type == "state":
            for code, texts in STATES[kind].items():
                for t in texts:
                    self.items.setdefault(normalize_header(t), code)
        elif spec.code_table:
            table = codes[spec.code_table]
            for code, label in table.active_items():
                self.items[normalize_header(code)] = code
                self.items[normalize_header(label)] = code
            for text, code in CODE_SYNONYMS.get(spec.code_table, {}).items():
                if table.is_active(code):
                    self.items.setdefault(normalize_header(text), code)
        # Fuzzy containment only for code tables: a state text like 未能化解 must not match 化解.
        self.labels = [(lbl, code) for lbl, code in self.items.items()] if spec.type != "state" else []
        self._memo: dict[str, str | None] = {}

    def __call__(self, text: str) -> str | None:
        if text in self._memo:
            return self._memo[text]
        n = normalize_header(text)
        code = self.explicit.get(n) or self.items.get(n)
        if code is None and n:
            stripped = n.removesuffix("纠纷").removesuffix("类")
            code = self.items.get(stripped)
            if code is None and len(stripped) >= 2:
                hits = {c for lbl, c in self.labels if len(lbl) >= 2 and (stripped in lbl or lbl in stripped)}
                code = hits.pop() if len(hits) == 1 else None
        self._memo[text] = code
        return code


def mappable_fields(kind: str) -> list[str]:
    """Fields whose cell texts go through a value mapping (codes, states, villages)."""
    return [f.name for f in LEDGER_FIELDS[kind] if f.type in ("code", "state", "ref")]
