"""Cooperation agreements: modes with their terms, obligations, signatures, documents, the
timeline of their life cycle, and the joint steering body that institutionalises a partnership."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tandem.college.models import Department
from tandem.kit.orm import (
    Base,
    CollegeScopedMixin,
    IdMixin,
    TimestampMixin,
    VersionMixin,
    utcnow,
)
from tandem.partner.models import Partnership

Money = Numeric(14, 2)


class AgreementKind(StrEnum):
    MODE = "mode"  # cooperation in one or more of the seven modes
    FRAMEWORK = "framework"  # an umbrella agreement that mode agreements sit under


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SIGNED = "signed"
    ACTIVE = "active"
    EXPIRING = "expiring"
    RENEWED = "renewed"
    ENDED = "ended"
    TERMINATED = "terminated"


class Party(StrEnum):
    COLLEGE = "college"
    ENTERPRISE = "enterprise"


class Period(StrEnum):
    """How often an obligation's quantity falls due."""

    ONCE = "once"
    MONTH = "month"
    TERM = "term"
    YEAR = "year"


class Agreement(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """One agreement of a college with a partner enterprise."""

    __tablename__ = "agreement"

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=AgreementKind.MODE)
    framework_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    renews_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(60), default="", index=True)
    status: Mapped[str] = mapped_column(String(20), default=AgreementStatus.DRAFT, index=True)
    college_signatory: Mapped[str] = mapped_column(String(100), default="")
    enterprise_signatory: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    notice_days: Mapped[int] = mapped_column(Integer, default=30)
    value_money: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    value_in_kind: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    value_in_kind_note: Mapped[str] = mapped_column(String(300), default="")
    review_every_months: Mapped[int | None] = mapped_column(Integer)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str] = mapped_column(String(500), default="")
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")

    partnership: Mapped[Partnership] = relationship()
    department: Mapped[Department | None] = relationship()
    framework: Mapped[Agreement | None] = relationship(
        remote_side="Agreement.id", foreign_keys=[framework_id]
    )
    modes: Mapped[list[AgreementMode]] = relationship(
        back_populates="agreement", order_by="AgreementMode.mode", cascade="all, delete-orphan"
    )
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="agreement", order_by="Obligation.id", cascade="all, delete-orphan"
    )
    signatures: Mapped[list[AgreementSignature]] = relationship(
        back_populates="agreement", order_by="AgreementSignature.id", cascade="all, delete-orphan"
    )

    @property
    def mode_numbers(self) -> list[int]:
        return [m.mode for m in self.modes]


class AgreementMode(IdMixin, Base):
    """One of an agreement's modes (1–7) with that mode's terms (validated per mode)."""

    __tablename__ = "agreement_mode"
    __table_args__ = (UniqueConstraint("agreement_id", "mode"),)

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[int] = mapped_column(Integer, index=True)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    agreement: Mapped[Agreement] = relationship(back_populates="modes")


class Obligation(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A side's quantified commitment, e.g. enterprise: 20 training positions per term."""

    __tablename__ = "obligation"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[str] = mapped_column(String(20))
    mode: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Money)
    unit: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(10), default=Period.ONCE)
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    # Equipment counted against the register (name or category it must match); "" = not counted.
    register_category: Mapped[str] = mapped_column(String(100), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="obligations")
    deliveries: Mapped[list[ObligationDelivery]] = relationship(
        back_populates="obligation",
        order_by="ObligationDelivery.delivered_on",
        cascade="all, delete-orphan",
    )


class ObligationDelivery(IdMixin, CollegeScopedMixin, Base):
    """An amount delivered against an obligation (by hand now; later from activity records)."""

    __tablename__ = "obligation_delivery"

    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("obligation.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    delivered_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(30), default="manual")
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    obligation: Mapped[Obligation] = relationship(back_populates="deliveries")


class AgreementSignature(IdMixin, Base):
    """One party's signature: who signed for it, who recorded it and when."""

    __tablename__ = "agreement_signature"
    __table_args__ = (UniqueConstraint("agreement_id", "party"),)

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[str] = mapped_column(String(20))
    signatory_name: Mapped[str] = mapped_column(String(100))
    on_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")


class AgreementEvent(IdMixin, CollegeScopedMixin, Base):
    """A step on an agreement's timeline: each transition, signature, renewal and review."""

    __tablename__ = "agreement_event"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AgreementDocument(IdMixin, CollegeScopedMixin, Base):
    """A PDF or image attached to an agreement; the bytes stay in the database (transactional)."""

    __tablename__ = "agreement_document"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SteeringBody(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """The joint steering body of a partnership (members from both sides), with review dates."""

    __tablename__ = "steering_body"

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), unique=True
    )
    framework_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[date] = mapped_column(Date)
    review_every_months: Mapped[int] = mapped_column(Integer, default=12)
    next_review_on: Mapped[date | None] = mapped_column(Date)

    partnership: Mapped[Partnership] = relationship()
    members: Mapped[list[SteeringMember]] = relationship(
        back_populates="body", order_by="SteeringMember.id", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[SteeringMeeting]] = relationship(
        back_populates="body",
        order_by="SteeringMeeting.held_on.desc()",
        cascade="all, delete-orphan",
    )


class SteeringMember(IdMixin, Base):
    __tablename__ = "steering_member"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("steering_body.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    side: Mapped[str] = mapped_column(String(20))
    position: Mapped[str] = mapped_column(String(100), default="")

    body: Mapped[SteeringBody] = relationship(back_populates="members")


class SteeringMeeting(IdMixin, TimestampMixin, Base):
    """A meeting with its minutes and decisions; a review meeting moves the next review date."""

    __tablename__ = "steering_meeting"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("steering_body.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_review: Mapped[bool] = mapped_column(Boolean, default=False)

    body: Mapped[SteeringBody] = relationship(back_populates="meetings")
