"""Calendar arithmetic the domains share."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tandem.config import get_settings


def local_today() -> date:
    """Today where the platform runs (``TANDEM_TIMEZONE``), not in UTC."""
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
