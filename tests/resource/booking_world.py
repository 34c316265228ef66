"""Test records for the bookings and working-calendar tests: venues and equipment lines made
directly (the register's services belong to other modules), and a college with its people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.auth.service import actor_for
from tandem.college.models import College, Department
from tandem.kit.dates import local_today
from tandem.partner.models import Partnership
from tandem.resource import bookings, workcal
from tandem.resource.kinds import Acquisition, Ownership
from tandem.resource.models import Booking, Equipment, Venue
from tests.factories import make_college, make_department, make_user
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership

_numbers = count(1)
SYSTEM = Actor.system("test")


def make_venue(
    session: Session,
    college: College,
    *,
    department: Department | None = None,
    partnership: Partnership | None = None,
    status: str = "active",
    name: str = "",
) -> Venue:
    number = next(_numbers)
    venue = Venue(
        college_id=college.id,
        code=f"V{number:04d}",
        name=name or f"Workshop {number}",
        kind="workshop",
        workstations=20,
        ownership=Ownership.JOINT if partnership else Ownership.COLLEGE,
        partnership_id=partnership.id if partnership else None,
        department_id=department.id if department else None,
        status=status,
    )
    session.add(venue)
    session.flush()
    return venue


def make_equipment(
    session: Session,
    college: College,
    *,
    quantity: int = 3,
    department: Department | None = None,
    partnership: Partnership | None = None,
    status: str = "in_use",
    name: str = "",
) -> Equipment:
    number = next(_numbers)
    line = Equipment(
        college_id=college.id,
        asset_tag=f"EQ{number:05d}",
        name=name or f"CNC lathe {number}",
        category="CNC",
        quantity=quantity,
        ownership=Ownership.JOINT if partnership else Ownership.COLLEGE,
        partnership_id=partnership.id if partnership else None,
        college_share_pct=Decimal(50) if partnership else Decimal(100),
        acquisition=Acquisition.PURCHASED,
        department_id=department.id if department else None,
        status=status,
    )
    session.add(line)
    session.flush()
    return line


def next_weekday(iso_weekday: int, after: date | None = None) -> date:
    """The first day with ``iso_weekday`` strictly after ``after`` (default today)."""
    day = (after or local_today()) + timedelta(days=1)
    while day.isoweekday() != iso_weekday:
        day += timedelta(days=1)
    return day


def book(
    session: Session,
    actor: Actor,
    resource: Venue | Equipment,
    day: date,
    start: str,
    end: str,
    **fields: Any,
) -> Booking:
    """A one-off booking through the service (teaching, unless ``purpose`` says otherwise)."""
    from tandem.resource.schemas_bookings import BookingCreate

    key = "venue_id" if isinstance(resource, Venue) else "equipment_id"
    data = BookingCreate.model_validate(
        {
            key: resource.id,
            "purpose": fields.pop("purpose", "teaching"),
            "title": fields.pop("title", "Lesson"),
            "day": day,
            "start": start,
            "end": end,
            **fields,
        }
    )
    return bookings.create_booking(session, actor=actor, data=data)


def past_booking(
    session: Session, resource: Venue | Equipment, day: date, start: int, end: int, **fields: Any
) -> Booking:
    """A booking on a past day (as if made back then): written directly."""
    booking = Booking(
        college_id=resource.college_id,
        venue_id=resource.id if isinstance(resource, Venue) else None,
        equipment_id=resource.id if isinstance(resource, Equipment) else None,
        purpose=fields.pop("purpose", "teaching"),
        title=fields.pop("title", "Past lesson"),
        day=day,
        start_min=start,
        end_min=end,
        minutes=end - start,
        units=fields.pop("units", 1),
        **fields,
    )
    session.add(booking)
    session.flush()
    return booking


@dataclass
class World:
    """One college with a department, a partner enterprise and its contact, a joint venue and a
    joint line of 3 lathes in the department, and an office, a coordinator and a teacher."""

    college: College
    department: Department
    partnership: Partnership
    venue: Venue
    lathes: Equipment
    users: dict[str, User]

    def actor(self, role: str) -> Actor:
        return actor_for(self.users[role])


def build_world(session: Session, *, open_every_day: bool = True) -> World:
    """With ``open_every_day`` the college is open 00:00–24:00 all week, so tests need no reason
    for the time they pick (tests of the working calendar set their own hours)."""
    college = make_college(session)
    department = make_department(session, college)
    enterprise = make_enterprise(session)
    partnership = make_partnership(session, college, enterprise, department)
    venue = make_venue(session, college, department=department, partnership=partnership)
    lathes = make_equipment(session, college, department=department, partnership=partnership)
    users = {
        "office": make_user(session, Role.COLLEGE_ADMIN.value, college),
        "coordinator": make_user(session, Role.DEPARTMENT_COORDINATOR.value, college, department),
        "teacher": make_user(session, Role.TEACHER.value, college),
        "other_teacher": make_user(session, Role.TEACHER.value, college),
        "contact": make_contact_user(session, enterprise),
        "student": make_user(session, Role.STUDENT.value, college),
    }
    if open_every_day:
        open_all_week(session, college)
    return World(college, department, partnership, venue, lathes, users)


def open_all_week(session: Session, college: College) -> None:
    from tandem.resource.schemas_workcal import CalendarUpdate

    data = CalendarUpdate.model_validate(
        {
            "opening_hours": {str(d): ["00:00", "24:00"] for d in range(1, 8)},
            "underuse_threshold_pct": 30,
            "teaching_hour_value_cny": 100,
        }
    )
    workcal.save_calendar(session, actor=SYSTEM, college_id=college.id, data=data)
