"""The equipment register: the list with its search, filters, sorts and totals; adding, changing
and deleting a line. Flushes and audits, never commits.

Scope comes from :mod:`tandem.resource.scope`: a college's staff see its own register, an
enterprise contact the lines its enterprise owns alone or jointly. The cooperation office changes
any line of its college; a department coordinator only their own department's (and adds lines
only to it). A line with bookings is never deleted — it is retired, so its history stays; it is
retired or sent for repair, or given fewer items than it has booked at once, only once the
bookings from today on that it would break are cancelled or moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tandem.agreement.models import Agreement
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import College, Department
from tandem.college.service import check_version
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Partnership
from tandem.resource import booking_rules as rules
from tandem.resource import scope
from tandem.resource.kinds import Acquisition, EquipmentStatus, Ownership
from tandem.resource.models import Booking, BookingSeries, Equipment, Venue
from tandem.resource.schemas_equipment import (
    HUNDRED,
    EquipmentCreate,
    EquipmentUpdate,
    resolve_shares,
)

EQUIPMENT_FIELDS = (
    "asset_tag",
    "name",
    "model",
    "maker",
    "category",
    "quantity",
    "ownership",
    "partnership_id",
    "college_share_pct",
    "acquisition",
    "value_cny",
    "acquired_on",
    "venue_id",
    "agreement_id",
    "department_id",
    "status",
    "teaching_hour_value_cny",
    "note",
)
# Fields an update may set to null (the others keep their value when given null).
NULLABLE = frozenset(
    {
        "partnership_id",
        "value_cny",
        "acquired_on",
        "venue_id",
        "agreement_id",
        "department_id",
        "teaching_hour_value_cny",
    }
)
EQUIPMENT_SORTS = {
    "asset_tag": Equipment.asset_tag,
    "name": Equipment.name,
    "category": Equipment.category,
    "quantity": Equipment.quantity,
    "value_cny": Equipment.value_cny,
    "acquired_on": Equipment.acquired_on,
    "status": Equipment.status,
    "ownership": Equipment.ownership,
    "updated_at": Equipment.updated_at,
}
DEFAULT_SORT = "asset_tag"

OTHER_DEPARTMENT = N_(
    "Department coordinators add and change only their own department's equipment."
)
UNKNOWN_DEPARTMENT = N_("Choose a department of this college.")
UNKNOWN_PARTNERSHIP = N_("Choose an enterprise the college has a partnership with.")
PARTNERSHIP_NEEDED = N_(
    "Equipment owned by an enterprise, alone or jointly, needs that enterprise: choose it."
)
PARTNERSHIP_FOR_COLLEGE = N_(
    "Equipment the college owns alone has no enterprise owner: clear the enterprise, or choose "
    "enterprise or joint ownership."
)
UNKNOWN_VENUE = N_("Choose a venue of this college.")
UNKNOWN_AGREEMENT = N_("Choose an agreement of this college.")
AGREEMENT_OF_OTHER_PARTNER = N_(
    "Agreement %(number)s is with another enterprise: choose an agreement with the owning "
    "enterprise."
)
LENT_NEEDS_AGREEMENT = N_(
    "Equipment lent by an enterprise needs the agreement it was lent under: choose it."
)
LENT_NEEDS_ENTERPRISE = N_(
    "Equipment lent by an enterprise belongs to that enterprise: choose Enterprise as the owner."
)
ACQUIRED_IN_FUTURE = N_("The acquisition date %(date)s is in the future; enter the day it came.")
DUPLICATE_TAG = N_("The college's register already has the asset tag %(value)s.")
HAS_BOOKINGS = N_(
    "%(tag)s has %(count)s booking(s), so deleting it would lose their history. Retire it "
    "instead: set its status to Retired."
)
OUT_OF_SERVICE = frozenset({EquipmentStatus.MAINTENANCE, EquipmentStatus.RETIRED})
COLLEGE_NEEDED = N_("Choose the college whose register the equipment joins: give its college_id.")


@dataclass(frozen=True)
class EquipmentFilter:
    category: str = ""
    status: str = ""
    ownership: str = ""
    acquisition: str = ""
    venue_id: int | None = None
    base_id: int | None = None
    department_id: int | None = None
    partnership_id: int | None = None
    agreement_id: int | None = None
    college_id: int | None = None


@dataclass(frozen=True)
class Totals:
    lines: int
    quantity: int
    value_cny: Decimal


# --- reading -------------------------------------------------------------------------------------


def _search(q: str) -> ColumnElement[bool]:
    pattern = like_pattern(q.strip())
    return or_(
        *(
            column.ilike(pattern, escape="\\")
            for column in (
                Equipment.asset_tag,
                Equipment.name,
                Equipment.model,
                Equipment.maker,
                Equipment.category,
            )
        )
    )


def filtered(*, actor: Actor, q: str = "", filters: EquipmentFilter | None = None) -> Select[Any]:
    """The visible lines matching the search and filters (unsorted, nothing loaded with them)."""
    filters = filters or EquipmentFilter()
    stmt = select(Equipment).where(scope.visible(Equipment, actor))
    if q.strip():
        stmt = stmt.where(_search(q))
    for name in ("category", "status", "ownership", "acquisition"):
        value = getattr(filters, name)
        if value:
            stmt = stmt.where(getattr(Equipment, name) == value)
    for name in ("venue_id", "department_id", "partnership_id", "agreement_id", "college_id"):
        value = getattr(filters, name)
        if value is not None:
            stmt = stmt.where(getattr(Equipment, name) == value)
    if filters.base_id is not None:
        stmt = stmt.where(
            Equipment.venue_id.in_(select(Venue.id).where(Venue.base_id == filters.base_id))
        )
    return stmt


def equipment_query(
    *, actor: Actor, params: ListParams, filters: EquipmentFilter | None = None
) -> Select[Any]:
    stmt = filtered(actor=actor, q=params.q, filters=filters)
    stmt = apply_sort(stmt, params.sort, EQUIPMENT_SORTS, default=DEFAULT_SORT)
    return stmt.order_by(Equipment.id).options(
        selectinload(Equipment.partnership).selectinload(Partnership.enterprise),
        selectinload(Equipment.venue),
        selectinload(Equipment.department),
        selectinload(Equipment.agreement),
    )


def list_equipment(
    session: Session, *, actor: Actor, params: ListParams, filters: EquipmentFilter | None = None
) -> Page[Equipment]:
    return paginate(session, equipment_query(actor=actor, params=params, filters=filters), params)


def totals(
    session: Session, *, actor: Actor, q: str = "", filters: EquipmentFilter | None = None
) -> Totals:
    """Lines, items and value of every line matching (all pages), summed by the database."""
    stmt = filtered(actor=actor, q=q, filters=filters).with_only_columns(
        func.count(Equipment.id),
        func.coalesce(func.sum(Equipment.quantity), 0),
        func.coalesce(func.sum(Equipment.value_cny), 0),
    )
    lines, quantity, value = session.execute(stmt).one()
    return Totals(int(lines), int(quantity), Decimal(str(value or 0)).quantize(Decimal("0.01")))


def categories(session: Session, *, actor: Actor) -> list[str]:
    """The categories in use in the visible register, for the list's filter."""
    stmt = (
        select(Equipment.category)
        .distinct()
        .where(scope.visible(Equipment, actor), Equipment.category != "")
        .order_by(Equipment.category)
    )
    return [str(c) for c in session.scalars(stmt)]


