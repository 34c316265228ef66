"""Input and output shapes of internship liability insurance policies (实习责任保险), shared by
the API and the pages.

Who pays the premium is recorded as it is, also when the student pays: the rule sets refuse to
let such a placement start (the insurance may not be charged to the student), and the form says
so. A policy's remarks are the college's own: null for enterprise contacts and students.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tandem.college.schemas import Text
from tandem.kit.i18n import N_
from tandem.partner.schemas import Version
from tandem.resource.schemas_venues import two_decimals


class Payer(StrEnum):
    """Who pays a policy's premium."""

    COLLEGE = "college"
    HOST = "host"
    GOVERNMENT = "government"
    STUDENT = "student"
    OTHER = "other"


PAYER_LABELS = {
    Payer.COLLEGE: N_("The college"),
    Payer.HOST: N_("The host enterprise"),
    Payer.GOVERNMENT: N_("Government funding"),
    Payer.STUDENT: N_("The student (not allowed: blocks the placement)"),
    Payer.OTHER: N_("Someone else"),
}

Insurer = Annotated[Text, Field(min_length=1, max_length=200)]
PolicyNumber = Annotated[Text, Field(min_length=1, max_length=60)]
Premium = Annotated[Decimal, Field(ge=0, le=100_000_000), AfterValidator(two_decimals)]
PolicyNote = Annotated[Text, Field(max_length=500)]
PlacementIds = Annotated[list[int], Field(min_length=1, max_length=5000)]


class PolicyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    college_id: int | None = Field(
        default=None,
        description="Platform administrators: the college. Others: leave it out (their own).",
    )
    insurer: Insurer = Field(description="The insurance company.")
    number: PolicyNumber = Field(description="The policy number (unique per insurer).")
    start_on: date = Field(description="First day covered.")
    end_on: date = Field(description="Last day covered (on or after the first).")
    premium: Premium | None = Field(default=None, description="The premium in CNY (≥ 0).")
    paid_by: Payer = Field(
        description="Who pays the premium. 'student' may be recorded, but the rule sets then "
        "block every placement the policy covers."
    )
    note: PolicyNote = ""


class PolicyUpdate(BaseModel):
    """Any subset of the fields; ``null`` clears the premium."""

    model_config = ConfigDict(extra="forbid")

    insurer: Insurer | None = None
    number: PolicyNumber | None = None
    start_on: date | None = None
    end_on: date | None = None
    premium: Premium | None = None
    paid_by: Payer | None = None
    note: PolicyNote | None = None
    version: Version = None


class LinkRequest(BaseModel):
    """Either the placements to (un)link, or a plan: all of its placements at once."""

    model_config = ConfigDict(extra="forbid")

    placement_ids: PlacementIds | None = None
    plan_id: int | None = None


class PolicyRead(BaseModel):
    id: int
    college_id: int
    insurer: str
    number: str
    start_on: date
    end_on: date
    premium: Decimal | None
    paid_by: Payer
    note: str | None = Field(description="The college's remarks: null for contacts and students.")
    placement_count: int = Field(description="Linked placements the reader may see.")
    version: int
    created_at: datetime
    updated_at: datetime


class PlacementBrief(BaseModel):
    """A placement as a policy lists it."""

    id: int
    student_id: int
    student_number: str
    student_name: str
    enterprise_id: int
    enterprise_name: str
    plan_id: int | None
    start_on: date
    end_on: date
    status: str


class PolicyDetail(PolicyRead):
    placements: list[PlacementBrief]


class LinkResult(BaseModel):
    linked: list[int] = Field(description="Placements linked (or unlinked) now.")
    unchanged: list[int] = Field(description="Placements that already were (or were not) linked.")
    skipped: list[int] = Field(
        description="A plan's placements left out: their period does not overlap the policy's."
    )
    policy: PolicyRead


class SpanRead(BaseModel):
    start: date
    end: date
    days: int


class PlacementCoverRead(BaseModel):
    """A placement's insurance: the linked policies and the days they leave uncovered."""

    placement_id: int
    start_on: date
    end_on: date
    complete: bool
    first_uncovered: date | None
    covered: list[SpanRead]
    gaps: list[SpanRead]
    policies: list[PolicyRead]
