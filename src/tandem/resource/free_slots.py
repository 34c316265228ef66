"""Find a free slot: the earliest times inside the open hours when every chosen resource (venues
whole, some items of equipment lines) is free for the duration wanted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.dates import local_today
from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_
from tandem.resource import booking_rules as rules
from tandem.resource import scope, workcal
from tandem.resource.core.occupancy import Slot, Wanted, free_slots
from tandem.resource.models import Equipment, Venue

MAX_RANGE_DAYS = 92
MIN_MINUTES = 15


@dataclass(frozen=True)
class SlotSearch:
    venue_ids: Sequence[int]
    equipment: Sequence[tuple[int, int]]  # (equipment line id, units wanted)
    minutes: int
    first: date
    last: date
    step: int = 30
    limit: int = 20


@dataclass(frozen=True)
class Found:
    resources: list[tuple[Venue | Equipment, int]]  # each resource with the units wanted
    slots: list[Slot]
    first: date
    last: date


def find_free_slots(session: Session, *, actor: Actor, search: SlotSearch) -> Found:
    if not search.venue_ids and not search.equipment:
        raise ValidationFailed.single(
            "venue_id", "no_resource", N_("Choose at least one venue or equipment line.")
        )
    if not MIN_MINUTES <= search.minutes <= 1440:
        raise ValidationFailed.single(
            "minutes",
            "bad_duration",
            N_("Choose a duration from %(min)s minutes to 24 hours."),
            min=MIN_MINUTES,
        )
    today = local_today()
    first = max(search.first, today)
    if search.last < first:
        raise ValidationFailed.single(
            "to",
            "dates_out_of_order",
            N_("The end of the range must be today or later, and not before its start."),
        )
    last = min(search.last, first + timedelta(days=MAX_RANGE_DAYS - 1))
    chosen: list[tuple[Venue | Equipment, int]] = [
        (scope.get_visible(session, Venue, actor=actor, record_id=v), 1)
        for v in dict.fromkeys(search.venue_ids)
    ]
    for equipment_id, units in search.equipment:
        line = scope.get_visible(session, Equipment, actor=actor, record_id=equipment_id)
        rules.check_units(line, units)
        chosen.append((line, units))
    colleges = {resource.college_id for resource, _ in chosen}
    if len(colleges) > 1:
        raise ValidationFailed.single(
            "venue_id",
            "several_colleges",
            N_("Choose resources of one college: their working calendars differ."),
        )
    for resource, _ in chosen:
        rules.check_bookable(resource)
    calendar = workcal.load_calendar(session, college_id=colleges.pop())
    wanted = [
        Wanted(
            key=f"{rules.kind_of(resource).value}:{resource.id}",
            capacity=rules.capacity_of(resource),
            units=units,
            bookings=rules.by_day(
                rules.active_bookings(session, resource=resource, first=first, last=last)
            ),
        )
        for resource, units in chosen
    ]
    now = rules.local_now()
    slots = free_slots(
        wanted,
        minutes=search.minutes,
        first=first,
        last=last,
        calendar=calendar,
        step=search.step,
        limit=search.limit,
        not_before=now if now[0] == first else None,
    )
    return Found(chosen, slots, first, last)