def get_equipment(session: Session, *, actor: Actor, equipment_id: int) -> Equipment:
    return scope.get_visible(session, Equipment, actor=actor, record_id=equipment_id)


def enterprise_share(equipment: Equipment) -> Decimal:
    return HUNDRED - Decimal(equipment.college_share_pct)


def booking_count(session: Session, equipment: Equipment) -> int:
    """Bookings (and weekly series) that name the line, whatever their state."""
    bookings = session.scalar(
        select(func.count()).select_from(Booking).where(Booking.equipment_id == equipment.id)
    )
    series = session.scalar(
        select(func.count())
        .select_from(BookingSeries)
        .where(BookingSeries.equipment_id == equipment.id)
    )
    return int(bookings or 0) + int(series or 0)


# --- checks --------------------------------------------------------------------------------------


def _target_college(session: Session, actor: Actor, college_id: int | None) -> int:
    """The college a new line joins: the actor's own; platform-wide actors name it."""
    if actor.is_platform_wide:
        if college_id is None:
            raise ValidationFailed.single("college_id", "college_required", COLLEGE_NEEDED)
        if session.get(College, college_id) is None:
            raise NotFound(N_("No college with id %(id)s."), id=college_id)
        return college_id
    if actor.college_id is None or (college_id is not None and college_id != actor.college_id):
        raise NotFound(N_("No college with id %(id)s."), id=college_id or 0)
    return actor.college_id


