"""`zongzhi init | demo | add | update | void | act | child | list | show | due | audit verify`.

Scripted entry and workflow moves for the township store. Writes need a signed-in user
(--user / ZONGZHI_USER, password from ZONGZHI_PASSWORD, --password-stdin or a prompt); read
commands without a user run as a viewer who sees ID numbers and phones masked.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from typing import Any

from ..domain.errors import DomainError, ValidationError
from ..domain.masking import mask_id_number, mask_phone
from ..domain.workflows import Action, days_left
from ..services import Actor, Services
from ..services.admin import is_initialized, validate_division_codes
from ..services.kinds import KINDS, RECORD_KINDS, KindSpec, kind_spec
from ..store.serialize import to_row
from . import tables
from .argtypes import bounded_int
from .commands import command_help
from .common import (
    add_user_args,
    open_services_as_user,
    open_store,
    print_json,
    read_json_arg,
    require_initialized,
    show_recovery_key,
)
from .passwords import new_password

VIEWER = Actor("viewer", "viewer", "只读查看")
DEFAULT_LIMIT = 100
ALL_KINDS = tuple(KINDS)


# -- argument helpers ---------------------------------------------------------------------------

def resolve_kind(name: str) -> KindSpec:
    """A kind by name (petition…) or Chinese label (信访件…)."""
    for spec in KINDS.values():
        if name == spec.label:
            return spec
    return kind_spec(name)


def resolve_action(spec: KindSpec, name: str) -> Action:
    """A workflow step by name (accept) or label (受理告知)."""
    if spec.workflow is None:
        raise DomainError(f"{spec.label}没有办理流程")
    for action in spec.workflow.actions.values():
        if name == action.label:
            return action
    return spec.workflow.get(name)


def resolve_status(spec: KindSpec, value: str | None) -> str | None:
    if value is None or spec.workflow is None:
        return value
    for code, label in spec.workflow.states.items():
        if value == label:
            return code
    return value


def parse_date(value: str | None, field: str, label: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, label, "date_format", "日期格式应为 YYYY-MM-DD，如 2026-03-01") from None


def input_data(args: argparse.Namespace, *, required: bool) -> dict[str, Any]:
    """Fields from --json FILE|- merged with --set KEY=VALUE pairs (which win)."""
    data: Any = {}
    if getattr(args, "json", None):
        data = read_json_arg(args.json)
        if not isinstance(data, dict):
            raise DomainError("JSON 应为一个对象：{\"字段名\": 值, …}")
    elif required and not getattr(args, "set", None):
        raise DomainError("请用 --json 文件（- 表示标准输入）或 --set 字段=值 给出要填写的字段")
    for pair in getattr(args, "set", None) or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise DomainError(f"--set 的格式应为 字段=值，收到“{pair}”")
        data[key.strip()] = value
    return data


def open_reader(args: argparse.Namespace) -> Services:
    """Services as the given user, or as a viewer (identifiers masked) when no user is named."""
    if getattr(args, "user", None) or os.environ.get("ZONGZHI_USER"):
        return open_services_as_user(args)
    store = open_store(args)
    require_initialized(store)
    return Services(store, VIEWER)


def _add_input_args(p: argparse.ArgumentParser, *, json_required: bool = False) -> None:
    p.add_argument("--json", metavar="FILE", required=False,
                   help="JSON 文件（对象：字段名→值），- 表示从标准输入读取" + ("" if not json_required else "（或用 --set）"))
    p.add_argument("--set", action="append", metavar="字段=值", help="单个字段，可重复；与 --json 同时给出时优先")


# -- presentation ---------------------------------------------------------------------------------

def deadline_text(deadline: date | None, kind: str | None, today: date) -> str:
    if deadline is None:
        return ""
    left = days_left(deadline, today) or 0
    when = "今天到期" if left == 0 else (f"已逾期{-left}天" if left < 0 else f"还剩{left}天")
    return f"{deadline.isoformat()} {kind or ''}（{when}）".replace(" （", "（")


def summary(svc: Services, spec: KindSpec, rec: Any) -> dict[str, Any]:
    """A list row: every column, identifiers masked by role, code and status labels added."""
    row = to_row(rec)
    if not svc.may_see_personal():
        for col in ("id_number", "phone"):
            if col in row:
                row[col] = (mask_id_number if col == "id_number" else mask_phone)(row[col]) or None
    labels = {}
    for f in spec.fields:
        if f.type == "code" and row.get(f.name):
            labels[f.name] = svc.codes[f.code_table].label_of(row[f.name])  # type: ignore[index]
    if spec.workflow:
        labels["status"] = spec.workflow.states.get(row["status"], row["status"])
    row["_labels"] = labels
    row["_kind"] = spec.name
    return row


def title_of(spec: KindSpec, row: dict[str, Any]) -> str:
    if spec.name == "petition":
        return f"{row['petitioner_name']}：{row['request']}"
    return str(row.get(spec.title_field) or "")


def _print_saved(svc: Services, spec: KindSpec, rec: Any, verb: str) -> None:
    ident = getattr(rec, "serial", None) or getattr(rec, spec.title_field, None) or rec.id
    print(f"{verb}{spec.label} {ident}（id {rec.id}）")
    if spec.workflow:
        print(f"状态：{spec.workflow.states.get(rec.status, rec.status)}")
    if spec.name == "petition" and rec.status == "registered":
        print(f"受理告知期限：{rec.accept_deadline.isoformat()}（收件后15日）")
    if getattr(rec, "next_deadline", None):
        print(f"下一期限：{deadline_text(rec.next_deadline, rec.next_deadline_kind, svc.today())}")


# -- commands -------------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    validate_division_codes(args.township_code, args.county_code)
    for value, field, label in ((args.township_name, "township_name", "乡镇名称"), (args.county_name, "county_name", "县名称"),
                                (args.admin, "admin", "管理员用户名")):
        if not value.strip():
            raise ValidationError(field, label, "required", "必填项，不能为空")
    from ..paths import store_path
    from ..services.unlock import create_encrypted, discard_unfinished, store_state

    path = store_path(getattr(args, "data_dir", None))
    if store_state(path) in ("encrypted", "keyless"):
        raise DomainError(f"数据库已初始化（{path}），不能重复初始化")
    password = new_password(args, f"管理员 {args.admin} 的密码：", stdin=args.password_stdin, env="ZONGZHI_PASSWORD")
    store = create_encrypted(path)
    try:
        svc = Services(store, Actor("system", "admin", "系统"))
        svc.initialize(township_code=args.township_code, township_name=args.township_name,
                       county_code=args.county_code, county_name=args.county_name, admin_username=args.admin,
                       admin_password=password, admin_display_name=args.admin_name or "管理员")
        recovery = Services(store, Actor(args.admin.strip(), "admin")).new_recovery_key()
    except BaseException:
        store.close()
        discard_unfinished(path)
        raise
    print(f"已初始化：{args.county_name}（{args.county_code}）{args.township_name}（{args.township_code}）")
    print(f"管理员账号：{args.admin}；数据库（已加密）：{store.path}")
    show_recovery_key(recovery)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import generate
    from ..demo.generate import check_empty
    from ..paths import store_path
    from ..services.unlock import create_encrypted, discard_unfinished, store_state

    path = store_path(getattr(args, "data_dir", None))
    township = {k: getattr(args, k) for k in ("township_code", "township_name", "county_code", "county_name")
                if getattr(args, k)}
    actor = None
    state = store_state(path)
    initialized = state in ("encrypted", "keyless")
    if state == "plain":
        from ..store.database import Store

        probe = Store(path)
        try:
            with probe.session() as s:
                initialized = is_initialized(s)
        finally:
            probe.close()
    if initialized:
        if township:
            raise DomainError("数据库已初始化，乡镇信息不能再更改；演示数据会生成到现有乡镇")
        signed_in = open_services_as_user(args)
        store, actor = signed_in.store, signed_in.actor
        with store.session() as s:
            check_empty(s)
    else:
        store = create_encrypted(path)
    if not initialized and township:
        full = {"township_code": "330825101", "county_code": "330825", **township}
        validate_division_codes(full["township_code"], full["county_code"])
    try:
        result = generate(store, records=args.records, seed=args.seed, township=township or None, actor=actor,
                          log=lambda msg: print(msg, file=sys.stderr, flush=True))
    except BaseException:
        if not initialized:
            store.close()
            discard_unfinished(path)
        raise
    recovery = None
    if not initialized:
        admin, admin_name = result.accounts[0][0], result.accounts[0][1]
        recovery = Services(store, Actor(admin, "admin", admin_name)).new_recovery_key()
    t = result.township
    print(f"演示乡镇：{t['county_name']}（{t['county_code']}）{t['township_name']}（{t['township_code']}）")
    print(f"主要记录 {result.records} 条，共写入 {sum(result.rows.values())} 行，用时 {result.seconds:.1f} 秒；数据库：{store.path}")
    if result.writer_cpu_seconds is not None:
        print(f"CPU：生成进程 {result.cpu_seconds:.1f} 秒，写入进程 {result.writer_cpu_seconds:.1f} 秒")
    main = {"petition": "信访件", "dispute": "矛盾纠纷", "case_package": "领导包案", "dispatch_item": "调度事项",
            "volunteer_team": "志愿服务队", "volunteer": "志愿者", "activity": "志愿活动"}
    print("；".join(f"{label} {result.rows.get(table, 0)}" for table, label in main.items()))
    print("演示账号：")
    print(tables.render(["用户名", "姓名", "角色", "密码"], [
        [u, name, {"admin": "管理员", "clerk": "录入员", "reviewer": "审核员"}[role], pw or "（已存在，未修改）"]
        for u, name, role, pw in result.accounts]))
    if recovery:
        show_recovery_key(recovery)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_services_as_user(args)
    data = input_data(args, required=True)
    result = svc.create(spec.name, data)
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    _print_saved(svc, spec, result.record, "已登记")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_services_as_user(args)
    rec = svc.update(spec.name, args.id, input_data(args, required=True))
    _print_saved(svc, spec, rec, f"已修改（第{rec.revision}版）")
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_services_as_user(args)
    rec = svc.void(spec.name, args.id, args.reason)
    print(f"已作废{spec.label} {getattr(rec, 'serial', None) or rec.id}：{rec.void_reason}")
    return 0


def cmd_act(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    action = resolve_action(spec, args.action)
    svc = open_services_as_user(args)
    rec = svc.act(spec.name, args.id, action.name, input_data(args, required=False))
    print(f"{spec.label} {rec.serial}：已办理“{action.label}”")
    print(f"状态：{spec.workflow.states[rec.status]}")  # type: ignore[union-attr]
    if rec.next_deadline:
        print(f"下一期限：{deadline_text(rec.next_deadline, rec.next_deadline_kind, svc.today())}")
    nxt = [f"{a.name}({a.label})" for a in svc.available_actions(spec.name, rec)]
    print("可办理：" + ("、".join(nxt) if nxt else "无"))
    return 0


def cmd_child(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_services_as_user(args)
    svc.add_child(spec.name, args.id, args.key, input_data(args, required=True))
    print(f"已登记{spec.children[args.key].label}（{spec.label} {args.id}）")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_reader(args)
    limit = DEFAULT_LIMIT if args.limit is None else args.limit
    rows = svc.list_records(
        spec.name, status=resolve_status(spec, args.status), overdue=args.overdue, due_within=args.due_within,
        date_from=parse_date(args.date_from, "from", "开始日期"), date_to=parse_date(args.date_to, "to", "结束日期"),
        limit=limit + 1 if limit else None,
    )
    more = bool(limit) and len(rows) > limit
    rows = rows[:limit] if limit else rows
    out = [summary(svc, spec, r) for r in rows]
    if more:
        print(f"只显示前{limit}条；用 --limit 0 显示全部，或加筛选条件", file=sys.stderr)
    if args.json:
        print_json(out)
        return 0
    if not out:
        print(f"（没有符合条件的{spec.label}）")
        return 0
    today = svc.today()
    headers = ["编号" if "serial" in out[0] else "名称"]
    if spec.date_field:
        headers.append("日期")
    headers.append("事项" if "serial" in out[0] else "说明")
    ids = [c for c in ("id_number", "phone") if c in out[0]]
    headers += [{"id_number": "身份证号", "phone": "电话"}[c] for c in ids]
    if spec.workflow:
        headers += ["状态", "下一期限"]
    body = []
    for row in out:
        cells = [row.get("serial") or str(row.get(spec.title_field) or row["id"])]
        if spec.date_field:
            cells.append(str(row.get(spec.date_field) or ""))
        cells.append(tables.clip(title_of(spec, row) if "serial" in row else _describe_ref(row), 40))
        cells += [str(row.get(c) or "") for c in ids]
        if spec.workflow:
            nd = row.get("next_deadline")
            cells += [row["_labels"]["status"],
                      deadline_text(date.fromisoformat(nd), row.get("next_deadline_kind"), today) if nd else ""]
        body.append(cells)
    print(tables.render(headers, body))
    return 0


def _describe_ref(row: dict[str, Any]) -> str:
    skip = {"id", "township_code", "revision", "created_at", "created_by", "updated_at", "updated_by", "voided",
            "void_reason", "name", "_labels", "_kind"}
    parts = [str(row["_labels"].get(k, v)) for k, v in row.items() if k not in skip and v not in (None, "")
             and not isinstance(v, bool) and not k.endswith("_id") and k not in ("id_number", "phone")]
    return " ".join(parts)


def cmd_show(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_reader(args)
    rec = svc.get(spec.name, args.id)
    detail = svc.describe(spec.name, rec)
    refs = _ref_names(svc, spec, detail)
    detail["_refs"] = refs
    detail["_timeline"] = svc.describe_events(svc.timeline(spec.name, rec.id))
    detail["_actions"] = [{"name": a.name, "label": a.label} for a in svc.available_actions(spec.name, rec)]
    if args.json:
        print_json(detail)
        return 0
    _print_detail(svc, spec, detail)
    return 0


def _field_labels(spec: KindSpec) -> dict[str, tuple[str, Any]]:
    """column -> (label, FieldSpec) from the kind's fields and its workflow steps' fields."""
    out: dict[str, tuple[str, Any]] = {f.name: (f.label, f) for f in spec.fields}
    if spec.workflow:
        for action in spec.workflow.actions.values():
            for f in action.fields:
                out.setdefault(f.name, (f.label, f))
    return out


EXTRA_LABELS = {
    "serial": "编号", "status": "状态", "next_deadline": "下一期限", "next_deadline_kind": "期限类型",
    "accept_deadline": "受理告知期限", "conclude_deadline": "办结期限", "review_request_deadline": "申请复查截止",
    "review_deadline": "复查答复期限", "recheck_request_deadline": "申请复核截止", "recheck_deadline": "复核答复期限",
    "mediation_warn_date": "调解期限(30日)", "judicial_confirm_deadline": "司法确认申请截止", "is_group": "集体访",
    "is_repeat": "重复访", "outcome": "调解结果", "resolved_date": "化解日期", "closed_date": "销号日期",
    "close_request_date": "申请销号日期", "done_date": "完成日期", "revision": "版本", "created_by": "登记人",
    "updated_by": "最后修改人", "voided": "已作废", "void_reason": "作废原因",
}


def _ref_names(svc: Services, spec: KindSpec, detail: dict[str, Any]) -> dict[str, str]:
    """Names of the records that ref fields point to (village, department, mediator…)."""
    out: dict[str, str] = {}
    for name, (_label, f) in _field_labels(spec).items():
        value = detail.get(name)
        if f.type != "ref" or not value:
            continue
        ref = KINDS[f.ref]
        try:
            target = svc.get(ref.name, value)
        except DomainError:
            continue
        out[name] = str(getattr(target, "serial", None) or getattr(target, ref.title_field, value))
    return out


def _print_detail(svc: Services, spec: KindSpec, d: dict[str, Any]) -> None:
    labels = _field_labels(spec)
    heading = d.get("serial") or d.get(spec.title_field) or d["id"]
    print(f"{spec.label} {heading}" + ("（已作废）" if d.get("voided") else ""))
    rows = [[label, text] for label, text in d.get("_extra", {}).items() if text]
    meta = ("revision", "created_by", "updated_by", "voided", "void_reason")
    order = [f.name for f in spec.fields] + ["status", "next_deadline"]
    order += [c for c in d if c not in order and c not in meta] + list(meta)
    for col in order:
        value = d.get(col)
        if col.startswith("_") or col in spec.children or value in (None, "") or col in (
                "id", "township_code", "created_at", "updated_at", "next_deadline_kind"):
            continue
        label, f = labels.get(col, (EXTRA_LABELS.get(col, col), None))
        if col == "voided" and not value:
            continue
        if col == "status":
            text = d["_labels"].get("status", value)
        elif col == "next_deadline":
            text = deadline_text(date.fromisoformat(value), d.get("next_deadline_kind"), svc.today())
        elif f is not None and f.type == "code":
            text = svc.codes[f.code_table].label_of(value)
        elif f is not None and f.type == "ref":
            text = d["_refs"].get(col, value)
        elif isinstance(value, bool):
            if not value and (f is None or f.type != "bool"):
                continue
            text = "是" if value else "否"
        else:
            text = str(value)
        rows.append([label, text])
    print(tables.render(["项目", "内容"], rows))
    for key, child in spec.children.items():
        items = d.get(key) or []
        if not items:
            continue
        print(f"\n{child.label}（{len(items)}）")
        cols = [f for f in child.fields]
        body = []
        for item in items:
            cells = []
            for f in cols:
                v = item.get(f.name)
                if f.type == "code" and v:
                    v = svc.codes[f.code_table].label_of(v)
                cells.append("" if v is None else str(v))
            body.append(cells)
        print(tables.render([f.label for f in cols], body))
    if d["_timeline"]:
        print("\n办理过程")
        print(tables.render(["日期", "步骤", "办理人"], [[e["date"], e["label"] or e["action"], e["actor"]]
                                                     for e in d["_timeline"]]))
    if d["_actions"]:
        print("\n可办理：" + "、".join(f"{a['name']}({a['label']})" for a in d["_actions"]))


def cmd_due(args: argparse.Namespace) -> int:
    svc = open_reader(args)
    items = svc.due(args.within)
    if args.json:
        print_json([{
            "kind": i.kind, "kind_label": i.kind_label, "id": i.id, "serial": i.serial, "title": i.title,
            "status": i.status, "deadline": i.deadline.isoformat(), "deadline_kind": i.deadline_kind,
            "days_left": i.days_left, "overdue": i.overdue,
        } for i in items])
        return 0
    overdue = sum(1 for i in items if i.overdue)
    print(f"已逾期 {overdue} 项；{args.within} 日内到期 {len(items) - overdue} 项（今天 {svc.today().isoformat()}）")
    if items:
        print(tables.render(["", "类型", "编号", "事项", "状态", "期限", "期限日期", "剩余"], [
            ["逾期" if i.overdue else "", i.kind_label, i.serial, tables.clip(i.title, 30), i.status, i.deadline_kind,
             i.deadline.isoformat(), f"已逾期{-i.days_left}天" if i.overdue else ("今天" if i.days_left == 0 else f"{i.days_left}天")]
            for i in items]))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from ..services.rowcheck import RowProblem

    svc = open_reader(args)
    checked, problems = svc.verify_audit()
    if args.json:
        print_json({"checked": checked, "ok": not problems,
                    "problems": [p.as_dict() if isinstance(p, RowProblem) else {"seq": p.seq, "message": p.message}
                                 for p in problems]})
        return 0 if not problems else 1
    if not problems:
        print(f"审计链完整：共 {checked} 条审计记录，未发现修改、插入或删除；各条记录与最后写入它的审计记录一致")
        return 0
    for p in problems:
        print(f"第{p.seq}条：{p.message}" if p.seq is not None else p.message)
    print(f"错误：审计链校验失败，共 {len(problems)} 处问题（已检查 {checked} 条）", file=sys.stderr)
    return 1


# -- registration ---------------------------------------------------------------------------------

def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir
    from . import admin as admin_cli

    kinds_help = "、".join(f"{k}({KINDS[k].label})" for k in RECORD_KINDS)
    ref_help = "、".join(f"{k}({KINDS[k].label})" for k in ALL_KINDS if k not in RECORD_KINDS)

    p = sub.add_parser("init", help=command_help("init"))
    add_data_dir(p)
    p.add_argument("--township-code", required=True, help="乡镇（街道）9位区划代码")
    p.add_argument("--township-name", required=True, help="乡镇（街道）名称")
    p.add_argument("--county-code", required=True, help="县（区）6位区划代码")
    p.add_argument("--county-name", required=True, help="县（区）名称")
    p.add_argument("--admin", required=True, help="管理员用户名")
    p.add_argument("--admin-name", help="管理员姓名（默认“管理员”）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取管理员密码")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help=command_help("demo"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("--records", type=bounded_int(0, 10_000_000, "条"), default=2000, help="主要记录条数（信访件+纠纷+包案+活动+调度事项+志愿者+队伍），默认2000")
    p.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=1, help="随机种子（相同种子、相同日期生成相同数据）")
    p.add_argument("--township-code")
    p.add_argument("--township-name")
    p.add_argument("--county-code")
    p.add_argument("--county-name")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("add", help=command_help("add"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", metavar="KIND", help=f"记录类型：{kinds_help}；参考数据：{ref_help}")
    _add_input_args(p, json_required=True)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("update", help=command_help("update"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", metavar="KIND")
    p.add_argument("id", metavar="ID", help="编号（如 XF-2026-000001）或 id")
    _add_input_args(p, json_required=True)
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("void", help=command_help("void"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", metavar="KIND")
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=True, help="作废原因")
    p.set_defaults(func=cmd_void)

    p = sub.add_parser("act", help=command_help("act"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", metavar="KIND", help=" | ".join(k for k in RECORD_KINDS if KINDS[k].workflow))
    p.add_argument("id", metavar="ID")
    p.add_argument("action", metavar="ACTION", help="步骤名（如 accept）或中文名（如 受理告知），见 docs/cli.md")
    _add_input_args(p)
    p.set_defaults(func=cmd_act)

    p = sub.add_parser("child", help=command_help("child"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", metavar="KIND")
    p.add_argument("id", metavar="ID")
    keys = "；".join(f"{k}: " + "、".join(f"{c}({s.label})" for c, s in KINDS[k].children.items())
                    for k in RECORD_KINDS if KINDS[k].children)
    p.add_argument("key", metavar="KEY", help=keys)
    _add_input_args(p, json_required=True)
    p.set_defaults(func=cmd_child)

    p = sub.add_parser("list", help=command_help("list"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", metavar="KIND")
    p.add_argument("--status", help="状态（代码或中文名）")
    p.add_argument("--overdue", action="store_true", help="只列已逾期")
    p.add_argument("--due-within", type=bounded_int(0, 3650, "天"), metavar="DAYS", help="只列N日内到期（与 --overdue 同用：逾期或N日内到期）")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="登记日期不早于（YYYY-MM-DD）")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="登记日期不晚于（YYYY-MM-DD）")
    p.add_argument("--limit", type=bounded_int(0, 10_000_000, "条"), help=f"最多条数（默认{DEFAULT_LIMIT}，0 表示全部）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help=command_help("show"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", metavar="KIND")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("due", help=command_help("due"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("--within", type=bounded_int(0, 3650, "天"), default=7, metavar="DAYS", help="到期提醒天数（默认7）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_due)

    audit = sub.add_parser("audit", help=command_help("audit"))
    asub = audit.add_subparsers(dest="audit_command", metavar="命令", required=True, parser_class=type(audit))
    p = asub.add_parser("verify", help="校验审计哈希链：发现被修改、插入或删除的审计记录并指出是第几条")
    add_data_dir(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_audit_verify)

    admin_cli.register(sub)
