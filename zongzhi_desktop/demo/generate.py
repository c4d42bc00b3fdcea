"""Fill an empty store with a realistic demo township through the bulk path."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from random import Random

from sqlalchemy import func, select
from sqlmodel import Session

from ..domain import clock
from ..domain import models as m
from ..domain.errors import DomainError
from ..services import Actor, Services, bulk
from ..services.admin import is_initialized
from ..store import status_history
from ..store.database import Store
from .context import Ctx, Staff
from .disputes import DisputeMaker
from .packages import DispatchMaker, PackageMaker
from .people import PeopleFactory
from .petitions import PetitionMaker
from .reference import build_reference
from .rows import MemoPolicy, RowFactory
from .sink import Sink
from .volunteers import make_activities, make_volunteers

MIN_RECORDS = 200
PROCESS_THRESHOLD = 20_000  # from here on a writer process pays for its start-up
DEMO_USER = "demo"  # audit entries of the generated batches are attributed to this name

# The demo's sign-in accounts: (username, display name, role, password). Documented in docs/cli.md.
DEMO_ACCOUNTS = (
    ("admin", "系统管理员", "admin", "zongzhi-admin"),
    ("clerk", "王芳", "clerk", "zongzhi-clerk"),
    ("reviewer", "李建国", "reviewer", "zongzhi-review"),
)
DEMO_TOWNSHIP = {"township_code": "330825101", "township_name": "湖镇镇", "county_code": "330825", "county_name": "龙游县"}

# Share of the main records per kind (teams come first, from the village count).
MIX = (("petition", 0.38), ("dispute", 0.34), ("activity", 0.16), ("volunteer", 0.08), ("package", 0.02), ("dispatch", 0.02))

# Every table the generator fills: their indexes and triggers are rebuilt once each table is complete.
REFERENCE_TABLES = ("village", "grid", "grid_worker", "department", "leader", "mediation_committee", "mediator",
                    "volunteer_team")
BULK_TABLES = (
    "village", "grid", "grid_worker", "department", "leader", "mediation_committee", "mediator",
    "petition", "workflow_event", "dispute", "dispute_party", "dispute_visit", "case_package", "package_link",
    "package_progress", "volunteer_team", "volunteer", "team_member", "activity", "activity_participant",
    "dispatch_item",
)


@dataclass
class DemoResult:
    records: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process
    writer_cpu_seconds: float | None = None  # the writer process, when one was used
    accounts: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # password None: kept
    township: dict[str, str] = field(default_factory=dict)


def split_records(total: int, teams: int) -> dict[str, int]:
    """How many main records of each kind make up `total` (teams counted first)."""
    rest = total - teams
    out = {kind: max(4, round(rest * share)) for kind, share in MIX[1:]}
    out["petition"] = rest - sum(out.values())
    out["team"] = teams
    return out


def check_empty(session: Session) -> None:
    """Refuse (DomainError) when the store already holds records: demo data goes into empty stores."""
    held = existing_records(session)
    if not held:
        return
    from ..services.kinds import KINDS

    labels = {spec.model.__tablename__: spec.label for spec in KINDS.values()}
    main = "、".join(f"{labels[t]} {n}" for t, n in sorted(held.items()) if t in labels)
    raise DomainError(f"数据库中已有记录（{main or '共' + str(sum(held.values())) + '行'}），"
                      "演示数据只能生成到空数据库；请换一个 --data-dir")


def existing_records(session: Session) -> dict[str, int]:
    """Rows already stored in the record tables (the township row and users do not count)."""
    out = {}
    for model in m.SYNCED_MODELS:
        if model is m.Township:
            continue
        n = session.execute(select(func.count()).select_from(model)).scalar_one()
        if n:
            out[model.__tablename__] = n  # type: ignore[assignment]
    return out


def generate(
    store: Store,
    *,
    records: int = 5000,
    seed: int = 1,
    today: date | None = None,
    township: dict[str, str] | None = None,
    actor: Actor | None = None,
    log: Callable[[str], None] | None = None,
    counter: Callable[[int, int], None] | None = None,
    progress: Callable[[str], None] | None = None,
    writer_process: bool | None = None,
) -> DemoResult:
    """Initialize (if needed) and fill an empty store with `records` main records.

    On an uninitialized store the township (default 龙游县湖镇镇) and the DEMO_ACCOUNTS are
    created. On an initialized store without records, `actor` must be an administrator; the demo
    clerk and reviewer are added if missing (the data is attributed to them), no second admin.
    A store that holds records is refused. `log` gets a line per phase (`progress` is its older
    name); `counter` gets (main records done, total). `writer_process` (default: for large runs
    outside a frozen build) writes the batches from a second process.
    """
    if records < MIN_RECORDS:
        raise DomainError(f"演示记录数（--records）至少为{MIN_RECORDS}")
    started = time.perf_counter()
    cpu_started = time.process_time()
    today = today or clock.today()
    say = log or progress or (lambda _msg: None)

    def elapsed() -> str:
        return f"{time.perf_counter() - started:.0f} 秒"

    svc = Services(store, actor or Actor("system", "admin", "系统"), today=lambda: today)
    result = DemoResult(records)
    with store.session() as s:
        initialized = is_initialized(s)
        check_empty(s)
    if not initialized:
        info = dict(DEMO_TOWNSHIP, **(township or {}))
        username, display, _role, password = DEMO_ACCOUNTS[0]
        svc.initialize(admin_username=username, admin_password=password, admin_display_name=display, **info)
        svc = Services(store, Actor(username, "admin", display), today=lambda: today)
    elif svc.actor.role != "admin":
        raise DomainError("向已初始化的数据库生成演示数据需要管理员账号（--user）")
    existing = {u.username for u in svc.list_users()}
    for username, display, role, password in DEMO_ACCOUNTS:
        if role == "admin":
            if not initialized:  # created by initialize() above
                result.accounts.append((username, display, role, password))
            continue  # an installation with its own administrator gets no second one with a known password
        if username in existing:
            result.accounts.append((username, display, role, None))
            continue
        svc.create_user(username, display, role, password)
        result.accounts.append((username, display, role, password))
    t = svc.township
    result.township = {"township_code": t.code, "township_name": t.name, "county_code": t.county_code,
                       "county_name": t.county_name}

    rnd = Random(seed)
    factory = RowFactory(rnd, t.code, datetime.now(UTC))
    if writer_process is None:
        writer_process = records >= PROCESS_THRESHOLD and not getattr(sys, "frozen", False)
    sink = Sink(store.engine, store.target, DEMO_USER, process=writer_process, key=store.key)
    ctx = Ctx(
        rnd=rnd, today=today, township_code=t.code, township_name=t.name, county_code=t.county_code,
        factory=factory, policy=MemoPolicy(svc.policy), sink=sink,
        people=PeopleFactory(rnd, t.code[:6], today),
        staff=Staff(clerk="clerk", reviewer="reviewer", reviewer_name=DEMO_ACCOUNTS[2][1], approvers=[]),
        total=records, progress=counter,
    )
    with store.session() as session:
        deferred = bulk.drop_indexes(session, BULK_TABLES)
    dropped = {t: list(objs) for t, objs in deferred.objects.items()}
    try:
        say("参考数据：村(社区)、网格、部门、领导、调委会、志愿服务队")
        build_reference(ctx)
        sink.restore(deferred, list(REFERENCE_TABLES))
        plan = split_records(records, len(ctx.teams))
        say("计划：信访件 {petition}、矛盾纠纷 {dispute}、领导包案 {package}、调度事项 {dispatch}、"
            "志愿者 {volunteer}、志愿活动 {activity}、志愿服务队 {team}".format(**plan))
        PetitionMaker(ctx).run(plan["petition"])
        sink.restore(deferred, ["petition"])
        say(f"信访件完成（{elapsed()}）")
        DisputeMaker(ctx).run(plan["dispute"])
        sink.restore(deferred, ["dispute", "dispute_party", "dispute_visit"])
        say(f"矛盾纠纷完成（{elapsed()}）")
        PackageMaker(ctx).run(plan["package"])
        sink.restore(deferred, ["case_package", "package_link", "package_progress"])
        DispatchMaker(ctx).run(plan["dispatch"])
        sink.restore(deferred, ["dispatch_item"])
        make_volunteers(ctx, plan["volunteer"])
        sink.restore(deferred, ["volunteer", "team_member"])
        make_activities(ctx, plan["activity"])
        sink.restore(deferred, ["activity", "activity_participant"])
        say(f"生成完成（{elapsed()}），等待写入、重建索引与全文检索")
        sink.restore(deferred, ["workflow_event"])
        sink.close()
    except BaseException:
        sink.abort()
        with store.session() as session:  # never leave the store without its indexes and search
            bulk.restore_indexes(session, bulk.Deferred(dropped))
        raise
    with store.session() as session:
        bulk.restore_indexes(session, deferred)  # anything not restored along the way
    say(f"写入完成（{elapsed()}）")
    counters = [{"kind": kind, "year": year, "last": last} for (kind, year), last in sorted(ctx.serials.items())]
    with store.session() as session:
        bulk.insert_rows(session, m.SerialCounter, counters, username=DEMO_USER)
    say("办理状态历史（按办理记录重建）")
    with store.engine.begin() as conn:
        status_history.rebuild_all(conn)
    from ..kinds import parts

    for part in parts("demo"):  # the kinds added through the registry, through the services
        say(f"{part.LABEL}（按业务流程逐条登记）")
        result.rows[part.TABLE] = part.populate(svc, ctx.staff.clerk, ctx.staff.reviewer, records,
                                                                Random(seed))
    svc.set_setting("demo", json.dumps({"seed": seed, "records": records, "today": today.isoformat()}))
    from ..services.unlock import remember_public

    remember_public(svc)  # the sign-in box of an encrypted demo store shows the demo accounts
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:  # synchronous=NORMAL here: the checkpoint is synced
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            raw.execute("PRAGMA optimize")  # type: ignore[union-attr]
    if counter is not None:
        counter(records, records)
    result.rows = {**dict(sink.counts), **result.rows}
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = time.process_time() - cpu_started
    result.writer_cpu_seconds = sink.writer_cpu
    say(f"完成（{elapsed()}）")
    return result


def populate(services: Services, *, records: int = 2000, seed: int = 1,
             progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Fill the initialized, empty store behind `services` (an administrator) with demo records."""
    return generate(services.store, records=records, seed=seed, today=services.today(), actor=services.actor,
                    counter=progress)
