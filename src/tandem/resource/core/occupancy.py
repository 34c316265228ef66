"""Occupancy (pure): does a new booking fit beside the existing ones, and where are free slots.

A resource has a capacity: 1 for a venue, the line's ``quantity`` for equipment. A booking of
``units`` over [start, end) fits iff at every instant the units already in use plus ``units``
stay within the capacity. That is a sweep over the existing bookings' start and end points, not
a sum of the overlapping bookings (two bookings that overlap the new one but not each other use
at most the larger of their units at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from tandem.resource.core.calendar import WorkingCalendar

MAX_SLOTS = 200


@dataclass(frozen=True)
class Held:
    """An existing booking of the resource on the day: [start, end) minutes, ``units`` items."""

    id: int
    start: int
    end: int
    units: int = 1


@dataclass(frozen=True)
class Fit:
    ok: bool
    peak: int  # the most units in use at once during [start, end), before the new booking
    conflicts: tuple[Held, ...]  # the bookings in use at an instant where the new one overflows


def _overlapping(existing: Iterable[Held], start: int, end: int) -> list[Held]:
    return [h for h in existing if h.start < end and start < h.end and h.units > 0]


def check(existing: Iterable[Held], *, start: int, end: int, units: int, capacity: int) -> Fit:
    """Whether ``units`` over [start, end) fit beside ``existing`` within ``capacity``.

    When not, ``conflicts`` lists every booking in use during an instant where the total would
    pass the capacity (for a venue: every overlapping booking), in order of start.
    """
    overlapping = _overlapping(existing, start, end)
    # Elementary segments between consecutive boundaries inside [start, end).
    points = sorted(
        {start, end}
        | {max(h.start, start) for h in overlapping}
        | {min(h.end, end) for h in overlapping}
    )
    peak = 0
    over: list[tuple[int, int]] = []
    for left, right in pairwise(points):
        in_use = sum(h.units for h in overlapping if h.start <= left and right <= h.end)
        peak = max(peak, in_use)
        if in_use + units > capacity:
            over.append((left, right))
    if not over:
        return Fit(ok=units <= capacity, peak=peak, conflicts=())
    conflicts = tuple(
        sorted(
            (
                h
                for h in overlapping
                if any(h.start < right and left < h.end for left, right in over)
            ),
            key=lambda h: (h.start, h.end, h.id),
        )
    )
    return Fit(ok=False, peak=peak, conflicts=conflicts)


def fits(existing: Iterable[Held], *, start: int, end: int, units: int, capacity: int) -> bool:
    return check(existing, start=start, end=end, units=units, capacity=capacity).ok


# --- free slots ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """One resource of a free-slot search: its capacity, the units wanted, its bookings by day."""

    key: str  # e.g. "venue:3"
    capacity: int
    units: int = 1
    bookings: Mapping[date, Sequence[Held]] = field(default_factory=dict)


@dataclass(frozen=True)
class Slot:
    day: date
    start: int
    end: int


def free_slots(
    wanted: Sequence[Wanted],
    *,
    minutes: int,
    first: date,
    last: date,
    calendar: WorkingCalendar,
    step: int = 30,
    limit: int = 20,
    not_before: tuple[date, int] | None = None,
) -> list[Slot]:
    """The earliest slots of ``minutes`` inside the open hours from ``first`` to ``last`` where
    every wanted resource fits, trying starts every ``step`` minutes from each day's opening.

    ``not_before`` (day, minute) skips starts before that moment (now, for today).
    """
    if minutes <= 0 or step <= 0 or limit <= 0 or not wanted:
        return []
    if any(w.units > w.capacity for w in wanted):
        return []
    found: list[Slot] = []
    day = first
    while day <= last and len(found) < min(limit, MAX_SLOTS):
        window = calendar.window(day)
        if window is not None:
            start = window[0]
            while start + minutes <= window[1] and len(found) < min(limit, MAX_SLOTS):
                late_enough = not_before is None or (day, start) >= not_before
                if late_enough and all(
                    fits(
                        w.bookings.get(day, ()),
                        start=start,
                        end=start + minutes,
                        units=w.units,
                        capacity=w.capacity,
                    )
                    for w in wanted
                ):
                    found.append(Slot(day, start, start + minutes))
                start += step
        day += timedelta(days=1)
    return found
