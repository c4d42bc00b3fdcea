"""Period boundaries, deadline edges and empty periods on a hand-made store whose answers are known.

Dates are dates: "Sunday 23:59 vs Monday 00:00" is a record dated Sunday (the week ending that
Sunday) vs one dated Monday (the next week).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import init_store
from reports_oracle import Oracle, period_range
from test_figures_oracle import _check

from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.reports.periods import Period, parse_period
from zongzhi_desktop.services import Services

TODAY = date(2028, 3, 10)


def petition(svc: Services, received: str, **steps: str) -> str:
    rid = svc.create("petition", {"received_date": received, "form": "visit", "petitioner_name": f"信访人{received}",
                                  "category": "claim", "request": "要求解决问题"}).record.id
    if "accept" in steps:
        svc.act("petition", rid, "accept", {"decision_date": steps["accept"], "decision": "accept"})
    if "extend" in steps:
        days, when = steps["extend"].split("@")
        svc.act("petition", rid, "extend", {"extension_date": when, "extension_days": int(days),
                                            "extension_reason": "复杂", "extension_approver": "李镇长"})
    if "reply" in steps:
        svc.act("petition", rid, "reply", {"reply_date": steps["reply"], "reply_result": "support",
                                           "resolution_level": steps.get("level", "village")})
    if "rate" in steps:
        svc.act("petition", rid, "rate", {"rating_date": steps["rate"], "rating": "satisfied"})
    return rid


def dispute(svc: Services, found: str, end: str | None = None, ok: bool = True) -> str:
    rid = svc.create("dispute", {"title": f"纠纷{found}", "found_date": found, "source": "grid_screening",
                                 "type": "neighbour", "risk_level": "high"}).record.id
    if end:
        svc.act("dispute", rid, "accept", {"accepted_date": found})
        svc.act("dispute", rid, "start_mediation", {"mediation_start_date": found, "route": "people"})
        if ok:
            svc.act("dispute", rid, "succeed", {"mediation_end_date": end, "agreement_form": "oral",
                                                "resolution_level": "village"})
        else:
            svc.act("dispute", rid, "fail", {"mediation_end_date": end})
    return rid


def package(svc: Services, leader: str, start: str, target: str, closed: str | None = None) -> str:
    rid = svc.create("package", {"title": f"包案{target}", "leader_id": leader, "start_date": start,
                                 "target_date": target}).record.id
    if closed:
        svc.act("package", rid, "request_close", {"close_request_date": closed})
        svc.act("package", rid, "approve_close", {"closed_date": closed, "reviewer": "王书记"})
    return rid


@pytest.fixture(scope="module")
def edge_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edges") / "zongzhi.sqlite3"
    svc = init_store(path, TODAY)
    ids: dict[str, str] = {}
    ids["sunday"] = petition(svc, "2026-11-22")
    ids["monday"] = petition(svc, "2026-11-23")
    petition(svc, "2026-10-01", accept="2026-10-16")  # decided on the 15th day: timely
    petition(svc, "2026-10-01", accept="2026-10-17")  # one day late
    petition(svc, "2026-09-01", accept="2026-09-02", reply="2026-11-01", rate="2026-11-30")  # on the deadline
    petition(svc, "2026-09-01", accept="2026-09-02", reply="2026-11-02", rate="2026-12-01")  # a day late
    petition(svc, "2026-09-01", accept="2026-09-02", extend="19@2026-10-20", reply="2026-11-20")  # extended: on time
    petition(svc, "2026-09-01", accept="2026-09-02", extend="18@2026-10-20", reply="2026-11-20")  # extended: late
    petition(svc, "2026-11-07")  # accept deadline 2026-11-22 = last day of W47: overdue at its end
    petition(svc, "2026-11-08")  # deadline 11-23: due within 7 days after W47
    petition(svc, "2026-11-14")  # deadline 11-29: the 7th day after W47, still due soon
    petition(svc, "2026-11-15")  # deadline 11-30: the 8th day, not yet
    petition(svc, "2026-09-30")  # quarter end
    petition(svc, "2026-10-01")  # next quarter
    petition(svc, "2027-01-03")  # Sunday of ISO week 2026-W53
    petition(svc, "2027-01-04")  # Monday of 2027-W01
    petition(svc, "2028-02-29")  # leap day
    voided = petition(svc, "2026-11-22")
    svc.void("petition", voided, "重复录入")
    dispute(svc, "2026-11-02", "2026-11-30")  # resolved on the month's last day
    dispute(svc, "2026-11-02", "2026-12-01")  # resolved on the next month's first day
    dispute(svc, "2026-11-02", "2026-11-30", ok=False)
    dispute(svc, "2028-02-29")
    leader = svc.create("leader", {"name": "王书记", "post": "党委书记"}).record.id
    package(svc, leader, "2026-10-01", "2026-11-05", closed="2026-10-31")  # due in Nov, closed before: not counted
    package(svc, leader, "2026-10-01", "2026-11-05", closed="2026-11-05")
    package(svc, leader, "2026-10-01", "2026-11-20")  # open, due in Nov
    package(svc, leader, "2026-10-01", "2026-11-30", closed="2026-12-02")  # due in Nov, closed in Dec
    for done in ("2026-11-15", "2026-11-16"):
        x = svc.create("dispatch", {"title": "堵点", "raised_date": "2026-11-01", "deadline": "2026-11-15"}).record.id
        svc.act("dispatch", x, "complete", {"done_date": done})
    svc.store.close()
    return path


@pytest.fixture
def edge_svc(edge_db: Path) -> Services:
    from zongzhi_desktop.services import Actor, open_services

    svc = open_services(edge_db, today=lambda: TODAY)
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    return svc


def values(svc: Services, kind: str, code: str) -> dict[str, str]:
    return {k: v.text for k, v in rs.build_report(svc, kind, code).values.items()}


def test_sunday_belongs_to_the_week_it_ends_monday_to_the_next(edge_svc: Services) -> None:
    assert values(edge_svc, "weekly", "2026-W47")["petition.new"] == "1"  # Sunday 11-22 (the voided twin never counts)
    assert values(edge_svc, "weekly", "2026-W48")["petition.new"] == "1"  # Monday 11-23


def test_deadline_edges_of_the_week(edge_svc: Services) -> None:
    """As at A = the week's last day (11-22): overdue is a deadline before A, due soon A ≤ deadline ≤ A+7."""
    v = values(edge_svc, "weekly", "2026-W47")
    # Two petitions from 9-30 and 10-01 never got an acceptance decision: overdue. The one received
    # 11-07 has its deadline on 11-22 = A: due (today), not yet overdue.
    assert v["petition.overdue"] == "2"
    assert values(edge_svc, "weekly", "2026-W46")["petition.overdue"] == "2"
    assert v["petition.due_soon"] == "3"  # deadlines on A, A+1 and A+7, not A+8
    report = rs.build_report(edge_svc, "weekly", "2026-W47")
    days = {row[0].text + row[-1].text for row in report.table("overdue").rows}
    # Days overdue are A − deadline: received 9-30 → due 10-15 → 38 days on 11-22; the package
    # due 11-20 → 2 days.
    assert days == {"信访件37天", "信访件38天", "领导包案2天"}
    soon = sorted(row[-1].text for row in report.table("due_soon").rows)
    assert soon == ["0天", "1天", "7天"]


