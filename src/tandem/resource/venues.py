"""Venues: rooms, workshops, laboratories, simulated practice sites and a productive base's floor.

Every read goes through :mod:`tandem.resource.scope` (another college's venue is a 404); the
cooperation office manages its college's venues, a department coordinator those of their
department. Writes flush and audit, never commit. A venue with bookings, equipment or agreement
links is never deleted (its history would go with it): it is closed instead — once the bookings
from today on are cancelled or moved (as before putting it under maintenance).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import Department
from tandem.college.service import check_version, college_of_new_record
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Partnership
from tandem.resource import booking_rules as rules
from tandem.resource import scope
from tandem.resource.kinds import Ownership, VenueStatus
from tandem.resource.models import (
    AgreementResource,
    Booking,
    BookingSeries,
    Equipment,
    TrainingBase,
    Venue,
)
from tandem.resource.schemas_venues import VenueCreate, VenueUpdate

VENUE_FIELDS = (
    "code",
    "name",
    "building",
    "kind",
    "area_m2",
    "workstations",
    "ownership",
    "partnership_id",
    "department_id",
    "base_id",
    "status",
    "note",
)
NULLABLE = frozenset({"area_m2", "partnership_id", "department_id", "base_id"})
VENUE_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "code": Venue.code,
    "name": Venue.name,
    "building": Venue.building,
    "kind": Venue.kind,
    "area_m2": Venue.area_m2,
    "workstations": Venue.workstations,
    "status": Venue.status,
    "updated_at": Venue.updated_at,
}
OTHER_DEPARTMENT = N_(
    "Department coordinators manage only their own department's venues, equipment and bases."
)


@dataclass(frozen=True)
class VenueFilter:
    kind: str = ""
    status: str = ""
    ownership: str = ""
    department_id: int | None = None
    base_id: int | None = None
    partnership_id: int | None = None
    college_id: int | None = None


# --- reading -------------------------------------------------------------------------------------


def venues_query(
    *, actor: Actor, params: ListParams, filters: VenueFilter | None = None
) -> Select[Venue]:
    """The venues ``actor`` sees, searched, filtered and sorted (the list, the API, the export)."""
    filters = filters or VenueFilter()
    stmt = select(Venue).where(scope.visible(Venue, actor))
    text = params.q.strip()
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                Venue.code.ilike(pattern, escape="\\"),
                Venue.name.ilike(pattern, escape="\\"),
                Venue.building.ilike(pattern, escape="\\"),
            )
        )
    for column, value in (
        (Venue.kind, filters.kind),
        (Venue.status, filters.status),
        (Venue.ownership, filters.ownership),
    ):
        if value:
            stmt = stmt.where(column == value)
    for id_column, id_value in (
        (Venue.department_id, filters.department_id),
        (Venue.base_id, filters.base_id),
        (Venue.partnership_id, filters.partnership_id),
        (Venue.college_id, filters.college_id),
    ):
        if id_value is not None:
            stmt = stmt.where(id_column == id_value)
    stmt = apply_sort(stmt, params.sort, VENUE_SORTS, default="code")
    return stmt.order_by(Venue.id).options(
        selectinload(Venue.partnership).selectinload(Partnership.enterprise),
        selectinload(Venue.department),
        selectinload(Venue.base),
    )


def list_venues(
    session: Session, *, actor: Actor, params: ListParams, filters: VenueFilter | None = None
) -> Page[Venue]:
    return paginate(session, venues_query(actor=actor, params=params, filters=filters), params)


def get_venue(session: Session, *, actor: Actor, venue_id: int) -> Venue:
    """A venue ``actor`` may see; anyone else's is a 404."""
    return scope.get_visible(session, Venue, actor=actor, record_id=venue_id)


def equipment_counts(session: Session, *, actor: Actor, venue_ids: Iterable[int]) -> dict[int, int]:
    """How many equipment lines (that ``actor`` sees) are placed in each venue."""
    ids = sorted(set(venue_ids))
    if not ids:
        return {}
    stmt = (
        select(Equipment.venue_id, func.count(Equipment.id))
        .where(Equipment.venue_id.in_(ids), scope.visible(Equipment, actor))
        .group_by(Equipment.venue_id)
    )
    return {venue_id: count for venue_id, count in session.execute(stmt).all() if venue_id}


