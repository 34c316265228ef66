"""Helpers shared by the venue and training-base pages: labels, select options, the lists'
query-string filters (the same for a page and its export), form errors and owner groups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tandem.kit.errors import AppError
from tandem.kit.forms import FORM_KEY, errors_by_field
from tandem.kit.i18n import N_, get_language, gettext
from tandem.partner.models import Enterprise, Partnership
from tandem.people.models import Major
from tandem.resource.bases import BaseFilter
from tandem.resource.kinds import (
    BASE_KIND_LABELS,
    BASE_STATUS_LABELS,
    EQUIPMENT_STATUS_LABELS,
    OWNERSHIP_LABELS,
    VENUE_LABELS,
    VENUE_STATUS_LABELS,
    BaseKind,
    BaseStatus,
    Ownership,
    VenueKind,
    VenueStatus,
)
from tandem.resource.models import Equipment, TrainingBase
from tandem.resource.venues import VenueFilter

CHECKED = ("yes", "on", "true", "1")
Options = list[tuple[int | str, str]]


def label(labels: Mapping[Any, str], value: str | None) -> str:
    """The translated label of a code, or the code itself when it has none."""
    if value is None:
        return ""
    return gettext(labels[value]) if value in labels else value


def number(value: Decimal | int | None) -> str:
    """A quantity as people read it: whole numbers without decimals, else two."""
    if value is None:
        return "—"
    amount = Decimal(value)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def may_create(actor: Actor) -> bool:
    """Whether to offer "New …" (the service still checks the department)."""
    return actor.can(Permission.RESOURCE_MANAGE) and (
        actor.is_platform_wide or actor.college_id is not None
    )


def choices() -> dict[str, Any]:
    """Translated options for the selects and the label helpers for the templates."""
    return {
        "venue_kind_options": [(k.value, label(VENUE_LABELS, k)) for k in VenueKind],
        "venue_status_options": [(s.value, label(VENUE_STATUS_LABELS, s)) for s in VenueStatus],
        "ownership_options": [(o.value, label(OWNERSHIP_LABELS, o)) for o in Ownership],
        "base_kind_options": [(k.value, label(BASE_KIND_LABELS, k)) for k in BaseKind],
        "base_status_options": [(s.value, label(BASE_STATUS_LABELS, s)) for s in BaseStatus],
        "venue_kind_label": lambda v: label(VENUE_LABELS, v),
        "venue_status_label": lambda v: label(VENUE_STATUS_LABELS, v),
        "venue_status_badge": lambda v: {"active": "ok", "under_maintenance": "warn"}.get(v, ""),
        "ownership_label": lambda v: label(OWNERSHIP_LABELS, v),
        "base_kind_label": lambda v: label(BASE_KIND_LABELS, v),
        "base_status_label": lambda v: label(BASE_STATUS_LABELS, v),
        "base_status_badge": lambda v: "ok" if v == BaseStatus.ACTIVE else "",
        "equipment_status_label": lambda v: label(EQUIPMENT_STATUS_LABELS, v),
        "number": number,
        "money": money,
    }


# --- select options (one college's records; every college's for a platform administrator) -------


def _college_codes(session: Session) -> dict[int, str]:
    return {c.id: c.code for c in session.scalars(select(College))}


def _prefixed(
    session: Session, college_id: int | None, rows: Iterable[tuple[int, int, str]]
) -> Options:
    """(id, text) options; without a college, each text starts with its college's code."""
    rows = list(rows)
    if college_id is not None:
        return [(record_id, text) for record_id, _, text in rows]
    codes = _college_codes(session)
    return [(rid, f"{codes.get(cid, '?')} · {text}") for rid, cid, text in rows]


def college_options(session: Session) -> Options:
    language = get_language()
    stmt = select(College).order_by(College.code)
    return [(c.id, f"{c.code} · {c.name(language)}") for c in session.scalars(stmt)]


def department_options(session: Session, college_id: int | None) -> Options:
    language = get_language()
    stmt = select(Department).order_by(Department.college_id, Department.code)
    if college_id is not None:
        stmt = stmt.where(Department.college_id == college_id)
    rows = ((d.id, d.college_id, f"{d.code} {d.name(language)}") for d in session.scalars(stmt))
    return _prefixed(session, college_id, rows)


def partnership_options(session: Session, college_id: int | None) -> Options:
    """The college's partnerships, by enterprise name (the owner or host to choose)."""
    stmt = (
        select(Partnership.id, Partnership.college_id, Enterprise.name)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .order_by(Enterprise.name, Partnership.id)
    )
    if college_id is not None:
        stmt = stmt.where(Partnership.college_id == college_id)
    rows = ((pid, cid, str(name)) for pid, cid, name in session.execute(stmt).all())
    return _prefixed(session, college_id, rows)


def base_options(session: Session, college_id: int | None) -> Options:
    stmt = select(TrainingBase).order_by(TrainingBase.college_id, TrainingBase.code)
    if college_id is not None:
        stmt = stmt.where(TrainingBase.college_id == college_id)
    rows = ((b.id, b.college_id, f"{b.code} {b.name}") for b in session.scalars(stmt))
    return _prefixed(session, college_id, rows)


