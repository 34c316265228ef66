"""One-off bookings of a venue or an equipment line, their cancellation and their usage.

A booking is refused when the resource is not the actor's to book or not in service, when the
units do not fit beside the bookings already made (409 naming each booking in the way), on a
past day or (for people) today at a time already past, and outside the working calendar unless
a reason is given. Usage (used with the actual minutes, at most those booked, or a no-show;
production output) is confirmed from the booking's day on, by the one who booked or by a
manager of the resource. Flushes and audits, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.college.service import check_version
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.resource import booking_rules as rules
from tandem.resource import scope, workcal
from tandem.resource.core.occupancy import check
from tandem.resource.kinds import BookingStatus, Purpose, UsageStatus
from tandem.resource.models import Booking, BookingSeries, Equipment, Venue
from tandem.resource.schemas_bookings import BookingBase, BookingCreate, UsageUpdate

AUDITED = (
    "venue_id",
    "equipment_id",
    "series_id",
    "purpose",
    "title",
    "day",
    "start_min",
    "end_min",
    "units",
    "status",
    "outside_hours",
    "outside_hours_reason",
    "agreement_id",
    "partnership_id",
)
USAGE_FIELDS = ("usage", "used_minutes", "output_quantity", "output_note")


def new_booking(
    actor: Actor,
    resource: Venue | Equipment,
    data: BookingBase,
    *,
    day: date,
    outside: bool,
    agreement_id: int | None,
    partnership_id: int | None,
) -> Booking:
    """The row for a checked booking (also used for a series' occurrences)."""
    return Booking(
        college_id=resource.college_id,
        venue_id=resource.id if isinstance(resource, Venue) else None,
        equipment_id=resource.id if isinstance(resource, Equipment) else None,
        purpose=data.purpose.value,
        title=data.title,
        day=day,
        start_min=data.start_min,
        end_min=data.end_min,
        minutes=data.end_min - data.start_min,
        units=data.units,
        status=BookingStatus.BOOKED.value,
        outside_hours=outside,
        outside_hours_reason=data.outside_hours_reason if outside else "",
        agreement_id=agreement_id,
        partnership_id=partnership_id,
        booked_by_user_id=actor.user_id,
        booked_by_label=rules.actor_label(actor),
        usage=UsageStatus.PENDING.value,
    )


def create_booking(
    session: Session, *, actor: Actor, data: BookingCreate, allow_past: bool = False
) -> Booking:
    """Book a venue or some items of an equipment line on one day.

    ``allow_past`` lets a system actor (the demo, an import) record bookings of past days;
    for people it is ignored: past days, and today's times already past, cannot be booked."""
    resource = rules.resource_for(
        session, actor=actor, venue_id=data.venue_id, equipment_id=data.equipment_id
    )
    rules.check_may_book(actor, resource)
    rules.check_units(resource, data.units)
    if actor.is_system:
        if not allow_past:
            rules.check_not_past(data.day)
    else:
        rules.check_start_not_past(data.day, data.start_min)
    agreement_id, partnership_id = rules.check_links(
        session,
        actor=actor,
        resource=resource,
        agreement_id=data.agreement_id,
        partnership_id=data.partnership_id,
    )
    calendar = workcal.load_calendar(session, college_id=resource.college_id)
    why = calendar.outside(data.day, data.start_min, data.end_min)
    if why is not None and not data.outside_hours_reason:
        raise rules.outside_needs_reason(calendar, data.day, why)
    rules.lock(session, resource)
    existing = rules.active_bookings(session, resource=resource, first=data.day, last=data.day)
    fit = check(
        rules.by_day(existing).get(data.day, []),
        start=data.start_min,
        end=data.end_min,
        units=data.units,
        capacity=rules.capacity_of(resource),
    )
    if not fit.ok:
        ids = {h.id for h in fit.conflicts}
        raise rules.conflict_error([b for b in existing if b.id in ids], resource)
    booking = new_booking(
        actor,
        resource,
        data,
        day=data.day,
        outside=why is not None,
        agreement_id=agreement_id,
        partnership_id=partnership_id,
    )
    session.add(booking)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=booking,
        college_id=booking.college_id,
        after=audit.snapshot(booking, AUDITED),
        summary=f"{rules.resource_label(resource)} {booking.day.isoformat()} {booking.title}",
    )
    return booking


# --- cancelling ----------------------------------------------------------------------------------


def check_may_change(
    actor: Actor, booking: Booking | BookingSeries, resource: Venue | Equipment
) -> None:
    if not scope.can_change_booking(actor, booking, resource):
        raise PermissionDenied(
            N_("Only the one who made this booking, or a manager of %(name)s, may change it."),
            code="not_yours",
            name=rules.resource_label(resource),
        )


