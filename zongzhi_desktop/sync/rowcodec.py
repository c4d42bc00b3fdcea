"""Full row states as JSON (the payload of a bundle) and their strict validation on import.

Encoding is `store.serialize.to_row` applied to a Core row: datetimes as ISO 8601 with microseconds
and offset, dates as YYYY-MM-DD, binary columns as base64, everything else as its JSON value.
Decoding checks every column against the county's schema and returns either Python values ready
for insert or a Chinese reason naming the field and the rule (values are never echoed: they may be
personal data).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table

from ..domain.models import SYNCED_MODELS
from ..domain.rowrules import (
    INT32,
    INT64,
    Problem,
    column_kind,
    float_problem,
    int_problem,
    text_problem,
)
from ..store.derived import fill as fill_derived
from ..store.serialize import LOCAL_COLUMNS, content_columns


def synced_tables() -> dict[str, Table]:
    """Every table that travels in bundles, by name, in SYNCED_MODELS order (parents first), then
    the tables of the restricted registers (`restricted_tables`)."""
    out = {m.__tablename__: m.__table__ for m in SYNCED_MODELS}  # type: ignore[attr-defined]
    out.update(restricted_tables())
    return out


def whole_tables() -> dict[str, Table]:
    """The synced tables that always travel whole (all but `restricted_tables`): a county holds the
    township's rows of these exactly as the township does."""
    restricted = restricted_tables()
    return {name: t for name, t in synced_tables().items() if name not in restricted}


def restricted_tables() -> dict[str, Table]:
    """The tables of the kinds only granted users read, parents first. They travel only to a
    county that states its request for them, and without the person's identity unless it asks for
    the whole rows (sync/export.py, docs/bundle-format.md §7.3)."""
    from ..services.kinds import KINDS, restricted_kinds

    out: dict[str, Table] = {}
    for kind in restricted_kinds():
        spec = KINDS[kind]
        for model in (spec.model, *(c.model for c in spec.children.values())):
            out[model.__tablename__] = model.__table__  # type: ignore[attr-defined]
    return out


# -- encoding ---------------------------------------------------------------------------------
def _iso_dt(v: datetime) -> str:
    return v.isoformat(timespec="microseconds")


def _iso_d(v: date) -> str:
    return v.isoformat()


def _b64(v: bytes) -> str:
    return base64.b64encode(v).decode("ascii")


def encoders(table: Table) -> list[tuple[str, Callable[[Any], Any] | None]]:
    """(column name, converter or None) for each column that travels (not the store-local
    `audit_hash`), in column order; select `content_columns(table)` to feed `encode_row`."""
    out: list[tuple[str, Callable[[Any], Any] | None]] = []
    for c in content_columns(table):
        kind = column_kind(c)
        conv = {"datetime": _iso_dt, "date": _iso_d, "bytes": _b64}.get(kind)
        out.append((c.name, conv))
    return out


def encode_row(encs: list[tuple[str, Callable[[Any], Any] | None]], row: Any) -> dict[str, Any]:
    """A Core row (tuple in column order) as its JSON-ready dict."""
    return {name: (conv(v) if conv is not None and v is not None else v) for (name, conv), v in zip(encs, row, strict=True)}


