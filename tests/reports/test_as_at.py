"""Stock figures as at A: a sheet for a past period says the same thing whenever it is printed.

A = the period's last day once it has ended, otherwise today in China time (domain/clock.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import GEN_TODAY
from reports_oracle import Oracle
from test_figures_oracle import _check

from zongzhi_desktop.domain import clock
from zongzhi_desktop.domain.errors import DomainError
from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store import status_history

STOCK = ("petition.open", "petition.overdue", "petition.due_soon", "dispute.open", "dispute.overdue",
         "dispute.due_soon", "dispute.open.high", "dispute.open.homicide", "package.open", "package.overdue",
         "package.due_soon", "dispatch.open", "dispatch.overdue", "dispatch.due_soon")
PAST = [("weekly", "2026-W47"), ("weekly", "2026-W53"), ("monthly", "2026-11"), ("monthly", "2026-09"),
        ("quarterly", "2026-Q3"), ("quarterly", "2026-Q4")]


def content(report: Any) -> dict[str, Any]:
    """Everything a sheet prints except the date it was made."""
    d = report.to_dict()
    d.pop("made_on")
    return d


def on_clock(svc: Services) -> Services:
    """The same store and user on the app's one clock (no fixed `today`)."""
    return Services(svc.store, Actor("admin", "admin", "管理员"))


def test_clock_is_china_time_on_every_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2026-01-31 17:30 UTC is 2026-02-01 01:30 in China: a PC set to UTC would still say January.
    with clock.frozen(datetime(2026, 1, 31, 17, 30, tzinfo=UTC)):
        assert clock.today() == date(2026, 2, 1)
    with clock.frozen(datetime(2026, 1, 31, 15, 59, tzinfo=UTC)):
        assert clock.today() == date(2026, 1, 31)
    with clock.frozen(date(2026, 3, 1)):
        assert clock.today() == date(2026, 3, 1)
        from zongzhi_desktop.county.timeliness import local_today
        assert local_today() == date(2026, 3, 1)
    monkeypatch.setenv(clock.ENV_TODAY, "2027-05-04")
    assert clock.today() == date(2027, 5, 4)


def test_status_history_equals_a_fresh_replay(gen_svc: Services) -> None:
    with gen_svc.store.engine.connect() as conn:
        assert status_history.check(conn) == []
        n = conn.exec_driver_sql("SELECT count(*) FROM status_span").scalar_one()
    assert n > 200


def _move_on(svc: Services, day: date) -> int:
    """Take every open record one step further, dated `day` (after every period under test)."""
    moved = 0
    steps = {
        "petition": [("accept", {"decision_date": day, "decision": "accept"}),
                     ("extend", {"extension_date": day, "extension_days": 30, "extension_reason": "复杂",
                                 "extension_approver": "李镇长"}),
                     ("reply", {"reply_date": day, "reply_result": "support", "resolution_level": "village"}),
                     ("review_reply", {"review_reply_date": day, "review_result": "support"})],
        "dispute": [("accept", {"accepted_date": day}), ("succeed", {"mediation_end_date": day, "agreement_form": "oral",
                                                                      "resolution_level": "village"}),
                    ("after_failure", {"outcome_date": day, "failure_outcome": "terminate"})],
        "package": [("extend", {"extension_date": day, "target_date": day + timedelta(days=90),
                                "extension_reason": "未化解"}),
                    ("approve_close", {"closed_date": day, "reviewer": "王书记"})],
        "dispatch": [("complete", {"done_date": day})],
    }
    for kind, actions in steps.items():
        for row in svc.store.engine.connect().exec_driver_sql(
                f"SELECT id FROM {status_history.KIND_TABLES[kind].name} WHERE voided = 0"):
            for action, data in actions:
                try:
                    svc.act(kind, row[0], action, data)
                    moved += 1
                    break
                except DomainError:
                    continue
    return moved


def test_reprinted_past_sheets_keep_their_stock_figures(gen_svc: Services) -> None:
    before = {(k, c): rs.build_report(gen_svc, k, c) for k, c in PAST}
    assert sum(int(before[("weekly", "2026-W47")].values[f].text) for f in STOCK) > 20
    later = GEN_TODAY + timedelta(days=40)
    svc = Services(gen_svc.store, gen_svc.actor, today=lambda: later)
    assert _move_on(svc, later - timedelta(days=5)) > 30
    for (kind, code), old in before.items():
        new = rs.build_report(svc, kind, code)
        changed = [k for k in old.values if k not in new.values or new.values[k] != old.values[k]]
        assert not changed, (kind, code, changed[:5], [(old.values[k].text, new.values[k].text) for k in changed[:5]
                                                       if k in new.values])
        assert content(new) == content(old), (kind, code)
    # The live view did move on: the week now running counts fewer open records than before.
    assert rs.build_report(svc, "weekly", "2027-W09").values["dispatch.open"].text == "0"  # all completed
    assert rs.build_report(gen_svc, "weekly", "2027-W03").values["dispatch.open"].text != "0"


