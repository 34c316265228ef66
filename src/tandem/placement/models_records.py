"""What a placement needs before it starts: the tripartite agreement and its confirmations,
consent forms, insurance policies, uploaded documents and the overrides of warnings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tandem.kit.orm import Base, CollegeScopedMixin, IdMixin, TimestampMixin, VersionMixin, utcnow
from tandem.placement.models import Placement

policy_placement = Table(
    "insurance_policy_placement",
    Base.metadata,
    Column("policy_id", ForeignKey("insurance_policy.id", ondelete="CASCADE"), primary_key=True),
    Column("placement_id", ForeignKey("placement.id", ondelete="CASCADE"), primary_key=True),
)


class PlacementDocument(IdMixin, CollegeScopedMixin, Base):
    """A file kept with a placement (bytes in the database, like agreement documents): a signed
    tripartite agreement, a consent form, an insurance certificate."""

    __tablename__ = "placement_document"

    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))  # tripartite_scan, guardian_consent, ...
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class TripartiteAgreement(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """The agreement of college, host and student for one placement. Generated from the
    placement's terms (kept as they were, so a later change shows); each party confirms it in
    the platform, or a signed scan is uploaded. It counts as signed when all three confirmed or
    a scan is on file."""

    __tablename__ = "tripartite_agreement"
    __table_args__ = (UniqueConstraint("placement_id"),)

    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(40))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    college_confirmed_at: Mapped[datetime | None]
    college_confirmed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    host_confirmed_at: Mapped[datetime | None]
    host_confirmed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    student_confirmed_at: Mapped[datetime | None]
    student_confirmed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    scan_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement_document.id", ondelete="SET NULL")
    )

    placement: Mapped[Placement] = relationship()


class Consent(IdMixin, CollegeScopedMixin, Base):
    """A consent recorded by the office (guardians have no accounts): the guardian's consent
    for a minor, or the informed consent a plan requires, with the signed form."""

    __tablename__ = "placement_consent"
    __table_args__ = (UniqueConstraint("placement_id", "kind"),)

    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # guardian, informed
    signer_name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(40), default="")  # 父亲, 母亲, 本人 ...
    signed_on: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement_document.id", ondelete="SET NULL")
    )
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class InsurancePolicy(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """An internship liability policy (实习责任保险); one policy usually covers many placements."""

    __tablename__ = "insurance_policy"
    __table_args__ = (UniqueConstraint("college_id", "insurer", "number"),)

    insurer: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(60))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    premium: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    paid_by: Mapped[str] = mapped_column(String(20))  # college, host, student, government, other
    note: Mapped[str] = mapped_column(String(500), default="")

    placements: Mapped[list[Placement]] = relationship(secondary=policy_placement)


class ComplianceOverride(IdMixin, CollegeScopedMixin, Base):
    """A `warn` violation someone knowingly accepted for a placement, with the reason."""

    __tablename__ = "compliance_override"
    __table_args__ = (UniqueConstraint("placement_id", "rule_id"),)

    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    rule_id: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(500))
    by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
