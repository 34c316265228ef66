"""The working calendar page: opening hours per weekday and the utilisation settings, terms, and
public holidays (one day or a range with one name), each deleted after confirmation. Read by
everyone with ``resource.read``; changed by those with ``calendar.manage``. Platform
administrators (and enterprise contacts) choose the college with ``?college_id=``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission, Role
from tandem.college.models import College
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, NotFound, ValidationFailed
from tandem.kit.forms import FORM_KEY, form_version, read_form, validate
from tandem.kit.i18n import N_, get_language
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.models import Partnership
from tandem.partner.pages import see_other
from tandem.resource import booking_pages as pages
from tandem.resource import workcal
from tandem.resource.models import CalendarTerm, Holiday
from tandem.resource.schemas_workcal import WEEKDAYS, CalendarUpdate, HolidayCreate, TermCreate

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Manager = Annotated[Actor, Depends(require(Permission.CALENDAR_MANAGE))]
PAGE = "/working-calendar"


def _college(session: Session, actor: Actor, raw: str) -> College | None:
    """The actor's own college; platform admins and contacts choose one with ``college_id``."""
    wanted = int(raw) if raw.isdigit() and len(raw) < 10 else None
    if actor.is_platform_wide or actor.role == Role.ENTERPRISE_CONTACT:
        if wanted is None:
            return None
        try:
            return workcal.calendar_college(session, actor=actor, college_id=wanted)
        except NotFound:
            return None
    return session.get(College, actor.college_id) if actor.college_id else None


def _colleges(session: Session, actor: Actor) -> list[College]:
    if actor.is_platform_wide:
        return list(session.scalars(select(College).order_by(College.code)))
    if actor.role == Role.ENTERPRISE_CONTACT and actor.enterprise_id is not None:
        partners = select(Partnership.college_id).where(
            Partnership.enterprise_id == actor.enterprise_id
        )
        stmt = select(College).where(College.id.in_(partners)).order_by(College.code)
        return list(session.scalars(stmt))
    return []


def _url(actor: Actor, college: College) -> str:
    return f"{PAGE}?college_id={college.id}" if _colleges_chosen(actor) else PAGE


def _colleges_chosen(actor: Actor) -> bool:
    return actor.is_platform_wide or actor.role == Role.ENTERPRISE_CONTACT


