"""Every figure on every sheet equals an independent recomputation from the raw rows."""

from __future__ import annotations

import math

import pytest
from conftest import GEN_TODAY
from reports_oracle import Oracle, expected, expected_rate_refs

from zongzhi_desktop.reports import figures as fg
from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.kinds import REGISTERED_KINDS

PERIODS = [
    ("weekly", "2026-W47"),  # ends Sunday 2026-11-22; the Monday after is an anchor too
    ("weekly", "2026-W48"),
    ("weekly", "2026-W53"),  # ISO week 53: 2026-12-28 … 2027-01-03
    ("weekly", "2027-W01"),
    ("weekly", "2025-W48"),
    ("monthly", "2026-11"),
    ("monthly", "2026-12"),
    ("monthly", "2026-09"),
    ("quarterly", "2026-Q4"),
    ("quarterly", "2026-Q3"),
    ("weekly", "2024-W10"),  # empty periods
    ("monthly", "2024-03"),
    ("quarterly", "2024-Q1"),
]


def _check(report_values: dict, oracle: Oracle, code: str) -> int:
    checked = 0
    for key, v in report_values.items():
        exp_value, exp_text, exp_refs = expected(oracle, key, code)
        if exp_value is None:
            assert v.value is None and v.text == "—", key
        else:
            assert v.value is not None and math.isclose(float(v.value), float(exp_value), abs_tol=1e-9), \
                (key, v.value, exp_value)
        if exp_text is not None:
            assert v.text == exp_text, (key, v.text, exp_text)
        if exp_refs is not None:
            got = {k: set(ids) for k, ids in (v.refs or {}).items() if ids}
            want = {k: ids for k, ids in exp_refs.items() if ids}
            assert got == want, key
        if key.startswith("rate."):  # drill-down: the records of the numerator and of the denominator
            num, den = expected_rate_refs(oracle, key, code)
            for got_refs, want_refs in ((v.refs, num), (v.den_refs, den)):
                assert {k: set(ids) for k, ids in (got_refs or {}).items() if ids} == \
                    {k: ids for k, ids in want_refs.items() if ids}, key
        checked += 1
    return checked


@pytest.mark.parametrize(("kind", "code"), PERIODS)
def test_every_value_matches_the_oracle(gen_svc: Services, kind: str, code: str) -> None:
    report = rs.build_report(gen_svc, kind, code)
    assert all(v.refs is None and v.den_refs is None for v in report.values.values())  # counts only, no ids
    rs.fill_refs(gen_svc.store, report)  # drill-down of every number
    oracle = Oracle(gen_svc.store.path, [gen_svc.township.code], today=GEN_TODAY)  # type: ignore[arg-type]
    n = _check(report.values, oracle, code)
    assert n > 40  # the sheet really has figures
    # Every number printed in a table cell is one of the checked values.
    for t in report.tables():
        for row in t.rows:
            for cell in row:
                if cell.value is not None:
                    assert report.values[cell.value].text == cell.text


def test_generated_data_reaches_the_interesting_cases(gen_svc: Services) -> None:
    """Guard against a generator that makes the oracle comparison trivial."""
    oracle = Oracle(gen_svc.store.path, [gen_svc.township.code], today=GEN_TODAY)  # type: ignore[arg-type]
    for key in ("petition.new", "petition.concluded", "dispute.resolved", "dispute.mediation_ended",
                "package.closed", "dispatch.done", "petition.overdue", "volunteer.activities"):
        assert oracle.ids(key, "2026-Q4") or oracle.ids(key, "2026-Q3"), key
    assert oracle.rate("rate.on_time_conclude", "2026-Q4")[1] > 0
    assert 0 < oracle.rate("rate.mediation_success", "2026-Q4")[0] < oracle.rate("rate.mediation_success", "2026-Q4")[1]


def test_empty_period_prints_dashes_not_percentages(gen_svc: Services) -> None:
    report = rs.build_report(gen_svc, "monthly", "2024-03")
    for key in ("rate.timely_accept", "rate.on_time_conclude", "rate.satisfaction", "rate.rated",
                "rate.mediation_success", "rate.package_resolve", "rate.village_share", "rate.dispatch_completion"):
        assert report.values[key].text == "—"
        assert report.values[key].value is None
    assert report.values["petition.new"].text == "0"


def test_township_is_a_parameter(gen_svc: Services) -> None:
    """The county view (all townships) equals the township's own when the store holds one township;
    an unknown township code gives zeros."""
    own = rs.build_report(gen_svc, "monthly", "2026-11")
    every = rs.build_report(gen_svc, "monthly", "2026-11", all_townships=True, township_name="龙游县")
    other = rs.build_report(gen_svc, "monthly", "2026-11", townships=["330825999"], township_name="别的镇")
    assert every.values["petition.new"].text == own.values["petition.new"].text != "0"
    assert other.values["petition.new"].text == "0"
    assert "area.new|township=330825101" in every.values
    rs.fill_refs(gen_svc.store, every)
    oracle = Oracle(gen_svc.store.path, None, today=GEN_TODAY)  # type: ignore[arg-type]
    assert _check(every.values, oracle, "2026-11") > 40


@pytest.mark.parametrize(("kind", "code"), [("weekly", "2026-W47"), ("monthly", "2026-11"), ("quarterly", "2026-Q4")])
def test_drill_down_opens_as_many_records_as_each_number_counts(gen_svc: Services, kind: str, code: str) -> None:
    """The sheet holds counts made by the database; a click fetches the ids. For every number the
    ids fetched are as many as the number (a rate: numerator and denominator), and they are the
    oracle's records."""
    report = rs.build_report(gen_svc, kind, code, all_townships=True, township_name="龙游县")
    oracle = Oracle(gen_svc.store.path, None, today=GEN_TODAY)  # type: ignore[arg-type]
    sums = {s.key for s in fg.VOLUNTEER_SUMS}
    nonzero = 0
    for key, v in report.values.items():
        if key.split(".")[0] in REGISTERED_KINDS:  # 重点人员: counts only, nothing to open (restricted)
            assert v.refs is None and v.query is None, key
            continue
        assert v.refs is None and v.query is not None, key
        opened = rs.figure_refs(gen_svc.store, report, key)
        n_opened = sum(len(ids) for ids in opened.values())
        if v.den is not None:  # a rate opens its denominator; the numerator is fetched with it
            assert n_opened == v.den and sum(len(i) for i in (v.refs or {}).values()) == v.num, key
            assert {k: set(i) for k, i in (v.refs or {}).items() if i} == \
                {k: i for k, i in expected_rate_refs(oracle, key, code)[0].items() if i}, key
        elif key.split("|")[0] in sums:  # a volunteer sum opens the activities it adds up
            acts = report.values.get(key.replace(key.split("|")[0], fg.A_ACTIVITIES.key, 1))
            assert acts is None or n_opened == acts.value, key
        else:
            assert n_opened == v.value, key
        nonzero += n_opened > 0
    assert nonzero > 20
