"""Input and output shapes of positions (shared by the API and the pages)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tandem.college.schemas import Text
from tandem.partner.schemas import Version
from tandem.placement.kinds import PositionStatus
from tandem.placement.schemas_plans import CapRead
from tandem.resource.schemas_venues import two_decimals

Title = Annotated[Text, Field(min_length=1, max_length=200)]
Location = Annotated[Text, Field(max_length=300)]
Seats = Annotated[int, Field(ge=1, le=10_000)]
Pay = Annotated[Decimal, Field(ge=0, le=1_000_000), AfterValidator(two_decimals)]
Hours = Annotated[Decimal, Field(gt=0, le=24, decimal_places=1)]
Days = Annotated[Decimal, Field(gt=0, le=7, decimal_places=1)]
Shifts = Annotated[Text, Field(max_length=300)]
Level = Annotated[int, Field(ge=1, le=4)]
Restriction = Literal["minor_prohibited", "female_prohibited"]
Category = Annotated[Text, Field(max_length=30)]
Staff = Annotated[int, Field(ge=0, le=10_000_000)]
Skills = Annotated[Text, Field(max_length=500)]
Description = Annotated[Text, Field(max_length=5000)]
Ids = Annotated[list[int], Field(max_length=200)]
Reason = Annotated[Text, Field(min_length=1, max_length=500)]


class PositionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partnership_id: int = Field(description="The host: a partnership of the plan's college.")
    title: Title
    location: Location = ""
    seats: Seats
    monthly_pay: Pay | None = Field(default=None, description="CNY a month, paid to the intern.")
    hours_per_day: Hours | None = None
    days_per_week: Days | None = None
    shifts: Shifts = ""
    night_shift: bool = False
    holiday_work: bool = False
    labour_intensity: Level | None = Field(default=None, description="GB 3869 level 1–4.")
    high_risk: bool = False
    restrictions: list[Restriction] = Field(default_factory=list)
    venue_category: Category = ""
    post_staff: Staff | None = Field(default=None, description="Staff in this post at the host.")
    post_wage: Pay | None = Field(default=None, description="Their regular monthly wage (CNY).")
    major_ids: Ids = Field(default_factory=list, description="Required majors (of the college).")
    skills: Skills = ""
    description: Description = ""


class PositionUpdate(BaseModel):
    """Any subset of the fields; ``null`` clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    partnership_id: int | None = None
    title: Title | None = None
    location: Location | None = None
    seats: Seats | None = None
    monthly_pay: Pay | None = None
    hours_per_day: Hours | None = None
    days_per_week: Days | None = None
    shifts: Shifts | None = None
    night_shift: bool | None = None
    holiday_work: bool | None = None
    labour_intensity: Level | None = None
    high_risk: bool | None = None
    restrictions: list[Restriction] | None = None
    venue_category: Category | None = None
    post_staff: Staff | None = None
    post_wage: Pay | None = None
    major_ids: Ids | None = None
    skills: Skills | None = None
    description: Description | None = None
    version: Version = None


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class PositionRead(BaseModel):
    id: int
    college_id: int
    plan_id: int
    partnership_id: int
    enterprise_id: int
    enterprise_name: str
    title: str
    location: str
    seats: int
    monthly_pay: Decimal | None
    hours_per_day: Decimal | None
    days_per_week: Decimal | None
    shifts: str
    night_shift: bool
    holiday_work: bool
    labour_intensity: int | None
    high_risk: bool
    restrictions: list[str]
    venue_category: str
    post_staff: int | None
    post_wage: Decimal | None
    major_ids: list[int]
    skills: str
    description: str
    status: PositionStatus
    published_at: datetime | None
    compliance: dict[str, Any] | None = Field(
        description="The pre-check stored when published: ok, violations (rule, severity, "
        "message, source)."
    )
    capacity: CapRead | None = Field(
        description="Its seats within the share of the post's staff (published positions)."
    )
    version: int
    created_at: datetime
    updated_at: datetime
