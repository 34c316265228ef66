"""Small builders for test records, through the same services the app uses."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.college import service as college_service
from tandem.college.models import College, Department
from tandem.college.schemas import CollegeCreate, DepartmentCreate

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
