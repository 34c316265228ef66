"""Placement plans, positions, preferences, host rankings, allocation rounds and placements.

Every row names its college. A host is a partnership (one college with one enterprise): its
positions, its ranking of applicants and its cap belong to that partnership within a plan.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.college.models import Department
from tandem.kit.orm import Base, CollegeScopedMixin, IdMixin, TimestampMixin, VersionMixin
from tandem.partner.models import Partnership
from tandem.people.models import Major, SchoolClass, Student, Teacher

Money = Numeric(12, 2)

plan_major = Table(
    "placement_plan_major",
    Base.metadata,
    Column("plan_id", ForeignKey("placement_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("major_id", ForeignKey("major.id", ondelete="RESTRICT"), primary_key=True),
)
plan_class = Table(
    "placement_plan_class",
    Base.metadata,
    Column("plan_id", ForeignKey("placement_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("class_id", ForeignKey("school_class.id", ondelete="RESTRICT"), primary_key=True),
)
position_major = Table(
    "position_major",
    Base.metadata,
    Column("position_id", ForeignKey("position.id", ondelete="CASCADE"), primary_key=True),
    Column("major_id", ForeignKey("major.id", ondelete="RESTRICT"), primary_key=True),
)


class PlacementPlan(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A plan for a cohort: who takes part, when each phase runs, and by which rules."""

    __tablename__ = "placement_plan"
    __table_args__ = (UniqueConstraint("college_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    ruleset: Mapped[str] = mapped_column(String(40), default="cn-2021")
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    max_preferences: Mapped[int] = mapped_column(Integer, default=5)
    min_year_of_study: Mapped[int | None] = mapped_column(Integer)
    min_age: Mapped[int | None] = mapped_column(Integer)
    # The calendar the office announces; the phase itself moves only when the office moves it.
    positions_open_on: Mapped[date | None] = mapped_column(Date)
    ranking_opens_on: Mapped[date | None] = mapped_column(Date)
    ranking_closes_on: Mapped[date | None] = mapped_column(Date)
    host_ranking_closes_on: Mapped[date | None] = mapped_column(Date)
    allocation_on: Mapped[date | None] = mapped_column(Date)
    results_on: Mapped[date | None] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # Informed consent of student and guardian required for every placement (not only minors').
    requires_informed_consent: Mapped[bool] = mapped_column(Boolean, default=False)

    department: Mapped[Department | None] = relationship()
    majors: Mapped[list[Major]] = relationship(secondary=plan_major, order_by=Major.code)
    classes: Mapped[list[SchoolClass]] = relationship(
        secondary=plan_class, order_by=SchoolClass.name
    )


class Position(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A post a host offers in a plan, with the terms the compliance rules read."""

    __tablename__ = "position"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("placement_plan.id", ondelete="CASCADE"), index=True
    )
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(300), default="")
    seats: Mapped[int] = mapped_column(Integer)
    monthly_pay: Mapped[Decimal | None] = mapped_column(Money)
    hours_per_day: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    days_per_week: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    shifts: Mapped[str] = mapped_column(String(300), default="")
    night_shift: Mapped[bool] = mapped_column(Boolean, default=False)
    holiday_work: Mapped[bool] = mapped_column(Boolean, default=False)
    labour_intensity: Mapped[int | None] = mapped_column(Integer)  # GB 3869 level 1–4
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    restrictions: Mapped[list[str]] = mapped_column(JSON, default=list)
    venue_category: Mapped[str] = mapped_column(String(30), default="")
    post_staff: Mapped[int | None] = mapped_column(Integer)  # staff in this post at the host
    post_wage: Mapped[Decimal | None] = mapped_column(Money)  # their regular monthly wage
    skills: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    published_at: Mapped[datetime | None]
    # The pre-placement compliance check at publishing: {"ok", "violations": [...]}.
    compliance: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    plan: Mapped[PlacementPlan] = relationship()
    partnership: Mapped[Partnership] = relationship()
    majors: Mapped[list[Major]] = relationship(secondary=position_major, order_by=Major.code)


class Preference(IdMixin, CollegeScopedMixin, Base):
    """One line of a student's ranked list in a plan (rank 1 = first choice)."""

    __tablename__ = "preference"
    __table_args__ = (
        UniqueConstraint("plan_id", "student_id", "position_id"),
        UniqueConstraint("plan_id", "student_id", "rank"),
        Index("ix_preference_position", "position_id"),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("placement_plan.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)

    position: Mapped[Position] = relationship()
    student: Mapped[Student] = relationship()


class PlanHost(IdMixin, TimestampMixin, CollegeScopedMixin, Base):
    """A host's settings in a plan: how it ranks its applicants (and the score's weights)."""

    __tablename__ = "plan_host"
    __table_args__ = (UniqueConstraint("plan_id", "partnership_id"),)

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("placement_plan.id", ondelete="CASCADE"), index=True
    )
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="RESTRICT"))
    ranking_method: Mapped[str] = mapped_column(String(20), default="manual")
    score_weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ranked_at: Mapped[datetime | None]

    partnership: Mapped[Partnership] = relationship()


class HostRank(IdMixin, CollegeScopedMixin, Base):
    """A host's view of one applicant: its rank (equal ranks are ties, broken by the lottery),
    or excluded (not acceptable). Applicants with no row rank equal, after every ranked one."""

    __tablename__ = "host_rank"
    __table_args__ = (
        UniqueConstraint("plan_id", "partnership_id", "student_id"),
        Index("ix_host_rank_plan_host", "plan_id", "partnership_id"),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("placement_plan.id", ondelete="CASCADE"))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="RESTRICT"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    rank: Mapped[int | None] = mapped_column(Integer)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))


