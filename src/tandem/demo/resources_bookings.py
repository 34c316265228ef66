"""The demo college's bookings (see :mod:`tandem.demo.resources`): this term's weekly timetable
as series and their occurrences, one-off bookings, and how each past one was used."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.config import get_settings
from tandem.demo.resources_data import (
    ONE_OFFS,
    PRODUCTION_NOTES,
    TIMETABLE,
    UNCONFIRMED,
    OneOff,
)
from tandem.resource.core.calendar import WorkingCalendar, parse_hhmm
from tandem.resource.core.recurrence import weekly_days
from tandem.resource.models import (
    Booking,
    BookingSeries,
    CalendarTerm,
    Equipment,
    TrainingBase,
    Venue,
)

CONFIRMER = "合作办 陈立群"
NO_SHOW_SHARE = 0.04
EARLY_SHARE = 0.10  # used, but left half an hour early
PENDING_DAYS = 6  # on UNCONFIRMED resources, the last days' bookings wait to be confirmed
Resource = Venue | Equipment
BOOKING_TABLE: Table = Booking.__table__  # type: ignore[assignment]


@dataclass
class Counts:
    bases: int = 0
    venues: int = 0
    equipment: int = 0
    series: int = 0
    bookings: int = 0
    links: int = 0


@dataclass
class World:
    """What the builder has made so far, by plan code."""

    session: Session
    actor: Actor
    college: College
    today: date
    rng: random.Random
    calendar: WorkingCalendar
    term: CalendarTerm
    agreements: dict[str, Agreement]
    departments: dict[str, int]
    bases: dict[str, TrainingBase] = field(default_factory=dict)
    venues: dict[str, Venue] = field(default_factory=dict)
    lines: dict[str, Equipment] = field(default_factory=dict)
    taken: dict[tuple[str, date], list[tuple[int, int]]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


# --- bookings ------------------------------------------------------------------------------------


def _resource(world: World, code: str) -> Resource | None:
    return world.venues.get(code) if code.startswith("V") else world.lines.get(code)


def _minutes(hours: tuple[str, str]) -> tuple[int, int]:
    start, end = parse_hhmm(hours[0]), parse_hhmm(hours[1])
    assert start is not None  # noqa: S101 - the data is ours
    assert end is not None  # noqa: S101
    return start, end


def _free(world: World, code: str, day: date, start: int, end: int) -> bool:
    held = world.taken.setdefault((code, day), [])
    if any(start < e and s < end for s, e in held):
        return False
    held.append((start, end))
    return True


def _local(day: date, at: time) -> datetime:
    zone = ZoneInfo(get_settings().timezone)
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _usage(world: World, code: str, day: date, minutes: int, purpose: str) -> dict[str, Any]:
    """How a booking was used: pending from today on (and for the last days on a few resources),
    else mostly used (some left early; production with its output), a few no-shows."""
    pending = {"usage": "pending", "used_minutes": None, "output_quantity": None}
    if day >= world.today or (code in UNCONFIRMED and (world.today - day).days <= PENDING_DAYS):
        return pending | {"output_note": "", "confirmed_by_label": "", "confirmed_at": None}
    confirmed = {"confirmed_by_label": CONFIRMER, "confirmed_at": _local(day, time(21, 30))}
    draw = world.rng.random()
    if draw < NO_SHOW_SHARE:
        return {
            "usage": "no_show",
            "used_minutes": None,
            "output_quantity": None,
            "output_note": "",
        } | confirmed
    used = minutes - 30 if draw < NO_SHOW_SHARE + EARLY_SHARE and minutes > 90 else minutes
    output = None
    note = ""
    if purpose == "production":
        output = max(1, used // 60) * world.rng.randint(18, 36)
        note = PRODUCTION_NOTES.get(code, "")
    return {
        "usage": "used",
        "used_minutes": used,
        "output_quantity": output,
        "output_note": note,
    } | confirmed


def _book(
    world: World,
    code: str,
    day: date,
    hours: tuple[str, str],
    purpose: str,
    title: str,
    *,
    agreement: Agreement | None,
    units: int,
    reason: str = "",
    series_id: int | None = None,
    created_at: datetime,
) -> bool:
    resource = _resource(world, code)
    start, end = _minutes(hours)
    if resource is None or not _free(world, code, day, start, end):
        return False
    outside = world.calendar.outside(day, start, end) is not None
    if outside and not reason:
        return False  # never outside the calendar without a reason
    quantity = resource.quantity if isinstance(resource, Equipment) else 1
    world.rows.append(
        {
            "college_id": world.college.id,
            "venue_id": resource.id if isinstance(resource, Venue) else None,
            "equipment_id": resource.id if isinstance(resource, Equipment) else None,
            "series_id": series_id,
            "purpose": purpose,
            "title": title,
            "day": day,
            "start_min": start,
            "end_min": end,
            "minutes": end - start,
            "units": min(units, quantity) if units else quantity,
            "status": "booked",
            "outside_hours": outside,
            "outside_hours_reason": reason if outside else "",
            "agreement_id": agreement.id if agreement else None,
            "partnership_id": agreement.partnership_id if agreement else None,
            "booked_by_user_id": None,
            "booked_by_label": _booker(world, resource),
            "created_at": min(created_at, datetime.now(UTC)),
            "cancelled_at": None,
            "cancel_reason": "",
            "version": 1,
            **_usage(world, code, day, end - start, purpose),
        }
    )
    return True


def _booker(world: World, resource: Resource) -> str:
    for code, department_id in world.departments.items():
        if department_id == resource.department_id:
            return f"{code} 教学办"
    return CONFIRMER


def timetable(world: World) -> None:
    term, session = world.term, world.session
    opened = _local(term.starts_on - timedelta(days=10), time(10, 0))
    for weekly in TIMETABLE:
        resource = _resource(world, weekly.resource)
        if resource is None:
            continue
        days = weekly_days(
            weekly.weekdays, term.starts_on, term.ends_on, calendar=world.calendar
        ).days
        if not days:
            continue
        start, end = _minutes(weekly.hours)
        agreement = world.agreements.get(weekly.agreement) if weekly.agreement else None
        quantity = resource.quantity if isinstance(resource, Equipment) else 1
        series = BookingSeries(
            college_id=world.college.id,
            venue_id=resource.id if isinstance(resource, Venue) else None,
            equipment_id=resource.id if isinstance(resource, Equipment) else None,
            purpose=weekly.purpose,
            title=weekly.title,
            weekdays=list(weekly.weekdays),
            start_min=start,
            end_min=end,
            first_day=term.starts_on,
            last_day=term.ends_on,
            term_id=term.id,
            skipped_days=[],
            units=min(weekly.units, quantity) if weekly.units else quantity,
            agreement_id=agreement.id if agreement else None,
            partnership_id=agreement.partnership_id if agreement else None,
            booked_by_label=_booker(world, resource),
            created_at=opened,
            updated_at=opened,
        )
        session.add(series)
        session.flush()
        world.counts.series += 1
        for day in days:
            _book(
                world,
                weekly.resource,
                day,
                weekly.hours,
                weekly.purpose,
                weekly.title,
                agreement=agreement,
                units=weekly.units,
                series_id=series.id,
                created_at=opened,
            )


def _day_of(world: World, booking: OneOff) -> date | None:
    if booking.holiday:
        past = sorted(d for d in world.calendar.holidays if world.term.starts_on <= d < world.today)
        return past[min(2, len(past) - 1)] if past else None
    monday = world.today - timedelta(days=world.today.weekday())
    return monday + timedelta(weeks=booking.weeks, days=booking.weekday - 1)


def one_offs(world: World) -> None:
    for booking in ONE_OFFS:
        day = _day_of(world, booking)
        if day is None:
            continue
        _book(
            world,
            booking.resource,
            day,
            booking.hours,
            booking.purpose,
            booking.title,
            agreement=world.agreements.get(booking.agreement) if booking.agreement else None,
            units=booking.units,
            reason=booking.reason,
            created_at=_local(day - timedelta(days=7), time(9, 0)),
        )
