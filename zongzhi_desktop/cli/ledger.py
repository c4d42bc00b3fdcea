"""`zongzhi import-ledger KIND FILE` (台账导入), `zongzhi import-batches`, `zongzhi undo-import BATCH`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import DomainError
from ..ledger.fields import LEDGER_KINDS
from .commands import command_help
from .common import add_user_args, open_services_as_user, print_json

if TYPE_CHECKING:
    from ..ledger.importer import Plan

# The importer (calamine, openpyxl, the store) is imported by the commands, not at registration:
# `zongzhi --help` stays fast.
MAX_ERRORS_SHOWN = 30


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir

    kinds = "、".join(f"{k}（{v}）" for k, v in LEDGER_KINDS.items())
    p = sub.add_parser("import-ledger", help=command_help("import-ledger"))
    add_data_dir(p)
    add_user_args(p)
    p.add_argument("kind", help=f"台账类型：{kinds}")
    p.add_argument("file", help="台账文件：.xlsx、.xls 或 .csv（UTF-8 或 GBK）")
    p.add_argument("--sheet", help="工作表名称，或 all 表示全部工作表（默认第一个）")
    p.add_argument("--mapping", help="映射文件（JSON，见 docs/import.md）；不给则按表头自动对应")
    p.add_argument("--save-mapping", help="把本次使用的映射保存到文件，下次用 --mapping 复用")
    p.add_argument("--dry-run", action="store_true", help="只检查和预览，不导入")
    p.add_argument("--valid-only", action="store_true", help="有未通过校验的行时，只导入通过校验的行")
    p.add_argument("--report", help="把错误报告写到 XLSX 文件（原始行加“错误”列，另有汇总表）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出汇总")
    p.set_defaults(func=cmd_import)

    b = sub.add_parser("import-batches", help=command_help("import-batches"))
    add_data_dir(b)
    add_user_args(b)
    b.add_argument("--json", action="store_true", help="以 JSON 输出")
    b.set_defaults(func=cmd_batches)

    u = sub.add_parser("undo-import", help=command_help("undo-import"))
    add_data_dir(u)
    add_user_args(u)
    u.add_argument("batch", help="批次编号（import-batches 列出的前8位即可）")
    u.add_argument("--reason", required=True, help="撤销原因")
    u.set_defaults(func=cmd_undo)


def _print_summary(plan: Plan, imported: int | None, batch: str | None) -> None:
    from ..ledger.importer import SKIP_LABELS

    out = sys.stdout
    sheets = "、".join(f"{s.name}（表头在第{s.header.first_row + 1}行）" if s.header else f"{s.name}（未找到表头，跳过）"
                      for s in plan.sheets)
    print(f"台账：{plan.path.name}  工作表：{sheets}", file=out)
    for s in plan.sheets:
        if s.header:
            used = "，".join(f"{s.header.columns[c]}→{f}" for c, f in sorted(s.columns.items()) if f != "seq")
            print(f"  [{s.name}] 列对应：{used}", file=out)
    print(f"读取 {plan.rows_read} 行；" + (f"导入 {imported} 条" if imported is not None else f"可导入 {len(plan.prepared)} 条")
          + f"；拒绝 {plan.refused_rows} 行", file=out)
    for reason, n in plan.skipped.items():
        print(f"  跳过 {SKIP_LABELS.get(reason, reason)}：{n}", file=out)
    for rule, n in plan.refused_by_rule().most_common():
        print(f"  拒绝（{rule}）：{n}", file=out)
    for u in plan.unknown:
        print(f"  未能对应的值：{u.label}“{u.text}” × {u.count}", file=out)
    for e in plan.errors[:MAX_ERRORS_SHOWN]:
        print(f"  {e.sheet} 第{e.row}行 [{e.column or '—'}] “{e.value}”：{e.message}", file=out)
    if len(plan.errors) > MAX_ERRORS_SHOWN:
        print(f"  ……另有 {len(plan.errors) - MAX_ERRORS_SHOWN} 条错误，见 --report 错误报告", file=out)
    if batch:
        print(f"导入批次：{batch}（撤销：zongzhi undo-import {batch[:8]} --reason …）", file=out)


def cmd_import(args: argparse.Namespace) -> int:
    from ..ledger.importer import choose_sheets, commit_import, plan_import
    from ..ledger.mapping import Mapping, load_mapping, suggest_columns
    from ..ledger.report import write_error_report

    if args.kind not in LEDGER_KINDS:
        raise DomainError(f"不能导入“{args.kind}”台账，可用：{'、'.join(LEDGER_KINDS)}")
    services = open_services_as_user(args)
    path = Path(args.file)
    if not path.is_file():
        raise DomainError(f"找不到台账文件“{path}”")
    mapping: Mapping | None = load_mapping(Path(args.mapping), args.kind) if args.mapping else None
    plan = plan_import(services, args.kind, path, sheets=choose_sheets(path, args.sheet), mapping=mapping)
    if args.save_mapping:
        saved = plan.mapping
        if not saved.columns:
            headers = [c for s in plan.sheets if s.header for c in s.header.columns]
            saved.columns = suggest_columns(args.kind, headers)
        saved.save(Path(args.save_mapping))
    if args.report:
        write_error_report(plan, args.report)
    imported = batch = None
    if not args.dry_run:
        result = commit_import(services, plan, valid_only=args.valid_only)
        imported, batch = result.imported, result.batch_id
    if args.json:
        print_json(dict(plan.summary(imported), batch_id=batch,
                        errors=[e.__dict__ for e in plan.errors]))
    else:
        _print_summary(plan, imported, batch)
    return 2 if plan.errors and args.dry_run else 0


def cmd_batches(args: argparse.Namespace) -> int:
    from ..county.timeliness import aware
    from ..domain.formatting import time_text
    from ..ledger.importer import list_batches

    services = open_services_as_user(args)
    batches = list_batches(services)
    if args.json:
        print_json([{"id": b.id, "kind": b.kind, "file": b.file_name, "imported": b.imported,
                     "created_at": b.created_at, "created_by": b.created_by, "undone_at": b.undone_at} for b in batches])
        return 0
    people = services.people()  # 导入人: the person's name
    for b in batches:
        state = f"已撤销（{b.undone_by}：{b.undo_reason}）" if b.undone_at else "有效"
        when = time_text(aware(b.created_at))
        print(f"{b.id[:8]}  {when}  {LEDGER_KINDS.get(b.kind, b.kind)}  {b.file_name}  "
              f"{b.imported}条  {people.get(b.created_by, b.created_by)}  {state}")
    if not batches:
        print("还没有导入过台账")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    from ..ledger.importer import undo_import

    services = open_services_as_user(args)
    n = undo_import(services, args.batch, args.reason)
    print(f"已撤销导入批次 {args.batch}：作废 {n} 条记录")
    return 0
