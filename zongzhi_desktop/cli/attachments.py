"""`zongzhi attach add|list|save|void`: files attached to records (docs/cli.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.formatting import size_text
from ..services.kinds import RECORD_KINDS
from . import tables
from .common import add_user_args, open_services_as_user, print_json
from .records import open_reader, resolve_kind


def cmd_add(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_services_as_user(args)
    for path in args.files:
        att = svc.attach_file(spec.name, args.id, path, note=args.note)
        print(f"已为{spec.label} {args.id} 添加附件“{att.file_name}”（{size_text(att.size)}，id {att.id}）")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    spec = resolve_kind(args.kind)
    svc = open_reader(args)
    rows = svc.attachments(spec.name, args.id, include_voided=args.all)
    if args.json:
        print_json([{"id": a.id, "file_name": a.file_name, "size": a.size, "media_type": a.media_type,
                     "sha256": a.sha256, "note": a.note, "created_at": a.created_at.isoformat(),
                     "created_by": a.created_by, "voided": a.voided} for a in rows])
        return 0
    if not rows:
        print(f"{spec.label} {args.id} 没有附件")
        return 0
    print(tables.render(["id", "文件名", "大小", "说明", "添加人", "状态"], [
        [a.id, a.file_name, size_text(a.size), a.note or "", svc.person_name(a.created_by),
         f"已作废：{a.void_reason}" if a.voided else ""] for a in rows]))
    return 0


def cmd_save(args: argparse.Namespace) -> int:
    svc = open_reader(args)
    out = svc.export_attachment(args.attachment_id, Path(args.output))
    print(f"已保存到 {out}")
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    att = svc.void_attachment(args.attachment_id, args.reason)
    print(f"已作废附件“{att.file_name}”：{att.void_reason}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir
    from .commands import command_help

    p = sub.add_parser("attach", help=command_help("attach"))
    leaves = p.add_subparsers(dest="attach_command", required=True, metavar="子命令")
    kinds = "、".join(RECORD_KINDS)
    q = leaves.add_parser("add", help="为记录添加附件（扫描件、照片、签字的协议书；单个不超过 50 MB）")
    add_data_dir(q)
    add_user_args(q)
    q.add_argument("kind", metavar="KIND", help=f"记录类型：{kinds}")
    q.add_argument("id", metavar="ID", help="编号（如 XF-2026-000001）或 id")
    q.add_argument("files", metavar="FILE", nargs="+", help="要添加的文件")
    q.add_argument("--note", help="附件说明（如“来信第1页”）")
    q.set_defaults(func=cmd_add)
    q = leaves.add_parser("list", help="列出记录的附件")
    add_data_dir(q)
    add_user_args(q)
    q.add_argument("kind", metavar="KIND")
    q.add_argument("id", metavar="ID")
    q.add_argument("--all", action="store_true", help="也列出已作废的附件")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.set_defaults(func=cmd_list)
    q = leaves.add_parser("save", help="把附件另存为文件（校验 SHA-256 后写出）")
    add_data_dir(q)
    add_user_args(q)
    q.add_argument("attachment_id", metavar="ATTACHMENT_ID")
    q.add_argument("-o", "--output", required=True, help="保存的文件名，或文件夹（保留原文件名）")
    q.set_defaults(func=cmd_save)
    q = leaves.add_parser("void", help="作废添加错的附件（附件保留，不删除）")
    add_data_dir(q)
    add_user_args(q)
    q.add_argument("attachment_id", metavar="ATTACHMENT_ID")
    q.add_argument("--reason", required=True, help="作废原因")
    q.set_defaults(func=cmd_void)
