"""Fixtures for sync tests: a county hub and townships that trust it (helpers in synctools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from synctools import County, link, make_county, make_township

from zongzhi_desktop.services import Services


@pytest.fixture
def county(tmp_path: Path) -> County:
    return make_county(tmp_path / "county")


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
