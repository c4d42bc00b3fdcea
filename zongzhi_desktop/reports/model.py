"""The plain report object every renderer reads: sections of tables, charts and text.

Everything here is data (no database, no reportlab): a report converts to canonical JSON and
back without loss, which is what a signed-off sheet freezes. A figure's value keeps how to fetch the
records behind it (`Value.query`); the ids (`refs`: kind -> ids) are fetched when the number is
clicked or the sheet is signed, so a click in the preview opens exactly those records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Refs = dict[str, list[str]]


@dataclass
class Cell:
    """One table cell: the printed text, its alignment and the records it counts."""

    text: str
    value: str | None = None  # key into Report.values: the figure this cell prints
    refs: Refs | None = None  # the records of a list row (cells that are not figures)
    align: str = "left"  # left | center | right
    bold: bool = False
    shade: bool = False  # grey background (labels on forms, total rows)


@dataclass
class Column:
    label: str
    width: float = 1.0  # relative weight of the available width
    align: str = "left"


@dataclass
class Table:
    """A table block. `header=False` for form grids; spans are (col0, row0, col1, row1)."""

    key: str
    title: str | None
    columns: list[Column]
    rows: list[list[Cell]]
    header: bool = True
    note: str | None = None
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    font_size: float = 10.5
    split_rows: bool = False  # let a row taller than the page break across pages (form grids)
    type: str = "table"


@dataclass
class Series:
    name: str
    values: list[float]
    refs: list[Refs | None] = field(default_factory=list)


@dataclass
class Chart:
    """A bar chart: `bar` (vertical, grouped series over categories) or `hbar` (horizontal)."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[Series]
    unit: str = "件"
    type: str = "chart"


@dataclass
class Text:
    """Running text: a staff-written part (with `part` key) or a fixed paragraph."""

    label: str | None
    text: str
    part: str | None = None  # key of a staff-written part, editable in the app
    min_lines: int = 0  # blank ruled lines to leave when the part is empty (for handwriting)
    type: str = "text"


@dataclass
class Signature:
    """The signature block. Empty strings print as blank lines to sign by hand."""

    labels: list[str]
    values: list[str]
    per_row: int = 3
    type: str = "signature"


Block = Table | Chart | Text | Signature


@dataclass
class Section:
    title: str | None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Value:
    """A figure's value: a count (or sum) with its refs, or a rate with numerator/denominator."""

    key: str
    label: str
    value: float | None  # None: rate with an empty denominator
    text: str
    refs: Refs | None = None
    num: float | None = None
    den: float | None = None
    den_refs: Refs | None = None
    # How to fetch the records behind the value on demand (reports.figures.FigureQueries.fill):
    # {"num": [pick, ...], "den": [...]}; `refs` / `den_refs` stay None until fetched (a click,
    # a frozen sheet). A pick is [set key, period kind, period code, dimension, value].
    query: dict[str, list[list[Any]]] | None = None

    def records(self) -> float:
        """How many records a click on the value opens: a rate's denominator, else the count."""
        if self.den is not None:
            return self.den
        if self.den_refs is not None or self.refs is not None:
            refs = self.den_refs if self.den_refs is not None else self.refs
            return sum(len(v) for v in (refs or {}).values())
        return self.value or 0


@dataclass
class Report:
    """A sheet or print form, ready to render."""

    kind: str  # weekly | monthly | quarterly | form:<name>
    title: str
    subtitle: str
    number: str  # 编号
    township_codes: list[str] | None
    township_name: str
    period: str | None  # period code, e.g. 2026-W47
    made_on: str  # ISO date the content was computed
    sections: list[Section] = field(default_factory=list)
    values: dict[str, Value] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    confidential: bool = False
    date_label: str = "制表日期"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        """Inverse of `to_dict` (also reads the canonical JSON of a frozen sheet)."""
        sections = [Section(s["title"], [_block(b) for b in s["blocks"]]) for s in d["sections"]]
        values = {k: Value(**v) for k, v in d.get("values", {}).items()}
        rest = {k: v for k, v in d.items() if k not in ("sections", "values")}
        return cls(**rest, sections=sections, values=values)

    def refs_of(self, cell: Cell) -> Refs | None:
        """The records behind a cell: a figure's records (a rate's denominator), or a row's record.
        None for a figure whose ids have not been fetched yet (see `Value.query`)."""
        if cell.value and cell.value in self.values:
            v = self.values[cell.value]
            if v.den_refs is not None:
                return v.den_refs
            if v.refs is not None:
                return v.refs
            return None if v.query is not None else {}
        return cell.refs or {}

    def clickable(self, cell: Cell) -> bool:
        """Whether a click on the cell opens records (known without fetching any ids)."""
        if cell.value and cell.value in self.values:
            v = self.values[cell.value]
            # A count with no way to its records (a restricted register's) is printed, not opened.
            openable = v.query is not None or v.refs is not None or v.den_refs is not None
            return openable and v.records() > 0
        return bool(cell.refs and any(cell.refs.values()))

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def table(self, key: str) -> Table:
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)

    def texts(self) -> list[str]:
        """Every string that gets printed (for the font-coverage check)."""
        out = [self.title, self.subtitle, self.number, self.township_name]
        for s in self.sections:
            if s.title:
                out.append(s.title)
            for b in s.blocks:
                if isinstance(b, Table):
                    out += [b.title or "", b.note or ""] + [c.label for c in b.columns]
                    out += [c.text for row in b.rows for c in row]
                elif isinstance(b, Chart):
                    out += [b.title, *b.categories, *(se.name for se in b.series)]
                elif isinstance(b, Text):
                    out += [b.label or "", b.text]
                elif isinstance(b, Signature):
                    out += b.labels + b.values
        return out


def _block(b: dict[str, Any]) -> Block:
    t = b["type"]
    if t == "table":
        cols = [Column(**c) for c in b["columns"]]
        rows = [[Cell(**c) for c in row] for row in b["rows"]]
        spans = [tuple(s) for s in b.get("spans", [])]
        rest = {k: v for k, v in b.items() if k not in ("columns", "rows", "spans")}
        return Table(**rest, columns=cols, rows=rows, spans=spans)  # type: ignore[arg-type]
    if t == "chart":
        series = [Series(**s) for s in b["series"]]
        return Chart(**{k: v for k, v in b.items() if k != "series"}, series=series)
    if t == "text":
        return Text(**b)
    if t == "signature":
        return Signature(**b)
    raise ValueError(f"unknown block type {t}")
