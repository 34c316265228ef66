"""Fixtures for the agreement tests: a college with a department and a partnership, and
signed-in browsers for the pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tests.agreement.helpers import partnership_for
from tests.factories import Browser, make_college, make_department, make_user
from tests.partner.helpers import make_enterprise, make_partnership


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    college = make_college(session)
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    return {"college": college, "department": department, "partnership": partnership}


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


@pytest.fixture
def partnership(session: Session, college: College, department: Department) -> Partnership:
    enterprise = make_enterprise(session, name="Acme Robotics")
    return make_partnership(session, college, enterprise, department)


@pytest.fixture
def office(session: Session, college: College, browser: Browser) -> TestClient:
    return browser(make_user(session, "college_admin", college))
