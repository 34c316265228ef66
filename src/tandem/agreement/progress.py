"""Committed versus delivered for one obligation (pure).

An obligation commits ``quantity`` once (due on ``due_on``) or every period (month, term of six
months, year) from ``starts_on`` until ``due_on``; each period's share falls due at the period's
end. The obligation is behind when less has been delivered than has fallen due by today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tandem.agreement.models import Period
from tandem.kit.dates import add_months

PERIOD_MONTHS = {Period.MONTH: 1, Period.TERM: 6, Period.YEAR: 12}


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MET = "met"


@dataclass(frozen=True)
class Standing:
    committed: Decimal  # the whole commitment, start to finish
    due_so_far: Decimal  # what should have been delivered by today
    delivered: Decimal
    progress: Progress

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), self.due_so_far - self.delivered)

    @property
    def percent(self) -> int:
        """Delivered as a whole percentage of the commitment (capped at 100)."""
        if self.committed <= 0:
            return 100
        return min(100, int(self.delivered * 100 / self.committed))


def due_dates(period: str, starts_on: date, due_on: date) -> list[date]:
    """When each share falls due: period ends from the start, the last clipped to ``due_on``."""
    if period == Period.ONCE or period not in PERIOD_MONTHS:
        return [due_on]
    months, dates, step = PERIOD_MONTHS[Period(period)], [], 1
    while (end := add_months(starts_on, months * step)) < due_on:
        dates.append(end)
        step += 1
    dates.append(due_on)
    return dates


def standing(
    *,
    quantity: Decimal,
    period: str,
    starts_on: date,
    due_on: date,
    delivered: Decimal,
    today: date,
) -> Standing:
    dates = due_dates(period, starts_on, due_on)
    committed = quantity * len(dates)
    due_so_far = quantity * sum(1 for d in dates if d <= today)
    if delivered >= committed:
        progress = Progress.MET
    elif today < starts_on:
        progress = Progress.NOT_STARTED
    elif delivered < due_so_far:
        progress = Progress.BEHIND
    else:
        progress = Progress.ON_TRACK
    return Standing(committed, due_so_far, delivered, progress)
