"""County hub commands: `zongzhi county init|profile|register|import|status|revoke-key|serve|report|config`,
and toward the city (issue 19): `trust-city|city-register-file|forward|forward-upload|city-receipt`.

The county store is <data dir>/county.sqlite3, or the database named by --db / ZONGZHI_COUNTY_DB
(e.g. postgresql+psycopg://user@host/zongzhi). Key passphrase: ZONGZHI_COUNTY_PASSPHRASE,
--passphrase-stdin or a prompt (ZONGZHI_KEY_PASSPHRASE is still accepted, with a deprecation note).
"""

from __future__ import annotations

import argparse
import getpass
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
from .sync import (
    add_passphrase_args,
    confirm_fingerprint,
    passphrase_from_env,
    read_file,
    read_passphrase,
    write_file,
)

COUNTY_STORE_FILE = "county.sqlite3"


def add_db_arg(parser: argparse.ArgumentParser) -> None:
    add_data_dir(parser)
    parser.add_argument("--db", default=None,
                        help="县级数据库：文件路径或 postgresql+psycopg://… 地址（默认 数据目录/county.sqlite3，或环境变量 ZONGZHI_COUNTY_DB）")


def county_target(args: argparse.Namespace) -> str | Path:
    """Where the county store is: --db, ZONGZHI_COUNTY_DB, else <data dir>/county.sqlite3 for a data
    directory named with --data-dir or ZONGZHI_HOME. The county's data never defaults to this
    user's data folder, where the township store lives: without a location the command is refused."""
    target = getattr(args, "db", None) or os.environ.get("ZONGZHI_COUNTY_DB")
    if target:
        return target
    chosen = getattr(args, "data_dir", None)
    if not chosen:
        raise DomainError("请指定县级数据的位置：--data-dir 县级数据目录（或 --db 数据库地址、环境变量 ZONGZHI_COUNTY_DB）。"
                          "县级数据不放在本机乡镇数据的默认目录中")
    return data_dir(chosen) / COUNTY_STORE_FILE


def _shown(target: str | Path) -> str:
    """A database address without its password, for messages."""
    if isinstance(target, Path) or "://" not in target:
        return str(target)
    from sqlalchemy.engine import make_url

    try:
        return make_url(target).render_as_string(hide_password=True)
    except Exception:  # an unparsable address: show nothing of it
        return "（数据库地址）"


def _sqlite_path(target: str | Path) -> str | Path:
    """A SQLite county store as a Path (--db gives a string); a server URL as it is."""
    from ..store.engine import is_url

    return target if is_url(target) else Path(target)


def open_county_store(args: argparse.Namespace, passphrase: str | None = None) -> Store:
    """The county store. On SQLite it is encrypted (services/unlock.py): the county key passphrase
    (`passphrase`, else --passphrase-stdin / ZONGZHI_COUNTY_PASSPHRASE / a prompt) opens it, and a
    plain one left by an earlier release is converted by a command that has the passphrase anyway."""
    target = _sqlite_path(county_target(args))
    if isinstance(target, Path):
        from ..services.unlock import county_key, encrypt_county_store, store_state

        state = store_state(target)
        if state in ("encrypted", "keyless"):
            if passphrase is None:
                passphrase = read_passphrase(args, "县级密钥口令：", role="county")
            return Store(target, key=county_key(target, passphrase))
        if state == "plain" and passphrase is not None:
            from ..county.setup import unlock_county_keys

            plain = Store(target)
            try:
                unlock_county_keys(plain, passphrase)  # a county store, and its passphrase: else nothing changes
            except BaseException:
                plain.close()
                raise
            store, recovery = encrypt_county_store(plain, passphrase)
            print(f"县级数据库已转换为加密存储（转换前已备份并校验）：{target}", file=sys.stderr)
            show_recovery_key(recovery)
            return store
    try:
        return Store(target)
    except Exception as e:  # connection refused, bad URL: say which database
        if isinstance(e, DomainError):  # includes a missing hub extra (psycopg)
            raise
        raise DomainError(f"无法打开县级数据库 {_shown(county_target(args))}：{type(e).__name__}") from None


