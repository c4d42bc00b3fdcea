"""The county hub on SQLite is encrypted like a township store (issue 14): `county init` makes an
encrypted store opened by the county key passphrase (with a recovery key shown once), a plain one
left by an earlier release is converted by the first command that has the passphrase, and the raw
files show no name, ID number or phone of the townships' records."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import run
from countytools import COUNTY_PASS, TOWN_PASS, Hub
from synctools import make_township, populate

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import register_township
from zongzhi_desktop.services.unlock import is_plain_sqlite, open_with_recovery, store_state
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.trust import make_registration_file, trust_county


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ZONGZHI_HOME", "ZONGZHI_USER", "ZONGZHI_PASSWORD", "ZONGZHI_KEY_PASSPHRASE",
                "ZONGZHI_COUNTY_PASSPHRASE", "ZONGZHI_COUNTY_DB"):
        monkeypatch.delenv(var, raising=False)


def test_county_init_makes_an_encrypted_store_opened_by_the_passphrase(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, no_env: None) -> None:
    db = tmp_path / "县级" / "county.sqlite3"
    code, _out, err = run(capsys, monkeypatch, "county", "init", "--db", str(db), "--county-code", "330825",
                         "--county-name", "龙游县", "--passphrase-stdin", "-o", str(tmp_path / "330825.zzcounty"),
                         stdin=COUNTY_PASS + "\n")
    assert code == 0, err
    assert store_state(db) == "encrypted" and not is_plain_sqlite(db)
    lines = err.splitlines()
    recovery = lines[lines.index("══ 恢复密钥（只显示这一次）══") + 1].strip()
    # Without the passphrase (not a terminal) the store does not open; a wrong one is refused.
    code, _out, err = run(capsys, monkeypatch, "county", "status", "--db", str(db))
    assert code == 2 and "ZONGZHI_COUNTY_PASSPHRASE" in err
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", "wrong-passphrase")
    code, _out, err = run(capsys, monkeypatch, "county", "status", "--db", str(db))
    assert code == 2 and "口令不正确" in err
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", COUNTY_PASS)
    code, _out, err = run(capsys, monkeypatch, "county", "status", "--db", str(db))
    assert code == 0, err
    open_with_recovery(db, recovery).close()  # the recovery key opens it too


def test_a_plain_county_store_is_converted_and_shows_no_personal_data(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, no_env: None) -> None:
    db = tmp_path / "县级" / "county.sqlite3"
    db.parent.mkdir()
    hub = Hub.create(db)  # plain, as the previous release made it
    town = make_township(tmp_path / "t1", "330825101", "城关镇")
    trust_county(town, hub.profile)
    register_township(hub.store, make_registration_file(town, TOWN_PASS).data)
    populate(town, "城")
    bundle = export_bundle(town, TOWN_PASS).outbox_path
    import_bundle(hub.store, bundle.read_bytes(), hub.keys, actor="test", via="file")
    hub.store.close()
    raw = db.read_bytes()
    needles = ["城张0".encode(), b"13912345678", "李四".encode()]
    assert any(n in raw for n in needles)  # the earlier release's county store is readable
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", COUNTY_PASS)
    code, out, err = run(capsys, monkeypatch, "county", "import", "--db", str(db), str(bundle))
    assert code == 0, err
    assert "已转换为加密存储" in err and "恢复密钥" in err
    assert store_state(db) == "encrypted"
    for path in db.parent.rglob("*"):
        if path.is_file() and path.suffix != ".log":
            data = path.read_bytes()
            assert not [n for n in needles if n in data], path
    code, out, err = run(capsys, monkeypatch, "county", "status", "--db", str(db))
    assert code == 0 and "城关镇" in out, err


def test_the_window_opens_an_encrypted_county_store_with_the_passphrase(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from zongzhi_desktop.services.unlock import encrypt_county_store
    from zongzhi_desktop.ui.app import AppController
    from zongzhi_desktop.ui.county_window import CountyUnlockDialog, CountyWindow

    data = tmp_path / "data"
    data.mkdir()
    hub = Hub.create(data / "county.sqlite3")
    store, _recovery = encrypt_county_store(hub.store, COUNTY_PASS)
    store.close()
    ctl = AppController(data, install_hook=False)
    assert ctl.start()
    dialog = ctl.login
    assert isinstance(dialog, CountyUnlockDialog) and dialog.store is None  # not open before the passphrase
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.keyClicks(dialog.passphrase, "wrong-pass-999")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "口令不正确" in dialog.error.text() and ctl.window is None
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, COUNTY_PASS)
    with qtbot.waitSignal(ctl.signals.window_shown, timeout=20_000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    window = ctl.window
    qtbot.addWidget(window)
    assert isinstance(window, CountyWindow) and ctl.store.encrypted and "龙游县" in window.windowTitle()
    window.close()
    ctl.shutdown()
