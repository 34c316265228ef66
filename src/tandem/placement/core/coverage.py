"""Insurance coverage of a period (pure: no session, no request).

Policies and periods are inclusive date ranges. A day is covered when at least one policy's
range holds it; policies that touch or overlap join (a policy ending on 30 June and the next
starting on 1 July leave no gap). :func:`coverage` splits a period into covered ranges and gaps
(uncovered ranges), in order, which together hold every day of the period exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Span:
    """The days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a span ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class PolicySpan:
    """What the core needs of a policy: its dates and who pays the premium."""

    start: date
    end: date
    paid_by: str = ""


@dataclass(frozen=True)
class Coverage:
    """A period cut into covered ranges and gaps (both in date order, clipped to the period)."""

    period: Span
    covered: tuple[Span, ...]
    gaps: tuple[Span, ...]

    @property
    def complete(self) -> bool:
        """Every day of the period is covered."""
        return not self.gaps

    @property
    def first_uncovered(self) -> date | None:
        return self.gaps[0].start if self.gaps else None

    @property
    def uncovered_days(self) -> int:
        return sum(gap.days for gap in self.gaps)

    def segments(self) -> list[tuple[Span, bool]]:
        """Covered ranges and gaps together, in date order: (span, covered?)."""
        parts = [(span, True) for span in self.covered] + [(gap, False) for gap in self.gaps]
        return sorted(parts, key=lambda part: part[0].start)

    def covered_through(self, day: date) -> date | None:
        """The last day of the unbroken cover that holds ``day`` (None when ``day`` is not
        covered)."""
        for span in self.covered:
            if day in span:
                return span.end
        return None


def _spans(policies: Iterable[PolicySpan | tuple[date, date, str] | Span]) -> list[Span]:
    spans = []
    for policy in policies:
        if isinstance(policy, tuple):
            start, end = policy[0], policy[1]
        else:
            start, end = policy.start, policy.end
        if end >= start:  # a policy ending before it starts covers nothing
            spans.append(Span(start, end))
    return spans


def merge(spans: Iterable[Span]) -> list[Span]:
    """The union of ``spans`` as disjoint, non-touching ranges in date order."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end + ONE_DAY:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def coverage(
    policies: Iterable[PolicySpan | tuple[date, date, str] | Span], start: date, end: date
) -> Coverage:
    """Which days from ``start`` to ``end`` (included) the policies cover, and which not."""
    period = Span(start, end)
    covered: list[Span] = []
    gaps: list[Span] = []
    cursor = start  # the first day not yet accounted for
    for span in merge(_spans(policies)):
        if span.end < start or span.start > end:
            continue
        clipped = Span(max(span.start, start), min(span.end, end))
        if clipped.start > cursor:
            gaps.append(Span(cursor, clipped.start - ONE_DAY))
        covered.append(clipped)
        cursor = clipped.end + ONE_DAY
    if cursor <= end:
        gaps.append(Span(cursor, end))
    return Coverage(period=period, covered=tuple(covered), gaps=tuple(gaps))


def ends_within(end: date, days: int, today: date) -> bool:
    """Whether a range ending on ``end`` ends within ``days`` days of ``today`` (from today,
    included, to today + days, included); one already ended does not count."""
    return today <= end <= today + timedelta(days=days)


def runs_out_within(cover: Coverage, days: int, today: date) -> bool:
    """Whether the cover of a period still to come (or under way) stops within ``days`` days
    of ``today`` while the period goes on: the first gap on or after today starts by then."""
    for gap in cover.gaps:
        if gap.end >= today:
            return max(gap.start, today) <= today + timedelta(days=days)
    return False
