"""Weekly booking series: every occurrence checked as a one-off booking would be, booked all
together or not at all; later, one occurrence skipped or the rest of the series cancelled.

Occurrences are ``Booking`` rows with ``series_id``. Holidays and days outside every term are
left out and reported (a timetable does not run then); days given as exceptions are not
booked. Any conflict refuses the whole series and names each date with the booking in the way.
Flushes and audits, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, FieldError, ValidationFailed
from tandem.kit.i18n import N_
from tandem.resource import booking_rules as rules
from tandem.resource import bookings, workcal
from tandem.resource.core.calendar import Outside, format_hhmm
from tandem.resource.core.occupancy import check
from tandem.resource.core.recurrence import weekly_days
from tandem.resource.kinds import BookingStatus, UsageStatus
from tandem.resource.models import Booking, BookingSeries, CalendarTerm, Equipment, Venue
from tandem.resource.schemas_bookings import MAX_SERIES_DAYS, SeriesCreate

SERIES_FIELDS = (
    "venue_id",
    "equipment_id",
    "purpose",
    "title",
    "weekdays",
    "start_min",
    "end_min",
    "first_day",
    "last_day",
    "term_id",
    "skipped_days",
    "units",
    "status",
)


@dataclass(frozen=True)
class SeriesResult:
    series: BookingSeries
    occurrences: list[Booking]
    skipped: tuple[tuple[date, Outside], ...]  # left out by the working calendar


def _term(session: Session, term_id: int, college_id: int) -> CalendarTerm:
    term = session.get(CalendarTerm, term_id)
    if term is None or term.college_id != college_id:
        raise ValidationFailed.single(
            "term_id",
            "unknown_term",
            N_("No term with id %(id)s in this college; choose one of its terms."),
            id=term_id,
        )
    return term


def _dates(
    session: Session, data: SeriesCreate, college_id: int, *, allow_past: bool = False
) -> tuple[date, date]:
    today = date.min if allow_past else local_today()
    if data.term_id is not None:
        term = _term(session, data.term_id, college_id)
        first = data.first_day or max(term.starts_on, today)
        last = data.last_day or term.ends_on
        if last < today:
            raise ValidationFailed.single(
                "term_id",
                "term_over",
                N_("The term %(name)s is over; choose a current or a later term."),
                name=term.name,
            )
    else:
        assert data.first_day is not None  # noqa: S101 - the schema requires both
        assert data.last_day is not None  # noqa: S101
        first, last = data.first_day, data.last_day
    if first < today:
        raise ValidationFailed.single(
            "first_day",
            "in_past",
            N_("A series cannot start on a past day; start it today or later."),
        )
    if last < first:
        raise ValidationFailed.single(
            "last_day",
            "dates_out_of_order",
            N_("The last day of the series cannot come before its first day."),
        )
    if (last - first).days >= MAX_SERIES_DAYS:
        raise ValidationFailed.single(
            "last_day",
            "series_too_long",
            N_("A series lasts at most a year; book the next year separately."),
        )
    return first, last


def create_series(
    session: Session, *, actor: Actor, data: SeriesCreate, allow_past: bool = False
) -> SeriesResult:
    """Book every occurrence of a weekly series, or none (``allow_past``: as for
    :func:`tandem.resource.bookings.create_booking`, system actors only)."""
    resource = rules.resource_for(
        session, actor=actor, venue_id=data.venue_id, equipment_id=data.equipment_id
    )
    rules.check_may_book(actor, resource)
    rules.check_units(resource, data.units)
    agreement_id, partnership_id = rules.check_links(
        session,
        actor=actor,
        resource=resource,
        agreement_id=data.agreement_id,
        partnership_id=data.partnership_id,
    )
    first, last = _dates(
        session, data, resource.college_id, allow_past=allow_past and actor.is_system
    )
    late = not actor.is_system and rules.start_has_passed(first, data.start_min)
    if late and data.first_day is None:
        first += timedelta(days=1)  # a term's series starts today only if today's time is ahead
    calendar = workcal.load_calendar(session, college_id=resource.college_id)
    pattern = weekly_days(
        data.weekdays,
        first,
        last,
        exceptions=data.skipped_days,
        calendar=calendar if data.skip_non_working_days else None,
    )
    if (
        not actor.is_system
        and pattern.days
        and rules.start_has_passed(pattern.days[0], data.start_min)
    ):
        raise ValidationFailed.single(
            "first_day",
            "start_passed",
            N_(
                "The first occurrence would be today at %(start)s, which has already passed; "
                "start the series tomorrow or later, or leave today out as an exception."
            ),
            start=format_hhmm(data.start_min),
        )
    if not pattern.days:
        raise ValidationFailed.single(
            "weekdays",
            "no_days",
            N_(
                "No day from %(first)s to %(last)s is left to book on the chosen weekdays "
                "(after exceptions, holidays and days outside the terms)."
            ),
            first=first.isoformat(),
            last=last.isoformat(),
        )
    outside = {
        day: why
        for day in pattern.days
        if (why := calendar.outside(day, data.start_min, data.end_min)) is not None
    }
    if outside and not data.outside_hours_reason:
        day, why = next(iter(outside.items()))
        raise ValidationFailed.single(
            "outside_hours_reason",
            "outside_hours",
            N_(
                "%(count)s occurrences lie outside the working calendar (the first, %(day)s: "
                "%(why)s). Give a reason to book them anyway, or change the times."
            ),
            count=len(outside),
            day=day.isoformat(),
            why=rules.why_outside(calendar, day, why),
        )
    rules.lock(session, resource)
    existing = rules.active_bookings(
        session, resource=resource, first=pattern.days[0], last=pattern.days[-1]
    )
    held = rules.by_day(existing)
    capacity = rules.capacity_of(resource)
    in_the_way: list[Booking] = []
    for day in pattern.days:
        fit = check(
            held.get(day, []),
            start=data.start_min,
            end=data.end_min,
            units=data.units,
            capacity=capacity,
        )
        if not fit.ok:
            ids = {h.id for h in fit.conflicts}
            in_the_way.extend(b for b in existing if b.id in ids)
    if in_the_way:
        raise _series_conflict(in_the_way, resource)
    series = BookingSeries(
        college_id=resource.college_id,
        venue_id=resource.id if isinstance(resource, Venue) else None,
        equipment_id=resource.id if isinstance(resource, Equipment) else None,
        purpose=data.purpose.value,
        title=data.title,
        weekdays=list(data.weekdays),
        start_min=data.start_min,
        end_min=data.end_min,
        first_day=first,
        last_day=last,
        term_id=data.term_id,
        skipped_days=sorted({d.isoformat() for d in data.skipped_days if first <= d <= last}),
        units=data.units,
        agreement_id=agreement_id,
        partnership_id=partnership_id,
        outside_hours_reason=data.outside_hours_reason if outside else "",
        booked_by_user_id=actor.user_id,
        booked_by_label=rules.actor_label(actor),
        status=BookingStatus.BOOKED.value,
    )
    session.add(series)
    session.flush()
    occurrences = []
    for day in pattern.days:
        booking = bookings.new_booking(
            actor,
            resource,
            data,
            day=day,
            outside=day in outside,
            agreement_id=agreement_id,
            partnership_id=partnership_id,
        )
        booking.series_id = series.id
        session.add(booking)
        occurrences.append(booking)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=series,
        college_id=series.college_id,
        after={
            **audit.snapshot(series, SERIES_FIELDS),
            "occurrences": [d.isoformat() for d in pattern.days],
            "left_out": [d.isoformat() for d, _ in pattern.skipped],
        },
        summary=f"{rules.resource_label(resource)} {series.title}",
    )
    return SeriesResult(series, occurrences, pattern.skipped)


def _series_conflict(in_the_way: list[Booking], resource: Venue | Equipment) -> Conflict:
    unique = sorted({b.id: b for b in in_the_way}.values(), key=lambda b: (b.day, b.start_min))
    days = sorted({b.day for b in unique})
    return Conflict(
        N_(
            "The series cannot be booked: %(count)s of its dates clash with other bookings "
            "of %(name)s (listed below). Change the times, leave those dates out as "
            "exceptions, or choose another resource."
        ),
        code="booking_conflict",
        errors=[rules.conflict_line(b, resource) for b in unique],
        count=len(days),
        name=rules.resource_label(resource),
    )


# --- later changes -------------------------------------------------------------------------------


def occurrences(session: Session, series: BookingSeries) -> list[Booking]:
    stmt = (
        select(Booking)
        .where(Booking.series_id == series.id)
        .order_by(Booking.day, Booking.start_min, Booking.id)
    )
    return list(session.scalars(stmt))


def _resource(session: Session, series: BookingSeries) -> Venue | Equipment:
    if series.venue_id is not None:
        return session.get_one(Venue, series.venue_id)
    return session.get_one(Equipment, series.equipment_id)


def skip_occurrence(
    session: Session, *, actor: Actor, series: BookingSeries, day: date, reason: str = ""
) -> Booking:
    """Cancel the occurrence on ``day`` and record the day as an exception of the series."""
    resource = _resource(session, series)
    bookings.check_may_change(actor, series, resource)
    booking = session.scalar(
        select(Booking).where(
            Booking.series_id == series.id,
            Booking.day == day,
            Booking.status == BookingStatus.BOOKED,
        )
    )
    if booking is None:
        raise ValidationFailed.single(
            "day",
            "no_occurrence",
            N_("The series has no booked occurrence on %(day)s."),
            day=day.isoformat(),
        )
    if day < local_today() or booking.usage != UsageStatus.PENDING:
        raise ValidationFailed.single(
            "day",
            "in_past",
            N_("The occurrence on %(day)s has taken place; it can no longer be skipped."),
            day=day.isoformat(),
        )
    before = list(series.skipped_days)
    bookings.cancel_row(session, actor=actor, booking=booking, reason=reason)
    series.skipped_days = sorted({*before, day.isoformat()})
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=series,
        college_id=series.college_id,
        before={"skipped_days": before},
        after={"skipped_days": series.skipped_days},
        summary=f"{series.title} {day.isoformat()}",
    )
    return booking


def cancel_from(
    session: Session,
    *,
    actor: Actor,
    series: BookingSeries,
    from_day: date | None,
    reason: str,
) -> list[Booking]:
    """Cancel the occurrences from ``from_day`` (default today) on; past ones stay, and so do
    those already confirmed (used or a no-show). The series then ends the day before, or on its
    last occurrence still booked when that is later; it is cancelled when nothing of it is
    left booked."""
    resource = _resource(session, series)
    bookings.check_may_change(actor, series, resource)
    today = local_today()
    start = from_day or today
    if start < today:
        raise ValidationFailed.single(
            "from_day",
            "in_past",
            N_("Past occurrences stay as they were; cancel from today or a later day."),
        )
    if series.status == BookingStatus.CANCELLED:
        raise Conflict(N_("This series has already been cancelled."), code="already_cancelled")
    booked = [b for b in occurrences(session, series) if b.status == BookingStatus.BOOKED]
    cancelled = [b for b in booked if b.day >= start and b.usage == UsageStatus.PENDING]
    for booking in cancelled:
        bookings.cancel_row(session, actor=actor, booking=booking, reason=reason)
    gone = {b.id for b in cancelled}
    kept = [b.day for b in booked if b.id not in gone]  # before ``start``, or confirmed
    before = audit.snapshot(series, ("last_day", "status"))
    if not kept:
        series.status = BookingStatus.CANCELLED.value
    else:
        ends = max(start - timedelta(days=1), *kept)
        series.last_day = max(series.first_day, min(series.last_day, ends))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=series,
        college_id=series.college_id,
        before=before,
        after={
            **audit.snapshot(series, ("last_day", "status")),
            "cancelled": len(cancelled),
            "reason": reason,
        },
        summary=series.title,
    )
    return cancelled


def conflict_fields(error: Conflict) -> list[FieldError]:
    """The bookings in the way, from a conflict raised here or by a one-off booking."""
    return [e for e in error.errors if e.code == "booking_conflict"]