def _require_create(actor: Actor, college_id: int, department_id: int | None) -> None:
    if not scope.can_create_in(actor, college_id=college_id, department_id=department_id):
        if actor.role == Role.DEPARTMENT_COORDINATOR:
            raise PermissionDenied(OTHER_DEPARTMENT, code="other_department")
        raise PermissionDenied()


def require_manage(actor: Actor, equipment: Equipment) -> None:
    if not scope.can_manage(actor, equipment):
        if actor.role == Role.DEPARTMENT_COORDINATOR and actor.college_id == equipment.college_id:
            raise PermissionDenied(OTHER_DEPARTMENT, code="other_department")
        raise PermissionDenied()


def _references(
    session: Session, college_id: int, values: dict[str, Any], errors: list[FieldError]
) -> None:
    """Department, owner, venue and agreement belong to the college and fit together."""
    department_id = values.get("department_id")
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None or department.college_id != college_id:
            errors.append(FieldError("department_id", "unknown_record", UNKNOWN_DEPARTMENT))
    partnership: Partnership | None = None
    partnership_id = values.get("partnership_id")
    if values["ownership"] == Ownership.COLLEGE:
        if partnership_id is not None:
            errors.append(
                FieldError("partnership_id", "partnership_for_college", PARTNERSHIP_FOR_COLLEGE)
            )
    elif partnership_id is None:
        errors.append(FieldError("partnership_id", "partnership_required", PARTNERSHIP_NEEDED))
    if partnership_id is not None:
        partnership = session.get(Partnership, partnership_id)
        if partnership is None or partnership.college_id != college_id:
            errors.append(FieldError("partnership_id", "unknown_record", UNKNOWN_PARTNERSHIP))
            partnership = None
    venue_id = values.get("venue_id")
    if venue_id is not None:
        venue = session.get(Venue, venue_id)
        if venue is None or venue.college_id != college_id:
            errors.append(FieldError("venue_id", "unknown_record", UNKNOWN_VENUE))
    agreement_id = values.get("agreement_id")
    if agreement_id is not None:
        agreement = session.get(Agreement, agreement_id)
        if agreement is None or agreement.college_id != college_id:
            errors.append(FieldError("agreement_id", "unknown_record", UNKNOWN_AGREEMENT))
        elif partnership is not None and agreement.partnership_id != partnership.id:
            errors.append(
                FieldError(
                    "agreement_id",
                    "other_partnership",
                    AGREEMENT_OF_OTHER_PARTNER,
                    {"number": agreement.number or agreement.title},
                )
            )


def _check_bookings_ahead(session: Session, equipment: Equipment, values: dict[str, Any]) -> None:
    """The bookings from today on stay possible: the line is not taken out of service under
    them, nor left with fewer items than they use at once."""
    status = values["status"]
    if status != equipment.status and status in OUT_OF_SERVICE:
        rules.check_no_future_bookings(session, equipment)
    if values["quantity"] < equipment.quantity:
        rules.check_booked_units(session, equipment, values["quantity"])


def _acquisition(values: dict[str, Any], errors: list[FieldError]) -> None:
    if values["acquisition"] != Acquisition.LENT:
        return
    if values.get("agreement_id") is None:
        errors.append(FieldError("agreement_id", "lent_needs_agreement", LENT_NEEDS_AGREEMENT))
    if values["ownership"] != Ownership.ENTERPRISE:
        errors.append(FieldError("ownership", "lent_needs_enterprise", LENT_NEEDS_ENTERPRISE))


def _tag_taken(session: Session, college_id: int, tag: str, other_than: int | None) -> bool:
    stmt = select(func.count()).where(
        Equipment.college_id == college_id, Equipment.asset_tag == tag
    )
    if other_than is not None:
        stmt = stmt.where(Equipment.id != other_than)
    return bool(session.scalar(stmt))


