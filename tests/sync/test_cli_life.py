"""Refusals of the issue-15 commands through the command line, on encrypted stores: each a clear
Chinese message, exit code 2, no traceback, nothing changed. (The whole happy path is run from
docs/cli.md by test_docs_commands.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import run
from synctools import make_township, populate, table_counts

from zongzhi_desktop.services import Services

PASS = "cli-pass-1234"


@pytest.fixture
def setup(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ZONGZHI_KEY_PASSPHRASE", PASS)
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", PASS)
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "admin-pass-1")
    monkeypatch.chdir(tmp_path)
    cdir, tdir = tmp_path / "county", tmp_path / "town"
    assert run(capsys, monkeypatch, "county", "init", "--data-dir", str(cdir), "--county-code", "330825",
               "--county-name", "龙游县")[0] == 0
    town = make_township(tdir, "330825101", "城关镇")
    populate(town, "甲")
    from zongzhi_desktop.services.unlock import encrypt_plain_store

    town = Services(encrypt_plain_store(town.store)[0], town.actor, today=town._today)
    for argv in (("sync", "trust-county", "330825.zzcounty", "--yes", "--data-dir", str(tdir)),
                 ("sync", "register-file", "-o", "t.zzreg", "--data-dir", str(tdir)),
                 ("county", "register", "t.zzreg", "--yes", "--data-dir", str(cdir)),
                 ("export", "--out", str(tmp_path), "--data-dir", str(tdir)),
                 ("county", "import", "ZZ-330825101-000001.zzb", "--data-dir", str(cdir))):
        code, out, err = run(capsys, monkeypatch, *argv)
        assert code == 0, (argv, out, err)
    return tmp_path, cdir, tdir, town


def test_refusals(setup, tmp_path: Path, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
                  monkeypatch: pytest.MonkeyPatch) -> None:
    _root, cdir, tdir, town = setup
    # A rotation file of a county this township never trusted: refused, pointing to the phone check.
    other = tmp_path / "other"
    assert run(capsys, monkeypatch, "county", "init", "--data-dir", str(other), "--county-code", "330825",
               "--county-name", "龙游县", "-o", "other.zzcounty")[0] == 0
    assert run(capsys, monkeypatch, "county", "rotate-keys", "--data-dir", str(other), "-o", "other.zzrotate")[0] == 0
    code, _, err = run(capsys, monkeypatch, "sync", "trust-county", "other.zzrotate", "--yes", "--data-dir", str(tdir))
    assert code == 2 and "电话核对" in err and "Traceback" not in err

    # resend needs a scope; a date in the future or not a date is refused by name.
    code, _, err = run(capsys, monkeypatch, "sync", "resend", "--data-dir", str(tdir))
    assert code == 2 and "--all" in err
    code, _, err = run(capsys, monkeypatch, "sync", "resend", "--since", "2026-13-01", "--data-dir", str(tdir))
    assert code == 2 and "起始日期" in err and "YYYY-MM-DD" in err
    code, _, err = run(capsys, monkeypatch, "sync", "resend", "--since", "2999-01-01", "--data-dir", str(tdir))
    assert code == 2 and "不能晚于今天" in err

    # restore-bundle for an unknown township; restore into a store that has records.
    code, _, err = run(capsys, monkeypatch, "county", "restore-bundle", "330825199", "-o", "x.zzrestore",
                       "--data-dir", str(cdir))
    assert code == 2 and "尚未在本县登记" in err
    code, out, err = run(capsys, monkeypatch, "county", "restore-bundle", "330825101", "-o", "t.zzrestore",
                         "--data-dir", str(cdir))
    assert code == 0 and "t.zzrestore" in out, err
    before = table_counts(town.store.path, key=town.store.key)
    code, _, err = run(capsys, monkeypatch, "sync", "restore", "t.zzrestore", "--data-dir", str(tdir))
    assert code == 2 and "只能恢复到新建的数据库" in err and "Traceback" not in err
    assert table_counts(town.store.path, key=town.store.key) == before

    # A second history (a new installation reporting from scratch) is refused at import, exit 2.
    new = tmp_path / "new"
    code, _, err = run(capsys, monkeypatch, "--data-dir", str(new), "init", "--township-code", "330825101",
                       "--township-name", "城关镇", "--county-code", "330825", "--county-name", "龙游县",
                       "--admin", "admin", "--password-stdin", stdin="admin-pass-1\n")
    assert code == 0, err
    usb = tmp_path / "usb"
    usb.mkdir()
    for argv in (("sync", "trust-county", "330825.zzcounty", "--yes", "--data-dir", str(new)),
                 ("sync", "register-file", "-o", "n.zzreg", "--data-dir", str(new)),
                 ("add", "petition", "--set", "received_date=2026-11-20", "--set", "form=来访",
                  "--set", "petitioner_name=钱七", "--set", "category=申诉求决类", "--set", "request=要求修路",
                  "--data-dir", str(new)),
                 ("export", "--out", str(usb), "--data-dir", str(new))):
        code, out, err = run(capsys, monkeypatch, *argv)
        assert code == 0, (argv, out, err)
    code, out, err = run(capsys, monkeypatch, "county", "register", "n.zzreg", "--yes", "--data-dir", str(cdir))
    assert code == 0 and "restore-bundle 330825101" in out
    code, out, err = run(capsys, monkeypatch, "county", "import", str(usb / "ZZ-330825101-000001.zzb"),
                         "--data-dir", str(cdir))
    assert code == 2 and "拒收" in out and "sync restore" in out
