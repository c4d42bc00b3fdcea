"""Fixtures for sync tests: a county hub and townships that trust it (helpers in synctools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from synctools import SUITES, County, link, make_county, make_township

from zongzhi_desktop.services import Services


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The end-to-end modules (`BOTH_SUITES = True`) run every test that uses the county under both
    cipher suites (issue 20); the other tests use nacl-1 only, to keep the run short."""
    if getattr(metafunc.module, "BOTH_SUITES", False) and "suite" in metafunc.fixturenames:
        metafunc.parametrize("suite", SUITES, indirect=True)


@pytest.fixture
def suite(request: pytest.FixtureRequest) -> str:
    """The cipher suite of the county (and so of its townships): nacl-1 unless parametrised."""
    return getattr(request, "param", "nacl-1")


@pytest.fixture
def county(tmp_path: Path, suite: str) -> County:
    return make_county(tmp_path / "county", suite=suite)


@pytest.fixture
def town1(tmp_path: Path, county: County) -> Services:
    svc = make_township(tmp_path / "t1", "330825101", "城关镇")
    link(svc, county)
    return svc


@pytest.fixture
def town2(tmp_path: Path, county: County) -> Services:
    svc = make_township(tmp_path / "t2", "330825102", "湖镇镇")
    link(svc, county)
    return svc