def operator() -> str:
    """Who runs the county command (for the audit trail)."""
    try:
        name = os.environ.get("ZONGZHI_USER") or getpass.getuser()
    except (OSError, KeyError):
        name = "county"
    return name[:64]


def cmd_init(args: argparse.Namespace) -> int:
    from ..county.setup import init_county

    target = county_target(args)
    if isinstance(target, Path) and (target.parent / TOWNSHIP_STORE_FILE).exists():
        raise DomainError(f"目录 {target.parent} 中已有乡镇数据库：县级数据请放在另一个目录（--data-dir 县级数据目录）")
    passphrase = read_passphrase(args, "设置县级密钥口令（至少8位）：", confirm=True, role="county")
    recovery = None
    target = _sqlite_path(target)
    if isinstance(target, Path):  # SQLite: encrypted, its key opened by this passphrase
        from ..services.unlock import create_encrypted_county, remove_store_files
        from ..sync.keys import check_passphrase_rule

        check_passphrase_rule(passphrase)
        store, recovery = create_encrypted_county(target, passphrase)
    else:
        store = open_county_store(args)
    try:
        ident = init_county(store, args.county_code, args.county_name, passphrase, actor=operator(),
                            upload_url=args.url, suite=args.suite)
    except BaseException:
        if recovery is not None:  # the store this command just made, never set up: nothing to keep
            store.close()
            remove_store_files(target)
        raise
    # The profile goes where the administrator is working (the README's next step names it so),
    # not into the data folder.
    out = Path(args.output) if args.output else Path.cwd() / f"{args.county_code}.zzcounty"
    written = write_file(str(out), ident.profile)
    print(f"县级数据库已初始化：{store.path or _shown(target)}")
    print(f"县级配置文件已写入 {written.resolve()}（发给各乡镇，由其导入）")
    print(f"县级配置指纹：{ident.fingerprint}")
    print(f"密码套件：{LABELS[ident.suite]}（本县各乡镇的密钥和批次都使用该套件）")
    print("各乡镇导入时请电话逐组核对上面的指纹。请牢记密钥口令：遗失后需重新生成县级密钥并让各乡镇重新导入配置。")
    if recovery:
        print("县级数据库已加密：密钥口令打开它；忘记口令时，下面的恢复密钥仍能打开数据库（但不能代替口令签发回执）。",
              file=sys.stderr)
        show_recovery_key(recovery)
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from ..county.setup import county_identity

    ident = county_identity(open_county_store(args))
    path = write_file(args.output, ident.profile)
    print(f"县级配置文件已写入 {path}，指纹 {ident.fingerprint}")
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    from ..county.setup import preview_registration, register_township

    data = read_file(args.file)
    store = open_county_store(args)
    reg = preview_registration(data)
    print(f"乡镇：{reg.township_name}（{reg.township_code}）")
    if reg.replaces:
        print(f"更换密钥：替换旧密钥 {reg.replaces[:16]}…")
    expected = confirm_fingerprint(args, "乡镇登记文件", reg.fingerprint)
    r = register_township(store, data, actor=operator(), expected_fingerprint=expected)
    if r.already_registered:
        print(f"该密钥此前已登记，未作改变（指纹 {reg.fingerprint}）")
    else:
        print(f"已登记{'新乡镇' if r.new_township else ''} {reg.township_name}（{reg.township_code}），密钥指纹 {reg.fingerprint}")
        if r.retired:
            print(f"该乡镇的旧密钥已停用（{len(r.retired)} 个），用旧密钥签发的批次仍可导入")
        if r.retired and not reg.replaces:
            print("注意：这把新密钥没有声明替换旧密钥，多半是乡镇换了电脑或重装。新电脑不要从头上报，请运行 "
                  f"zongzhi county restore-bundle {reg.township_code} -o 恢复文件，交乡镇用 zongzhi sync restore 恢复后再上报")
    return 0


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from ..county.rotation import rotate_county_keys

    passphrase = read_passphrase(args, "县级密钥口令：", role="county")
    store = open_county_store(args, passphrase)
    r = rotate_county_keys(store, passphrase, actor=operator(), upload_url=args.url)
    written = write_file(args.output, r.statements)
    if args.profile:
        write_file(args.profile, r.profile)
    print("县级密钥已更换（数据库和历史数据不变，旧密钥保留，用旧密钥加密的批次仍可导入）：")
    print(f"  原指纹：{r.old_fingerprint}")
    print(f"  新指纹：{r.new_fingerprint}")
    print(f"密钥更换文件已写入 {written}：由旧密钥签署，各乡镇用 zongzhi sync trust-county 文件 导入即可，无需电话核对；"
          "联网的乡镇也可用 zongzhi sync trust-county --from-server 从本服务器取得。")
    print("正在运行的县级接收服务会在收到新密钥加密的批次时自动载入新密钥。")
    return 0


