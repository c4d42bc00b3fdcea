"""Shared fixtures: a real SQLite store in a temp dir, initialized, with users of every role."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from zongzhi_desktop.services import Actor, Services, open_services

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TOWNSHIP = "330825101"
COUNTY = "330825"
TODAY = date(2026, 11, 20)  # a fixed "today" so deadline tests do not drift


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "zongzhi.sqlite3"


@pytest.fixture
def admin(store_path: Path) -> Services:
    """Services acting as the administrator of an initialized township store."""
    svc = open_services(store_path, today=lambda: TODAY)
    svc.initialize(township_code=TOWNSHIP, township_name="城关镇", county_code=COUNTY, county_name="龙游县",
                   admin_username="admin", admin_password="admin-pass-1")
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    svc.create_user("clerk", "录入员小王", "clerk", "clerk-pass-1")
    svc.create_user("leader", "李主任", "reviewer", "leader-pass-1")
    return svc


def as_role(svc: Services, username: str, role: str) -> Services:
    """Another Services on the same store acting as a different user."""
    return Services(svc.store, Actor(username, role), today=svc._today)


@pytest.fixture
def clerk(admin: Services) -> Services:
    return as_role(admin, "clerk", "clerk")


@pytest.fixture
def reviewer(admin: Services) -> Services:
    return as_role(admin, "leader", "reviewer")
