"""The booking form (one-off or weekly; ``?venue_id=``, ``?equipment_id=``, ``?day=``, ``?start=``
and ``?end=`` pre-fill it) and the "find a free slot" search with a link to book each slot."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, ValidationFailed
from tandem.kit.forms import errors_by_field, read_form, validate
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.resource import booking_pages as pages
from tandem.resource import booking_rules as rules
from tandem.resource import bookings, series
from tandem.resource.core.calendar import OUTSIDE_LABELS, format_hhmm, parse_hhmm
from tandem.resource.free_slots import SlotSearch, find_free_slots
from tandem.resource.schemas_bookings import BookingCreate, SeriesCreate

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Booker = Annotated[Actor, Depends(require(Permission.BOOKING_MAKE))]


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, Any],
    weekdays: list[str],
    errors: dict[str, str],
    conflicts: list[str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "resource/booking_form.html",
        {
            "values": values,
            "weekdays": weekdays,
            "errors": errors,
            "conflicts": conflicts,
            "resources": pages.resource_options(session, actor),
            "partnerships": pages.partnership_options(session, actor),
            "agreements": pages.agreement_options(session, actor),
            "terms": pages.term_options(session, actor),
            **pages.labels(),
        },
        status_code=status_code,
    )


@router.get("/bookings/new", response_class=HTMLResponse)
def booking_new(request: Request, session: DbSession, actor: Booker) -> Response:
    q = request.query_params
    day = q.get("day", "")
    values: dict[str, Any] = {
        "repeat": "weekly" if q.get("repeat") == "weekly" else "once",
        "resource": pages.choice_of(request),
        "purpose": q.get("purpose", "teaching"),
        "day": day if _is_day(day) else local_today().isoformat(),
        "start": q.get("start", "") if parse_hhmm(q.get("start", "")) is not None else "",
        "end": q.get("end", "") if parse_hhmm(q.get("end", "")) is not None else "",
        "units": q.get("units", "1") if q.get("units", "").isdigit() else "1",
    }
    return _form(request, session, actor, values, [], {}, [])


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@router.post("/bookings/new", response_class=HTMLResponse)
async def booking_create(request: Request, session: DbSession, actor: Booker) -> Response:
    values = await read_form(request)
    form = await request.form()
    weekdays = [v for v in form.getlist("weekdays") if isinstance(v, str)]
    payload = pages.booking_payload(values, weekdays)
    try:
        if values.get("repeat") == "weekly":
            result = series.create_series(
                session, actor=actor, data=validate(SeriesCreate, payload)
            )
        else:
            booking = bookings.create_booking(
                session, actor=actor, data=validate(BookingCreate, payload)
            )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors, conflicts = pages.form_errors(error)
        return _form(
            request, session, actor, values, weekdays, errors, conflicts, error.status_code
        )
    if values.get("repeat") == "weekly":
        flash(
            request,
            N_("Weekly booking “%(title)s” made: %(count)s dates."),
            title=result.series.title,
            count=len(result.occurrences),
        )
        if result.skipped:
            flash(
                request,
                N_("Left out as not working days: %(days)s."),
                "warning",
                days=", ".join(
                    f"{d.isoformat()} ({gettext(OUTSIDE_LABELS[why])})" for d, why in result.skipped
                ),
            )
        return see_other(f"/bookings/series/{result.series.id}")
    flash(request, N_("Booked: “%(title)s”."), title=booking.title)
    return see_other(f"/bookings/{booking.id}")


# --- free slots ----------------------------------------------------------------------------------


def _int(value: str, default: int, low: int, high: int) -> int:
    return max(low, min(high, int(value))) if value.isdigit() and len(value) < 6 else default


@router.get("/bookings/free-slots", response_class=HTMLResponse)
def free_slot_search(request: Request, session: DbSession, actor: Reader) -> Response:
    q = request.query_params
    venue_ids = [int(v) for v in q.getlist("venue_id") if v.isdigit() and len(v) < 10]
    lines, units = q.getlist("equipment_id"), q.getlist("units")
    equipment = [
        (int(line), _int(units[i] if i < len(units) else "", 1, 1, 100_000))
        for i, line in enumerate(lines)
        if line.isdigit() and len(line) < 10
    ]
    first = pages_day(q.get("from", "")) or local_today()
    last = pages_day(q.get("to", "")) or first + timedelta(days=13)
    minutes = _int(q.get("minutes", ""), 120, 1, 1440)
    values = {
        "venue_id": [str(v) for v in venue_ids],
        "equipment": [(str(e), str(u)) for e, u in equipment],
        "minutes": str(minutes),
        "from": first.isoformat(),
        "to": last.isoformat(),
        "step": str(_int(q.get("step", ""), 30, 5, 240)),
    }
    found = None
    errors: dict[str, str] = {}
    status_code = 200
    if venue_ids or equipment:
        try:
            found = find_free_slots(
                session,
                actor=actor,
                search=SlotSearch(
                    venue_ids=venue_ids,
                    equipment=equipment,
                    minutes=minutes,
                    first=first,
                    last=last,
                    step=_int(q.get("step", ""), 30, 5, 240),
                    limit=30,
                ),
            )
        except (ValidationFailed, AppError) as error:
            if error.status_code == 403:
                raise
            errors = errors_by_field(error)
            status_code = error.status_code if error.status_code != 404 else 422
    options = pages.resource_options(session, actor)
    return render(
        request,
        "resource/booking_free_slots.html",
        {
            "values": values,
            "errors": errors,
            "found": found,
            "venues": [(v.split(":")[1], label) for v, label in options["venues"]],
            "lines": [(v.split(":")[1], label) for v, label in options["equipment"]],
            "slot_links": _slot_links(found) if found else [],
            "can_book": actor.can(Permission.BOOKING_MAKE),
            **pages.labels(),
        },
        status_code=status_code,
    )


def pages_day(value: str) -> date | None:
    return date.fromisoformat(value) if _is_day(value) else None


def _slot_links(found: Any) -> list[dict[str, Any]]:
    """Each slot with a "book this" link per resource (the form pre-filled)."""
    rows = []
    for slot in found.slots:
        start, end = format_hhmm(slot.start), format_hhmm(slot.end)
        links = []
        for resource, units in found.resources:
            key = "venue_id" if rules.kind_of(resource).value == "venue" else "equipment_id"
            links.append(
                (
                    rules.resource_label(resource),
                    f"/bookings/new?{key}={resource.id}&day={slot.day.isoformat()}"
                    f"&start={start}&end={end}&units={units}",
                )
            )
        rows.append({"day": slot.day, "start": start, "end": end, "links": links})
    return rows
