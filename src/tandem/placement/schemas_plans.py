"""Input and output shapes of placement plans (shared by the API and the pages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tandem.college.schemas import Text
from tandem.partner.schemas import Version
from tandem.placement.kinds import Phase, PlanKind

PlanName = Annotated[Text, Field(min_length=1, max_length=200)]
PlanNote = Annotated[Text, Field(max_length=2000)]
MaxPreferences = Annotated[int, Field(ge=1, le=20)]
YearOfStudy = Annotated[int, Field(ge=1, le=6)]
MinAge = Annotated[int, Field(ge=14, le=30)]
RulesetName = Annotated[Text, Field(min_length=1, max_length=40)]
Ids = Annotated[list[int], Field(max_length=500)]

# The six calendar dates, in the order they must fall.
CALENDAR = (
    "positions_open_on",
    "ranking_opens_on",
    "ranking_closes_on",
    "host_ranking_closes_on",
    "allocation_on",
    "results_on",
)


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    college_id: int | None = Field(
        default=None, description="Platform administrators: the college. Others: leave it out."
    )
    name: PlanName
    kind: PlanKind
    department_id: int | None = Field(
        default=None, description="The department running it (coordinators: their own)."
    )
    ruleset: RulesetName = "cn-2021"
    term_start: date
    term_end: date
    max_preferences: MaxPreferences = 5
    min_year_of_study: YearOfStudy | None = None
    min_age: MinAge | None = None
    positions_open_on: date | None = None
    ranking_opens_on: date | None = None
    ranking_closes_on: date | None = None
    host_ranking_closes_on: date | None = None
    allocation_on: date | None = None
    results_on: date | None = None
    note: PlanNote = ""
    major_ids: Ids = Field(default_factory=list, description="Majors taking part (all classes).")
    class_ids: Ids = Field(default_factory=list, description="Classes taking part.")


class PlanUpdate(BaseModel):
    """Any subset of the fields; ``null`` clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    name: PlanName | None = None
    kind: PlanKind | None = None
    department_id: int | None = None
    ruleset: RulesetName | None = None
    term_start: date | None = None
    term_end: date | None = None
    max_preferences: MaxPreferences | None = None
    min_year_of_study: YearOfStudy | None = None
    min_age: MinAge | None = None
    positions_open_on: date | None = None
    ranking_opens_on: date | None = None
    ranking_closes_on: date | None = None
    host_ranking_closes_on: date | None = None
    allocation_on: date | None = None
    results_on: date | None = None
    note: PlanNote | None = None
    major_ids: Ids | None = None
    class_ids: Ids | None = None
    version: Version = None


class PhaseMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: Phase = Field(
        description="The next phase; or student_ranking from results to open a second round."
    )


class PlanRead(BaseModel):
    id: int
    college_id: int
    name: str
    kind: PlanKind
    department_id: int | None
    department_name: str | None
    ruleset: str
    term_start: date
    term_end: date
    max_preferences: int
    min_year_of_study: int | None
    min_age: int | None
    positions_open_on: date | None
    ranking_opens_on: date | None
    ranking_closes_on: date | None
    host_ranking_closes_on: date | None
    allocation_on: date | None
    results_on: date | None
    phase: Phase
    note: str | None = Field(description="The college's remarks: staff only (null for others).")
    major_ids: list[int]
    class_ids: list[int]
    version: int
    created_at: datetime
    updated_at: datetime


class CalendarStep(BaseModel):
    phase: Phase
    on: date | None
    current: bool
    done: bool


class PlanSummary(BaseModel):
    plan_id: int
    phase: Phase
    eligible_students: int | None = Field(description="Staff only (null for others).")
    positions_published: int
    seats: int
    capacity: int = Field(description="The hosts' capacities added up (seats within the caps).")
    preferences: int | None = Field(description="Staff only (null for others).")
    students_ranked: int | None = Field(description="Staff only (null for others).")
    calendar: list[CalendarStep]


class CapRead(BaseModel):
    capacity: int
    binding: str
    seats: int
    rule_limit: int | None
    staff: int | None
    cap_pct: str | None
    others: int
    explanation: str = Field(description="Which limit binds, in words.")


class HostCapRead(CapRead):
    partnership_id: int
    enterprise_name: str


class PositionCapRead(CapRead):
    position_id: int
    partnership_id: int
    title: str


class PlanCapacity(BaseModel):
    host_cap_pct: str | None
    post_cap_pct: str | None
    hosts: list[HostCapRead]
    positions: list[PositionCapRead]


class EligibleStudent(BaseModel):
    id: int
    student_number: str
    name: str
    class_id: int
    class_name: str
    gender: str
    birth_date: date
