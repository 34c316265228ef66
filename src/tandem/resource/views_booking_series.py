"""A weekly series' page: its dates with their state, skipping one date (it is cancelled and kept
as an exception), and cancelling the rest of the series from a day on after confirmation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError
from tandem.kit.forms import errors_by_field, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.resource import booking_pages as pages
from tandem.resource import booking_rules as rules
from tandem.resource import bookings, scope, series
from tandem.resource.kinds import BookingStatus, UsageStatus
from tandem.resource.models import BookingSeries, Equipment, Venue
from tandem.resource.schemas_bookings import SeriesCancel, SeriesSkip

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Booker = Annotated[Actor, Depends(require(Permission.BOOKING_MAKE))]


def _resource(session: Session, found: BookingSeries) -> Venue | Equipment:
    if found.venue_id is not None:
        return session.get_one(Venue, found.venue_id)
    return session.get_one(Equipment, found.equipment_id)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    found: BookingSeries,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    resource = _resource(session, found)
    today = rules.local_now()[0]
    may_change = scope.can_change_booking(actor, found, resource)
    occurrences = series.occurrences(session, found)
    return render(
        request,
        "resource/booking_series.html",
        {
            "series": found,
            "resource_label": rules.resource_label(resource),
            "resource_url": (
                f"/venues/{resource.id}/calendar"
                if isinstance(resource, Venue)
                else f"/equipment/{resource.id}/calendar"
            ),
            "occurrences": occurrences,
            "skipped": [date.fromisoformat(d) for d in found.skipped_days],
            "may_change": may_change and found.status == BookingStatus.BOOKED,
            "skippable": {
                b.id
                for b in occurrences
                if b.status == BookingStatus.BOOKED
                and b.usage == UsageStatus.PENDING
                and b.day >= today
            },
            "errors": errors or {},
            **pages.labels(),
        },
        status_code=status_code,
    )


@router.get("/bookings/series/{series_id}", response_class=HTMLResponse)
def series_detail(series_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    found = scope.get_series(session, actor=actor, series_id=series_id)
    return _page(request, session, actor, found)


@router.post("/bookings/series/{series_id}/skip", response_class=HTMLResponse)
async def series_skip(
    series_id: int, request: Request, session: DbSession, actor: Booker
) -> Response:
    found = scope.get_series(session, actor=actor, series_id=series_id)
    bookings.check_may_change(actor, found, _resource(session, found))
    values = await read_form(request)
    try:
        data = validate(
            SeriesSkip, {"day": values.get("day", ""), "reason": values.get("reason", "")}
        )
        series.skip_occurrence(session, actor=actor, series=found, day=data.day, reason=data.reason)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        found = scope.get_series(session, actor=actor, series_id=series_id)
        return _page(request, session, actor, found, errors_by_field(error), error.status_code)
    flash(request, N_("The date %(day)s is skipped."), day=data.day.isoformat())
    return see_other(f"/bookings/series/{found.id}")


def _cancel_page(
    request: Request,
    session: Session,
    found: BookingSeries,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "resource/booking_series_cancel.html",
        {
            "series": found,
            "resource_label": rules.resource_label(_resource(session, found)),
            "values": values,
            "errors": errors,
            **pages.labels(),
        },
        status_code=status_code,
    )


@router.get("/bookings/series/{series_id}/cancel", response_class=HTMLResponse)
def series_cancel_confirm(
    series_id: int, request: Request, session: DbSession, actor: Booker
) -> Response:
    found = scope.get_series(session, actor=actor, series_id=series_id)
    bookings.check_may_change(actor, found, _resource(session, found))
    today = rules.local_now()[0]
    start = max(today, found.first_day)
    return _cancel_page(request, session, found, {"from_day": start.isoformat()}, {})


@router.post("/bookings/series/{series_id}/cancel", response_class=HTMLResponse)
async def series_cancel(
    series_id: int, request: Request, session: DbSession, actor: Booker
) -> Response:
    found = scope.get_series(session, actor=actor, series_id=series_id)
    bookings.check_may_change(actor, found, _resource(session, found))
    values = await read_form(request)
    try:
        data = validate(
            SeriesCancel,
            {"from_day": values.get("from_day") or None, "reason": values.get("reason", "")},
        )
        cancelled = series.cancel_from(
            session, actor=actor, series=found, from_day=data.from_day, reason=data.reason
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        found = scope.get_series(session, actor=actor, series_id=series_id)
        return _cancel_page(
            request, session, found, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("%(count)s dates of the series are cancelled."), count=len(cancelled))
    return see_other(f"/bookings/series/{found.id}")
