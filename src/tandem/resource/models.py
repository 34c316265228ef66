"""Shared resources: venues, equipment and its maintenance, training bases, the working calendar,
bookings (one-off or weekly series) with their usage, and agreements' links to these records.

A booking lies within one local day: ``day`` with ``start_min``/``end_min`` minutes after local
midnight (the college's wall clock, as a timetable is written). ``minutes`` is stored so that
utilisation is a plain SQL sum on every database.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.agreement.models import Agreement
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
from tandem.people.models import Major
from tandem.resource.kinds import (
    BaseStatus,
    BookingStatus,
    EquipmentStatus,
    Ownership,
    UsageStatus,
    VenueStatus,
)

Money = Numeric(14, 2)
Share = Numeric(5, 2)

base_major = Table(
    "training_base_major",
    Base.metadata,
    Column("base_id", ForeignKey("training_base.id", ondelete="CASCADE"), primary_key=True),
    Column("major_id", ForeignKey("major.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingBase(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A training base: on campus (a productive base, 校中厂) or off campus at its host."""

    __tablename__ = "training_base"
    __table_args__ = (UniqueConstraint("college_id", "code"),)

    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The host enterprise (required off campus; on campus, the enterprise producing there).
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="RESTRICT"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    workstations: Mapped[int] = mapped_column(Integer, default=0)
    host_staff_on_post: Mapped[int] = mapped_column(Integer, default=0)  # 企业在岗职工数
    projects: Mapped[str] = mapped_column(String(1000), default="")
    lodging: Mapped[bool] = mapped_column(Boolean, default=False)
    intern_subsidy_cny: Mapped[Decimal | None] = mapped_column(Money)  # per intern per month
    college_funding_per_student_cny: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(20), default=BaseStatus.ACTIVE)
    note: Mapped[str] = mapped_column(String(1000), default="")

    partnership: Mapped[Partnership | None] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    department: Mapped[Department | None] = relationship()
    majors: Mapped[list[Major]] = relationship(secondary=base_major, order_by=Major.code)


class Venue(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A room, workshop, laboratory, simulated practice site or a productive base's floor."""

    __tablename__ = "venue"
    __table_args__ = (UniqueConstraint("college_id", "code"),)

    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200), index=True)
    building: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20))
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    workstations: Mapped[int] = mapped_column(Integer, default=0)  # 工位
    ownership: Mapped[str] = mapped_column(String(20), default=Ownership.COLLEGE)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    base_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_base.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=VenueStatus.ACTIVE)
    note: Mapped[str] = mapped_column(String(1000), default="")

    partnership: Mapped[Partnership | None] = relationship()
    department: Mapped[Department | None] = relationship()
    base: Mapped[TrainingBase | None] = relationship()


class Equipment(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """One line of the equipment register: an asset (or a set of identical ones)."""

    __tablename__ = "equipment"
    __table_args__ = (
        UniqueConstraint("college_id", "asset_tag"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint(
            "college_share_pct >= 0 AND college_share_pct <= 100", name="share_in_range"
        ),
    )

    asset_tag: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), index=True)
    model: Mapped[str] = mapped_column(String(100), default="")
    maker: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    ownership: Mapped[str] = mapped_column(String(20), default=Ownership.COLLEGE)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="RESTRICT"), index=True
    )
    college_share_pct: Mapped[Decimal] = mapped_column(Share, default=Decimal(100))
    acquisition: Mapped[str] = mapped_column(String(20))
    value_cny: Mapped[Decimal | None] = mapped_column(Money)
    acquired_on: Mapped[date | None] = mapped_column(Date)
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("venue.id", ondelete="SET NULL"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=EquipmentStatus.IN_USE, index=True)
    # Value of one hour of teaching on it (enterprise-owned); empty: the college's default.
    teaching_hour_value_cny: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str] = mapped_column(String(1000), default="")

    partnership: Mapped[Partnership | None] = relationship()
    venue: Mapped[Venue | None] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    department: Mapped[Department | None] = relationship()
    maintenance: Mapped[list[MaintenanceRecord]] = relationship(
        back_populates="equipment",
        order_by="MaintenanceRecord.done_on.desc()",
        cascade="all, delete-orphan",
    )


class MaintenanceRecord(IdMixin, CollegeScopedMixin, Base):
    __tablename__ = "maintenance_record"

    equipment_id: Mapped[int] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    done_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(500), default="")
    cost_cny: Mapped[Decimal | None] = mapped_column(Money)
    downtime_hours: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    recorded_by_label: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    equipment: Mapped[Equipment] = relationship(back_populates="maintenance")