def cmd_restore_bundle(args: argparse.Namespace) -> int:
    from ..county.restore import write_restore_file
    from ..county.setup import unlock_county_keys

    passphrase = read_passphrase(args, "县级密钥口令：", role="county")
    store = open_county_store(args, passphrase)
    keys = unlock_county_keys(store, passphrase)
    r = write_restore_file(store, keys, args.township, args.output, actor=operator())
    print(f"恢复文件已写入 {r.path}：{r.township_name}（{r.township_code}）共 {r.rows} 条记录，"
          f"县级收到的最后一批为第 {r.sequence} 批")
    print(f"只有登记指纹为 {r.key_fingerprint} 的乡镇电脑能打开它。乡镇运行 zongzhi sync restore 文件 恢复后即可接着上报。")
    return 0


REJECTIONS_LISTED = 50  # rejected rows listed per bundle; the receipt holds them all


def cmd_import(args: argparse.Namespace) -> int:
    from ..county.importer import import_bundle
    from ..county.setup import unlock_county_keys
    from ..county.status import ranges
    from ..sync.bundle import receipt_file_name
    from ..sync.errors import BundleRefused, SyncError

    passphrase = read_passphrase(args, "县级密钥口令：", role="county")
    store = open_county_store(args, passphrase)
    keys = unlock_county_keys(store, passphrase)
    refused = with_rejections = 0
    for f in args.files:
        try:
            r = import_bundle(store, f, keys, actor=operator(), via="file")
        except (BundleRefused, SyncError) as e:
            refused += 1
            print(f"{f}：拒收 — {e.message}")
            continue
        target_dir = Path(args.receipts) if args.receipts else Path(f).parent
        try:
            rpath = write_file(str(target_dir / receipt_file_name(r.township_code, r.sequence)), r.receipt)
        except DomainError as e:
            rpath = None
            print(f"  警告：{e.message}")
        head = "重复导入，县级数据未改变" if r.replay else f"接收 {r.accepted} 条（新写入 {r.applied} 条），拒收 {r.rejected} 条"
        print(f"{f}：乡镇 {r.township_code} 批次 {r.sequence}：{head}")
        rejections = r.payload["rejections"]
        with_rejections += bool(rejections)
        for rej in rejections[:REJECTIONS_LISTED]:  # table, id and reason: reasons never quote values
            print(f"  拒收 {rej['table']} {rej['id']}：{rej['reason']}")
        if len(rejections) > REJECTIONS_LISTED:
            print(f"  ……另有 {len(rejections) - REJECTIONS_LISTED} 条被拒收（全部列在回执中，乡镇导入回执后可在“同步”页查看）")
        if r.missing_sequences:
            print(f"  注意：该乡镇的批次 {ranges(r.missing_sequences)} 尚未收到")
        for w in r.audit_warnings:
            print(f"  警告：{w}")
        if rpath:
            print(f"  回执：{rpath}（带回乡镇导入）")
    if with_rejections and not refused:
        print(f"有 {with_rejections} 个批次中有记录被拒收：这些记录未导入，请乡镇按原因更正后重新发送")
    # 2: a file was refused (bad input); 1: imported, but rows were rejected; 0: everything imported.
    return 2 if refused else 1 if with_rejections else 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..county.overview import status_document
    from ..county.setup import county_identity
    from ..county.status import county_status, ranges
    from ..county.timeliness import CHINA_TZ as CHINA
    from ..county.timeliness import (
        Snapshot,
        aware,
        default_periods,
        evaluate,
        local_today,
        rate_text,
    )
    from ..reports.periods import parse_period

    store = open_county_store(args)
    ident = county_identity(store)
    periods = [parse_period(args.period)] if args.period else None
    if args.json:
        print_json(status_document(store, periods))
        return 0
    snap = Snapshot.load(store)
    states = county_status(store)
    print(f"{ident.county_name}（{ident.county_code}）县级配置指纹 {ident.fingerprint}，密码套件 {ident.suite}")
    if not states:
        print("尚无登记的乡镇（zongzhi county register 登记文件）")
    for ps in (evaluate(snap, p) for p in (periods or default_periods(local_today(snap.now)))):
        deadline = ps.deadline.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
        print()
        print(f"{ps.period.short_label}（{ps.period.start}—{ps.period.end}）上报情况：期末后{ps.timely_days}日内"
              f"（{deadline} 前）收到为按时{'；本期尚未结束' if ps.is_open else ''}")
        print(f"  应报 {ps.expected} 个，按时 {ps.count('on_time')}，迟报 {ps.count('late')}，未报 {ps.count('missing')}，"
              f"待报 {ps.count('pending')}；上报率 {rate_text(ps.reporting_rate)}，及时率 {rate_text(ps.timely_rate)}")
        for t in ps.townships:
            got = ""
            if t.covering:
                got = (f"（批次 {t.covering.sequence}，"
                       f"{t.covering.received_at.astimezone(CHINA).strftime('%Y-%m-%d %H:%M')} 收到）")
            print(f"  {t.code} {t.name}：{t.label}{got}")
    print()
    print("批次链：")
    for s in states:
        received = aware(s.last_received_at)
        last = received.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if received else "从未收到"
        line = f"{s.code} {s.name}：批次 {s.bundle_count} 个，最新序号 {s.last_sequence}，最近接收 {last}"
        if s.missing:
            line += f"；缺少批次 {ranges(s.missing)}"
        if s.chain_breaks:
            line += f"；批次链断开于 {ranges(s.chain_breaks)}"
        if s.forks:
            line += f"；序号重复 {ranges(s.forks)}"
        if s.audit_head:
            line += f"；审计链末端第{s.audit_head.seq}条（批次 {s.audit_head.sequence}）"
        print(line)
        for w in s.audit_warnings:
            print(f"    警告：{w}")
        for k in s.keys:
            label = {"active": "在用", "retired": "已停用", "revoked": "已吊销"}.get(k.status, k.status)
            print(f"    密钥 {k.key_id[:16]}… 指纹 {k.fingerprint}（{label}）")
    return 0


