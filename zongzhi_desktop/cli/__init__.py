"""`zongzhi` command line. Each area registers its subcommands from its own module.

Exit codes: 0 success, 2 bad input (message in Chinese on stderr), 1 other failures.

The global options `--data-dir`, `--user` and `--lang` may stand before or after the command
(`zongzhi --user admin user add …` and `zongzhi user add … --user admin` are the same). Only the
module that defines the command given is imported (see commands.py), so `zongzhi --help` and
`zongzhi --version` start quickly.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from .commands import COMMANDS, modules

# Options of the top parser that may also be written after the command, with their value.
GLOBAL_OPTIONS = ("--data-dir", "--user", "--lang")


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse that exits 2 with a Chinese prefix on usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from .argtypes import translate_argparse

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 参数错误：{translate_argparse(message)}\n")


def add_data_dir(parser: argparse.ArgumentParser, *, sub: bool = True) -> None:
    """--data-dir on the top parser and on subcommands (a subcommand's absent flag keeps the top one)."""
    parser.add_argument("--data-dir", default=argparse.SUPPRESS if sub else None,
                        help="数据目录（默认取环境变量 ZONGZHI_HOME 或系统用户数据目录）")


def hoist_global_options(argv: Sequence[str]) -> list[str]:
    """Move every global option (with its value) to the front, wherever it was written, so the
    top parser reads it; arguments after a `--` terminator are left alone."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            rest.extend(argv[i:])
            break
        name = token.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in token:
                front.append(token)
            else:
                front.extend(argv[i:i + 2])
                i += 1
        else:
            rest.append(token)
        i += 1
    return front + rest


def command_given(argv: Sequence[str]) -> str | None:
    """The top-level command named in (hoisted) argv, if any."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in GLOBAL_OPTIONS:
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        return token if token in COMMANDS else None
    return None


def program_version() -> str:
    """The installed package's version (from its metadata, so it equals pyproject.toml)."""
    from ..version import version

    return version()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: the command named there is fully defined (its module imported);
    every other command is listed with its help only. With argv None every module is loaded."""
    parser = ChineseArgumentParser(prog="zongzhi", description="综治桌面 — 乡镇综治中心信访、矛盾纠纷、领导包案、平安志愿者管理")
    add_data_dir(parser, sub=False)
    parser.add_argument("--user", default=None,
                        help="操作用户（默认取环境变量 ZONGZHI_USER）；可写在命令前或命令后")
    parser.add_argument("--lang", default=None, help="界面语言：zh_CN（默认）或 en")
    parser.add_argument("--version", action=VersionAction, help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    wanted = command_given(argv) if argv is not None else None
    load = modules() if argv is None else ([COMMANDS[wanted].module] if wanted else [])
    for module_name in modules():
        if module_name in load:
            importlib.import_module(module_name).register(sub)
        else:
            for name, cmd in COMMANDS.items():
                if cmd.module == module_name:
                    sub.add_parser(name, help=cmd.help)
    return parser


class VersionAction(argparse.Action):
    """`--version`: prints the version and exits. The version is read from the package metadata
    (importlib.metadata, ~15 ms) only when the option is given, not for every command."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        parser._print_message(f"综治桌面 zongzhi-desktop {_version_or_unknown()}\n", sys.stdout)
        parser.exit()


def _version_or_unknown() -> str:
    # `--version` must not fail while the parser is built for another command; the version
    # module itself raises when the package metadata is missing, which --version then shows.
    try:
        return program_version()
    except RuntimeError as e:
        return str(e)


def run_gui(args: argparse.Namespace) -> int:
    """Open the window."""
    from ..ui.app import run as run_app

    return run_app(args)


def entry() -> int:
    """The process's entry point (the `zongzhi` console script, `python -m zongzhi_desktop` and the
    desktop build): `main` with the garbage collector tuned for start-up.

    Start-up allocates a few hundred thousand long-lived objects (SQLAlchemy, pydantic, the model
    classes and their mappers, reportlab) and CPython's cyclic collector re-walked them again and
    again while they were created: 0.3-0.4 s CPU of a whole `zongzhi report …` process. So the
    collector is paused while the command's modules are imported and its parser is built, then
    every object alive at that point is moved out of its reach (startup.settle, they live as long
    as the process anyway) and it runs as usual for the command itself. The window settles its
    heap again once it is shown (ui/app.run). Tests call `main` instead: they run many commands in
    one process and keep the default collector."""
    return main(startup_gc=True)


def main(argv: Sequence[str] | None = None, *, startup_gc: bool = False) -> int:
    """Run one command (`argv`, default sys.argv[1:]); returns the exit code. `startup_gc`: see `entry`."""
    if startup_gc:
        gc.disable()
    try:
        return _run(argv, startup_gc=startup_gc)
    finally:
        if startup_gc:
            gc.enable()


def _run(argv: Sequence[str] | None, *, startup_gc: bool) -> int:
    from ..domain.errors import DomainError
    from .crash import debugging, report_unexpected, undecodable_argument

    raw = list(sys.argv[1:] if argv is None else argv)
    bad = undecodable_argument(raw)
    if bad is not None:
        print(f"错误：{bad}含有无法识别的字符（不是 UTF-8 编码），请重新输入", file=sys.stderr)
        return 2
    hoisted = hoist_global_options(raw)
    parser = build_parser(hoisted)
    args = parser.parse_args(hoisted)
    if startup_gc:
        from ..startup import settle

        settle()
        gc.enable()
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
    except EOFError:
        # Ctrl+D (Ctrl+Z on Windows) at a password or confirmation prompt.
        print("\n已取消：输入已结束", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已取消", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`zongzhi list … | head`): stop quietly like other command-line tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as e:
        if debugging():
            raise
        return report_unexpected(e, args)
