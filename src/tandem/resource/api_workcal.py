"""JSON API for the working calendar: opening hours and utilisation settings (read by everyone
with ``resource.read``, changed with ``calendar.manage``), terms and public holidays.

The college is the actor's own; platform administrators (and enterprise contacts, for a college
their enterprise partners with) name it with ``college_id``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi import status as http
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession
from tandem.resource import workcal
from tandem.resource.schemas_workcal import (
    CalendarRead,
    CalendarUpdate,
    HolidayCreate,
    HolidayList,
    HolidayRead,
    TermCreate,
    TermRead,
)

router = APIRouter(prefix="/api/v1/working-calendar", tags=["working calendar"])

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Manager = Annotated[Actor, Depends(require(Permission.CALENDAR_MANAGE))]
CollegeQuery = Annotated[
    int | None,
    Query(ge=1, description="The college (required for platform administrators)."),
]


def calendar_read(session: Session, college_id: int) -> CalendarRead:
    row = workcal.settings_row(session, college_id=college_id)
    settings = workcal.utilisation_settings(session, college_id=college_id)
    return CalendarRead(
        college_id=college_id,
        opening_hours=workcal.opening_hours(session, college_id=college_id),
        underuse_threshold_pct=settings.underuse_threshold_pct,
        teaching_hour_value_cny=settings.teaching_hour_value_cny,
        version=row.version if row is not None else 0,
        updated_at=row.updated_at if row is not None else None,
        terms=[
            TermRead.model_validate(t) for t in workcal.terms_of(session, college_id=college_id)
        ],
        holidays=[
            HolidayRead.model_validate(h)
            for h in workcal.holidays_of(session, college_id=college_id)
        ],
    )


@router.get(
    "",
    response_model=CalendarRead,
    summary="The working calendar: opening hours, settings, terms and public holidays",
)
def get_calendar(
    session: DbSession, actor: Reader, college_id: CollegeQuery = None
) -> CalendarRead:
    college = workcal.calendar_college(session, actor=actor, college_id=college_id)
    return calendar_read(session, college.id)


@router.put(
    "",
    response_model=CalendarRead,
    summary="Replace the opening hours and utilisation settings (send the version you read)",
)
def put_calendar(
    data: CalendarUpdate, session: DbSession, actor: Manager, college_id: CollegeQuery = None
) -> CalendarRead:
    college = workcal.calendar_college(session, actor=actor, college_id=college_id)
    workcal.save_calendar(session, actor=actor, college_id=college.id, data=data)
    return calendar_read(session, college.id)


@router.post(
    "/terms",
    response_model=TermRead,
    status_code=http.HTTP_201_CREATED,
    summary="Add a term (terms may not overlap)",
)
def post_term(
    data: TermCreate, session: DbSession, actor: Manager, college_id: CollegeQuery = None
) -> TermRead:
    college = workcal.calendar_college(session, actor=actor, college_id=college_id)
    term = workcal.add_term(session, actor=actor, college_id=college.id, data=data)
    return TermRead.model_validate(term)


@router.delete("/terms/{term_id}", status_code=http.HTTP_204_NO_CONTENT, summary="Delete a term")
def delete_term(term_id: int, session: DbSession, actor: Manager) -> Response:
    term = workcal.get_term(session, actor=actor, term_id=term_id)
    workcal.delete_term(session, actor=actor, term=term)
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.post(
    "/holidays",
    response_model=HolidayList,
    status_code=http.HTTP_201_CREATED,
    summary="Add a public holiday, or a range of days with one name (last_day)",
)
def post_holidays(
    data: HolidayCreate, session: DbSession, actor: Manager, college_id: CollegeQuery = None
) -> HolidayList:
    college = workcal.calendar_college(session, actor=actor, college_id=college_id)
    added = workcal.add_holidays(session, actor=actor, college_id=college.id, data=data)
    return HolidayList(items=[HolidayRead.model_validate(h) for h in added])


@router.delete(
    "/holidays/{holiday_id}", status_code=http.HTTP_204_NO_CONTENT, summary="Delete a holiday"
)
def delete_holiday(holiday_id: int, session: DbSession, actor: Manager) -> Response:
    holiday = workcal.get_holiday(session, actor=actor, holiday_id=holiday_id)
    workcal.delete_holiday(session, actor=actor, holiday=holiday)
    return Response(status_code=http.HTTP_204_NO_CONTENT)
