"""Imports every domain's models so the metadata is complete (Alembic, drift test)."""

from tandem.audit.models import AuditEntry
from tandem.auth.models import AccountLink, ApiToken, LoginFailure, LoginSession, User
from tandem.college.models import College, Department
from tandem.kit.orm import Base
from tandem.mail.models import OutboxMessage
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
    "ApiToken",
    "AuditEntry",
    "Base",
    "College",
    "Department",
    "Enterprise",
    "EnterpriseChangeProposal",
    "EnterpriseContact",
    "EnterpriseStaffCount",
    "LoginFailure",
    "LoginSession",
    "Major",
    "OutboxMessage",
    "Partnership",
    "SchoolClass",
    "Student",
    "Teacher",
    "User",
]
