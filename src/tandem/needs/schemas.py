"""The shapes of a needs profile and of the college's offer (shared by the API, the pages, the
demo and the advisor, which reads them as plain data).

The five needs of DOMAIN.md each have an importance from 0 (none) to 3 (essential) and their own
specifics; ``assets`` says what the enterprise itself can bring, which several modes depend on.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tandem.college.schemas import Text
from tandem.kit.i18n import N_
from tandem.partner.schemas import Version
from tandem.resource.kinds import VENUE_LABELS as VENUE_LABELS
from tandem.resource.kinds import VenueKind as VenueKind

_SEPARATORS = re.compile(r"[,;，；、\n]")

Importance = Annotated[
    int, Field(ge=0, le=3, description="0 none, 1 some, 2 important, 3 essential")
]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Percent = Annotated[int, Field(ge=0, le=100)]
Short = Annotated[Text, Field(max_length=200)]
Long = Annotated[Text, Field(max_length=2000)]


def _items(value: object) -> object:
    """A list typed in one box: separated by commas (also Chinese ones), semicolons or lines."""
    if isinstance(value, str):
        return [part.strip() for part in _SEPARATORS.split(value) if part.strip()]
    return value


Items = Annotated[
    list[Annotated[Text, Field(min_length=1, max_length=200)]],
    BeforeValidator(_items),
    Field(max_length=30),
]


class NeedKind(StrEnum):
    TALENT = "talent"
    STAFF_TRAINING = "staff_training"
    RND = "rnd"
    COST = "cost"
    MARKET = "market"


NEED_LABELS = {
    NeedKind.TALENT: N_("Talent"),
    NeedKind.STAFF_TRAINING: N_("Staff training"),
    NeedKind.RND: N_("R&D"),
    NeedKind.COST: N_("Lower cost"),
    NeedKind.MARKET: N_("Market"),
}
IMPORTANCE_LABELS = {0: N_("None"), 1: N_("Some"), 2: N_("Important"), 3: N_("Essential")}


class _Need(BaseModel):
    model_config = ConfigDict(extra="forbid")

    importance: Importance = 0


class TalentNeed(_Need):
    """Priority access to suitable graduates (order classes, placements, apprenticeships)."""

    majors: Items = Field(default_factory=list)
    headcount: Count = 0
    when: Short = ""  # e.g. "2027-07" or "every July"


class StaffTrainingNeed(_Need):
    topics: Items = Field(default_factory=list)
    trainees_per_year: Count = 0


class RndNeed(_Need):
    problems: Items = Field(default_factory=list)


class CostNeed(_Need):
    outsourceable_work: Long = ""  # production work the college could take on
    lacking_resources: Items = Field(default_factory=list)  # venues, equipment, people


class MarketNeed(_Need):
    products: Items = Field(default_factory=list)  # products or equipment to promote


class EnterpriseAssets(BaseModel):
    """What the enterprise can bring (blank: nothing)."""

    model_config = ConfigDict(extra="forbid")

    equipment_to_place: Long = ""  # equipment it could place or share at the college
    production_to_move: Long = ""  # production it could run on campus
    training_institution: Short = ""  # its own training centre / academy
    certified_programme: Short = ""  # a training programme with its own certificate
    trainers: Count = 0  # trainers or technicians it can send


class NeedsData(BaseModel):
    """A whole needs profile."""

    model_config = ConfigDict(extra="forbid")

    talent: TalentNeed = Field(default_factory=TalentNeed)
    staff_training: StaffTrainingNeed = Field(default_factory=StaffTrainingNeed)
    rnd: RndNeed = Field(default_factory=RndNeed)
    cost: CostNeed = Field(default_factory=CostNeed)
    market: MarketNeed = Field(default_factory=MarketNeed)
    assets: EnterpriseAssets = Field(default_factory=EnterpriseAssets)
    note: Long = ""


class NeedsCreate(BaseModel):
    """A new version of the profile (the whole profile, as it stands now)."""

    model_config = ConfigDict(extra="forbid")

    needs: NeedsData
    recorded_on: date | None = Field(default=None, description="Defaults to today.")


class NeedsRead(BaseModel):
    id: int
    partnership_id: int
    number: int
    recorded_on: date
    recorded_at: datetime
    recorded_by: str
    source: str
    needs: NeedsData


# --- the college's offer -------------------------------------------------------------------------


class OfferVenue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(min_length=1, max_length=200)]
    kind: VenueKind
    area_m2: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    workstations: Count = 0
    idle_pct: Percent = 0  # share of the teaching week it stands idle


class OfferEquipment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(min_length=1, max_length=200)]
    category: Short = ""
    quantity: Annotated[int, Field(ge=1, le=100_000)] = 1
    idle_pct: Percent = 0


class OfferExpertise(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Annotated[Text, Field(min_length=1, max_length=100)]
    teachers: Count = 0


class OfferCapacity(BaseModel):
    """Students the college can send, by major and term (e.g. "2026-2027-2")."""

    model_config = ConfigDict(extra="forbid")

    major: Annotated[Text, Field(min_length=1, max_length=200)]
    term: Annotated[Text, Field(max_length=30)] = ""
    students: Count = 0


class OfferData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    venues: list[OfferVenue] = Field(default_factory=list, max_length=200)
    equipment: list[OfferEquipment] = Field(default_factory=list, max_length=500)
    expertise: list[OfferExpertise] = Field(default_factory=list, max_length=200)
    capacity: list[OfferCapacity] = Field(default_factory=list, max_length=500)
    takes_production: bool = False  # can run outsourced production with students and teachers
    note: Long = ""


class OfferUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer: OfferData
    version: Version = None


class OfferRead(BaseModel):
    college_id: int
    offer: OfferData
    version: int
    updated_at: datetime | None
    updated_by: str


def empty_needs() -> dict[str, Any]:
    return NeedsData().model_dump(mode="json")
