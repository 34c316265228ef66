"""A small world for the links tests: college A with a department, a partnership with Acme (and
its contact), another with Bolt, an agreement in modes 1, 2 and 7 whose terms name a workshop,
a base and a simulated site; venues and a base in the register (one of exactly the workshop's
name, one alike, a closed one), equipment lines of each owner; college B with a venue of the
same name."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tandem.resource.models import Equipment, TrainingBase, Venue
from tests.agreement.helpers import COMPLETE_TERMS, advance, make_agreement
from tests.factories import make_college, make_department, make_user
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership

WORKSHOP = "实训楼A座一层智能制造车间"
BASE = "数控加工生产性实训基地"
SITE = "智慧仓储物流模拟实训中心"
TERMS: dict[int, dict[str, Any]] = {
    1: COMPLETE_TERMS[1] | {"venue": WORKSHOP},
    2: COMPLETE_TERMS[2] | {"base_name": BASE, "enterprise_equipment": "数控车床10台"},
    7: COMPLETE_TERMS[7] | {"simulated_site": SITE},
}


@dataclass
class World:
    college: College
    department: Department
    other_department: Department
    acme: Partnership
    bolt: Partnership
    agreement: Agreement
    workshop: Venue  # exactly the name in the terms
    alike: Venue  # the same name written with full-width characters and spaces
    closed: Venue  # of the same name, closed
    site: Venue
    base: TrainingBase
    lines: dict[str, Equipment]  # college, acme, joint, bolt
    other: College
    stranger: Venue  # college B's, named as the workshop
    users: dict[str, User]

    def actor(self, name: str) -> Actor:
        return auth_service.actor_for(self.users[name])


def venue(session: Session, college: College, code: str, name: str, **fields: Any) -> Venue:
    record = Venue(
        college_id=college.id, code=code, name=name, kind=fields.pop("kind", "workshop"), **fields
    )
    session.add(record)
    session.flush()
    return record


def line(session: Session, college: College, tag: str, name: str, **fields: Any) -> Equipment:
    record = Equipment(
        college_id=college.id,
        asset_tag=tag,
        name=name,
        acquisition=fields.pop("acquisition", "purchased"),
        **fields,
    )
    session.add(record)
    session.flush()
    return record


def build(session: Session, *, status: str | None = "approved") -> World:
    college, other = make_college(session), make_college(session)
    department, other_department = (
        make_department(session, college),
        make_department(session, college),
    )
    acme_firm = make_enterprise(session, name="Acme Robotics")
    acme = make_partnership(session, college, acme_firm, department)
    bolt = make_partnership(session, college, make_enterprise(session, name="Bolt"), department)
    # Drafted before the register has its records, so nothing is linked yet.
    terms = {str(mode): values for mode, values in TERMS.items()}
    agreement = make_agreement(session, acme, modes=(1, 2, 7), terms=terms)
    workshop = venue(session, college, "WS-1", WORKSHOP, department_id=department.id)
    alike = venue(session, college, "WS-2", "实训楼Ａ座一层 智能制造车间")
    closed = venue(session, college, "WS-3", WORKSHOP + "（旧）", status="closed")
    site = venue(session, college, "SIM-1", SITE, kind="simulated_site")
    base = TrainingBase(
        college_id=college.id, code="B-1", name=BASE, kind="on_campus", partnership_id=acme.id
    )
    session.add(base)
    session.flush()
    stranger = venue(session, other, "WS-1", WORKSHOP)
    lines = {
        "college": line(
            session,
            college,
            "EQ-C",
            "数控车床",
            category="数控加工",
            quantity=4,
            value_cny=Decimal("400000"),
        ),
        "acme": line(
            session,
            college,
            "EQ-A",
            "五轴加工中心",
            category="数控加工",
            quantity=8,
            ownership="enterprise",
            partnership_id=acme.id,
            acquisition="lent",
            value_cny=Decimal("1600000"),
        ),
        "joint": line(
            session,
            college,
            "EQ-J",
            "CNC lathe",
            category="CNC",
            quantity=2,
            ownership="joint",
            partnership_id=acme.id,
            college_share_pct=Decimal(50),
        ),
        "bolt": line(
            session,
            college,
            "EQ-B",
            "数控铣床",
            quantity=3,
            ownership="enterprise",
            partnership_id=bolt.id,
            acquisition="donated",
        ),
    }
    users = {
        "office": make_user(session, "college_admin", college),
        "coordinator": make_user(session, "department_coordinator", college, department),
        "stranger_coordinator": make_user(
            session, "department_coordinator", college, other_department
        ),
        "teacher": make_user(session, "teacher", college),
        "contact": make_contact_user(session, acme_firm),
        "other_office": make_user(session, "college_admin", other),
    }
    if status:
        advance(session, agreement, status)
    return World(
        college,
        department,
        other_department,
        acme,
        bolt,
        agreement,
        workshop,
        alike,
        closed,
        site,
        base,
        lines,
        other,
        stranger,
        users,
    )
