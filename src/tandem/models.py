"""Imports every domain's models so the metadata is complete (Alembic, drift test)."""

from tandem.audit.models import AuditEntry
from tandem.auth.models import AccountLink, ApiToken, LoginFailure, LoginSession, User
from tandem.college.models import College, Department
from tandem.kit.orm import Base
from tandem.mail.models import OutboxMessage

__all__ = [
    "AccountLink",
    "ApiToken",
    "AuditEntry",
    "Base",
    "College",
    "Department",
    "LoginFailure",
    "LoginSession",
    "OutboxMessage",
    "User",
]
