"""The command line as a new user meets it: global options anywhere, prompts that can be left with
Ctrl+D, one passphrase variable per key holder, county data kept apart, quick --help/--version."""

from __future__ import annotations

import getpass
import importlib
import io
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from clirun import run

from zongzhi_desktop.cli import ChineseArgumentParser, hoist_global_options, main
from zongzhi_desktop.cli.commands import COMMANDS, modules

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASS = "admin-pass-1"



@pytest.fixture
def township(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("ZONGZHI_HOME", "ZONGZHI_USER", "ZONGZHI_PASSWORD", "ZONGZHI_KEY_PASSPHRASE",
                "ZONGZHI_COUNTY_PASSPHRASE", "ZONGZHI_COUNTY_DB"):
        monkeypatch.delenv(var, raising=False)
    data = tmp_path / "乡镇数据"
    code, _, err = run(capsys, monkeypatch, "init", "--data-dir", str(data), "--township-code", "330825101",
                       "--township-name", "湖镇镇", "--county-code", "330825", "--county-name", "龙游县",
                       "--admin", "admin", "--password-stdin", stdin=ADMIN_PASS + "\n")
    assert code == 0, err
    return data


def test_hoisting_moves_global_options_with_their_values() -> None:
    assert hoist_global_options(["user", "add", "bob", "--user", "admin", "--data-dir=/x", "--role", "clerk"]) == [
        "--user", "admin", "--data-dir=/x", "user", "add", "bob", "--role", "clerk"]
    # After `--` nothing is an option.
    assert hoist_global_options(["add", "--", "--user", "x"]) == ["add", "--", "--user", "x"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_before_or_after_the_command(where: str, township: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    globals_ = ["--data-dir", str(township), "--user", "admin", "--lang", "zh_CN"]
    command = ["user", "add", "clerk", "--role", "clerk", "--name", "王芳", "--password-stdin",
               "--new-password-stdin"]
    argv = [*globals_, *command] if where == "before" else [*command, *globals_]
    code, out, err = run(capsys, monkeypatch, *argv, stdin=f"{ADMIN_PASS}\nclerk-pass-1\n")
    assert code == 0, err
    assert "已新增用户 clerk（王芳，录入员）" in out
    code, out, err = run(capsys, monkeypatch, "user", "list", "--user", "admin", "--data-dir", str(township),
                         "--password-stdin", stdin=ADMIN_PASS + "\n")
    assert code == 0 and "王芳" in out, err


def test_ctrl_d_at_a_password_prompt_cancels_without_traceback(township: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def eof(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", eof)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    capsys.readouterr()
    code = main(["--data-dir", str(township), "--user", "admin", "user", "list"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "已取消" in err and "Traceback" not in err


def test_sync_status_lists_what_is_unacknowledged(township: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh store has its township row to report; the line ending in a colon is followed by it
    (the empty case is checked after a receipt in tests/sync/test_cli_sync.py)."""
    code, out, err = run(capsys, monkeypatch, "sync", "status", "--data-dir", str(township), "--user", "admin",
                         "--password-stdin", stdin=ADMIN_PASS + "\n")
    assert code == 0, err
    lines = out.rstrip().splitlines()
    assert "共 1 条：" in lines[-2] and lines[-1].strip() == "乡镇：1 条"


def test_county_commands_need_a_county_location(township: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", "county-pass-1")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, monkeypatch, "county", "status")
    assert code == 2 and "--data-dir" in err and "县级数据" in err
    # Never beside a township store.
    code, _, err = run(capsys, monkeypatch, "county", "init", "--data-dir", str(township), "--county-code",
                       "330825", "--county-name", "龙游县")
    assert code == 2 and "已有乡镇数据库" in err
    assert not (township / "county.sqlite3").exists()


def test_county_passphrase_variable_and_the_old_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZONGZHI_KEY_PASSPHRASE", raising=False)
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", "county-pass-1")
    code, out, err = run(capsys, monkeypatch, "county", "init", "--data-dir", str(tmp_path / "县级"),
                         "--county-code", "330825", "--county-name", "龙游县")
    assert code == 0, err
    assert (tmp_path / "330825.zzcounty").exists()  # the working directory, as the README's next step expects
    assert "ZONGZHI_KEY_PASSPHRASE" not in err
    # The old variable still opens the county keys, with a note naming the new one.
    monkeypatch.delenv("ZONGZHI_COUNTY_PASSPHRASE")
    monkeypatch.setenv("ZONGZHI_KEY_PASSPHRASE", "county-pass-1")
    code, out, err = run(capsys, monkeypatch, "county", "import", str(tmp_path / "none.zzb"),
                         "--data-dir", str(tmp_path / "县级"))
    assert "ZONGZHI_COUNTY_PASSPHRASE" in err
    assert "拒收" in out  # the keys opened; the missing file is refused as a bundle


def test_version_equals_the_package_metadata(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        declared = tomllib.load(fh)["project"]["version"]
    code, out, _ = run(capsys, monkeypatch, "--version")
    assert code == 0 and out.strip() == f"综治桌面 zongzhi-desktop {declared}"


def test_help_and_version_load_no_services() -> None:
    """`zongzhi --help` reads the command table only: no SQLAlchemy, services or reportlab."""
    probe = (
        "import sys\n"
        "from zongzhi_desktop.cli import main\n"
        "for argv in (['--help'], ['--version']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = [m for m in ('sqlalchemy', 'zongzhi_desktop.services', 'reportlab', 'PySide6') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out, out
    assert "county" in out  # the command list was printed


def test_command_table_matches_what_the_modules_register() -> None:
    """Every module registers exactly its commands from the table, with the table's help text."""
    for module_name in modules():
        parser = ChineseArgumentParser(prog="zongzhi")
        sub = parser.add_subparsers(dest="command")
        importlib.import_module(module_name).register(sub)
        registered = {a.dest: a.help for a in sub._choices_actions}
        expected = {name: c.help for name, c in COMMANDS.items() if c.module == module_name}
        assert registered == expected, module_name


def test_a_command_module_that_fails_to_import_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """No silent fallback: a broken command module is an error, not a missing command."""
    real_import = importlib.import_module

    def broken(name: str, *args: object) -> object:
        if name == "zongzhi_desktop.cli.sync":
            raise ModuleNotFoundError("No module named 'nacl'", name="nacl")
        return real_import(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError):
        main(["sync", "status"])


def test_every_command_in_help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "--help")
    assert code == 0
    for name in COMMANDS:
        assert name in out
