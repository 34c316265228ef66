"""Fixtures for the agreement tests: a college with a department and a partnership, and
signed-in browsers for the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.partner.models import Partnership
from tests.agreement.helpers import partnership_for
from tests.factories import make_college, make_department, make_user, sign_in
from tests.partner.helpers import make_enterprise, make_partnership

Browser = Callable[[User], TestClient]


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    college = make_college(session)
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    return {"college": college, "department": department, "partnership": partnership}


@pytest.fixture
def browser(app: FastAPI, session: Session, settings: Settings) -> Browser:
    """A signed-in browser for a user (English pages unless a test asks otherwise)."""

    def make(user: User) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": "en"})
        return sign_in(client, session, user, settings)

    return make


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
