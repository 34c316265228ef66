"""API shapes of the utilisation report: hours with two decimals, rates in percent (null when
there are no available hours), split by purpose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tandem.kit.i18n import N_, gettext
from tandem.kit.pagination import PageMeta
from tandem.resource.core.utilisation import (
    PURPOSES,
    Bucketing,
    Grouping,
    GroupReport,
    Measures,
    ResourceReport,
    SeriesPoint,
    ValuationLine,
)
from tandem.resource.kinds import PURPOSE_LABELS, Ownership, Purpose, ResourceKind


def purpose_label(purpose: str) -> str:
    try:
        return gettext(PURPOSE_LABELS[Purpose(purpose)])
    except ValueError:
        return purpose


class PurposeHours(BaseModel):
    purpose: str
    label: str
    booked_hours: Decimal
    used_hours: Decimal
    used_rate_pct: Decimal | None  # the part of the utilisation rate this purpose makes up


class MeasuresRead(BaseModel):
    available_hours: Decimal
    booked_hours: Decimal
    used_hours: Decimal
    pending_hours: Decimal  # booked, use not yet confirmed
    no_show_hours: Decimal
    bookings: int
    no_shows: int
    booked_rate_pct: Decimal | None
    utilisation_rate_pct: Decimal | None
    by_purpose: list[PurposeHours]


class GroupRead(BaseModel):
    group: str  # college | department | base | venue | resource
    id: int | None  # null: the resources outside every group of this kind
    kind: str | None  # group "resource": venue | equipment
    label: str
    resources: int
    measures: MeasuresRead


class PointRead(BaseModel):
    start: date
    end: date
    measures: MeasuresRead


class ResourceRateRead(BaseModel):
    kind: str
    id: int
    label: str
    ownership: str
    available_hours: Decimal
    booked_hours: Decimal
    used_hours: Decimal
    utilisation_rate_pct: Decimal | None


class ValuationLineRead(BaseModel):
    equipment_id: int
    label: str
    owner: str
    ownership: str
    enterprise_share_pct: Decimal
    teaching_hours: Decimal
    hour_value_cny: Decimal
    value_cny: Decimal


class ValuationRead(BaseModel):
    default_hour_value_cny: Decimal
    total_cny: Decimal
    lines: list[ValuationLineRead]


class UtilisationRead(BaseModel):
    college_id: int
    first: date
    last: date
    group: str
    bucket: str | None
    threshold_pct: Decimal
    total: MeasuresRead
    groups: list[GroupRead]
    series: list[PointRead]  # empty without ``bucket``
    underused: int  # how many resources are under the threshold (see /utilisation/underused)
    valuation: ValuationRead


class UnderusedList(BaseModel):
    college_id: int
    first: date
    last: date
    threshold_pct: Decimal
    items: list[ResourceRateRead]  # least used first
    meta: PageMeta


# --- from the core -------------------------------------------------------------------------------


def measures_read(measures: Measures) -> MeasuresRead:
    return MeasuresRead(
        available_hours=measures.available_hours,
        booked_hours=measures.booked_hours,
        used_hours=measures.used_hours,
        pending_hours=measures.pending_hours,
        no_show_hours=measures.no_show_hours,
        bookings=measures.bookings,
        no_shows=measures.no_shows,
        booked_rate_pct=measures.booked_rate,
        utilisation_rate_pct=measures.utilisation_rate,
        by_purpose=[
            PurposeHours(
                purpose=purpose,
                label=purpose_label(purpose),
                booked_hours=measures.booked_hours_of(purpose),
                used_hours=measures.used_hours_of(purpose),
                used_rate_pct=measures.used_rate_of(purpose),
            )
            for purpose in PURPOSES
        ],
    )


def group_read(group: GroupReport, label: str) -> GroupRead:
    return GroupRead(
        group=group.grouping,
        id=group.id,
        kind=group.kind,
        label=label,
        resources=group.resources,
        measures=measures_read(group.measures),
    )


def point_read(point: SeriesPoint) -> PointRead:
    return PointRead(start=point.start, end=point.end, measures=measures_read(point.measures))


def resource_rate_read(item: ResourceReport) -> ResourceRateRead:
    return ResourceRateRead(
        kind=item.resource.kind,
        id=item.resource.id,
        label=item.resource.label,
        ownership=item.resource.ownership,
        available_hours=item.measures.available_hours,
        booked_hours=item.measures.booked_hours,
        used_hours=item.measures.used_hours,
        utilisation_rate_pct=item.measures.utilisation_rate,
    )


def valuation_line_read(line: ValuationLine) -> ValuationLineRead:
    return ValuationLineRead(
        equipment_id=line.resource.id,
        label=line.resource.label,
        owner=line.resource.owner,
        ownership=line.resource.ownership,
        enterprise_share_pct=line.enterprise_share_pct,
        teaching_hours=line.teaching_hours,
        hour_value_cny=line.hour_value_cny,
        value_cny=line.value_cny,
    )


# --- the query -----------------------------------------------------------------------------------

NO_GROUP_LABELS = {
    "department": N_("No department"),
    "base": N_("Not at a training base"),
    "venue": N_("Not placed in a venue"),
}


def group_label(group: GroupReport) -> str:
    """A group's name; the resources outside every group of its kind get a name of their own."""
    if group.id is None and group.grouping in NO_GROUP_LABELS:
        return gettext(NO_GROUP_LABELS[group.grouping])
    return group.label


class UtilisationQuery(BaseModel):
    """The report's parameters, as the API and the page take them (``from`` and ``to``
    default to the current term so far, or the last 90 days)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    first: date | None = Field(default=None, alias="from", description="First day (inclusive).")
    last: date | None = Field(default=None, alias="to", description="Last day (inclusive).")
    group: Grouping = Field(default="college", description="How to group the resources.")
    department_id: int | None = Field(default=None, ge=1)
    base_id: int | None = Field(default=None, ge=1)
    venue_id: int | None = Field(default=None, ge=1, description="A venue and its equipment.")
    equipment_id: int | None = Field(default=None, ge=1)
    kind: ResourceKind | None = Field(default=None, description="Only venues or only equipment.")
    ownership: Ownership | None = None
    bucket: Bucketing | None = Field(default=None, description="A time series by week or month.")
    college_id: int | None = Field(
        default=None, ge=1, description="The college (platform administrators must give it)."
    )
