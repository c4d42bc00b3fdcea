"""Issue 14 item 1: a copied data folder reveals nothing; passwords and the recovery key open the store;
a plain store of an earlier release is converted (verified backup first) and leaves nothing readable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from clirun import run

from zongzhi_desktop.demo.generate import generate
from zongzhi_desktop.domain.errors import AuthenticationFailed, DomainError, SigninThrottled
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.services.unlock import (
    create_encrypted,
    is_plain_sqlite,
    open_with_recovery,
    sign_in,
    store_state,
)
from zongzhi_desktop.store import keys
from zongzhi_desktop.store.database import Store

ADMIN_PASS = "admin-pass-1"
SECRET_ID = "330825199001011237"
SECRET_PHONE = "13857012345"
SECRET_NAME = "欧阳翠花"



@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ZONGZHI_HOME", "ZONGZHI_USER", "ZONGZHI_PASSWORD", "ZONGZHI_NEW_PASSWORD", "ZONGZHI_RECOVERY_KEY"):
        monkeypatch.delenv(var, raising=False)


def _init(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: Path) -> str:
    """`zongzhi init`; returns the recovery key it showed."""
    code, out, err = run(capsys, monkeypatch, "init", "--data-dir", str(data), "--township-code", "330825101",
                         "--township-name", "湖镇镇", "--county-code", "330825", "--county-name", "龙游县",
                         "--admin", "admin", "--password-stdin", stdin=ADMIN_PASS + "\n")
    assert code == 0, err
    assert "已加密" in out
    lines = err.splitlines()
    return lines[lines.index("══ 恢复密钥（只显示这一次）══") + 1].strip()


def _add_person(data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", ADMIN_PASS)
    code, _, err = run(capsys, monkeypatch, "--data-dir", str(data), "add", "village", "--set", "code=001",
                       "--set", "name=溪口村")
    assert code == 0, err
    record = {"received_date": "2026-03-01", "form": "来访", "petitioner_name": SECRET_NAME,
              "id_number": SECRET_ID, "phone": SECRET_PHONE, "village_id": "溪口村", "category": "申诉求决类",
              "subject": "劳动社保", "request": "要求帮助追讨拖欠工资"}
    code, _out, err = run(capsys, monkeypatch, "--data-dir", str(data), "add", "petition", "--json", "-",
                         stdin=json.dumps(record, ensure_ascii=False))
    assert code == 0, err


def _raw_bytes(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".log")}


def _assert_nothing_readable(folder: Path) -> None:
    needles = [SECRET_ID.encode(), SECRET_PHONE.encode(), SECRET_NAME.encode("utf-8"),
               SECRET_NAME.encode("utf-16-le"), "溪口村".encode()]
    for path, data in _raw_bytes(folder).items():
        for needle in needles:
            assert needle not in data, f"{needle!r} readable in {path}"


def test_a_copied_data_folder_shows_no_id_number_name_or_phone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    data = tmp_path / "data"
    _init(capsys, monkeypatch, data)
    _add_person(data, capsys, monkeypatch)
    code, out, err = run(capsys, monkeypatch, "--data-dir", str(data), "list", "petition")
    assert code == 0 and SECRET_NAME in out, err  # the program reads it
    code, _, err = run(capsys, monkeypatch, "--data-dir", str(data), "backup")
    assert code == 0, err
    # The WAL is part of the store while a writer is open: keep one open while the folder is copied.
    store = Store(data / "zongzhi.sqlite3", key=sign_in(data / "zongzhi.sqlite3", "admin", ADMIN_PASS).store.key)
    with store.session() as s, s.begin():
        s.connection().exec_driver_sql("UPDATE setting SET value = value WHERE key = 'township_code'")
    assert (data / "zongzhi.sqlite3-wal").exists()
    _assert_nothing_readable(data)
    store.close()
    # sqlite3 (the shell's library) cannot read it at all.
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(data / "zongzhi.sqlite3").execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_wrong_password_cannot_open_the_store_and_counts_towards_back_off(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    data = tmp_path / "data"
    _init(capsys, monkeypatch, data)
    path = data / "zongzhi.sqlite3"
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            sign_in(path, "admin", "wrong-password")
    with pytest.raises(SigninThrottled):
        sign_in(path, "admin", ADMIN_PASS)  # even the right one waits now
    # The key file's slot with a wrong password yields nothing, and a wrong raw key opens nothing.
    assert keys.load(keys.keyfile_path(path)).unwrap_user("admin", "wrong-password") is None
    with pytest.raises(DomainError):
        Store(path, key=b"\x00" * 32)


def test_recovery_key_opens_the_store_and_resets_a_forgotten_password(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    data = tmp_path / "data"
    recovery = _init(capsys, monkeypatch, data)
    path = data / "zongzhi.sqlite3"
    store = open_with_recovery(path, recovery.lower().replace("-", " "))  # as typed from paper
    store.close()
    with pytest.raises(DomainError, match="恢复密钥不正确"):
        open_with_recovery(path, "A" * 52)
    monkeypatch.setenv("ZONGZHI_RECOVERY_KEY", recovery)
    monkeypatch.setenv("ZONGZHI_NEW_PASSWORD", "brand-new-pass-9")
    code, out, err = run(capsys, monkeypatch, "--data-dir", str(data), "key", "reset-password", "admin")
    assert code == 0, err
    with pytest.raises(AuthenticationFailed):
        sign_in(path, "admin", ADMIN_PASS)
    unlocked = sign_in(path, "admin", "brand-new-pass-9")
    with unlocked.store.session() as s:
        actions = [r[0] for r in s.connection().exec_driver_sql("SELECT action FROM audit_log ORDER BY seq")]
    assert "set_password" in actions
    unlocked.store.close()
    # A new recovery key replaces the old one.
    monkeypatch.setenv("ZONGZHI_USER", "admin")
    monkeypatch.setenv("ZONGZHI_PASSWORD", "brand-new-pass-9")
    code, _, err = run(capsys, monkeypatch, "--data-dir", str(data), "key", "recovery")
    assert code == 0 and "恢复密钥" in err
    with pytest.raises(DomainError, match="恢复密钥不正确"):
        open_with_recovery(path, recovery)
    code, out, _ = run(capsys, monkeypatch, "--data-dir", str(data), "key", "status", "--json")
    assert json.loads(out) == {"store": str(path), "state": "encrypted", "users": ["admin"], "recovery_key": True}


def test_every_users_password_opens_it_and_a_password_change_rewraps_one_slot(tmp_path: Path) -> None:
    path = tmp_path / "zongzhi.sqlite3"
    store = create_encrypted(path)
    svc = Services(store, Actor("system", "admin"))
    svc.initialize(township_code="330825101", township_name="湖镇镇", county_code="330825", county_name="龙游县",
                   admin_username="admin", admin_password=ADMIN_PASS)
    svc.actor = Actor("admin", "admin")  # type: ignore[misc]
    svc.create_user("clerk", "王芳", "clerk", "clerk-pass-1")
    before = keys.load(keys.keyfile_path(path))
    svc.set_password("clerk", "clerk-pass-2")
    after = keys.load(keys.keyfile_path(path))
    assert after.slots["admin"] == before.slots["admin"] and after.slots["clerk"] != before.slots["clerk"]
    svc.set_user_active("clerk", False)  # a disabled account no longer opens the store
    assert "clerk" not in keys.load(keys.keyfile_path(path)).slots
    store.close()
    with pytest.raises(AuthenticationFailed):
        sign_in(path, "clerk", "clerk-pass-2")
    unlocked = sign_in(path, "admin", ADMIN_PASS)
    assert unlocked.actor.role == "admin"
    unlocked.store.close()


def test_plain_store_of_an_earlier_release_is_converted_with_a_verified_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "zongzhi.sqlite3"
    plain = Store(path)  # as the previous release left it
    result = generate(plain, records=300, seed=5)
    with plain.session() as s:
        petitions = s.connection().exec_driver_sql("SELECT count(*) FROM petition").scalar_one()
        some_id = s.connection().exec_driver_sql("SELECT id_number FROM petition WHERE id_number IS NOT NULL LIMIT 1").scalar_one()
    plain.close()
    (data / "zongzhi.before-upgrade-20260101-000000.sqlite3").write_bytes(path.read_bytes())  # an old copy
    assert store_state(path) == "plain" and some_id.encode() in path.read_bytes()
    clerk_password = next(pw for u, _n, _r, pw in result.accounts if u == "clerk")
    admin_password = next(pw for u, _n, _r, pw in result.accounts if u == "admin")

    unlocked = sign_in(path, "clerk", clerk_password)  # whoever signs in first converts it
    assert store_state(path) == "encrypted" and unlocked.recovery_key is None  # a clerk gets no recovery key
    assert unlocked.converted_from is not None and unlocked.converted_from.name.endswith("-encrypt.sqlite3")
    with unlocked.store.session() as s:
        assert s.connection().exec_driver_sql("SELECT count(*) FROM petition").scalar_one() == petitions
    unlocked.store.close()
    # Nothing readable is left: the store, the backup made before converting, the old copy.
    for copy in [path, unlocked.converted_from, data / "zongzhi.before-upgrade-20260101-000000.sqlite3"]:
        assert not is_plain_sqlite(copy) and some_id.encode() not in copy.read_bytes(), copy
    # Everyone's present password still opens it; the first administrator gets the recovery key.
    keyfile = keys.load(keys.keyfile_path(path))
    assert keyfile.slots["admin"].from_digest and not keyfile.slots["clerk"].from_digest
    admin = sign_in(path, "admin", admin_password)
    assert admin.recovery_key and not keys.load(keys.keyfile_path(path)).slots["admin"].from_digest
    checked, problems = Services(admin.store, admin.actor).verify_audit()
    assert checked > 0 and problems == []
    admin.store.close()
    assert open_with_recovery(path, admin.recovery_key).key == admin.store.key


def test_backup_restore_of_an_encrypted_store_with_the_backup_folders_key_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, clean_env: None) -> None:
    data = tmp_path / "data"
    _init(capsys, monkeypatch, data)
    _add_person(data, capsys, monkeypatch)
    code, out, err = run(capsys, monkeypatch, "--data-dir", str(data), "backup", "--json")
    assert code == 0, err
    backup = Path(json.loads(out)["file"])
    assert not is_plain_sqlite(backup) and (backup.parent / "zongzhi.sqlite3.keys").exists()
    # The disk dies: the store and its key file are gone; the backup folder survives.
    for leftover in data.glob("zongzhi.sqlite3*"):
        leftover.unlink()
    code, out, err = run(capsys, monkeypatch, "--data-dir", str(data), "restore", str(backup), "--yes")
    assert code == 0, err
    code, out, err = run(capsys, monkeypatch, "--data-dir", str(data), "list", "petition")
    assert code == 0 and SECRET_NAME in out, err


def test_two_programs_signing_in_after_the_upgrade_convert_once(tmp_path: Path) -> None:
    """The window and a command sign in together: the second converter waits its turn, finds the store
    already encrypted and says so; the store opens with the first one's key file."""
    from zongzhi_desktop.services.unlock import _converting

    path = tmp_path / "zongzhi.sqlite3"
    plain = Store(path)
    svc = Services(plain, Actor("system", "admin"))
    svc.initialize(township_code="330825101", township_name="湖镇镇", county_code="330825", county_name="龙游县",
                   admin_username="admin", admin_password=ADMIN_PASS)
    plain.close()
    with _converting(path), pytest.raises(DomainError, match="正在把数据库转换"):
        sign_in(path, "admin", ADMIN_PASS)  # another program holds the lock
    assert store_state(path) == "plain" and not path.with_name(path.name + ".converting").exists()
    first = sign_in(path, "admin", ADMIN_PASS)
    first.store.close()
    with pytest.raises(DomainError, match="刚被另一个"):
        with _converting(path):
            pass
    again = sign_in(path, "admin", ADMIN_PASS)
    assert again.store.key == first.store.key
    again.store.close()


