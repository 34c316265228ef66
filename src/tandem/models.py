"""Imports every domain's models so the metadata is complete (Alembic, drift test)."""

from tandem.audit.models import AuditEntry
from tandem.college.models import College, Department
from tandem.kit.orm import Base

__all__ = ["AuditEntry", "Base", "College", "Department"]
