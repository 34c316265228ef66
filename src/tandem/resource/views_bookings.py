"""Booking pages: the list (my bookings, every booking the reader may see, and those waiting
for their use to be confirmed, with a bulk "used as booked"), its Excel export, a booking's page
with its usage form, and cancelling with a reason."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import errors_by_field, form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.resource import booking_pages as pages
from tandem.resource import booking_rules as rules
from tandem.resource import bookings, bookings_list, scope, views_booking_form, views_booking_series
from tandem.resource.kinds import BookingStatus, Purpose, UsageStatus
from tandem.resource.models import Booking, Equipment, Venue
from tandem.resource.schemas_bookings import BookingCancel, UsageUpdate

pages_router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Booker = Annotated[Actor, Depends(require(Permission.BOOKING_MAKE))]
TABS = ("mine", "all", "confirm")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def list_filter(request: Request) -> bookings_list.BookingFilter:
    """The list's filters from its query string; values that mean nothing are ignored."""
    q = request.query_params
    purpose, usage, status = q.get("purpose", ""), q.get("usage", ""), q.get("status", "")
    return bookings_list.BookingFilter(
        venue_id=_id(q.get("venue_id", "")),
        equipment_id=_id(q.get("equipment_id", "")),
        purpose=purpose if purpose in set(Purpose) else "",
        usage=usage if usage in set(UsageStatus) else "",
        status=status if status in set(BookingStatus) else "",
        first=_day(q.get("from", "")),
        last=_day(q.get("to", "")),
        mine=_tab(request) == "mine",
    )


ListFilter = Annotated[bookings_list.BookingFilter, Depends(list_filter)]


def _tab(request: Request) -> str:
    tab = request.query_params.get("tab", "")
    return tab if tab in TABS else "mine"


def _narrowed_to(session: Session, actor: Actor, filters: bookings_list.BookingFilter) -> str:
    """The resource the list is narrowed to, if the reader may see it."""
    if filters.venue_id is not None:
        venue = session.scalar(
            select(Venue).where(Venue.id == filters.venue_id, scope.visible(Venue, actor))
        )
        return rules.resource_label(venue) if venue else ""
    if filters.equipment_id is not None:
        line = session.scalar(
            select(Equipment).where(
                Equipment.id == filters.equipment_id, scope.visible(Equipment, actor)
            )
        )
        return rules.resource_label(line) if line else ""
    return ""


@pages_router.get("/bookings", response_class=HTMLResponse)
def booking_list(
    request: Request, session: DbSession, actor: Reader, params: ListQuery, filters: ListFilter
) -> Response:
    tab = _tab(request)
    if tab == "confirm":
        page = bookings_list.list_to_confirm(session, actor=actor, params=params)
    else:
        page = bookings_list.list_bookings(session, actor=actor, params=params, filters=filters)
    q = request.query_params
    shown = {
        "purpose": filters.purpose,
        "usage": filters.usage,
        "status": filters.status,
        "from": q.get("from", ""),
        "to": q.get("to", ""),
        "venue_id": q.get("venue_id", ""),
        "equipment_id": q.get("equipment_id", ""),
    }
    return render(
        request,
        "resource/booking_list.html",
        {
            "page": page,
            "params": params,
            "filters": shown,
            "tab": tab,
            "narrowed": _narrowed_to(session, actor, filters),
            "can_book": actor.can(Permission.BOOKING_MAKE),
            "resource_name": pages.resource_name,
            **pages.labels(),
        },
        block="results",
    )


def _fields() -> list[export.Field[Any]]:
    f = export.field
    return [
        f("id", "编号", "Booking", lambda b: b.id),
        f("resource", "场地/设备", "Venue or equipment", pages.resource_name),
        f("title", "事由", "Title", lambda b: export.text(b.title)),
        f("purpose", "用途", "Purpose", lambda b: pages.purpose_label(b.purpose)),
        f("day", "日期", "Day", lambda b: b.day),
        f("start", "开始", "Start", lambda b: pages.hhmm(b.start_min)),
        f("end", "结束", "End", lambda b: pages.hhmm(b.end_min)),
        f("minutes", "预约分钟", "Minutes booked", lambda b: b.minutes),
        f("units", "数量", "Items", lambda b: b.units),
        f("status", "状态", "Status", lambda b: pages.status_label(b.status)),
        f("usage", "使用情况", "Use", lambda b: pages.usage_label(b.usage)),
        f("used_minutes", "实际分钟", "Minutes used", lambda b: b.used_minutes),
        f("output_quantity", "产量", "Output", lambda b: b.output_quantity),
        f("outside_hours", "非工作时间", "Outside hours", lambda b: export.yes_no(b.outside_hours)),
        f("reason", "原因", "Reason", lambda b: export.text(b.outside_hours_reason)),
        f("booked_by", "预约人", "Booked by", lambda b: export.text(b.booked_by_label)),
        f("series", "周期预约", "Series", lambda b: b.series_id),
    ]


