"""Utilisation (pure): available, booked and used hours of venues and equipment, rates, groups,
the under-used, the value of teaching on enterprise equipment, and the same over time.

Definitions (the service loads the rows; this module only counts):

- **Resources** are venues (capacity 1) and equipment lines (capacity = their quantity). Retired
  equipment and closed venues are left out by the service before they reach this module.
- **Available unit-hours** of a resource over [first, last] = the working calendar's open minutes
  (:meth:`WorkingCalendar.available_minutes`) over the days the resource existed — equipment from
  its ``acquired_on`` when that is later than ``first`` — × its capacity / 60.
- **Booked unit-hours** = Σ minutes × units of the bookings with status "booked" whose day lies in
  the period (bookings outside the opening hours count too). **Used unit-hours** = Σ used minutes ×
  units of those whose usage is "used" (the booked minutes when no actual minutes were recorded).
  No-shows are counted (and their booked hours kept apart); bookings not yet confirmed are shown
  separately as **pending** hours.
- **Booked rate** = booked / available; **utilisation rate** = used / available, in percent. Both
  are ≥ 0 and may exceed 100 % (use outside the opening hours, or several units of a line booked
  at once); with no available hours there is no rate (``None``). Hours and rates are split by
  purpose (:class:`tandem.resource.kinds.Purpose`).
- **Groups**: one resource; a venue (the venue and the equipment placed in it); a base (its venues
  and their equipment); a department (the resources with that ``department_id``); the college.
  Hours add up across a group's resources, and the groups of one kind partition the selection:
  resources outside any group of that kind form a group of their own (``id`` None), so the groups
  always add up to the total.
- **Under-used**: resources with available hours whose utilisation rate is below the college's
  threshold (``ResourceSettings.underuse_threshold_pct``).
- **Valuation** (for the benefit ledger): used *teaching* unit-hours on equipment owned by an
  enterprise (each item of a line used for an hour counts as an hour) × the hourly value (the
  line's ``teaching_hour_value_cny``, else the college's default). Joint equipment counts by
  the enterprise's share, (100 − ``college_share_pct``) %; enterprise-owned equipment counts in
  full. Each line is rounded to the fen, the total is the sum of the lines.
- **Over time**: the same measures per week (Monday to Sunday) or per calendar month, each bucket
  cut to the period.

Everything is counted in unit-minutes (integers), so sums are exact; hours are shown with two
decimals and rates with one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tandem.resource.core.calendar import WorkingCalendar
from tandem.resource.core.utilisation_rows import (
    BUCKETINGS,
    GROUPINGS,
    PURPOSES,
    BookingFact,
    Bucketing,
    Grouping,
    ResourceInfo,
    SeriesRow,
    UsageRow,
    aggregate,
    aggregate_series,
    bucket_end,
    bucket_start,
)
from tandem.resource.kinds import Ownership, Purpose, ResourceKind

__all__ = [  # the rows are defined beside this module and used through it
    "BUCKETINGS",
    "GROUPINGS",
    "PURPOSES",
    "Availability",
    "BookingFact",
    "Bucketing",
    "GroupReport",
    "Grouping",
    "Measures",
    "Report",
    "ResourceInfo",
    "ResourceReport",
    "SeriesPoint",
    "SeriesRow",
    "UsageRow",
    "ValuationLine",
    "aggregate",
    "aggregate_series",
    "bucket_end",
    "bucket_start",
    "build_report",
    "hours",
    "rate",
    "valuation_line",
]

HOUR = Decimal(60)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def hours(unit_minutes: int) -> Decimal:
    """Unit-minutes as hours with two decimals."""
    return (Decimal(unit_minutes) / HOUR).quantize(CENT, rounding=ROUND_HALF_UP)


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with one decimal; None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- what comes out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measures:
    """Unit-minutes of a resource, a group, the selection or a bucket."""

    available: int = 0
    booked: int = 0
    used: int = 0
    pending: int = 0
    no_show: int = 0
    bookings: int = 0
    no_shows: int = 0
    booked_by_purpose: Mapping[str, int] = field(default_factory=dict)
    used_by_purpose: Mapping[str, int] = field(default_factory=dict)

    @property
    def available_hours(self) -> Decimal:
        return hours(self.available)

    @property
    def booked_hours(self) -> Decimal:
        return hours(self.booked)

    @property
    def used_hours(self) -> Decimal:
        return hours(self.used)

    @property
    def pending_hours(self) -> Decimal:
        return hours(self.pending)

    @property
    def no_show_hours(self) -> Decimal:
        return hours(self.no_show)

    @property
    def booked_rate(self) -> Decimal | None:
        return rate(self.booked, self.available)

    @property
    def utilisation_rate(self) -> Decimal | None:
        return rate(self.used, self.available)

    def used_rate_of(self, purpose: str) -> Decimal | None:
        """The part of the utilisation rate that ``purpose`` accounts for."""
        return rate(self.used_by_purpose.get(purpose, 0), self.available)

    def booked_hours_of(self, purpose: str) -> Decimal:
        return hours(self.booked_by_purpose.get(purpose, 0))

    def used_hours_of(self, purpose: str) -> Decimal:
        return hours(self.used_by_purpose.get(purpose, 0))


class _Tally:
    """A mutable accumulator behind :class:`Measures` (rows arrive by the ten thousand)."""

    __slots__ = (
        "available",
        "booked",
        "booked_by_purpose",
        "bookings",
        "no_show",
        "no_shows",
        "pending",
        "used",
        "used_by_purpose",
    )

    def __init__(self) -> None:
        self.available = self.booked = self.used = self.pending = 0
        self.no_show = self.bookings = self.no_shows = 0
        self.booked_by_purpose: dict[str, int] = defaultdict(int)
        self.used_by_purpose: dict[str, int] = defaultdict(int)

    def add_row(self, row: UsageRow | SeriesRow) -> None:
        self.booked += row.booked
        self.used += row.used
        self.pending += row.pending
        self.no_show += row.no_show
        self.bookings += row.bookings
        self.no_shows += row.no_shows
        self.booked_by_purpose[row.purpose] += row.booked
        self.used_by_purpose[row.purpose] += row.used

    def add(self, other: _Tally) -> None:
        self.available += other.available
        self.booked += other.booked
        self.used += other.used
        self.pending += other.pending
        self.no_show += other.no_show
        self.bookings += other.bookings
        self.no_shows += other.no_shows
        for purpose, minutes in other.booked_by_purpose.items():
            self.booked_by_purpose[purpose] += minutes
        for purpose, minutes in other.used_by_purpose.items():
            self.used_by_purpose[purpose] += minutes

    def frozen(self) -> Measures:
        return Measures(
            available=self.available,
            booked=self.booked,
            used=self.used,
            pending=self.pending,
            no_show=self.no_show,
            bookings=self.bookings,
            no_shows=self.no_shows,
            booked_by_purpose={p: m for p, m in self.booked_by_purpose.items() if m},
            used_by_purpose={p: m for p, m in self.used_by_purpose.items() if m},
        )


@dataclass(frozen=True)
class ResourceReport:
    resource: ResourceInfo
    measures: Measures
    underused: bool


@dataclass(frozen=True)
class GroupReport:
    grouping: Grouping
    id: int | None  # None: the resources outside every group of this kind (and the college)
    kind: str | None  # grouping "resource": the resource's kind
    label: str  # "" for the resources outside every group: the caller names them
    resources: int
    measures: Measures


@dataclass(frozen=True)
class SeriesPoint:
    start: date  # cut to the period
    end: date
    measures: Measures


@dataclass(frozen=True)
class ValuationLine:
    resource: ResourceInfo
    teaching_minutes: int  # used teaching unit-minutes
    hour_value_cny: Decimal
    enterprise_share_pct: Decimal
    value_cny: Decimal

    @property
    def teaching_hours(self) -> Decimal:
        return hours(self.teaching_minutes)


@dataclass(frozen=True)
class Report:
    first: date
    last: date
    grouping: Grouping
    bucket: Bucketing | None
    threshold_pct: Decimal
    total: Measures
    groups: Sequence[GroupReport]
    resources: Sequence[ResourceReport]
    series: Sequence[SeriesPoint]
    valuation: Sequence[ValuationLine]

    @property
    def underused(self) -> list[ResourceReport]:
        """The under-used resources, least used first."""
        flagged = [r for r in self.resources if r.underused]
        return sorted(
            flagged,
            key=lambda r: (r.measures.utilisation_rate or Decimal(0), r.resource.label),
        )

    @property
    def valuation_total(self) -> Decimal:
        return sum((line.value_cny for line in self.valuation), Decimal("0.00"))


# --- counting ------------------------------------------------------------------------------------


class Availability:
    """Open minutes of any stretch of [first, last], from running sums over its days."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.first, self.last = first, last
        self._running = [0]
        day = first
        while day <= last:
            window = calendar.window(day)
            self._running.append(self._running[-1] + (window[1] - window[0] if window else 0))
            day += timedelta(days=1)

    def minutes(self, start: date, end: date) -> int:
        """Open minutes from ``start`` to ``end`` inclusive, cut to [first, last]."""
        start, end = max(start, self.first), min(end, self.last)
        if start > end:
            return 0
        return self._running[(end - self.first).days + 1] - self._running[(start - self.first).days]


