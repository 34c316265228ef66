"""JSON API for bookings: one-off bookings and weekly series of venues and equipment, their
cancellation and usage, each resource's calendar, and the free-slot search.

Reading needs ``resource.read`` (a college's people see its bookings; an enterprise contact
those of the resources their enterprise owns or shares); booking needs ``booking.make``, and
the services decide which resources (a contact: their enterprise's). Cancelling, skipping and
confirming use are for the one who booked and the resource's managers (403 for the others).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi import status as http
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.kit.pagination import page_meta
from tandem.resource import booking_rules as rules
from tandem.resource import bookings, bookings_list, scope, series
from tandem.resource.core.calendar import OUTSIDE_LABELS, format_hhmm
from tandem.resource.free_slots import SlotSearch, find_free_slots
from tandem.resource.kinds import BookingStatus, Purpose, UsageStatus
from tandem.resource.models import Booking, BookingSeries, Equipment, Venue
from tandem.resource.schemas_bookings import (
    BookingCancel,
    BookingCreate,
    BookingList,
    BookingRead,
    CalendarDay,
    FreeSlot,
    FreeSlotList,
    OccurrenceRead,
    ResourceCalendar,
    SeriesCancel,
    SeriesCreate,
    SeriesCreated,
    SeriesRead,
    SeriesSkip,
    SkippedDay,
    UsageUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["bookings"])

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Booker = Annotated[Actor, Depends(require(Permission.BOOKING_MAKE))]
From = Annotated[date | None, Query(alias="from", description="First day (inclusive).")]
To = Annotated[date | None, Query(alias="to", description="Last day (inclusive).")]


# --- answers -------------------------------------------------------------------------------------


def booking_read(session: Session, booking: Booking) -> BookingRead:
    resource = rules.resource_of(session, booking)
    return BookingRead(
        id=booking.id,
        college_id=booking.college_id,
        resource_kind=rules.kind_of(resource),
        venue_id=booking.venue_id,
        equipment_id=booking.equipment_id,
        resource_name=rules.resource_label(resource),
        series_id=booking.series_id,
        purpose=Purpose(booking.purpose),
        title=booking.title,
        day=booking.day,
        start=format_hhmm(booking.start_min),
        end=format_hhmm(booking.end_min),
        starts_at=rules.local_moment(booking.day, booking.start_min),
        ends_at=rules.local_moment(booking.day, booking.end_min),
        minutes=booking.minutes,
        units=booking.units,
        status=BookingStatus(booking.status),
        outside_hours=booking.outside_hours,
        outside_hours_reason=booking.outside_hours_reason,
        agreement_id=booking.agreement_id,
        partnership_id=booking.partnership_id,
        booked_by=booking.booked_by_label,
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
        cancel_reason=booking.cancel_reason,
        usage=UsageStatus(booking.usage),
        used_minutes=booking.used_minutes,
        output_quantity=booking.output_quantity,
        output_note=booking.output_note,
        confirmed_by=booking.confirmed_by_label,
        confirmed_at=booking.confirmed_at,
        version=booking.version,
    )


def series_read(session: Session, found: BookingSeries) -> SeriesRead:
    resource: Venue | Equipment = (
        session.get_one(Venue, found.venue_id)
        if found.venue_id is not None
        else session.get_one(Equipment, found.equipment_id)
    )
    return SeriesRead(
        id=found.id,
        college_id=found.college_id,
        resource_kind=rules.kind_of(resource),
        venue_id=found.venue_id,
        equipment_id=found.equipment_id,
        resource_name=rules.resource_label(resource),
        purpose=Purpose(found.purpose),
        title=found.title,
        weekdays=list(found.weekdays),
        start=format_hhmm(found.start_min),
        end=format_hhmm(found.end_min),
        first_day=found.first_day,
        last_day=found.last_day,
        term_id=found.term_id,
        skipped_days=[date.fromisoformat(d) for d in found.skipped_days],
        units=found.units,
        status=BookingStatus(found.status),
        outside_hours_reason=found.outside_hours_reason,
        booked_by=found.booked_by_label,
        occurrences=[
            OccurrenceRead(
                booking_id=b.id,
                day=b.day,
                status=BookingStatus(b.status),
                usage=UsageStatus(b.usage),
            )
            for b in series.occurrences(session, found)
        ],
    )


# --- bookings ------------------------------------------------------------------------------------


@router.get("/bookings", response_model=BookingList, summary="List and search bookings")
def list_bookings(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    first: From = None,
    last: To = None,
    venue_id: int | None = None,
    equipment_id: int | None = None,
    purpose: Purpose | None = None,
    usage: UsageStatus | None = None,
    status: BookingStatus | None = None,
    mine: Annotated[bool, Query(description="Only the bookings I made.")] = False,
) -> BookingList:
    filters = bookings_list.BookingFilter(
        venue_id=venue_id,
        equipment_id=equipment_id,
        purpose=purpose.value if purpose else "",
        usage=usage.value if usage else "",
        status=status.value if status else "",
        first=first,
        last=last,
        mine=mine,
    )
    page = bookings_list.list_bookings(session, actor=actor, params=params, filters=filters)
    return BookingList(items=[booking_read(session, b) for b in page.items], meta=page_meta(page))


@router.post(
    "/bookings",
    response_model=BookingRead,
    status_code=http.HTTP_201_CREATED,
    summary="Book a venue or items of an equipment line on one day (409 names the clashes)",
)
def create_booking(
    data: BookingCreate, response: Response, session: DbSession, actor: Booker
) -> BookingRead:
    booking = bookings.create_booking(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/bookings/{booking.id}"
    return booking_read(session, booking)


@router.get("/bookings/{booking_id}", response_model=BookingRead, summary="One booking")
def get_booking(booking_id: int, session: DbSession, actor: Reader) -> BookingRead:
    return booking_read(session, scope.get_booking(session, actor=actor, booking_id=booking_id))


@router.post(
    "/bookings/{booking_id}/cancel", response_model=BookingRead, summary="Cancel a booking"
)
def cancel_booking(
    booking_id: int, data: BookingCancel, session: DbSession, actor: Booker
) -> BookingRead:
    booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
    bookings.cancel_booking(
        session, actor=actor, booking=booking, reason=data.reason, version=data.version
    )
    return booking_read(session, booking)


@router.post(
    "/bookings/{booking_id}/usage",
    response_model=BookingRead,
    summary="Confirm a booking as used (actual minutes, output) or as a no-show",
)
def record_usage(
    booking_id: int, data: UsageUpdate, session: DbSession, actor: Booker
) -> BookingRead:
    booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
    bookings.record_usage(session, actor=actor, booking=booking, data=data)
    return booking_read(session, booking)


# --- series --------------------------------------------------------------------------------------


@router.post(
    "/booking-series",
    response_model=SeriesCreated,
    status_code=http.HTTP_201_CREATED,
    summary="Book weekly over a term or a date range (all occurrences or none)",
)
def create_series(
    data: SeriesCreate, response: Response, session: DbSession, actor: Booker
) -> SeriesCreated:
    result = series.create_series(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/booking-series/{result.series.id}"
    return SeriesCreated(
        **series_read(session, result.series).model_dump(),
        skipped=[
            SkippedDay(day=day, why=why.value, message=gettext(OUTSIDE_LABELS[why]))
            for day, why in result.skipped
        ],
    )


@router.get(
    "/booking-series/{series_id}", response_model=SeriesRead, summary="A series and its dates"
)
def get_series(series_id: int, session: DbSession, actor: Reader) -> SeriesRead:
    return series_read(session, scope.get_series(session, actor=actor, series_id=series_id))


@router.post(
    "/booking-series/{series_id}/skip",
    response_model=SeriesRead,
    summary="Skip one occurrence (cancelled and kept as an exception)",
)
def skip_occurrence(
    series_id: int, data: SeriesSkip, session: DbSession, actor: Booker
) -> SeriesRead:
    found = scope.get_series(session, actor=actor, series_id=series_id)
    series.skip_occurrence(session, actor=actor, series=found, day=data.day, reason=data.reason)
    return series_read(session, found)


@router.post(
    "/booking-series/{series_id}/cancel",
    response_model=SeriesRead,
    summary="Cancel the rest of a series from a day on (past occurrences stay)",
)
def cancel_series(
    series_id: int, data: SeriesCancel, session: DbSession, actor: Booker
) -> SeriesRead:
    found = scope.get_series(session, actor=actor, series_id=series_id)
    series.cancel_from(
        session, actor=actor, series=found, from_day=data.from_day, reason=data.reason
    )
    return series_read(session, found)


# --- calendars and free slots --------------------------------------------------------------------


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.isoweekday() - 1)
    return monday, monday + timedelta(days=6)


def _range(first: date | None, last: date | None) -> tuple[date, date]:
    start = first or week_of(local_today())[0]
    end = last or start + timedelta(days=6)
    if end < start:
        raise ValidationFailed.single(
            "to", "dates_out_of_order", N_("The end of the range cannot come before its start.")
        )
    return start, end


def calendar_read(
    session: Session, resource: Venue | Equipment, first: date, last: date
) -> ResourceCalendar:
    found = bookings_list.resource_calendar(session, resource=resource, first=first, last=last)
    return ResourceCalendar(
        resource_kind=rules.kind_of(resource),
        resource_id=resource.id,
        resource_name=rules.resource_label(resource),
        capacity=rules.capacity_of(resource),
        first=found.first,
        last=found.last,
        days=[
            CalendarDay(
                day=d.day,
                open=[format_hhmm(d.window[0]), format_hhmm(d.window[1])] if d.window else None,
                holiday=d.holiday,
                in_term=d.in_term,
            )
            for d in found.days
        ],
        bookings=[booking_read(session, b) for b in found.bookings],
    )


@router.get(
    "/venues/{venue_id}/calendar",
    response_model=ResourceCalendar,
    summary="A venue's bookings and open hours per day (default: this week; at most 2 months)",
)
def venue_calendar(
    venue_id: int, session: DbSession, actor: Reader, first: From = None, last: To = None
) -> ResourceCalendar:
    venue = scope.get_visible(session, Venue, actor=actor, record_id=venue_id)
    return calendar_read(session, venue, *_range(first, last))


@router.get(
    "/equipment/{equipment_id}/calendar",
    response_model=ResourceCalendar,
    summary="An equipment line's bookings and open hours per day (default: this week)",
)
def equipment_calendar(
    equipment_id: int, session: DbSession, actor: Reader, first: From = None, last: To = None
) -> ResourceCalendar:
    line = scope.get_visible(session, Equipment, actor=actor, record_id=equipment_id)
    return calendar_read(session, line, *_range(first, last))


@router.get(
    "/free-slots",
    response_model=FreeSlotList,
    summary="The earliest times when every chosen resource is free for the duration",
)
def get_free_slots(
    session: DbSession,
    actor: Reader,
    minutes: Annotated[int, Query(ge=15, le=1440, description="Duration wanted.")],
    venue_id: Annotated[list[int], Query(description="Venues (repeat for several).")] = [],  # noqa: B006
    equipment_id: Annotated[list[int], Query(description="Equipment lines (repeatable).")] = [],  # noqa: B006
    units: Annotated[
        list[int], Query(description="Items wanted of each equipment line, in order (default 1).")
    ] = [],  # noqa: B006
    first: From = None,
    last: To = None,
    step: Annotated[int, Query(ge=5, le=240, description="Minutes between starts tried.")] = 30,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> FreeSlotList:
    start = first or local_today()
    search = SlotSearch(
        venue_ids=venue_id,
        equipment=[
            (line, units[i] if i < len(units) else 1) for i, line in enumerate(equipment_id)
        ],
        minutes=minutes,
        first=start,
        last=last or start + timedelta(days=13),
        step=step,
        limit=limit,
    )
    found = find_free_slots(session, actor=actor, search=search)
    return FreeSlotList(
        items=[
            FreeSlot(
                day=s.day,
                start=format_hhmm(s.start),
                end=format_hhmm(s.end),
                starts_at=rules.local_moment(s.day, s.start),
                ends_at=rules.local_moment(s.day, s.end),
            )
            for s in found.slots
        ]
    )
