"""The 同步 page driven like a clerk would (offscreen): trust, register, export, receipt, status."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from synctools import TOWN_PASS, County, make_township, populate

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import register_township
from zongzhi_desktop.services import Actor, Services

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget

from zongzhi_desktop.ui.sync_page import SyncPage


def click(qtbot, page: SyncPage, name: str) -> None:  # type: ignore[no-untyped-def]
    button = page.findChild(QPushButton, name)
    assert button is not None and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_idle(qtbot, page: SyncPage) -> None:  # type: ignore[no-untyped-def]
    """The step has finished and so has the count of every table that follows it (on the runner)."""
    qtbot.waitUntil(lambda: not page.runner.busy and not page.counting, timeout=60_000)


def column(table: QTableWidget, label: str, col: int) -> str | None:
    for r in range(table.rowCount()):
        if table.item(r, 0).text() == label:
            return table.item(r, col).text()
    return None


def test_sync_page_full_cycle(qtbot, tmp_path: Path, county: County) -> None:  # type: ignore[no-untyped-def]
    town = make_township(tmp_path / "t", "330825101", "城关镇")
    populate(town, "甲")
    page = SyncPage(town)
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.show()
    assert page.county_label.text() == "尚未导入县级配置文件"

    # 1. Load the profile: its fingerprint is shown for the phone check, nothing trusted yet.
    profile = tmp_path / "330825.zzcounty"
    profile.write_bytes(county.profile)
    page.load_profile(profile)
    assert page.confirm_panel.isVisible()
    from zongzhi_desktop.sync.profiles import read_profile

    fp = read_profile(county.profile).fingerprint
    assert page.confirm_fp.text() == fp
    assert page.refresh().county_code is None
    click(qtbot, page, "sync_trust_confirm")
    assert "龙游县" in page.county_label.text() and page.county_fp.text() == fp
    assert not page.confirm_panel.isVisible()

    # 2. Create the key with a passphrase typed twice; mismatches are refused.
    page.new_passphrase.setText(TOWN_PASS)
    page.new_passphrase_confirm.setText("something-else")
    reg = tmp_path / "城关镇.zzreg"
    assert page.write_registration(reg) is None and "不一致" in page.message.text()
    page.new_passphrase_confirm.setText(TOWN_PASS)
    result = page.write_registration(reg)
    assert result is not None and reg.exists() and page.key_fp.text() == result.fingerprint
    register_township(county.store, reg.read_bytes())

    # 3. What is unacknowledged, per kind (counted off the GUI thread; 正在统计… meanwhile).
    wait_idle(qtbot, page)
    assert column(page.status_table, "信访件", 2) == "2"

    # 4. Export to a "stick": wrong passphrase first, then the right one.
    usb = tmp_path / "usb"
    usb.mkdir()
    page.target.setText(str(usb))
    page.passphrase.setText("wrong-passphrase")
    click(qtbot, page, "sync_export")
    wait_idle(qtbot, page)
    assert "密钥口令不正确" in page.message.text() and page.message.property("error")
    assert list(usb.iterdir()) == []
    page.passphrase.setText(TOWN_PASS)
    click(qtbot, page, "sync_export")
    wait_idle(qtbot, page)
    assert "已导出批次 ZZ-330825101-000001.zzb" in page.message.text(), page.message.text()
    assert "信访件 2 条" in page.message.text()
    bundle = usb / "ZZ-330825101-000001.zzb"
    assert bundle.exists()
    assert "等待回执的批次：1" in page.summary.text()

    # 5. The county imports; the receipt comes back on the stick.
    r = import_bundle(county.store, bundle, county.keys)
    receipt = usb / "ZZ-330825101-000001.zzr"
    receipt.write_bytes(r.receipt)
    assert page.import_receipt(receipt) is not None
    assert "县级接收" in page.message.text()
    wait_idle(qtbot, page)
    assert column(page.status_table, "信访件", 2) == "0"
    assert "未确认记录共 0 条" in page.summary.text()
    assert page.import_receipt(receipt).already_applied

    page.grab().save(str(tmp_path / "sync_page.png"))
    if os.environ.get("ZONGZHI_SCREENSHOTS"):
        page.grab().save(os.environ["ZONGZHI_SCREENSHOTS"] + "/sync_page.png")


def test_forged_receipt_shown_as_error(qtbot, tmp_path: Path, county: County, town1: Services) -> None:  # type: ignore[no-untyped-def]
    page = SyncPage(town1)
    qtbot.addWidget(page)
    bad = tmp_path / "bad.zzr"
    bad.write_bytes(county.profile)  # not a receipt at all
    assert page.import_receipt(bad) is None
    assert "不是回执" in page.message.text() and page.message.property("error")


def test_clerk_cannot_change_trust(qtbot, county: County, town1: Services) -> None:  # type: ignore[no-untyped-def]
    clerk = Services(town1.store, Actor("clerk", "clerk"))
    page = SyncPage(clerk)
    qtbot.addWidget(page)
    assert not page.findChild(QPushButton, "sync_load_profile").isEnabled()
    assert not page.findChild(QPushButton, "sync_rotate_key").isEnabled()
    assert page.findChild(QPushButton, "sync_export").isEnabled()
    assert "龙游县" in page.county_label.text()  # town1 already trusts the county


def test_upload_from_page(qtbot, county: County, town1: Services) -> None:  # type: ignore[no-untyped-def]
    from test_upload import serve

    from zongzhi_desktop.county.http import make_upload_app

    populate(town1, "甲")
    page = SyncPage(town1)
    qtbot.addWidget(page)
    page.passphrase.setText(TOWN_PASS)
    with serve(make_upload_app(county.store, county.keys)) as url:
        page.url.setText(url)
        click(qtbot, page, "sync_upload")
        wait_idle(qtbot, page)
    assert "已上传批次 1：县级接收" in page.message.text(), page.message.text()
    assert "未确认记录共 0 条" in page.summary.text()
    assert page.refresh().upload_url == url  # remembered for next time (administrator)


def test_rotation_and_restore_through_the_page(qtbot, tmp_path: Path, county: County,  # type: ignore[no-untyped-def]
                                               monkeypatch) -> None:
    """County keys rotated: the page shows both fingerprints and accepts with one click (no phone
    call). A replaced PC: 从县级恢复 rebuilds the store from the county's restore file."""
    from PySide6.QtWidgets import QFileDialog
    from synctools import link

    from zongzhi_desktop.county.restore import write_restore_file
    from zongzhi_desktop.county.rotation import rotate_county_keys
    from zongzhi_desktop.sync.export import export_bundle
    from zongzhi_desktop.sync.receipts import apply_receipt
    from zongzhi_desktop.sync.trust import make_registration_file, trust_county, trusted_county

    town = make_township(tmp_path / "t", "330825101", "城关镇")
    link(town, county)
    populate(town, "甲")
    apply_receipt(town, import_bundle(county.store, export_bundle(town, TOWN_PASS).outbox_path, county.keys).receipt)
    rot = rotate_county_keys(county.store, "county-pass-123")
    rotation = tmp_path / "330825.zzrotate"
    rotation.write_bytes(rot.statements)

    page = SyncPage(town)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(rotation), ""))
    click(qtbot, page, "sync_load_profile")
    assert page.confirm_panel.isVisible() and page.confirm_fp.text() == rot.new_fingerprint
    assert rot.old_fingerprint in page.confirm_text.text() and "无需电话核对" in page.confirm_text.text()
    if os.environ.get("ZONGZHI_SHOTS"):
        page.grab().save(str(Path(os.environ["ZONGZHI_SHOTS"]) / "sync_rotation.png"))
    click(qtbot, page, "sync_trust_confirm")
    assert page.county_fp.text() == rot.new_fingerprint and not page.confirm_panel.isVisible()
    assert "已接受县级新密钥" in page.message.text()

    # The PC is replaced: a new installation, trusted and registered, restores from the county.
    new = make_township(tmp_path / "new", "330825101", "城关镇")
    trust_county(new, rot.profile)
    register_township(county.store, make_registration_file(new, "new-pc-pass-1").data)
    restore = write_restore_file(county.store, county.keys, "330825101", tmp_path / "t.zzrestore").path
    page2 = SyncPage(new)
    qtbot.addWidget(page2)
    page2.show()
    page2.passphrase.setText("new-pc-pass-1")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(restore), ""))
    click(qtbot, page2, "sync_restore")
    wait_idle(qtbot, page2)
    assert "已从县级恢复" in page2.message.text() and "第 2 批" in page2.message.text(), page2.message.text()
    assert trusted_county(new).profile_id == trusted_county(town).profile_id
    assert len(new.list_records("petition")) == len(town.list_records("petition"))


