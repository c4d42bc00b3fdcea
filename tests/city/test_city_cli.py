"""The township → county → city workflow through the `zongzhi` command line (USB files)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))

from synctools import make_township, populate

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


def test_city_workflow_by_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ZONGZHI_KEY_PASSPHRASE", "ZONGZHI_COUNTY_PASSPHRASE", "ZONGZHI_CITY_PASSPHRASE"):
        monkeypatch.setenv(var, "cli-pass-1234")
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "admin-pass-1")
    monkeypatch.chdir(tmp_path)
    cdir, tdir, xdir, usb = tmp_path / "county", tmp_path / "town", tmp_path / "city", tmp_path / "usb"
    usb.mkdir()

    code, out, _ = run(capsys, "city", "init", "--data-dir", str(xdir), "--city-code", "330800", "--city-name", "衢州市")
    assert code == 0
    city_fp, city_profile = fp_of(out), tmp_path / "330800.zzcity"
    code, out, _ = run(capsys, "county", "init", "--data-dir", str(cdir), "--county-code", "330825",
                       "--county-name", "龙游县")
    county_fp, county_profile = fp_of(out), tmp_path / "330825.zzcounty"

    # The county trusts the city (phone check) and registers with it.
    code, _, err = run(capsys, "county", "trust-city", str(city_profile), "--data-dir", str(cdir))
    assert code == 2 and city_fp in err and "电话核对" in err
    code, out, _ = run(capsys, "county", "trust-city", str(city_profile), "--data-dir", str(cdir),
                       "--fingerprint", city_fp)
    assert code == 0 and "已信任市级配置文件" in out
    creg = tmp_path / "龙游县.zzcreg"
    code, out, _ = run(capsys, "county", "city-register-file", "-o", str(creg), "--data-dir", str(cdir))
    assert code == 0
    code, out, _ = run(capsys, "city", "register", str(creg), "--data-dir", str(xdir), "--fingerprint", fp_of(out))
    assert code == 0 and "已登记新县 龙游县（330825）" in out

    # A township reports to the county as ever.
    town = make_township(tdir, "330825101", "城关镇")
    populate(town, "甲")
    from zongzhi_desktop.services.unlock import encrypt_plain_store

    town = Services(encrypt_plain_store(town.store)[0], town.actor, today=town._today)
    run(capsys, "sync", "trust-county", str(county_profile), "--data-dir", str(tdir), "--fingerprint", county_fp)
    reg = tmp_path / "城关镇.zzreg"
    code, out, _ = run(capsys, "sync", "register-file", "-o", str(reg), "--data-dir", str(tdir))
    run(capsys, "county", "register", str(reg), "--data-dir", str(cdir), "--fingerprint", fp_of(out))
    run(capsys, "export", "--out", str(usb), "--data-dir", str(tdir))
    code, out, _ = run(capsys, "county", "import", str(usb / "ZZ-330825101-000001.zzb"), "--data-dir", str(cdir))
    assert code == 0

    # The county forwards to the city on the stick; the city imports; the receipt goes back.
    code, out, _ = run(capsys, "county", "forward", "-o", str(usb), "--data-dir", str(cdir))
    assert code == 0 and "转报乡镇批次 1 个" in out
    bundle = usb / "ZZC-330825-000001.zzb"
    assert bundle.exists()
    code, out, _ = run(capsys, "city", "import", str(bundle), "--data-dir", str(xdir))
    assert code == 0 and "新收 1 个" in out and "均已核对至乡镇签名" in out
    code, out, _ = run(capsys, "county", "city-receipt", str(usb / "ZZC-330825-000001.zzr"), "--data-dir", str(cdir))
    assert code == 0 and "市级已收妥乡镇批次 1 个" in out
    code, out, _ = run(capsys, "county", "forward-status", "--json", "--data-dir", str(cdir))
    st = json.loads(out)
    assert st["township_bundles_waiting"] == 0 and st["township_bundles_acknowledged"] == 1

    # Bundle 2 is lost on the way to the county, bundle 3 arrives: the city names the gap.
    town.update("petition", town.list_records("petition")[0].id, {"address": "东村5组"})
    run(capsys, "export", "--out", str(tmp_path), "--only-new", "--data-dir", str(tdir))
    town.update("petition", town.list_records("petition")[0].id, {"address": "东村6组"})
    run(capsys, "export", "--out", str(usb), "--only-new", "--data-dir", str(tdir))
    run(capsys, "county", "import", str(usb / "ZZ-330825101-000003.zzb"), "--data-dir", str(cdir))
    run(capsys, "county", "forward", "-o", str(usb), "--data-dir", str(cdir))
    code, out, _ = run(capsys, "city", "import", str(usb / "ZZC-330825-000002.zzb"), "--data-dir", str(xdir))
    assert code == 0 and "乡镇 330825101 的批次 2 本市尚未收到" in out
    code, out, _ = run(capsys, "city", "status", "--data-dir", str(xdir))
    assert "330825101 城关镇：缺少批次 2" in out
    code, out, _ = run(capsys, "city", "report", "monthly", "--period", "2026-11", "-o", str(tmp_path / "全市.xlsx"),
                       "--data-dir", str(xdir))
    assert code == 0 and "已写入" in out and (tmp_path / "全市.xlsx").stat().st_size > 0
    code, out, _ = run(capsys, "city", "status", "--data-dir", str(xdir))
    assert code == 0 and "330825 龙游县：县级批次 2 个" in out and "乡镇 1 个、乡镇批次 2 个" in out
    code, out, _ = run(capsys, "city", "status", "--board", "month", "--count", "3", "--data-dir", str(xdir))
    assert code == 0 and "330825 龙游县：" in out and out.count("|") >= 2
    code, out, _ = run(capsys, "city", "status", "--json", "--data-dir", str(xdir))
    doc = json.loads(out)
    assert doc["counties"][0]["township_bundles"] == 2 and doc["townships"][0]["code"] == "330825101"
    assert doc["townships"][0]["missing"] == [2]

    # A bundle meant for the county, given to the city, is refused with a reason (exit 2).
    code, out, _ = run(capsys, "city", "import", str(usb / "ZZ-330825101-000001.zzb"), "--data-dir", str(xdir))
    assert code == 2 and "这是乡镇批次文件" in out
    code, out, _ = run(capsys, "county", "import", str(bundle), "--data-dir", str(cdir))
    assert code == 2 and "这是县级批次文件" in out and "zongzhi city import" in out
    # A wrong city passphrase: refused, naming what to do; nothing changes.
    monkeypatch.setenv("ZONGZHI_CITY_PASSPHRASE", "wrong-pass-999")
    code, _, err = run(capsys, "city", "import", str(bundle), "--data-dir", str(xdir))
    assert code == 2 and "市级密钥口令不正确" in err and "Traceback" not in err
    # A wrong city code at init: the field and rule are named, nothing is made.
    code, _, err = run(capsys, "city", "init", "--data-dir", str(tmp_path / "x2"), "--city-code", "330825",
                       "--city-name", "某市")
    assert code == 2 and "市级区划代码" in err and not (tmp_path / "x2" / "city.sqlite3").exists()
