"""Volunteer teams, volunteers and activities (平安志愿者)."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field

from .base import Record


class VolunteerTeam(Record, table=True):
    """A volunteer team such as 龙游大妈."""

    __tablename__ = "volunteer_team"
    name: str = Field(index=True)
    type: str  # team_type
    leader_name: str | None = None
    phone: str | None = None
    village_id: str | None = Field(default=None, foreign_key="village.id", index=True)
    founded_date: date | None = None


class Volunteer(Record, table=True):
    """A registered volunteer (民政部令第67号: 真实、准确、完整、及时)."""

    __tablename__ = "volunteer"
    name: str = Field(index=True)
    gender: str | None = None  # gender
    phone: str | None = None
    id_number: str | None = Field(default=None, max_length=18)
    village_id: str | None = Field(default=None, foreign_key="village.id")
    skills: str | None = None
    active: bool = Field(default=True)


class TeamMember(Record, table=True):
    """Membership of a volunteer in a team."""

    __tablename__ = "team_member"
    team_id: str = Field(foreign_key="volunteer_team.id", index=True)
    volunteer_id: str = Field(foreign_key="volunteer.id", index=True)


class Activity(Record, table=True):
    """A volunteer activity with its results."""

    __tablename__ = "activity"
    # Covering index for the volunteer figures (migration 0010): the period's date first.
    __table_args__ = (Index("ix_activity_figures_cover", "activity_date", "voided", "township_code", "team_id",
                            "village_id", "people_served", "hazards_found", "disputes_resolved"),)
    serial: str = Field(index=True, max_length=32)
    activity_date: date = Field(index=True)
    team_id: str = Field(foreign_key="volunteer_team.id", index=True)
    type: str  # activity_type
    place: str
    content: str
    village_id: str | None = Field(default=None, foreign_key="village.id", index=True)
    hazards_found: int = Field(default=0)  # 隐患发现数
    disputes_resolved: int = Field(default=0)  # 纠纷化解数
    people_served: int = Field(default=0)  # 服务群众人次
    photos: str | None = None  # newline-separated file names


class ActivityParticipant(Record, table=True):
    """A volunteer's participation in an activity, with hours."""

    __tablename__ = "activity_participant"
    __table_args__ = (Index("ix_activity_participant_cover", "activity_id", "voided", "hours"),)  # migration 0010
    activity_id: str = Field(foreign_key="activity.id", index=True)
    volunteer_id: str = Field(foreign_key="volunteer.id", index=True)
    hours: float = Field(default=0)
