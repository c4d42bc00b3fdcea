"""The whole USB workflow through the `zongzhi` command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from synctools import make_township, populate, table_counts

from zongzhi_desktop.cli import main
from zongzhi_desktop.services import Services


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fp_of(text: str) -> str:
    m = re.search(r"指纹[：:\s]*(\d{5}(?: \d{5}){5})", text)
    assert m, text
    return m.group(1)


def test_usb_workflow_by_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONGZHI_KEY_PASSPHRASE", "cli-pass-1234")
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", "cli-pass-1234")
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "admin-pass-1")
    monkeypatch.chdir(tmp_path)  # county init writes the profile into the working directory
    cdir, tdir, usb = tmp_path / "county", tmp_path / "town", tmp_path / "usb"
    usb.mkdir()

    code, out, _ = run(capsys, "county", "init", "--data-dir", str(cdir), "--county-code", "330825",
                       "--county-name", "龙游县")
    assert code == 0
    county_fp = fp_of(out)
    profile = tmp_path / "330825.zzcounty"
    assert profile.exists() and not (cdir / "330825.zzcounty").exists()

    town = make_township(tdir, "330825101", "城关镇")
    populate(town, "甲")
    from zongzhi_desktop.services.unlock import county_key, encrypt_plain_store

    town = Services(encrypt_plain_store(town.store)[0], town.actor, today=town._today)  # as a sign-in leaves it
    # Without a phone-checked fingerprint (and no terminal to ask), trusting is refused.
    code, _, err = run(capsys, "sync", "trust-county", str(profile), "--data-dir", str(tdir))
    assert code == 2 and county_fp in err and "电话核对" in err
    code, _, err = run(capsys, "sync", "trust-county", str(profile), "--data-dir", str(tdir),
                       "--fingerprint", "12345 12345 12345 12345 12345 12345")
    assert code == 2 and "指纹不符" in err
    code, out, _ = run(capsys, "sync", "trust-county", str(profile), "--data-dir", str(tdir), "--fingerprint", county_fp)
    assert code == 0 and "已信任" in out

    reg = tmp_path / "城关镇.zzreg"
    code, out, _ = run(capsys, "sync", "register-file", "-o", str(reg), "--data-dir", str(tdir))
    assert code == 0 and reg.exists()
    town_fp = fp_of(out)
    code, out, _ = run(capsys, "county", "register", str(reg), "--data-dir", str(cdir), "--fingerprint", town_fp)
    assert code == 0 and "已登记新乡镇" in out

    code, out, _ = run(capsys, "export", "--out", str(usb), "--data-dir", str(tdir))
    assert code == 0 and "ZZ-330825101-000001.zzb" in out and "信访件：2 条" in out
    bundle = usb / "ZZ-330825101-000001.zzb"
    assert bundle.exists() and not list(usb.glob("*.partial"))

    code, out, _ = run(capsys, "county", "import", str(bundle), "--data-dir", str(cdir))
    assert code == 0 and "拒收 0 条" in out
    receipt = usb / "ZZ-330825101-000001.zzr"
    assert receipt.exists()
    county_db = cdir / "county.sqlite3"
    assert table_counts(county_db, "330825101", county_key(county_db, "cli-pass-1234")) == table_counts(
        town.store.path, "330825101", town.store.key)

    code, out, _ = run(capsys, "sync", "status", "--json", "--data-dir", str(tdir))
    st = json.loads(out)
    assert st["awaiting_receipt"][0]["sequence"] == 1 and st["unacknowledged"]["petition"] == 2
    code, out, _ = run(capsys, "sync", "receipt", str(receipt), "--data-dir", str(tdir))
    assert code == 0 and "县级接收" in out
    code, out, _ = run(capsys, "sync", "status", "--json", "--data-dir", str(tdir))
    st = json.loads(out)
    assert st["unacknowledged"] == {} and st["awaiting_receipt"] == []
    code, out, _ = run(capsys, "sync", "status", "--data-dir", str(tdir))
    assert code == 0 and "未确认记录：无" in out and not out.rstrip().endswith("：")

    # Bundle 2 lost, bundle 3 arrives: the county status names the gap.
    town.update("petition", town.list_records("petition")[0].id, {"address": "东村5组"})
    run(capsys, "export", "--out", str(tmp_path), "--only-new", "--data-dir", str(tdir))
    town.update("petition", town.list_records("petition")[0].id, {"address": "东村6组"})
    code, out, _ = run(capsys, "export", "--out", str(usb), "--only-new", "--data-dir", str(tdir))
    code, out, _ = run(capsys, "county", "import", str(usb / "ZZ-330825101-000003.zzb"), "--data-dir", str(cdir))
    assert "批次 2 尚未收到" in out
    code, out, _ = run(capsys, "county", "status", "--data-dir", str(cdir))
    assert "缺少批次 2" in out and "城关镇" in out
    code, out, _ = run(capsys, "county", "status", "--json", "--data-dir", str(cdir))
    assert json.loads(out)["townships"][0]["missing"] == [2]
    # A tampered file is refused with exit code 2 and a Chinese reason.
    bad = tmp_path / "bad.zzb"
    data = bytearray((tmp_path / "ZZ-330825101-000002.zzb").read_bytes())
    data[100] ^= 1
    bad.write_bytes(bytes(data))
    code, out, _ = run(capsys, "county", "import", str(bad), str(tmp_path / "ZZ-330825101-000002.zzb"),
                       "--data-dir", str(cdir))
    assert code == 2 and "拒收 — 批次文件已损坏或被修改" in out
    code, out, _ = run(capsys, "county", "status", "--data-dir", str(cdir))
    assert "缺少批次" not in out

    # The next export to a stick re-sends every bundle still awaiting a receipt.
    usb2 = tmp_path / "usb2"
    usb2.mkdir()
    code, out, _ = run(capsys, "export", "--out", str(usb2), "--data-dir", str(tdir))
    assert "补发" in out
    assert sorted(p.name for p in usb2.iterdir()) == [f"ZZ-330825101-00000{i}.zzb" for i in (2, 3, 4)]


def test_wrong_passphrase_and_missing_setup(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "admin-pass-1")
    monkeypatch.setenv("ZONGZHI_KEY_PASSPHRASE", "whatever-123")
    make_township(tmp_path / "t", "330825101", "城关镇")
    code, _, err = run(capsys, "export", "--out", str(tmp_path), "--data-dir", str(tmp_path / "t"))
    assert code == 2 and "尚未导入县级配置文件" in err
    code, _, err = run(capsys, "county", "status", "--data-dir", str(tmp_path / "nowhere"))
    assert code == 2 and "不是县级数据库" in err
    code, _, err = run(capsys, "county", "init", "--data-dir", str(tmp_path / "c"), "--county-code", "33082",
                       "--county-name", "龙游县")
    assert code == 2 and "县级区划代码" in err
