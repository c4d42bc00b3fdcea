"""Township sync commands: `zongzhi sync …`, `zongzhi export`, `zongzhi upload`.

Key passphrase: environment variable ZONGZHI_KEY_PASSPHRASE (the county's commands use
ZONGZHI_COUNTY_PASSPHRASE), --passphrase-stdin (the line after the
password line when --password-stdin is used too), or a prompt in a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ..domain.errors import DomainError
from . import add_data_dir
from .argtypes import bounded_int, iso_date
from .commands import command_help
from .common import add_user_args, open_services_as_user, print_json


def add_passphrase_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--passphrase-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="从标准输入读取密钥口令（在 --password-stdin 的密码行之后）")


# One environment variable per key holder: the township's signing key and the county's keys.
TOWNSHIP_PASSPHRASE_ENV = "ZONGZHI_KEY_PASSPHRASE"
COUNTY_PASSPHRASE_ENV = "ZONGZHI_COUNTY_PASSPHRASE"
CITY_PASSPHRASE_ENV = "ZONGZHI_CITY_PASSPHRASE"


def passphrase_from_env(role: str, *, remove: bool = False) -> str | None:
    """The key passphrase from the role's environment variable. County commands still accept the
    township's variable (the name every county command but `serve` used before) with a deprecation
    note. `remove` takes it out of the environment (the long-running server, so nothing it starts
    inherits it)."""
    take = os.environ.pop if remove else os.environ.get
    if role == "city":
        return take(CITY_PASSPHRASE_ENV) if os.environ.get(CITY_PASSPHRASE_ENV) is not None else None
    if role == "county":
        if os.environ.get(COUNTY_PASSPHRASE_ENV) is not None:
            return take(COUNTY_PASSPHRASE_ENV)
        if os.environ.get(TOWNSHIP_PASSPHRASE_ENV) is not None:
            print(f"提示：县级命令的密钥口令请改用环境变量 {COUNTY_PASSPHRASE_ENV}；"
                  f"{TOWNSHIP_PASSPHRASE_ENV} 仍可使用，但以后的版本将不再支持。", file=sys.stderr)
            return take(TOWNSHIP_PASSPHRASE_ENV)
        return None
    return take(TOWNSHIP_PASSPHRASE_ENV) if os.environ.get(TOWNSHIP_PASSPHRASE_ENV) is not None else None


def read_passphrase(args: argparse.Namespace, prompt: str = "密钥口令：", *, confirm: bool = False,
                    role: str = "township") -> str:
    """The key passphrase from stdin, the role's environment variable (ZONGZHI_KEY_PASSPHRASE for the
    township, ZONGZHI_COUNTY_PASSPHRASE for the county) or a terminal prompt (never echoed)."""
    if getattr(args, "passphrase_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise DomainError("标准输入中没有密钥口令（--passphrase-stdin）")
        return line.rstrip("\r\n")
    env = passphrase_from_env(role)
    if env is not None:
        return env
    var = {"county": COUNTY_PASSPHRASE_ENV, "city": CITY_PASSPHRASE_ENV}.get(role, TOWNSHIP_PASSPHRASE_ENV)
    if not sys.stdin.isatty():
        raise DomainError(f"需要密钥口令：请设置环境变量 {var}、使用 --passphrase-stdin 或在终端中运行")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再次输入密钥口令：") != first:
        raise DomainError("两次输入的密钥口令不一致")
    return first


def confirm_fingerprint(args: argparse.Namespace, what: str, fp: str) -> str | None:
    """Return the fingerprint to check against, or None when the user confirmed it interactively."""
    expected = getattr(args, "fingerprint", None)
    if expected or getattr(args, "yes", False):
        return expected
    if not sys.stdin.isatty():
        raise DomainError(f"{what}指纹：{fp}\n请先与对方电话核对，然后加 --fingerprint \"{fp}\"（或 --yes）再运行")
    print(f"{what}指纹：{fp}")
    answer = input("已与对方电话逐组核对指纹，确认？[y/N] ").strip().lower()
    if answer not in ("y", "yes", "是"):
        raise DomainError("未确认指纹，已取消")
    return None


def write_file(path: str, data: bytes) -> Path:
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + ".partial")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as e:
        raise DomainError(f"无法写入文件“{path}”：{e.strerror}") from None
    return p


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise DomainError(f"无法读取文件“{path}”：{e.strerror}") from None


# -- commands ---------------------------------------------------------------------------------
def _accept_rotation(args: argparse.Namespace, svc, data: bytes) -> int:  # type: ignore[no-untyped-def]
    """A rotation file (or the server's statements): both fingerprints, no phone call needed."""
    from ..sync.rotation import accept_rotation, preview_rotation

    preview = preview_rotation(svc, data)
    if not preview.steps:
        print(f"已信任县级最新配置（指纹 {preview.old_fingerprint}），无需更换")
        return 0
    print("县级密钥更换：")
    print(f"  原指纹：{preview.old_fingerprint}")
    print(f"  新指纹：{preview.new_fingerprint}")
    print("新配置由本乡镇已信任的县级旧密钥签署证明，无需电话核对。")
    if not getattr(args, "yes", False):
        if not sys.stdin.isatty():
            raise DomainError("请确认接受县级密钥更换：加 --yes 再运行")
        if input("接受县级新密钥？[y/N] ").strip().lower() not in ("y", "yes", "是"):
            raise DomainError("未接受，已取消")
    accept_rotation(svc, data)
    print(f"已接受县级新密钥（指纹 {preview.new_fingerprint}）：尚未收到回执的批次将在下次导出或上传时改用新密钥加密")
    return 0


def cmd_trust_county(args: argparse.Namespace) -> int:
    from ..sync.rotation import is_rotation_file
    from ..sync.trust import preview_profile, trust_county

    svc = open_services_as_user(args)
    if args.from_server:
        from ..sync.trust import trusted_county
        from ..sync.upload import fetch_rotations

        base = args.url or trusted_county(svc).upload_url
        if not base:
            raise DomainError("未设置县级上传地址：请用 --url 指定")
        return _accept_rotation(args, svc, fetch_rotations(base))
    if not args.file:
        raise DomainError("请给出县级配置文件或县级密钥更换文件，或使用 --from-server")
    data = read_file(args.file)
    if is_rotation_file(data):
        return _accept_rotation(args, svc, data)
    profile = preview_profile(data)
    print(f"县级配置：{profile.county_name}（{profile.county_code}）")
    expected = confirm_fingerprint(args, "县级配置文件", profile.fingerprint)
    trust_county(svc, data, expected_fingerprint=expected)
    print(f"已信任 {profile.county_name} 的县级配置，指纹 {profile.fingerprint}")
    if profile.suite != "nacl-1":
        from ..sync.suites import LABELS

        print(f"密码套件：{LABELS[profile.suite]}（本乡镇的签名密钥和批次使用该套件）")
    if profile.upload_url:
        print(f"上传地址：{profile.upload_url}")
    return 0


def cmd_register_file(args: argparse.Namespace) -> int:
    from ..sync.trust import make_registration_file, signing_key_row

    svc = open_services_as_user(args)
    creating = args.new_key or signing_key_row(svc) is None
    passphrase = read_passphrase(args, "设置密钥口令（至少8位）：" if creating else "密钥口令：", confirm=creating)
    result = make_registration_file(svc, passphrase, new_key=args.new_key)
    path = write_file(args.output, result.data)
    if result.new_key:
        print("已生成新的乡镇签名密钥" + ("（替换旧密钥，旧密钥签发的批次县级仍可验证）" if result.replaces else ""))
    print(f"登记文件已写入 {path}")
    print(f"本乡镇密钥指纹：{result.fingerprint}")
    print("请把登记文件交县综治中心，并电话核对上面的指纹。")
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    from ..sync.labels import table_label
    from ..sync.receipts import apply_receipt

    svc = open_services_as_user(args)
    for f in args.files:
        r = apply_receipt(svc, read_file(f))
        if r.already_applied:
            print(f"回执 {f}：批次 {r.sequence} 的回执此前已导入，未作改变")
            continue
        print(f"回执 {f}：批次 {r.sequence} 县级接收 {r.accepted} 条（新写入 {r.applied} 条），拒收 {r.rejected} 条")
        for rej in r.rejections[:50]:
            print(f"  拒收 {table_label(rej['table'])} {rej['id']}：{rej['reason']}")
        if r.missing_sequences:
            print(f"  县级尚未收到批次：{', '.join(map(str, r.missing_sequences))}（下次导出会一并补发）")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..sync.status import sync_status

    svc = open_services_as_user(args)
    st = sync_status(svc)
    if args.json:
        print_json(st.as_dict())
        return 0
    if st.county_code:
        print(f"县级：{st.county_name}（{st.county_code}），指纹 {st.county_fingerprint}")
        print(f"上传地址：{st.upload_url or '未设置'}")
    else:
        print("县级：尚未导入县级配置文件（zongzhi sync trust-county）")
    print(f"本乡镇签名密钥：{st.key_fingerprint or '尚未生成（zongzhi sync register-file）'}")
    from ..county.timeliness import CHINA_TZ

    # China time on every machine, as the county shows it (a PC set to UTC would differ by 8 hours).
    last = st.last_receipt_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if st.last_receipt_at else "无"
    print(f"最近批次序号：{st.last_sequence}；最近回执：{last}")
    if st.awaiting_receipt:
        print("等待回执的批次：" + "，".join(f"{b.sequence}（{b.rows}条）" for b in st.awaiting_receipt))
    if not st.unacked_total:
        print("未确认记录：无（全部记录均已被县级确认）")
        return 0
    print(f"未确认（下次导出将上报）共 {st.unacked_total} 条：")
    for t in st.tables:
        if t.unacked or t.rejected:
            extra = f"，其中被县级拒收 {t.rejected} 条" if t.rejected else ""
            print(f"  {t.label}：{t.unacked} 条{extra}")
    for r in st.rejections[:20]:
        print(f"  拒收原因 {r.table_name} {r.record_id}：{r.reason}")
    return 0


def _print_export(r) -> None:  # type: ignore[no-untyped-def]
    from ..sync.labels import table_label

    print(f"已导出批次 {r.file_name}（序号 {r.sequence}，{r.rows} 条记录）")
    for table, c in r.counts.items():
        tomb = f"，含作废 {c['voided']} 条" if c["voided"] else ""
        print(f"  {table_label(table)}：{c['rows']} 条{tomb}")
    if not r.rows:
        print("  （没有新的变更：本批次仅作按时报送记录）")
    if r.resent:
        print(f"同时补发尚未收到回执的批次：{', '.join(map(str, r.resent))}")
    for p in r.copied:
        print(f"  已写入并校验：{p}")


def cmd_export(args: argparse.Namespace) -> int:
    from ..sync.export import export_bundle

    svc = open_services_as_user(args)
    passphrase = read_passphrase(args)
    r = export_bundle(svc, passphrase, args.out, resend_pending=not args.only_new)
    _print_export(r)
    print("回执返回后请导入（zongzhi sync receipt 回执文件）；在此之前这些记录仍算未确认，下次导出会再次包含。")
    return 0


def cmd_upload(args: argparse.Namespace) -> int:
    from ..sync.upload import upload

    svc = open_services_as_user(args)
    passphrase = read_passphrase(args)
    r = upload(svc, passphrase, args.url, retries=args.retries)
    if r.exported:
        _print_export(r.exported)
    for rec in r.receipts:
        print(f"批次 {rec.sequence}：县级接收 {rec.accepted} 条，拒收 {rec.rejected} 条" +
              ("（重复上传，县级未作改变）" if rec.already_applied else ""))
        for rej in rec.rejections[:50]:
            print(f"  拒收 {rej['table']} {rej['id']}：{rej['reason']}")
    if r.dropped:
        print(f"批次 {'、'.join(map(str, r.dropped))} 是用县级已不再持有的密钥加密的旧批次，已从待发目录移除；"
              "其中的记录连同全部记录已放在新批次中重新上报")
    if r.rotation:
        print(f"县级已更换密钥（新指纹 {r.rotation}），由旧密钥签署证明：请运行 zongzhi sync trust-county --from-server 接受")
    return 0


def cmd_resend(args: argparse.Namespace) -> int:
    from ..sync.resend import resend

    svc = open_services_as_user(args)
    passphrase = read_passphrase(args)
    r = resend(svc, passphrase, everything=args.everything, since=args.since, out_dir=args.out)
    _print_export(r)
    if not args.out:
        print("批次已放入待发目录：用 zongzhi upload 上传，或 zongzhi export --out U盘 写到U盘。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ..sync.labels import table_label
    from ..sync.restore import restore_from_county

    svc = open_services_as_user(args)
    passphrase = read_passphrase(args)
    r = restore_from_county(svc, args.file, passphrase)
    print(f"已从县级恢复 {r.rows} 条记录（县级配置指纹 {r.county_fingerprint}）：")
    for table, c in r.counts.items():
        print(f"  {table_label(table)}：{c['rows']} 条")
    print(f"批次序号从第 {r.sequence + 1} 批接着上报" if r.sequence else "此前县级未收到过本乡镇的批次")
    for key, last in sorted(r.serials.items()):
        print(f"  编号 {key}：已用到 {last}")
    return 0


def cmd_set_url(args: argparse.Namespace) -> int:
    from ..sync.trust import set_upload_url
    from ..sync.upload import upload_url

    svc = open_services_as_user(args)
    if args.url:
        upload_url(args.url)
    set_upload_url(svc, args.url or None)
    print(f"上传地址已设置为：{args.url or '（未设置）'}")
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    from ..sync.trust import change_passphrase

    svc = open_services_as_user(args)
    old = read_passphrase(args, "原密钥口令：")
    if os.environ.get("ZONGZHI_NEW_KEY_PASSPHRASE") is not None:
        new = os.environ["ZONGZHI_NEW_KEY_PASSPHRASE"]
    elif getattr(args, "passphrase_stdin", False):
        new = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise DomainError("需要新密钥口令：请设置环境变量 ZONGZHI_NEW_KEY_PASSPHRASE 或在终端中运行")
        new = getpass.getpass("新密钥口令：")
        if getpass.getpass("再次输入新密钥口令：") != new:
            raise DomainError("两次输入的新密钥口令不一致")
    change_passphrase(svc, old, new)
    print("密钥口令已修改")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sync = subparsers.add_parser("sync", help=command_help("sync"))
    sub = sync.add_subparsers(dest="sync_command", metavar="子命令", required=True)

    def common(p: argparse.ArgumentParser, passphrase: bool = False) -> argparse.ArgumentParser:
        add_data_dir(p)
        add_user_args(p)
        if passphrase:
            add_passphrase_args(p)
        return p

    p = common(sub.add_parser("trust-county", help="导入县级配置文件（显示指纹供电话核对）或县级密钥更换文件"))
    p.add_argument("file", nargs="?", help="县级配置文件（.zzcounty）或县级密钥更换文件（.zzrotate）")
    p.add_argument("--fingerprint", help="电话核对过的指纹（不一致则拒绝导入）")
    p.add_argument("--yes", action="store_true", help="已核对指纹（或确认接受密钥更换），不再询问")
    p.add_argument("--from-server", action="store_true", help="从县级服务器取得密钥更换文件并接受")
    p.add_argument("--url", help="县级服务器地址（默认取已设置的上传地址）")
    p.set_defaults(func=cmd_trust_county)

    p = common(sub.add_parser("register-file", help="生成本乡镇签名密钥（如尚无）和登记文件"), passphrase=True)
    p.add_argument("-o", "--output", required=True, help="登记文件路径（如 城关镇.zzreg）")
    p.add_argument("--new-key", action="store_true", help="更换密钥（口令遗失、电脑更换或密钥泄露时）")
    p.set_defaults(func=cmd_register_file)

    p = common(sub.add_parser("receipt", help="导入县级回执，标记已确认的记录"))
    p.add_argument("files", nargs="+", help="回执文件（.zzr）")
    p.set_defaults(func=cmd_receipt)

    p = common(sub.add_parser("status", help="同步状态：各类记录未确认条数、等待回执的批次"))
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_status)

    p = common(sub.add_parser("set-url", help="设置县级上传地址"))
    p.add_argument("url", nargs="?", default="", help="如 https://xian.example.cn:8600（留空则清除）")
    p.set_defaults(func=cmd_set_url)

    p = common(sub.add_parser("passphrase", help="修改密钥口令"), passphrase=True)
    p.set_defaults(func=cmd_passphrase)

    p = common(sub.add_parser("resend", help="重新上报：县级缺少数据时（换库、恢复旧备份），把记录再发一次"),
               passphrase=True)
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--all", action="store_true", dest="everything", help="全部记录")
    scope.add_argument("--since", type=iso_date("起始日期"), help="该日（北京时间）及以后修改过的记录，如 2026-11-01")
    p.add_argument("--out", help="目标文件夹（U盘）；不给则留在待发目录，由 zongzhi upload 上传")
    p.set_defaults(func=cmd_resend)

    p = common(sub.add_parser("restore", help="新电脑：用县级生成的恢复文件重建本乡镇数据，接着原来的批次和编号继续"),
               passphrase=True)
    p.add_argument("file", help="县级恢复文件（.zzrestore）")
    p.set_defaults(func=cmd_restore)

    p = common(subparsers.add_parser("export", help=command_help("export")), passphrase=True)
    p.add_argument("--out", required=True, help="目标文件夹（U盘盘符或目录）")
    p.add_argument("--only-new", action="store_true", help="只写新批次，不补发尚未收到回执的批次")
    p.set_defaults(func=cmd_export)

    p = common(subparsers.add_parser("upload", help=command_help("upload")), passphrase=True)
    p.add_argument("--url", help="县级服务器地址（默认取县级配置文件或 sync set-url 设置的地址）")
    p.add_argument("--retries", type=bounded_int(0, 20), default=4, help="连接失败时的重试次数（默认4）")
    p.set_defaults(func=cmd_upload)