@pytest.mark.parametrize("walk_min_hits", [0, 10**9])
def test_lists_and_searches_of_the_encrypted_store_equal_the_plain_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       walk_min_hits: int) -> None:
    """The same records, plain and encrypted: every list and search shows the same rows in the same order
    (the encrypted store orders frequent search hits by walking the list index instead)."""
    from datetime import date

    from zongzhi_desktop.services import listing
    from zongzhi_desktop.services.listing import Lister, ListQuery
    from zongzhi_desktop.services.unlock import encrypt_file

    monkeypatch.setattr(listing, "SEARCH_WALK_MIN_HITS", walk_min_hits)
    plain_path = tmp_path / "plain" / "zongzhi.sqlite3"
    plain_path.parent.mkdir()
    store = Store(plain_path)
    generate(store, records=600, seed=9, today=date(2026, 11, 20))
    store.close()
    enc_path = tmp_path / "enc" / "zongzhi.sqlite3"
    enc_path.parent.mkdir()
    key = keys.new_data_key()
    encrypt_file(plain_path, enc_path, key)
    queries = [ListQuery("petition"), ListQuery("dispute", search="纠纷"), ListQuery("dispute", search="宅基地"),
               ListQuery("petition", search="工资"), ListQuery("petition", search="要求 补贴"),
               ListQuery("dispute", search="土地", sort="serial", descending=False),
               ListQuery("petition", search="村", status="registered")]
    results = {}
    for name, opened in (("plain", Store(plain_path)), ("encrypted", Store(enc_path, key=key))):
        lister = Lister(Services(opened, Actor("clerk", "clerk"), today=lambda: date(2026, 11, 20)))
        results[name] = [[row.id for row in lister.page(q, 0, 500)] for q in queries]
        lister.close()
        opened.close()
    assert results["plain"] == results["encrypted"]
    assert all(results["plain"][i] for i in (0, 1, 3))  # the queries find something
