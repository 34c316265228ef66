"""The large-year generator, small: what it makes, and that no resource is ever booked beyond
its capacity (a venue once at a time, an equipment line at most its quantity of units)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.college.models import College
from tandem.demo.resources_large import generate_year
from tandem.partner.models import Partnership
from tandem.resource.models import (
    Booking,
    CalendarTerm,
    Equipment,
    ResourceSettings,
    TrainingBase,
    Venue,
)
from tandem.resource.utilisation import Selection, utilisation
from tandem.resource.workcal import load_calendar
from tests.factories import make_college, make_department
from tests.partner.helpers import make_enterprise, make_partnership

FIRST = date(2025, 9, 1)
TODAY = date(2026, 3, 2)


@pytest.fixture
def college(session: Session) -> College:
    college = make_college(session)
    make_department(session, college)
    make_department(session, college)
    for _ in range(3):
        make_partnership(session, college, make_enterprise(session))
    return college


@pytest.fixture
def made(session: Session, college: College) -> dict[str, int]:
    ticks: list[tuple[int, int]] = []
    counts = generate_year(
        session,
        college_id=college.id,
        first=FIRST,
        venues=12,
        equipment=40,
        bookings=3000,
        bases=2,
        today=TODAY,
        progress=lambda done, total: ticks.append((done, total)),
    )
    assert ticks[-1] == (3000, 3000)
    return counts


def _count(session: Session, model: type, college: College) -> int:
    return session.scalar(select(func.count()).where(model.college_id == college.id)) or 0  # type: ignore[attr-defined]


def test_counts(session: Session, college: College, made: dict[str, int]) -> None:
    assert (made["venues"], made["equipment"], made["bases"], made["bookings"]) == (
        12,
        40,
        2,
        3000,
    )
    assert _count(session, Venue, college) == 12
    assert _count(session, Equipment, college) == 40
    assert _count(session, TrainingBase, college) == 2
    assert _count(session, Booking, college) == 3000
    assert made["terms"] == 2
    assert session.scalar(
        select(ResourceSettings.id).where(ResourceSettings.college_id == college.id)
    )
    assert _count(session, CalendarTerm, college) == 2
    audits = session.scalar(
        select(func.count()).where(
            AuditEntry.college_id == college.id,
            AuditEntry.entity_type.in_(["venue", "equipment", "training_base", "booking"]),
        )
    )
    assert audits == 12 + 40 + 2 + 1


def test_owners_come_from_the_college_partnerships(
    session: Session, college: College, made: dict[str, int]
) -> None:
    partnerships = set(
        session.scalars(select(Partnership.id).where(Partnership.college_id == college.id))
    )
    lines = session.scalars(select(Equipment).where(Equipment.college_id == college.id)).all()
    assert {line.ownership for line in lines} >= {"college", "enterprise"}
    for line in lines:
        if line.ownership == "college":
            assert line.partnership_id is None
            assert line.college_share_pct == 100
        else:
            assert line.partnership_id in partnerships
            assert line.college_share_pct < 100


def test_no_booking_beyond_capacity(
    session: Session, college: College, made: dict[str, int]
) -> None:
    quantity = dict(
        session.execute(
            select(Equipment.id, Equipment.quantity).where(Equipment.college_id == college.id)
        ).all()
    )
    by_slot: dict[tuple[str, int, date], list[Booking]] = defaultdict(list)
    bookings = session.scalars(select(Booking).where(Booking.college_id == college.id)).all()
    for booking in bookings:
        key = (
            ("venue", booking.venue_id) if booking.venue_id else ("equipment", booking.equipment_id)
        )
        by_slot[(key[0], key[1] or 0, booking.day)].append(booking)
    for (kind, resource_id, _), found in by_slot.items():
        capacity = 1 if kind == "venue" else quantity[resource_id]
        edges = sorted(
            [(b.start_min, b.units) for b in found] + [(b.end_min, -b.units) for b in found],
            key=lambda edge: (edge[0], edge[1]),  # an end before a start at the same minute
        )
        load = 0
        for _, change in edges:
            load += change
            assert load <= capacity
    assert all(b.units <= (quantity.get(b.equipment_id or 0) or 1) for b in bookings)


def test_usage_outside_hours_and_purposes(
    session: Session, college: College, made: dict[str, int]
) -> None:
    calendar = load_calendar(session, college_id=college.id)
    bookings = session.scalars(select(Booking).where(Booking.college_id == college.id)).all()
    past = [b for b in bookings if b.day < TODAY and b.status == "booked"]
    used = [b for b in past if b.usage == "used"]
    assert 0.6 < len(used) / len(past) < 0.85
    assert any(b.usage == "no_show" for b in past)
    assert all(b.usage == "pending" for b in bookings if b.day >= TODAY)
    assert 0 < made["cancelled"] < 200
    assert all(b.used_minutes and 0 < b.used_minutes <= b.minutes for b in used)
    assert any(b.output_quantity for b in used if b.purpose == "production")
    outside = [b for b in bookings if b.outside_hours]
    assert outside
    assert len(outside) == made["outside_hours"]
    for booking in bookings:
        reason = calendar.outside(booking.day, booking.start_min, booking.end_min)
        assert booking.outside_hours == (reason is not None)
        assert bool(booking.outside_hours_reason) == booking.outside_hours
        assert booking.minutes == booking.end_min - booking.start_min
    purposes = {b.purpose for b in bookings}
    assert {"teaching", "production", "employee_training", "maintenance"} <= purposes
    assert all(FIRST <= b.day <= FIRST + timedelta(days=364) for b in bookings)


def test_the_year_reports(session: Session, college: College, made: dict[str, int]) -> None:
    selection = Selection(first=FIRST, last=FIRST + timedelta(days=364), group="base")
    report = utilisation(session, actor=Actor.system(), college=college, selection=selection).report
    assert report.total.bookings > 2800  # less the cancelled and those of retired lines
    assert report.total.utilisation_rate is not None
    assert report.total.utilisation_rate > 0
    assert sum(g.measures.used for g in report.groups) == report.total.used
    assert report.underused  # some resources are hardly used
