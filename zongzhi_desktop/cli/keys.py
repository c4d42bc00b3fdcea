"""`zongzhi key status|recovery|reset-password`: the encrypted store's key file (docs/security.md)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ..domain.errors import DomainError
from ..paths import store_path
from . import tables
from .common import add_user_args, open_services_as_user, print_json, show_recovery_key
from .passwords import new_password


def cmd_status(args: argparse.Namespace) -> int:
    """Who can open the store (no secret is shown; no sign-in needed)."""
    from ..services.unlock import store_state
    from ..store import keys

    path = store_path(getattr(args, "data_dir", None))
    state = store_state(path)
    labels = {"missing": "没有数据库", "plain": "未加密（下次有人登录时自动转换为加密存储）",
              "encrypted": "已加密（SQLCipher 4，AES-256）", "unfinished": "初始化没有完成",
              "keyless": "已加密，但找不到密钥文件"}
    keyfile = keys.load(keys.keyfile_path(path)) if state in ("encrypted", "unfinished") else None
    if args.json:
        print_json({"store": str(path), "state": state,
                    "users": sorted(keyfile.slots) if keyfile else [],
                    "recovery_key": bool(keyfile and keyfile.recovery)})
        return 0
    print(f"数据库：{path}\n状态：{labels[state]}")
    if keyfile is not None:
        rows = [[u, "（转换时由原密码生成，下次登录后更新）" if s.from_digest else ""]
                for u, s in sorted(keyfile.slots.items())]
        print(tables.render(["能打开数据库的用户", "说明"], rows) if rows else "没有用户能打开数据库")
        print("恢复密钥：" + ("已生成" if keyfile.recovery else "尚未生成（管理员运行 zongzhi key recovery）"))
    return 0


def cmd_recovery(args: argparse.Namespace) -> int:
    """Administrator: a new recovery key (the old one stops working)."""
    svc = open_services_as_user(args)
    show_recovery_key(svc.new_recovery_key())
    print("已生成新的恢复密钥（旧的已失效）")
    return 0


def _read_recovery_key(args: argparse.Namespace) -> str:
    if args.recovery_key_stdin:
        line = sys.stdin.readline()
        if not line:
            raise DomainError("标准输入中没有恢复密钥")
        return line.strip()
    value = os.environ.get("ZONGZHI_RECOVERY_KEY")
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise DomainError("需要恢复密钥：请设置环境变量 ZONGZHI_RECOVERY_KEY、使用 --recovery-key-stdin 或在终端中运行")
    return getpass.getpass("恢复密钥：")


def cmd_reset_password(args: argparse.Namespace) -> int:
    """Open the store with the recovery key and give a user a new password (audited)."""
    from ..services import Actor, Services
    from ..services.unlock import open_with_recovery

    path = store_path(getattr(args, "data_dir", None))
    store = open_with_recovery(path, _read_recovery_key(args))
    try:
        password = new_password(args, f"用户 {args.username} 的新密码：", stdin=args.new_password_stdin,
                                env="ZONGZHI_NEW_PASSWORD")
        Services(store, Actor("recovery-key", "admin", "恢复密钥")).set_password(args.username, password)
    finally:
        store.close()
    print(f"已用恢复密钥为用户 {args.username} 设置新密码（已记入审计日志）")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir
    from .commands import command_help

    p = sub.add_parser("key", help=command_help("key"))
    leaves = p.add_subparsers(dest="key_command", required=True, metavar="子命令")
    q = leaves.add_parser("status", help="数据库是否加密、哪些用户能打开、是否已有恢复密钥（不显示任何密钥）")
    add_data_dir(q)
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.set_defaults(func=cmd_status)
    q = leaves.add_parser("recovery", help="生成新的恢复密钥（管理员；旧的随即失效；只显示一次）")
    add_data_dir(q)
    add_user_args(q)
    q.set_defaults(func=cmd_recovery)
    q = leaves.add_parser("reset-password", help="用恢复密钥打开数据库，为用户设置新密码（忘记全部密码时）")
    add_data_dir(q)
    q.add_argument("username", help="要设置新密码的用户名")
    q.add_argument("--recovery-key-stdin", action="store_true",
                   help="从标准输入第一行读取恢复密钥（默认取 ZONGZHI_RECOVERY_KEY 或提示输入）")
    q.add_argument("--new-password-stdin", action="store_true",
                   help="从标准输入（恢复密钥之后的一行）读取新密码（默认取 ZONGZHI_NEW_PASSWORD 或提示输入）")
    q.set_defaults(func=cmd_reset_password)
