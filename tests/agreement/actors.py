"""Signed-in actors (real accounts, so the services check their rights) for agreement tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement, AgreementEvent
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.auth.service import actor_for
from tandem.college.models import College, Department
from tests.factories import make_user


def _actor(session: Session, role: str, college_id: int | None = None, **bind: int) -> Actor:
    college = session.get(College, college_id) if college_id else None
    department = (
        session.get(Department, bind.pop("department_id")) if "department_id" in bind else None
    )
    user = make_user(session, role, college, department)
    for name, value in bind.items():
        setattr(user, name, value)
    return actor_for(user)


def office(session: Session, college_id: int) -> Actor:
    return _actor(session, Role.COLLEGE_ADMIN, college_id)


def coordinator(session: Session, college_id: int, department_id: int) -> Actor:
    return _actor(session, Role.DEPARTMENT_COORDINATOR, college_id, department_id=department_id)


def contact(session: Session, enterprise_id: int) -> Actor:
    return _actor(session, Role.ENTERPRISE_CONTACT, enterprise_id=enterprise_id)


def events(session: Session, agreement: Agreement) -> list[str]:
    rows = session.scalars(
        select(AgreementEvent.action)
        .where(AgreementEvent.agreement_id == agreement.id)
        .order_by(AgreementEvent.id)
    )
    return list(rows)
