"""Helpers for the equipment pages: the list's query-string filters (the same for the page and
its export), the form ↔ schema mapping, select options, labels and error placement, and what of
a line a reader is shown (an enterprise contact: not the college's remarks, nor a venue they may
not see, nor an agreement they could not open)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import College, Department
from tandem.kit.errors import AppError
from tandem.kit.forms import FORM_KEY
from tandem.kit.i18n import N_, get_language, gettext
from tandem.partner.models import Enterprise, Partnership
from tandem.resource import equipment as service
from tandem.resource import scope
from tandem.resource.kinds import (
    ACQUISITION_LABELS,
    EQUIPMENT_STATUS_LABELS,
    MAINTENANCE_LABELS,
    OWNERSHIP_LABELS,
    Acquisition,
    EquipmentStatus,
    MaintenanceKind,
    Ownership,
)
from tandem.resource.models import Equipment, TrainingBase, Venue
from tandem.resource.scope import shown_agreement, shows_internal

Options = list[tuple[int | str, str]]
TEXT_FIELDS = ("asset_tag", "name", "model", "maker", "category", "note")
CHOICE_FIELDS = ("ownership", "acquisition", "status")
OPTIONAL_FIELDS = (
    "partnership_id",
    "college_share_pct",
    "enterprise_share_pct",
    "value_cny",
    "acquired_on",
    "venue_id",
    "agreement_id",
    "department_id",
    "teaching_hour_value_cny",
)
FORM_FIELDS = (*TEXT_FIELDS, *CHOICE_FIELDS, *OPTIONAL_FIELDS, "quantity", "college_id")
MAINTENANCE_FIELDS = (
    "done_on",
    "kind",
    "description",
    "cost_cny",
    "downtime_hours",
    "set_status",
)
STATUS_BADGES = {
    EquipmentStatus.IN_USE: "ok",
    EquipmentStatus.IDLE: "warn",
    EquipmentStatus.MAINTENANCE: "warn",
    EquipmentStatus.RETIRED: "bad",
}


def label(labels: Mapping[Any, str], value: str | None) -> str:
    """The translated label of a code, or the code itself when it has none."""
    if value is None:
        return ""
    return gettext(labels[value]) if value in labels else value


def amount(value: Decimal | int | None) -> str:
    """A quantity or sum as people read it: whole numbers without decimals, else two."""
    if value is None:
        return "—"
    number = Decimal(value)
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


def percent(value: Decimal | int) -> str:
    """A share as people write it: 60, 62.5."""
    return f"{Decimal(value).normalize():f}"


def plain(value: Decimal | None) -> str:
    """A number as a form field holds it (no thousands separators)."""
    return "" if value is None else amount(value).replace(",", "")


def choices() -> dict[str, Any]:
    """Translated options for the selects, and the label helpers for showing codes."""
    return {
        "ownership_options": [(o.value, label(OWNERSHIP_LABELS, o)) for o in Ownership],
        "acquisition_options": [(a.value, label(ACQUISITION_LABELS, a)) for a in Acquisition],
        "status_options": [(s.value, label(EQUIPMENT_STATUS_LABELS, s)) for s in EquipmentStatus],
        "maintenance_options": [(k.value, label(MAINTENANCE_LABELS, k)) for k in MaintenanceKind],
        "ownership_label": lambda code: label(OWNERSHIP_LABELS, code),
        "acquisition_label": lambda code: label(ACQUISITION_LABELS, code),
        "status_label": lambda code: label(EQUIPMENT_STATUS_LABELS, code),
        "status_badge": lambda code: STATUS_BADGES.get(code, ""),
        "maintenance_label": lambda code: label(MAINTENANCE_LABELS, code),
        "amount": amount,
        "percent": percent,
        "enterprise_share": service.enterprise_share,
    }


# --- list filters --------------------------------------------------------------------------------


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def list_filter(
    category: str = "",
    status: str = "",
    ownership: str = "",
    acquisition: str = "",
    venue_id: str = "",
    base_id: str = "",
    department_id: str = "",
    partnership_id: str = "",
    agreement_id: str = "",
) -> service.EquipmentFilter:
    """The list's filters from its query string (the page and its export); values that mean
    nothing are ignored, as a hand-edited address may hold anything."""
    return service.EquipmentFilter(
        category=category.strip()[:100],
        status=status if status in set(EquipmentStatus) else "",
        ownership=ownership if ownership in set(Ownership) else "",
        acquisition=acquisition if acquisition in set(Acquisition) else "",
        venue_id=_id(venue_id),
        base_id=_id(base_id),
        department_id=_id(department_id),
        partnership_id=_id(partnership_id),
        agreement_id=_id(agreement_id),
    )


ListFilter = Annotated[service.EquipmentFilter, Depends(list_filter)]


def shown_filters(filters: service.EquipmentFilter) -> dict[str, str]:
    """The filters as the list's form shows them."""
    return {name: "" if value is None else str(value) for name, value in vars(filters).items()}


def narrowed_to(session: Session, actor: Actor, filters: service.EquipmentFilter) -> list[str]:
    """What the list is narrowed to by a link from another page (base, enterprise, agreement),
    as words, when the actor may know of it."""
    found: list[str] = []
    own = actor.college_id
    base = session.get(TrainingBase, filters.base_id) if filters.base_id else None
    if base is not None and (actor.is_platform_wide or base.college_id == own):
        found.append(gettext(N_("Training base %(name)s"), name=base.name))
    partnership = (
        session.get(Partnership, filters.partnership_id) if filters.partnership_id else None
    )
    if partnership is not None and (
        actor.is_platform_wide
        or partnership.college_id == own
        or (
            actor.role == Role.ENTERPRISE_CONTACT
            and partnership.enterprise_id == actor.enterprise_id
        )
    ):
        found.append(partnership.enterprise.name)
    agreement = session.get(Agreement, filters.agreement_id) if filters.agreement_id else None
    if agreement is not None and (actor.is_platform_wide or agreement.college_id == own):
        found.append(gettext(N_("Agreement %(title)s"), title=agreement.title))
    return found


