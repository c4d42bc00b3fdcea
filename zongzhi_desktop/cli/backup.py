"""`zongzhi backup [--to DIR] [--list]` and `zongzhi restore FILE` (docs/security.md, Backups).

An encrypted store is backed up by a signed-in user (the copy is encrypted under the store's key);
restoring an encrypted backup takes a user's password or the recovery key, unwrapped from the data
folder's key file or, when that is lost, the copy in the backup's folder."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ..paths import store_path
from . import tables
from .common import add_user_args, open_services_as_user, print_json


def _mirror(value: str | None) -> Path | None:
    """The second backup folder from the store's settings, if one is set."""
    return Path(value) if value and value.strip() else None


def cmd_backup(args: argparse.Namespace) -> int:
    from ..services.backup import backup_dir, list_backups, make_backup

    store = store_path(getattr(args, "data_dir", None))
    if args.list:
        folder = Path(args.to) if args.to else backup_dir(store)
        found = list_backups(folder)
        if args.json:
            print_json([{"file": str(b.path), "made": b.made.isoformat(sep=" "), "kind": b.kind,
                         "size": b.path.stat().st_size} for b in found])
            return 0
        if not found:
            print(f"{folder} 中没有备份")
            return 0
        print(tables.render(["备份时间", "类型", "大小", "文件"], [
            [f"{b.made:%Y-%m-%d %H:%M:%S}", b.label, f"{b.path.stat().st_size / 1e6:.1f} MB", str(b.path)]
            for b in found]))
        return 0
    from ..services import Actor, Services
    from ..services.unlock import store_state
    from ..store.database import Store

    if store_state(store) == "plain":  # an old store nobody has signed in to since the upgrade
        opened = Store(store)  # a damaged store stops here with its message; an old one is upgraded
        svc = Services(opened, Actor("system", "admin", "系统"))
    else:
        svc = open_services_as_user(args)
        opened = svc.store
    try:
        mirror = _mirror(svc.get_setting("backup_mirror_dir", ""))
    finally:
        opened.close()
    result = make_backup(store, kind="manual", to=Path(args.to) if args.to else None, mirror=mirror,
                         key=opened.key)
    if args.json:
        print_json({"file": str(result.backup.path), "audit_entries": result.audit_entries,
                    "mirrored": str(result.mirrored) if result.mirrored else None,
                    "mirror_problem": result.mirror_problem})
    else:
        print(f"已备份并校验（完整性、审计链 {result.audit_entries} 条）：{result.backup.path}")
        if result.mirrored:
            print(f"已复制到第二备份位置：{result.mirrored}")
    if result.mirror_problem:
        print(f"注意：{result.mirror_problem}", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ..domain.errors import DomainError
    from ..services.backup import restore, verify_copy
    from ..services.unlock import is_plain_sqlite

    store = store_path(getattr(args, "data_dir", None))
    backup = Path(args.file)
    if not backup.is_file():
        raise DomainError(f"找不到备份文件：{backup}")
    key = None if is_plain_sqlite(backup) else _restore_key(args, store, backup)
    entries = verify_copy(backup, key)
    print(f"备份 {backup.name} 校验通过（完整性、审计链 {entries} 条）")
    if not args.yes:
        if not sys.stdin.isatty():
            raise DomainError("恢复会替换当前数据库：请加 --yes 确认（当前数据库会另存保留）")
        answer = input(f"用此备份替换 {store}？当前数据库会另存保留。输入 yes 确认：")
        if answer.strip().lower() != "yes":
            print("已取消")
            return 1
    aside = restore(store, backup, username=f"os:{getpass.getuser()}", key=key)
    print(f"已恢复：{store}")
    if aside.exists():
        print(f"原数据库另存为：{aside}")
    return 0


def _restore_key(args: argparse.Namespace, store: Path, backup: Path) -> bytes:
    """The data key for an encrypted backup: the recovery key, or a user's password."""
    import os

    from ..domain.errors import DomainError
    from ..services.unlock import unwrap_for_restore
    from ..store import keys
    from .common import read_password
    from .keys import _read_recovery_key

    if getattr(args, "recovery_key_stdin", False) or os.environ.get("ZONGZHI_RECOVERY_KEY") is not None:
        text = _read_recovery_key(args)
        for candidate in (keys.keyfile_path(store), backup.parent / keys.keyfile_path(store).name):
            if candidate.exists():
                key = keys.load(candidate).unwrap_recovery(text)
                if key is not None:
                    return key
        raise DomainError("恢复密钥不正确（或已被新的恢复密钥取代）")
    username = getattr(args, "user", None) or os.environ.get("ZONGZHI_USER")
    if not username:
        raise DomainError("备份已加密：请用 --user（及其密码）或恢复密钥（ZONGZHI_RECOVERY_KEY、--recovery-key-stdin）打开")
    return unwrap_for_restore(store, username, read_password(args, f"用户 {username} 的密码："),
                              backup_folder=backup.parent)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir
    from .commands import command_help

    p = sub.add_parser("backup", help=command_help("backup"))
    add_data_dir(p)
    p.add_argument("--to", metavar="DIR", help="备份到此文件夹（默认为数据目录下的 backups）")
    p.add_argument("--list", action="store_true", help="列出已有备份（最新的在前）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_user_args(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=command_help("restore"))
    add_data_dir(p)
    p.add_argument("file", metavar="FILE", help="备份文件（zongzhi backup --list 列出）")
    p.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    add_user_args(p)
    p.add_argument("--recovery-key-stdin", action="store_true",
                   help="用恢复密钥打开加密的备份（从标准输入第一行读取；也可用 ZONGZHI_RECOVERY_KEY）")
    p.set_defaults(func=cmd_restore)
