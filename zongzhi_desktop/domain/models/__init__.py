"""All SQLModel tables. Importing this package registers them on SQLModel.metadata.

The tables of a kind added through the registry (zongzhi_desktop/kinds) live in their own module
here and are imported by `_import_the_rest` without being named in this file."""

import importlib
import pkgutil

from . import sync  # noqa: F401  (sync bookkeeping tables; they do not travel in bundles)
from .attachment import Attachment, AttachmentContent
from .base import Record, new_uuid, utcnow
from .dispatch import DispatchItem
from .dispute import Dispute, DisputeParty, DisputeVisit
from .draft import Draft  # form drafts: local scratch, not synced
from .history import (  # status history: derived from the workflow events, not synced
    STILL,
    StatusSpan,
)
from .ledger import ImportBatch, ImportSource  # ledger import bookkeeping: local, not synced
from .package import CasePackage, PackageLink, PackageProgress
from .petition import Petition, WorkflowEvent
from .reference import (
    Department,
    Grid,
    GridWorker,
    Leader,
    MediationCommittee,
    Mediator,
    Township,
    Village,
)
from .sheets import ReportSheet  # saved and signed-off report sheets
from .system import (
    GENESIS_HASH,
    AuditEntry,
    AuditHead,
    CodeItem,
    DocumentNumber,
    Holiday,
    SerialCounter,
    Setting,
    SigninThrottle,
    User,
)
from .volunteer import Activity, ActivityParticipant, TeamMember, Volunteer, VolunteerTeam

# Every table that syncs to the county (carries the Record columns).
SYNCED_MODELS: tuple[type[Record], ...] = (
    Township,
    Village,
    Grid,
    GridWorker,
    Department,
    Leader,
    MediationCommittee,
    Mediator,
    Petition,
    WorkflowEvent,
    Dispute,
    DisputeParty,
    DisputeVisit,
    CasePackage,
    PackageLink,
    PackageProgress,
    VolunteerTeam,
    Volunteer,
    TeamMember,
    Activity,
    ActivityParticipant,
    DispatchItem,
    ReportSheet,
    Attachment,
    AttachmentContent,
)



def _import_the_rest() -> None:
    """Import every other module of this package, so each table is on the metadata (Alembic's
    comparison, create_all) whichever part of the program runs first."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


_import_the_rest()

__all__ = [
    "GENESIS_HASH",
    "STILL",
    "SYNCED_MODELS",
    "Activity",
    "ActivityParticipant",
    "Attachment",
    "AttachmentContent",
    "AuditEntry",
    "AuditHead",
    "CasePackage",
    "CodeItem",
    "Department",
    "DispatchItem",
    "Dispute",
    "DisputeParty",
    "DisputeVisit",
    "DocumentNumber",
    "Draft",
    "Grid",
    "GridWorker",
    "Holiday",
    "ImportBatch",
    "ImportSource",
    "Leader",
    "MediationCommittee",
    "Mediator",
    "PackageLink",
    "PackageProgress",
    "Petition",
    "Record",
    "ReportSheet",
    "SerialCounter",
    "Setting",
    "SigninThrottle",
    "StatusSpan",
    "TeamMember",
    "Township",
    "User",
    "Village",
    "Volunteer",
    "VolunteerTeam",
    "WorkflowEvent",
    "new_uuid",
    "utcnow",
]
