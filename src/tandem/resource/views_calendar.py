"""A venue's or an equipment line's calendar: a week as a time grid (a row per half hour inside
the open hours, a column per day, bookings placed with CSS grid classes and coloured by purpose)
or a month as a grid of days. Only the shown range is read (the (resource, day) indexes)."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import render
from tandem.resource import booking_pages as pages
from tandem.resource import booking_rules as rules
from tandem.resource import bookings_list, scope
from tandem.resource.bookings_list import DayInfo
from tandem.resource.core.calendar import OUTSIDE_LABELS, Outside
from tandem.resource.kinds import PURPOSE_LABELS
from tandem.resource.models import Booking, Equipment, Venue

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
STEP = 30  # minutes per row
MAX_ROWS = 48  # the CSS defines rows and spans up to a whole day
MAX_LANES = 4  # side-by-side bookings drawn in one day column (equipment lines)
MONTH_SHOWN = 3  # bookings listed per day in the month view
CLOSED_SHORT = {
    Outside.HOLIDAY: N_("Holiday"),
    Outside.OUT_OF_TERM: N_("Out of term"),
    Outside.CLOSED_DAY: N_("Closed all day"),
    Outside.OUTSIDE_OPENING: N_("Closed all day"),
}


@dataclass(frozen=True)
class Placed:
    booking: Booking
    column: int  # 2..8 (column 1 holds the times)
    row: int  # first grid row (row 1 holds the day names)
    span: int
    lane: int
    lanes: int

    @property
    def classes(self) -> str:
        return (
            f"cal-c{self.column} cal-r{self.row} cal-s{self.span} "
            f"cal-l{self.lane}of{self.lanes} purpose-{self.booking.purpose}"
        )


def _lanes(day_bookings: list[Booking]) -> dict[int, tuple[int, int]]:
    """Booking id -> (lane, lanes of its cluster): overlapping bookings side by side."""
    placed: dict[int, tuple[int, int]] = {}
    cluster: list[tuple[Booking, int]] = []
    cluster_end = -1

    def close() -> None:
        width = min(MAX_LANES, max((lane for _, lane in cluster), default=0) + 1)
        for b, lane in cluster:
            placed[b.id] = (min(lane, MAX_LANES - 1), width)

    lane_ends: list[int] = []
    for b in sorted(day_bookings, key=lambda x: (x.start_min, x.end_min, x.id)):
        if b.start_min >= cluster_end and cluster:
            close()
            cluster, lane_ends = [], []
        for lane, end in enumerate(lane_ends):
            if end <= b.start_min:
                lane_ends[lane] = b.end_min
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(b.end_min)
        cluster.append((b, lane))
        cluster_end = max(cluster_end, b.end_min)
    if cluster:
        close()
    return placed


def week_grid(days: list[DayInfo], found: list[Booking]) -> dict[str, Any]:
    """Rows, cells and placed bookings of a week (``days`` are the seven days shown)."""
    starts = [d.window[0] for d in days if d.window] + [b.start_min for b in found]
    ends = [d.window[1] for d in days if d.window] + [b.end_min for b in found]
    first = (min(starts) // STEP) * STEP if starts else 480
    last = -(-max(ends) // STEP) * STEP if ends else 1080
    last = min(max(last, first + STEP), first + MAX_ROWS * STEP)
    times = list(range(first, last, STEP))
    index = {d.day: i for i, d in enumerate(days)}
    by_day: dict[date, list[Booking]] = {}
    for b in found:
        by_day.setdefault(b.day, []).append(b)
    placed: list[Placed] = []
    for day, items in by_day.items():
        lanes = _lanes(items)
        for b in items:
            top = max(b.start_min, first)
            bottom = min(max(b.end_min, top + 1), last)
            row = 2 + (top - first) // STEP
            span = max(1, -(-(bottom - first) // STEP) - (top - first) // STEP)
            lane, width = lanes[b.id]
            placed.append(Placed(b, 2 + index[day], row, span, lane, width))
    cells = []
    for i, d in enumerate(days):
        for r, minute in enumerate(times):
            open_ = d.window is not None and d.window[0] <= minute < d.window[1]
            cells.append({"classes": f"cal-c{2 + i} cal-r{2 + r}", "open": open_})
    return {
        "times": [(2 + r, pages.hhmm(minute)) for r, minute in enumerate(times)],
        "cells": cells,
        "placed": placed,
    }


def month_grid(
    days: list[DayInfo], found: list[Booking], month_start: date
) -> list[dict[str, Any]]:
    """The month's days padded to whole weeks, each with its bookings and their busiest hour."""
    by_day: dict[date, list[Booking]] = {}
    for b in found:
        by_day.setdefault(b.day, []).append(b)
    info = {d.day: d for d in days}
    cells = []
    for d in days:
        items = by_day.get(d.day, [])
        hours: dict[int, int] = {}
        for b in items:
            for hour in range(b.start_min // 60, -(-b.end_min // 60)):
                hours[hour] = hours.get(hour, 0) + 1
        busiest = max(hours, key=lambda h: (hours[h], -h)) if hours else None
        cells.append(
            {
                "info": info[d.day],
                "in_month": d.day.month == month_start.month,
                "bookings": items[:MONTH_SHOWN],
                "more": max(0, len(items) - MONTH_SHOWN),
                "count": len(items),
                "busiest": f"{busiest:02d}:00–{busiest + 1:02d}:00" if busiest is not None else "",
            }
        )
    return cells


def _day(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _page(
    request: Request, session: Session, actor: Actor, resource: Venue | Equipment, base: str
) -> Response:
    today = rules.local_now()[0]
    view = "month" if request.query_params.get("view") == "month" else "week"
    day = _day(request.query_params.get("day", ""), today)
    if view == "week":
        first = day - timedelta(days=day.isoweekday() - 1)
        last = first + timedelta(days=6)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
        month_start = first
    else:
        month_start = day.replace(day=1)
        last_of_month = month_start.replace(day=months.monthrange(day.year, day.month)[1])
        first = month_start - timedelta(days=month_start.isoweekday() - 1)
        last = last_of_month + timedelta(days=7 - last_of_month.isoweekday())
        previous = (month_start - timedelta(days=1)).replace(day=1)
        following = last_of_month + timedelta(days=1)
    shown = bookings_list.resource_calendar(session, resource=resource, first=first, last=last)
    key = "venue_id" if isinstance(resource, Venue) else "equipment_id"
    context: dict[str, Any] = {
        "resource": resource,
        "resource_label": rules.resource_label(resource),
        "is_venue": isinstance(resource, Venue),
        "capacity": rules.capacity_of(resource),
        "base": base,
        "view": view,
        "day": day,
        "today": today,
        "first": shown.first,
        "last": shown.last,
        "month_start": month_start,
        "previous": previous,
        "following": following,
        "days": shown.days,
        "count": len(shown.bookings),
        "can_book": scope.can_book(actor, resource) and scope.is_bookable(resource),
        "book_url": f"/bookings/new?{key}={resource.id}",
        "list_url": f"/bookings?tab=all&{key}={resource.id}",
        "legend": [(p.value, gettext(t)) for p, t in PURPOSE_LABELS.items()],
        "closed_label": lambda d: gettext(OUTSIDE_LABELS[d.closed_why]) if d.closed_why else "",
        "closed_short": lambda d: gettext(CLOSED_SHORT[d.closed_why]) if d.closed_why else "",
        **pages.labels(),
    }
    if view == "week":
        context["grid"] = week_grid(shown.days, shown.bookings)
    else:
        context["cells"] = month_grid(shown.days, shown.bookings, month_start)
    return render(request, "resource/calendar_resource.html", context)


@router.get("/venues/{venue_id}/calendar", response_class=HTMLResponse)
def venue_calendar(venue_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    venue = scope.get_visible(session, Venue, actor=actor, record_id=venue_id)
    return _page(request, session, actor, venue, f"/venues/{venue.id}")


@router.get("/equipment/{equipment_id}/calendar", response_class=HTMLResponse)
def equipment_calendar(
    equipment_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    line = scope.get_visible(session, Equipment, actor=actor, record_id=equipment_id)
    return _page(request, session, actor, line, f"/equipment/{line.id}")
