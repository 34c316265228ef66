"""Who sees and who may change which resource: the one place the tenant filter is applied.

A college's staff with ``resource.read`` see their own college's venues, equipment, bases and
bookings; an enterprise contact sees only what their enterprise owns (alone or jointly) or hosts,
and the bookings of those; platform admins and system actors see everything. Another's record is
a 404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.agreement.repository import INTERNAL
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.resource.kinds import BaseStatus, EquipmentStatus, VenueStatus
from tandem.resource.models import Booking, BookingSeries, Equipment, TrainingBase, Venue

Owned = TypeVar("Owned", Venue, Equipment, TrainingBase)
Resource = Venue | Equipment


def _enterprise_partnerships(actor: Actor) -> Select[int]:
    return select(Partnership.id).where(Partnership.enterprise_id == actor.enterprise_id)


def visible(model: type[Owned], actor: Actor) -> ColumnElement[bool]:
    """The condition for the venues, equipment or bases ``actor`` may see."""
    if actor.is_platform_wide:
        return true()
    if actor.role == Role.ENTERPRISE_CONTACT:
        if actor.enterprise_id is None:
            return false()
        return model.partnership_id.in_(_enterprise_partnerships(actor))
    if actor.college_id is not None and actor.can(Permission.RESOURCE_READ):
        return model.college_id == actor.college_id
    return false()


def visible_bookings(actor: Actor) -> ColumnElement[bool]:
    """Bookings of the venues and equipment ``actor`` may see."""
    if actor.is_platform_wide:
        return true()
    if actor.role == Role.ENTERPRISE_CONTACT:
        if actor.enterprise_id is None:
            return false()
        return or_(
            Booking.venue_id.in_(select(Venue.id).where(visible(Venue, actor))),
            Booking.equipment_id.in_(select(Equipment.id).where(visible(Equipment, actor))),
        )
    if actor.college_id is not None and actor.can(Permission.RESOURCE_READ):
        return Booking.college_id == actor.college_id
    return false()


_MISSING = {
    Venue: N_("No venue with id %(id)s."),
    Equipment: N_("No equipment with id %(id)s."),
    TrainingBase: N_("No training base with id %(id)s."),
}


def get_visible(session: Session, model: type[Owned], *, actor: Actor, record_id: int) -> Owned:
    record = session.scalar(select(model).where(model.id == record_id, visible(model, actor)))
    if record is None:
        raise NotFound(_MISSING[model], id=record_id)
    return record


def get_booking(session: Session, *, actor: Actor, booking_id: int) -> Booking:
    booking = session.scalar(
        select(Booking).where(Booking.id == booking_id, visible_bookings(actor))
    )
    if booking is None:
        raise NotFound(N_("No booking with id %(id)s."), id=booking_id)
    return booking


def get_series(session: Session, *, actor: Actor, series_id: int) -> BookingSeries:
    """A series, visible when its resource is."""
    series = session.get(BookingSeries, series_id)
    if series is not None:
        resource: Any = (
            session.get(Venue, series.venue_id)
            if series.venue_id is not None
            else session.get(Equipment, series.equipment_id)
        )
        if resource is not None and can_see(actor, resource):
            return series
    raise NotFound(N_("No booking series with id %(id)s."), id=series_id)


# --- rights on a record (the services check these; the routes only check the permission) -------


def can_see(actor: Actor, record: Venue | Equipment | TrainingBase) -> bool:
    if actor.is_platform_wide:
        return True
    if actor.role == Role.ENTERPRISE_CONTACT:
        return (
            actor.enterprise_id is not None
            and record.partnership is not None
            and record.partnership.enterprise_id == actor.enterprise_id
        )
    return actor.college_id == record.college_id and actor.can(Permission.RESOURCE_READ)


def can_manage(actor: Actor, record: Venue | Equipment | TrainingBase) -> bool:
    """Change the register entry: the cooperation office; a coordinator, their department's."""
    if actor.is_platform_wide:
        return True
    if actor.college_id != record.college_id or not actor.can(Permission.RESOURCE_MANAGE):
        return False
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        return record.department_id is not None and record.department_id == actor.department_id
    return True


def can_create_in(actor: Actor, *, college_id: int, department_id: int | None) -> bool:
    """Add a register entry to ``college_id`` (coordinators: only for their own department)."""
    if actor.is_platform_wide:
        return True
    if actor.college_id != college_id or not actor.can(Permission.RESOURCE_MANAGE):
        return False
    if actor.role == Role.DEPARTMENT_COORDINATOR:
        return department_id is not None and department_id == actor.department_id
    return True


def is_bookable(resource: Resource) -> bool:
    if isinstance(resource, Venue):
        return resource.status == VenueStatus.ACTIVE
    return resource.status not in (EquipmentStatus.RETIRED, EquipmentStatus.MAINTENANCE)


def can_book(actor: Actor, resource: Resource) -> bool:
    return can_see(actor, resource) and actor.can(Permission.BOOKING_MAKE)


def can_change_booking(actor: Actor, booking: Booking | BookingSeries, resource: Resource) -> bool:
    """Cancel a booking or confirm its use: the one who booked it, or who manages the resource."""
    if actor.user_id is not None and booking.booked_by_user_id == actor.user_id:
        return True
    return can_manage(actor, resource)


def shows_internal(actor: Actor, college_id: int) -> bool:
    """Whether ``actor`` reads the college's internal remarks on its register (and a base's
    funding per student): the college itself and platform administration, never enterprises."""
    if actor.role == Role.ENTERPRISE_CONTACT:
        return False
    return actor.is_platform_wide or actor.college_id == college_id


def shown_agreement(actor: Actor, agreement: Agreement | None) -> Agreement | None:
    """A linked agreement, when ``actor`` could open it (as the agreement module scopes it: an
    enterprise contact only their enterprise's, never one still inside the college)."""
    if agreement is None or actor.is_platform_wide:
        return agreement
    if actor.role == Role.ENTERPRISE_CONTACT:
        own = (
            actor.enterprise_id is not None
            and agreement.status not in INTERNAL
            and agreement.partnership.enterprise_id == actor.enterprise_id
        )
        return agreement if own else None
    if actor.college_id == agreement.college_id and actor.can(Permission.AGREEMENT_READ):
        return agreement
    return None


def base_is_open(base: TrainingBase) -> bool:
    return base.status == BaseStatus.ACTIVE
