"""Helpers shared by the CLI command modules: opening the store as a user, JSON input/output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from ..domain.errors import DomainError
from ..paths import store_path
from ..services import Services
from ..services.admin import is_initialized
from ..store.database import Store


def add_user_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default=argparse.SUPPRESS,
                        help="操作用户（默认取环境变量 ZONGZHI_USER）；密码取 ZONGZHI_PASSWORD、--password-stdin 或提示输入")
    parser.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="从标准输入第一行读取密码")


def open_store(args: argparse.Namespace) -> Store:
    """The store without signing in: only a plain store (an encrypted one needs a user's password)."""
    from ..services.unlock import keyless_error, recover_keyfile, store_state

    path = store_path(getattr(args, "data_dir", None))
    recover_keyfile(path)
    state = store_state(path)
    if state == "keyless":
        raise keyless_error(path)
    if state == "encrypted":
        raise DomainError("数据库已加密：请用 --user 或环境变量 ZONGZHI_USER 指定用户登录"
                          "（密码取 ZONGZHI_PASSWORD、--password-stdin 或提示输入）")
    return Store(path)


def show_recovery_key(text: str) -> None:
    """Print a new recovery key once, on standard error, with what to do with it."""
    print("\n".join([
        "", "══ 恢复密钥（只显示这一次）══",
        f"  {text}",
        "请打印或抄写在纸上，交管理员锁好保管。忘记全部密码、或换电脑从备份恢复时，用它打开数据库；",
        "丢失后可由管理员用 zongzhi key recovery 生成新的（旧的随即失效）。", ""]), file=sys.stderr)


def require_initialized(store: Store) -> None:
    with store.session() as s:
        if not is_initialized(s):
            raise DomainError(f"数据库尚未初始化（{store.path}）：请先运行 zongzhi init 或 zongzhi demo")


def read_password(args: argparse.Namespace, prompt: str = "密码：") -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    env = os.environ.get("ZONGZHI_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise DomainError("需要密码：请设置环境变量 ZONGZHI_PASSWORD、使用 --password-stdin 或在终端中运行")
    return getpass.getpass(prompt)


def open_services_as_user(args: argparse.Namespace) -> Services:
    """Open the store and sign in the CLI user, so every change is attributed to a person."""
    from ..services.unlock import sign_in

    path = store_path(getattr(args, "data_dir", None))
    username = getattr(args, "user", None) or os.environ.get("ZONGZHI_USER")
    if not username:
        raise DomainError("请用 --user 或环境变量 ZONGZHI_USER 指定操作用户")
    if not path.exists():
        raise DomainError(f"数据库尚未初始化（{path}）：请先运行 zongzhi init 或 zongzhi demo")
    unlocked = sign_in(path, username, read_password(args, f"用户 {username} 的密码："))
    if unlocked.converted_from is not None:
        print(f"数据库已转换为加密存储；转换前已备份并校验：{unlocked.converted_from}（备份也已加密）", file=sys.stderr)
    if unlocked.recovery_key:
        show_recovery_key(unlocked.recovery_key)
    return Services(unlocked.store, unlocked.actor)


def read_json_arg(value: str) -> Any:
    """--json FILE or - for standard input."""
    try:
        if value == "-":
            text = sys.stdin.read()
        else:
            with open(value, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as e:
        raise DomainError(f"无法读取 JSON 文件“{value}”：{e.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise DomainError(f"JSON 格式错误（第{e.lineno}行第{e.colno}列）：{e.msg}") from None


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
