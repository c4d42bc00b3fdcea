"""Reading a NEW password (init, user add, user passwd): stdin line, environment, or asked twice."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ..domain.errors import DomainError


def new_password(args: argparse.Namespace, prompt: str, *, stdin: bool, env: str) -> str:
    """From the next line of standard input (`stdin`), else the environment variable `env`, else a
    terminal prompt asked twice. Never echoed, never logged."""
    if stdin:
        line = sys.stdin.readline()
        if not line:
            raise DomainError("标准输入中没有密码")
        return line.rstrip("\r\n")
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise DomainError(f"需要新密码：请设置环境变量 {env}、使用 --password-stdin 或在终端中运行")
    first = getpass.getpass(prompt)
    second = getpass.getpass("再次输入密码：")
    if first != second:
        raise DomainError("两次输入的密码不一致")
    return first
