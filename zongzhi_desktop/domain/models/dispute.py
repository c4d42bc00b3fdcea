"""Disputes (矛盾纠纷, 人民调解法 2010): parties, mediation, agreement, follow-up visits."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field

from .base import Record


class Dispute(Record, table=True):
    """One dispute with the 五个第一时间 timestamps and its mediation outcome."""

    __tablename__ = "dispute"
    # Covering indexes for the sheets' counts (migration 0010): the period's date first.
    __table_args__ = (
        Index("ix_dispute_found_cover", "found_date", "voided", "township_code", "risk_level", "homicide_risk", "type"),
        Index("ix_dispute_ended_cover", "mediation_end_date", "voided", "township_code", "outcome", "resolution_level",
              "type"),
    )
    serial: str = Field(index=True, max_length=32)
    title: str
    source: str  # dispute_source
    type: str = Field(index=True)  # dispute_type
    description: str | None = None
    village_id: str | None = Field(default=None, foreign_key="village.id", index=True)
    grid_id: str | None = Field(default=None, foreign_key="grid.id")
    people_count: int = Field(default=2)
    amount: float | None = None
    risk_level: str = Field(default="low", index=True)  # risk_level
    homicide_risk: bool = Field(default=False, index=True)  # 易引发命案
    turned_criminal: bool = Field(default=False)  # 民转刑
    petition_id: str | None = Field(default=None, foreign_key="petition.id")

    status: str = Field(default="registered", index=True)
    next_deadline: date | None = Field(default=None, index=True)
    next_deadline_kind: str | None = None

    # 五个第一时间: 发现, 受理, 化解, 确认, 反馈
    found_date: date = Field(index=True)
    accepted_date: date | None = None
    resolved_date: date | None = Field(default=None, index=True)
    confirmed_date: date | None = None
    feedback_date: date | None = None

    route: str | None = None  # mediation_route
    committee_id: str | None = Field(default=None, foreign_key="mediation_committee.id")
    mediator_id: str | None = Field(default=None, foreign_key="mediator.id")
    mediation_start_date: date | None = None
    mediation_warn_date: date | None = None
    mediation_end_date: date | None = Field(default=None, index=True)
    outcome: str | None = None  # success / failed
    failure_outcome: str | None = None  # failure_outcome
    failure_reason: str | None = None

    agreement_form: str | None = None  # agreement_form
    agreement_date: date | None = None
    agreement_terms: str | None = None
    performance_manner: str | None = None
    performance_deadline: date | None = None
    performance_status: str | None = None  # performance_status
    judicial_confirm_deadline: date | None = None
    judicial_confirm_date: date | None = None
    resolution_level: str | None = None  # resolution_level


class DisputeParty(Record, table=True):
    """A party (当事人) to a dispute."""

    __tablename__ = "dispute_party"
    dispute_id: str = Field(foreign_key="dispute.id", index=True)
    name: str = Field(index=True)
    role: str = Field(default="applicant")  # party_role
    id_number: str | None = Field(default=None, index=True, max_length=18)
    phone: str | None = None
    address: str | None = None


class DisputeVisit(Record, table=True):
    """Follow-up visit (回访) after mediation."""

    __tablename__ = "dispute_visit"
    dispute_id: str = Field(foreign_key="dispute.id", index=True)
    visit_date: date
    performance_status: str | None = None
    satisfaction: str | None = None
    note: str | None = None
    visitor: str | None = None
