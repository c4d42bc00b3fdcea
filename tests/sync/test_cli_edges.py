"""Edges of the sync command line: `county import` exit codes with rejected rows, and wrong
passphrases that say what to do when the passphrase is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from clirun import run
from synctools import COUNTY_PASS, TOWN_PASS, County, link, make_township, populate

from zongzhi_desktop.services import Services
from zongzhi_desktop.services.unlock import encrypt_plain_store
from zongzhi_desktop.sync.export import export_bundle


def test_county_import_exit_codes(tmp_path: Path, county: County, town1: Services, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """0: everything imported; 1: imported, rows rejected (listed by table, id, reason, never
    values); 2: a file refused. Refusal wins over rejections."""
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", COUNTY_PASS)
    cdir = str(county.store.path.parent)  # type: ignore[union-attr]
    county.store.close()
    ids = populate(town1, "甲")
    bad_id = ids["petitions"][0]
    secret = "机密" * 20  # a value the listing must not show (40 characters: over the column's 32)
    con = sqlite3.connect(town1.store.path)  # written past the program (SQLite does not enforce lengths)
    con.execute("UPDATE petition SET serial = ?, revision = revision + 1 WHERE id = ?", (secret, bad_id))
    con.commit()
    con.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    first = usb / export_bundle(town1, TOWN_PASS, usb).file_name
    assert first.exists()

    code, out, err = run(capsys, monkeypatch, "county", "import", str(first), "--data-dir", cdir)
    assert code == 1, (out, err)
    assert f"拒收 petition {bad_id}：字段 serial：长度不能超过32个字符" in out
    assert "拒收 1 条" in out and "请乡镇按原因更正后重新发送" in out
    assert secret not in out + err and "机密" not in out + err
    # The same bundle again (a replay) still carries its rejected row.
    code, out, _ = run(capsys, monkeypatch, "county", "import", str(first), "--data-dir", cdir)
    assert code == 1 and "重复导入" in out and bad_id in out

    con = sqlite3.connect(town1.store.path)
    con.execute("UPDATE petition SET serial = 'XF-2026-000099', revision = revision + 1 WHERE id = ?", (bad_id,))
    con.commit()
    con.close()
    second = usb / export_bundle(town1, TOWN_PASS, usb, resend_pending=False).file_name
    code, out, err = run(capsys, monkeypatch, "county", "import", str(second), "--data-dir", cdir)
    assert code == 0 and "拒收 0 条" in out, (out, err)

    broken = tmp_path / "broken.zzb"
    data = bytearray(second.read_bytes())
    data[100] ^= 1
    broken.write_bytes(bytes(data))
    code, out, _ = run(capsys, monkeypatch, "county", "import", str(first), str(broken), "--data-dir", cdir)
    assert code == 2 and "拒收 —" in out and bad_id in out


def test_wrong_township_passphrase_points_to_new_key(tmp_path: Path, county: County,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    town = make_township(tmp_path / "t", "330825103", "詹家镇")
    link(town, county)
    populate(town, "丙")
    encrypt_plain_store(town.store)
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "admin-pass-1")
    monkeypatch.setenv("ZONGZHI_KEY_PASSPHRASE", "not-the-passphrase")
    usb = tmp_path / "usb"
    usb.mkdir()
    code, _out, err = run(capsys, monkeypatch, "--data-dir", str(tmp_path / "t"), "export", "--out", str(usb))
    assert code == 2 and "Traceback" not in err
    assert "密钥口令不正确，无法打开乡镇签名密钥" in err
    assert "zongzhi sync register-file --new-key" in err and "“同步”页→更换密钥" in err
    assert not list(usb.iterdir())
    code, _out, err = run(capsys, monkeypatch, "--data-dir", str(tmp_path / "t"), "export", "--out", str(usb),
                         "--passphrase-stdin", stdin=TOWN_PASS + "\n")
    assert code == 0, err


def test_wrong_county_passphrase_says_it_cannot_be_recovered(county: County, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cdir = str(county.store.path.parent)  # type: ignore[union-attr]
    county.store.close()
    hint = "县级密钥口令无法找回"
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", "not-the-passphrase")
    # A plain store (left by an older release): the passphrase opens the county keys.
    code, _out, err = run(capsys, monkeypatch, "county", "import", "--data-dir", cdir, "/nonexistent.zzb")
    assert code == 2 and "密钥口令不正确，无法打开县级" in err and hint in err and "docs/county-hub.md“县级密钥口令遗忘”" in err, err
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", COUNTY_PASS)
    code, _out, err = run(capsys, monkeypatch, "county", "import", "--data-dir", cdir, "/nonexistent.zzb")
    assert "已转换为加密存储" in err  # now encrypted: the passphrase opens the store itself
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", "not-the-passphrase")
    code, _out, err = run(capsys, monkeypatch, "county", "status", "--data-dir", cdir)
    assert code == 2 and "县级密钥口令不正确，无法打开县级数据库" in err and hint in err and "Traceback" not in err
