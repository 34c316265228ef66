"""The shapes of bookings (one-off and weekly series), their usage, resource calendars and free
slots (shared by the API, the pages, the demo and the utilisation module).

Times are the college's wall clock: ``day`` plus ``start``/``end`` as "HH:MM" ("24:00" ends a
booking at midnight); answers also carry ``starts_at``/``ends_at`` as ISO 8601 with the offset.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from tandem.college.schemas import Text
from tandem.kit.i18n import N_
from tandem.kit.pagination import PageMeta
from tandem.kit.validation import invalid
from tandem.partner.schemas import Version
from tandem.resource.core.calendar import format_hhmm, parse_hhmm
from tandem.resource.kinds import BookingStatus, Purpose, ResourceKind, UsageStatus

MAX_SERIES_DAYS = 366
MAX_UNITS = 100_000


def _time(value: str) -> str:
    minutes = parse_hhmm(value)
    if minutes is None:
        raise invalid("invalid_time", N_("Enter times as HH:MM, for example 08:00 or 21:30."))
    return format_hhmm(minutes)


HHMM = Annotated[str, AfterValidator(_time), Field(description='"HH:MM", local wall clock')]
Title = Annotated[Text, Field(min_length=1, max_length=200)]
Reason = Annotated[Text, Field(max_length=300)]
Id = Annotated[int, Field(ge=1)]


def minutes_of(hhmm: str) -> int:
    """A validated "HH:MM" as minutes after midnight."""
    value = parse_hhmm(hhmm)
    if value is None:  # pragma: no cover - validated by the schema
        raise ValueError(hhmm)
    return value


class BookingBase(BaseModel):
    """What one-off bookings and series share: the resource, purpose, times and links."""

    model_config = ConfigDict(extra="forbid")

    venue_id: Id | None = None
    equipment_id: Id | None = Field(default=None, validate_default=True)
    purpose: Purpose
    title: Title
    start: HHMM
    end: HHMM
    units: int = Field(default=1, ge=1, le=MAX_UNITS, description="Equipment items (venues: 1)")
    agreement_id: Id | None = None
    partnership_id: Id | None = None
    outside_hours_reason: Reason = Field(
        default="", description="Needed when the time lies outside the working calendar."
    )

    @field_validator("equipment_id")
    @classmethod
    def _one_resource(cls, equipment_id: int | None, info: ValidationInfo) -> int | None:
        if "venue_id" not in info.data:  # the venue's own error is reported
            return equipment_id
        if (info.data["venue_id"] is None) == (equipment_id is None):
            raise invalid("one_resource", N_("Choose either a venue or an equipment line to book."))
        return equipment_id

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is not None and minutes_of(end) <= minutes_of(start):
            raise invalid("times_out_of_order", N_("The end time must come after the start time."))
        return end

    @property
    def start_min(self) -> int:
        return minutes_of(self.start)

    @property
    def end_min(self) -> int:
        return minutes_of(self.end)


class BookingCreate(BookingBase):
    """A one-off booking of a venue or an equipment line on one day."""

    day: date


class SeriesCreate(BookingBase):
    """A weekly booking on chosen weekdays over a term (``term_id``) or from ``first_day`` to
    ``last_day`` (at most a year). Days in ``skipped_days`` are not booked; holidays and days
    outside every term are left out and reported (unless ``skip_non_working_days`` is off)."""

    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        min_length=1, max_length=7, description="ISO weekdays: 1 Monday … 7 Sunday"
    )
    term_id: Id | None = None
    first_day: date | None = None
    last_day: date | None = Field(default=None, validate_default=True)
    skipped_days: list[date] = Field(default_factory=list, max_length=366)
    skip_non_working_days: bool = True

    @field_validator("weekdays")
    @classmethod
    def _unique(cls, weekdays: list[int]) -> list[int]:
        return sorted(set(weekdays))

    @field_validator("last_day")
    @classmethod
    def _dates(cls, last_day: date | None, info: ValidationInfo) -> date | None:
        if "first_day" not in info.data or "term_id" not in info.data:
            return last_day  # their own errors are reported
        first_day = info.data["first_day"]
        if info.data["term_id"] is None and (first_day is None or last_day is None):
            raise invalid(
                "dates_required",
                N_("Choose a term, or give the first and the last day of the series."),
            )
        if first_day is not None and last_day is not None:
            if last_day < first_day:
                raise invalid(
                    "dates_out_of_order",
                    N_("The last day of the series cannot come before its first day."),
                )
            if (last_day - first_day).days >= MAX_SERIES_DAYS:
                raise invalid(
                    "series_too_long",
                    N_("A series lasts at most a year; book the next year separately."),
                )
        return last_day


class BookingCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Text, Field(min_length=1, max_length=300)]
    version: Version = None


class UsageUpdate(BaseModel):
    """Confirm how a booking was used (or correct an earlier confirmation)."""

    model_config = ConfigDict(extra="forbid")

    usage: Literal[UsageStatus.USED, UsageStatus.NO_SHOW]
    used_minutes: int | None = Field(
        default=None,
        ge=1,
        le=1440,
        description="Actual minutes, at most those booked (default: as booked).",
    )
    output_quantity: int | None = Field(
        default=None, ge=0, le=100_000_000, description="Production output (pieces)."
    )
    output_note: Reason = ""
    version: Version = None


class SeriesSkip(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date
    reason: Reason = ""


class SeriesCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_day: date | None = Field(default=None, description="Default: today.")
    reason: Annotated[Text, Field(min_length=1, max_length=300)]


# --- answers -------------------------------------------------------------------------------------


class BookingRead(BaseModel):
    id: int
    college_id: int
    resource_kind: ResourceKind
    venue_id: int | None
    equipment_id: int | None
    resource_name: str
    series_id: int | None
    purpose: Purpose
    title: str
    day: date
    start: str
    end: str
    starts_at: datetime
    ends_at: datetime
    minutes: int
    units: int
    status: BookingStatus
    outside_hours: bool
    outside_hours_reason: str
    agreement_id: int | None
    partnership_id: int | None
    booked_by: str
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str
    usage: UsageStatus
    used_minutes: int | None
    output_quantity: int | None
    output_note: str
    confirmed_by: str
    confirmed_at: datetime | None
    version: int


class BookingList(BaseModel):
    items: list[BookingRead]
    meta: PageMeta


class SkippedDay(BaseModel):
    day: date
    why: str  # holiday | out_of_term
    message: str


class OccurrenceRead(BaseModel):
    booking_id: int
    day: date
    status: BookingStatus
    usage: UsageStatus


class SeriesRead(BaseModel):
    id: int
    college_id: int
    resource_kind: ResourceKind
    venue_id: int | None
    equipment_id: int | None
    resource_name: str
    purpose: Purpose
    title: str
    weekdays: list[int]
    start: str
    end: str
    first_day: date
    last_day: date
    term_id: int | None
    skipped_days: list[date]
    units: int
    status: BookingStatus
    outside_hours_reason: str
    booked_by: str
    occurrences: list[OccurrenceRead]


class SeriesCreated(SeriesRead):
    skipped: list[SkippedDay]  # left out by the working calendar (holidays, out of term)


class CalendarDay(BaseModel):
    day: date
    open: list[str] | None  # ["08:00", "21:00"], or null when not a working day
    holiday: str | None
    in_term: bool


class ResourceCalendar(BaseModel):
    resource_kind: ResourceKind
    resource_id: int
    resource_name: str
    capacity: int
    first: date
    last: date
    days: list[CalendarDay]
    bookings: list[BookingRead]


class FreeSlot(BaseModel):
    day: date
    start: str
    end: str
    starts_at: datetime
    ends_at: datetime


class FreeSlotList(BaseModel):
    items: list[FreeSlot]
