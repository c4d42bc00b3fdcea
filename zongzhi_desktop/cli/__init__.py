"""`zongzhi` command line. Each area registers its subcommands from its own module.

Exit codes: 0 success, 2 bad input (message in Chinese on stderr), 1 other failures.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from ..domain.errors import DomainError

# Modules that add subcommands: each defines register(subparsers) and sets `func` on its parsers.
COMMAND_MODULES = (
    "zongzhi_desktop.cli.records",
    "zongzhi_desktop.cli.reports",
    "zongzhi_desktop.cli.sync",
    "zongzhi_desktop.cli.county",
    "zongzhi_desktop.cli.ledger",
)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse that exits 2 with a Chinese prefix on usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 参数错误：{message}\n")


def add_data_dir(parser: argparse.ArgumentParser, *, sub: bool = True) -> None:
    """--data-dir on the top parser and on subcommands (a subcommand's absent flag keeps the top one)."""
    parser.add_argument("--data-dir", default=argparse.SUPPRESS if sub else None,
                        help="数据目录（默认取环境变量 ZONGZHI_HOME 或系统用户数据目录）")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = ChineseArgumentParser(prog="zongzhi", description="综治桌面 — 乡镇综治中心信访、矛盾纠纷、领导包案、平安志愿者管理")
    add_data_dir(parser, sub=False)
    parser.add_argument("--lang", default=None, help="界面语言：zh_CN（默认）或 en")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue  # area not built yet
            raise
        module.register(sub)
    return parser


def run_gui(args: argparse.Namespace) -> int:
    """Open the window; on a machine without a display say so in one line."""
    try:
        from ..ui.app import run as run_app
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("zongzhi_desktop.ui"):
            print("图形界面尚未包含在此版本中；请使用命令行（zongzhi --help）。", file=sys.stderr)
            return 1
        raise
    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir is None and os.environ.get("ZONGZHI_HOME"):
        args.data_dir = os.environ["ZONGZHI_HOME"]
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    try:
        if func is None:
            return run_gui(args)
        return int(func(args) or 0)
    except DomainError as e:
        print(f"错误：{e.message}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`zongzhi list … | head`): stop quietly like other command-line tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
