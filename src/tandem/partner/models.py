"""Enterprises are shared by every college on the platform; partnerships belong to one college."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.college.models import Department
from tandem.kit.orm import (
    Base,
    CollegeScopedMixin,
    IdMixin,
    TimestampMixin,
    VersionMixin,
    utcnow,
)
from tandem.people.models import Teacher


class EnterpriseKind(StrEnum):
    STATE_OWNED = "state_owned"
    PRIVATE = "private"
    FOREIGN_INVESTED = "foreign_invested"
    PUBLIC_INSTITUTION = "public_institution"
    OTHER = "other"


class SizeBand(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class CertificationLevel(StrEnum):
    """产教融合型企业 certification."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"


class PartnershipStatus(StrEnum):
    PROSPECT = "prospect"
    VETTING = "vetting"
    ACTIVE = "active"
    DORMANT = "dormant"
    ENDED = "ended"


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Enterprise(IdMixin, TimestampMixin, VersionMixin, Base):
    """A partner enterprise, keyed by its Unified Social Credit Code (no college_id: shared)."""

    __tablename__ = "enterprise"

    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(30))
    industry_section: Mapped[str] = mapped_column(String(1))  # GB/T 4754 section letter A–T
    industry_detail: Mapped[str] = mapped_column(String(100), default="")
    size_band: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(300), default="")
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    certified_level: Mapped[str | None] = mapped_column(String(20))
    certified_on: Mapped[date | None] = mapped_column(Date)
    archived_at: Mapped[datetime | None]

    contacts: Mapped[list[EnterpriseContact]] = relationship(
        back_populates="enterprise", order_by="EnterpriseContact.id"
    )
    staff_counts: Mapped[list[EnterpriseStaffCount]] = relationship(
        back_populates="enterprise", order_by="EnterpriseStaffCount.as_of.desc()"
    )


class EnterpriseStaffCount(IdMixin, Base):
    """On-post staff (在岗职工) at a date: intern caps and yearly reports need the count then."""

    __tablename__ = "enterprise_staff_count"
    __table_args__ = (UniqueConstraint("enterprise_id", "as_of"),)

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    as_of: Mapped[date] = mapped_column(Date)
    on_post_staff: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="staff_counts")


class EnterpriseContact(IdMixin, TimestampMixin, Base):
    __tablename__ = "enterprise_contact"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(320), default="")

    enterprise: Mapped[Enterprise] = relationship(back_populates="contacts")


class EnterpriseChangeProposal(IdMixin, TimestampMixin, CollegeScopedMixin, Base):
    """A college's proposed change to shared master data, decided by the enterprise or a
    platform administrator."""

    __tablename__ = "enterprise_change_proposal"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    proposed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.OPEN, index=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(500), default="")

    enterprise: Mapped[Enterprise] = relationship()


class Partnership(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """One college working with one enterprise."""

    __tablename__ = "partnership"
    __table_args__ = (UniqueConstraint("college_id", "enterprise_id"),)

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=PartnershipStatus.PROSPECT, index=True)
    ended_reason: Mapped[str] = mapped_column(String(500), default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date)
    account_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("teacher.id", ondelete="SET NULL"), index=True
    )
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise] = relationship()
    department: Mapped[Department | None] = relationship()
    account_manager: Mapped[Teacher | None] = relationship()
