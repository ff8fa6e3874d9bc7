"""Every model, imported in one place so that metadata and relationships are complete."""

from planner.accounts.models import Invitation, User
from planner.audit.models import AuditEntry
from planner.commemorations.models import Commemoration
from planner.dataversion import DataVersion
from planner.events.models import Event, EventKind, EventOrganisation, EventStatus, HostRole
from planner.feeds.fragments import FeedFragment
from planner.feeds.storage import StoredFeed
from planner.imports.models import ImportedEvent
from planner.organisations.models import Membership, Organisation, Role
from planner.submissions.models import Moderator, Submission
from planner.venues.models import Venue

__all__ = [
    "AuditEntry",
    "Commemoration",
    "DataVersion",
    "Event",
    "EventKind",
    "EventOrganisation",
    "EventStatus",
    "FeedFragment",
    "HostRole",
    "ImportedEvent",
    "Invitation",
    "Membership",
    "Moderator",
    "Organisation",
    "Role",
    "StoredFeed",
    "Submission",
    "User",
    "Venue",
]
