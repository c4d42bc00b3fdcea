"""Reference data: township, villages, grids, departments, leaders, mediators."""

from sqlmodel import Field

from .base import Record


class Township(Record, table=True):
    """The township (乡镇/街道) this installation serves; the county store holds many."""

    __tablename__ = "township"
    code: str = Field(index=True, unique=True, max_length=9)
    name: str
    county_code: str = Field(max_length=6)
    county_name: str


class Village(Record, table=True):
    """Village or community (村/社区) with its 12-digit division code."""

    __tablename__ = "village"
    code: str = Field(index=True, max_length=12)
    name: str
    kind: str = Field(default="village")  # code table village_kind


class Grid(Record, table=True):
    """A grid (网格) inside a village, served by one grid worker."""

    __tablename__ = "grid"
    village_id: str = Field(foreign_key="village.id", index=True)
    name: str
    code: str | None = None


class GridWorker(Record, table=True):
    """Grid worker (网格员)."""

    __tablename__ = "grid_worker"
    grid_id: str = Field(foreign_key="grid.id", index=True)
    name: str
    phone: str | None = None


class Department(Record, table=True):
    """Responsible unit (派出所, 司法所, 村委会…) that receives assignments."""

    __tablename__ = "department"
    name: str
    kind: str = Field(default="other")  # code table department_kind
    contact: str | None = None
    phone: str | None = None


class Leader(Record, table=True):
    """A leader who can take case-packages (包案领导)."""

    __tablename__ = "leader"
    name: str
    post: str
    level: str = Field(default="township")  # code table leader_level


class MediationCommittee(Record, table=True):
    """People's mediation committee (调委会)."""

    __tablename__ = "mediation_committee"
    name: str
    village_id: str | None = Field(default=None, foreign_key="village.id")


class Mediator(Record, table=True):
    """Mediator (调解员) belonging to a committee."""

    __tablename__ = "mediator"
    committee_id: str | None = Field(default=None, foreign_key="mediation_committee.id", index=True)
    name: str
    phone: str | None = None