def test_sheet_built_during_and_after_its_period(gen_svc: Services) -> None:
    """2026-12: built on 12-31, on 01-01 (also at 00:30 China time on a UTC machine) and on 01-20 — the
    same sheet; built on 12-20 it counts stock as at 12-20, and every figure agrees with the oracle."""
    svc = on_clock(gen_svc)
    built: dict[str, Any] = {}
    for label, at in (("12-31", date(2026, 12, 31)), ("01-01", date(2027, 1, 1)),
                      ("utc-00:30", datetime(2026, 12, 31, 16, 30, tzinfo=UTC)), ("01-20", GEN_TODAY)):
        with clock.frozen(at):
            built[label] = rs.build_report(svc, "monthly", "2026-12")
    first = content(built["12-31"])
    for label, report in built.items():
        assert content(report) == first, label
    assert built["utc-00:30"].made_on == "2027-01-01"
    oracle = Oracle(gen_svc.store.path, [gen_svc.township.code], today=GEN_TODAY)
    assert _check(rs.fill_refs(gen_svc.store, built["01-20"]).values, oracle, "2026-12") > 40

    with clock.frozen(date(2026, 12, 20)):
        running = rs.build_report(svc, "monthly", "2026-12")
    oracle = Oracle(gen_svc.store.path, [gen_svc.township.code], today=date(2026, 12, 20))
    assert _check(rs.fill_refs(gen_svc.store, running).values, oracle, "2026-12") > 40
    # Counted at 12-20, not at the month's end: the stock differs from the finished month's.
    assert any(running.values[k].text != built["01-20"].values[k].text
               for k in ("area.open|total", "area.overdue|total", "package.open", "dispatch.open", "dispatch.overdue"))


def test_weekly_note_names_the_date_counted_at(gen_svc: Services) -> None:
    svc = on_clock(gen_svc)
    with clock.frozen(date(2027, 1, 20)):  # a Wednesday: week 2027-W03 is running
        running = rs.build_report(svc, "weekly", "2027-W03")
        ended = rs.build_report(svc, "weekly", "2027-W02")
    assert "截至2027年1月20日（本期未结束，为制表当日）" in (running.table("stock").note or "")
    assert "截至2027年1月17日（本期最后一天）" in (ended.table("stock").note or "")


def test_lists_show_every_record_their_section_counts(gen_svc: Services) -> None:
    """Monthly dispatch list: raised in the month and finished after it still appears (本月新增 counts it)."""
    report = rs.fill_refs(gen_svc.store, rs.build_report(gen_svc, "monthly", "2026-11", list_limit=10_000))
    listed = {c.refs["dispatch"][0] for row in report.table("dispatch").rows for c in row[:1] if c.refs}
    v = report.values
    counted = [v["dispatch.new"].refs, v["dispatch.done"].refs, v["dispatch.open"].refs, v["dispatch.overdue"].refs,
               v["rate.dispatch_completion"].den_refs, v["rate.dispatch_on_time"].den_refs]
    for refs in counted:
        assert set((refs or {}).get("dispatch", [])) <= listed
    packages = {c.refs["package"][0] for row in report.table("packages").rows for c in row[:1] if c.refs}
    for refs in (v["package.open"].refs, v["package.new"].refs, v["package.closed"].refs, v["package.overdue"].refs,
                 v["rate.package_resolve"].den_refs):
        assert set((refs or {}).get("package", [])) <= packages


def test_appendix_prints_every_cut_list_whole(gen_svc: Services) -> None:
    cut = rs.build_report(gen_svc, "monthly", "2026-11", list_limit=3)
    full = rs.build_report(gen_svc, "monthly", "2026-11", list_limit=3, appendix=True)
    note = cut.table("dispatch").rows[-1][0].text
    assert "未列出" in note and "附录" in note
    appendix = full.sections[-1]
    assert appendix.title and appendix.title.startswith("附录")
    whole = full.table("appendix.dispatch")
    total = len(cut.table("dispatch").rows) - 1  # minus the "另有N件" row
    assert len(whole.rows) > total
    assert f"共{len(whole.rows)}件" in (whole.title or "")
    assert "见附录" in full.table("dispatch").rows[-1][0].text


@pytest.mark.parametrize(("kind", "code"), [("weekly", "2026-W47"), ("monthly", "2026-11"), ("quarterly", "2026-Q4")])
def test_a_cut_list_prints_the_first_rows_of_the_whole_list(gen_svc: Services, kind: str, code: str) -> None:
    """A list chosen and sorted on a few columns, with the text fetched for the printed rows only, prints
    the same rows as the whole list (the appendix) begins with, and counts the same total."""
    limit = 4
    cut = rs.build_report(gen_svc, kind, code, list_limit=limit)
    full = rs.build_report(gen_svc, kind, code, list_limit=limit, appendix=True)
    wholes = {t.key.removeprefix("appendix."): t for t in full.tables() if t.key.startswith("appendix.")}
    assert wholes, "no list was cut: the test would compare nothing"
    for key, whole in wholes.items():
        printed = cut.table(key)
        assert printed.title == whole.title
        texts = [[c.text for c in row] for row in printed.rows[:limit]]
        assert texts == [[c.text for c in row] for row in whole.rows[:limit]], key
        assert f"另有{len(whole.rows) - limit}件未列出（共{len(whole.rows)}件" in printed.rows[-1][0].text, key