class AllocationRound(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """One run of the allocation for a plan: first for everyone, later for those unplaced."""

    __tablename__ = "allocation_round"
    __table_args__ = (Index("ix_allocation_round_plan", "plan_id", "number"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("placement_plan.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    objective: Mapped[str] = mapped_column(String(20), default="stable")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="preview", index=True)
    # The engine's statistics, the welfare comparison and each host's and position's capacity.
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None]
    published_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    plan: Mapped[PlacementPlan] = relationship()


class RoundAssignment(IdMixin, CollegeScopedMixin, Base):
    """A student's outcome in a round: a position (or none), and why."""

    __tablename__ = "round_assignment"
    __table_args__ = (UniqueConstraint("round_id", "student_id"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("position.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[int | None] = mapped_column(Integer)  # the rank the student gave it
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    adjusted: Mapped[bool] = mapped_column(Boolean, default=False)
    adjust_reason: Mapped[str] = mapped_column(String(500), default="")

    position: Mapped[Position | None] = relationship()
    student: Mapped[Student] = relationship()


class Placement(IdMixin, TimestampMixin, VersionMixin, CollegeScopedMixin, Base):
    """A student working at a host: created as a draft by a published round (or directly for a
    self-found placement); the placement lifecycle completes it."""

    __tablename__ = "placement"
    __table_args__ = (Index("ix_placement_enterprise_period", "enterprise_id", "start_on"),)

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="RESTRICT"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement_plan.id", ondelete="RESTRICT"), index=True
    )
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id", ondelete="RESTRICT"))
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocation_round.id", ondelete="SET NULL")
    )
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="RESTRICT"))
    # Denormalised from the partnership: the intern cap counts a host's interns of every college.
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    source: Mapped[str] = mapped_column(String(20), default="allocation")
    ended_reason: Mapped[str] = mapped_column(String(500), default="")
    # The terms (copied from the position, then the placement's own) the compliance gate reads.
    title: Mapped[str] = mapped_column(String(200), default="")
    monthly_pay: Mapped[Decimal | None] = mapped_column(Money)
    pay_cycle_days: Mapped[int | None] = mapped_column(Integer, default=30)
    paid_in_money: Mapped[bool] = mapped_column(Boolean, default=True)
    hours_per_day: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    days_per_week: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    shifts: Mapped[str] = mapped_column(String(300), default="")
    night_shift: Mapped[bool] = mapped_column(Boolean, default=False)
    holiday_work: Mapped[bool] = mapped_column(Boolean, default=False)
    fees: Mapped[list[str]] = mapped_column(JSON, default=list)  # anything charged to the student
    # The post's facts (copied from the position; entered for a self-found placement).
    venue_category: Mapped[str] = mapped_column(String(30), default="")
    via_intermediary: Mapped[bool] = mapped_column(Boolean, default=False)
    labour_intensity: Mapped[int | None] = mapped_column(Integer)
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    restrictions: Mapped[list[str]] = mapped_column(JSON, default=list)
    post_staff: Mapped[int | None] = mapped_column(Integer)
    post_wage: Mapped[Decimal | None] = mapped_column(Money)
    # Dual mentors: a teacher of the college, and the host's mentor (not an account).
    school_mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("teacher.id", ondelete="SET NULL"), index=True
    )
    enterprise_mentor_name: Mapped[str] = mapped_column(String(100), default="")
    enterprise_mentor_phone: Mapped[str] = mapped_column(String(30), default="")
    # A self-found placement waits for the office's approval (approved_at set).
    approved_at: Mapped[datetime | None]
    approved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # The gate's last result: {"ok", "violations": [...], "blocking": n, "open_warnings": n}.
    compliance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    checked_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    student: Mapped[Student] = relationship()
    plan: Mapped[PlacementPlan | None] = relationship()
    position: Mapped[Position | None] = relationship()
    partnership: Mapped[Partnership] = relationship()
    school_mentor: Mapped[Teacher | None] = relationship()