def _hours_values(opening: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for day in WEEKDAYS:
        hours = opening.get(day)
        if hours:
            values[f"open.{day}"], values[f"close.{day}"] = hours[0], hours[1]
        else:
            values[f"closed.{day}"] = "on"
    return values


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    college: College | None,
    *,
    values: dict[str, dict[str, Any]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "college": college,
        "colleges": _colleges(session, actor) if _colleges_chosen(actor) else [],
        "can_manage": college is not None and workcal.can_manage_calendar(actor, college.id),
        "weekdays": [(d, pages.weekday_label(int(d))) for d in WEEKDAYS],
        "errors": {"hours": {}, "term": {}, "holiday": {}, **(errors or {})},
        "college_name": college.name(get_language()) if college else "",
    }
    if college is not None:
        row = workcal.settings_row(session, college_id=college.id)
        settings = workcal.utilisation_settings(session, college_id=college.id)
        shown = {
            "hours": {
                **_hours_values(workcal.opening_hours(session, college_id=college.id)),
                "underuse_threshold_pct": str(settings.underuse_threshold_pct),
                "teaching_hour_value_cny": str(settings.teaching_hour_value_cny),
                "version": str(row.version) if row else "",
            },
            "term": {},
            "holiday": {},
        }
        context |= {
            "values": {**shown, **(values or {})},
            "row": row,
            "terms": workcal.terms_of(session, college_id=college.id),
            "holidays": workcal.holidays_of(
                session, college_id=college.id, first=date(local_today().year - 1, 1, 1)
            ),
            "suffix": f"?college_id={college.id}" if _colleges_chosen(actor) else "",
        }
    return render(request, "resource/workcal.html", context, status_code=status_code)


@router.get(PAGE, response_class=HTMLResponse)
def calendar_page(
    request: Request, session: DbSession, actor: Reader, college_id: str = ""
) -> Response:
    return _page(request, session, actor, _college(session, actor, college_id))


def _errors(
    error: AppError, known: tuple[str, ...], rename: dict[str, str] | None = None
) -> dict[str, str]:
    messages: dict[str, str] = {}
    for item in error.errors:
        name = item.field
        if name.startswith("opening_hours."):
            name = "hours." + name.split(".")[1]
        name = (rename or {}).get(name, name)
        messages.setdefault(
            name if name in known or name.startswith("hours.") else FORM_KEY, item.localised()
        )
    if not error.errors:
        messages[FORM_KEY] = error.localised()
    return messages


def _required_college(session: Session, actor: Actor, values: dict[str, str]) -> College:
    college = _college(session, actor, values.get("college_id", ""))
    if college is None:
        raise ValidationFailed.single(
            "college_id", "missing", N_("Choose the college whose calendar this is.")
        )
    return college


@router.post(PAGE, response_class=HTMLResponse)
async def calendar_save(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    college = _college(session, actor, values.get("college_id", ""))
    opening: dict[str, list[str] | None] = {}
    for day in WEEKDAYS:
        start, end = values.get(f"open.{day}", ""), values.get(f"close.{day}", "")
        closed = f"closed.{day}" in values or (not start and not end)
        opening[day] = None if closed else [start, end]
    payload = {
        "opening_hours": opening,
        "underuse_threshold_pct": values.get("underuse_threshold_pct", ""),
        "teaching_hour_value_cny": values.get("teaching_hour_value_cny", ""),
    }
    try:
        college = _required_college(session, actor, values)
        data = validate(CalendarUpdate, payload)
        data.version = form_version(values) if values.get("version") else None
        workcal.save_calendar(session, actor=actor, college_id=college.id, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = _errors(error, ("underuse_threshold_pct", "teaching_hour_value_cny"))
        return _page(
            request,
            session,
            actor,
            college,
            values={"hours": values},
            errors={"hours": errors},
            status_code=error.status_code,
        )
    flash(request, N_("The opening hours and settings are saved."))
    return see_other(_url(actor, college))


@router.post(f"{PAGE}/terms", response_class=HTMLResponse)
async def term_add(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    college = _college(session, actor, values.get("college_id", ""))
    try:
        college = _required_college(session, actor, values)
        data = validate(
            TermCreate,
            {
                "name": values.get("name", ""),
                "starts_on": values.get("starts_on", ""),
                "ends_on": values.get("ends_on", ""),
            },
        )
        term = workcal.add_term(session, actor=actor, college_id=college.id, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _page(
            request,
            session,
            actor,
            college,
            values={"term": values},
            errors={"term": _errors(error, ("name", "starts_on", "ends_on"))},
            status_code=error.status_code,
        )
    flash(request, N_("Term %(name)s added."), name=term.name)
    return see_other(_url(actor, college))


@router.post(f"{PAGE}/holidays", response_class=HTMLResponse)
async def holiday_add(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    college = _college(session, actor, values.get("college_id", ""))
    try:
        college = _required_college(session, actor, values)
        data = validate(
            HolidayCreate,
            {
                "day": values.get("day", ""),
                "last_day": values.get("last_day") or None,
                "name": values.get("holiday_name", ""),
            },
        )
        added = workcal.add_holidays(session, actor=actor, college_id=college.id, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _page(
            request,
            session,
            actor,
            college,
            values={"holiday": values},
            errors={
                "holiday": _errors(
                    error, ("day", "last_day", "holiday_name"), {"name": "holiday_name"}
                )
            },
            status_code=error.status_code,
        )
    flash(request, N_("%(count)s days of %(name)s added."), count=len(added), name=data.name)
    return see_other(_url(actor, college))


# --- deleting, after confirmation ----------------------------------------------------------------


def _confirm(
    request: Request, session: Session, kind: str, record: CalendarTerm | Holiday
) -> Response:
    college = session.get_one(College, record.college_id)
    return render(
        request,
        "resource/workcal_delete.html",
        {
            "kind": kind,
            "record": record,
            "college": college,
            "college_name": college.name(get_language()),
        },
    )


@router.get(f"{PAGE}/terms/{{term_id}}/delete", response_class=HTMLResponse)
def term_confirm_delete(
    term_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    term = workcal.get_term(session, actor=actor, term_id=term_id)
    return _confirm(request, session, "term", term)


@router.post(f"{PAGE}/terms/{{term_id}}/delete", response_class=HTMLResponse)
def term_delete(term_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    term = workcal.get_term(session, actor=actor, term_id=term_id)
    college, name = session.get_one(College, term.college_id), term.name
    workcal.delete_term(session, actor=actor, term=term)
    flash(request, N_("Term %(name)s deleted."), name=name)
    return see_other(_url(actor, college))


@router.get(f"{PAGE}/holidays/{{holiday_id}}/delete", response_class=HTMLResponse)
def holiday_confirm_delete(
    holiday_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    holiday = workcal.get_holiday(session, actor=actor, holiday_id=holiday_id)
    return _confirm(request, session, "holiday", holiday)


@router.post(f"{PAGE}/holidays/{{holiday_id}}/delete", response_class=HTMLResponse)
def holiday_delete(
    holiday_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    holiday = workcal.get_holiday(session, actor=actor, holiday_id=holiday_id)
    college, day = session.get_one(College, holiday.college_id), holiday.day
    workcal.delete_holiday(session, actor=actor, holiday=holiday)
    flash(request, N_("The holiday on %(day)s is deleted."), day=day.isoformat())
    return see_other(_url(actor, college))
