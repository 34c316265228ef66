"""Small builders for test records, through the same services the app uses."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.auth.schemas import UserInvite
from tandem.college import service as college_service
from tandem.college.models import College, Department
from tandem.college.schemas import CollegeCreate, DepartmentCreate
from tandem.config import Settings
from tandem.kit.web import SESSION_COOKIE

ACTOR = Actor.system("test")
_numbers = count(1)


def make_college(session: Session, code: str | None = None, **fields: str) -> College:
    number = next(_numbers)
    data = CollegeCreate(
        code=code or f"C{number:04d}",
        name_zh=fields.get("name_zh", f"测试学院{number}"),
        name_en=fields.get("name_en", f"Test College {number}"),
        region_code=fields.get("region_code", "440100"),
    )
    return college_service.create_college(session, actor=ACTOR, data=data)


def make_department(session: Session, college: College, code: str | None = None) -> Department:
    number = next(_numbers)
    data = DepartmentCreate(
        code=code or f"D{number:04d}", name_zh=f"系{number}", name_en=f"Department {number}"
    )
    return college_service.create_department(session, actor=ACTOR, college=college, data=data)


# Makes a browser signed in as a user (the ``browser`` fixture in tests/conftest.py).
Browser = Callable[[User], TestClient]

PASSWORD = "Correct-horse-battery-9"


def make_user(
    session: Session,
    role: str,
    college: College | None = None,
    department: Department | None = None,
    *,
    region: str | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
) -> User:
    number = next(_numbers)
    data = UserInvite(
        email=email or f"user{number}@test.example",
        display_name=f"User {number}",
        role=Role(role),
        college_id=college.id if college else None,
        department_id=department.id if department else None,
        region_code=region,
    )
    return auth_service.create_user(session, actor=ACTOR, data=data, password=password)


def sign_in(client: TestClient, session: Session, user: User, settings: Settings) -> TestClient:
    """Give the client a login session cookie for ``user`` (as the sign-in page would)."""
    started = auth_service.start_session(
        session, user=user, ip="testclient", user_agent="pytest", settings=settings
    )
    session.commit()
    client.cookies.set(SESSION_COOKIE, started.raw_token)
    return client


def bearer(session: Session, user: User) -> dict[str, str]:
    _, raw = auth_service.create_token(session, actor=ACTOR, user=user, name="tests")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}
