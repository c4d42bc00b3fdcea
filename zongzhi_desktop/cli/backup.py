"""`zongzhi backup [--to DIR] [--list]` and `zongzhi restore FILE` (docs/security.md, Backups)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ..paths import store_path
from . import tables
from .common import print_json


def _mirror(path: Path) -> Path | None:
    """The second backup folder from the store's settings, if one is set."""
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key='backup_mirror_dir'").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None
    return Path(row[0]) if row and row[0].strip() else None


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
    from ..store.database import Store

    Store(store).engine.dispose()  # a damaged store stops here with its message; an old one is upgraded
    result = make_backup(store, kind="manual", to=Path(args.to) if args.to else None, mirror=_mirror(store))
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

    store = store_path(getattr(args, "data_dir", None))
    backup = Path(args.file)
    entries = verify_copy(backup)
    print(f"备份 {backup.name} 校验通过（完整性、审计链 {entries} 条）")
    if not args.yes:
        if not sys.stdin.isatty():
            raise DomainError("恢复会替换当前数据库：请加 --yes 确认（当前数据库会另存保留）")
        answer = input(f"用此备份替换 {store}？当前数据库会另存保留。输入 yes 确认：")
        if answer.strip().lower() != "yes":
            print("已取消")
            return 1
    aside = restore(store, backup, username=f"os:{getpass.getuser()}")
    print(f"已恢复：{store}")
    if aside.exists():
        print(f"原数据库另存为：{aside}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir
    from .commands import command_help

    p = sub.add_parser("backup", help=command_help("backup"))
    add_data_dir(p)
    p.add_argument("--to", metavar="DIR", help="备份到此文件夹（默认为数据目录下的 backups）")
    p.add_argument("--list", action="store_true", help="列出已有备份（最新的在前）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=command_help("restore"))
    add_data_dir(p)
    p.add_argument("file", metavar="FILE", help="备份文件（zongzhi backup --list 列出）")
    p.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    p.set_defaults(func=cmd_restore)
