"""Who takes part in a plan: the students of its classes and of its majors' classes, still
enrolled, who meet its year-of-study and age filters on the plan's start date.

The filters are plain SQL on the class's cohort year and the birth date, so the eligible
students of a 20,000-student plan come from one query.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from tandem.people.models import SchoolClass, Student, StudentStatus
from tandem.placement.models import PlacementPlan, plan_class, plan_major

TAKING_PART = (StudentStatus.ENROLLED, StudentStatus.ON_PLACEMENT)


def year_of_study(cohort_year: int, on: date) -> int:
    """The year a student who enrolled in September of ``cohort_year`` is in on ``on``:
    the first year runs from September of that year to August of the next."""
    return on.year - cohort_year + (1 if on.month >= 9 else 0)


def latest_cohort_for_year(min_year: int, on: date) -> int:
    """The latest cohort year still in ``min_year`` or later on ``on``."""
    return on.year + (1 if on.month >= 9 else 0) - min_year


def born_by(age: int, on: date) -> date:
    """The latest birth date of someone at least ``age`` years old on ``on``."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _in_plan(plan_id: int) -> ColumnElement[bool]:
    classes = select(plan_class.c.class_id).where(plan_class.c.plan_id == plan_id)
    majors = select(plan_major.c.major_id).where(plan_major.c.plan_id == plan_id)
    return or_(
        Student.class_id.in_(classes),
        Student.class_id.in_(select(SchoolClass.id).where(SchoolClass.major_id.in_(majors))),
    )


def eligibility(plan: PlacementPlan) -> list[ColumnElement[bool]]:
    """The conditions a student of the plan meets (the class joined on ``Student.class_id``)."""
    conditions: list[ColumnElement[bool]] = [
        _in_plan(plan.id),
        Student.status.in_(TAKING_PART),
        Student.college_id == plan.college_id,
    ]
    if plan.min_year_of_study:
        latest = latest_cohort_for_year(plan.min_year_of_study, plan.term_start)
        conditions.append(SchoolClass.cohort_year <= latest)
    if plan.min_age:
        conditions.append(Student.birth_date <= born_by(plan.min_age, plan.term_start))
    return conditions


def eligible_students(plan: PlacementPlan) -> Select[Student]:
    return (
        select(Student)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*eligibility(plan))
    )


def eligible_ids(session: Session, plan: PlacementPlan) -> set[int]:
    stmt = (
        select(Student.id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*eligibility(plan))
    )
    return set(session.scalars(stmt))


def is_eligible(session: Session, plan: PlacementPlan, student_id: int) -> bool:
    stmt = (
        select(Student.id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.id == student_id, *eligibility(plan))
    )
    return session.scalar(stmt) is not None