def _available(resource: ResourceInfo, availability: Availability, start: date, end: date) -> int:
    if resource.exists_from is not None and resource.exists_from > start:
        start = resource.exists_from
    return availability.minutes(start, end) * max(resource.capacity, 0)


def _group_key(resource: ResourceInfo, grouping: Grouping) -> tuple[int | None, str | None]:
    if grouping == "college":
        return None, None
    if grouping == "department":
        return resource.department_id, None
    if grouping == "base":
        return resource.base_id, None
    if grouping == "venue":
        return resource.venue_id, None
    return resource.id, resource.kind


def valuation_line(
    resource: ResourceInfo, measures: Measures, default_hour_value: Decimal
) -> ValuationLine | None:
    """The ledger's value of teaching on an enterprise's (or jointly owned) equipment line."""
    if resource.kind != ResourceKind.EQUIPMENT or resource.ownership == Ownership.COLLEGE:
        return None
    minutes = measures.used_by_purpose.get(Purpose.TEACHING, 0)
    if minutes <= 0:
        return None
    share = (
        Decimal(100)
        if resource.ownership == Ownership.ENTERPRISE
        else Decimal(100) - resource.college_share_pct
    )
    hour_value = (
        resource.teaching_hour_value_cny
        if resource.teaching_hour_value_cny is not None
        else default_hour_value
    )
    value = (Decimal(minutes) / HOUR * hour_value * share / 100).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    return ValuationLine(resource, minutes, hour_value, share, value)


