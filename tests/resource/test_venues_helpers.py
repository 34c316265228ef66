"""Builders shared by the venue and training-base tests (no tests here).

A world is two colleges: A with two departments and a partnership with an enterprise (whose
contact sees what that enterprise owns or hosts), and B with its own partnership. Records are
made through the same services the app uses; equipment and bookings, which belong to other
modules, are made as plain rows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.partner.models import Enterprise, Partnership
from tandem.resource import bases, venues
from tandem.resource.models import Booking, Equipment, TrainingBase, Venue
from tandem.resource.schemas_bases import BaseCreate
from tandem.resource.schemas_venues import VenueCreate
from tests.factories import ACTOR, make_college, make_department
from tests.partner.helpers import college_actor, contact_actor, make_enterprise, make_partnership

_numbers = count(1)


@dataclass
class World:
    college: College
    department: Department
    other_department: Department
    enterprise: Enterprise
    partnership: Partnership
    other_college: College
    other_partnership: Partnership

    def office(self, session: Session) -> Actor:
        return college_actor(session, self.college)

    def coordinator(self, session: Session) -> Actor:
        return college_actor(session, self.college, Role.DEPARTMENT_COORDINATOR, self.department)

    def teacher(self, session: Session) -> Actor:
        return college_actor(session, self.college, Role.TEACHER)

    def contact(self, session: Session) -> Actor:
        return contact_actor(session, self.enterprise)

    def other_office(self, session: Session) -> Actor:
        return college_actor(session, self.other_college)


def make_world(session: Session) -> World:
    college = make_college(session)
    department = make_department(session, college)
    other_department = make_department(session, college)
    enterprise = make_enterprise(session, name="Acme Precision")
    partnership = make_partnership(session, college, enterprise, department)
    other_college = make_college(session)
    other_partnership = make_partnership(
        session, other_college, make_enterprise(session, name="Beta Works")
    )
    return World(
        college,
        department,
        other_department,
        enterprise,
        partnership,
        other_college,
        other_partnership,
    )


def make_venue(session: Session, college: College, **fields: Any) -> Venue:
    number = next(_numbers)
    values: dict[str, Any] = {
        "college_id": college.id,
        "code": f"V-{number:04d}",
        "name": f"Workshop {number}",
        "kind": "workshop",
        **fields,
    }
    return venues.create_venue(session, actor=ACTOR, data=VenueCreate(**values))


def make_base(session: Session, college: College, **fields: Any) -> TrainingBase:
    number = next(_numbers)
    values: dict[str, Any] = {
        "college_id": college.id,
        "code": f"B-{number:04d}",
        "name": f"Base {number}",
        "kind": "on_campus",
        **fields,
    }
    return bases.create_base(session, actor=ACTOR, data=BaseCreate(**values))


def place_equipment(session: Session, venue: Venue, **fields: Any) -> Equipment:
    """An equipment line in ``venue`` (a plain row: the equipment register is another module)."""
    number = next(_numbers)
    values: dict[str, Any] = {
        "college_id": venue.college_id,
        "asset_tag": f"EQ-{number:05d}",
        "name": f"Lathe {number}",
        "acquisition": "purchased",
        "ownership": "college",
        "quantity": 1,
        "value_cny": Decimal("1000.00"),
        "status": "in_use",
        "college_share_pct": Decimal(100),
        **fields,
    }
    item = Equipment(venue_id=venue.id, **values)
    session.add(item)
    session.flush()
    return item


def book(session: Session, venue: Venue, day: date = date(2026, 3, 2)) -> Booking:
    """A booking of ``venue`` (a plain row: bookings are another module)."""
    booking = Booking(
        college_id=venue.college_id,
        venue_id=venue.id,
        purpose="teaching",
        title="CNC basics",
        day=day,
        start_min=8 * 60,
        end_min=10 * 60,
        minutes=120,
    )
    session.add(booking)
    session.flush()
    return booking


def sheet_rows(content: bytes) -> list[list[Any]]:
    """An exported workbook's first sheet as rows of values (the header row first)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]