def read_county_passphrase(args: argparse.Namespace) -> str:
    """The county key passphrase for the server: --passphrase-file, ZONGZHI_COUNTY_PASSPHRASE,
    (ZONGZHI_KEY_PASSPHRASE, deprecated), or a prompt in a terminal — never a command-line argument."""
    if args.passphrase_file:
        try:
            text = Path(args.passphrase_file).read_text(encoding="utf-8")
        except OSError as e:
            raise DomainError(f"无法读取口令文件“{args.passphrase_file}”：{e.strerror}") from None
        return text.rstrip("\r\n")
    env = passphrase_from_env("county", remove=True)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise DomainError("需要县级密钥口令：请用 --passphrase-file 指定口令文件，或设置环境变量 ZONGZHI_COUNTY_PASSPHRASE")
    return getpass.getpass("县级密钥口令：")


def cmd_serve(args: argparse.Namespace) -> int:
    from ..extras import require_hub

    require_hub("fastapi", "县级接收服务（county serve）")
    require_hub("uvicorn", "县级接收服务（county serve）")
    from ..county.server import open_hub_store, safe_target, serve
    from ..county.setup import unlock_county_keys

    if args.max_body_mb < 1 or args.max_body_mb > 2048:
        raise DomainError("--max-body-mb 应为1至2048之间的整数（兆字节）")
    if args.max_concurrent < 1 or args.max_concurrent > 64:
        raise DomainError("--max-concurrent 应为1至64之间的整数")
    if args.max_waiting < 0 or args.max_waiting > 10_000:
        raise DomainError("--max-waiting 应为0至10000之间的整数")
    target = _sqlite_path(county_target(args))
    passphrase = read_county_passphrase(args)
    try:
        store = open_county_store(args, passphrase) if isinstance(target, Path) else open_hub_store(target)
    except Exception as e:
        if isinstance(e, DomainError):
            raise
        raise DomainError(f"无法打开县级数据库 {safe_target(target)}：{type(e).__name__}") from None
    keys = unlock_county_keys(store, passphrase)
    serve(store, keys, host=args.host, port=args.port, max_bytes=args.max_body_mb * 1024 * 1024,
          max_concurrent=args.max_concurrent, max_waiting=args.max_waiting, body_idle=float(args.body_idle),
          body_min_rate=float(args.body_min_rate), access_log=args.access_log,
          announce=lambda line: print(line, file=sys.stderr, flush=True))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..county.sheets import render_county_sheet
    from ..county.timeliness import local_today
    from ..reports.periods import SHEET_PERIOD, Period

    store = open_county_store(args)
    fmt = args.format or (Path(args.output).suffix.lower().lstrip(".") or "pdf")
    if fmt not in ("pdf", "xlsx"):
        raise DomainError(f"不支持的格式“{fmt}”，可用：pdf、xlsx（用 --format 指定）")
    today = local_today()
    period = args.period or Period.containing(SHEET_PERIOD[args.sheet], today)
    data, report = render_county_sheet(store, args.sheet, period, fmt, made_on=today)
    path = write_file(args.output, data)
    print(f"{report.title}（{report.subtitle}）已写入 {path}")
    for w in report.warnings:
        print(f"提示：{w}", file=sys.stderr)
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from ..county.setup import county_identity
    from ..county.timeliness import get_timely_days, set_timely_days
    from ..sync.attachments import county_requests, set_county_requests

    store = open_county_store(args)
    county_identity(store)
    if args.timely_days is not None:
        n = set_timely_days(store, args.timely_days, actor=operator())
        print(f"及时上报天数已设置为 {n} 天（期末后 {n} 日内收到批次为按时上报）")
    else:
        print(f"及时上报天数：{get_timely_days(store)} 天（期末后该天数内收到批次为按时上报）")
    if args.attachment_bytes is not None or args.attachment_max_mb is not None or args.restricted_records is not None:
        carry = None if args.attachment_bytes is None else args.attachment_bytes == "on"
        restricted = None if args.restricted_records is None else args.restricted_records == "on"
        requests = set_county_requests(store, carry=carry, max_mb=args.attachment_max_mb, restricted=restricted,
                                       actor=operator())
    else:
        with store.engine.connect() as conn:
            requests = county_requests(conn)
    limit = requests["attachment_max_bytes"] // 1048576
    if requests["attachment_bytes"]:
        print(f"附件内容：要求上报（单个附件不超过 {limit} MB；乡镇收到下一份回执后开始随批次上报）")
    else:
        print("附件内容：不要求上报（批次只带附件的文件名、大小和 SHA-256）")
    from ..services.kinds import KINDS, restricted_kinds

    names = "、".join(KINDS[k].label for k in restricted_kinds())
    if requests["restricted_records"]:
        print(f"{names}：要求上报完整记录（含姓名、身份证号、走访情况和关联案件）")
    else:
        print(f"{names}：只上报不含身份信息的记录（可按乡镇、类别、村统计，不含姓名、身份证号、电话、住址）")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from ..county.setup import revoke_key

    row = revoke_key(open_county_store(args), args.key_id, actor=operator())
    print(f"已吊销乡镇 {row.township_code} 的密钥 {row.key_id[:16]}…：此后用它签发的批次一律拒收")
    return 0


