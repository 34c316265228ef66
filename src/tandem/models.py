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

__all__ = [
    "AccountLink",
    "Agreement",
    "AgreementDocument",
    "AgreementEvent",
    "AgreementMode",
    "AgreementSignature",
    "ApiToken",
    "AuditEntry",
    "Base",
    "College",
    "CollegeOffer",
    "Department",
    "Enterprise",
    "EnterpriseChangeProposal",
    "EnterpriseContact",
    "EnterpriseStaffCount",
    "JobRun",
    "LoginFailure",
    "LoginSession",
    "Major",
    "NeedsProfile",
    "Notice",
    "Obligation",
    "ObligationDelivery",
    "OutboxMessage",
    "Partnership",
    "SchoolClass",
    "SteeringBody",
    "SteeringMeeting",
    "SteeringMember",
    "Student",
    "Teacher",
    "User",
]
