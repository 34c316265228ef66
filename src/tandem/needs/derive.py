"""The college's offer derived from the register: its venues and equipment, and how idle they
stood over the 180 days before today.

Venues and equipment lines of the college (owned by it alone or jointly; not closed, not
retired) become the offer's venue and equipment rows with ``idle_pct`` = 100 − utilisation rate
(used hours over available hours, :func:`tandem.resource.utilisation.resource_rates`), clipped to
0..100; a resource with no available hours in the period counts as wholly idle. Equipment lines
of the same name and category are merged: quantities summed, idleness weighted by quantity. The
offer's expertise, capacity and the rest are kept; the result is saved through
:func:`tandem.needs.service.save_offer` (audited, versioned).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.kit.dates import local_today
from tandem.kit.errors import PermissionDenied
from tandem.needs import service
from tandem.needs.models import CollegeOffer
from tandem.needs.schemas import OfferData, OfferEquipment, OfferUpdate, OfferVenue
from tandem.resource.kinds import EquipmentStatus, Ownership, VenueStatus
from tandem.resource.models import Equipment, Venue
from tandem.resource.utilisation import resource_rates

WINDOW_DAYS = 180
OWNED = (Ownership.COLLEGE, Ownership.JOINT)
MAX_VENUES = 200  # what the offer holds (OfferData)
MAX_EQUIPMENT = 500
MAX_AREA = 1_000_000
Row = TypeVar("Row", OfferVenue, OfferEquipment)


def window(today: date) -> tuple[date, date]:
    """The 180 days before ``today`` (today itself is not over yet)."""
    return today - timedelta(days=WINDOW_DAYS), today - timedelta(days=1)


def idle_of(rate: Decimal | None) -> Decimal:
    """100 − the utilisation rate, within 0..100; no rate (no available hours): 100."""
    if rate is None:
        return Decimal(100)
    return min(Decimal(100), max(Decimal(0), Decimal(100) - rate))


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def derive_offer_resources(
    session: Session, *, college_id: int, today: date
) -> tuple[list[OfferVenue], list[OfferEquipment]]:
    """The offer's venue and equipment rows from the register (see the module's docstring)."""
    first, last = window(today)
    rates = resource_rates(session, college_id=college_id, first=first, last=last)
    venues = session.execute(
        select(Venue.id, Venue.name, Venue.kind, Venue.area_m2, Venue.workstations)
        .where(
            Venue.college_id == college_id,
            Venue.ownership.in_(OWNED),
            Venue.status != VenueStatus.CLOSED,
        )
        .order_by(Venue.name, Venue.id)
    ).all()
    venue_rows = [
        OfferVenue(
            name=v.name.strip()[:200] or str(v.id),
            kind=v.kind,
            area_m2=min(MAX_AREA, _whole(v.area_m2 or Decimal(0))),
            workstations=min(MAX_AREA, v.workstations),
            idle_pct=_whole(idle_of(rates.get(("venue", v.id)))),
        )
        for v in venues
    ]
    lines = session.execute(
        select(Equipment.id, Equipment.name, Equipment.category, Equipment.quantity)
        .where(
            Equipment.college_id == college_id,
            Equipment.ownership.in_(OWNED),
            Equipment.status != EquipmentStatus.RETIRED,
        )
        .order_by(Equipment.name, Equipment.category, Equipment.id)
    ).all()
    quantity: dict[tuple[str, str], int] = defaultdict(int)
    idle_units: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        key = (line.name.strip()[:200] or str(line.id), line.category.strip()[:200])
        quantity[key] += line.quantity
        idle_units[key] += idle_of(rates.get(("equipment", line.id))) * line.quantity
    equipment_rows = [
        OfferEquipment(
            name=name,
            category=category,
            quantity=min(100_000, count),
            idle_pct=_whole(idle_units[(name, category)] / count),
        )
        for (name, category), count in quantity.items()
    ]
    return _capped(venue_rows, MAX_VENUES), _capped(equipment_rows, MAX_EQUIPMENT)


def _capped(rows: list[Row], limit: int) -> list[Row]:
    """At most ``limit`` rows: the most idle ones, in their order."""
    if len(rows) <= limit:
        return rows
    kept = set(sorted(range(len(rows)), key=lambda i: (-rows[i].idle_pct, i))[:limit])
    return [row for i, row in enumerate(rows) if i in kept]


def derive_offer(
    session: Session,
    *,
    actor: Actor,
    college_id: int,
    today: date | None = None,
    version: int | None = None,
) -> CollegeOffer:
    """Replace the offer's venues and equipment with those derived from the register (keeping
    its expertise, capacity, production and remarks) and save it. ``version``: the offer's
    version the caller saw (None: the current one)."""
    if not actor.can(Permission.OFFER_MANAGE) or not (
        actor.is_platform_wide or actor.college_id == college_id
    ):
        raise PermissionDenied()
    current = service.get_offer(session, college_id=college_id)
    data = OfferData.model_validate(current.offer) if current else OfferData()
    venues, equipment = derive_offer_resources(
        session, college_id=college_id, today=today or local_today()
    )
    derived = data.model_copy(update={"venues": venues, "equipment": equipment})
    if version is None and current is not None:
        version = current.version
    return service.save_offer(
        session,
        actor=actor,
        college_id=college_id,
        data=OfferUpdate(offer=derived, version=version),
    )
