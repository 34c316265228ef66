"""Imports every domain's models so the metadata is complete (Alembic, drift test)."""

from tandem.agreement.models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    AgreementMode,
    AgreementSignature,
    Obligation,
    ObligationDelivery,
    SteeringBody,
    SteeringMeeting,
    SteeringMember,
)
from tandem.audit.models import AuditEntry
from tandem.auth.models import AccountLink, ApiToken, LoginFailure, LoginSession, User
from tandem.college.models import College, Department
from tandem.inbox.models import JobRun, Notice
from tandem.kit.orm import Base
from tandem.mail.models import OutboxMessage
from tandem.needs.models import CollegeOffer, NeedsProfile
from tandem.partner.models import (
    Enterprise,
    EnterpriseChangeProposal,
    EnterpriseContact,
    EnterpriseStaffCount,
    Partnership,
)
from tandem.people.models import Major, SchoolClass, Student, Teacher
from tandem.placement.models import (
    AllocationRound,
    HostRank,
    Placement,
    PlacementPlan,
    PlanHost,
    Position,
    Preference,
    RoundAssignment,
)
from tandem.placement.models_records import (
    ComplianceOverride,
    Consent,
    InsurancePolicy,
    PlacementDocument,
    TripartiteAgreement,
)
from tandem.resource.models import (
    AgreementResource,
    Booking,
    BookingSeries,
    CalendarTerm,
    Equipment,
    Holiday,
    MaintenanceRecord,
    ResourceSettings,
    TrainingBase,
    Venue,
)

__all__ = [
    "AccountLink",
    "Agreement",
    "AgreementDocument",
    "AgreementEvent",
    "AgreementMode",
    "AgreementResource",
    "AgreementSignature",
    "AllocationRound",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Booking",
    "BookingSeries",
    "CalendarTerm",
    "College",
    "CollegeOffer",
    "ComplianceOverride",
    "Consent",
    "Department",
    "Enterprise",
    "EnterpriseChangeProposal",
    "EnterpriseContact",
    "EnterpriseStaffCount",
    "Equipment",
    "Holiday",
    "HostRank",
    "InsurancePolicy",
    "JobRun",
    "LoginFailure",
    "LoginSession",
    "MaintenanceRecord",
    "Major",
    "NeedsProfile",
    "Notice",
    "Obligation",
    "ObligationDelivery",
    "OutboxMessage",
    "Partnership",
    "Placement",
    "PlacementDocument",
    "PlacementPlan",
    "PlanHost",
    "Position",
    "Preference",
    "ResourceSettings",
    "RoundAssignment",
    "SchoolClass",
    "SteeringBody",
    "SteeringMeeting",
    "SteeringMember",
    "Student",
    "Teacher",
    "TrainingBase",
    "TripartiteAgreement",
    "User",
    "Venue",
]