def test_resend_everything_button(qtbot, tmp_path: Path, county: County, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """全部重新上报: after a confirmation, every record goes again in a full-state bundle."""
    from PySide6.QtWidgets import QMessageBox
    from synctools import link

    from zongzhi_desktop.sync.bundle import open_bundle_bytes
    from zongzhi_desktop.sync.export import export_bundle
    from zongzhi_desktop.sync.receipts import apply_receipt

    town = make_township(tmp_path / "t", "330825101", "城关镇")
    link(town, county)
    populate(town, "甲")
    first = export_bundle(town, TOWN_PASS)
    apply_receipt(town, import_bundle(county.store, first.outbox_path, county.keys).receipt)
    page = SyncPage(town)
    qtbot.addWidget(page)
    page.show()
    usb = tmp_path / "usb"
    usb.mkdir()
    page.target.setText(str(usb))
    page.passphrase.setText(TOWN_PASS)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    click(qtbot, page, "sync_resend_all")
    assert not list(usb.iterdir())  # declined: nothing written
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    click(qtbot, page, "sync_resend_all")
    wait_idle(qtbot, page)
    assert "已导出全部记录的批次" in page.message.text(), page.message.text()
    bundle = usb / "ZZ-330825101-000002.zzb"
    manifest = open_bundle_bytes(bundle.read_bytes()).manifest
    assert manifest["full_state"] is True and manifest["rows"] == first.rows


def test_page_names_the_cipher_suite_and_a_key_of_another(qtbot, tmp_path: Path, county: County,  # type: ignore[no-untyped-def]
                                                          town1: Services) -> None:
    from synctools import make_county

    from zongzhi_desktop.sync.trust import trust_county

    page = SyncPage(town1)
    qtbot.addWidget(page)
    assert page.county_suite.text().startswith("nacl-1")
    gm = make_county(tmp_path / "gm", suite="gm-1")
    trust_county(town1, gm.profile)  # the county moved to 国密: the township's key is still nacl-1
    page.refresh()
    text = page.county_suite.text()
    assert text.startswith("gm-1（国密") and "本乡镇签名密钥使用 nacl-1" in text and "更换密钥" in text
