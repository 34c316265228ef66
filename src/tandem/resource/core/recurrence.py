"""Weekly recurrence (pure): the days of a series booked on chosen ISO weekdays.

A series runs from ``first`` to ``last`` (inclusive) on some weekdays, less the days given as
exceptions. With a working calendar it also leaves out public holidays and days outside every
term, and reports them (a timetable simply does not run then; it is not an error). Closed
weekdays and times outside the opening hours are not skipped: like a one-off booking, they need
a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tandem.resource.core.calendar import Outside, WorkingCalendar

MAX_SPAN_DAYS = 366


@dataclass(frozen=True)
class Recurrence:
    days: tuple[date, ...]  # the occurrences to book, in order
    excepted: tuple[date, ...]  # days of the pattern given as exceptions
    skipped: tuple[tuple[date, Outside], ...]  # left out by the calendar, with why


def weekly_days(
    weekdays: Iterable[int],
    first: date,
    last: date,
    *,
    exceptions: Iterable[date] = (),
    calendar: WorkingCalendar | None = None,
) -> Recurrence:
    """The days from ``first`` to ``last`` whose ISO weekday is in ``weekdays``.

    ``exceptions`` are left out (and reported in ``excepted`` when they fall on the pattern);
    with ``calendar``, holidays and days outside every term are left out and reported.
    """
    wanted = {w for w in weekdays if 1 <= w <= 7}
    excluded = set(exceptions)
    days: list[date] = []
    excepted: list[date] = []
    skipped: list[tuple[date, Outside]] = []
    if not wanted or last < first:
        return Recurrence((), (), ())
    day = first
    while day <= last:
        if day.isoweekday() in wanted:
            if day in excluded:
                excepted.append(day)
            else:
                why = _not_working(calendar, day) if calendar is not None else None
                if why is None:
                    days.append(day)
                else:
                    skipped.append((day, why))
        day += timedelta(days=1)
    return Recurrence(tuple(days), tuple(excepted), tuple(skipped))


def _not_working(calendar: WorkingCalendar, day: date) -> Outside | None:
    if day in calendar.holidays:
        return Outside.HOLIDAY
    if not calendar.in_term(day):
        return Outside.OUT_OF_TERM
    return None
