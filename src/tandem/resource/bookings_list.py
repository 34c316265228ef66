"""Reading bookings: the list (filters, search, sort, the actor's scope), the bookings waiting
for their use to be confirmed, and a resource's calendar for a range of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true
from sqlalchemy.orm import Session, selectinload

from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.resource import booking_rules as rules
from tandem.resource import scope, workcal
from tandem.resource.core.calendar import Outside, Window
from tandem.resource.kinds import BookingStatus, UsageStatus
from tandem.resource.models import Booking, Equipment, Venue

MAX_CALENDAR_DAYS = 62


@dataclass(frozen=True)
class BookingFilter:
    venue_id: int | None = None
    equipment_id: int | None = None
    purpose: str = ""
    usage: str = ""
    status: str = ""
    first: date | None = None
    last: date | None = None
    mine: bool = False
    series_id: int | None = None


SORTS: dict[str, Any] = {
    "day": Booking.day,
    "title": Booking.title,
    "purpose": Booking.purpose,
    "created": Booking.created_at,
    "booked_by": Booking.booked_by_label,
}


def bookings_query(*, actor: Actor, params: ListParams, filters: BookingFilter) -> Select[Any]:
    """The bookings ``actor`` may see, filtered, searched and sorted (before pagination)."""
    stmt = select(Booking).where(scope.visible_bookings(actor))
    f = filters
    if f.venue_id is not None:
        stmt = stmt.where(Booking.venue_id == f.venue_id)
    if f.equipment_id is not None:
        stmt = stmt.where(Booking.equipment_id == f.equipment_id)
    if f.series_id is not None:
        stmt = stmt.where(Booking.series_id == f.series_id)
    if f.purpose:
        stmt = stmt.where(Booking.purpose == f.purpose)
    if f.usage:
        stmt = stmt.where(Booking.usage == f.usage)
    if f.status:
        stmt = stmt.where(Booking.status == f.status)
    if f.first is not None:
        stmt = stmt.where(Booking.day >= f.first)
    if f.last is not None:
        stmt = stmt.where(Booking.day <= f.last)
    if f.mine:
        stmt = stmt.where(
            Booking.booked_by_user_id == actor.user_id if actor.user_id is not None else false()
        )
    if params.q:
        pattern = like_pattern(params.q)
        stmt = stmt.where(
            or_(
                Booking.title.ilike(pattern, escape="\\"),
                Booking.booked_by_label.ilike(pattern, escape="\\"),
            )
        )
    stmt = apply_sort(stmt, params.sort, SORTS, "-day")
    return stmt.order_by(Booking.start_min, Booking.id).options(
        selectinload(Booking.venue), selectinload(Booking.equipment)
    )


def list_bookings(
    session: Session, *, actor: Actor, params: ListParams, filters: BookingFilter
) -> Page[Booking]:
    return paginate(session, bookings_query(actor=actor, params=params, filters=filters), params)


# --- to confirm ----------------------------------------------------------------------------------


def _may_confirm(actor: Actor) -> ColumnElement[bool]:
    """Bookings ``actor`` may confirm: their own, and those of the resources they manage
    (mirrors :func:`tandem.resource.scope.can_change_booking`)."""
    if actor.is_platform_wide:
        return true()
    mine = Booking.booked_by_user_id == actor.user_id if actor.user_id is not None else false()
    if actor.college_id is None or not actor.can(Permission.RESOURCE_MANAGE):
        return mine
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        if actor.department_id is None:
            return mine
        venues = select(Venue.id).where(
            Venue.college_id == actor.college_id, Venue.department_id == actor.department_id
        )
        lines = select(Equipment.id).where(
            Equipment.college_id == actor.college_id,
            Equipment.department_id == actor.department_id,
        )
        return or_(mine, Booking.venue_id.in_(venues), Booking.equipment_id.in_(lines))
    return or_(mine, Booking.college_id == actor.college_id)


def to_confirm_query(*, actor: Actor) -> Select[Any]:
    """Bookings that have ended and still wait for their use to be confirmed by ``actor``."""
    today, now = rules.local_now()
    return (
        select(Booking)
        .where(
            scope.visible_bookings(actor),
            _may_confirm(actor),
            Booking.status == BookingStatus.BOOKED,
            Booking.usage == UsageStatus.PENDING,
            or_(Booking.day < today, and_(Booking.day == today, Booking.end_min <= now)),
        )
        .order_by(Booking.day, Booking.start_min, Booking.id)
        .options(selectinload(Booking.venue), selectinload(Booking.equipment))
    )


def list_to_confirm(session: Session, *, actor: Actor, params: ListParams) -> Page[Booking]:
    return paginate(session, to_confirm_query(actor=actor), params)


# --- a resource's calendar -----------------------------------------------------------------------


@dataclass(frozen=True)
class DayInfo:
    day: date
    window: Window | None  # open hours, None when not a working day
    holiday: str | None
    in_term: bool
    closed_why: Outside | None  # why the whole day is closed


@dataclass(frozen=True)
class ResourceCalendar:
    resource: Venue | Equipment
    first: date
    last: date
    days: list[DayInfo]
    bookings: list[Booking]  # active bookings, by day and start


def resource_calendar(
    session: Session, *, resource: Venue | Equipment, first: date, last: date
) -> ResourceCalendar:
    """The days from ``first`` to ``last`` (at most two months) with their open hours, and the
    resource's bookings then: only the shown range is read."""
    last = min(last, first + timedelta(days=MAX_CALENDAR_DAYS - 1))
    calendar = workcal.load_calendar(session, college_id=resource.college_id)
    names = workcal.holiday_names(session, college_id=resource.college_id, first=first, last=last)
    days = []
    day = first
    while day <= last:
        window = calendar.window(day)
        days.append(
            DayInfo(
                day=day,
                window=window,
                holiday=names.get(day),
                in_term=calendar.in_term(day),
                closed_why=calendar.outside(day, 0, 1) if window is None else None,
            )
        )
        day += timedelta(days=1)
    found = rules.active_bookings(session, resource=resource, first=first, last=last)
    return ResourceCalendar(resource, first, last, days, found)
