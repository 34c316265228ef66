"""What the utilisation core counts (pure): the resources, the sums of their bookings per
purpose (and per week or month), and the reference aggregation of single bookings that the
service's SQL must agree with. The definitions are in :mod:`tandem.resource.core.utilisation`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from tandem.resource.kinds import BookingStatus, Ownership, Purpose, UsageStatus

Grouping = Literal["college", "department", "base", "venue", "resource"]
Bucketing = Literal["week", "month"]
GROUPINGS: tuple[Grouping, ...] = ("college", "department", "base", "venue", "resource")
BUCKETINGS: tuple[Bucketing, ...] = ("week", "month")
PURPOSES: tuple[str, ...] = tuple(p.value for p in Purpose)

# --- what goes in --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceInfo:
    """A venue or an equipment line, as the counting needs it."""

    kind: str  # ResourceKind: "venue" or "equipment"
    id: int
    label: str
    capacity: int = 1  # a venue 1; an equipment line its quantity
    department_id: int | None = None
    venue_id: int | None = None  # a venue: itself; equipment: the venue it is placed in
    base_id: int | None = None  # a venue's base; equipment: its venue's base
    ownership: str = Ownership.COLLEGE
    college_share_pct: Decimal = Decimal(100)
    teaching_hour_value_cny: Decimal | None = None
    exists_from: date | None = None  # equipment: acquired on
    owner: str = ""  # the owning enterprise's name, if any

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


@dataclass(frozen=True)
class UsageRow:
    """One row of the aggregation over bookings (status "booked" only): a resource's bookings
    for one purpose over the period."""

    kind: str
    resource_id: int
    purpose: str
    bookings: int = 0
    booked: int = 0  # unit-minutes booked
    used: int = 0  # unit-minutes used
    pending: int = 0  # unit-minutes not yet confirmed
    no_show: int = 0  # unit-minutes booked and not shown up for
    no_shows: int = 0  # bookings marked no-show


@dataclass(frozen=True)
class SeriesRow:
    """The selection's bookings for one purpose in one bucket (the Monday or the first of the
    month their days fall in): the time series, summed over the selection's resources."""

    purpose: str
    bucket: date
    bookings: int = 0
    booked: int = 0
    used: int = 0
    pending: int = 0
    no_show: int = 0
    no_shows: int = 0


@dataclass(frozen=True)
class BookingFact:
    """One booking: the pure reference for the SQL aggregation (see :func:`aggregate`)."""

    kind: str
    resource_id: int
    purpose: str
    day: date
    minutes: int
    units: int = 1
    status: str = BookingStatus.BOOKED
    usage: str = UsageStatus.PENDING
    used_minutes: int | None = None


def bucket_start(day: date, bucket: Bucketing) -> date:
    """The Monday of ``day``'s week, or the first of its month."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_end(start: date, bucket: Bucketing) -> date:
    if bucket == "week":
        return start + timedelta(days=6)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _sums(fact: BookingFact, into: list[int]) -> None:
    booked = fact.minutes * fact.units
    into[0] += 1
    into[1] += booked
    if fact.usage == UsageStatus.USED:
        used = fact.used_minutes if fact.used_minutes is not None else fact.minutes
        into[2] += used * fact.units
    elif fact.usage == UsageStatus.NO_SHOW:
        into[4] += booked
        into[5] += 1
    else:
        into[3] += booked


def _counted(fact: BookingFact, first: date, last: date) -> bool:
    return fact.status == BookingStatus.BOOKED and first <= fact.day <= last


def aggregate(facts: Iterable[BookingFact], *, first: date, last: date) -> list[UsageRow]:
    """What the service's SQL computes per resource and purpose, in Python (tests compare)."""
    sums: dict[tuple[str, int, str], list[int]] = defaultdict(lambda: [0] * 6)
    for fact in facts:
        if _counted(fact, first, last):
            _sums(fact, sums[(fact.kind, fact.resource_id, fact.purpose)])
    return [
        UsageRow(kind, resource_id, purpose, *values)
        for (kind, resource_id, purpose), values in sums.items()
    ]


def aggregate_series(
    facts: Iterable[BookingFact],
    *,
    first: date,
    last: date,
    bucket: Bucketing,
    resources: Iterable[tuple[str, int]],
) -> list[SeriesRow]:
    """What the service's SQL computes per bucket and purpose for ``resources``, in Python."""
    keys = set(resources)
    sums: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0] * 6)
    for fact in facts:
        if _counted(fact, first, last) and (fact.kind, fact.resource_id) in keys:
            _sums(fact, sums[(fact.purpose, bucket_start(fact.day, bucket))])
    return [SeriesRow(purpose, day, *values) for (purpose, day), values in sums.items()]
