"""The shapes of the working calendar: opening hours per weekday, terms, public holidays and the
utilisation settings (shared by the API and the pages)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from tandem.college.schemas import Text
from tandem.kit.i18n import N_
from tandem.kit.validation import invalid
from tandem.partner.schemas import Version
from tandem.resource.core.calendar import format_hhmm, parse_hhmm

MAX_HOLIDAY_RANGE_DAYS = 31
WEEKDAYS = tuple(str(d) for d in range(1, 8))


def _pair(value: list[str] | None) -> list[str] | None:
    """``["08:00", "21:00"]`` (tidied), or None for a closed day."""
    if value is None:
        return None
    if len(value) != 2:
        raise invalid(
            "invalid_hours",
            N_("Give the opening and the closing time as HH:MM, or mark the day closed."),
        )
    start, end = parse_hhmm(value[0]), parse_hhmm(value[1])
    if start is None or end is None:
        raise invalid("invalid_time", N_("Enter times as HH:MM, for example 08:00 or 21:30."))
    if start >= end:
        raise invalid(
            "hours_out_of_order", N_("The closing time must come after the opening time.")
        )
    return [format_hhmm(start), format_hhmm(end)]


DayHours = Annotated[
    list[str] | None,
    AfterValidator(_pair),
    Field(description='["08:00", "21:00"], or null when closed that day'),
]


class OpeningHours(BaseModel):
    """Opening hours by ISO weekday: "1" Monday … "7" Sunday (each required; null = closed)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    mon: DayHours = Field(alias="1")
    tue: DayHours = Field(alias="2")
    wed: DayHours = Field(alias="3")
    thu: DayHours = Field(alias="4")
    fri: DayHours = Field(alias="5")
    sat: DayHours = Field(alias="6")
    sun: DayHours = Field(alias="7")

    def stored(self) -> dict[str, list[str] | None]:
        return self.model_dump(by_alias=True)


class CalendarUpdate(BaseModel):
    """Opening hours and utilisation settings (send the version you read; none at first)."""

    model_config = ConfigDict(extra="forbid")

    opening_hours: OpeningHours
    underuse_threshold_pct: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    teaching_hour_value_cny: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    version: Version = None


class TermCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(min_length=1, max_length=60, description='e.g. "2026-2027-1"')]
    starts_on: date
    ends_on: date

    @field_validator("ends_on")
    @classmethod
    def _in_order(cls, ends_on: date, info: ValidationInfo) -> date:
        starts_on = info.data.get("starts_on")
        if starts_on and ends_on < starts_on:
            raise invalid(
                "dates_out_of_order", N_("The last day of the term cannot come before its first.")
            )
        if starts_on and (ends_on - starts_on).days > 366:
            raise invalid("term_too_long", N_("A term lasts at most a year; split it in two."))
        return ends_on


class HolidayCreate(BaseModel):
    """One public holiday, or several days with one name (``last_day``: e.g. 10-01 to 10-07)."""

    model_config = ConfigDict(extra="forbid")

    day: date
    last_day: date | None = None
    name: Annotated[Text, Field(min_length=1, max_length=100)]

    @field_validator("last_day")
    @classmethod
    def _range(cls, last_day: date | None, info: ValidationInfo) -> date | None:
        first = info.data.get("day")
        if first is None or last_day is None:
            return last_day
        if last_day < first:
            raise invalid(
                "dates_out_of_order",
                N_("The last day of the holiday cannot come before its first."),
            )
        if last_day - first >= timedelta(days=MAX_HOLIDAY_RANGE_DAYS):
            raise invalid(
                "range_too_long",
                N_("Add at most %(days)s days of holiday at once."),
                days=MAX_HOLIDAY_RANGE_DAYS,
            )
        return last_day

    def days(self) -> list[date]:
        last = self.last_day or self.day
        return [self.day + timedelta(days=n) for n in range((last - self.day).days + 1)]


class TermRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    starts_on: date
    ends_on: date


class HolidayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    day: date
    name: str


class HolidayList(BaseModel):
    items: list[HolidayRead]


class CalendarRead(BaseModel):
    college_id: int
    opening_hours: dict[str, list[str] | None]  # "1".."7" -> ["08:00", "21:00"] or null
    underuse_threshold_pct: Decimal
    teaching_hour_value_cny: Decimal
    version: int  # 0 until first saved (send no version then)
    updated_at: datetime | None
    terms: list[TermRead]
    holidays: list[HolidayRead]
