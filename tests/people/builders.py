"""Builders for people-registry records in tests, through the services the app uses."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from tandem.college.models import College, Department
from tandem.kit.identifiers import id_check_character
from tandem.people import service
from tandem.people.models import Major, SchoolClass, Student, Teacher
from tandem.people.schemas import MajorCreate, SchoolClassCreate, StudentCreate, TeacherCreate
from tests.factories import ACTOR, make_department

_numbers = count(1)
ADULT_BIRTH = date(2000, 5, 17)


def resident_id(birth: date, region: str = "440106", sequence: int = 123) -> str:
    """A valid resident ID number for ``birth`` (check character computed)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def make_major(
    session: Session, college: College, department: Department | None = None, **fields: Any
) -> Major:
    number = next(_numbers)
    department = department or make_department(session, college)
    data = MajorCreate(
        code=fields.pop("code", f"M{number:04d}"),
        name_zh=fields.pop("name_zh", f"专业{number}"),
        name_en=fields.pop("name_en", f"Major {number}"),
        department_id=department.id,
    )
    return service.create_major(session, actor=ACTOR, data=data)


def make_class(
    session: Session, college: College, major: Major | None = None, **fields: Any
) -> SchoolClass:
    number = next(_numbers)
    major = major or make_major(session, college)
    data = SchoolClassCreate(
        name=fields.pop("name", f"Class {number}"),
        major_id=major.id,
        cohort_year=fields.pop("cohort_year", 2024),
    )
    return service.create_class(session, actor=ACTOR, data=data)


def make_student(
    session: Session, college: College, school_class: SchoolClass | None = None, **fields: Any
) -> Student:
    number = next(_numbers)
    school_class = school_class or make_class(session, college)
    values: dict[str, Any] = {
        "student_number": f"S{number:06d}",
        "name": f"学生{number}",
        "gender": "F",
        "birth_date": ADULT_BIRTH,
        "class_id": school_class.id,
        **fields,
    }
    return service.create_student(session, actor=ACTOR, data=StudentCreate(**values))


def make_teacher(
    session: Session, college: College, department: Department | None = None, **fields: Any
) -> Teacher:
    number = next(_numbers)
    department = department or make_department(session, college)
    values: dict[str, Any] = {
        "staff_number": f"T{number:05d}",
        "name": f"教师{number}",
        "department_id": department.id,
        **fields,
    }
    return service.create_teacher(session, actor=ACTOR, data=TeacherCreate(**values))
