"""The service facade: who is acting, on which store, under which deadline policy and code tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from ..domain import clock
from ..domain.codes import CodeTables
from ..domain.deadlines import CADENCE_PREFIX, DISPUTE_WINDOW_SETTINGS, DeadlinePolicy, DeadlineRule
from ..domain.errors import DomainError, PermissionDenied
from ..domain.models import CodeItem, Holiday, Setting, Township
from ..domain.roles import GRANT_LABELS, GRANT_SETTING_PREFIX, Perm, require
from ..resources import resource_path
from ..store.database import Store
from .admin import AdminOps
from .attachments import AttachmentOps
from .queries import QueryOps
from .records import RecordOps

if TYPE_CHECKING:
    from .kinds import KindSpec

SYSTEM_USER = "system"


@dataclass(frozen=True)
class Actor:
    """The signed-in user every change is attributed to."""

    username: str
    role: str
    display_name: str = ""


_DEFAULT_CODES: CodeTables | None = None


def default_codes() -> CodeTables:
    """The shipped code tables from resources/codes/codes.json (loaded once)."""
    global _DEFAULT_CODES
    if _DEFAULT_CODES is None:
        _DEFAULT_CODES = CodeTables.from_json(resource_path("codes", "codes.json"))
    return _DEFAULT_CODES


class Services(RecordOps, QueryOps, AdminOps, AttachmentOps):
    """Every operation on a store, performed as `actor`. Each write is one transaction."""

    def __init__(self, store: Store, actor: Actor, *, today: Callable[[], date] = clock.today) -> None:
        self.store = store
        self.actor = actor
        self._today = today
        self._codes: CodeTables | None = None
        self._policy: DeadlinePolicy | None = None
        self._township: Township | None = None
        self._grants: frozenset[str] | None = None

    # -- context ------------------------------------------------------------------------------
    def today(self) -> date:
        """Today in China time (domain/clock.py), unless the caller gave its own clock."""
        return self._today()

    def session(self) -> Session:
        """A session whose synced rows are checked against the county's row rules when flushed."""
        from .rowguard import guard

        return guard(self.store.session())

    def require(self, perm: Perm, what: str) -> None:
        require(self.actor.role, perm, what)

    def grants(self) -> frozenset[str]:
        """The per-user grants (domain/roles.py GRANT_LABELS) the actor holds."""
        if self._grants is None:
            with self.session() as s:
                rows = s.execute(select(Setting.key, Setting.value).where(
                    Setting.key.startswith(GRANT_SETTING_PREFIX))).all()  # type: ignore[attr-defined]
            self._grants = frozenset(key[len(GRANT_SETTING_PREFIX):] for key, value in rows
                                     if self.actor.username in value.split("\n"))
        return self._grants

    def may_read(self, kind: str) -> bool:
        """Whether the actor may read records of `kind` (kinds with a read grant: only its holders)."""
        from .kinds import kind_spec

        grant = kind_spec(kind).read_grant
        return grant is None or grant in self.grants()

    def require_read(self, spec: KindSpec) -> None:
        """PermissionDenied naming the grant unless the actor may read records of `spec`'s kind."""
        if spec.read_grant is not None and spec.read_grant not in self.grants():
            raise PermissionDenied(f"当前用户（{self.actor.username}）无权查看{spec.label}：需要管理员授予"
                                   f"“{GRANT_LABELS.get(spec.read_grant, spec.read_grant)}”权限")

    @property
    def township(self) -> Township:
        """This installation's own township (set by `initialize`)."""
        if self._township is None:
            with self.session() as s:
                code = s.get(Setting, "township_code")
                if code is None:
                    raise DomainError("数据库尚未初始化，请先运行 zongzhi init 或 zongzhi demo")
                t = s.execute(select(Township).where(Township.code == code.value)).scalar_one()
                self._township = t
        return self._township

    @property
    def codes(self) -> CodeTables:
        if self._codes is None:
            with self.session() as s:
                rows = s.execute(
                    select(CodeItem.table_name, CodeItem.code, CodeItem.label, CodeItem.sort_order, CodeItem.active)
                ).all()
            self._codes = CodeTables.from_rows(default_codes(), [tuple(r) for r in rows])
        return self._codes

    @property
    def policy(self) -> DeadlinePolicy:
        if self._policy is None:
            with self.session() as s:
                rule = s.get(Setting, "deadline_rule")
                days = s.execute(select(Holiday.day, Holiday.is_workday)).all()
                windows = dict(s.execute(select(Setting.key, Setting.value).where(
                    Setting.key.in_(tuple(DISPUTE_WINDOW_SETTINGS)))).all())  # type: ignore[attr-defined]
                cadences = s.execute(select(Setting.key, Setting.value).where(
                    Setting.key.startswith(CADENCE_PREFIX)).order_by(Setting.key)).all()  # type: ignore[attr-defined]
            self._policy = DeadlinePolicy(
                rule=DeadlineRule(rule.value) if rule else DeadlineRule.CALENDAR,
                holidays=frozenset(d for d, w in days if not w),
                workdays=frozenset(d for d, w in days if w),
                **DeadlinePolicy.windows_from_settings(windows),
                cadences=tuple((k[len(CADENCE_PREFIX):], v) for k, v in cadences),
            )
        return self._policy

    def invalidate_caches(self) -> None:
        self._codes = None
        self._policy = None
        self._township = None
        self._grants = None


def open_services(path: str | Path, actor: Actor | None = None, **kw: object) -> Services:
    """Open (and upgrade) a store and return services acting as `actor` (system by default)."""
    store = Store(path)
    return Services(store, actor or Actor(SYSTEM_USER, "admin", "系统"), **kw)  # type: ignore[arg-type]
