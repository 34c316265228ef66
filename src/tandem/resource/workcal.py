"""The college's working calendar and utilisation settings, loaded for the pure cores."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.resource.core.calendar import DEFAULT_OPENING, WorkingCalendar, stored_opening
from tandem.resource.models import CalendarTerm, Holiday, ResourceSettings

DEFAULT_UNDERUSE_PCT = Decimal(30)
DEFAULT_TEACHING_HOUR_VALUE = Decimal(100)


@dataclass(frozen=True)
class UtilisationSettings:
    underuse_threshold_pct: Decimal  # a resource used less than this share of its hours is flagged
    teaching_hour_value_cny: Decimal  # value of an hour of teaching on enterprise equipment


def settings_row(session: Session, *, college_id: int) -> ResourceSettings | None:
    return session.scalar(select(ResourceSettings).where(ResourceSettings.college_id == college_id))


def utilisation_settings(session: Session, *, college_id: int) -> UtilisationSettings:
    row = settings_row(session, college_id=college_id)
    if row is None:
        return UtilisationSettings(DEFAULT_UNDERUSE_PCT, DEFAULT_TEACHING_HOUR_VALUE)
    return UtilisationSettings(row.underuse_threshold_pct, row.teaching_hour_value_cny)


def load_calendar(session: Session, *, college_id: int) -> WorkingCalendar:
    row = settings_row(session, college_id=college_id)
    terms = session.execute(
        select(CalendarTerm.starts_on, CalendarTerm.ends_on).where(
            CalendarTerm.college_id == college_id
        )
    ).all()
    holidays = session.scalars(select(Holiday.day).where(Holiday.college_id == college_id))
    return WorkingCalendar.of(
        row.opening_hours if row is not None else stored_opening(DEFAULT_OPENING),
        terms=[(t.starts_on, t.ends_on) for t in terms],
        holidays=holidays,
    )