# -- decoding and validation ------------------------------------------------------------------
class RowRejected(Exception):
    """One row failed validation; `reason` is the Chinese message for the receipt."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _refuse(name: str, problem: Problem | None) -> None:
    """Raise the shared rule's refusal (domain/rowrules.py) as this column's receipt reason."""
    if problem is not None:
        raise RowRejected(f"字段 {name}：{problem.message}")


def _check_str(name: str, maxlen: int | None) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if type(v) is not str:
            raise RowRejected(f"字段 {name}：应为文本")
        _refuse(name, text_problem(v, maxlen))
        return v
    return check


def _check_int(name: str, bounds: tuple[int, int]) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if type(v) is not int:
            raise RowRejected(f"字段 {name}：应为整数")
        _refuse(name, int_problem(v, bounds))
        return v
    return check


def _check_bool(name: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if type(v) is not bool:
            raise RowRejected(f"字段 {name}：应为 true 或 false")
        return v
    return check


def _check_float(name: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if type(v) not in (int, float):
            raise RowRejected(f"字段 {name}：应为数值")
        _refuse(name, float_problem(float(v)))
        return float(v)
    return check


def _check_datetime(name: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        try:
            if type(v) is not str:
                raise ValueError
            d = datetime.fromisoformat(v)
        except ValueError:
            raise RowRejected(f"字段 {name}：应为带时区的 ISO 8601 时间") from None
        if d.utcoffset() is None:
            raise RowRejected(f"字段 {name}：时间缺少时区")
        return d
    return check


def _check_date(name: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        try:
            if type(v) is not str or len(v) != 10:
                raise ValueError
            return date.fromisoformat(v)
        except ValueError:
            raise RowRejected(f"字段 {name}：应为 YYYY-MM-DD 格式的日期") from None
    return check


def _check_bytes(name: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        try:
            if type(v) is not str:
                raise ValueError
            return base64.b64decode(v, validate=True)
        except (ValueError, binascii.Error):
            raise RowRejected(f"字段 {name}：应为 base64 编码的二进制数据") from None
    return check


def _content_matches_hash(values: dict[str, Any]) -> None:
    """An attachment's bytes must be what its hash says, and within what may travel."""
    import hashlib

    from ..store.attachments import inflate
    from .attachments import TRAVEL_MAX_BYTES

    data = inflate(values["content_zlib"], TRAVEL_MAX_BYTES)
    if data is None:
        raise RowRejected(f"字段 content_zlib：不是 zlib 数据，或解压后超过 {TRAVEL_MAX_BYTES // 1048576} MB 的上报上限")
    if hashlib.sha256(data).hexdigest() != values["sha256"]:
        raise RowRejected("字段 content_zlib：附件内容与其 SHA-256 不符")


# Checks across the columns of one row, by table (after every column passed its own check).
ROW_CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {"attachment_content": _content_matches_hash}


@dataclass
class TableCodec:
    """Validation of incoming rows for one table of the county schema."""

    table: Table
    names: frozenset[str]
    checks: list[tuple[str, bool, Callable[[Any], Any]]]
    foreign_keys: list[tuple[str, str, str]]  # (column, target table, target column)
    unique: list[str]  # single columns with a unique constraint besides the primary key
    local: list[str] = field(default_factory=list)  # store-local columns: not in bundles, NULL at the county

    @classmethod
    def for_table(cls, table: Table) -> TableCodec:
        checks: list[tuple[str, bool, Callable[[Any], Any]]] = []
        for c in content_columns(table):
            kind = column_kind(c)
            maker: Callable[[Any], Any]
            if kind == "str":
                maker = _check_str(c.name, getattr(c.type, "length", None))
            elif kind == "int":
                maker = _check_int(c.name, INT32)
            elif kind == "int64":
                maker = _check_int(c.name, INT64)
            elif kind == "bool":
                maker = _check_bool(c.name)
            elif kind == "float":
                maker = _check_float(c.name)
            elif kind == "datetime":
                maker = _check_datetime(c.name)
            elif kind == "date":
                maker = _check_date(c.name)
            elif kind == "bytes":
                maker = _check_bytes(c.name)
            else:
                maker = lambda v: v  # noqa: E731  (JSON columns take any JSON value)
            checks.append((c.name, bool(c.nullable) and not c.primary_key, maker))
        fks = [(c.name, fk.column.table.name, fk.column.name) for c in table.columns for fk in c.foreign_keys]
        unique = [c.name for c in table.columns if c.unique and not c.primary_key]
        unique += [next(iter(ix.columns)).name for ix in table.indexes if ix.unique and len(ix.columns) == 1]
        unique += [next(iter(uc.columns)).name for uc in table.constraints
                   if isinstance(uc, sa.UniqueConstraint) and len(uc.columns) == 1]
        local = [c.name for c in table.columns if c.name in LOCAL_COLUMNS]
        return cls(table, frozenset(c.name for c in content_columns(table)), checks, fks, sorted(set(unique)), local)

    def decode(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Validated Python values for every column, or RowRejected with the first problem."""
        if obj.keys() != self.names:
            missing = sorted(self.names - obj.keys())
            if missing:
                raise RowRejected(f"缺少字段 {'、'.join(missing)}")
            extra = sorted(obj.keys() - self.names)
            raise RowRejected(f"县级系统没有字段 {'、'.join(extra)}（请先升级县级软件）")
        out: dict[str, Any] = {}
        for name, nullable, check in self.checks:
            v = obj[name]
            if v is None:
                if not nullable:
                    raise RowRejected(f"字段 {name}：不能为空")
                out[name] = None
            else:
                out[name] = check(v)
        for name in self.local:
            out[name] = None
        fill_derived(self.table.name, out)
        if out["revision"] < 1:
            raise RowRejected("字段 revision：应为正整数")
        if (cross := ROW_CHECKS.get(self.table.name)) is not None:
            cross(out)
        return out
