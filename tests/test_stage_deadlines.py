"""Deadlines for every open dispute stage (issue 16 item 4): 排查登记 → 受理, 受理 → 调解开始 and
调解不成 → 移交/诉讼/终止 windows as audited settings, the rows recomputed when a window changes and
once after the upgrade (migration 0016), and 7日内到期 in lists and `zongzhi due`."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from zongzhi_desktop.domain import workflows as wf
from zongzhi_desktop.domain.errors import ValidationError
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.services.listing import Lister, ListQuery
from zongzhi_desktop.store import migrate, status_history
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.store.stage_deadlines import PENDING_KEY

TODAY = date(2026, 11, 20)
D = date.fromisoformat


def dispute(svc: Services, found: str, title: str = "邻里纠纷") -> str:
    return svc.create("dispute", {"title": title, "found_date": found, "source": "proactive",
                                  "type": "neighbour"}).record.id


def three_stages(clerk: Services) -> dict[str, str]:
    """A dispute waiting in each of 排查登记, 已受理 and 调解不成."""
    registered = dispute(clerk, "2026-11-15", "登记待受理")
    accepted = dispute(clerk, "2026-10-01", "受理待调解")
    clerk.act("dispute", accepted, "accept", {"accepted_date": "2026-10-25"})
    failed = dispute(clerk, "2026-10-01", "调解不成待处理")
    clerk.act("dispute", failed, "accept", {"accepted_date": "2026-10-02"})
    clerk.act("dispute", failed, "start_mediation", {"mediation_start_date": "2026-10-03", "route": "people"})
    clerk.act("dispute", failed, "fail", {"mediation_end_date": "2026-11-01"})
    return {"registered": registered, "accepted": accepted, "failed": failed}


def deadlines(svc: Services, ids: dict[str, str]) -> dict[str, tuple[date | None, str | None]]:
    return {k: (svc.get("dispute", i).next_deadline, svc.get("dispute", i).next_deadline_kind) for k, i in ids.items()}


def test_every_open_stage_has_a_deadline_and_the_windows_are_audited_settings(admin: Services,
                                                                              clerk: Services) -> None:
    ids = three_stages(clerk)
    assert deadlines(clerk, ids) == {"registered": (D("2026-11-22"), "受理期限"),
                                     "accepted": (D("2026-11-24"), "调解开始期限"),
                                     "failed": (D("2026-11-16"), "调解不成处理期限")}
    revision = clerk.get("dispute", ids["registered"]).revision
    admin.set_setting("dispute_accept_days", "3")
    admin.set_setting("dispute_after_failure_days", "20")
    clerk.invalidate_caches()
    assert deadlines(clerk, ids) == {"registered": (D("2026-11-18"), "受理期限"),
                                     "accepted": (D("2026-11-24"), "调解开始期限"),
                                     "failed": (D("2026-11-21"), "调解不成处理期限")}
    # A real write: revision bumped, an audit entry per row, the chain and the rows verify.
    rec = clerk.get("dispute", ids["registered"])
    assert rec.revision == revision + 1 and rec.updated_by == "admin"
    assert admin.verify_audit()[1] == []
    with admin.store.engine.connect() as conn:
        assert status_history.check(conn) == []
    # A new dispute uses the window in force.
    later = dispute(clerk, "2026-11-19")
    assert clerk.get("dispute", later).next_deadline == D("2026-11-22")
    # Bad values: a Chinese message naming the setting and its range; nothing stored.
    for bad in ("0", "91", "七"):
        with pytest.raises(ValidationError) as e:
            admin.set_setting("dispute_start_days", bad)
        assert "纠纷受理后开始调解期限" in e.value.message and "1到90" in e.value.message
    assert admin.get_setting("dispute_start_days") is None


def test_due_within_seven_days_and_overdue_include_the_new_stages(clerk: Services) -> None:
    ids = three_stages(clerk)
    lister = Lister(clerk)
    try:
        soon = lister.ids(ListQuery("dispute", due_within=7))
        overdue = lister.ids(ListQuery("dispute", overdue=True))
    finally:
        lister.close()
    assert sorted(soon) == sorted([ids["registered"], ids["accepted"]])  # today 2026-11-20: 22nd and 24th
    assert overdue == [ids["failed"]]  # due 2026-11-16
    due = {i.id: (i.deadline_kind, i.days_left) for i in clerk.due(7)}
    assert due == {ids["failed"]: ("调解不成处理期限", -4), ids["registered"]: ("受理期限", 2),
                   ids["accepted"]: ("调解开始期限", 4)}


def test_cli_due_within_and_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from test_cli_records import Cli

    from zongzhi_desktop.domain.clock import today as china_today

    cli = Cli(tmp_path / "data", capsys, monkeypatch)
    assert cli("init", "--township-code", "330825101", "--township-name", "湖镇镇", "--county-code", "330825",
               "--county-name", "龙游县", "--admin", "admin", "--password-stdin", stdin="admin-pass-1\n")[0] == 0
    found = china_today() - timedelta(days=3)
    body = json.dumps({"title": "排查发现的邻里纠纷", "found_date": str(found), "source": "proactive", "type": "neighbour"},
                      ensure_ascii=False)
    assert cli.admin("add", "dispute", "--json", "-", stdin=body)[0] == 0
    code, out, _ = cli.admin("list", "dispute", "--due-within", "7", "--json")
    assert code == 0 and [r["title"] for r in json.loads(out)] == ["排查发现的邻里纠纷"]
    code, out, err = cli.admin("setting", "set", "dispute_accept_days", "200")
    assert code == 2 and "纠纷排查登记后受理期限" in err and "1到90" in err
    assert cli.admin("setting", "set", "dispute_accept_days", "2")[0] == 0
    code, out, _ = cli.admin("due", "--json")
    item = json.loads(out)[0]
    assert (item["deadline_kind"], item["overdue"], item["days_left"]) == ("受理期限", True, -1)


def test_upgrade_recomputes_stores_of_the_previous_release(admin: Services, clerk: Services, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The previous release: disputes outside mediation had no deadline.
    def old_refresher(r, policy=None):  # type: ignore[no-untyped-def]
        if r.status == "mediating":
            r.next_deadline, r.next_deadline_kind = r.mediation_warn_date, "调解期限"
        else:
            r.next_deadline, r.next_deadline_kind = None, None

    with monkeypatch.context() as mp:
        mp.setitem(wf.REFRESHERS, "dispute", old_refresher)
        ids = three_stages(clerk)
        assert deadlines(clerk, ids)["registered"] == (None, None)
    path = admin.store.path
    assert path is not None
    admin.store.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0015'")
    con.commit()
    con.close()

    store = Store(path)
    assert migrate.current_revisions(store.engine) == migrate.head_revisions()
    svc = Services(store, Actor("clerk", "clerk"), today=lambda: TODAY)
    assert deadlines(svc, ids) == {"registered": (D("2026-11-22"), "受理期限"),
                                   "accepted": (D("2026-11-24"), "调解开始期限"),
                                   "failed": (D("2026-11-16"), "调解不成处理期限")}
    assert svc.get_setting(PENDING_KEY) is None  # done once
    assert svc.verify_audit()[1] == []
    with store.engine.connect() as conn:
        assert status_history.check(conn) == []
        spans = conn.exec_driver_sql("SELECT deadline_kind FROM status_span WHERE record_id = ? AND end_date = '9999-12-31'",
                                     (ids["registered"],)).fetchall()
    assert spans == [("受理期限",)]
    store.close()
