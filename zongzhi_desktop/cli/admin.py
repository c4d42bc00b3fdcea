"""`zongzhi user | codes | setting | holiday`: accounts, code tables, settings, holiday calendar."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from sqlalchemy import select

from ..domain import models as m
from ..domain.errors import DomainError, NotFound
from ..domain.roles import ROLE_LABELS, Role
from ..services import Services
from ..services.admin import INT_SETTINGS, SETTING_LABELS
from . import tables
from .argtypes import bounded_int
from .commands import command_help
from .common import add_user_args, open_services_as_user, print_json
from .passwords import new_password


def _reader(args: argparse.Namespace) -> Services:
    from .records import open_reader

    return open_reader(args)


def _day(value: str) -> date:
    from .records import parse_date

    d = parse_date(value, "date", "日期")
    assert d is not None
    return d


# -- users ----------------------------------------------------------------------------------------

def cmd_user_add(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    role = {label: r.value for r, label in ROLE_LABELS.items()}.get(args.role, args.role)
    password = new_password(args, f"用户 {args.username} 的新密码：", stdin=args.new_password_stdin,
                            env="ZONGZHI_NEW_PASSWORD")
    user = svc.create_user(args.username, args.name or args.username, role, password)
    print(f"已新增用户 {user.username}（{user.display_name}，{ROLE_LABELS[Role(user.role)]}）")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    users = svc.list_users()
    from ..domain.roles import GRANT_LABELS

    holders = {g: set(svc.grant_holders(g)) for g in GRANT_LABELS}
    rows = [{"username": u.username, "display_name": u.display_name, "role": u.role,
             "role_label": ROLE_LABELS.get(Role(u.role), u.role), "active": u.active,
             "grants": [g for g in GRANT_LABELS if u.username in holders[g]]} for u in users]
    if args.json:
        print_json(rows)
        return 0
    print(tables.render(["用户名", "姓名", "角色", "另授权限", "状态"], [
        [r["username"], r["display_name"], r["role_label"], "、".join(GRANT_LABELS[g] for g in r["grants"]),
         "启用" if r["active"] else "停用"] for r in rows]))
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    target = args.username or svc.actor.username
    password = new_password(args, f"用户 {target} 的新密码：", stdin=args.new_password_stdin, env="ZONGZHI_NEW_PASSWORD")
    svc.set_password(target, password)
    print(f"已修改用户 {target} 的密码")
    return 0


def cmd_user_active(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    if args.username == svc.actor.username and not args.enable:
        raise DomainError("不能停用当前登录的账号")
    svc.set_user_active(args.username, args.enable)
    print(f"已{'启用' if args.enable else '停用'}用户 {args.username}")
    if args.enable and not svc.can_open_store(args.username):
        print(f"注意：停用时已删除该用户打开加密数据库的密钥槽，请为其重设密码（zongzhi user passwd {args.username}）后才能登录",
              file=sys.stderr)
    return 0


def cmd_user_grant(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    from ..domain.roles import GRANT_LABELS

    name = {label: key for key, label in GRANT_LABELS.items()}.get(args.grant, args.grant)
    svc.set_grant(args.username, name, args.on)
    print(f"已{'授予' if args.on else '收回'}用户 {args.username} 的“{GRANT_LABELS[name]}”权限")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    if svc.unlock_user(args.username):
        print(f"已解锁用户 {args.username}：连续输错密码的次数已清零")
    else:
        print(f"用户 {args.username} 没有被锁定")
    return 0


# -- code tables ----------------------------------------------------------------------------------

def cmd_codes_list(args: argparse.Namespace) -> int:
    svc = _reader(args)
    codes = svc.codes
    names = [args.table] if args.table else list(codes.tables)
    out = []
    for name in names:
        if name not in codes:
            valid = "、".join(f"{n}({t.label})" for n, t in codes.tables.items())
            raise NotFound(f"没有字典“{name}”，可用：{valid}")
        t = codes[name]
        out.append({"table": name, "label": t.label, "items": [
            {"code": c, "label": lbl, "active": c not in t.inactive} for c, lbl in t.items.items()]})
    if args.json:
        print_json(out)
        return 0
    for t in out:
        items = "、".join(f"{i['code']}={i['label']}" + ("" if i["active"] else "(停用)") for i in t["items"])
        print(f"{t['table']}（{t['label']}）：{items}")
    return 0


def cmd_codes_set(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    svc.set_code(args.table, args.code, args.label, active=not args.inactive)
    print(f"字典 {args.table}：{args.code} = {args.label}" + ("（停用）" if args.inactive else ""))
    return 0


# -- settings -------------------------------------------------------------------------------------

def cmd_setting_get(args: argparse.Namespace) -> int:
    svc = _reader(args)
    if args.key is None:
        with svc.session() as s:
            stored = {r.key: r.value for r in s.execute(select(m.Setting)).scalars()}
        defaults = {k: str(default) for k, (_, _, default) in INT_SETTINGS.items()}
        rows = sorted({**defaults, **stored}.items())
        print(tables.render(["设置", "说明", "值"], [[k, SETTING_LABELS.get(k, ""), v] for k, v in rows]))
        return 0
    value = svc.get_setting(args.key)
    if value is None and args.key in INT_SETTINGS:
        value = str(INT_SETTINGS[args.key][2])
    if value is None:
        raise NotFound(f"没有设置项“{args.key}”")
    print(value)
    return 0


def cmd_setting_set(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    svc.set_setting(args.key, args.value)
    print(f"已设置 {args.key} = {args.value}")
    return 0


# -- holidays -------------------------------------------------------------------------------------

def cmd_holiday_add(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    day = _day(args.date)
    svc.set_holiday(day, is_workday=args.workday, name=args.name or "")
    print(f"已登记 {day.isoformat()} {'调休上班' if args.workday else '法定节假日'} {args.name or ''}".rstrip())
    return 0


def cmd_holiday_remove(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    day = _day(args.date)
    svc.set_holiday(day, remove=True)
    print(f"已删除 {day.isoformat()}")
    return 0


def cmd_holiday_list(args: argparse.Namespace) -> int:
    svc = _reader(args)
    q = select(m.Holiday).order_by(m.Holiday.day)
    if args.year:
        q = q.where(m.Holiday.day >= date(args.year, 1, 1), m.Holiday.day <= date(args.year, 12, 31))
    with svc.session() as s:
        days = list(s.execute(q).scalars())
    rows = [{"date": h.day.isoformat(), "workday": h.is_workday, "name": h.name} for h in days]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("（节假日表为空）")
        return 0
    print(tables.render(["日期", "类型", "名称"], [[r["date"], "调休上班" if r["workday"] else "放假", r["name"]] for r in rows]))
    return 0


# -- registration ---------------------------------------------------------------------------------

def _grant_help() -> str:
    from ..domain.roles import GRANT_LABELS

    return "、".join(f"{k}（{v}）" for k, v in GRANT_LABELS.items())


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir

    def leaf(group: argparse._SubParsersAction, name: str, help_: str, func, *, user: bool = True) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def, type-arg]
        p = group.add_parser(name, help=help_)
        add_data_dir(p)
        if user:
            add_user_args(p)
        p.set_defaults(func=func)
        return p

    def group(name: str) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        parent = sub.add_parser(name, help=command_help(name))
        return parent.add_subparsers(dest=f"{name}_command", metavar="命令", required=True, parser_class=type(parent))

    users = group("user")
    p = leaf(users, "add", "新增用户", cmd_user_add)
    p.add_argument("username")
    p.add_argument("--role", required=True, help="clerk(录入员) | reviewer(审核员) | admin(管理员)，也可用中文")
    p.add_argument("--name", help="姓名")
    p.add_argument("--new-password-stdin", action="store_true",
                   help="从标准输入读取新用户的密码（在 --password-stdin 的那一行之后）；否则取 ZONGZHI_NEW_PASSWORD 或提示输入两次")
    p = leaf(users, "list", "列出用户", cmd_user_list)
    p.add_argument("--json", action="store_true")
    p = leaf(users, "passwd", "修改密码（管理员可改他人密码）", cmd_user_passwd)
    p.add_argument("username", nargs="?", help="用户名（默认为当前用户）")
    p.add_argument("--new-password-stdin", action="store_true", help="从标准输入读取新密码")
    p = leaf(users, "disable", "停用用户（不能登录；记录中的署名保留）", cmd_user_active)
    p.add_argument("username")
    p.set_defaults(enable=False)
    p = leaf(users, "enable", "重新启用用户", cmd_user_active)
    p.add_argument("username")
    p.set_defaults(enable=True)
    p = leaf(users, "unlock", "解锁：清除连续输错密码后的等待（管理员）", cmd_user_unlock)
    p.add_argument("username")
    for verb, on, help_ in (("grant", True, "授予另授权限（管理员）"),
                            ("revoke", False, "收回另授权限（管理员）")):
        p = leaf(users, verb, help_, cmd_user_grant)
        p.add_argument("username")
        p.add_argument("grant", help="权限名或中文名：" + _grant_help())
        p.set_defaults(on=on)

    codes = group("codes")
    p = leaf(codes, "list", "查看字典", cmd_codes_list)
    p.add_argument("table", nargs="?", help="字典名，如 dispute_type（默认全部）")
    p.add_argument("--json", action="store_true")
    p = leaf(codes, "set", "新增代码或修改名称（管理员）", cmd_codes_set)
    p.add_argument("table")
    p.add_argument("code", help="代码：小写字母、数字、下划线")
    p.add_argument("label", help="中文名称")
    p.add_argument("--inactive", action="store_true", help="停用：新记录不再可选，旧记录仍有效")

    settings = group("setting")
    p = leaf(settings, "get", "查看设置（不给 KEY 时列出全部）", cmd_setting_get)
    p.add_argument("key", nargs="?", help="如 deadline_rule")
    p = leaf(settings, "set", "修改设置", cmd_setting_set)
    p.add_argument("key", help="deadline_rule：calendar(自然日) | calendar_shift(遇节假日顺延) | working(工作日)；"
                              "idle_lock_minutes（0–240）；password_min_length（8–64）；password_classes（1–4）；"
                              "dispute_accept_days / dispute_start_days / dispute_after_failure_days"
                              "（纠纷各阶段期限，1–90 天，默认 7 / 30 / 15）；"
                              "cadence.<类别代码>：按人员类别的走访周期（天数，或“第一年/以后”如 90/180）")
    p.add_argument("value")

    holidays = group("holiday")
    p = leaf(holidays, "add", "登记节假日；--workday 表示调休上班的周末", cmd_holiday_add)
    p.add_argument("date", help="YYYY-MM-DD")
    p.add_argument("--name", help="如 国庆节")
    p.add_argument("--workday", action="store_true", help="调休上班日（周末上班）")
    p = leaf(holidays, "remove", "删除一天", cmd_holiday_remove)
    p.add_argument("date")
    p = leaf(holidays, "list", "列出节假日", cmd_holiday_list)
    p.add_argument("--year", type=bounded_int(1949, 2199))
    p.add_argument("--json", action="store_true")
