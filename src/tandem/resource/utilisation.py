"""Utilisation of a college's venues and equipment: one SQL aggregation, then the pure core.

The service resolves the college and the period, reads the selection's resources and the sums
of its bookings (:mod:`tandem.resource.utilisation_queries`: one statement, on SQLite and
PostgreSQL alike), loads the working calendar and the college's settings, and hands everything
to :func:`tandem.resource.core.utilisation.build_report`. Everything is scoped by the actor: a
college's staff see their college's resources, an enterprise contact only those their enterprise
owns (alone or jointly) or hosts (:mod:`tandem.resource.scope`). The definitions are in
:mod:`tandem.resource.core.utilisation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College
from tandem.kit.errors import NotFound, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.resource.core.utilisation import Bucketing, Report, build_report
from tandem.resource.models import CalendarTerm
from tandem.resource.schemas_utilisation import UtilisationQuery
from tandem.resource.utilisation_queries import (
    Selection,
    group_labels,
    load_resources,
    usage_rows,
)
from tandem.resource.workcal import load_calendar, utilisation_settings

__all__ = [
    "Selection",
    "UtilisationReport",
    "check_period",
    "default_period",
    "enterprise_colleges",
    "resolve_college",
    "resource_rates",
    "selection_of",
    "utilisation",
]

MAX_DAYS = 731  # a period of at most two years
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class UtilisationReport:
    """The core's report with what the pages and the API show around it."""

    college: College
    selection: Selection
    report: Report
    group_labels: dict[int, str]
    teaching_hour_value_cny: Decimal


def check_period(first: date, last: date) -> None:
    if first > last:
        raise ValidationFailed.single(
            "to",
            "period_reversed",
            N_("The end of the period (%(last)s) is before its start (%(first)s): swap them."),
            first=first.isoformat(),
            last=last.isoformat(),
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed.single(
            "to",
            "period_too_long",
            N_("The period is longer than two years: choose at most %(days)s days."),
            days=MAX_DAYS,
        )


def default_period(session: Session, *, college_id: int, today: date) -> tuple[date, date]:
    """The current term so far (its start to today), else the last 90 days up to today."""
    term = session.execute(
        select(CalendarTerm.starts_on, CalendarTerm.ends_on)
        .where(
            CalendarTerm.college_id == college_id,
            CalendarTerm.starts_on <= today,
            CalendarTerm.ends_on >= today,
        )
        .order_by(CalendarTerm.starts_on.desc())
        .limit(1)
    ).first()
    if term is not None:
        return term.starts_on, min(term.ends_on, today)
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def enterprise_colleges(session: Session, actor: Actor) -> list[College]:
    """The colleges an enterprise contact's enterprise works with."""
    stmt = (
        select(College)
        .join(Partnership, Partnership.college_id == College.id)
        .where(Partnership.enterprise_id == actor.enterprise_id)
        .distinct()
        .order_by(College.code)
    )
    return list(session.scalars(stmt))


def resolve_college(session: Session, *, actor: Actor, college_id: int | None) -> College:
    """The college asked for, else the actor's own (an enterprise contact: the first college
    their enterprise works with). Another college is a 404; none at all a 422."""
    if actor.role == Role.ENTERPRISE_CONTACT:
        colleges = enterprise_colleges(session, actor) if actor.enterprise_id else []
        if college_id is None:
            if not colleges:
                raise ValidationFailed.single(
                    "college_id",
                    "no_college",
                    N_("Your enterprise does not work with any college yet: nothing to show."),
                )
            return colleges[0]
        for college in colleges:
            if college.id == college_id:
                return college
        raise NotFound(N_("No college with id %(id)s."), id=college_id)
    wanted = college_id if college_id is not None else actor.college_id
    if wanted is None:
        raise ValidationFailed.single(
            "college_id", "required", N_("Choose a college: give its college_id.")
        )
    found = session.get(College, wanted)
    if found is None or not (actor.is_platform_wide or actor.college_id == wanted):
        raise NotFound(N_("No college with id %(id)s."), id=wanted)
    return found


def selection_of(
    session: Session,
    *,
    college_id: int,
    query: UtilisationQuery,
    today: date,
    bucket: Bucketing | None = None,
) -> Selection:
    """The report's selection from its query: a missing period is the current term so far (or
    the last 90 days); a missing end is today (or 90 days on, for a period in the future)."""
    first, last = query.first, query.last
    if first is None and last is None:
        first, last = default_period(session, college_id=college_id, today=today)
    elif first is None:
        assert last is not None  # noqa: S101 - narrowed above
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    elif last is None:
        last = today if first <= today else first + timedelta(days=DEFAULT_DAYS - 1)
    check_period(first, last)
    return Selection(
        first=first,
        last=last,
        group=query.group,
        department_id=query.department_id,
        base_id=query.base_id,
        venue_id=query.venue_id,
        equipment_id=query.equipment_id,
        kind=query.kind,
        ownership=query.ownership,
        bucket=query.bucket or bucket,
    )


# --- the report ----------------------------------------------------------------------------------


def utilisation(
    session: Session,
    *,
    actor: Actor,
    college: College,
    selection: Selection,
    language: str = "en",
) -> UtilisationReport:
    """The utilisation report of ``college``'s resources that ``actor`` may see."""
    check_period(selection.first, selection.last)
    settings = utilisation_settings(session, college_id=college.id)
    resources = load_resources(session, actor=actor, college_id=college.id, selection=selection)
    usage = usage_rows(session, actor=actor, college_id=college.id, selection=selection)
    labels = group_labels(
        session, college_id=college.id, grouping=selection.group, language=language, actor=actor
    )
    report = build_report(
        resources,
        usage.rows,
        series_rows=usage.series,
        calendar=load_calendar(session, college_id=college.id),
        first=selection.first,
        last=selection.last,
        grouping=selection.group,
        bucket=selection.bucket,
        threshold_pct=settings.underuse_threshold_pct,
        default_hour_value=settings.teaching_hour_value_cny,
        group_labels=labels,
        college_label=college.name(language),
    )
    return UtilisationReport(college, selection, report, labels, settings.teaching_hour_value_cny)


def resource_rates(
    session: Session, *, college_id: int, first: date, last: date
) -> dict[tuple[str, int], Decimal]:
    """("venue" | "equipment", id) -> utilisation rate in percent, for every venue (not closed)
    and equipment line (not retired) of the college with available hours in [first, last].

    Resources without available hours in the period have no rate and are left out. A rate may
    exceed 100 (use outside the opening hours): an idle share (100 − rate) should be clamped at 0.
    """
    actor = Actor.system("utilisation")
    selection = Selection(first=first, last=last)
    check_period(first, last)
    resources = load_resources(session, actor=actor, college_id=college_id, selection=selection)
    usage = usage_rows(session, actor=actor, college_id=college_id, selection=selection)
    report = build_report(
        resources,
        usage.rows,
        calendar=load_calendar(session, college_id=college_id),
        first=first,
        last=last,
    )
    return {
        r.resource.key: rate
        for r in report.resources
        if (rate := r.measures.utilisation_rate) is not None
    }
