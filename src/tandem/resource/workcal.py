"""The college's working calendar (opening hours, terms, public holidays) and utilisation
settings: loaded for the pure cores, and changed by those with ``calendar.manage``.

Whose calendar: a college's own people read their college's; platform administrators name the
college; an enterprise contact may read the calendar of a college their enterprise partners
with. Another college's calendar, term or holiday is a 404. Flushes and audits, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import College
from tandem.college.service import check_version
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.resource.core.calendar import DEFAULT_OPENING, WorkingCalendar, stored_opening
from tandem.resource.models import CalendarTerm, Holiday, ResourceSettings
from tandem.resource.schemas_workcal import CalendarUpdate, HolidayCreate, TermCreate

DEFAULT_UNDERUSE_PCT = Decimal(30)
DEFAULT_TEACHING_HOUR_VALUE = Decimal(100)
_SETTINGS_FIELDS = ("opening_hours", "underuse_threshold_pct", "teaching_hour_value_cny")


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


def opening_hours(session: Session, *, college_id: int) -> dict[str, list[str] | None]:
    """The stored form of the opening hours ("1".."7" -> ["08:00", "21:00"] or None)."""
    row = settings_row(session, college_id=college_id)
    return dict(row.opening_hours) if row is not None else stored_opening(DEFAULT_OPENING)


def terms_of(session: Session, *, college_id: int) -> list[CalendarTerm]:
    stmt = (
        select(CalendarTerm)
        .where(CalendarTerm.college_id == college_id)
        .order_by(CalendarTerm.starts_on)
    )
    return list(session.scalars(stmt))


def holidays_of(
    session: Session, *, college_id: int, first: date | None = None, last: date | None = None
) -> list[Holiday]:
    stmt = select(Holiday).where(Holiday.college_id == college_id).order_by(Holiday.day)
    if first is not None:
        stmt = stmt.where(Holiday.day >= first)
    if last is not None:
        stmt = stmt.where(Holiday.day <= last)
    return list(session.scalars(stmt))


def holiday_names(session: Session, *, college_id: int, first: date, last: date) -> dict[date, str]:
    return {
        h.day: h.name for h in holidays_of(session, college_id=college_id, first=first, last=last)
    }


# --- whose calendar ------------------------------------------------------------------------------


def calendar_college(session: Session, *, actor: Actor, college_id: int | None) -> College:
    """The college whose calendar ``actor`` asks for: their own by default; platform admins and
    enterprise contacts must name it. Another college (for a contact: one their enterprise has
    no partnership with) is a 404."""
    if actor.role == Role.ENTERPRISE_CONTACT:
        if college_id is None:
            raise _choose_college()
        partners = select(Partnership.id).where(
            Partnership.college_id == college_id,
            Partnership.enterprise_id == actor.enterprise_id,
        )
        college = session.get(College, college_id) if actor.enterprise_id else None
        if college is None or session.scalar(partners.limit(1)) is None:
            raise NotFound(N_("No college with id %(id)s."), id=college_id)
        return college
    if actor.is_platform_wide:
        if college_id is None:
            raise _choose_college()
        found = session.get(College, college_id)
    else:
        wanted = college_id if college_id is not None else actor.college_id
        found = session.get(College, wanted) if wanted == actor.college_id and wanted else None
    if found is None:
        raise NotFound(N_("No college with id %(id)s."), id=college_id or 0)
    return found


def _choose_college() -> ValidationFailed:
    return ValidationFailed.single(
        "college_id", "required", N_("Choose a college: give its college_id.")
    )


def can_manage_calendar(actor: Actor, college_id: int) -> bool:
    return actor.can(Permission.CALENDAR_MANAGE) and (
        actor.is_platform_wide or actor.college_id == college_id
    )


def _check_manage(actor: Actor, college_id: int) -> None:
    if not can_manage_calendar(actor, college_id):
        raise PermissionDenied(
            N_("Only the cooperation office may change the working calendar."), code="not_yours"
        )


# --- opening hours and settings ------------------------------------------------------------------


def save_calendar(
    session: Session, *, actor: Actor, college_id: int, data: CalendarUpdate
) -> ResourceSettings:
    """Save the opening hours and utilisation settings (the row is made on the first save)."""
    _check_manage(actor, college_id)
    row = settings_row(session, college_id=college_id)
    values = {
        "opening_hours": data.opening_hours.stored(),
        "underuse_threshold_pct": data.underuse_threshold_pct,
        "teaching_hour_value_cny": data.teaching_hour_value_cny,
    }
    before = None
    if row is None:
        row = ResourceSettings(college_id=college_id, **values)
        session.add(row)
    else:
        check_version(row, data.version)
        before = audit.snapshot(row, _SETTINGS_FIELDS)
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create" if before is None else "update",
        entity=row,
        college_id=college_id,
        before=before,
        after=audit.snapshot(row, _SETTINGS_FIELDS),
    )
    return row


# --- terms ---------------------------------------------------------------------------------------


def add_term(session: Session, *, actor: Actor, college_id: int, data: TermCreate) -> CalendarTerm:
    _check_manage(actor, college_id)
    same_name = session.scalar(
        select(CalendarTerm).where(
            CalendarTerm.college_id == college_id, CalendarTerm.name == data.name
        )
    )
    if same_name is not None:
        message = N_("There is already a term named %(name)s; choose another name.")
        raise Conflict(
            message,
            code="duplicate",
            errors=[FieldError("name", "duplicate", message, {"name": data.name})],
            name=data.name,
        )
    overlapping = session.scalar(
        select(CalendarTerm)
        .where(
            CalendarTerm.college_id == college_id,
            CalendarTerm.starts_on <= data.ends_on,
            CalendarTerm.ends_on >= data.starts_on,
        )
        .order_by(CalendarTerm.starts_on)
        .limit(1)
    )
    if overlapping is not None:
        message = N_(
            "These dates overlap the term %(name)s (%(first)s to %(last)s); terms cannot "
            "overlap. Change the dates or delete that term first."
        )
        params = {
            "name": overlapping.name,
            "first": overlapping.starts_on.isoformat(),
            "last": overlapping.ends_on.isoformat(),
        }
        raise Conflict(
            message,
            code="terms_overlap",
            errors=[FieldError("starts_on", "terms_overlap", message, params)],
            **params,
        )
    term = CalendarTerm(
        college_id=college_id, name=data.name, starts_on=data.starts_on, ends_on=data.ends_on
    )
    session.add(term)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=term,
        college_id=college_id,
        after=audit.snapshot(term, ("name", "starts_on", "ends_on")),
        summary=term.name,
    )
    return term


def _visible_in(actor: Actor, college_id: int) -> bool:
    if actor.is_platform_wide:
        return True
    return actor.college_id == college_id and actor.can(Permission.RESOURCE_READ)


def get_term(session: Session, *, actor: Actor, term_id: int) -> CalendarTerm:
    term = session.get(CalendarTerm, term_id)
    if term is None or not _visible_in(actor, term.college_id):
        raise NotFound(N_("No term with id %(id)s."), id=term_id)
    return term


def delete_term(session: Session, *, actor: Actor, term: CalendarTerm) -> None:
    """Delete a term (series booked over it keep their occurrences and dates)."""
    _check_manage(actor, term.college_id)
    before = audit.snapshot(term, ("name", "starts_on", "ends_on"))
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=term,
        college_id=term.college_id,
        before=before,
        summary=term.name,
    )
    session.delete(term)
    session.flush()


# --- public holidays -----------------------------------------------------------------------------


def add_holidays(
    session: Session, *, actor: Actor, college_id: int, data: HolidayCreate
) -> list[Holiday]:
    """Add the day (or each day from ``day`` to ``last_day``) as a public holiday."""
    _check_manage(actor, college_id)
    days = data.days()
    taken = session.scalars(
        select(Holiday)
        .where(Holiday.college_id == college_id, Holiday.day.in_(days))
        .order_by(Holiday.day)
    ).all()
    if taken:
        message = N_(
            "%(days)s is already recorded as a holiday (%(name)s). Leave that day out, or "
            "delete the recorded holiday first."
        )
        params = {"days": ", ".join(h.day.isoformat() for h in taken), "name": taken[0].name}
        raise Conflict(
            message,
            code="duplicate",
            errors=[FieldError("day", "duplicate", message, params)],
            **params,
        )
    added = []
    for day in days:
        holiday = Holiday(college_id=college_id, day=day, name=data.name)
        session.add(holiday)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create",
            entity=holiday,
            college_id=college_id,
            after={"day": day.isoformat(), "name": data.name},
            summary=f"{day.isoformat()} {data.name}",
        )
        added.append(holiday)
    return added


def get_holiday(session: Session, *, actor: Actor, holiday_id: int) -> Holiday:
    holiday = session.get(Holiday, holiday_id)
    if holiday is None or not _visible_in(actor, holiday.college_id):
        raise NotFound(N_("No holiday with id %(id)s."), id=holiday_id)
    return holiday


def delete_holiday(session: Session, *, actor: Actor, holiday: Holiday) -> None:
    _check_manage(actor, holiday.college_id)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=holiday,
        college_id=holiday.college_id,
        before={"day": holiday.day.isoformat(), "name": holiday.name},
        summary=f"{holiday.day.isoformat()} {holiday.name}",
    )
    session.delete(holiday)
    session.flush()