def _checked(
    session: Session,
    college_id: int,
    values: dict[str, Any],
    shares: tuple[Decimal | None, Decimal | None],
    current_share: Decimal | None,
    other_than: int | None,
) -> Decimal:
    """Every rule on the line's final values; all broken ones are reported together. Returns
    the college's share."""
    errors: list[FieldError] = []
    share = HUNDRED
    try:
        share = resolve_shares(values["ownership"], shares[0], shares[1], current_share)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    _references(session, college_id, values, errors)
    _acquisition(values, errors)
    acquired_on = values.get("acquired_on")
    if acquired_on is not None and acquired_on > local_today():
        errors.append(
            FieldError(
                "acquired_on", "in_future", ACQUIRED_IN_FUTURE, {"date": acquired_on.isoformat()}
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    tag = values["asset_tag"]
    if _tag_taken(session, college_id, tag, other_than):
        raise Conflict(
            DUPLICATE_TAG,
            code="duplicate",
            errors=[FieldError("asset_tag", "duplicate", DUPLICATE_TAG, {"value": tag})],
            value=tag,
        )
    return share


def snapshot(equipment: Equipment) -> dict[str, Any]:
    return audit.snapshot(equipment, EQUIPMENT_FIELDS)


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    equipment: Equipment,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=equipment,
        college_id=equipment.college_id,
        before=before,
        after=after,
        summary=f"{equipment.asset_tag} {equipment.name}",
    )


# --- writing -------------------------------------------------------------------------------------


def create_equipment(session: Session, *, actor: Actor, data: EquipmentCreate) -> Equipment:
    """A new line of the register (a coordinator's goes to their own department by default)."""
    if not actor.can(Permission.RESOURCE_MANAGE):
        raise PermissionDenied()
    college_id = _target_college(session, actor, data.college_id)
    values = data.model_dump(exclude={"college_id", "college_share_pct", "enterprise_share_pct"})
    if values["department_id"] is None and actor.role == Role.DEPARTMENT_COORDINATOR:
        values["department_id"] = actor.department_id
    _require_create(actor, college_id, values["department_id"])
    shares = (data.college_share_pct, data.enterprise_share_pct)
    share = _checked(session, college_id, values, shares, None, None)
    equipment = Equipment(college_id=college_id, college_share_pct=share, **values)
    session.add(equipment)
    session.flush()
    _audit(session, actor, "create", equipment, None, snapshot(equipment))
    return equipment


def update_equipment(
    session: Session, *, actor: Actor, equipment: Equipment, data: EquipmentUpdate
) -> Equipment:
    """Change a line; only the fields given change (send ``version`` to catch stale edits)."""
    require_manage(actor, equipment)
    check_version(equipment, data.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    shares = (given.pop("college_share_pct", None), given.pop("enterprise_share_pct", None))
    before = snapshot(equipment)
    values = {name: getattr(equipment, name) for name in EQUIPMENT_FIELDS}
    for name, value in given.items():
        if value is not None or name in NULLABLE:
            values[name] = value
    if values["ownership"] == Ownership.COLLEGE and "partnership_id" not in given:
        values["partnership_id"] = None  # the enterprise owner goes with the ownership
    if values["department_id"] != equipment.department_id:
        _require_create(actor, equipment.college_id, values["department_id"])
    values["college_share_pct"] = _checked(
        session,
        equipment.college_id,
        values,
        shares,
        Decimal(equipment.college_share_pct),
        equipment.id,
    )
    if all(values[name] == getattr(equipment, name) for name in EQUIPMENT_FIELDS):
        return equipment  # nothing changes: no new version, no audit entry
    _check_bookings_ahead(session, equipment, values)
    for name, value in values.items():
        setattr(equipment, name, value)
    session.flush()
    _audit(session, actor, "update", equipment, before, snapshot(equipment))
    return equipment


def delete_equipment(session: Session, *, actor: Actor, equipment: Equipment) -> None:
    """Remove a line entered by mistake (with its maintenance records); one that has been
    booked is retired instead."""
    require_manage(actor, equipment)
    count = booking_count(session, equipment)
    if count:
        raise Conflict(HAS_BOOKINGS, code="has_bookings", tag=equipment.asset_tag, count=count)
    before = snapshot(equipment)
    before["maintenance_records"] = len(equipment.maintenance)
    _audit(session, actor, "delete", equipment, before, None)
    session.delete(equipment)
    session.flush()
