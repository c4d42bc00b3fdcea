"""The county hub as a real server: `zongzhi county serve` (uvicorn on 127.0.0.1) on SQLite and on
PostgreSQL, `zongzhi upload` from two demo townships, receipts verified, the county store matching
the townships, status and timeliness over HTTP, JSON access log without personal data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from countytools import (
    COUNTY_PASS,
    DEMO_PASSWORD,
    TOWN_PASS,
    ZONGZHI,
    Hub,
    demo_township,
    link,
    pg_schema,
    receipt_payload,
    register,
    serve_process,
    table_counts,
)

from zongzhi_desktop.county.timeliness import local_today
from zongzhi_desktop.reports.periods import Period
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.rowcodec import restricted_tables
from zongzhi_desktop.sync.status import sync_status

TOWNS = (("330825101", "城关镇", 11), ("330825102", "湖镇镇", 12))


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two demo townships (the demo generator, distinct seeds), generated once per module."""
    root = tmp_path_factory.mktemp("demo")
    out = {}
    for code, name, seed in TOWNS:
        svc = demo_township(root / code, code, name, seed=seed)
        svc.store.close()
        out[code] = root / code / "zongzhi.sqlite3"
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "county" / "county.sqlite3")
    else:
        with pg_schema() as url:
            yield url


def copy_township(demo_files: dict[str, Path], code: str, root: Path) -> Services:
    (root / code).mkdir(parents=True)
    path = root / code / "zongzhi.sqlite3"
    shutil.copyfile(demo_files[code], path)
    return Services(Store(path), Actor("admin", "admin", "系统管理员"))


