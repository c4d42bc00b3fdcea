"""Fixtures for the report tests: one generated township store per session, copied per test."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from reports_storegen import Gen

from zongzhi_desktop.services import Actor, Services, open_services

GEN_TODAY = date(2027, 1, 20)
# Boundary days the generator favours: Sunday/Monday pairs, month and quarter ends, ISO week 53.
ANCHORS = [date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 1), date(2026, 9, 30),
           date(2026, 10, 1), date(2026, 12, 27), date(2026, 12, 28), date(2027, 1, 3), date(2027, 1, 4),
           date(2025, 11, 23), date(2025, 11, 24), date(2026, 6, 30), date(2026, 7, 1)]


def init_store(path: Path, today: date) -> Services:
    svc = open_services(path, today=lambda: today)
    svc.initialize(township_code="330825101", township_name="城关镇", county_code="330825", county_name="龙游县",
                   admin_username="admin", admin_password="admin-pass-1")
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    svc.create_user("clerk", "录入员小王", "clerk", "clerk-pass-1")
    svc.create_user("leader", "李主任", "reviewer", "leader-pass-1")
    return svc


@pytest.fixture(scope="session")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A township store with ~60 records of each kind entered through the services."""
    path = tmp_path_factory.mktemp("gen") / "zongzhi.sqlite3"
    svc = init_store(path, GEN_TODAY)
    g = Gen(svc, seed=20261122, start=date(2025, 9, 1), end=GEN_TODAY)
    g.anchors = ANCHORS
    g.fill(60)
    svc.store.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.fixture
def gen_svc(generated_db: Path, tmp_path: Path) -> Services:
    """Services (as admin) on a private copy of the generated store."""
    target = tmp_path / "zongzhi.sqlite3"
    shutil.copy(generated_db, target)
    svc = open_services(target, today=lambda: GEN_TODAY)
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    return svc


def role(svc: Services, username: str, r: str) -> Services:
    return Services(svc.store, Actor(username, r), today=svc._today)