@pages_router.get("/bookings/export.xlsx")
def booking_export(
    request: Request, session: DbSession, actor: Reader, params: ListQuery, filters: ListFilter
) -> Response:
    if _tab(request) == "confirm":
        stmt = bookings_list.to_confirm_query(actor=actor)
    else:
        stmt = bookings_list.bookings_query(actor=actor, params=params, filters=filters)
    return export.audited_xlsx_response(
        request, session, actor, _fields(), stmt, stem="bookings", title=N_("Bookings")
    )


@pages_router.post("/bookings/confirm", response_class=HTMLResponse)
async def booking_confirm_many(request: Request, session: DbSession, actor: Booker) -> Response:
    """ "Used as booked" for the ticked bookings of the "to confirm" tab."""
    form = await request.form()
    ids = [int(v) for v in form.getlist("booking_id") if isinstance(v, str) and v.isdigit()]
    chosen = (
        session.scalars(
            select(Booking).where(Booking.id.in_(ids[:500]), scope.visible_bookings(actor))
        ).all()
        if ids
        else []
    )
    done = bookings.confirm_as_booked(session, actor=actor, bookings=chosen)
    if done:
        flash(request, N_("%(count)s bookings confirmed as used as booked."), count=done)
    else:
        flash(request, N_("Tick the bookings to confirm first."), "warning")
    return see_other("/bookings?tab=confirm")


# --- one booking ---------------------------------------------------------------------------------


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    booking: Booking,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    resource = rules.resource_of(session, booking)
    may_change = scope.can_change_booking(actor, booking, resource)
    usage_values = values or {
        "usage": booking.usage if booking.usage != UsageStatus.PENDING else UsageStatus.USED,
        "used_minutes": booking.used_minutes or booking.minutes,
        "output_quantity": booking.output_quantity if booking.output_quantity is not None else "",
        "output_note": booking.output_note,
    }
    return render(
        request,
        "resource/booking_detail.html",
        {
            "booking": booking,
            "resource": resource,
            "resource_label": rules.resource_label(resource),
            "resource_url": pages.resource_url(booking),
            "can_cancel": may_change
            and booking.status == BookingStatus.BOOKED
            and booking.usage == UsageStatus.PENDING
            and booking.day >= rules.local_now()[0],
            "can_confirm": bookings.can_confirm(actor, booking, resource),
            "production": pages.is_production(booking),
            "values": usage_values,
            "errors": errors or {},
            "usage_choices": pages.usage_choices(),
            **pages.labels(),
        },
        status_code=status_code,
    )


@pages_router.get("/bookings/{booking_id}", response_class=HTMLResponse)
def booking_detail(
    booking_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
    return _detail(request, session, actor, booking)


@pages_router.post("/bookings/{booking_id}/usage", response_class=HTMLResponse)
async def booking_usage(
    booking_id: int, request: Request, session: DbSession, actor: Booker
) -> Response:
    booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
    bookings.check_may_change(actor, booking, rules.resource_of(session, booking))
    values = await read_form(request)
    payload = {
        "usage": values.get("usage", ""),
        "used_minutes": values.get("used_minutes") or None,
        "output_quantity": values.get("output_quantity") or None,
        "output_note": values.get("output_note", ""),
    }
    try:
        data = validate(UsageUpdate, payload)
        data.version = form_version(values)
        bookings.record_usage(session, actor=actor, booking=booking, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
        return _detail(
            request, session, actor, booking, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("The use of “%(title)s” is recorded."), title=booking.title)
    return see_other(f"/bookings/{booking.id}")


@pages_router.get("/bookings/{booking_id}/cancel", response_class=HTMLResponse)
def booking_cancel_confirm(
    booking_id: int, request: Request, session: DbSession, actor: Booker
) -> Response:
    booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
    bookings.check_may_change(actor, booking, rules.resource_of(session, booking))
    return _cancel_page(request, session, booking, {}, {})


def _cancel_page(
    request: Request,
    session: Session,
    booking: Booking,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "resource/booking_cancel.html",
        {
            "booking": booking,
            "resource_label": rules.resource_label(rules.resource_of(session, booking)),
            "values": values,
            "errors": errors,
            **pages.labels(),
        },
        status_code=status_code,
    )


@pages_router.post("/bookings/{booking_id}/cancel", response_class=HTMLResponse)
async def booking_cancel(
    booking_id: int, request: Request, session: DbSession, actor: Booker
) -> Response:
    booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
    bookings.check_may_change(actor, booking, rules.resource_of(session, booking))
    values = await read_form(request)
    try:
        data = validate(BookingCancel, {"reason": values.get("reason", "")})
        bookings.cancel_booking(
            session,
            actor=actor,
            booking=booking,
            reason=data.reason,
            version=form_version(values) if "version" in values else None,
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        booking = scope.get_booking(session, actor=actor, booking_id=booking_id)
        return _cancel_page(
            request, session, booking, values, errors_by_field(error), error.status_code
        )
    flash(request, N_("The booking “%(title)s” is cancelled."), title=booking.title)
    return see_other(f"/bookings/{booking.id}")


router = APIRouter()
router.include_router(views_booking_form.router)
router.include_router(views_booking_series.router)
router.include_router(pages_router)