# -- toward the city (issue 19) ----------------------------------------------------------------------


def cmd_trust_city(args: argparse.Namespace) -> int:
    from ..county.forward import trust_city
    from ..sync.citybundle import read_city_profile

    data = read_file(args.file)
    store = open_county_store(args)
    profile = read_city_profile(data)
    print(f"市级：{profile.city_name}（{profile.city_code}），密码套件 {profile.suite}")
    expected = confirm_fingerprint(args, "市级配置文件", profile.fingerprint)
    trust_city(store, data, expected_fingerprint=expected, actor=operator())
    print(f"已信任市级配置文件（指纹 {profile.fingerprint}）。下一步：zongzhi county city-register-file -o 登记文件，交市级登记")
    return 0


def cmd_city_register_file(args: argparse.Namespace) -> int:
    from ..county.forward import registration_file
    from ..county.setup import unlock_county_keys
    from ..sync.citybundle import read_county_registration

    passphrase = read_passphrase(args, "县级密钥口令：", role="county")
    store = open_county_store(args, passphrase)
    data = registration_file(store, unlock_county_keys(store, passphrase), replaces=args.replaces)
    path = write_file(args.output, data)
    reg = read_county_registration(data)
    print(f"县级登记文件已写入 {path}：交市级用 zongzhi city register 登记，电话核对指纹 {reg.fingerprint}")
    return 0


