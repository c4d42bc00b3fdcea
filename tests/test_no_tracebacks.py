"""No traceback reaches a user (issue 14 item 6): bounded CLI numbers, characters nothing can store,
damaged stores, unforeseen errors (logged, scrubbed), and a scrubber that knows every usual shape of
ID numbers, phones and names."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zongzhi_desktop.domain.validation import id_check_digit
from zongzhi_desktop.ui.logs import scrub

DEMO_ENV = {"ZONGZHI_TODAY": "2026-12-07"}


def zongzhi(*args: str | bytes, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ZONGZHI_")}
    full_env.update(DEMO_ENV, **(env or {}))
    return subprocess.run([sys.executable, "-m", "zongzhi_desktop", *args], capture_output=True, text=True,
                          env=full_env, input=stdin, timeout=180)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    done = zongzhi("--data-dir", str(folder), "demo", "--records", "200")
    assert done.returncode == 0, done.stderr
    return folder


def digest(folder: Path) -> str:
    from zongzhi_desktop.store import keys
    from zongzhi_desktop.store.engine import connect_file

    store = folder / "zongzhi.sqlite3"
    con = connect_file(store, keys.load(keys.keyfile_path(store)).unwrap_user("clerk", "zongzhi-clerk"))
    try:
        h = hashlib.sha256()
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"):  # shadow tables are read
            h.update(table.encode())
            for row in sorted(repr(r) for r in con.execute(f'SELECT * FROM "{table}"')):
                h.update(row.encode())
        return h.hexdigest()
    finally:
        con.close()


@pytest.mark.parametrize("args, words", [
    (["list", "petition", "--due-within", "99999999999"], ["--due-within", "0到3650天"]),
    (["due", "--within", "99999999"], ["--within", "0到3650天"]),
    (["list", "petition", "--limit", "-1"], ["--limit", "超出范围"]),
    (["list", "petition", "--limit", "99999999999999999999"], ["--limit", "超出范围"]),
    (["list", "petition", "--limit", "十"], ["--limit", "不是整数"]),
    (["holiday", "list", "--year", "99999"], ["--year", "1949到2199"]),
    (["lsit"], ["无效的选择", "lsit"]),
    (["list"], ["缺少必需的参数", "KIND"]),
])
def test_out_of_range_numbers_exit_2_in_chinese(demo_dir: Path, args: list[str], words: list[str]) -> None:
    done = zongzhi("--data-dir", str(demo_dir), *args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "参数错误" in done.stderr
    for word in words:
        assert word in done.stderr


def test_characters_nothing_can_store_are_refused(demo_dir: Path, tmp_path: Path) -> None:
    before = digest(demo_dir)
    petition = {"received_date": "2026-12-01", "form": "visit", "route": "direct", "category": "suggestion",
                "subject": "urban_rural_construction", "petitioner_name": "张\ud800三", "request": "修路\x00"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(petition), encoding="utf-8")  # json escapes the lone surrogate as \\ud800
    clerk = {"ZONGZHI_PASSWORD": "zongzhi-clerk"}
    done = zongzhi("--data-dir", str(demo_dir), "--user", "clerk", "add", "petition", "--json", str(path), env=clerk)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "信访人姓名（petitioner_name）：含有无法保存的字符（U+D800）" in done.stderr
    assert "信访请求（request）：含有无法保存的字符（U+0000）" in done.stderr
    # Bytes that are not UTF-8 on the command line (a GBK terminal, a mangled script).
    done = zongzhi(b"--data-dir", str(demo_dir).encode(), b"--user", b"clerk", b"void", b"petition",
                   b"XF-2026-000001", b"--reason", "错误".encode("gbk"), env=clerk)
    assert done.returncode == 2 and "不是 UTF-8 编码" in done.stderr and "Traceback" not in done.stderr
    assert digest(demo_dir) == before


def test_damaged_store_gets_a_message_and_is_left_alone(tmp_path: Path) -> None:
    store = tmp_path / "zongzhi.sqlite3"
    store.write_bytes(b"not a database " * 2000)
    done = zongzhi("--data-dir", str(tmp_path), "list", "petition")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "无法打开数据库" in done.stderr and "文件已损坏或不是综治桌面的数据库" in done.stderr
    assert store.read_bytes() == b"not a database " * 2000


def test_unforeseen_error_is_logged_scrubbed_and_told_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug nobody foresaw: one Chinese sentence on screen, the scrubbed stack in the log."""
    from zongzhi_desktop import cli
    from zongzhi_desktop.cli import records

    secret_id = "330825199001011237"

    def broken(args: object) -> int:
        row = {"petitioner_name": "欧阳娜娜", "phone": "13800001111"}
        raise KeyError(f"ID{secret_id} {row}")

    monkeypatch.delenv("ZONGZHI_DEBUG", raising=False)
    monkeypatch.setattr(records, "cmd_due", broken)
    assert cli.main(["--data-dir", str(tmp_path), "due"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("内部错误：命令 due 意外中止（KeyError）") and "Traceback" not in err
    log = (tmp_path / "logs" / "zongzhi.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "KeyError" in log  # the details are kept for support …
    for secret in (secret_id, "欧阳娜娜", "13800001111"):  # … without the personal data
        assert secret not in log and secret not in err
    monkeypatch.setenv("ZONGZHI_DEBUG", "1")
    with pytest.raises(KeyError):
        cli.main(["--data-dir", str(tmp_path), "due"])


def id_number(area: int, year: int, month: int, day: int, seq: int) -> str:
    first17 = f"{area:06d}{year:04d}{month:02d}{day:02d}{seq:03d}"
    return first17 + id_check_digit(first17)


ids = st.builds(id_number, st.integers(110000, 659999), st.integers(1900, 2025), st.integers(1, 12),
                st.integers(1, 28), st.integers(0, 999))
separators = st.sampled_from(["", " ", "-"])


@settings(max_examples=200, deadline=None)
@given(ids, separators, st.sampled_from(["", "ID", "身份证号", "id=", "证件：", "x"]), st.booleans())
def test_scrub_hides_every_id_shape(value: str, sep: str, prefix: str, lower: bool) -> None:
    if lower:
        value = value.lower()
    shaped = sep.join([value[:6], value[6:10], value[10:14], value[14:]]) if sep else value
    out = scrub(f"日志 {prefix}{shaped} 结束")
    assert value[6:14] not in out.replace(sep, "") and "[身份证号]" in out


@pytest.mark.parametrize("phone", [
    "13800001111", "138 0000 1111", "138-0000-1111", "+86 138 0000 1111", "+8613800001111", "0086 13800001111",
    "0570-7012345", "(0570)7012345", "05707012345", "010-62345678", "400-123-4567", "4001234567",
    "800 123 4567", "+852 9123 4567", "+85291234567", "+853 6123 4567", "00852 9123 4567",
])
def test_scrub_hides_every_phone_shape(phone: str) -> None:
    digits = "".join(ch for ch in phone if ch.isdigit())
    out = scrub(f"联系电话 {phone}。")
    assert digits[-7:] not in "".join(ch for ch in out if ch.isdigit()), out


def test_scrub_hides_names_and_sql_parameters_but_keeps_serials_and_dates() -> None:
    text = ("{'petitioner_name': '欧阳娜娜', 'serial': 'XF-2026-000123'} "
            '{"name": "李四", "received_date": "2026-03-05"} 信访人：王五，金额12000元\n'
            "[SQL: INSERT INTO petition VALUES (?, ?)]\n[parameters: ('赵六', '13800001111')]\n"
            "(Background on this error at: https://sqlalche.me/e/21/gkpj)")
    out = scrub(text)
    for secret in ("欧阳娜娜", "李四", "王五", "赵六", "13800001111"):
        assert secret not in out
    for kept in ("XF-2026-000123", "2026-03-05", "12000", "INSERT INTO petition", "Background on this error"):
        assert kept in out
