"""Importing teachers: departments by code, yes/no and status labels, updates, accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.models import User
from tandem.people.models import Teacher
from tests.imports.helpers import Campus, count, run, xlsx
from tests.people.builders import make_teacher

HEADER = ["工号", "姓名", "二级学院代码", "职称", "任教课程", "状态", "双师型"]


def teachers_file(rows: list[list[object]], **kw: object) -> bytes:
    return xlsx([HEADER, *rows], **kw)  # type: ignore[arg-type]


def test_teachers_are_created_then_left_alone_then_updated(
    session: Session, campus: Campus
) -> None:
    rows: list[list[object]] = [
        [1001.0, "陈老师", "mech", "副教授", "数控编程, PLC", "在职", "是"],
        ["ｔ１００２", "林老师", " Info ", None, None, "On leave", "√"],
        ["T1003", "周老师", "MECH", "讲师", None, None, "否"],
        [None] * 7,
    ]
    data = teachers_file(rows, title="2026年教师名册", width=7)
    report = run(session, "teachers", data, college=campus.college, actor=campus.office)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    found = {
        t.staff_number: t
        for t in session.scalars(select(Teacher).where(Teacher.college_id == campus.college.id))
    }
    assert set(found) == {"1001", "T1002", "T1003"}
    chen, lin, zhou = found["1001"], found["T1002"], found["T1003"]
    assert (chen.department_id, chen.title, chen.status, chen.double_qualified) == (
        campus.mech.id,
        "副教授",
        "active",
        True,
    )
    assert (lin.department_id, lin.status, lin.double_qualified) == (
        campus.info.id,
        "on_leave",
        True,
    )
    assert (zhou.status, zhou.double_qualified) == ("active", False)

    entries = count(session, AuditEntry)
    again = run(session, "teachers", data, college=campus.college, actor=campus.office)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert count(session, AuditEntry) == entries

    rows[0][5] = "已离职"
    rows[2][4] = "机械制图"
    rows[1][3] = None  # blank keeps
    changed = run(session, "teachers", teachers_file(rows), college=campus.college)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 1)
    session.expire_all()
    assert chen.status == "left"
    assert zhou.subjects == "机械制图"
    assert count(session, AuditEntry) == entries + 2


def test_teacher_row_errors(session: Session, campus: Campus) -> None:
    make_teacher(session, campus.college, campus.mech, staff_number="OLD")
    data = teachers_file(
        [
            ["T1", "甲", "NOPE", None, None, None, None],
            ["T2", None, "MECH", None, None, "退休了", "maybe"],
            ["T1", "丙", "MECH", None, None, None, None],
            ["OLD", "丁", "MECH", None, None, None, None],
        ]
    )
    report = run(session, "teachers", data, college=campus.college)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "department_code"),
        (3, "name"),
        (3, "status"),
        (3, "double_qualified"),
        (4, "staff_number"),
    ]
    assert report.errors[0].message == "No department with code NOPE in this college."
    assert report.errors[2].message.startswith("退休了 is not a valid value here")
    assert count(session, Teacher) == 1  # nothing written (the one recorded before)


def test_teacher_accounts(session: Session, campus: Campus) -> None:
    data = xlsx(
        [
            ["Staff number", "Name", "Department code", "Email"],
            ["T9", "Ms Wang", "MECH", "wang@school.example"],
        ]
    )
    report = run(session, "teachers", data, college=campus.college, create_accounts=True)
    assert report.ok
    assert report.invited == 1
    user = session.scalar(select(User).where(User.email == "wang@school.example"))
    teacher = session.scalar(select(Teacher).where(Teacher.staff_number == "T9"))
    assert user is not None
    assert teacher is not None
    assert (user.role, user.teacher_id, user.college_id) == (
        "teacher",
        teacher.id,
        campus.college.id,
    )
    again = run(session, "teachers", data, college=campus.college, create_accounts=True)
    assert again.ok
    assert again.invited == 0
    assert again.unchanged == 1
