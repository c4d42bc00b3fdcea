"""City hub commands (issue 19): `zongzhi city init|profile|register|import|status|serve|report|revoke-key|config`.

The city store is <data dir>/city.sqlite3, or the database named by --db / ZONGZHI_CITY_DB (e.g.
postgresql+psycopg://user@host/zongzhi_city). Key passphrase: ZONGZHI_CITY_PASSPHRASE,
--passphrase-stdin or a prompt. The city hub is the county hub's code with the city's keys: the
same server, the same import core, the same timeliness rule, the same sheets.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..domain.errors import DomainError
from ..paths import STORE_FILE as TOWNSHIP_STORE_FILE
from ..paths import data_dir
from ..store.database import Store
from ..sync.suites import LABELS
from . import add_data_dir
from .argtypes import bounded_int, suite_name
from .commands import command_help
from .common import print_json, show_recovery_key
from .county import COUNTY_STORE_FILE, _shown, _sqlite_path, operator
from .sync import (
    add_passphrase_args,
    confirm_fingerprint,
    passphrase_from_env,
    read_file,
    read_passphrase,
    write_file,
)

CITY_STORE_FILE = "city.sqlite3"


def add_db_arg(parser: argparse.ArgumentParser) -> None:
    add_data_dir(parser)
    parser.add_argument("--db", default=None,
                        help="市级数据库：文件路径或 postgresql+psycopg://… 地址（默认 数据目录/city.sqlite3，或环境变量 ZONGZHI_CITY_DB）")


def city_target(args: argparse.Namespace) -> str | Path:
    """--db, ZONGZHI_CITY_DB, else <data dir>/city.sqlite3 of a data directory named explicitly."""
    target = getattr(args, "db", None) or os.environ.get("ZONGZHI_CITY_DB")
    if target:
        return target
    chosen = getattr(args, "data_dir", None)
    if not chosen:
        raise DomainError("请指定市级数据的位置：--data-dir 市级数据目录（或 --db 数据库地址、环境变量 ZONGZHI_CITY_DB）")
    return data_dir(chosen) / CITY_STORE_FILE


def open_city_store(args: argparse.Namespace, passphrase: str | None = None) -> Store:
    """The city store; on SQLite encrypted like a county store, opened by the city key passphrase."""
    target = _sqlite_path(city_target(args))
    if isinstance(target, Path):
        from ..services.unlock import county_key, store_state

        if store_state(target) in ("encrypted", "keyless"):
            if passphrase is None:
                passphrase = read_passphrase(args, "市级密钥口令：", role="city")
            return Store(target, key=county_key(target, passphrase, hub="市级"))
    try:
        return Store(target)
    except Exception as e:
        if isinstance(e, DomainError):
            raise
        raise DomainError(f"无法打开市级数据库 {_shown(city_target(args))}：{type(e).__name__}") from None


def _keys(args: argparse.Namespace) -> tuple[Store, object]:
    from ..city.setup import unlock_city_keys

    passphrase = read_passphrase(args, "市级密钥口令：", role="city")
    store = open_city_store(args, passphrase)
    return store, unlock_city_keys(store, passphrase)


def cmd_init(args: argparse.Namespace) -> int:
    from ..city.setup import init_city

    target = city_target(args)
    if isinstance(target, Path) and any((target.parent / f).exists() for f in (TOWNSHIP_STORE_FILE, COUNTY_STORE_FILE)):
        raise DomainError(f"目录 {target.parent} 中已有乡镇或县级数据库：市级数据请放在另一个目录（--data-dir 市级数据目录）")
    passphrase = read_passphrase(args, "设置市级密钥口令（至少8位）：", confirm=True, role="city")
    recovery = None
    target = _sqlite_path(target)
    if isinstance(target, Path):
        from ..services.unlock import create_encrypted_county, remove_store_files
        from ..sync.keys import check_passphrase_rule

        check_passphrase_rule(passphrase)
        store, recovery = create_encrypted_county(target, passphrase)
    else:
        store = open_city_store(args)
    try:
        ident = init_city(store, args.city_code, args.city_name, passphrase, actor=operator(), upload_url=args.url,
                          suite=args.suite)
    except BaseException:
        if recovery is not None:
            store.close()
            remove_store_files(target)
        raise
    out = Path(args.output) if args.output else Path.cwd() / f"{args.city_code}.zzcity"
    written = write_file(str(out), ident.profile)
    print(f"市级数据库已初始化：{store.path or _shown(target)}")
    print(f"市级配置文件已写入 {written.resolve()}（发给各县，由其导入：zongzhi county trust-city）")
    print(f"市级配置指纹：{ident.fingerprint}")
    print(f"密码套件：{LABELS[ident.suite]}（各县须使用同一套件）")
    if recovery:
        print("市级数据库已加密：密钥口令打开它；忘记口令时，下面的恢复密钥仍能打开数据库。", file=sys.stderr)
        show_recovery_key(recovery)
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from ..city.setup import city_identity

    ident = city_identity(open_city_store(args))
    path = write_file(args.output, ident.profile)
    print(f"市级配置文件已写入 {path}，指纹 {ident.fingerprint}")
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    from ..city.setup import register_county
    from ..sync.citybundle import read_county_registration

    data = read_file(args.file)
    store = open_city_store(args)
    reg = read_county_registration(data)
    print(f"县：{reg.county_name}（{reg.county_code}）")
    expected = confirm_fingerprint(args, "县级登记文件", reg.fingerprint)
    r = register_county(store, data, actor=operator(), expected_fingerprint=expected)
    if r.already_registered:
        print(f"该密钥此前已登记，未作改变（指纹 {reg.fingerprint}）")
    else:
        print(f"已登记{'新县' if r.new_county else ''} {reg.county_name}（{reg.county_code}），密钥指纹 {reg.fingerprint}")
        if r.retired:
            print(f"该县的旧密钥已停用（{len(r.retired)} 个），用旧密钥签发的县级批次仍可导入")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..city.importer import import_county_bundle
    from ..sync.citybundle import city_receipt_file_name
    from ..sync.errors import BundleRefused, SyncError

    store, keys = _keys(args)
    refused = 0
    for f in args.files:
        try:
            r = import_county_bundle(store, f, keys, actor=operator(), via="file")  # type: ignore[arg-type]
        except (BundleRefused, SyncError) as e:
            refused += 1
            print(f"{f}：拒收 — {e.message}")
            continue
        target = Path(args.receipts) if args.receipts else Path(f).parent
        rpath = write_file(str(target / city_receipt_file_name(r.county_code, r.sequence)), r.receipt)
        head = ("重复导入，市级数据未改变" if r.replay else
                f"乡镇批次 {r.township_bundles} 个（新收 {r.new_township_bundles} 个），写入记录 {r.rows} 条，均已核对至乡镇签名")
        print(f"{f}：县 {r.county_code} 第 {r.sequence} 批：{head}")
        for code, seqs in sorted(r.township_missing.items()):
            print(f"  注意：乡镇 {code} 的批次 {'、'.join(map(str, seqs))} 本市尚未收到")
        print(f"  回执：{rpath}（带回县级导入：zongzhi county city-receipt）")
    return 2 if refused else 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..city.setup import city_identity
    from ..city.status import city_status_document, county_board, county_snapshot
    from ..county.timeliness import CHINA_TZ as CHINA
    from ..county.timeliness import aware, default_periods, evaluate, local_today, rate_text
    from ..reports.periods import parse_period

    store = open_city_store(args)
    ident = city_identity(store)
    periods = [parse_period(args.period)] if args.period else None
    if args.json:
        print_json(city_status_document(store, periods))
        return 0
    print(f"{ident.city_name}（{ident.city_code}）市级配置指纹 {ident.fingerprint}，密码套件 {ident.suite}")
    if args.board:
        board = county_board(store, args.board, args.count)
        _print_board(board)
        return 0
    snap = county_snapshot(store)
    if not snap.townships:
        print("尚无登记的县（zongzhi city register 县级登记文件）")
    for ps in (evaluate(snap, p) for p in (periods or default_periods(local_today(snap.now)))):
        deadline = ps.deadline.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
        print()
        print(f"{ps.period.short_label}（{ps.period.start}—{ps.period.end}）各县转报情况：期末后{ps.timely_days}日内"
              f"（{deadline} 前）收到为按时{'；本期尚未结束' if ps.is_open else ''}")
        print(f"  应报 {ps.expected} 个县，按时 {ps.count('on_time')}，迟报 {ps.count('late')}，未报 {ps.count('missing')}，"
              f"待报 {ps.count('pending')}；上报率 {rate_text(ps.reporting_rate)}，及时率 {rate_text(ps.timely_rate)}")
        for t in ps.townships:
            print(f"  {t.code} {t.name}：{t.label}")
    doc = city_status_document(store, periods)
    print()
    print("各县：")
    for c in doc["counties"]:
        received = aware(next(s for s in snap.townships if s.code == c["code"]).last_received_at)
        last = received.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if received else "从未收到"
        print(f"{c['code']} {c['name']}：县级批次 {c['bundles']} 个，最近接收 {last}；"
              f"乡镇 {c['townships']} 个、乡镇批次 {c['township_bundles']} 个")
    from ..county.status import ranges

    gaps = [t for t in doc["townships"] if t["missing"] or t["chain_breaks"] or t["forks"]]
    if gaps:
        print()
        print("乡镇批次缺口（本市尚未收到，县级转报后补齐；县级早于本版本收到的批次请乡镇运行 zongzhi sync resend --all）：")
    for t in gaps:
        line = f"{t['code']} {t['name']}"
        if t["missing"]:
            line += f"：缺少批次 {ranges(t['missing'])}"
        if t["chain_breaks"]:
            line += f"；批次链断开于 {ranges(t['chain_breaks'])}"
        if t["forks"]:
            line += f"；序号重复 {ranges(t['forks'])}"
        print(line)
    return 0


def _print_board(board: list) -> None:  # type: ignore[type-arg]
    """Counties × periods: one line per county, one column per period (按/迟/未/待/—)."""
    from ..county.timeliness import rate_text

    short = {"on_time": "按时", "late": "迟报", "missing": "未报", "pending": "待报", "not_expected": "—"}
    heads = [ps.period.short_label for ps in board]
    print("县 \\ 期间：" + " | ".join(heads))
    codes = [(t.code, t.name) for t in board[-1].townships] if board else []
    for code, name in codes:
        cells = []
        for ps in board:
            t = next((x for x in ps.townships if x.code == code), None)
            cells.append(short[t.status] if t else "—")
        print(f"{code} {name}：" + " | ".join(cells))
    print("上报率：" + " | ".join(rate_text(ps.reporting_rate) for ps in board))
    print("及时率：" + " | ".join(rate_text(ps.timely_rate) for ps in board))


def read_city_passphrase(args: argparse.Namespace) -> str:
    """The city key passphrase for the server: --passphrase-file, ZONGZHI_CITY_PASSPHRASE, or a prompt."""
    import getpass

    if args.passphrase_file:
        try:
            return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as e:
            raise DomainError(f"无法读取口令文件“{args.passphrase_file}”：{e.strerror}") from None
    env = passphrase_from_env("city", remove=True)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise DomainError("需要市级密钥口令：请用 --passphrase-file 指定口令文件，或设置环境变量 ZONGZHI_CITY_PASSPHRASE")
    return getpass.getpass("市级密钥口令：")


def cmd_serve(args: argparse.Namespace) -> int:
    from ..extras import require_hub

    require_hub("fastapi", "市级接收服务（city serve）")
    require_hub("uvicorn", "市级接收服务（city serve）")
    from ..city.server import city_role
    from ..city.setup import unlock_city_keys
    from ..county.server import open_hub_store, safe_target, serve

    target = _sqlite_path(city_target(args))
    passphrase = read_city_passphrase(args)
    try:
        store = open_city_store(args, passphrase) if isinstance(target, Path) else open_hub_store(target)
    except Exception as e:
        if isinstance(e, DomainError):
            raise
        raise DomainError(f"无法打开市级数据库 {safe_target(target)}：{type(e).__name__}") from None
    keys = unlock_city_keys(store, passphrase)
    serve(store, keys, host=args.host, port=args.port, max_bytes=args.max_body_mb * 1024 * 1024,  # type: ignore[arg-type]
          max_concurrent=args.max_concurrent, max_waiting=args.max_waiting, access_log=args.access_log,
          announce=lambda line: print(line, file=sys.stderr, flush=True), role=city_role(store))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from ..city.setup import revoke_county_key

    row = revoke_county_key(open_city_store(args), args.key_id, actor=operator())
    print(f"已吊销县 {row.county_code} 的密钥 {row.key_id[:16]}…：此后用它签发的县级批次一律拒收")
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from ..city.setup import city_identity
    from ..county.timeliness import get_timely_days, set_timely_days

    store = open_city_store(args)
    city_identity(store)
    if args.timely_days is not None:
        n = set_timely_days(store, args.timely_days, actor=operator())
        print(f"及时转报天数已设置为 {n} 天（期末后 {n} 日内收到县级批次为按时）")
    else:
        print(f"及时转报天数：{get_timely_days(store)} 天（期末后该天数内收到县级批次为按时）")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..city.sheets import render_city_sheet
    from ..county.timeliness import local_today
    from ..reports.periods import SHEET_PERIOD, Period

    store = open_city_store(args)
    fmt = args.format or (Path(args.output).suffix.lower().lstrip(".") or "pdf")
    if fmt not in ("pdf", "xlsx"):
        raise DomainError(f"不支持的格式“{fmt}”，可用：pdf、xlsx（用 --format 指定）")
    today = local_today()
    period = args.period or Period.containing(SHEET_PERIOD[args.sheet], today)
    data, report = render_city_sheet(store, args.sheet, period, fmt, made_on=today)
    path = write_file(args.output, data)
    print(f"{report.title}（{report.subtitle}）已写入 {path}")
    for w in report.warnings:
        print(f"提示：{w}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    city = subparsers.add_parser("city", help=command_help("city"))
    sub = city.add_subparsers(dest="city_command", metavar="子命令", required=True)

    p = sub.add_parser("init", help="初始化市级数据库：市级密钥和配置文件")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("--city-code", required=True, help="市级区划代码（6位，以00结尾，如 330800）")
    p.add_argument("--city-name", required=True, help="市名称")
    p.add_argument("--url", default=None, help="市级服务器上传地址（写入配置文件，可省略）")
    p.add_argument("--suite", type=suite_name, default="nacl-1", metavar="{nacl-1,gm-1}",
                   help="密码套件：nacl-1（默认）或 gm-1（国密）；各县须使用同一套件")
    p.add_argument("-o", "--output", default=None, help="配置文件路径（默认 当前目录/<市代码>.zzcity）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("profile", help="再次输出市级配置文件")
    add_db_arg(p)
    p.add_argument("-o", "--output", required=True, help="配置文件路径")
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("register", help="登记县的登记文件（显示指纹供电话核对）")
    add_db_arg(p)
    p.add_argument("file", help="县级登记文件（.zzcreg）")
    p.add_argument("--fingerprint", help="电话核对过的指纹（不一致则拒绝登记）")
    p.add_argument("--yes", action="store_true", help="已核对指纹，不再询问")
    p.set_defaults(func=cmd_register)

    p = sub.add_parser("import", help="导入县级批次（逐条核对至乡镇签名），生成市级回执")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("files", nargs="+", help="县级批次文件（ZZC-….zzb）")
    p.add_argument("--receipts", default=None, help="回执输出目录（默认与批次文件同目录）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("status", help="各县转报情况（按时、迟报、未报）、及时率看板（县×期间）")
    add_db_arg(p)
    p.add_argument("--period", help="期间，如 2026-W47、2026-11、2026-Q4（默认：上一周和上一个月）")
    p.add_argument("--board", choices=("week", "month", "quarter"), help="及时率看板：各县×最近若干期")
    p.add_argument("--count", type=bounded_int(1, 24), default=6, help="看板的期数（默认 6）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("serve", help="运行市级接收服务（与县级接收服务相同：上传、健康检查、上报情况）")
    add_db_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=bounded_int(0, 65535), default=8700, help="端口（默认 8700；0 表示任选空闲端口）")
    p.add_argument("--max-body-mb", type=bounded_int(1, 2048, " MB"), default=2047, help="单个县级批次的大小上限，兆字节（默认 2047）")
    p.add_argument("--max-concurrent", type=bounded_int(1, 64), default=4, help="同时导入的上传数（默认 4）")
    p.add_argument("--max-waiting", type=bounded_int(0, 10_000), default=64, help="最多排队等候的上传数（默认 64）")
    p.add_argument("--passphrase-file", help="市级密钥口令文件（也可用环境变量 ZONGZHI_CITY_PASSPHRASE）")
    p.add_argument("--access-log", help="访问日志文件（JSON 每行一条；默认写到标准错误）")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("report", help="全市周研判、月调度、季推进报表（分县、分乡镇），PDF/XLSX")
    p.add_argument("sheet", choices=("weekly", "monthly", "quarterly"), help="weekly 周研判 | monthly 月调度 | quarterly 季推进")
    add_db_arg(p)
    p.add_argument("--period", help="期间，如 2026-W47、2026-11、2026-Q4（默认：今天所在的期间）")
    p.add_argument("--format", choices=("pdf", "xlsx"), help="输出格式（默认按 -o 的扩展名）")
    p.add_argument("-o", "--output", required=True, help="输出文件")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("revoke-key", help="吊销县级密钥（县级电脑丢失或密钥泄露时）")
    add_db_arg(p)
    p.add_argument("key_id", help="密钥标识（至少前8位，见 city status --json）")
    p.set_defaults(func=cmd_revoke)

    p = sub.add_parser("config", help="市级设置：及时转报天数")
    add_db_arg(p)
    p.add_argument("--timely-days", help="期末后多少天内收到县级批次算按时（0至60，默认3）")
    p.set_defaults(func=cmd_config)
