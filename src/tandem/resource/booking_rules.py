"""What one-off bookings and series check alike: the resource and the right to book it, its
state, the units, the linked agreement or partnership, the working calendar and conflicts.

Every check raises the error a person can act on (see :mod:`tandem.kit.errors`); nothing here
writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.agreement.repository import INTERNAL
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.config import get_settings
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.partner.models import Partnership
from tandem.resource import scope
from tandem.resource.core.calendar import OUTSIDE_LABELS, Outside, WorkingCalendar, format_hhmm
from tandem.resource.core.occupancy import Held, check
from tandem.resource.kinds import BookingStatus, EquipmentStatus, ResourceKind, VenueStatus
from tandem.resource.models import Booking, Equipment, Venue

Resource = Venue | Equipment


# --- the resource --------------------------------------------------------------------------------


def resource_for(
    session: Session, *, actor: Actor, venue_id: int | None, equipment_id: int | None
) -> Resource:
    """The venue or equipment line named, if ``actor`` may see it (else a 404)."""
    if venue_id is not None:
        return scope.get_visible(session, Venue, actor=actor, record_id=venue_id)
    if equipment_id is None:
        raise ValidationFailed.single(
            "venue_id", "one_resource", N_("Choose either a venue or an equipment line to book.")
        )
    return scope.get_visible(session, Equipment, actor=actor, record_id=equipment_id)


def resource_of(session: Session, booking: Booking) -> Resource:
    if booking.venue_id is not None:
        return session.get_one(Venue, booking.venue_id)
    return session.get_one(Equipment, booking.equipment_id)


def kind_of(resource: Resource) -> ResourceKind:
    return ResourceKind.VENUE if isinstance(resource, Venue) else ResourceKind.EQUIPMENT


def capacity_of(resource: Resource) -> int:
    return 1 if isinstance(resource, Venue) else max(1, resource.quantity)


def resource_label(resource: Resource) -> str:
    code = resource.code if isinstance(resource, Venue) else resource.asset_tag
    return f"{code} {resource.name}".strip()


def resource_field(resource: Resource) -> str:
    return "venue_id" if isinstance(resource, Venue) else "equipment_id"


def actor_label(actor: Actor) -> str:
    return actor.display_name or actor.label


_NOT_BOOKABLE: dict[str, str] = {
    VenueStatus.UNDER_MAINTENANCE: N_(
        "%(name)s is under maintenance and cannot be booked until it is back in service."
    ),
    VenueStatus.CLOSED: N_("%(name)s is closed and cannot be booked."),
    EquipmentStatus.MAINTENANCE: N_(
        "%(name)s is under maintenance and cannot be booked until it is back in service."
    ),
    EquipmentStatus.RETIRED: N_("%(name)s is retired and can no longer be booked."),
}


def check_may_book(actor: Actor, resource: Resource) -> None:
    """The actor may book the resource, and the resource can be booked now."""
    if not scope.can_book(actor, resource):
        raise PermissionDenied(
            N_("You may book only the resources of your own college or enterprise."),
            code="not_yours",
        )
    check_bookable(resource)


def check_bookable(resource: Resource) -> None:
    """The resource is in service (a clear message when it is retired, closed or in repair)."""
    if not scope.is_bookable(resource):
        message = _NOT_BOOKABLE.get(resource.status, N_("%(name)s cannot be booked now."))
        name = resource_label(resource)
        raise Conflict(
            message,
            code="not_bookable",
            errors=[FieldError(resource_field(resource), "not_bookable", message, {"name": name})],
            name=name,
        )


def check_units(resource: Resource, units: int) -> None:
    if isinstance(resource, Venue):
        if units != 1:
            raise ValidationFailed.single(
                "units", "venue_units", N_("A venue is booked whole: leave the units at 1.")
            )
        return
    if units > resource.quantity:
        raise ValidationFailed.single(
            "units",
            "too_many_units",
            N_("This equipment line has %(quantity)s items; book between 1 and %(quantity)s."),
            quantity=resource.quantity,
        )


def check_links(
    session: Session,
    *,
    actor: Actor,
    resource: Resource,
    agreement_id: int | None,
    partnership_id: int | None,
) -> tuple[int | None, int | None]:
    """The agreement and partnership the booking serves (same college; a contact: their own
    enterprise's, and only agreements they may open, not drafts or those in review). The
    agreement's partnership is the booking's: naming another is refused, leaving it out fills it
    in. A contact's booking names their partnership even when they leave it out."""
    own_enterprise = actor.enterprise_id if actor.role == Role.ENTERPRISE_CONTACT else None
    if agreement_id is not None:
        agreement = session.get(Agreement, agreement_id)
        partnership = session.get(Partnership, agreement.partnership_id) if agreement else None
        if (
            agreement is None
            or partnership is None
            or agreement.college_id != resource.college_id
            or (
                own_enterprise is not None
                and (partnership.enterprise_id != own_enterprise or agreement.status in INTERNAL)
            )
        ):
            raise ValidationFailed.single(
                "agreement_id",
                "unknown_agreement",
                N_("No agreement with id %(id)s in this college; choose one of its agreements."),
                id=agreement_id,
            )
        if partnership_id is None:
            partnership_id = agreement.partnership_id
        elif partnership_id != agreement.partnership_id:
            raise ValidationFailed.single(
                "partnership_id",
                "other_partnership",
                N_(
                    "Agreement %(number)s is with another partner: choose its partnership, or "
                    "leave the partnership out and it is filled in from the agreement."
                ),
                number=agreement.number or agreement.title,
            )
    if partnership_id is not None:
        found = session.get(Partnership, partnership_id)
        if (
            found is None
            or found.college_id != resource.college_id
            or (own_enterprise is not None and found.enterprise_id != own_enterprise)
        ):
            raise ValidationFailed.single(
                "partnership_id",
                "unknown_partnership",
                N_("No partnership with id %(id)s in this college; choose one of its partners."),
                id=partnership_id,
            )
    elif own_enterprise is not None and resource.partnership_id is not None:
        partnership_id = resource.partnership_id
    return agreement_id, partnership_id


def check_not_past(day: date, field: str = "day") -> None:
    if day < local_today():
        raise ValidationFailed.single(
            field,
            "in_past",
            N_("Bookings cannot be made for past days; choose today or a later day."),
        )


def start_has_passed(day: date, start_min: int) -> bool:
    """Whether ``start_min`` on ``day`` is already past, on the college's wall clock."""
    today, now = local_now()
    return day < today or (day == today and start_min < now)


def check_start_not_past(day: date, start_min: int) -> None:
    """A booking for today cannot start at a time already past (as a past day cannot be
    booked): the clock is the platform's (``settings.timezone``)."""
    check_not_past(day)
    if start_has_passed(day, start_min):
        raise ValidationFailed.single(
            "start",
            "start_passed",
            N_("It is already past %(start)s today; choose a later start time or another day."),
            start=format_hhmm(start_min),
        )


# --- the working calendar ------------------------------------------------------------------------


def outside_reason(calendar: WorkingCalendar, day: date, start: int, end: int) -> Outside | None:
    return calendar.outside(day, start, end)


def why_outside(calendar: WorkingCalendar, day: date, why: Outside) -> str:
    """Why a time is outside the calendar, in the reader's language (with the open hours)."""
    text = gettext(OUTSIDE_LABELS[why])
    hours = calendar.opening.get(day.isoweekday())
    if why == Outside.OUTSIDE_OPENING and hours is not None:
        text += f" ({format_hhmm(hours[0])}–{format_hhmm(hours[1])})"
    return text


def outside_needs_reason(calendar: WorkingCalendar, day: date, why: Outside) -> ValidationFailed:
    return ValidationFailed.single(
        "outside_hours_reason",
        "outside_hours",
        N_(
            "The booking lies outside the working calendar: %(why)s. Give a reason to book it "
            "anyway, or choose another time."
        ),
        why=why_outside(calendar, day, why),
    )


# --- conflicts -----------------------------------------------------------------------------------


def on_resource(resource: Resource) -> ColumnElement[bool]:
    return (
        Booking.venue_id == resource.id
        if isinstance(resource, Venue)
        else Booking.equipment_id == resource.id
    )


def active_bookings(
    session: Session, *, resource: Resource, first: date, last: date
) -> list[Booking]:
    """The resource's bookings (not cancelled) from ``first`` to ``last`` (uses the
    (venue_id, day) / (equipment_id, day) index)."""
    stmt = (
        select(Booking)
        .where(
            on_resource(resource),
            Booking.day >= first,
            Booking.day <= last,
            Booking.status == BookingStatus.BOOKED,
        )
        .order_by(Booking.day, Booking.start_min, Booking.id)
    )
    return list(session.scalars(stmt))


def by_day(bookings: Iterable[Booking]) -> dict[date, list[Held]]:
    days: dict[date, list[Held]] = defaultdict(list)
    for b in bookings:
        days[b.day].append(Held(b.id, b.start_min, b.end_min, b.units))
    return days


def lock(session: Session, resource: Resource) -> None:
    """Serialise bookings of one resource (PostgreSQL row lock; SQLite serialises writers)."""
    model = type(resource)
    session.execute(select(model.id).where(model.id == resource.id).with_for_update())


def conflict_line(booking: Booking, resource: Resource) -> FieldError:
    params = {
        "day": booking.day.isoformat(),
        "start": format_hhmm(booking.start_min),
        "end": format_hhmm(booking.end_min),
        "title": booking.title,
        "who": booking.booked_by_label or "—",
        "id": booking.id,
        "units": booking.units,
    }
    message = (
        N_("%(day)s %(start)s–%(end)s “%(title)s”, booked by %(who)s (booking %(id)s)")
        if isinstance(resource, Venue)
        else N_(
            "%(day)s %(start)s–%(end)s “%(title)s”, %(units)s items, booked by %(who)s "
            "(booking %(id)s)"
        )
    )
    return FieldError("conflicts", "booking_conflict", message, params)


def conflict_error(conflicts: Sequence[Booking], resource: Resource) -> Conflict:
    """409 naming every booking in the way."""
    name = resource_label(resource)
    if isinstance(resource, Venue):
        message = N_(
            "%(name)s is already booked at that time (%(count)s bookings in the way). "
            "Choose another time or another venue."
        )
    else:
        message = N_(
            "Not enough items of %(name)s are free at that time (%(count)s bookings in the "
            "way). Book fewer items, another time or another line."
        )
    return Conflict(
        message,
        code="booking_conflict",
        errors=[conflict_line(b, resource) for b in conflicts],
        name=name,
        count=len(conflicts),
    )


# --- bookings ahead, when the resource changes -------------------------------------------------

STILL_BOOKED = N_(
    "%(name)s has %(count)s booking(s) from today on (%(first)s). Cancel or move them first; "
    "then it can be taken out of service."
)
TOO_FEW_ITEMS = N_(
    "%(count)s booking(s) of %(name)s from today on use more than %(quantity)s items at once "
    "(%(first)s). Cancel or move them first, then lower the quantity."
)
SHOWN_BOOKINGS = 3  # named in the message; the count says how many there are


def future_bookings(session: Session, resource: Resource) -> list[Booking]:
    """The resource's bookings still to take place: booked (not cancelled), today or later."""
    stmt = (
        select(Booking)
        .where(
            on_resource(resource),
            Booking.day >= local_today(),
            Booking.status == BookingStatus.BOOKED,
        )
        .order_by(Booking.day, Booking.start_min, Booking.id)
    )
    return list(session.scalars(stmt))


def listed(found: Sequence[Booking]) -> str:
    """The first few bookings as "day start–end “title”" (the rest as …)."""
    text = "; ".join(
        f"{b.day.isoformat()} {format_hhmm(b.start_min)}–{format_hhmm(b.end_min)} “{b.title}”"
        for b in found[:SHOWN_BOOKINGS]
    )
    return text + ("; …" if len(found) > SHOWN_BOOKINGS else "")


def _still_booked(message: str, code: str, field: str, **params: object) -> Conflict:
    return Conflict(message, code=code, errors=[FieldError(field, code, message, params)], **params)


def check_no_future_bookings(session: Session, resource: Resource) -> None:
    """A resource is taken out of service (retired, closed, in repair) only once nothing is
    booked on it from today on."""
    found = future_bookings(session, resource)
    if found:
        raise _still_booked(
            STILL_BOOKED,
            "has_future_bookings",
            "status",
            name=resource_label(resource),
            count=len(found),
            first=listed(found),
        )


def check_booked_units(session: Session, equipment: Equipment, quantity: int) -> None:
    """An equipment line keeps at least as many items as its bookings from today on use at
    once (the same sweep as a new booking's check)."""
    found = future_bookings(session, equipment)
    over: set[int] = set()
    for held in by_day(found).values():
        fit = check(held, start=0, end=24 * 60, units=0, capacity=quantity)
        over.update(h.id for h in fit.conflicts)
    if over:
        affected = [b for b in found if b.id in over]
        raise _still_booked(
            TOO_FEW_ITEMS,
            "booked_units",
            "quantity",
            name=resource_label(equipment),
            count=len(affected),
            quantity=quantity,
            first=listed(affected),
        )


# --- wall-clock times ----------------------------------------------------------------------------


def local_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def local_moment(day: date, minute: int) -> datetime:
    """``minute`` after local midnight of ``day`` as an aware datetime (1440: next midnight)."""
    return datetime.combine(day, time(0), tzinfo=local_zone()) + timedelta(minutes=minute)


def local_now() -> tuple[date, int]:
    now = datetime.now(local_zone())
    return now.date(), now.hour * 60 + now.minute
