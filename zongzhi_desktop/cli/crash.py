"""The last line of defence of the command line: no traceback reaches a user (issue 14).

An error nobody foresaw is written, scrubbed of ID numbers, phones and names, to the data folder's
log (logs/zongzhi.log) and the user reads one Chinese sentence that says nothing was saved by the
failed step and where the details are. `ZONGZHI_DEBUG=1` lets the exception through for developers.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

ENV_DEBUG = "ZONGZHI_DEBUG"
DAMAGED_SIGNS = ("database disk image is malformed", "file is not a database")


def debugging() -> bool:
    """Whether a developer asked to see raw exceptions."""
    return os.environ.get(ENV_DEBUG, "") not in ("", "0")


def _temp_dir() -> Path:
    import tempfile  # only on this error path: every command imports this module at start

    return Path(tempfile.gettempdir())


def _log_folder(args: argparse.Namespace | None) -> Path:
    from ..paths import data_dir

    explicit = getattr(args, "data_dir", None) if args is not None else None
    try:
        return data_dir(explicit)
    except OSError:
        return _temp_dir()


def report_unexpected(error: BaseException, args: argparse.Namespace | None) -> int:
    """Log `error` with its stack (scrubbed) and tell the user in Chinese; returns exit code 1."""
    from ..ui.logs import setup_logging

    try:
        path = setup_logging(_log_folder(args))
    except OSError:
        path = setup_logging(_temp_dir())
    command = getattr(args, "command", None) or "zongzhi"
    logging.getLogger("zongzhi.cli").error("命令 %s 意外失败", command, exc_info=error)
    if any(sign in str(error) for sign in DAMAGED_SIGNS):  # the store went bad after it opened
        from ..domain.errors import StoreUnreadable
        from ..paths import STORE_FILE

        where = Path(getattr(args, "data_dir", None) or _log_folder(args)) / STORE_FILE
        print(f"错误：{StoreUnreadable(where, '读取时发现损坏').message}", file=sys.stderr)
        return 1
    print(f"内部错误：命令 {command} 意外中止（{type(error).__name__}）。这一步没有完成，已保存的数据不受影响。"
          f"详情已写入 {path}，请把该文件交给技术支持。", file=sys.stderr)
    return 1


def undecodable_argument(argv: Sequence[str]) -> str | None:
    """Names the first command-line argument or ZONGZHI_* variable holding bytes that are not UTF-8
    (Python keeps them as lone surrogates, which nothing can store or print); None if all are fine."""
    for token in argv:
        if any("\ud800" <= ch <= "\udfff" for ch in token):
            shown = token.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return f"参数“{shown}”"
    for name, value in os.environ.items():
        if name.startswith("ZONGZHI_") and any("\ud800" <= ch <= "\udfff" for ch in value):
            return f"环境变量 {name}"
    return None
