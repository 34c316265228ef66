"""Input and output shapes of placements (shared by the API and the pages)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tandem.college.schemas import Text
from tandem.partner.schemas import Version
from tandem.placement.kinds import PlacementSource, PlacementStatus, PlanKind
from tandem.placement.schemas_positions import (
    Category,
    Days,
    Hours,
    Level,
    Pay,
    Reason,
    Restriction,
    Shifts,
    Staff,
    Title,
)

PayCycle = Annotated[int, Field(ge=1, le=366)]
Fee = Annotated[Text, Field(min_length=1, max_length=100)]
Fees = Annotated[list[Fee], Field(max_length=20)]
MentorName = Annotated[Text, Field(max_length=100)]
Phone = Annotated[Text, Field(max_length=30)]
Note = Annotated[Text, Field(max_length=5000)]
RuleId = Annotated[Text, Field(min_length=1, max_length=80)]

# The terms the placement's owner may enter or change (copied from the position at allocation).
TERM_FIELDS = (
    "title",
    "start_on",
    "end_on",
    "monthly_pay",
    "pay_cycle_days",
    "paid_in_money",
    "hours_per_day",
    "days_per_week",
    "shifts",
    "night_shift",
    "holiday_work",
    "fees",
    "venue_category",
    "via_intermediary",
    "labour_intensity",
    "high_risk",
    "restrictions",
    "post_staff",
    "post_wage",
)
MENTOR_FIELDS = ("school_mentor_id", "enterprise_mentor_name", "enterprise_mentor_phone")


class PlacementTerms(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    start_on: date
    end_on: date
    monthly_pay: Pay | None = Field(default=None, description="CNY a month, paid to the intern.")
    pay_cycle_days: PayCycle | None = Field(default=30, description="Days between two payments.")
    paid_in_money: bool = True
    hours_per_day: Hours | None = None
    days_per_week: Days | None = None
    shifts: Shifts = ""
    night_shift: bool = False
    holiday_work: bool = False
    fees: Fees = Field(default_factory=list, description="Anything charged to the student.")
    venue_category: Category = ""
    via_intermediary: bool = Field(
        default=False, description="Found or arranged through an intermediary or paid agent."
    )
    labour_intensity: Level | None = Field(default=None, description="GB 3869 level 1–4.")
    high_risk: bool = False
    restrictions: list[Restriction] = Field(default_factory=list)
    post_staff: Staff | None = Field(default=None, description="Staff in this post at the host.")
    post_wage: Pay | None = Field(default=None, description="Their regular monthly wage (CNY).")


class PlacementCreate(PlacementTerms):
    """A self-found placement: the office for any student of the college, or a student for
    themself (``student_id`` left out)."""

    student_id: int | None = Field(default=None, description="The office chooses; a student: own.")
    partnership_id: int = Field(description="The host: a partnership of the college, not ended.")
    plan_id: int | None = Field(default=None, description="A plan of the college, if any.")
    kind: PlanKind = Field(default=PlanKind.POST, description="Without a plan: the kind.")
    school_mentor_id: int | None = None
    enterprise_mentor_name: MentorName = ""
    enterprise_mentor_phone: Phone = ""
    note: Note = ""


class PlacementUpdate(BaseModel):
    """Any subset; ``null`` clears an optional one. The terms only while draft or ready; the
    mentors and the note also while active."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    start_on: date | None = None
    end_on: date | None = None
    monthly_pay: Pay | None = None
    pay_cycle_days: PayCycle | None = None
    paid_in_money: bool | None = None
    hours_per_day: Hours | None = None
    days_per_week: Days | None = None
    shifts: Shifts | None = None
    night_shift: bool | None = None
    holiday_work: bool | None = None
    fees: Fees | None = None
    venue_category: Category | None = None
    via_intermediary: bool | None = None
    labour_intensity: Level | None = None
    high_risk: bool | None = None
    restrictions: list[Restriction] | None = None
    post_staff: Staff | None = None
    post_wage: Pay | None = None
    school_mentor_id: int | None = None
    enterprise_mentor_name: MentorName | None = None
    enterprise_mentor_phone: Phone | None = None
    note: Note | None = None
    version: Version = None


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class Transition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Literal["ready", "active", "completed", "ended_early"]
    reason: Annotated[Text, Field(max_length=500)] = ""


class OverrideCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_id: RuleId
    reason: Annotated[Text, Field(max_length=500)] = ""


class OverrideRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_id: RuleId


class GateItemRead(BaseModel):
    rule: str
    severity: Literal["block", "warn"]
    missing: bool = Field(description="A fact the rule needs is not recorded.")
    message: str
    source: str
    overridden: bool
    override: dict[str, Any] | None


class ComplianceRead(BaseModel):
    checked_at: datetime | None
    ruleset: str | None
    passes: bool | None = Field(description="No blocking item and every warning overridden.")
    blocking: list[GateItemRead]
    warnings: list[GateItemRead]


class ComplianceDetail(BaseModel):
    result: ComplianceRead
    facts: dict[str, Any] | None = Field(
        description="The fact document the rules read (the college's staff only)."
    )


class PlacementRead(BaseModel):
    id: int
    college_id: int
    student_id: int
    student_name: str
    student_number: str
    plan_id: int | None
    position_id: int | None
    round_id: int | None
    partnership_id: int
    enterprise_id: int
    enterprise_name: str
    kind: str
    source: PlacementSource
    status: PlacementStatus
    start_on: date
    end_on: date
    title: str
    monthly_pay: Decimal | None
    pay_cycle_days: int | None
    paid_in_money: bool
    hours_per_day: Decimal | None
    days_per_week: Decimal | None
    shifts: str
    night_shift: bool
    holiday_work: bool
    fees: list[str]
    venue_category: str
    via_intermediary: bool
    labour_intensity: int | None
    high_risk: bool
    restrictions: list[str]
    post_staff: int | None
    post_wage: Decimal | None
    school_mentor_id: int | None
    school_mentor_name: str | None
    enterprise_mentor_name: str
    enterprise_mentor_phone: str
    approved_at: datetime | None
    pending_approval: bool
    started_on: date | None
    ended_on: date | None
    ended_reason: str
    compliance: ComplianceRead | None
    note: str | None = Field(description="The college's remarks (its staff only).")
    version: int
    created_at: datetime
    updated_at: datetime
