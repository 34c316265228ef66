"""A small world for the utilisation tests: the hand-computed week of the core's tests, stored
in the database (records inserted directly with the models; bookings are not the subject here).

College A, week of Monday 2 March 2026, open Mon–Fri 08:00–18:00, Wednesday a holiday:

- venue V1 "Workshop 1" (department D, base "Base 1"): 40 available hours; booked 7 h (teaching
  2 h used, production 3 h of which 2.5 h used, teaching 1 h no-show, Saturday teaching 1 h used,
  and a cancelled booking); used 5.5 h → 13.8 %.
- lathes E1 (3 units, joint, the college's share 40 %, in V1, acquired Thursday): 60 available
  hours; teaching 2 h × 2 units used, employee training 1 h × 3 units not confirmed → 6.7 %.
- V2 "Yard" (no department, no base, owned by the enterprise): 40 h, nothing booked.
- E3 "Robot" (the enterprise's, in V2, from before the period): 40 h; production 4 h used → 10 %.
- closed venue V3 and retired line E2, each with a booking that must not count.

College B has a venue with a booking that college A never sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tandem.resource.models import (
    Booking,
    CalendarTerm,
    Equipment,
    Holiday,
    ResourceSettings,
    TrainingBase,
    Venue,
)
from tests.factories import make_college, make_department
from tests.partner.helpers import make_enterprise, make_partnership

MON = date(2026, 3, 2)
SUN = MON + timedelta(days=6)
OPENING = {str(d): (["08:00", "18:00"] if d <= 5 else None) for d in range(1, 8)}


@dataclass
class World:
    college: College
    other: College
    department: Department
    partnership: Partnership
    base: TrainingBase
    v1: Venue
    v2: Venue
    v3: Venue
    e1: Equipment
    e2: Equipment
    e3: Equipment
    other_venue: Venue


def book(
    session: Session,
    resource: Venue | Equipment,
    purpose: str,
    day: date,
    hours: float,
    *,
    units: int = 1,
    usage: str = "pending",
    used_minutes: int | None = None,
    status: str = "booked",
    start: int = 480,
) -> Booking:
    minutes = int(hours * 60)
    booking = Booking(
        college_id=resource.college_id,
        venue_id=resource.id if isinstance(resource, Venue) else None,
        equipment_id=resource.id if isinstance(resource, Equipment) else None,
        purpose=purpose,
        title=f"{purpose} {day}",
        day=day,
        start_min=start,
        end_min=start + minutes,
        minutes=minutes,
        units=units,
        usage=usage,
        used_minutes=used_minutes,
        status=status,
    )
    session.add(booking)
    return booking


def calendar_for(session: Session, college: College, *, threshold: int = 10) -> None:
    session.add(
        ResourceSettings(
            college_id=college.id,
            opening_hours=OPENING,
            underuse_threshold_pct=Decimal(threshold),
            teaching_hour_value_cny=Decimal(100),
        )
    )
    session.add(Holiday(college_id=college.id, day=MON + timedelta(days=2), name="Holiday"))


def build(session: Session) -> World:
    college, other = make_college(session), make_college(session)
    department = make_department(session, college)
    partnership = make_partnership(session, college, make_enterprise(session, name="Acme Tools"))
    calendar_for(session, college)
    base = TrainingBase(college_id=college.id, code="B1", name="Base 1", kind="on_campus")
    session.add(base)
    session.flush()
    v1 = Venue(
        college_id=college.id,
        code="V1",
        name="Workshop 1",
        kind="workshop",
        department_id=department.id,
        base_id=base.id,
    )
    v2 = Venue(
        college_id=college.id,
        code="V2",
        name="Yard",
        kind="workshop",
        ownership="enterprise",
        partnership_id=partnership.id,
    )
    v3 = Venue(college_id=college.id, code="V3", name="Old hall", kind="classroom", status="closed")
    other_venue = Venue(college_id=other.id, code="V1", name="Elsewhere", kind="workshop")
    session.add_all([v1, v2, v3, other_venue])
    session.flush()
    e1 = Equipment(
        college_id=college.id,
        asset_tag="E1",
        name="Lathes",
        quantity=3,
        ownership="joint",
        partnership_id=partnership.id,
        college_share_pct=Decimal(40),
        acquisition="purchased",
        acquired_on=MON + timedelta(days=3),
        venue_id=v1.id,
    )
    e2 = Equipment(
        college_id=college.id,
        asset_tag="E2",
        name="Old press",
        acquisition="purchased",
        status="retired",
        venue_id=v1.id,
    )
    e3 = Equipment(
        college_id=college.id,
        asset_tag="E3",
        name="Robot",
        ownership="enterprise",
        partnership_id=partnership.id,
        college_share_pct=Decimal(0),
        acquisition="lent",
        acquired_on=MON - timedelta(days=100),
        venue_id=v2.id,
        teaching_hour_value_cny=Decimal(150),
    )
    session.add_all([e1, e2, e3])
    session.flush()
    day = [MON + timedelta(days=n) for n in range(8)]
    book(session, v1, "teaching", day[0], 2, usage="used")
    book(session, v1, "production", day[1], 3, usage="used", used_minutes=150)
    book(session, v1, "teaching", day[4], 1, usage="no_show")
    book(session, v1, "teaching", day[5], 1, usage="used")  # Saturday, outside hours
    book(session, v1, "teaching", day[3], 5, status="cancelled")
    book(session, v1, "teaching", day[7], 10, usage="used")  # next Monday
    book(session, e1, "teaching", day[3], 2, units=2, usage="used")
    book(session, e1, "employee_training", day[4], 1, units=3)
    book(session, e3, "production", day[0], 4, usage="used")
    book(session, v3, "teaching", day[0], 3, usage="used")
    book(session, e2, "teaching", day[0], 3, usage="used")
    book(session, other_venue, "teaching", day[0], 6, usage="used")
    session.flush()
    return World(college, other, department, partnership, base, v1, v2, v3, e1, e2, e3, other_venue)


def add_term(session: Session, college: College, first: date, last: date) -> None:
    session.add(
        CalendarTerm(college_id=college.id, name=f"T{first}", starts_on=first, ends_on=last)
    )
    session.flush()
