"""Petitions (信访件, 信访工作条例 2022) and the workflow events shared by every kind."""

from datetime import date

from sqlalchemy import Index, event
from sqlmodel import Field

from .base import Record


class Petition(Record, table=True):
    """One petition with its statutory deadlines computed and stored."""

    __tablename__ = "petition"
    # Covering indexes for the sheets' counts (migration 0010): the period's date first.
    __table_args__ = (
        Index("ix_petition_received_cover", "received_date", "voided", "township_code", "is_group", "is_skip_level",
              "is_repeat", "form", "subject"),
        Index("ix_petition_reply_cover", "reply_date", "voided", "township_code", "conclude_deadline", "rating",
              "rating_date", "resolution_level", "subject"),
        Index("ix_petition_decision_cover", "decision_date", "voided", "township_code", "accept_deadline"),
    )
    serial: str = Field(index=True, max_length=32)
    received_date: date = Field(index=True)
    form: str  # petition_form
    route: str = Field(default="direct")  # petition_route
    petitioner_name: str = Field(index=True)
    id_number: str | None = Field(default=None, index=True, max_length=18)
    phone: str | None = None
    address: str | None = None
    village_id: str | None = Field(default=None, foreign_key="village.id", index=True)
    headcount: int = Field(default=1)
    representatives: str | None = None
    is_group: bool = Field(default=False)  # 集体访: headcount >= 5
    is_repeat: bool = Field(default=False)  # 重复访
    repeat_of_id: str | None = Field(default=None, foreign_key="petition.id")
    is_skip_level: bool = Field(default=False)  # 越级访
    category: str  # petition_category
    subject: str = Field(default="other")  # petition_subject
    request: str
    facts: str | None = None
    reasons: str | None = None

    status: str = Field(default="registered", index=True)
    next_deadline: date | None = Field(default=None, index=True)
    next_deadline_kind: str | None = None

    accept_deadline: date
    decision: str | None = None  # acceptance_decision
    decision_date: date | None = Field(default=None, index=True)
    decision_reason: str | None = None

    assigned_department_id: str | None = Field(default=None, foreign_key="department.id", index=True)
    assigned_date: date | None = None
    assign_deadline: date | None = None

    conclude_deadline: date | None = None
    extension_days: int | None = None
    extension_reason: str | None = None
    extension_approver: str | None = None

    reply_date: date | None = Field(default=None, index=True)
    reply_result: str | None = None  # reply_result
    reply_summary: str | None = None
    review_request_deadline: date | None = None
    review_request_date: date | None = None
    review_deadline: date | None = None
    review_reply_date: date | None = None
    review_result: str | None = None
    recheck_request_deadline: date | None = None
    recheck_request_date: date | None = None
    recheck_deadline: date | None = None
    recheck_reply_date: date | None = None
    recheck_result: str | None = None

    rating: str | None = None  # satisfaction
    rating_date: date | None = None
    resolution_level: str | None = None  # resolution_level
    # 信访人 in pinyin order (store-local, derived: store/derived.py; migration 0018).
    petitioner_pinyin: str | None = None


@event.listens_for(Petition, "before_insert")
@event.listens_for(Petition, "before_update")
def _derive_petitioner_pinyin(_mapper: object, _conn: object, target: Petition) -> None:
    from ...domain.pinyin import collation_key

    target.petitioner_pinyin = collation_key(target.petitioner_name)


class WorkflowEvent(Record, table=True):
    """A dated step in any record's workflow (登记, 受理, 交办…): the record's timeline."""

    __tablename__ = "workflow_event"
    record_kind: str = Field(index=True, max_length=16)
    record_id: str = Field(index=True, max_length=36)
    action: str = Field(max_length=32)
    event_date: date
    actor: str = Field(max_length=64)
    note: str | None = None
    data: str | None = None  # JSON of the fields the step set
