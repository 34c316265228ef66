"""Input and output shapes for training bases (shared by the API and the pages).

The fields are those education authorities ask about for each base (DOMAIN.md): host and its
on-post staff, founding date, majors served, projects, lodging, intern subsidy and the
college's funding per student.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from tandem.college.schemas import Text
from tandem.kit.dates import local_today
from tandem.kit.i18n import N_
from tandem.kit.validation import invalid
from tandem.partner.schemas import Version
from tandem.resource.kinds import BaseKind, BaseStatus
from tandem.resource.schemas_venues import (
    Code,
    RegisterNote,
    ResourceName,
    Workstations,
    two_decimals,
)

_SEPARATORS = re.compile(r"[,;，；、\s]+")


def _not_future(value: date | None) -> date | None:
    if value is not None and value > local_today():
        raise invalid(
            "date_in_future",
            N_("The founding date cannot be in the future: enter the day the base was set up."),
        )
    return value


def _ids(value: object) -> object:
    """Major ids as a list, or as text such as "3, 5" (a form or an import cell)."""
    if isinstance(value, str):
        return [part for part in _SEPARATORS.split(value) if part]
    return value


def _unique(values: list[int]) -> list[int]:
    return list(dict.fromkeys(values))


Money = Annotated[Decimal, Field(ge=0, le=Decimal(10_000_000)), AfterValidator(two_decimals)]
Staff = Annotated[int, Field(ge=0, le=10_000_000)]
FoundedOn = Annotated[date, AfterValidator(_not_future)]
MajorIds = Annotated[
    list[int], BeforeValidator(_ids), Field(max_length=100), AfterValidator(_unique)
]
Address = Annotated[Text, Field(max_length=300)]
Projects = Annotated[Text, Field(max_length=1000)]


class BaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    college_id: int | None = Field(
        default=None,
        description="Platform administrators: the college. Others: leave it out (their own).",
    )
    code: Code
    name: ResourceName
    kind: BaseKind
    partnership_id: int | None = Field(
        default=None,
        description="The host enterprise's partnership: required off campus; on campus, the "
        "enterprise producing there (optional).",
    )
    agreement_id: int | None = Field(
        default=None, description="The agreement the base rests on (of the same partnership)."
    )
    department_id: int | None = None
    address: Address = ""
    founded_on: FoundedOn | None = None
    workstations: Workstations = 0
    host_staff_on_post: Staff = Field(
        default=0, description="The host's on-post staff (企业在岗职工数)."
    )
    projects: Projects = ""
    lodging: bool = False
    intern_subsidy_cny: Money | None = Field(
        default=None, description="Subsidy per intern per month (CNY)."
    )
    college_funding_per_student_cny: Money | None = None
    major_ids: MajorIds = Field(default_factory=list, description="Majors the base serves.")
    status: BaseStatus = BaseStatus.ACTIVE
    note: RegisterNote = ""


class BaseUpdate(BaseModel):
    """Any subset of the fields; ``null`` clears an optional one, ``major_ids`` replaces them."""

    model_config = ConfigDict(extra="forbid")

    code: Code | None = None
    name: ResourceName | None = None
    kind: BaseKind | None = None
    partnership_id: int | None = None
    agreement_id: int | None = None
    department_id: int | None = None
    address: Address | None = None
    founded_on: FoundedOn | None = None
    workstations: Workstations | None = None
    host_staff_on_post: Staff | None = None
    projects: Projects | None = None
    lodging: bool | None = None
    intern_subsidy_cny: Money | None = None
    college_funding_per_student_cny: Money | None = None
    major_ids: MajorIds | None = None
    status: BaseStatus | None = None
    note: RegisterNote | None = None
    version: Version = None


class MajorRef(BaseModel):
    id: int
    code: str
    name: str


class BaseRead(BaseModel):
    id: int
    college_id: int
    code: str
    name: str
    kind: BaseKind
    partnership_id: int | None
    enterprise_id: int | None
    enterprise_name: str | None = Field(description="The host (or the enterprise on campus).")
    agreement_id: int | None = Field(
        description="The agreement the base rests on: null when the reader could not open it."
    )
    agreement_title: str | None
    department_id: int | None
    department_name: str | None
    address: str
    founded_on: date | None
    workstations: int
    host_staff_on_post: int
    projects: str
    lodging: bool
    intern_subsidy_cny: Decimal | None
    college_funding_per_student_cny: Decimal | None = Field(
        description="The college's own figure: null for enterprise contacts."
    )
    majors: list[MajorRef]
    status: BaseStatus
    note: str | None = Field(
        description="The college's internal remarks: null for enterprise contacts."
    )
    venue_count: int
    equipment_value_cny: Decimal = Field(
        description="Value of the equipment (not retired) in the base's venues."
    )
    version: int
    created_at: datetime
    updated_at: datetime