def build_report(
    resources: Iterable[ResourceInfo],
    rows: Iterable[UsageRow],
    *,
    series_rows: Iterable[SeriesRow] = (),
    calendar: WorkingCalendar,
    first: date,
    last: date,
    grouping: Grouping = "college",
    bucket: Bucketing | None = None,
    threshold_pct: Decimal = Decimal(30),
    default_hour_value: Decimal = Decimal(100),
    group_labels: Mapping[int, str] | None = None,
    college_label: str = "",
) -> Report:
    """Count ``rows`` against ``resources`` over [first, last]; rows of other resources are
    ignored (the service drops retired and filtered-out resources by leaving them out). With
    ``bucket``, ``series_rows`` (already limited to ``resources``) make the time series."""
    availability = Availability(calendar, first, last)
    listed = {r.key: r for r in resources}
    tallies: dict[tuple[str, int], _Tally] = {}
    for key, resource in listed.items():
        tally = _Tally()
        tally.available = _available(resource, availability, first, last)
        tallies[key] = tally
    starts = _bucket_starts(first, last, bucket) if bucket else []
    points: dict[date, _Tally] = {start: _Tally() for start in starts}
    for row in rows:
        key = (row.kind, row.resource_id)
        counted = tallies.get(key)
        if counted is None:
            continue
        counted.add_row(row)
    for series_row in series_rows:
        point = points.get(series_row.bucket)
        if point is not None:
            point.add_row(series_row)
    if bucket:
        # Resources that start on the same day have the same open minutes per unit.
        units_from: dict[date, int] = defaultdict(int)
        for resource in listed.values():
            begins = max(first, resource.exists_from or first)
            units_from[begins] += max(resource.capacity, 0)
        for start in starts:
            end = min(bucket_end(start, bucket), last)
            points[start].available = sum(
                units * availability.minutes(max(start, begins), end)
                for begins, units in units_from.items()
            )

    reports: list[ResourceReport] = []
    total = _Tally()
    groups: dict[tuple[int | None, str | None], tuple[_Tally, list[ResourceInfo]]] = {}
    for key, resource in listed.items():
        tally = tallies[key]
        total.add(tally)
        measures = tally.frozen()
        used_rate = measures.utilisation_rate
        underused = used_rate is not None and used_rate < threshold_pct
        reports.append(ResourceReport(resource, measures, underused))
        group = groups.setdefault(_group_key(resource, grouping), (_Tally(), []))
        group[0].add(tally)
        group[1].append(resource)

    labels = group_labels or {}
    group_reports = [
        GroupReport(
            grouping=grouping,
            id=group_id,
            kind=kind,
            label=(
                college_label
                if grouping == "college"
                else members[0].label
                if grouping == "resource"
                else labels.get(group_id, "")
                if group_id is not None
                else ""
            ),
            resources=len(members),
            measures=tally.frozen(),
        )
        for (group_id, kind), (tally, members) in groups.items()
    ]
    group_reports.sort(key=lambda g: (g.id is None and g.grouping != "college", g.label, g.id or 0))
    if grouping == "college" and not group_reports:
        group_reports.append(GroupReport("college", None, None, college_label, 0, Measures()))
    series = [
        SeriesPoint(max(start, first), min(bucket_end(start, bucket), last), points[start].frozen())
        for start in starts
        if bucket
    ]
    valuation = [
        line
        for report in reports
        if (line := valuation_line(report.resource, report.measures, default_hour_value))
    ]
    valuation.sort(key=lambda line: (-line.value_cny, line.resource.label))
    reports.sort(key=lambda r: (r.resource.kind, r.resource.label, r.resource.id))
    return Report(
        first=first,
        last=last,
        grouping=grouping,
        bucket=bucket,
        threshold_pct=threshold_pct,
        total=total.frozen(),
        groups=group_reports,
        resources=reports,
        series=series,
        valuation=valuation,
    )


def _bucket_starts(first: date, last: date, bucket: Bucketing) -> list[date]:
    starts, start = [], bucket_start(first, bucket)
    while start <= last:
        starts.append(start)
        start = bucket_end(start, bucket) + timedelta(days=1)
    return starts