# --- the working calendar ------------------------------------------------------------------------


class ResourceSettings(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A college's opening hours and the utilisation settings (one row per college)."""

    __tablename__ = "resource_settings"
    __table_args__ = (UniqueConstraint("college_id"),)

    # ISO weekday "1".."7" -> ["08:00", "21:30"], or null when closed that day.
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    underuse_threshold_pct: Mapped[Decimal] = mapped_column(Share, default=Decimal(30))
    teaching_hour_value_cny: Mapped[Decimal] = mapped_column(Money, default=Decimal(100))


class CalendarTerm(IdMixin, CollegeScopedMixin, Base):
    """A term (学期), e.g. "2026-2027-1": its days are working days unless a holiday."""

    __tablename__ = "calendar_term"
    __table_args__ = (UniqueConstraint("college_id", "name"),)

    name: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Holiday(IdMixin, CollegeScopedMixin, Base):
    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("college_id", "day"),)

    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(100))


# --- bookings and usage --------------------------------------------------------------------------


class BookingSeries(IdMixin, TimestampMixin, CollegeScopedMixin, Base):
    """A weekly recurring booking; its occurrences are ``Booking`` rows with ``series_id``."""

    __tablename__ = "booking_series"
    __table_args__ = (
        CheckConstraint("(venue_id IS NULL) <> (equipment_id IS NULL)", name="one_resource"),
    )

    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), index=True
    )
    equipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    weekdays: Mapped[list[int]] = mapped_column(JSON)  # ISO weekdays 1..7
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    term_id: Mapped[int | None] = mapped_column(ForeignKey("calendar_term.id", ondelete="SET NULL"))
    skipped_days: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates (exceptions)
    units: Mapped[int] = mapped_column(Integer, default=1)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="SET NULL"), index=True
    )
    outside_hours_reason: Mapped[str] = mapped_column(String(300), default="")
    booked_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    booked_by_label: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.BOOKED)


class Booking(IdMixin, VersionMixin, CollegeScopedMixin, Base):
    """A venue or an equipment line booked for a purpose on one day, and how it was used."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("(venue_id IS NULL) <> (equipment_id IS NULL)", name="one_resource"),
        CheckConstraint(
            "start_min >= 0 AND end_min <= 1440 AND start_min < end_min", name="within_day"
        ),
        CheckConstraint("units >= 1", name="units_positive"),
        Index("ix_booking_venue_day", "venue_id", "day"),
        Index("ix_booking_equipment_day", "equipment_id", "day"),
        Index("ix_booking_college_day", "college_id", "day"),
    )

    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_series.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)  # end_min - start_min
    units: Mapped[int] = mapped_column(Integer, default=1)  # equipment items of the line
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.BOOKED)
    outside_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    outside_hours_reason: Mapped[str] = mapped_column(String(300), default="")
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="SET NULL"), index=True
    )
    booked_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    booked_by_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    usage: Mapped[str] = mapped_column(String(20), default=UsageStatus.PENDING)
    used_minutes: Mapped[int | None] = mapped_column(Integer)  # actual, when used
    output_quantity: Mapped[int | None] = mapped_column(Integer)  # production output (pieces)
    output_note: Mapped[str] = mapped_column(String(300), default="")
    confirmed_by_label: Mapped[str] = mapped_column(String(200), default="")
    confirmed_at: Mapped[datetime | None]

    venue: Mapped[Venue | None] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    series: Mapped[BookingSeries | None] = relationship()


class AgreementResource(IdMixin, CollegeScopedMixin, Base):
    """An agreement's term that names a venue or a training base, linked to its record."""

    __tablename__ = "agreement_resource"
    __table_args__ = (
        UniqueConstraint("agreement_id", "term_key", "venue_id", "base_id"),
        CheckConstraint("(venue_id IS NULL) <> (base_id IS NULL)", name="one_resource"),
    )

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    term_key: Mapped[str] = mapped_column(String(60))  # e.g. "1.venue", "2.base_name"
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), index=True
    )
    base_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_base.id", ondelete="CASCADE"), index=True
    )

    agreement: Mapped[Agreement] = relationship()
    venue: Mapped[Venue | None] = relationship()
    base: Mapped[TrainingBase | None] = relationship()
