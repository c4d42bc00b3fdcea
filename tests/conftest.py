"""Shared fixtures: a real SQLite store in a temp dir, initialized, with users of every role."""

from __future__ import annotations

import os
import sqlite3
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


@pytest.fixture(scope="session")
def initialized_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One initialized store per test session; each test gets a fresh copy (migrating, initializing
    and Argon2-hashing three passwords for every test would dominate the suite's run time)."""
    path = tmp_path_factory.mktemp("template") / "zongzhi.sqlite3"
    svc = open_services(path, today=lambda: TODAY)
    svc.initialize(township_code=TOWNSHIP, township_name="城关镇", county_code=COUNTY, county_name="龙游县",
                   admin_username="admin", admin_password="admin-pass-1")
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    svc.create_user("clerk", "录入员小王", "clerk", "clerk-pass-1")
    svc.create_user("leader", "李主任", "reviewer", "leader-pass-1")
    svc.store.close()
    return path


@pytest.fixture
def admin(store_path: Path, initialized_template: Path) -> Services:
    """Services acting as the administrator of an initialized township store (a fresh copy)."""
    src, dst = sqlite3.connect(initialized_template), sqlite3.connect(store_path)
    try:
        src.backup(dst)  # consistent copy including anything still in the WAL
    finally:
        dst.close()
        src.close()
    svc = open_services(store_path, today=lambda: TODAY)
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    return svc


@pytest.fixture
def encrypted_admin(admin: Services) -> Services:
    """The `admin` store converted to an encrypted one (as the first sign-in after an upgrade does);
    its users' passwords open it."""
    from zongzhi_desktop.services.unlock import encrypt_plain_store

    store, _backup = encrypt_plain_store(admin.store)
    return Services(store, admin.actor, today=admin._today)


def as_role(svc: Services, username: str, role: str) -> Services:
    """Another Services on the same store acting as a different user."""
    return Services(svc.store, Actor(username, role), today=svc._today)


@pytest.fixture
def clerk(admin: Services) -> Services:
    return as_role(admin, "clerk", "clerk")


@pytest.fixture
def reviewer(admin: Services) -> Services:
    return as_role(admin, "leader", "reviewer")