def equipment_in(session: Session, *, actor: Actor, venue_ids: Iterable[int]) -> list[Equipment]:
    """The equipment placed in these venues (as ``actor`` sees it), by venue then asset tag."""
    ids = sorted(set(venue_ids))
    if not ids:
        return []
    stmt = (
        select(Equipment)
        .where(Equipment.venue_id.in_(ids), scope.visible(Equipment, actor))
        .order_by(Equipment.venue_id, Equipment.asset_tag, Equipment.id)
        .options(selectinload(Equipment.partnership).selectinload(Partnership.enterprise))
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class VenueUse:
    """What refers to a venue and keeps it from being deleted."""

    bookings: int
    equipment: int
    links: int

    @property
    def in_use(self) -> bool:
        return bool(self.bookings or self.equipment or self.links)


def venue_use(session: Session, venue: Venue) -> VenueUse:
    """Every booking (also cancelled or in a series), equipment line and agreement link."""
    bookings = session.scalar(select(func.count()).where(Booking.venue_id == venue.id)) or 0
    series = session.scalar(select(func.count()).where(BookingSeries.venue_id == venue.id)) or 0
    equipment = session.scalar(select(func.count()).where(Equipment.venue_id == venue.id)) or 0
    links = session.scalar(select(func.count()).where(AgreementResource.venue_id == venue.id)) or 0
    return VenueUse(bookings=bookings + series, equipment=equipment, links=links)


# --- references (shared with the training bases) -----------------------------------------------


def check_college(session: Session, *, actor: Actor, college_id: int | None) -> int:
    return college_of_new_record(session, actor=actor, college_id=college_id)


def check_department(session: Session, college_id: int, department_id: int | None) -> None:
    if department_id is None:
        return
    department = session.get(Department, department_id)
    if department is None or department.college_id != college_id:
        raise ValidationFailed.single(
            "department_id", "unknown_record", N_("Choose a department of this college.")
        )


def check_partnership(
    session: Session, college_id: int, partnership_id: int | None
) -> Partnership | None:
    if partnership_id is None:
        return None
    partnership = session.get(Partnership, partnership_id)
    if partnership is None or partnership.college_id != college_id:
        raise ValidationFailed.single(
            "partnership_id",
            "unknown_record",
            N_("Choose an enterprise this college has a partnership with."),
        )
    return partnership


def check_rights(actor: Actor, *, college_id: int, department_id: int | None) -> None:
    """May ``actor`` keep a register entry in this college and department?"""
    if not scope.can_create_in(actor, college_id=college_id, department_id=department_id):
        raise PermissionDenied(
            OTHER_DEPARTMENT if actor.role == Role.DEPARTMENT_COORDINATOR else None,
            code="other_department" if actor.role == Role.DEPARTMENT_COORDINATOR else None,
        )


def _check_base(session: Session, college_id: int, base_id: int | None) -> None:
    if base_id is None:
        return
    base = session.get(TrainingBase, base_id)
    if base is None or base.college_id != college_id:
        raise ValidationFailed.single(
            "base_id", "unknown_record", N_("Choose a training base of this college.")
        )


def _check_ownership(values: dict[str, Any]) -> None:
    owned_alone = values["ownership"] == Ownership.COLLEGE
    if owned_alone and values["partnership_id"] is not None:
        raise ValidationFailed.single(
            "partnership_id",
            "owner_not_expected",
            N_(
                "A venue the college owns alone has no enterprise owner: clear the enterprise, "
                "or choose enterprise or joint ownership."
            ),
        )
    if not owned_alone and values["partnership_id"] is None:
        raise ValidationFailed.single(
            "partnership_id",
            "owner_required",
            N_(
                "Choose the enterprise that owns the venue (alone or jointly), or choose "
                "ownership by the college."
            ),
        )


def _check_code(session: Session, college_id: int, code: str, other_than: int | None) -> None:
    stmt = select(Venue.id).where(Venue.college_id == college_id, Venue.code == code)
    if other_than is not None:
        stmt = stmt.where(Venue.id != other_than)
    if session.scalar(stmt.limit(1)) is not None:
        message = N_("Another venue of the college already has the code %(value)s.")
        raise Conflict(
            message,
            code="duplicate",
            errors=[FieldError("code", "duplicate", message, {"value": code})],
            value=code,
        )


def _check(session: Session, college_id: int, values: dict[str, Any], venue_id: int | None) -> None:
    """Every rule on a venue's (merged) values, before anything is changed."""
    _check_ownership(values)
    check_partnership(session, college_id, values["partnership_id"])
    check_department(session, college_id, values["department_id"])
    _check_base(session, college_id, values["base_id"])
    _check_code(session, college_id, values["code"], venue_id)


# --- writing -------------------------------------------------------------------------------------


def _audit(
    session: Session, actor: Actor, action: str, venue: Venue, before: dict[str, Any] | None
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=venue,
        college_id=venue.college_id,
        before=before,
        after=audit.snapshot(venue, VENUE_FIELDS) if action != "delete" else None,
        summary=f"{venue.code} {venue.name}",
    )


def create_venue(session: Session, *, actor: Actor, data: VenueCreate) -> Venue:
    college_id = check_college(session, actor=actor, college_id=data.college_id)
    values = data.model_dump(exclude={"college_id"})
    if values["department_id"] is None and actor.role == Role.DEPARTMENT_COORDINATOR:
        values["department_id"] = actor.department_id  # a coordinator's venue is their dept's
    check_rights(actor, college_id=college_id, department_id=values["department_id"])
    _check(session, college_id, values, None)
    venue = Venue(college_id=college_id, **values)
    session.add(venue)
    session.flush()
    _audit(session, actor, "create", venue, None)
    return venue


def require_manage(actor: Actor, record: Venue | Equipment | TrainingBase) -> None:
    if not scope.can_manage(actor, record):
        raise PermissionDenied(
            OTHER_DEPARTMENT if actor.role == Role.DEPARTMENT_COORDINATOR else None,
            code="other_department" if actor.role == Role.DEPARTMENT_COORDINATOR else None,
        )


def update_venue(session: Session, *, actor: Actor, venue: Venue, data: VenueUpdate) -> Venue:
    """Change the fields given (``null`` clears an optional one); a stale version is a 409."""
    require_manage(actor, venue)
    check_version(venue, data.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in given.items() if v is not None or k in NULLABLE}
    merged = {name: getattr(venue, name) for name in VENUE_FIELDS} | changes
    check_rights(actor, college_id=venue.college_id, department_id=merged["department_id"])
    _check(session, venue.college_id, merged, venue.id)
    if merged["status"] != venue.status and merged["status"] != VenueStatus.ACTIVE:
        rules.check_no_future_bookings(session, venue)  # closed or in repair: none ahead
    before = audit.snapshot(venue, VENUE_FIELDS)
    for name, value in changes.items():
        setattr(venue, name, value)
    session.flush()
    session.expire(venue, ["partnership", "department", "base"])  # follow the new ids
    if audit.snapshot(venue, VENUE_FIELDS) != before:
        _audit(session, actor, "update", venue, before)
    return venue


def delete_refusal(use: VenueUse) -> Conflict:
    return Conflict(
        N_(
            "This venue cannot be deleted while other records refer to it (bookings: "
            "%(bookings)s; equipment lines: %(equipment)s; agreement terms: %(links)s). Close "
            "it instead (set its status to Closed): it can no longer be booked and its history "
            "is kept."
        ),
        code="venue_in_use",
        bookings=use.bookings,
        equipment=use.equipment,
        links=use.links,
    )


def delete_venue(session: Session, *, actor: Actor, venue: Venue) -> None:
    """Delete a venue nothing refers to; otherwise refuse and say to close it."""
    require_manage(actor, venue)
    use = venue_use(session, venue)
    if use.in_use:
        raise delete_refusal(use)
    before = audit.snapshot(venue, VENUE_FIELDS)
    _audit(session, actor, "delete", venue, before)
    session.delete(venue)
    session.flush()


def enterprise_name(record: Venue | TrainingBase) -> str | None:
    return record.partnership.enterprise.name if record.partnership is not None else None