def cancel_booking(
    session: Session, *, actor: Actor, booking: Booking, reason: str, version: int | None = None
) -> Booking:
    """Cancel a booking that has not taken place (today's may still be cancelled)."""
    resource = rules.resource_of(session, booking)
    check_may_change(actor, booking, resource)
    check_version(booking, version)
    if booking.status == BookingStatus.CANCELLED:
        raise Conflict(N_("This booking has already been cancelled."), code="already_cancelled")
    if booking.day < local_today() or booking.usage != UsageStatus.PENDING:
        raise Conflict(
            N_(
                "This booking has taken place and cannot be cancelled; record it as a "
                "no-show instead."
            ),
            code="taken_place",
        )
    cancel_row(session, actor=actor, booking=booking, reason=reason)
    return booking


def cancel_row(session: Session, *, actor: Actor, booking: Booking, reason: str) -> None:
    """Mark one booking cancelled (the callers have checked that they may)."""
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = datetime.now(UTC)
    booking.cancel_reason = reason
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=booking,
        college_id=booking.college_id,
        before={"status": BookingStatus.BOOKED.value},
        after={"status": BookingStatus.CANCELLED.value, "cancel_reason": reason},
        summary=f"{booking.day.isoformat()} {booking.title}",
    )


# --- usage ---------------------------------------------------------------------------------------


def can_confirm(actor: Actor, booking: Booking, resource: Venue | Equipment) -> bool:
    return (
        booking.status == BookingStatus.BOOKED
        and booking.day <= local_today()
        and scope.can_change_booking(actor, booking, resource)
    )


def record_usage(session: Session, *, actor: Actor, booking: Booking, data: UsageUpdate) -> Booking:
    """Confirm a booking as used (actual minutes, production output) or as a no-show, or
    correct an earlier confirmation."""
    resource = rules.resource_of(session, booking)
    check_may_change(actor, booking, resource)
    check_version(booking, data.version)
    if booking.status == BookingStatus.CANCELLED:
        raise Conflict(
            N_("This booking was cancelled; there is no use to confirm."), code="cancelled"
        )
    if booking.day > local_today():
        raise Conflict(
            N_("A booking can be confirmed from its day on (%(day)s)."),
            code="not_yet",
            day=booking.day.isoformat(),
        )
    used = data.usage == UsageStatus.USED
    if (data.output_quantity is not None or data.output_note) and (
        booking.purpose != Purpose.PRODUCTION or not used
    ):
        raise ValidationFailed.single(
            "output_quantity",
            "output_not_production",
            N_("Output is logged only for production bookings that were used."),
        )
    if used and data.used_minutes is not None and data.used_minutes > booking.minutes:
        raise ValidationFailed.single(
            "used_minutes",
            "over_booked",
            N_(
                "Used minutes cannot exceed the %(minutes)s minutes booked; record longer use "
                "as a booking of its own."
            ),
            minutes=booking.minutes,
        )
    before = audit.snapshot(booking, USAGE_FIELDS)
    booking.usage = data.usage.value
    booking.used_minutes = (data.used_minutes or booking.minutes) if used else None
    booking.output_quantity = data.output_quantity if used else None
    booking.output_note = data.output_note if used else ""
    _confirmed(booking, actor)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity=booking,
        college_id=booking.college_id,
        before=before,
        after=audit.snapshot(booking, USAGE_FIELDS),
        summary=f"{booking.day.isoformat()} {booking.title}",
    )
    return booking


def _confirmed(booking: Booking, actor: Actor) -> None:
    booking.confirmed_by_label = rules.actor_label(actor)
    booking.confirmed_at = datetime.now(UTC)


def confirm_as_booked(session: Session, *, actor: Actor, bookings: Iterable[Booking]) -> int:
    """Confirm each pending booking the actor may confirm as used for the booked minutes;
    returns how many were confirmed (the others are left as they were)."""
    done = 0
    for booking in bookings:
        resource = rules.resource_of(session, booking)
        if booking.usage != UsageStatus.PENDING or not can_confirm(actor, booking, resource):
            continue
        booking.usage = UsageStatus.USED.value
        booking.used_minutes = booking.minutes
        _confirmed(booking, actor)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="update",
            entity=booking,
            college_id=booking.college_id,
            before={"usage": UsageStatus.PENDING.value},
            after={"usage": UsageStatus.USED.value, "used_minutes": booking.minutes},
            summary=f"{booking.day.isoformat()} {booking.title}",
        )
        done += 1
    return done
