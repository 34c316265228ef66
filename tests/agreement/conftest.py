"""Fixtures for the agreement tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.agreement.helpers import partnership_for
from tests.factories import make_college, make_department


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    college = make_college(session)
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    return {"college": college, "department": department, "partnership": partnership}
