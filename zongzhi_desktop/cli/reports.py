"""`zongzhi report …` (周研判 / 月调度 / 季推进 sheets) and `zongzhi print …` (daily print forms)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..domain.errors import DomainError
from ..reports import service as rs
from ..reports.documents import DOCUMENTS, build_document, record_print
from ..reports.periods import SHEET_PERIOD, Period
from ..reports.render_pdf import render_pdf
from ..reports.sheets import PARTS
from ..store.serialize import canonical_json
from .commands import command_help
from .common import add_user_args, open_services_as_user, print_json

# Staff-written parts as command-line flags: flag -> part key.
PART_FLAGS = {
    "opinion": "研判意见（周研判）",
    "next_focus": "下周重点（周研判）",
    "next_plan": "下月安排（月调度）",
    "new_issues": "新情况新问题（季推进）",
    "next_measures": "下季措施（季推进）",
}
assert set(PART_FLAGS) == {k for parts in PARTS.values() for k in parts}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from . import add_data_dir

    rep = sub.add_parser("report", help=command_help("report"))
    rsub = rep.add_subparsers(dest="report_command", metavar="报表", required=True,
                              parser_class=type(rep))
    for kind, label in rs.SHEET_LABELS.items():
        example = {"weekly": "2026-W47", "monthly": "2026-11", "quarterly": "2026-Q4"}[kind]
        p = rsub.add_parser(kind, help=f"{label}")
        add_data_dir(p)
        add_user_args(p)
        p.add_argument("--period", help=f"期间，如 {example}（默认：今天所在的{ {'weekly': '周', 'monthly': '月', 'quarterly': '季度'}[kind] }）")
        p.add_argument("--format", choices=("pdf", "xlsx", "json"), help="输出格式（默认按 -o 的扩展名，否则 pdf）")
        p.add_argument("-o", "--output", required=True, help="输出文件；json 格式可用 - 表示标准输出")
        for flag, help_ in PART_FLAGS.items():
            p.add_argument("--" + flag.replace("_", "-"), dest=flag, help=help_)
        p.add_argument("--filled-by", help="填报人姓名（默认为当前用户）")
        p.add_argument("--appendix", action="store_true",
                       help="附录：在报表末尾列出正文中因篇幅截断的清单的全部记录（签发的报表总带附录）")
        p.add_argument("--save", action="store_true", help="保存填写内容（草稿）")
        p.add_argument("--sign", action="store_true", help="审核签发：冻结报表内容，之后重印完全一致（需审核权限）")
        p.set_defaults(func=cmd_sheet, sheet=kind)
    lst = rsub.add_parser("list", help="已保存和已签发的报表")
    add_data_dir(lst)
    add_user_args(lst)
    lst.add_argument("--kind", choices=tuple(rs.SHEET_LABELS), help="只列某一种报表")
    lst.add_argument("--json", action="store_true", help="以 JSON 输出")
    lst.set_defaults(func=cmd_list)
    void = rsub.add_parser("void", help="作废已保存或已签发的报表（需审核权限），以便重新填报")
    add_data_dir(void)
    add_user_args(void)
    void.add_argument("sheet", choices=tuple(rs.SHEET_LABELS))
    void.add_argument("--period", required=True)
    void.add_argument("--reason", required=True, help="作废原因")
    void.set_defaults(func=cmd_void)

    pr = sub.add_parser("print", help=command_help("print"))
    add_data_dir(pr)
    add_user_args(pr)
    pr.add_argument("kind", help="记录类型：petition | dispute | package | dispatch")
    pr.add_argument("id", help="记录编号（如 XF-2026-000123）或 id")
    forms = "、".join(f"{k}({d.title})" for k, d in DOCUMENTS.items())
    pr.add_argument("form", help=f"文书：{forms}；也可用中文名，如 登记表、受理告知书、交办单、协议书")
    pr.add_argument("-o", "--output", required=True, help="输出 PDF 文件")
    pr.add_argument("--unmasked", action="store_true", help="打印完整身份证号和电话（需查看个人信息权限）")
    pr.set_defaults(func=cmd_print)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".")
    return suffix if suffix in ("pdf", "xlsx", "json") else "pdf"


def _write(path: str, data: bytes) -> None:
    if path == "-":
        sys.stdout.buffer.write(data)
        return
    try:
        Path(path).write_bytes(data)
    except OSError as e:
        raise DomainError(f"无法写入输出文件“{path}”：{e.strerror}") from None


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        print(f"提示：{w}", file=sys.stderr)


def cmd_sheet(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    kind = args.sheet
    period = rs.period_for(kind, args.period) if args.period else Period.containing(SHEET_PERIOD[kind], svc.today())
    parts = {k: getattr(args, k) for k in PART_FLAGS if getattr(args, k) is not None}
    rs.check_parts(kind, parts)
    fmt = _format(args)
    if args.save or args.sign:
        if parts or args.filled_by or not args.sign:
            rs.save_sheet(svc, kind, period, parts, filled_by=args.filled_by)
        if args.sign:
            rs.sign_sheet(svc, kind, period)
        parts = {}
    elif args.filled_by:
        raise DomainError("--filled-by 需与 --save 或 --sign 一起使用")
    if fmt == "json":
        out = rs.render_sheet(svc, kind, period, "pdf", parts=parts, appendix=args.appendix)
        _write(args.output, (canonical_json(out.report.to_dict()) + "\n").encode("utf-8"))
    else:
        out = rs.render_sheet(svc, kind, period, fmt, parts=parts, appendix=args.appendix)
        _write(args.output, out.data)
    _warn(out.warnings)
    state = "已签发（冻结内容）" if out.frozen else ("草稿（已保存）" if out.sheet else "未保存")
    if args.output != "-":
        print(f"{rs.SHEET_LABELS[kind]} {period.short_label}（{out.report.number}，{state}）→ {args.output}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    sheets = rs.list_sheets(svc, args.kind)
    rows = [{
        "sheet": s.sheet_kind, "label": rs.SHEET_LABELS[s.sheet_kind], "period": s.period, "number": s.number,
        "status": s.status, "status_label": rs.STATUS_LABELS.get(s.status, s.status), "filled_by": s.filled_by,
        "signed_by": s.signed_by_name, "signed_date": s.signed_date.isoformat() if s.signed_date else None,
        "content_sha256": s.content_sha256, "pdf_sha256": s.pdf_sha256,
    } for s in sheets]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("（没有已保存的报表）")
        return 0
    for r in rows:
        signed = f"审核人 {r['signed_by']} {r['signed_date']} 内容哈希 {r['content_sha256'][:12]}" if r["status"] == "signed" else ""
        print(f"{r['label']}\t{r['period']}\t{r['number']}\t{r['status_label']}\t填报人 {r['filled_by'] or ''}\t{signed}".rstrip())
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    sheet = rs.void_sheet(svc, args.sheet, args.period, args.reason)
    print(f"已作废 {rs.SHEET_LABELS[sheet.sheet_kind]} {sheet.period}（{sheet.number}）")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    svc = open_services_as_user(args)
    built = build_document(svc, args.kind, args.id, args.form, unmasked=args.unmasked, issue=True)
    report = built.report
    suffix = Path(args.output).suffix.lower()
    data = rs.xlsx_bytes(report) if suffix == ".xlsx" else render_pdf(report)  # openpyxl only for workbooks
    _write(args.output, data)
    record_print(svc, built.kind, built.record_id, built.key, report.number, built.personal,
                 "xlsx" if suffix == ".xlsx" else "pdf")
    _warn(report.warnings)
    if args.output != "-":
        print(f"{report.title} {report.number} → {args.output}")
    return 0
