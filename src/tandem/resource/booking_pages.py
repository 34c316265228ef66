"""Helpers the booking pages share: labels and options, the resources and links a form offers,
the posted form as the API's payload, and errors keyed by the form's fields."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.agreement.repository import visible_agreements
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.kit.errors import AppError
from tandem.kit.forms import FORM_KEY
from tandem.kit.i18n import N_, gettext
from tandem.partner.models import Enterprise, Partnership
from tandem.resource import booking_rules as rules
from tandem.resource import scope
from tandem.resource.core.calendar import format_hhmm
from tandem.resource.kinds import (
    PURPOSE_LABELS,
    USAGE_LABELS,
    BookingStatus,
    EquipmentStatus,
    Purpose,
    UsageStatus,
    VenueStatus,
)
from tandem.resource.models import Booking, CalendarTerm, Equipment, Venue

MAX_OPTIONS = 3000
STATUS_LABELS = {BookingStatus.BOOKED: N_("Booked"), BookingStatus.CANCELLED: N_("Cancelled")}
WEEKDAY_LABELS = {
    1: N_("Monday"),
    2: N_("Tuesday"),
    3: N_("Wednesday"),
    4: N_("Thursday"),
    5: N_("Friday"),
    6: N_("Saturday"),
    7: N_("Sunday"),
}
WEEKDAY_SHORT = {
    1: N_("Mon"),
    2: N_("Tue"),
    3: N_("Wed"),
    4: N_("Thu"),
    5: N_("Fri"),
    6: N_("Sat"),
    7: N_("Sun"),
}


def _label(labels: dict[Any, str], value: str) -> str:
    for key, text in labels.items():
        if key == value:
            return gettext(text)
    return value


def purpose_label(value: str) -> str:
    return _label(PURPOSE_LABELS, value)


def usage_label(value: str) -> str:
    return _label(USAGE_LABELS, value)


def status_label(value: str) -> str:
    return _label(STATUS_LABELS, value)


def weekday_label(value: int) -> str:
    return gettext(WEEKDAY_LABELS[value]) if value in WEEKDAY_LABELS else str(value)


def weekday_short(value: int) -> str:
    return gettext(WEEKDAY_SHORT[value]) if value in WEEKDAY_SHORT else str(value)


def hhmm(minutes: int | None) -> str:
    return "" if minutes is None else format_hhmm(minutes)


def labels() -> dict[str, Any]:
    """What every booking template uses to show values."""
    return {
        "purpose_label": purpose_label,
        "usage_label": usage_label,
        "status_label": status_label,
        "weekday_label": weekday_label,
        "weekday_short": weekday_short,
        "hhmm": hhmm,
        "purpose_options": [(p.value, gettext(t)) for p, t in PURPOSE_LABELS.items()],
        "usage_options": [(u.value, gettext(t)) for u, t in USAGE_LABELS.items()],
        "status_options": [(s.value, gettext(t)) for s, t in STATUS_LABELS.items()],
        "weekday_options": [(d, gettext(t)) for d, t in WEEKDAY_LABELS.items()],
    }


def resource_name(booking: Booking) -> str:
    resource = booking.venue or booking.equipment
    return rules.resource_label(resource) if resource is not None else "—"


def resource_url(booking: Booking) -> str:
    if booking.venue_id is not None:
        return f"/venues/{booking.venue_id}/calendar?day={booking.day.isoformat()}"
    return f"/equipment/{booking.equipment_id}/calendar?day={booking.day.isoformat()}"


# --- what the form offers ------------------------------------------------------------------------


def resource_options(session: Session, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """The venues and equipment lines ``actor`` may book now, as ("venue:3", label) options."""
    venues = session.scalars(
        select(Venue)
        .where(scope.visible(Venue, actor), Venue.status == VenueStatus.ACTIVE)
        .order_by(Venue.code)
        .limit(MAX_OPTIONS)
    )
    lines = session.scalars(
        select(Equipment)
        .where(
            scope.visible(Equipment, actor),
            Equipment.status.not_in([EquipmentStatus.RETIRED, EquipmentStatus.MAINTENANCE]),
        )
        .order_by(Equipment.asset_tag)
        .limit(MAX_OPTIONS)
    )
    return {
        "venues": [(f"venue:{v.id}", rules.resource_label(v)) for v in venues],
        "equipment": [
            (f"equipment:{e.id}", f"{rules.resource_label(e)} (×{e.quantity})") for e in lines
        ],
    }


def partnership_options(session: Session, actor: Actor) -> list[tuple[int, str]]:
    stmt = select(Partnership.id, Enterprise.name).join(
        Enterprise, Enterprise.id == Partnership.enterprise_id
    )
    if actor.role == Role.ENTERPRISE_CONTACT:
        stmt = stmt.where(Partnership.enterprise_id == actor.enterprise_id)
    elif not actor.is_platform_wide:
        stmt = stmt.where(Partnership.college_id == actor.college_id)
    rows = session.execute(stmt.order_by(Enterprise.name).limit(MAX_OPTIONS)).all()
    return [(row.id, row.name) for row in rows]


def agreement_options(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The agreements a booking may serve: those ``actor`` could open (an enterprise contact: their
    enterprise's once the college has approved them, never a draft or one in review), of the
    colleges whose resources they may book — and, for a contact, of the partnerships those
    resources belong to (a booking's agreement is of the resource's college)."""
    stmt = visible_agreements(actor)
    if actor.role == Role.ENTERPRISE_CONTACT:
        partnerships = union(
            select(Venue.partnership_id).where(scope.visible(Venue, actor)),
            select(Equipment.partnership_id).where(scope.visible(Equipment, actor)),
        )
        stmt = stmt.where(Agreement.partnership_id.in_(partnerships))
    elif not actor.is_platform_wide:
        stmt = stmt.where(Agreement.college_id == actor.college_id)
    rows = session.scalars(stmt.order_by(Agreement.title, Agreement.id).limit(MAX_OPTIONS))
    return [(a.id, f"{a.title} {a.number}".strip()) for a in rows]


