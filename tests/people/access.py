"""Route-by-role rules for the people routes (used by tests/test_route_access.py).

Every route needs one permission; scope does the rest: another college's record is hidden from
all but platform administrators, and a student sees only their own student record (the "own"
student below is bound to the student account), so the plain permission rule covers them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tests.people.builders import make_class, make_major, make_student, make_teacher

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", "/api/v1/majors"): perm(P.STRUCTURE_READ),
    ("POST", "/api/v1/majors"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/api/v1/majors/{major_id}"): perm(P.STRUCTURE_READ),
    ("PATCH", "/api/v1/majors/{major_id}"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/api/v1/classes"): perm(P.STRUCTURE_READ),
    ("POST", "/api/v1/classes"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/api/v1/classes/{class_id}"): perm(P.STRUCTURE_READ),
    ("PATCH", "/api/v1/classes/{class_id}"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/api/v1/students"): perm(P.STUDENT_READ),
    ("POST", "/api/v1/students"): perm(P.STUDENT_MANAGE),
    ("GET", "/api/v1/students/{student_id}"): perm(P.STUDENT_READ),
    ("PATCH", "/api/v1/students/{student_id}"): perm(P.STUDENT_MANAGE),
    ("POST", "/api/v1/students/{student_id}/reveal-id"): perm(P.STUDENT_REVEAL_ID),
    ("GET", "/api/v1/teachers"): perm(P.TEACHER_READ),
    ("POST", "/api/v1/teachers"): perm(P.TEACHER_MANAGE),
    ("GET", "/api/v1/teachers/{teacher_id}"): perm(P.TEACHER_READ),
    ("PATCH", "/api/v1/teachers/{teacher_id}"): perm(P.TEACHER_MANAGE),
    # Pages: majors and classes
    ("GET", "/majors"): perm(P.STRUCTURE_READ),
    ("GET", "/majors/export.xlsx"): perm(P.STRUCTURE_READ),
    ("GET", "/majors/new"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/majors/new"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/majors/{major_id}"): perm(P.STRUCTURE_READ),
    ("GET", "/majors/{major_id}/edit"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/majors/{major_id}/edit"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/majors/{major_id}/archive"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/majors/{major_id}/archive"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/majors/{major_id}/restore"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/classes"): perm(P.STRUCTURE_READ),
    ("GET", "/classes/export.xlsx"): perm(P.STRUCTURE_READ),
    ("GET", "/classes/new"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/classes/new"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/classes/{class_id}"): perm(P.STRUCTURE_READ),
    ("GET", "/classes/{class_id}/edit"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/classes/{class_id}/edit"): perm(P.STRUCTURE_MANAGE),
    ("GET", "/classes/{class_id}/archive"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/classes/{class_id}/archive"): perm(P.STRUCTURE_MANAGE),
    ("POST", "/classes/{class_id}/restore"): perm(P.STRUCTURE_MANAGE),
    # Pages: students (a student's /students goes to their own record)
    ("GET", "/students"): perm(P.STUDENT_READ),
    ("GET", "/students/export.xlsx"): perm(P.STUDENT_READ),
    ("GET", "/students/new"): perm(P.STUDENT_MANAGE),
    ("POST", "/students/new"): perm(P.STUDENT_MANAGE),
    ("GET", "/students/{student_id}"): perm(P.STUDENT_READ),
    ("GET", "/students/{student_id}/edit"): perm(P.STUDENT_MANAGE),
    ("POST", "/students/{student_id}/edit"): perm(P.STUDENT_MANAGE),
    ("POST", "/students/{student_id}/reveal-id"): perm(P.STUDENT_REVEAL_ID),
    # Pages: teachers
    ("GET", "/teachers"): perm(P.TEACHER_READ),
    ("GET", "/teachers/export.xlsx"): perm(P.TEACHER_READ),
    ("GET", "/teachers/new"): perm(P.TEACHER_MANAGE),
    ("POST", "/teachers/new"): perm(P.TEACHER_MANAGE),
    ("GET", "/teachers/{teacher_id}"): perm(P.TEACHER_READ),
    ("GET", "/teachers/{teacher_id}/edit"): perm(P.TEACHER_MANAGE),
    ("POST", "/teachers/{teacher_id}/edit"): perm(P.TEACHER_MANAGE),
}

# Bodies that pass validation for changes (so "other" reaches the scope check and answers 404).
# Creates name a parent that does not exist: allowed roles get a field error (422, "ok").
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/majors"): {
        "code": "NEWM",
        "name_zh": "新专业",
        "name_en": "New major",
        "department_id": 999999,
    },
    ("PATCH", "/api/v1/majors/{major_id}"): {"name_en": "Renamed major"},
    ("POST", "/api/v1/classes"): {"name": "New class", "major_id": 999999, "cohort_year": 2024},
    ("PATCH", "/api/v1/classes/{class_id}"): {"name": "Renamed class"},
    ("POST", "/api/v1/students"): {
        "student_number": "NEW001",
        "name": "新生",
        "gender": "F",
        "birth_date": "2000-01-01",
        "class_id": 999999,
    },
    ("PATCH", "/api/v1/students/{student_id}"): {"phone": "13800000000"},
    ("POST", "/api/v1/teachers"): {
        "staff_number": "NEWT",
        "name": "新教师",
        "department_id": 999999,
    },
    ("PATCH", "/api/v1/teachers/{teacher_id}"): {"title": "Lecturer"},
}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    """Records for the routes' path parameters: "own" (college A) and "other" (college B).

    The students have no ID number, so nothing here needs the data key; revealing answers 409
    ("none recorded"), which still shows that the route let the actor through.
    """
    ids: dict[str, dict[str, int]] = {}
    for variant, college, department in (
        ("own", a, departments[0]),
        ("other", b, departments[1]),
    ):
        major = make_major(session, college, department)
        school_class = make_class(session, college, major)
        student = make_student(session, college, school_class)
        teacher = make_teacher(session, college, department)
        ids[variant] = {
            "major_id": major.id,
            "class_id": school_class.id,
            "student_id": student.id,
            "teacher_id": teacher.id,
        }
    users["student"].student_id = ids["own"]["student_id"]
    users["teacher"].teacher_id = ids["own"]["teacher_id"]
    session.flush()
    return ids