def agreement_options(session: Session, college_id: int | None) -> Options:
    stmt = (
        select(Agreement.id, Agreement.college_id, Agreement.title, Enterprise.name)
        .join(Partnership, Partnership.id == Agreement.partnership_id)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .order_by(Enterprise.name, Agreement.title, Agreement.id)
    )
    if college_id is not None:
        stmt = stmt.where(Agreement.college_id == college_id)
    rows = ((aid, cid, f"{name} · {title}") for aid, cid, title, name in session.execute(stmt))
    return _prefixed(session, college_id, rows)


def major_options(session: Session, college_id: int | None, keep: Iterable[int] = ()) -> Options:
    """Majors not archived (and any already chosen, so an edit does not drop them silently)."""
    language = get_language()
    kept = list(keep)
    stmt = select(Major).order_by(Major.college_id, Major.code)
    if college_id is not None:
        stmt = stmt.where(Major.college_id == college_id)
    rows = (
        (m.id, m.college_id, f"{m.code} {m.name(language)}")
        for m in session.scalars(stmt)
        if m.archived_at is None or m.id in kept
    )
    return _prefixed(session, college_id, rows)


# --- the lists' filters from the query string -----------------------------------------------------


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def venue_filter(
    kind: str = "",
    status: str = "",
    ownership: str = "",
    department_id: str = "",
    base_id: str = "",
    partnership_id: str = "",
) -> VenueFilter:
    """The venue list's filters (page and export); values that mean nothing are ignored, as a
    hand-edited address may hold anything."""
    return VenueFilter(
        kind=kind if kind in set(VenueKind) else "",
        status=status if status in set(VenueStatus) else "",
        ownership=ownership if ownership in set(Ownership) else "",
        department_id=_id(department_id),
        base_id=_id(base_id),
        partnership_id=_id(partnership_id),
    )


def base_filter(
    kind: str = "", status: str = "", department_id: str = "", partnership_id: str = ""
) -> BaseFilter:
    return BaseFilter(
        kind=kind if kind in set(BaseKind) else "",
        status=status if status in set(BaseStatus) else "",
        department_id=_id(department_id),
        partnership_id=_id(partnership_id),
    )


VenueListFilter = Annotated[VenueFilter, Depends(venue_filter)]
BaseListFilter = Annotated[BaseFilter, Depends(base_filter)]


def shown(filters: VenueFilter | BaseFilter) -> dict[str, str]:
    """The filters as the form shows them (ids as text, empty when unset)."""
    values = {
        name: getattr(filters, name)
        for name in ("kind", "status", "ownership", "department_id", "base_id", "partnership_id")
        if hasattr(filters, name)
    }
    return {name: "" if value is None else str(value) for name, value in values.items()}


def filter_options(session: Session, actor: Actor) -> dict[str, Options]:
    """Department, base and enterprise filters: only within the reader's own college."""
    if actor.college_id is None:
        return {"departments": [], "bases": [], "partnerships": []}
    return {
        "departments": department_options(session, actor.college_id),
        "bases": base_options(session, actor.college_id),
        "partnerships": partnership_options(session, actor.college_id),
    }


# --- forms ---------------------------------------------------------------------------------------


def form_errors(error: AppError, fields: Iterable[str]) -> dict[str, str]:
    """Messages beside their fields (``major_ids.2`` beside ``major_ids``); a message for a
    field the form does not show goes to the top of the form."""
    visible = set(fields)
    messages: dict[str, str] = {}
    for name, message in errors_by_field(error).items():
        key = name.split(".", 1)[0]
        messages.setdefault(key if key in visible else FORM_KEY, message)
    return messages


def plain(value: Any) -> str:
    """A stored value as a form shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- equipment grouped by owner ------------------------------------------------------------------


@dataclass
class OwnerGroup:
    label: str
    items: list[Equipment] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((e.value_cny or Decimal(0) for e in self.items), Decimal(0))

    @property
    def quantity(self) -> int:
        return sum(e.quantity for e in self.items)


def owner_label(item: Equipment) -> str:
    name = item.partnership.enterprise.name if item.partnership else "?"
    if item.ownership == Ownership.ENTERPRISE:
        return name
    if item.ownership == Ownership.JOINT:
        return gettext(N_("Joint: the college and %(name)s"), name=name)
    return gettext(N_("The college"))


def by_owner(items: Iterable[Equipment]) -> list[OwnerGroup]:
    """Equipment grouped by its owner: the college first, then enterprises, then joint ones."""
    order = {Ownership.COLLEGE: 0, Ownership.ENTERPRISE: 1, Ownership.JOINT: 2}
    groups: dict[tuple[int, str], OwnerGroup] = {}
    for item in items:
        text = owner_label(item)
        key = (order.get(Ownership(item.ownership), 3), text)
        groups.setdefault(key, OwnerGroup(text)).items.append(item)
    return [groups[key] for key in sorted(groups)]