def zongzhi(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZONGZHI_")}
    return subprocess.run([ZONGZHI, *args], capture_output=True, text=True, env={**base, **(env or {})}, timeout=120)


def personal_values(path: Path, key: bytes | None = None) -> set[str]:
    """Names, ID numbers and phone numbers of private persons in a township store."""
    from zongzhi_desktop.store.engine import connect_file

    con = connect_file(path, key)
    try:
        out: set[str] = set()
        for sql in ("SELECT petitioner_name, id_number, phone FROM petition",
                    "SELECT name, id_number, phone FROM dispute_party"):
            for row in con.execute(sql):
                out.update(v for v in row if v and len(v) >= 2)
        return out
    finally:
        con.close()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """A `zongzhi` command run in this process (the server and the uploads run as real processes)."""
    from zongzhi_desktop.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_upload_from_two_demo_townships(target: str, tmp_path: Path, demo_files: dict[str, Path],
                                             capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    Path(tmp_path / "county").mkdir(exist_ok=True)
    monkeypatch.setenv("ZONGZHI_COUNTY_PASSPHRASE", COUNTY_PASS)  # opens the encrypted county store
    hub = Hub.create(target)
    if "://" not in target:  # a county store on SQLite is encrypted (the server would convert it)
        from zongzhi_desktop.services.unlock import encrypt_county_store

        hub.store, _recovery = encrypt_county_store(hub.store, COUNTY_PASS)
    towns = {code: copy_township(demo_files, code, tmp_path) for code, _n, _s in TOWNS}
    for t in towns.values():
        register(hub, link(t, hub.profile))
    from zongzhi_desktop.services.unlock import sign_in

    for code, t in list(towns.items()):  # the first sign-in encrypts the store, as after an upgrade
        t.store.close()
        unlocked = sign_in(t.store.path, "admin", DEMO_PASSWORD)
        towns[code] = Services(unlocked.store, unlocked.actor)
    code, out, err = cli(capsys, "county", "config", "--db", target, "--timely-days", "10")
    assert code == 0 and "10 天" in out, err
    code, out, err = cli(capsys, "county", "config", "--db", target, "--attachment-max-mb", "11")
    assert code == 2 and "附件上报大小上限" in err and "1至10" in err
    code, out, err = cli(capsys, "county", "config", "--db", target, "--attachment-bytes", "on",
                         "--attachment-max-mb", "2")
    assert code == 0 and "要求上报（单个附件不超过 2 MB" in out, err
    env = {"ZONGZHI_USER": "admin", "ZONGZHI_PASSWORD": DEMO_PASSWORD, "ZONGZHI_KEY_PASSPHRASE": TOWN_PASS}

    with serve_process(target, tmp_path / "srv", "--max-body-mb", "1", "--max-concurrent", "2") as srv:
        for t in towns.values():
            r = zongzhi("upload", "--url", srv.url, "--data-dir", str(t.store.path.parent), env=env)
            assert r.returncode == 0, r.stderr
            assert "拒收 0 条" in r.stdout and "批次 1：县级接收" in r.stdout
        # The county holds exactly what each township holds.
        for code, t in towns.items():
            assert hub.counts(code) == table_counts(t.store.path, code, t.store.key)
            assert sum(hub.counts(code).values()) > 1000
            st = sync_status(t)
            # The CLI verified and applied the receipt. Only the demo's 重点人员 wait: this first receipt
            # is the county's first statement of its request for them (docs/bundle-format.md §7.3).
            assert {r.table for r in st.tables if r.unacked} <= set(restricted_tables()), st.tables
            assert st.awaiting_receipt == []
        # Each stored receipt is signed by the county and names the township's bundle.
        with hub.store.engine.connect() as c:
            from sqlalchemy import text

            stored = c.execute(text("SELECT township_code, bundle_hash, receipt FROM county_bundle")).all()
        assert sorted(s.township_code for s in stored) == sorted(towns)

        for code, bundle_hash, receipt in stored:
            p = receipt_payload(zlib.decompress(receipt), hub)
            assert (p["township_code"], p["bundle_hash"], p["rejected"]) == (code, bundle_hash, 0)
            with towns[code].session() as s:
                from zongzhi_desktop.domain.models.sync import SyncBundle

                assert s.get(SyncBundle, 1).bundle_hash == bundle_hash  # type: ignore[union-attr]

        # An attachment: the first receipts asked for bytes, so row and bytes travel (bytea on PostgreSQL).
        t1 = towns["330825101"]
        scan = bytes(range(256)) * 4096  # 1 MB, within the county's 2 MB
        t1.attach("petition", t1.list_records("petition", limit=1)[0].id, scan, "来信扫描件.jpg")
        r = zongzhi("upload", "--url", srv.url, "--data-dir", str(t1.store.path.parent), env=env)
        # (With it the demo's 重点人员, without their identity: the first receipts stated the request.)
        assert r.returncode == 0 and "attachment：1 条" in r.stdout and "attachment_content：1 条" in r.stdout, r.stdout
        assert "重点人员：" in r.stdout and "拒收 0 条" in r.stdout, r.stdout + r.stderr
        assert zlib.decompress(hub.scalar("SELECT content_zlib FROM attachment_content")) == scan

        # Reporting status over HTTP: the last week that ended was covered by both, within 10 days.
        last_week = Period.containing("week", local_today()).previous()
        body = httpx.get(srv.url + "/status", params={"period": last_week.code}).json()
        (week,) = body["periods"]
        assert week["period"] == last_week.code and week["timely_days"] == 10
        assert {t["code"]: t["status"] for t in week["townships"]} == {c: "on_time" for c in towns}
        assert (week["reporting_rate"], week["timely_rate"]) == (100.0, 100.0)
        assert [t["last_sequence"] for t in body["townships"]] == [2, 1]
        # A week long before the townships were registered is not expected of them.
        old = httpx.get(srv.url + "/status", params={"period": "2020-W10"}).json()["periods"][0]
        assert old["expected"] == 0 and old["reporting_rate"] is None

        # Oversized (over --max-body-mb 1), declared and streamed: 413 with a Chinese message.
        big = b"\0" * (1024 * 1024 + 1)
        r1 = httpx.post(srv.url + "/api/v1/bundles", content=big)
        r2 = httpx.post(srv.url + "/api/v1/bundles", content=iter([big[:600_000], big[600_000:]]))
        for resp in (r1, r2):
            assert resp.status_code == 413 and resp.json()["error"] == "too_large" and "过大" in resp.json()["message"]
        assert httpx.get(srv.url + "/health").json()["database"] == ("sqlite" if "://" not in target else "postgresql")

    # The CLI shows the same status as the server.
    code, out, err = cli(capsys, "county", "status", "--db", target, "--period", last_week.code, "--json")
    assert code == 0, err
    shown = json.loads(out)["periods"][0]
    assert {t["code"]: t["status"] for t in shown["townships"]} == {c: "on_time" for c in towns}
    code, out, _err = cli(capsys, "county", "status", "--db", target, "--period", last_week.code)
    assert "应报 2 个，按时 2" in out and "上报率 100.0%" in out and "城关镇：按时" in out

    # Access log: one JSON line per request, township and sequence for uploads, no personal data.
    entries = srv.access_entries()
    uploads = [e for e in entries if e["path"] == "/api/v1/bundles"]
    assert [(e["status"], e.get("township"), e.get("sequence")) for e in uploads] == [
        (200, "330825101", 1), (200, "330825102", 1), (200, "330825101", 2), (413, None, None), (413, None, None)]
    assert all({"time", "method", "path", "status", "bytes_in", "bytes_out", "duration_ms"} <= set(e) for e in entries)
    assert uploads[0]["bytes_in"] > 10_000 and uploads[3]["error"] == "too_large"
    log_text = srv.access_log.read_text(encoding="utf-8") + "".join(srv.stderr)
    secrets = set().union(*(personal_values(t.store.path, t.store.key) for t in towns.values()))
    assert len(secrets) > 50
    assert not [v for v in secrets if v in log_text]
    assert "county-pass" not in log_text


def test_serve_refuses_without_passphrase_or_with_a_wrong_one(tmp_path: Path) -> None:
    target = str(tmp_path / "county.sqlite3")
    Hub.create(target)
    r = zongzhi("county", "serve", "--db", target, "--port", "0")
    assert r.returncode == 2 and "ZONGZHI_COUNTY_PASSPHRASE" in r.stderr
    r = zongzhi("county", "serve", "--db", target, "--port", "0", "--passphrase", "x")
    assert r.returncode != 0  # there is no such option: a passphrase never goes on the command line
    secret = tmp_path / "pp"
    secret.write_text("wrong-pass-123\n", encoding="utf-8")
    r = zongzhi("county", "serve", "--db", target, "--port", "0", "--passphrase-file", str(secret))
    assert r.returncode == 2 and "口令" in r.stderr
    r = zongzhi("county", "serve", "--db", str(tmp_path / "other.sqlite3"), "--port", "0",
                env={"ZONGZHI_COUNTY_PASSPHRASE": "county-pass-123"})
    assert r.returncode == 2 and "不是县级数据库" in r.stderr
