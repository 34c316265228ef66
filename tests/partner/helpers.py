"""Builders for partner-registry test records (through the same services the app uses)."""

from __future__ import annotations

from itertools import count
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.kit.identifiers import USCC_CHARSET, uscc_check_character
from tandem.partner import partnerships, service
from tandem.partner.models import Enterprise, Partnership
from tests.factories import ACTOR, PASSWORD, bearer, make_user, sign_in

_numbers = count(1)


def valid_uscc(number: int | None = None) -> str:
    """A valid 18-character USCC, different for each number."""
    n = next(_numbers) if number is None else number
    body = "91440101"  # registration authority 9, kind 1, region 440101
    digits = ""
    for _ in range(9):
        digits = USCC_CHARSET[n % 31] + digits
        n //= 31
    first17 = body + digits
    return first17 + uscc_check_character(first17)


def enterprise_data(**fields: Any) -> dict[str, Any]:
    number = next(_numbers)
    return {
        "uscc": valid_uscc(number),
        "name": f"Enterprise {number}",
        "kind": "private",
        "industry_section": "C",
        "size_band": "medium",
        "region_code": "440100",
        **fields,
    }


def make_enterprise(session: Session, **fields: Any) -> Enterprise:
    from tandem.partner.schemas import EnterpriseCreate

    return service.create_enterprise(
        session, actor=ACTOR, data=EnterpriseCreate(**enterprise_data(**fields))
    )


def make_partnership(
    session: Session,
    college: College,
    enterprise: Enterprise,
    department: Department | None = None,
    **fields: Any,
) -> Partnership:
    from tandem.partner.schemas import PartnershipCreate

    data = PartnershipCreate(
        enterprise_id=enterprise.id,
        college_id=college.id,
        department_id=department.id if department else None,
        **fields,
    )
    return partnerships.create_partnership(session, actor=ACTOR, data=data)


def make_teacher(session: Session, college: College, department: Department, **fields: Any) -> Any:
    """A teacher row, made directly (the people services belong to another module)."""
    from tandem.people.models import Teacher

    number = next(_numbers)
    teacher = Teacher(
        college_id=college.id,
        department_id=department.id,
        staff_number=fields.pop("staff_number", f"T{number:05d}"),
        name=fields.pop("name", f"Teacher {number}"),
        **fields,
    )
    session.add(teacher)
    session.flush()
    return teacher


def make_contact_user(
    session: Session, enterprise: Enterprise, *, password: str | None = PASSWORD
) -> User:
    number = next(_numbers)
    data = UserInvite(
        email=f"contact{number}@firm.example",
        display_name=f"Contact {number}",
        role=Role.ENTERPRISE_CONTACT,
        enterprise_id=enterprise.id,
    )
    return auth_service.create_user(session, actor=ACTOR, data=data, password=password)


def college_actor(
    session: Session,
    college: College,
    role: Role = Role.COLLEGE_ADMIN,
    department: Department | None = None,
) -> Actor:
    """The actor of a new account with ``role`` in ``college``."""
    return auth_service.actor_for(make_user(session, role.value, college, department))


def contact_actor(session: Session, enterprise: Enterprise) -> Actor:
    return auth_service.actor_for(make_contact_user(session, enterprise))


def platform_actor(session: Session) -> Actor:
    return auth_service.actor_for(make_user(session, Role.PLATFORM_ADMIN.value))


def browser_as(client: TestClient, session: Session, user: User, settings: Settings) -> TestClient:
    return sign_in(client, session, user, settings)


def api_as(client: TestClient, session: Session, user: User) -> TestClient:
    client.headers.update(bearer(session, user))
    return client