def term_options(session: Session, actor: Actor) -> list[tuple[int, str]]:
    stmt = select(CalendarTerm).order_by(CalendarTerm.starts_on.desc())
    if not actor.is_platform_wide:
        if actor.college_id is None:
            return []
        stmt = stmt.where(CalendarTerm.college_id == actor.college_id)
    return [
        (t.id, f"{t.name} ({t.starts_on.isoformat()} – {t.ends_on.isoformat()})")
        for t in session.scalars(stmt.limit(200))
    ]


# --- the posted form -----------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s,;，；、]+")


def resource_ids(choice: str) -> dict[str, int | None]:
    """ "venue:3" -> {"venue_id": 3, "equipment_id": None}; anything else: neither."""
    kind, _, raw = choice.partition(":")
    number = int(raw) if raw.isdigit() and len(raw) < 10 else None
    return {
        "venue_id": number if kind == "venue" else None,
        "equipment_id": number if kind == "equipment" else None,
    }


def booking_payload(values: dict[str, str], weekdays: list[str]) -> dict[str, Any]:
    """The form as a BookingCreate (``repeat`` = "once") or SeriesCreate payload."""
    payload: dict[str, Any] = {
        **resource_ids(values.get("resource", "")),
        "purpose": values.get("purpose", ""),
        "title": values.get("title", ""),
        "start": values.get("start", ""),
        "end": values.get("end", ""),
        "units": values.get("units") or 1,
        "agreement_id": values.get("agreement_id") or None,
        "partnership_id": values.get("partnership_id") or None,
        "outside_hours_reason": values.get("outside_hours_reason", ""),
    }
    if values.get("repeat") != "weekly":
        payload["day"] = values.get("day", "")
        return payload
    payload |= {
        "weekdays": [w for w in weekdays if w.isdigit()],
        "term_id": values.get("term_id") or None,
        "first_day": values.get("first_day") or None,
        "last_day": values.get("last_day") or None,
        "skipped_days": [d for d in _SEPARATORS.split(values.get("skipped_days", "")) if d],
        "skip_non_working_days": True,
    }
    return payload


FORM_FIELDS = (
    "resource",
    "purpose",
    "title",
    "day",
    "start",
    "end",
    "units",
    "agreement_id",
    "partnership_id",
    "outside_hours_reason",
    "weekdays",
    "term_id",
    "first_day",
    "last_day",
    "skipped_days",
)


def form_errors(error: AppError) -> tuple[dict[str, str], list[str]]:
    """Messages keyed by the form's fields, and the bookings in the way (one line each)."""
    messages: dict[str, str] = {}
    conflicts: list[str] = []
    for item in error.errors:
        if item.field == "conflicts":
            conflicts.append(item.localised())
            continue
        name = item.field.split(".")[0]
        if name in ("venue_id", "equipment_id"):
            name = "resource"
        messages.setdefault(name if name in FORM_FIELDS else FORM_KEY, item.localised())
    if conflicts or not error.errors:
        messages.setdefault(FORM_KEY, error.localised())
    return messages, conflicts


def choice_of(request: Request) -> str:
    """The resource a link pre-selects (?venue_id= or ?equipment_id=)."""
    venue, line = (
        request.query_params.get("venue_id", ""),
        request.query_params.get("equipment_id", ""),
    )
    if venue.isdigit():
        return f"venue:{venue}"
    if line.isdigit():
        return f"equipment:{line}"
    return ""


def usage_choices() -> list[tuple[str, str]]:
    return [
        (UsageStatus.USED.value, gettext(N_("Used"))),
        (UsageStatus.NO_SHOW.value, gettext(N_("No-show"))),
    ]


def is_production(booking: Booking) -> bool:
    return booking.purpose == Purpose.PRODUCTION