# --- options -------------------------------------------------------------------------------------


def department_options(session: Session, college_id: int | None) -> Options:
    if college_id is None:
        return []
    stmt = select(Department).where(Department.college_id == college_id).order_by(Department.code)
    language = get_language()
    return [(d.id, f"{d.code} {d.name(language)}") for d in session.scalars(stmt)]


def venue_options(session: Session, college_id: int | None) -> Options:
    if college_id is None:
        return []
    stmt = select(Venue).where(Venue.college_id == college_id).order_by(Venue.code)
    return [(v.id, f"{v.code} {v.name}") for v in session.scalars(stmt)]


def partnership_options(session: Session, college_id: int | None) -> Options:
    if college_id is None:
        return []
    stmt = (
        select(Partnership.id, Enterprise.name)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(Partnership.college_id == college_id)
        .order_by(Enterprise.name, Partnership.id)
    )
    return [(pid, name) for pid, name in session.execute(stmt).all()]


def agreement_options(session: Session, college_id: int | None) -> Options:
    if college_id is None:
        return []
    stmt = (
        select(Agreement, Enterprise.name)
        .join(Partnership, Partnership.id == Agreement.partnership_id)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(Agreement.college_id == college_id)
        .order_by(Enterprise.name, Agreement.title)
    )
    return [
        (a.id, f"{name} · {a.title}" + (f" ({a.number})" if a.number else ""))
        for a, name in session.execute(stmt).all()
    ]


def college_options(session: Session) -> Options:
    language = get_language()
    return [
        (c.id, f"{c.code} {c.name(language)}")
        for c in session.scalars(select(College).order_by(College.code))
    ]


def form_options(session: Session, college_id: int | None) -> dict[str, Options]:
    return {
        "departments": department_options(session, college_id),
        "venues": venue_options(session, college_id),
        "partnerships": partnership_options(session, college_id),
        "agreements": agreement_options(session, college_id),
    }


def list_options(session: Session, actor: Actor) -> dict[str, Options]:
    """Options for the list's filters; an enterprise contact gets none of the college's own."""
    if actor.role == Role.ENTERPRISE_CONTACT or actor.college_id is None:
        return {"departments": [], "venues": []}
    return {
        "departments": department_options(session, actor.college_id),
        "venues": venue_options(session, actor.college_id),
    }


# --- the form ------------------------------------------------------------------------------------


def payload(values: dict[str, str], *, create: bool) -> dict[str, Any]:
    """The form as an EquipmentCreate/Update payload: blank text clears, blank numbers, dates
    and choices are none (an update then keeps the choice, or clears the reference)."""
    data: dict[str, Any] = {name: values.get(name, "") for name in TEXT_FIELDS}
    for name in OPTIONAL_FIELDS:
        data[name] = values.get(name) or None
    for name in (*CHOICE_FIELDS, "quantity"):
        if values.get(name):
            data[name] = values[name]
    if create and values.get("college_id"):
        data["college_id"] = values["college_id"]
    return data


def form_values(equipment: Equipment) -> dict[str, Any]:
    """A line as form values (for the edit form)."""
    values: dict[str, Any] = {name: getattr(equipment, name) for name in TEXT_FIELDS}
    for name in ("partnership_id", "venue_id", "agreement_id", "department_id"):
        values[name] = getattr(equipment, name) or ""
    acquired: date | None = equipment.acquired_on
    values.update(
        ownership=equipment.ownership,
        acquisition=equipment.acquisition,
        status=equipment.status,
        quantity=equipment.quantity,
        college_share_pct=plain(equipment.college_share_pct)
        if equipment.ownership == Ownership.JOINT
        else "",
        value_cny=plain(equipment.value_cny),
        teaching_hour_value_cny=plain(equipment.teaching_hour_value_cny),
        acquired_on=acquired.isoformat() if acquired else "",
        version=equipment.version,
    )
    return values


def form_errors(error: AppError, shown: tuple[str, ...] = FORM_FIELDS) -> dict[str, str]:
    """Messages keyed by form field; one for a field the form does not show goes on top."""
    visible = set(shown)
    messages: dict[str, str] = {}
    for item in error.errors:
        name = item.field if item.field in visible else FORM_KEY
        messages.setdefault(name, item.localised())
    if not error.errors:
        messages[FORM_KEY] = error.localised()
    return messages


def rights(actor: Actor, equipment: Equipment) -> dict[str, bool]:
    """What the actor may do on the line's page."""
    manage = scope.can_manage(actor, equipment)
    return {
        "can_manage": manage,
        "can_book": scope.can_book(actor, equipment) and scope.is_bookable(equipment),
        "can_read_utilisation": actor.can(Permission.RESOURCE_READ),
    }


def shown_venue(actor: Actor, equipment: Equipment) -> Venue | None:
    """The venue the line is placed in, when ``actor`` may see that venue."""
    venue = equipment.venue
    return venue if venue is not None and scope.can_see(actor, venue) else None


def disclosed(actor: Actor, equipment: Equipment) -> dict[str, Any]:
    """What the line's page names besides the line itself, as far as the actor may know it."""
    return {
        "venue": shown_venue(actor, equipment),
        "agreement": shown_agreement(actor, equipment.agreement),
        "show_internal": shows_internal(actor, equipment.college_id),
    }
