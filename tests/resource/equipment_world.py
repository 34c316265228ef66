"""A small world for the equipment tests: college A with two departments, a partner enterprise
(with its contact and an agreement), a second partner, venues (one in a training base), people in
each role; college B beside it with its own line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tandem.resource import equipment
from tandem.resource.kinds import BaseKind, Purpose, VenueKind
from tandem.resource.models import Booking, Equipment, TrainingBase, Venue
from tandem.resource.schemas_equipment import EquipmentCreate
from tests.agreement.helpers import make_agreement
from tests.factories import ACTOR, make_college, make_department, make_user
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership


@dataclass
class World:
    college: College
    mech: Department  # MECH
    info: Department  # INFO
    acme: Partnership  # with Acme Robotics (department MECH)
    bolt: Partnership  # with Bolt Tools
    acme_agreement: Agreement  # number AG-ACME-1
    bolt_agreement: Agreement  # number AG-BOLT-1
    workshop: Venue  # WS-1, in the base
    lab: Venue  # LAB-2
    base: TrainingBase
    other: College
    other_venue: Venue
    other_partnership: Partnership
    users: dict[str, User]  # office, coordinator (MECH), teacher, contact (Acme), other_office

    def actor(self, name: str) -> Actor:
        return auth_service.actor_for(self.users[name])


def make_venue(
    session: Session, college: College, code: str, base: TrainingBase | None = None
) -> Venue:
    venue = Venue(
        college_id=college.id,
        code=code,
        name=f"Venue {code}",
        kind=VenueKind.WORKSHOP,
        base_id=base.id if base else None,
    )
    session.add(venue)
    session.flush()
    return venue


def build(session: Session) -> World:
    college = make_college(session)
    other = make_college(session, region_code="130100")
    mech = make_department(session, college, "MECH")
    info = make_department(session, college, "INFO")
    acme = make_partnership(
        session, college, make_enterprise(session, name="Acme Robotics", short_name="Acme"), mech
    )
    bolt = make_partnership(session, college, make_enterprise(session, name="Bolt Tools"))
    base = TrainingBase(
        college_id=college.id, code="BASE-1", name="CNC base", kind=BaseKind.ON_CAMPUS
    )
    session.add(base)
    session.flush()
    other_partnership = make_partnership(session, other, make_enterprise(session))
    users = {
        "office": make_user(session, "college_admin", college),
        "coordinator": make_user(session, "department_coordinator", college, mech),
        "teacher": make_user(session, "teacher", college),
        "contact": make_contact_user(session, acme.enterprise),
        "other_office": make_user(session, "college_admin", other),
    }
    return World(
        college=college,
        mech=mech,
        info=info,
        acme=acme,
        bolt=bolt,
        acme_agreement=make_agreement(session, acme, (2,), number="AG-ACME-1"),
        bolt_agreement=make_agreement(session, bolt, (2,), number="AG-BOLT-1"),
        workshop=make_venue(session, college, "WS-1", base),
        lab=make_venue(session, college, "LAB-2"),
        base=base,
        other=other,
        other_venue=make_venue(session, other, "WS-9"),
        other_partnership=other_partnership,
        users=users,
    )


def line_data(college: College, tag: str = "ZC-0001", **fields: Any) -> EquipmentCreate:
    values: dict[str, Any] = {
        "college_id": college.id,
        "asset_tag": tag,
        "name": "CNC lathe",
        "model": "CK6140",
        "maker": "Dalian Machine Tool",
        "category": "CNC machine tools",
        "quantity": 4,
        "value_cny": Decimal("480000"),
        "acquired_on": date(2024, 9, 1),
    }
    values.update(fields)
    return EquipmentCreate(**values)


def make_line(
    session: Session, college: College, tag: str = "ZC-0001", actor: Actor = ACTOR, **fields: Any
) -> Equipment:
    return equipment.create_equipment(session, actor=actor, data=line_data(college, tag, **fields))


def book(session: Session, line: Equipment, day: date = date(2025, 3, 3)) -> Booking:
    booking = Booking(
        college_id=line.college_id,
        equipment_id=line.id,
        purpose=Purpose.TEACHING,
        title="CNC practice",
        day=day,
        start_min=8 * 60,
        end_min=10 * 60,
        minutes=120,
    )
    session.add(booking)
    session.flush()
    return booking