def test_rates_at_their_deadlines(edge_svc: Services) -> None:
    v = values(edge_svc, "monthly", "2026-10")
    assert v["rate.timely_accept"] == "50.0%"  # day 15 counts as in time, day 16 does not
    nov = values(edge_svc, "monthly", "2026-11")
    assert nov["petition.concluded"] == "4"
    assert nov["rate.on_time_conclude"] == "50.0%"  # on the (extended) deadline: on time; a day after: late
    assert nov["rate.rated"] == "25.0%"  # the December rating does not count for November
    assert nov["rate.satisfaction"] == "100.0%"
    assert nov["dispute.resolved"] == "1" and nov["rate.mediation_success"] == "50.0%"
    assert values(edge_svc, "monthly", "2026-12")["dispute.resolved"] == "1"
    assert nov["rate.package_resolve"] == "33.3%"  # 1 closed ÷ (closed in Nov + due in Nov and still open)
    assert nov["rate.dispatch_on_time"] == "50.0%"


def test_quarter_ends_week_53_and_leap_day(edge_svc: Services) -> None:
    assert values(edge_svc, "quarterly", "2026-Q3")["petition.new|month=2026-09"] == "5"
    assert values(edge_svc, "weekly", "2026-W53")["petition.new"] == "1"
    assert values(edge_svc, "weekly", "2027-W01")["petition.new"] == "1"
    assert values(edge_svc, "monthly", "2028-02")["petition.new"] == "1"
    q = values(edge_svc, "quarterly", "2028-Q1")
    assert q["petition.new|month=2028-02"] == "1" and q["dispute.new|month=2028-02"] == "1"
    assert values(edge_svc, "weekly", "2028-W09")["dispute.new"] == "1"


@pytest.mark.parametrize("code", ["2026-W47", "2026-W48", "2026-W53", "2027-W01", "2028-W09", "2026-10", "2026-11",
                                  "2026-12", "2028-02", "2026-Q3", "2026-Q4", "2028-Q1", "2024-W10"])
def test_oracle_agrees_at_the_edges(edge_svc: Services, code: str) -> None:
    kind = {"W": "weekly", "Q": "quarterly"}.get(code[5], "monthly")
    report = rs.fill_refs(edge_svc.store, rs.build_report(edge_svc, kind, code))
    assert _check(report.values, Oracle(edge_svc.store.path, ["330825101"], today=TODAY), code) > 20  # type: ignore[arg-type]


def test_periods_agree_with_an_independent_calendar() -> None:
    for code in ("2026-W01", "2026-W47", "2026-W53", "2027-W01", "2020-W53", "2028-W09", "2026-02", "2028-02",
                 "2026-12", "2026-Q1", "2028-Q1", "2026-Q4"):
        p = parse_period(code)
        assert (p.start.isoformat(), p.end.isoformat()) == period_range(code)
    assert Period.week(2027, 1).previous().code == "2026-W53"
    assert Period.week(2026, 53).same_last_year().code == "2025-W52"
    assert Period.week(2021, 52).same_last_year().code == "2020-W52"
    assert Period.month(2026, 1).previous().code == "2025-12"
    assert Period.quarter(2026, 1).previous().code == "2025-Q4"
    assert Period.containing("week", date(2027, 1, 3)).code == "2026-W53"
    assert Period.month(2028, 2).end == date(2028, 2, 29)
    for bad in ("2025-W53", "2026-13", "2026-Q5", "26-11", "2026/11"):
        with pytest.raises(Exception, match="期间"):
            parse_period(bad)