def _print_forward(r: object) -> None:
    from ..county.forward import ForwardResult

    assert isinstance(r, ForwardResult)
    print(f"县级批次第 {r.sequence} 批已写入 {r.path}：转报乡镇批次 {r.township_bundles} 个"
          f"（{len(r.townships)} 个乡镇），本县记录 {r.rows} 条（市级逐条与乡镇签名的原始记录核对）")
    if r.more:
        print("尚有乡镇批次未转报（单个县级批次的大小上限）：请再运行一次")


def _print_city_receipt(c: object) -> None:
    from ..county.forward import CityReceiptResult

    assert isinstance(c, CityReceiptResult)
    if c.already_applied:
        print(f"市级回执（第 {c.sequence} 批）此前已导入，未作改变")
        return
    print(f"市级回执：第 {c.sequence} 批，市级已收妥乡镇批次 {c.acknowledged} 个")
    for code, seqs in sorted(c.township_missing.items()):
        print(f"  注意：市级尚缺乡镇 {code} 的批次 {'、'.join(map(str, seqs))}（县级早于本版本收到、未保存原件的批次无法转报，"
              "可请乡镇运行 zongzhi sync resend --all）")
    for rej in c.rejections[:REJECTIONS_LISTED]:
        print(f"  市级拒收 乡镇 {rej.get('township_code')} {rej['table']} {rej['id']}：{rej['reason']}")


def cmd_forward(args: argparse.Namespace) -> int:
    from ..county.forward import export_county_bundle
    from ..county.setup import unlock_county_keys

    passphrase = read_passphrase(args, "县级密钥口令：", role="county")
    store = open_county_store(args, passphrase)
    r = export_county_bundle(store, unlock_county_keys(store, passphrase), args.output, actor=operator())
    _print_forward(r)
    print("把该文件交市级导入（zongzhi city import），再把市级回执带回导入（zongzhi county city-receipt 回执文件）")
    return 0


def cmd_forward_upload(args: argparse.Namespace) -> int:
    from ..county.forward import upload_to_city
    from ..county.setup import unlock_county_keys

    passphrase = read_passphrase(args, "县级密钥口令：", role="county")
    store = open_county_store(args, passphrase)
    r, c = upload_to_city(store, unlock_county_keys(store, passphrase), args.url)
    _print_forward(r)
    _print_city_receipt(c)
    return 0


def cmd_city_receipt(args: argparse.Namespace) -> int:
    from ..county.forward import apply_city_receipt

    store = open_county_store(args)
    for f in args.files:
        _print_city_receipt(apply_city_receipt(store, read_file(f), actor=operator()))
    return 0


