"""Leader case-packages (领导包案): linked cases, 五包 checklist, progress, 销号 review."""

from datetime import date

from sqlmodel import Field

from .base import Record


class CasePackage(Record, table=True):
    """A leader's personal responsibility for key cases until formally closed (销号)."""

    __tablename__ = "case_package"
    serial: str = Field(index=True, max_length=32)
    title: str
    leader_id: str = Field(foreign_key="leader.id", index=True)
    unit_department_id: str | None = Field(default=None, foreign_key="department.id")
    staff: str | None = None
    start_date: date = Field(index=True)
    target_date: date = Field(index=True)
    plan: str | None = None
    know_situation: bool = Field(default=False)  # 包掌握情况
    counsel: bool = Field(default=False)  # 包思想疏导
    solve_problem: bool = Field(default=False)  # 包解决问题
    stabilise: bool = Field(default=False)  # 包稳控
    stop_petitioning: bool = Field(default=False)  # 包息诉罢访
    supervised: bool = Field(default=False)  # 挂牌督办
    is_backlog: bool = Field(default=False)  # 积案

    status: str = Field(default="in_progress", index=True)
    next_deadline: date | None = Field(default=None, index=True)
    next_deadline_kind: str | None = None
    extension_reason: str | None = None
    close_request_date: date | None = None
    closed_date: date | None = Field(default=None, index=True)
    reviewer: str | None = None
    review_opinion: str | None = None


class PackageLink(Record, table=True):
    """A petition or dispute covered by a case-package."""

    __tablename__ = "package_link"
    package_id: str = Field(foreign_key="case_package.id", index=True)
    record_kind: str = Field(max_length=16)  # petition | dispute
    record_id: str = Field(index=True, max_length=36)


class PackageProgress(Record, table=True):
    """A dated progress entry: what was done and by whom."""

    __tablename__ = "package_progress"
    package_id: str = Field(foreign_key="case_package.id", index=True)
    entry_date: date = Field(index=True)
    content: str
    by_whom: str
