"""Input and output shapes for venues (shared by the API and the pages), and what of a register
entry (venue, training base, equipment line) a reader is shown.

A venue's code is unique within its college; it is trimmed, full-width characters are made
half-width and letters upper-cased, so "b2-101 " and "Ｂ２-101" are the same room.

The college's internal remarks (``note``) and a base's funding per student are the college's own:
never shown to an enterprise contact. A linked agreement is named only to a reader who could open
it (a contact: their enterprise's, once the college has approved it).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from tandem.college.schemas import Text, tidy
from tandem.kit.i18n import N_
from tandem.kit.validation import invalid
from tandem.partner.schemas import Version
from tandem.resource.kinds import Ownership, VenueKind, VenueStatus

_CODE = re.compile(r"^\w[\w./-]*$")
MAX_AREA = Decimal(1_000_000)


def resource_code(value: str) -> str:
    """A register code: letters (also Chinese), digits, '.', '/', '-' or '_', no spaces."""
    value = value.upper()
    if not _CODE.match(value):
        raise invalid(
            "invalid_code",
            N_(
                "Use letters, digits, '.', '/', '-' or '_' without spaces, starting with a "
                "letter or digit (e.g. B2-101)."
            ),
        )
    return value


def two_decimals(value: Decimal | None) -> Decimal | None:
    """At most two decimal places, kept as stored (50 becomes 50.00), with a message people
    understand."""
    if value is None:
        return None
    cents = value.quantize(Decimal("0.01"))
    if value != cents:
        raise invalid("too_many_decimals", N_("Enter at most 2 decimal places."))
    return cents


Code = Annotated[
    str, BeforeValidator(tidy), Field(min_length=1, max_length=30), AfterValidator(resource_code)
]
ResourceName = Annotated[Text, Field(min_length=1, max_length=200)]
Building = Annotated[Text, Field(max_length=100)]
RegisterNote = Annotated[Text, Field(max_length=1000)]
Area = Annotated[Decimal, Field(gt=0, le=MAX_AREA), AfterValidator(two_decimals)]
Workstations = Annotated[int, Field(ge=0, le=100_000)]


class VenueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    college_id: int | None = Field(
        default=None,
        description="Platform administrators: the college. Others: leave it out (their own).",
    )
    code: Code
    name: ResourceName
    building: Building = ""
    kind: VenueKind
    area_m2: Area | None = Field(default=None, description="Floor area in m² (2 decimals).")
    workstations: Workstations = Field(default=0, description="Workstations (工位).")
    ownership: Ownership = Ownership.COLLEGE
    partnership_id: int | None = Field(
        default=None,
        description="The owning (or co-owning) enterprise's partnership: required unless "
        "the college owns the venue alone.",
    )
    department_id: int | None = None
    base_id: int | None = Field(default=None, description="The training base it belongs to.")
    status: VenueStatus = VenueStatus.ACTIVE
    note: RegisterNote = ""


class VenueUpdate(BaseModel):
    """Any subset of the fields; ``null`` clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    code: Code | None = None
    name: ResourceName | None = None
    building: Building | None = None
    kind: VenueKind | None = None
    area_m2: Area | None = None
    workstations: Workstations | None = None
    ownership: Ownership | None = None
    partnership_id: int | None = None
    department_id: int | None = None
    base_id: int | None = None
    status: VenueStatus | None = None
    note: RegisterNote | None = None
    version: Version = None


class VenueRead(BaseModel):
    id: int
    college_id: int
    code: str
    name: str
    building: str
    kind: VenueKind
    area_m2: Decimal | None
    workstations: int
    ownership: Ownership
    partnership_id: int | None
    enterprise_id: int | None
    enterprise_name: str | None
    department_id: int | None
    department_name: str | None
    base_id: int | None
    base_name: str | None
    status: VenueStatus
    note: str | None = Field(
        description="The college's internal remarks: null for enterprise contacts."
    )
    equipment_count: int = Field(description="Equipment lines placed in the venue.")
    version: int
    created_at: datetime
    updated_at: datetime


# --- what a reader is shown ----------------------------------------------------------------------
