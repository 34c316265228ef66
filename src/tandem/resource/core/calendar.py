"""The working calendar (pure): which days are working days and which hours are open.

Available hours are the open hours of working days: days inside a term (every day, when the
college has recorded no terms) that are not holidays, within that weekday's opening hours.
A booking outside them is allowed with a reason; :meth:`WorkingCalendar.outside` says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from tandem.kit.i18n import N_

DAY_MINUTES = 24 * 60
Window = tuple[int, int]  # [start, end) in minutes after local midnight

# Mon–Fri 08:00–21:00, Sat 08:00–17:00, Sun closed: a vocational college's usual week.
DEFAULT_OPENING: dict[int, Window | None] = {
    1: (480, 1260),
    2: (480, 1260),
    3: (480, 1260),
    4: (480, 1260),
    5: (480, 1260),
    6: (480, 1020),
    7: None,
}

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$")


def parse_hhmm(text: str) -> int | None:
    """ "08:30" -> 510; "24:00" -> 1440; anything else -> None."""
    text = text.strip()
    if not _HHMM.match(text):
        return None
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Outside(StrEnum):
    """Why a slot is outside the working calendar."""

    HOLIDAY = "holiday"
    OUT_OF_TERM = "out_of_term"
    CLOSED_DAY = "closed_day"
    OUTSIDE_OPENING = "outside_opening"


OUTSIDE_LABELS = {
    Outside.HOLIDAY: N_("the day is a public holiday"),
    Outside.OUT_OF_TERM: N_("the day is outside every term"),
    Outside.CLOSED_DAY: N_("the college is closed on that weekday"),
    Outside.OUTSIDE_OPENING: N_("the time is outside the opening hours"),
}


@dataclass(frozen=True)
class WorkingCalendar:
    opening: Mapping[int, Window | None] = field(default_factory=lambda: dict(DEFAULT_OPENING))
    terms: tuple[tuple[date, date], ...] = ()  # inclusive; empty: every day is in term
    holidays: frozenset[date] = frozenset()

    @classmethod
    def of(
        cls,
        opening_hours: Mapping[str, list[str] | None] | None,
        terms: Iterable[tuple[date, date]] = (),
        holidays: Iterable[date] = (),
    ) -> WorkingCalendar:
        """From the stored form: ISO weekday "1".."7" -> ["08:00", "21:00"] or null."""
        opening: dict[int, Window | None] = dict(DEFAULT_OPENING)
        if opening_hours is not None:
            for weekday in range(1, 8):
                hours = opening_hours.get(str(weekday))
                start = parse_hhmm(hours[0]) if hours else None
                end = parse_hhmm(hours[1]) if hours else None
                opening[weekday] = (start, end) if start is not None and end is not None else None
        return cls(opening=opening, terms=tuple(sorted(terms)), holidays=frozenset(holidays))

    def in_term(self, day: date) -> bool:
        return not self.terms or any(first <= day <= last for first, last in self.terms)

    def window(self, day: date) -> Window | None:
        """The open hours of ``day``, or None when it is not a working day."""
        if day in self.holidays or not self.in_term(day):
            return None
        hours = self.opening.get(day.isoweekday())
        if hours is None or hours[0] >= hours[1]:
            return None
        return hours

    def available_minutes(self, first: date, last: date) -> int:
        """Open minutes from ``first`` to ``last`` inclusive."""
        total, day = 0, first
        while day <= last:
            hours = self.window(day)
            if hours is not None:
                total += hours[1] - hours[0]
            day += timedelta(days=1)
        return total

    def outside(self, day: date, start_min: int, end_min: int) -> Outside | None:
        """None when [start_min, end_min) on ``day`` lies within the open hours."""
        if day in self.holidays:
            return Outside.HOLIDAY
        if not self.in_term(day):
            return Outside.OUT_OF_TERM
        hours = self.opening.get(day.isoweekday())
        if hours is None or hours[0] >= hours[1]:
            return Outside.CLOSED_DAY
        if start_min < hours[0] or end_min > hours[1]:
            return Outside.OUTSIDE_OPENING
        return None


def stored_opening(opening: Mapping[int, Window | None]) -> dict[str, list[str] | None]:
    """The stored form of opening hours (see :meth:`WorkingCalendar.of`)."""
    return {
        str(weekday): (
            [format_hhmm(hours[0]), format_hhmm(hours[1])]
            if (hours := opening.get(weekday)) is not None
            else None
        )
        for weekday in range(1, 8)
    }
