"""Record lists that stay fast with a million rows: SQL does the sorting, filtering and searching.

Used by the window's table models, the dashboard drill-downs, the XLSX export, tests and the UI
benchmark. Never imports Qt.

* A list is a `ListQuery` (kind, filters, search text, sort). `Lister.count` and `Lister.page`
  turn it into one SQL statement each: `WHERE` for the filters, `ORDER BY <indexed column>, rowid`
  and `LIMIT/OFFSET` for a page. Pages past the middle are read in reverse order from the end, so
  the largest offset SQLite ever walks is half the list.
* Search: every term, of any length, is looked up in the n-gram index of its kind
  (store/search_index.py: 1-3 characters one lookup, longer terms their 3-character substrings
  confirmed on the candidates' text). A search materializes the ordered rowids once, then pages
  come from that array.
* Identifier columns are masked unless the actor may see personal data (Perm.VIEW_PERSONAL).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import pinyin
from ..domain import workflows as wf
from ..domain.errors import DomainError
from ..domain.masking import mask_id_number, mask_phone
from ..store.search_index import (
    GRAM_MAX,
    LIST_INDEXES,
    SOURCES,
    index_name,
    term_condition,
    term_rowids,
)

if TYPE_CHECKING:
    from .context import Services


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    """Marks a label for the translation catalog; the UI translates it with context "listing"."""
    return text


PAGE_SIZE = 100
CELL_WORDS = {
    "yes": QT_TRANSLATE_NOOP("listing", "是"),
    "overdue": QT_TRANSLATE_NOOP("listing", "逾期{n}天"),
    "due_today": QT_TRANSLATE_NOOP("listing", "今天到期"),
    "left": QT_TRANSLATE_NOOP("listing", "剩{n}天"),
}


@dataclass(frozen=True)
class Column:
    """One list column. `sort` is the ORDER BY key (an indexed column list) or () if not sortable."""

    key: str
    label: str
    sql: str
    sort: tuple[str, ...] = ()
    fmt: str = "text"  # text|date|code|state|bool|int|id_number|phone|deadline|days
    code_table: str | None = None
    width: int = 8  # width hint in characters


@dataclass(frozen=True)
class ListSpec:
    """How one record kind is listed, filtered and searched."""

    kind: str
    table: str
    label: str
    columns: tuple[Column, ...]
    default_sort: str
    default_desc: bool = True
    date_field: str | None = None  # registration date (date range filter, "new in period")
    date_label: str = ""
    resolved_field: str | None = None  # concluded/resolved date ("resolved in period")
    workflow: wf.Workflow | None = None
    type_col: str | None = None
    type_table: str | None = None
    village_col: str | None = "village_id"
    has_risk: bool = False
    homicide_filter: bool = True  # with has_risk: the 易引发命案 filter (a dispute column)
    like_columns: tuple[str, ...] = ()
    like_extra: tuple[str, ...] = ()  # "t.col IN (SELECT … WHERE x LIKE ?)" with one ? each
    # A page costs more than the rows it shows (a count per row over a large child table: the team
    # list's 队员数 reads ~90,000 memberships at 1,000,000 records, 0.3 s): the window reads its pages
    # off the GUI thread.
    slow_pages: bool = False

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise DomainError(f"{self.label}列表没有“{key}”列")

    @property
    def has_deadline(self) -> bool:
        return self.workflow is not None


def _c(key: str, label: str, sql: str | None = None, *, sort: tuple[str, ...] | bool = (), fmt: str = "text",
       code: str | None = None, width: int = 8) -> Column:
    expr = sql or f"t.{key}"
    sort_cols: tuple[str, ...] = (expr,) if sort is True else (sort or ())  # type: ignore[assignment]
    return Column(key, label, expr, sort_cols, fmt, code, width)


def _ref(table: str, col: str) -> str:
    return f"(SELECT x.name FROM {table} x WHERE x.id = t.{col})"


_VILLAGE = _c("village", QT_TRANSLATE_NOOP("listing", "村(社区)"), _ref("village", "village_id"), width=8)
_STATUS = "status"


def _deadline_cols() -> tuple[Column, ...]:
    return (
        _c("next_deadline", QT_TRANSLATE_NOOP("listing", "下一期限"), sort=True, fmt="date", width=7),
        _c("days_left", QT_TRANSLATE_NOOP("listing", "期限提示"), "t.next_deadline", sort=("t.next_deadline",), fmt="days", width=5),
    )


SPECS: dict[str, ListSpec] = {}


def _reg(spec: ListSpec) -> None:
    SPECS[spec.kind] = spec


_reg(ListSpec(
    "petition", "petition", QT_TRANSLATE_NOOP("listing", "信访件"),
    (
        _c("serial", QT_TRANSLATE_NOOP("listing", "编号"), sort=True, width=9),
        _c("received_date", QT_TRANSLATE_NOOP("listing", "收件日期"), sort=("t.received_date", "t.status"), fmt="date", width=7),
        _c("petitioner_name", QT_TRANSLATE_NOOP("listing", "信访人"), sort=("t.petitioner_pinyin",), width=5),
        _c(_STATUS, QT_TRANSLATE_NOOP("listing", "状态"), sort=("t.status", "t.received_date"), fmt="state", width=7),
        *_deadline_cols(),
        _c("form", QT_TRANSLATE_NOOP("listing", "形式"), fmt="code", code="petition_form", width=3),
        _c("category", QT_TRANSLATE_NOOP("listing", "类别"), fmt="code", code="petition_category", width=6),
        _VILLAGE,
        _c("id_number", QT_TRANSLATE_NOOP("listing", "身份证号"), fmt="id_number", width=11),
        _c("phone", QT_TRANSLATE_NOOP("listing", "联系电话"), fmt="phone", width=8),
        _c("request", QT_TRANSLATE_NOOP("listing", "信访请求"), "substr(t.request, 1, 60)", width=20),
    ),
    "received_date", date_field="received_date", date_label=QT_TRANSLATE_NOOP("listing", "收件日期"), resolved_field="reply_date",
    workflow=wf.PETITION, type_col="category", type_table="petition_category",
    like_columns=("petitioner_name", "representatives", "id_number", "phone", "request", "facts", "reasons", "address"),
))
_reg(ListSpec(
    "dispute", "dispute", QT_TRANSLATE_NOOP("listing", "矛盾纠纷"),
    (
        _c("serial", QT_TRANSLATE_NOOP("listing", "编号"), sort=True, width=9),
        _c("found_date", QT_TRANSLATE_NOOP("listing", "发现日期"), sort=("t.found_date", "t.status"), fmt="date", width=7),
        _c("title", QT_TRANSLATE_NOOP("listing", "纠纷名称"), width=14),
        _c("parties", QT_TRANSLATE_NOOP("listing", "当事人"),
           "(SELECT group_concat(p.name, '、') FROM dispute_party p WHERE p.dispute_id = t.id AND p.voided = 0)",
           width=9),
        _c(_STATUS, QT_TRANSLATE_NOOP("listing", "状态"), sort=("t.status", "t.found_date"), fmt="state", width=5),
        *_deadline_cols(),
        _c("type", QT_TRANSLATE_NOOP("listing", "类型"), sort=("t.type", "t.found_date"), fmt="code", code="dispute_type", width=6),
        _c("risk_level", QT_TRANSLATE_NOOP("listing", "风险"), sort=("t.risk_level", "t.found_date"), fmt="code", code="risk_level",
           width=3),
        _c("homicide_risk", QT_TRANSLATE_NOOP("listing", "易引发命案"), fmt="bool", width=5),
        _VILLAGE,
    ),
    "found_date", date_field="found_date", date_label=QT_TRANSLATE_NOOP("listing", "发现日期"), resolved_field="resolved_date",
    workflow=wf.DISPUTE, type_col="type", type_table="dispute_type", has_risk=True,
    like_columns=("title", "description"),
    like_extra=("t.id IN (SELECT p.dispute_id FROM dispute_party p WHERE p.voided = 0 AND "
                "(p.name LIKE ?1 ESCAPE '\\' OR p.id_number LIKE ?1 ESCAPE '\\' OR p.phone LIKE ?1 ESCAPE '\\'))",),
))
_reg(ListSpec(
    "package", "case_package", QT_TRANSLATE_NOOP("listing", "领导包案"),
    (
        _c("serial", QT_TRANSLATE_NOOP("listing", "编号"), sort=True, width=9),
        _c("start_date", QT_TRANSLATE_NOOP("listing", "包案日期"), sort=("t.start_date", "t.status"), fmt="date", width=7),
        _c("title", QT_TRANSLATE_NOOP("listing", "包案事项"), width=18),
        _c("leader", QT_TRANSLATE_NOOP("listing", "包案领导"), _ref("leader", "leader_id"), width=5),
        _c(_STATUS, QT_TRANSLATE_NOOP("listing", "状态"), sort=("t.status", "t.start_date"), fmt="state", width=5),
        _c("target_date", QT_TRANSLATE_NOOP("listing", "化解时限"), sort=True, fmt="date", width=7),
        *_deadline_cols(),
        _c("unit", QT_TRANSLATE_NOOP("listing", "责任单位"), _ref("department", "unit_department_id"), width=9),
        _c("supervised", QT_TRANSLATE_NOOP("listing", "挂牌督办"), fmt="bool", width=4),
    ),
    "start_date", date_field="start_date", date_label=QT_TRANSLATE_NOOP("listing", "包案日期"), resolved_field="closed_date",
    workflow=wf.PACKAGE, village_col=None, like_columns=("title", "plan", "staff"),
    like_extra=("t.leader_id IN (SELECT l.id FROM leader l WHERE l.name LIKE ?1 ESCAPE '\\')",),
))
_reg(ListSpec(
    "team", "volunteer_team", QT_TRANSLATE_NOOP("listing", "志愿服务队"),
    (
        _c("name", QT_TRANSLATE_NOOP("listing", "队伍名称"), sort=True, width=14),
        _c("type", QT_TRANSLATE_NOOP("listing", "队伍类型"), fmt="code", code="team_type", width=8),
        _c("leader_name", QT_TRANSLATE_NOOP("listing", "负责人"), width=8),
        _c("phone", QT_TRANSLATE_NOOP("listing", "负责人电话"), fmt="phone", width=8),
        _VILLAGE,
        _c("founded_date", QT_TRANSLATE_NOOP("listing", "成立日期"), fmt="date", width=7),
        _c("members", QT_TRANSLATE_NOOP("listing", "队员数"),
           "(SELECT count(*) FROM team_member m WHERE m.team_id = t.id AND m.voided = 0)", fmt="int", width=5),
    ),
    "name", default_desc=False, type_col="type", type_table="team_type",
    like_columns=("name", "leader_name", "phone"), slow_pages=True,
))
_reg(ListSpec(
    "volunteer", "volunteer", QT_TRANSLATE_NOOP("listing", "志愿者"),
    (
        _c("name", QT_TRANSLATE_NOOP("listing", "姓名"), sort=True, width=8),
        _c("gender", QT_TRANSLATE_NOOP("listing", "性别"), fmt="code", code="gender", width=3),
        _c("phone", QT_TRANSLATE_NOOP("listing", "电话"), fmt="phone", width=8),
        _c("id_number", QT_TRANSLATE_NOOP("listing", "身份证号"), fmt="id_number", width=11),
        _VILLAGE,
        _c("teams", QT_TRANSLATE_NOOP("listing", "所属队伍"),
           "(SELECT group_concat(vt.name, '、') FROM team_member m JOIN volunteer_team vt ON vt.id = m.team_id "
           "WHERE m.volunteer_id = t.id AND m.voided = 0)", width=14),
        _c("skills", QT_TRANSLATE_NOOP("listing", "技能特长"), width=12),
        _c("active", QT_TRANSLATE_NOOP("listing", "在册"), fmt="bool", width=3),
    ),
    "name", default_desc=False, like_columns=("name", "phone", "id_number", "skills"),
))
_reg(ListSpec(
    "activity", "activity", QT_TRANSLATE_NOOP("listing", "志愿活动"),
    (
        _c("serial", QT_TRANSLATE_NOOP("listing", "编号"), sort=True, width=9),
        _c("activity_date", QT_TRANSLATE_NOOP("listing", "活动日期"), sort=True, fmt="date", width=7),
        _c("team", QT_TRANSLATE_NOOP("listing", "志愿服务队"), _ref("volunteer_team", "team_id"), width=12),
        _c("type", QT_TRANSLATE_NOOP("listing", "活动类型"), fmt="code", code="activity_type", width=8),
        _c("place", QT_TRANSLATE_NOOP("listing", "地点"), width=10),
        _c("content", QT_TRANSLATE_NOOP("listing", "活动内容"), "substr(t.content, 1, 60)", width=22),
        _VILLAGE,
        _c("participants", QT_TRANSLATE_NOOP("listing", "参与人数"),
           "(SELECT count(*) FROM activity_participant a WHERE a.activity_id = t.id AND a.voided = 0)",
           fmt="int", width=5),
        _c("people_served", QT_TRANSLATE_NOOP("listing", "服务人次"), fmt="int", width=5),
    ),
    "activity_date", date_field="activity_date", date_label=QT_TRANSLATE_NOOP("listing", "活动日期"), type_col="type",
    type_table="activity_type", like_columns=("place", "content"),
))
_reg(ListSpec(
    "dispatch", "dispatch_item", QT_TRANSLATE_NOOP("listing", "调度事项"),
    (
        _c("serial", QT_TRANSLATE_NOOP("listing", "编号"), sort=True, width=9),
        _c("raised_date", QT_TRANSLATE_NOOP("listing", "提出日期"), sort=("t.raised_date", "t.status"), fmt="date", width=7),
        _c("title", QT_TRANSLATE_NOOP("listing", "调度事项"), width=24),
        _c("department", QT_TRANSLATE_NOOP("listing", "责任单位"), _ref("department", "department_id"), width=10),
        _c("deadline", QT_TRANSLATE_NOOP("listing", "完成时限"), fmt="date", width=7),
        _c(_STATUS, QT_TRANSLATE_NOOP("listing", "状态"), sort=("t.status", "t.raised_date"), fmt="state", width=6),
        _c("done_date", QT_TRANSLATE_NOOP("listing", "完成日期"), fmt="date", width=7),
        *_deadline_cols(),
    ),
    "raised_date", date_field="raised_date", date_label=QT_TRANSLATE_NOOP("listing", "提出日期"), resolved_field="done_date",
    workflow=wf.DISPATCH, village_col=None, like_columns=("title", "description"),
))



def _add_registered_kinds() -> None:
    """The lists of the kinds added through the registry (zongzhi_desktop/kinds)."""
    from ..kinds import parts

    for part in parts("listing"):
        _reg(part.LIST_SPEC)


_add_registered_kinds()
LIST_KINDS = tuple(SPECS)
OPEN = "__open__"  # status filter value: any open (在办) state


def list_spec(kind: str) -> ListSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise DomainError(f"没有“{kind}”类记录的列表，可用：{'、'.join(SPECS)}") from None


@dataclass(frozen=True)
class ListQuery:
    """What a list shows. Immutable and hashable: it is also the cache key."""

    kind: str
    search: str = ""
    status: str | None = None  # a workflow state, OPEN for every open state, None for all
    type: str | None = None
    village_id: str | None = None
    township_code: str | None = None  # one township's records (the county's lists)
    risk_level: str | None = None
    homicide_risk: bool = False
    overdue: bool = False  # open with next deadline before today
    due_within: int | None = None  # open with next deadline from today to today + n days
    date_from: date | None = None
    date_to: date | None = None
    date_basis: str = "registered"  # or "resolved": the date range applies to the resolution date
    ids: tuple[str, ...] | None = None  # exactly these records (a report's drill-down)
    sort: str | None = None  # column key; None = the kind's default
    descending: bool | None = None
    title: str = ""  # a preset's description, shown above the list

    def with_sort(self, key: str | None, descending: bool | None) -> ListQuery:
        return replace(self, sort=key, descending=descending)

    def filters_only(self) -> ListQuery:
        """The same rows without sort (the count's cache key)."""
        return replace(self, sort=None, descending=None, title="")


@dataclass(slots=True)
class ListRow:
    id: str
    cells: list[str]
    deadline_state: int = 0  # -1 overdue, 1 due within the warning window, 0 otherwise


@dataclass
class _Compiled:
    where: str
    params: list[Any] = field(default_factory=list)
    like: bool = False  # contains a base-table LIKE scan (worth materializing)


# A search with at least this many hits is ordered by walking the sort's list index on an encrypted
# store (Lister._search_order_hint).
SEARCH_WALK_MIN_HITS = 2000


def like_pattern(term: str) -> str:
    """`term` as a LIKE substring pattern with %, _ and the escape character escaped."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_terms(text: str) -> list[str]:
    return [t for t in (text or "").split() if t]


def _pinyin_compare(a: str | None, b: str | None) -> int:
    """The PINYIN collation: names in pinyin order (艾 < 白 < 陈 …), then by the text itself."""
    ka, kb = pinyin.sort_key(a), pinyin.sort_key(b)
    return (ka > kb) - (ka < kb)


class Lister:
    """Runs list queries for one signed-in actor. One SQLite connection per thread."""

    DUE_SOON_DAYS = 7
    # Name columns sorted in pinyin order (PINYIN collation, domain/pinyin.py) while the table has at
    # most this many live rows: a township's teams and volunteers. Larger tables (the county's) keep
    # the indexed code-point order — a collation in Python cannot use an index and sorts every row.
    PINYIN_SORT_MAX = 2000
    PINYIN_COLUMNS = frozenset({("volunteer_team", "t.name"), ("volunteer", "t.name")})

    def __init__(self, services: Services, *, cache_pages: int = 64) -> None:
        self.services = services
        engine = services.store.engine
        if engine.dialect.name != "sqlite":
            raise DomainError("记录列表只支持本机 SQLite 数据库")
        self._db_path = engine.url.database
        self._key = services.store.key  # an encrypted store's lists read it with its key
        self._local = threading.local()
        self._counts: dict[ListQuery, int] = {}
        self._materialized: OrderedDict[ListQuery, array[int]] = OrderedDict()
        self._sizes: dict[str, int] = {}  # live rows per table (whether a name sorts by pinyin)
        self._lock = threading.Lock()
        self.show_personal = services.may_see_personal()
        # Words inside cells; the window replaces them with their translations.
        self.words = dict(CELL_WORDS)

    # -- connection -----------------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            from ..store.engine import connect_file

            conn = connect_file(self._db_path, self._key)
            conn.isolation_level = None
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA query_only=1")  # lists never write
            conn.execute("PRAGMA cache_size=-16000")  # 16 MB page cache
            conn.create_collation("PINYIN", _pinyin_compare)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def invalidate(self) -> None:
        """Forget cached counts and search results (after a write)."""
        with self._lock:
            self._counts.clear()
            self._materialized.clear()
            self._sizes.clear()

    # -- SQL building ---------------------------------------------------------------------------
    def _compile(self, q: ListQuery) -> _Compiled:
        if not self.services.may_read(q.kind):  # a register only users granted it may read
            from .kinds import kind_spec

            self.services.require_read(kind_spec(q.kind))
        spec = list_spec(q.kind)
        conds = ["t.voided = 0"]
        params: list[Any] = []
        like = False
        today = self.services.today()
        if q.status and spec.workflow:
            if q.status == OPEN:
                states = sorted(spec.workflow.open_states)
                conds.append(f"t.status IN ({', '.join('?' * len(states))})")
                params.extend(states)
            else:
                if q.status not in spec.workflow.states:
                    raise DomainError(f"{spec.label}没有状态“{q.status}”")
                conds.append("t.status = ?")
                params.append(q.status)
        if q.type and spec.type_col:
            conds.append(f"t.{spec.type_col} = ?")
            params.append(q.type)
        if q.village_id and spec.village_col:
            conds.append(f"t.{spec.village_col} = ?")
            params.append(q.village_id)
        if q.township_code:
            conds.append("t.township_code = ?")
            params.append(q.township_code)
        if spec.has_risk:
            if q.risk_level:
                conds.append("t.risk_level = ?")
                params.append(q.risk_level)
            if q.homicide_risk:
                conds.append("t.homicide_risk = 1")
        if spec.has_deadline:
            # next_deadline is only set while a record is open (workflows.REFRESHERS).
            if q.overdue and q.due_within is None:
                conds.append("t.next_deadline < ?")
                params.append(today.isoformat())
            elif q.due_within is not None and not q.overdue:
                conds.append("t.next_deadline >= ? AND t.next_deadline <= ?")
                params.extend([today.isoformat(), (today + timedelta(days=q.due_within)).isoformat()])
            elif q.due_within is not None:
                conds.append("t.next_deadline <= ?")
                params.append((today + timedelta(days=q.due_within)).isoformat())
        elif q.overdue or q.due_within is not None:
            conds.append("0")  # kinds without deadlines are never overdue
        date_col = spec.resolved_field if q.date_basis == "resolved" else spec.date_field
        if (q.date_from or q.date_to) and date_col is None:
            conds.append("0")
        if date_col and q.date_from:
            conds.append(f"t.{date_col} >= ?")
            params.append(q.date_from.isoformat())
        if date_col and q.date_to:
            conds.append(f"t.{date_col} <= ?")
            params.append(q.date_to.isoformat())
        if q.date_basis == "resolved" and spec.kind == "dispute":
            conds.append("t.outcome = 'success'")  # resolved = mediation ended in success
        if q.ids is not None:
            conds.append("t.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(q.ids)))
        for term in search_terms(q.search):
            if spec.table in SOURCES:
                # Any length through the n-gram index (store/search_index.py).
                cond, args = term_condition(spec.table, term)
                conds.append(cond)
                params.extend(args)
            else:
                like = True
                n = len(params) + 1
                ors = [f"t.{c} LIKE ?{n} ESCAPE '\\'" for c in spec.like_columns]
                ors += [extra.replace("?1", f"?{n}") for extra in spec.like_extra]
                conds.append("(" + " OR ".join(ors) + ")")
                params.append(like_pattern(term))
        return _Compiled(" AND ".join(conds), params, like)

    def _order(self, q: ListQuery, reverse: bool = False) -> str:
        spec = list_spec(q.kind)
        col = spec.column(q.sort or spec.default_sort)
        if not col.sort:
            col = spec.column(spec.default_sort)
        desc = spec.default_desc if q.descending is None else q.descending
        if reverse:
            desc = not desc
        d = " DESC" if desc else ""
        keys = [*col.sort, "t.rowid"]
        if (spec.table, keys[0]) in self.PINYIN_COLUMNS and self._table_size(spec.table) <= self.PINYIN_SORT_MAX:
            keys[0] += " COLLATE PINYIN"
        if self._selective_range(q, col):
            # A deadline or resolution-date range selects few rows through its own index; a unary
            # + keeps SQLite from walking the sort index instead (and looking up every row).
            keys[0] = "+" + keys[0]
        return "ORDER BY " + ", ".join(f"{e}{d}" for e in keys)

    def _table_size(self, table: str) -> int:
        with self._lock:
            if table in self._sizes:
                return self._sizes[table]
        n = int(self.connection().execute(f"SELECT count(*) FROM {table} WHERE voided = 0").fetchone()[0])
        with self._lock:
            self._sizes[table] = n
        return n

    @staticmethod
    def _selective_range(q: ListQuery, col: Column) -> bool:
        if (q.overdue or q.due_within is not None) and col.sort[0] != "t.next_deadline":
            return True
        return q.date_basis == "resolved" and bool(q.date_from or q.date_to)

    def _select_list(self, spec: ListSpec) -> str:
        return ", ".join(["t.id", "t.next_deadline" if spec.has_deadline else "NULL"] + [c.sql for c in spec.columns])

    # -- queries --------------------------------------------------------------------------------
    def count(self, q: ListQuery) -> int:
        """Number of rows the query lists."""
        key = q.filters_only()
        with self._lock:
            if key in self._counts:
                return self._counts[key]
        compiled = self._compile(q)
        fast = self._first_page_plan(q) if q.search else None
        if fast is not None:
            n = self._frequent_count(q)
        elif compiled.like or q.search:
            n = len(self._rowids(q))
        else:
            spec = list_spec(q.kind)
            sql = f"SELECT count(*) FROM {spec.table} t{self._count_hint(q, compiled)} WHERE {compiled.where}"
            n = int(self.connection().execute(sql, compiled.params).fetchone()[0])
        with self._lock:
            self._counts[key] = n
        return n

    def _search_order_hint(self, q: ListQuery) -> str:
        """On an encrypted store, order a plain search's hits by walking the list index of the sort.

        By default SQLite looks up every hit's row for its sort keys and sorts them: 13,528 random table
        pages for 宅基地 among 1,000,000 records, cheap from the OS cache of a plain file but each one
        decrypted and authenticated on an encrypted store (102 ms against 40 ms). Walking the partial
        index (date, status) in order reads a few thousand small pages instead (45 ms); on a plain
        store that walk is the slower plan (60 ms), so it is used on encrypted stores only — and not
        for a term the full-text index finds rarely (walking 339,000 index entries for no hit costs
        30 ms; looking up a few hundred rows costs nothing).
        """
        if self._key is None or not q.search:
            return ""
        if replace(q, search="", sort=None, descending=None, title="") != ListQuery(q.kind):
            return ""  # other filters choose their own plan
        spec = list_spec(q.kind)
        col = spec.column(q.sort or spec.default_sort)
        if not col.sort or self._selective_range(q, col):
            return ""
        cols = tuple(c.removeprefix("t.") for c in col.sort)
        if cols not in LIST_INDEXES.get(spec.table, ()):
            return ""
        conn = self.connection()
        hits = min(  # the n-gram index estimates its hits cheaply (no text read): few hits, no walk
            int(conn.execute(f"SELECT count(*) FROM ({select})", args).fetchone()[0])
            for select, args in (term_rowids(spec.table, term, confirm=False) for term in search_terms(q.search)))
        if hits < SEARCH_WALK_MIN_HITS:
            return ""
        return f" INDEXED BY {index_name(spec.table, cols)}"

    def _first_page_plan(self, q: ListQuery) -> str | None:
        """The index hint for reading a frequent term's first page and count without ordering every hit.

        A term of 1-3 characters found thousands of times (where `_search_order_hint` walks the
        sort index) is counted by the n-gram index itself, less its voided hits, and its first page
        is the first `limit` hits of the walk: 王 among 1,000,000 records, 22,842 hits, costs a few
        milliseconds instead of ordering all of them (31 ms). Later pages order every hit once.
        """
        terms = search_terms(q.search)
        if len(terms) != 1 or len(terms[0]) > GRAM_MAX:
            return None
        spec = list_spec(q.kind)
        if "MATCH" not in term_rowids(spec.table, terms[0])[0]:
            return None  # a control character: the text is read, not the index
        return self._search_order_hint(q) or None

    def _frequent_count(self, q: ListQuery) -> int:
        """Live hits of a one-term search: the index's hits less the voided ones (few; own index)."""
        spec = list_spec(q.kind)
        term = search_terms(q.search)[0]
        select, params = term_rowids(spec.table, term)
        conn = self.connection()
        hits = int(conn.execute(f"SELECT count(*) FROM ({select})", params).fetchone()[0])
        voided = int(conn.execute(
            # The partial index of voided rows answers `voided = 1` (ixl_<table>_voided; not named, so a
            # store that lacks it until the app repairs it still counts right, only slower).
            f"SELECT count(*) FROM {spec.table} v WHERE v.voided = 1 "
            f"AND EXISTS (SELECT 1 FROM {spec.table}_grams WHERE {spec.table}_grams MATCH ? "
            "AND rowid = v.rowid)", params).fetchone()[0])
        return hits - voided

    def _count_hint(self, q: ListQuery, compiled: _Compiled) -> str:
        """Name the index for counts SQLite tends to plan as a table scan.

        With only `voided = 0`, or with a status list (在办), the planner may scan the whole table;
        the partial list indexes hold exactly the live rows and answer the count by themselves.
        """
        spec = list_spec(q.kind)
        indexes = LIST_INDEXES.get(spec.table, ())
        if compiled.where == "t.voided = 0" and indexes:
            return f" INDEXED BY {index_name(spec.table, indexes[0])}"
        status_only = replace(q, status=None, sort=None, descending=None, title="") == ListQuery(q.kind)
        if q.status and status_only and spec.date_field and ("status", spec.date_field) in indexes:
            return f" INDEXED BY {index_name(spec.table, ('status', spec.date_field))}"
        return ""

    def _rowids(self, q: ListQuery) -> array[int]:
        """The ordered rowids of a search result (computed once per query)."""
        with self._lock:
            if q in self._materialized:
                self._materialized.move_to_end(q)
                return self._materialized[q]
        spec = list_spec(q.kind)
        compiled = self._compile(q)
        hint = self._search_order_hint(q)
        sql = f"SELECT t.rowid FROM {spec.table} t{hint} WHERE {compiled.where} {self._order(q)}"
        ids = array("q", (r[0] for r in self.connection().execute(sql, compiled.params)))
        with self._lock:
            self._materialized[q] = ids
            while len(self._materialized) > 4:
                self._materialized.popitem(last=False)
            self._counts[q.filters_only()] = len(ids)
        return ids

    def page(self, q: ListQuery, offset: int, limit: int = PAGE_SIZE) -> list[ListRow]:
        """Rows offset … offset+limit-1 of the list, formatted for display."""
        if limit <= 0 or offset < 0:
            return []
        spec = list_spec(q.kind)
        conn = self.connection()
        select = self._select_list(spec)
        if q.search:
            with self._lock:
                materialized = q in self._materialized
            fast = None if materialized or offset else self._first_page_plan(q)
            if fast is not None:  # a frequent term's first page: walk the sort index until it is full
                compiled = self._compile(q)
                rowids = array("q", (r[0] for r in conn.execute(
                    f"SELECT t.rowid FROM {spec.table} t{fast} WHERE {compiled.where} {self._order(q)} "
                    f"LIMIT {int(limit)}", compiled.params)))
            else:
                rowids = self._rowids(q)[offset:offset + limit]
            if not rowids:
                return []
            marks = ", ".join("?" * len(rowids))
            raw = conn.execute(f"SELECT t.rowid, {select} FROM {spec.table} t WHERE t.rowid IN ({marks})",
                               list(rowids)).fetchall()
            by_rowid = {r[0]: r[1:] for r in raw}
            rows = [by_rowid[r] for r in rowids if r in by_rowid]
        else:
            compiled = self._compile(q)
            total = self.count(q)
            if offset >= total:
                return []
            limit = min(limit, total - offset)
            if offset > total // 2:
                # Read from the end: the offset SQLite walks is at most half the list.
                rev_offset = total - offset - limit
                sql = (f"SELECT {select} FROM {spec.table} t WHERE {compiled.where} {self._order(q, reverse=True)} "
                       f"LIMIT {int(limit)} OFFSET {int(rev_offset)}")
                rows = conn.execute(sql, compiled.params).fetchall()[::-1]
            else:
                sql = (f"SELECT {select} FROM {spec.table} t WHERE {compiled.where} {self._order(q)} "
                       f"LIMIT {int(limit)} OFFSET {int(offset)}")
                rows = conn.execute(sql, compiled.params).fetchall()
        return [self._format(spec, r) for r in rows]

    def ids(self, q: ListQuery) -> list[str]:
        """Every record id the query lists, in list order."""
        return [row.id for row in self.iter_rows(q)]

    def iter_rows(self, q: ListQuery, batch: int = 2000) -> Iterator[ListRow]:
        """Every row of the list in order (streamed from one statement)."""
        spec = list_spec(q.kind)
        compiled = self._compile(q)
        sql = f"SELECT {self._select_list(spec)} FROM {spec.table} t WHERE {compiled.where} {self._order(q)}"
        cur = self.connection().execute(sql, compiled.params)
        while True:
            chunk = cur.fetchmany(batch)
            if not chunk:
                return
            for r in chunk:
                yield self._format(spec, r)

    # -- formatting -----------------------------------------------------------------------------
    def _format(self, spec: ListSpec, raw: tuple[Any, ...]) -> ListRow:
        rid, next_deadline = raw[0], raw[1]
        today = self.services.today()
        state = 0
        if next_deadline:
            days = (date.fromisoformat(next_deadline) - today).days
            state = -1 if days < 0 else (1 if days <= self.DUE_SOON_DAYS else 0)
        cells = [self.format_value(spec, col, value, today) for col, value in zip(spec.columns, raw[2:], strict=True)]
        return ListRow(rid, cells, state)

    def format_value(self, spec: ListSpec, col: Column, value: Any, today: date) -> str:
        if value is None or value == "":
            return ""
        fmt = col.fmt
        if fmt == "code" and col.code_table:
            return self.services.codes[col.code_table].label_of(str(value))
        if fmt == "state" and spec.workflow:
            return spec.workflow.states.get(value, value)
        if fmt == "bool":
            return self.words["yes"] if value else ""
        if fmt == "id_number":
            return str(value) if self.show_personal else mask_id_number(str(value))
        if fmt == "phone":
            return str(value) if self.show_personal else mask_phone(str(value))
        if fmt == "days":
            days = (date.fromisoformat(value) - today).days
            if days < 0:
                return self.words["overdue"].format(n=-days)
            return self.words["due_today"] if days == 0 else self.words["left"].format(n=days)
        if fmt == "int":
            return str(int(value))
        return str(value)

    # -- choices for filter boxes ---------------------------------------------------------------
    def villages(self, township_code: str | None = None) -> list[tuple[str, str]]:
        """(id, name) of the villages, optionally of one township (the county store holds many)."""
        if township_code:
            rows = self.connection().execute("SELECT id, name FROM village WHERE voided = 0 AND township_code = ? "
                                             "ORDER BY code, name", (township_code,)).fetchall()
        else:
            rows = self.connection().execute("SELECT id, name FROM village WHERE voided = 0 ORDER BY code, name").fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- export ---------------------------------------------------------------------------------
    def export_xlsx(self, q: ListQuery, path: str | Path, *,
                    progress: Callable[[int, int], bool] | None = None) -> int:
        """Write every listed row (masked by role) to an XLSX file; returns the row count.

        `progress(done, total)` is called every batch; returning False cancels (the file is removed).
        """
        from openpyxl import Workbook

        spec = list_spec(q.kind)
        total = self.count(q)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(spec.label)
        ws.append([c.label for c in spec.columns])
        done = 0
        target = Path(path)
        for row in self.iter_rows(q):
            ws.append(row.cells)
            done += 1
            if progress and done % 2000 == 0 and progress(done, total) is False:
                wb.close()
                target.unlink(missing_ok=True)
                raise DomainError("导出已取消")
        wb.save(target)
        if progress:
            progress(done, total)
        return done


def rebuild_search_index(services: Services, missing: list[str] | None = None) -> None:
    """Recreate missing search tables, triggers and list indexes (after a batch migration).

    With `missing=None` everything is rebuilt and every search table refilled.
    """
    from ..store import search_index

    with services.store.engine.begin() as conn:
        def execute(sql: str) -> None:
            conn.exec_driver_sql(sql)

        if missing is None:
            search_index.create_all(execute)
        else:
            search_index.repair(execute, missing)


def search_index_problems(services: Services) -> list[str]:
    """Names of search tables, triggers or list indexes missing from the store (empty when sound)."""
    from ..store import search_index

    if services.store.engine.dialect.name != "sqlite":
        return []
    with services.store.engine.connect() as conn:
        rows = [(r[0], r[1]) for r in conn.exec_driver_sql("SELECT type, name FROM sqlite_master")]
    return search_index.missing_objects(rows)
