"""A small world for the agreement API tests: college A with a department, a partner enterprise
and its contact, people in each role (each with its own API client), and college B beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.kit.dates import add_months, local_today
from tandem.partner.models import Enterprise, Partnership
from tests.agreement.helpers import COMPLETE_TERMS, partnership_for
from tests.factories import bearer, make_college, make_department, make_user
from tests.partner.helpers import make_contact_user

PROBLEM = "application/problem+json"
BASE = "/api/v1/agreements"


@dataclass
class World:
    college: College
    department: Department
    partnership: Partnership
    enterprise: Enterprise
    contact_user: User
    office: TestClient
    coordinator: TestClient
    teacher: TestClient
    contact: TestClient
    other_partnership: Partnership  # college B's
    other_office: TestClient  # college B's cooperation office


def client_for(app: FastAPI, session: Session, user: User, language: str = "en") -> TestClient:
    return TestClient(app, headers={"Accept-Language": language, **bearer(session, user)})


def build(app: FastAPI, session: Session) -> World:
    college, other = make_college(session), make_college(session, region_code="130100")
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    enterprise = partnership.enterprise
    contact_user = make_contact_user(session, enterprise)
    other_partnership = partnership_for(session, other)
    users = {
        "office": make_user(session, "college_admin", college),
        "coordinator": make_user(session, "department_coordinator", college, department),
        "teacher": make_user(session, "teacher", college),
        "other_office": make_user(session, "college_admin", other),
    }
    session.commit()
    clients = {name: client_for(app, session, user) for name, user in users.items()}
    return World(
        college=college,
        department=department,
        partnership=partnership,
        enterprise=enterprise,
        contact_user=contact_user,
        contact=client_for(app, session, contact_user),
        other_partnership=other_partnership,
        **clients,
    )


def dates(today: date | None = None) -> tuple[date, date]:
    """A term that started a month ago and runs two years (so it can be activated today)."""
    start = (today or local_today()) - timedelta(days=30)
    return start, add_months(start, 24)


def draft_body(
    partnership: Partnership, modes: tuple[int, ...] = (1,), **fields: Any
) -> dict[str, Any]:
    start, end = dates()
    body: dict[str, Any] = {
        "partnership_id": partnership.id,
        "title": "Workshop on campus",
        "number": "",
        "modes": list(modes),
        "terms": {str(m): COMPLETE_TERMS[m] for m in modes},
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "college_signatory": "Principal Wang",
        "enterprise_signatory": "Director Li",
    }
    body.update(fields)
    return body


def count_agreements(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Agreement)) or 0