def cmd_forward_status(args: argparse.Namespace) -> int:
    from ..county.forward import forward_status

    st = forward_status(open_county_store(args))
    if args.json:
        print_json(st)
        return 0
    city = st["city"]
    print(f"信任的市级：{city['city_name']}（{city['city_code']}），指纹 {city['fingerprint']}" if city
          else "尚未信任市级配置文件（zongzhi county trust-city）")
    print(f"县级批次：已转报 {st['county_bundles_sent']} 批，收到市级回执 {st['county_bundles_receipted']} 批")
    print(f"乡镇批次：待转报 {st['township_bundles_waiting']} 个，市级已收妥 {st['township_bundles_acknowledged']} 个")
    if st["township_bundles_without_original"]:
        print(f"另有 {st['township_bundles_without_original']} 个乡镇批次在本版本之前收到、未保存原件，无法转报")
    return 0


def _add_city_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("trust-city", help="信任市级配置文件（电话核对指纹）")
    add_db_arg(p)
    p.add_argument("file", help="市级配置文件（.zzcity）")
    p.add_argument("--fingerprint", help="电话核对过的指纹（不一致则拒绝导入）")
    p.add_argument("--yes", action="store_true", help="已核对指纹，不再询问")
    p.set_defaults(func=cmd_trust_city)

    p = sub.add_parser("city-register-file", help="生成本县在市级的登记文件（县级签名密钥）")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("-o", "--output", required=True, help="登记文件路径（.zzcreg）")
    p.add_argument("--replaces", default=None, help="县级更换密钥后：被替换的旧密钥标识")
    p.set_defaults(func=cmd_city_register_file)

    p = sub.add_parser("forward", help="把市级尚未收妥的乡镇批次（原件）连同本县记录封装成县级批次，写到U盘或文件夹")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("-o", "--output", required=True, help="输出目录（如U盘）")
    p.set_defaults(func=cmd_forward)

    p = sub.add_parser("forward-upload", help="封装县级批次并上传到市级服务器，导入回执")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("--url", default=None, help="市级服务器地址（默认取市级配置文件中的地址）")
    p.set_defaults(func=cmd_forward_upload)

    p = sub.add_parser("city-receipt", help="导入市级回执（U盘带回的 .zzr）")
    add_db_arg(p)
    p.add_argument("files", nargs="+", help="市级回执文件")
    p.set_defaults(func=cmd_city_receipt)

    p = sub.add_parser("forward-status", help="向市级转报的情况：信任的市级、已转报和待转报的批次")
    add_db_arg(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_forward_status)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    county = subparsers.add_parser("county", help=command_help("county"))
    sub = county.add_subparsers(dest="county_command", metavar="子命令", required=True)

    p = sub.add_parser("init", help=command_help("init"))
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("--county-code", required=True, help="县级区划代码（6位）")
    p.add_argument("--county-name", required=True, help="县名称")
    p.add_argument("--url", default=None, help="县级服务器上传地址（写入配置文件，可省略）")
    p.add_argument("--suite", type=suite_name, default="nacl-1", metavar="{nacl-1,gm-1}",
                   help="密码套件：nacl-1（默认）或 gm-1（国密 SM2/SM3/SM4）；本县各乡镇都使用该套件")
    p.add_argument("-o", "--output", default=None, help="配置文件路径（默认 当前目录/<县代码>.zzcounty）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("profile", help="再次输出县级配置文件")
    add_db_arg(p)
    p.add_argument("-o", "--output", required=True, help="配置文件路径")
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("register", help="登记乡镇的登记文件（显示指纹供电话核对）")
    add_db_arg(p)
    p.add_argument("file", help="乡镇登记文件（.zzreg）")
    p.add_argument("--fingerprint", help="电话核对过的指纹（不一致则拒绝登记）")
    p.add_argument("--yes", action="store_true", help="已核对指纹，不再询问")
    p.set_defaults(func=cmd_register)

    p = sub.add_parser("import", help="导入乡镇批次文件，生成回执")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("files", nargs="+", help="批次文件（.zzb）")
    p.add_argument("--receipts", default=None, help="回执输出目录（默认与批次文件同目录，如U盘）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("rotate-keys", help="更换县级密钥（保留数据库和旧密钥，新配置由旧密钥签署证明）")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("-o", "--output", required=True, help="密钥更换文件路径（如 330825-更换.zzrotate），发给各乡镇")
    p.add_argument("--profile", help="同时写出新的县级配置文件（供新登记的乡镇电话核对）")
    p.add_argument("--url", default=None, help="新配置中的上传地址（默认沿用）")
    p.set_defaults(func=cmd_rotate_keys)

    p = sub.add_parser("restore-bundle", help="为更换电脑的乡镇生成恢复文件（县级保存的该乡镇全部记录、批次序号和编号）")
    add_db_arg(p)
    add_passphrase_args(p)
    p.add_argument("township", help="乡镇代码（9位）")
    p.add_argument("-o", "--output", required=True, help="恢复文件路径（.zzrestore）或目录")
    p.set_defaults(func=cmd_restore_bundle)

    p = sub.add_parser("status", help="各乡镇上报情况（按时、迟报、未报）、上报率和及时率、缺失批次")
    add_db_arg(p)
    p.add_argument("--period", help="期间，如 2026-W47、2026-11、2026-Q4（默认：上一周和上一个月）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("revoke-key", help="吊销乡镇密钥（电脑丢失或密钥泄露时）")
    add_db_arg(p)
    p.add_argument("key_id", help="密钥标识（至少前8位，见 county status）")
    p.set_defaults(func=cmd_revoke)

    p = sub.add_parser("serve", help="运行县级接收服务（HTTP 上传批次、健康检查、上报情况）")
    add_db_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；对外服务请放在 nginx 之后）")
    p.add_argument("--port", type=bounded_int(0, 65535), default=8600, help="端口（默认 8600；0 表示任选空闲端口）")
    p.add_argument("--max-body-mb", type=bounded_int(1, 4096, " MB"), default=512, help="单个批次的大小上限，兆字节（默认 512）")
    p.add_argument("--max-concurrent", type=bounded_int(1, 64), default=4, help="同时处理（导入）的上传数（默认 4，其余排队）")
    p.add_argument("--max-waiting", type=bounded_int(0, 10_000), default=64,
                   help="最多排队等候的上传数（默认 64；队满或等候超过30秒答复 503，乡镇端稍后自动重试）")
    p.add_argument("--body-idle", type=bounded_int(1, 3600, " 秒"), default=30,
                   help="上传数据中断超过此秒数即断开，答复 408（默认 30；乡镇端自动重试）")
    p.add_argument("--body-min-rate", type=bounded_int(64, 100_000_000, " 字节/秒"), default=4096,
                   help="上传的最低平均速度，字节/秒（默认 4096；批次须在 中断秒数+大小÷此速度 秒内传完，否则 408）")
    p.add_argument("--passphrase-file", help="县级密钥口令文件（也可用环境变量 ZONGZHI_COUNTY_PASSPHRASE）")
    p.add_argument("--access-log", help="访问日志文件（JSON 每行一条；默认写到标准错误）")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("report", help=command_help("report"))
    p.add_argument("sheet", choices=("weekly", "monthly", "quarterly"), help="weekly 周研判 | monthly 月调度 | quarterly 季推进")
    add_db_arg(p)
    p.add_argument("--period", help="期间，如 2026-W47、2026-11、2026-Q4（默认：今天所在的期间）")
    p.add_argument("--format", choices=("pdf", "xlsx"), help="输出格式（默认按 -o 的扩展名）")
    p.add_argument("-o", "--output", required=True, help="输出文件")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("config", help="县级设置：及时上报天数、是否要求上报附件内容")
    add_db_arg(p)
    p.add_argument("--timely-days", help="期末后多少天内收到批次算按时上报（0至60，默认3）")
    p.add_argument("--attachment-bytes", choices=("on", "off"),
                   help="是否要求乡镇随批次上报附件内容（默认 off：只报文件名、大小和 SHA-256）")
    p.add_argument("--attachment-max-mb", help="上报附件内容时单个附件的上限（1至10 MB，默认10）")
    p.add_argument("--restricted-records", choices=("on", "off"),
                   help="是否要求乡镇上报另授权限才能查看的登记的完整记录（默认 off：只报不含身份信息的记录，供统计）")
    p.set_defaults(func=cmd_config)

    _add_city_commands(sub)
