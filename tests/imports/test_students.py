"""Importing students: messy files, all or nothing, updates, duplicates, accounts, scope."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.models import User
from tandem.kit.errors import NotFound, PermissionDenied
from tandem.kit.spreadsheet import SpreadsheetProblem
from tandem.mail.models import OutboxMessage
from tandem.people import service
from tandem.people.models import Student
from tandem.people.schemas import StudentCreate
from tests.factories import make_user
from tests.imports.helpers import (
    ADULT,
    ID_ADULT,
    ID_ADULT_2,
    ID_MINOR,
    MINOR,
    Campus,
    count,
    run,
    students_file,
    xlsx,
)
from tests.people.builders import make_class, make_student

MESSY_HEADER = [
    "学号 *",
    " 姓名",
    "性别",
    "出生日期",
    "身份证号",
    "班级",
    "学籍状态",
    "手机号",
    "监护人姓名",
    "监护人电话",
]


def _excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def messy_rows(fourth_id: object) -> list[list[object]]:
    return [
        MESSY_HEADER,
        # full-width letters and digits, trailing spaces, a real date, a lower-case x
        [
            " ｓ２０２４０１ ",
            "张三  ",
            "男",
            datetime(2004, 5, 17),  # noqa: DTZ001 - Excel has no time zones
            ID_ADULT.lower(),
            "数控2401班",
            "在读",
            13800138000.0,
            None,
            None,
        ],
        # a number stored as a float, an Excel date serial, spaces inside the class name
        [
            2024002.0,
            "李四",
            "female",
            _excel_serial(date(2005, 1, 2)),
            ID_ADULT_2,
            "机器人 2501 班",
            "实习中",
            None,
            None,
            None,
        ],
        # lower-case codes, a Chinese text date, a minor with a guardian
        [
            "s2024003",
            "王五",
            "m",
            "2011年3月9日",
            ID_MINOR,
            "数控2401班",
            None,
            "13900000000",
            "王建国",
            "13700000000",
        ],
        [
            "S2024004",
            "赵六",
            "F",
            "2004/5/17",
            fourth_id,
            "数控2401班",
            "enrolled",
            None,
            None,
            None,
        ],
        [None] * 10,
        [None] * 10,
    ]


def test_a_messy_file_is_imported_once_the_rounded_id_is_fixed(
    session: Session, campus: Campus
) -> None:
    rounded = xlsx(messy_rows(4.40524188001010e17), title="2024级学生名单（机电学院）", width=10)
    report = run(session, "students", rounded, college=campus.college, actor=campus.office)
    assert [(e.row, e.column) for e in report.errors] == [(6, "id_number")]
    assert "rounded" in report.errors[0].message
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert count(session, Student) == 0  # all or nothing

    fixed = xlsx(messy_rows(None), title="2024级学生名单（机电学院）", width=10)
    report = run(session, "students", fixed, college=campus.college, actor=campus.office)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    students = {
        s.student_number: s
        for s in session.scalars(select(Student).where(Student.college_id == campus.college.id))
    }
    assert set(students) == {"S202401", "2024002", "S2024003", "S2024004"}
    first, second, minor = students["S202401"], students["2024002"], students["S2024003"]
    assert (first.name, first.gender, first.birth_date, first.phone) == (
        "张三",
        "M",
        ADULT,
        "13800138000",
    )
    assert first.id_number_masked == ID_ADULT[:4] + "*" * 10 + ID_ADULT[-4:]
    assert first.class_id == campus.cnc.id
    assert first.status == "enrolled"
    assert (second.gender, second.birth_date, second.status) == (
        "F",
        date(2005, 1, 2),
        "on_placement",
    )
    assert second.class_id == campus.robots.id
    assert (minor.birth_date, minor.guardian_name) == (MINOR, "王建国")
    assert students["S2024004"].id_number_hash is None
    created = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "student")).all()
    assert len(created) == 4
    assert {e.action for e in created} == {"create"}
    assert {e.actor_label for e in created} == {campus.office.label}

    entries = count(session, AuditEntry)
    again = run(session, "students", fixed, college=campus.college, actor=campus.office)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert count(session, AuditEntry) == entries

    rows = messy_rows(None)
    rows[1][7] = "13811112222"  # a new phone
    rows[2][5] = "数控2401班"  # another class
    rows[3][8] = None  # blank: keeps the guardian
    changed = run(session, "students", xlsx(rows), college=campus.college, actor=campus.office)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 2)
    session.expire_all()
    assert first.phone == "13811112222"
    assert second.class_id == campus.cnc.id
    assert minor.guardian_name == "王建国"
    updates = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "update").order_by(AuditEntry.id)
    ).all()
    assert count(session, AuditEntry) == entries + 2
    assert [set(e.changes) for e in updates] == [{"phone"}, {"class_id"}]


def test_one_bad_row_writes_nothing_and_every_error_is_listed(
    session: Session, campus: Campus
) -> None:
    old = make_class(session, campus.college, campus.cnc.major, name="旧班", cohort_year=2020)
    service.archive_class(session, actor=campus.office, school_class=old)
    data = students_file(
        [
            ["S1", "甲", "女", "2004-05-17", None, "数控2401班", None],
            ["S2", "乙", "X", "2004-05-17", None, "不存在班", None],
            ["S3", "丙", "男", "2004-13-40", None, "数控2401班", "请假"],
            ["S4", "丁", "男", "2011-03-09", None, "数控2401班", None],  # a minor, no guardian
            ["S5", "戊", "男", "2004-05-17", ID_ADULT_2, "数控2401班", None],  # not his birth date
            ["S6", "己", "男", "2004-05-17", None, "旧班", None],
            ["S1", "庚", "男", "2004-05-17", None, "数控2401班", None],
        ]
    )
    report = run(session, "students", data, college=campus.college, actor=campus.office)
    found = [(e.row, e.column) for e in report.errors]
    assert found == [
        (3, "gender"),
        (3, "class_name"),
        (4, "birth_date"),
        (4, "status"),
        (5, "guardian_name"),
        (5, "guardian_phone"),
        (6, "id_number"),
        (7, "class_name"),
        (8, "student_number"),
    ]
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(3, "class_name")].startswith("No class named 不存在班")
    assert "Female, Male (F, M)" in messages[(3, "gender")]
    assert messages[(8, "student_number")] == "S1 is in the file twice: rows 2 and 8."
    assert "archived" in messages[(7, "class_name")]
    assert report.created == report.updated == report.unchanged == 0
    assert count(session, Student) == 0
    assert [o.status for o in report.outcomes][:2] == ["created", "error"]


def test_id_numbers_must_be_unique_in_the_file_and_the_college(
    session: Session, campus: Campus
) -> None:
    make_student(
        session,
        campus.college,
        campus.cnc,
        student_number="OLD1",
        birth_date=ADULT,
        id_number=ID_ADULT,
    )
    data = students_file(
        [
            ["N1", "甲", "女", "2004-05-17", ID_ADULT, "数控2401班", None],
            ["N2", "乙", "女", "2005-01-02", ID_ADULT_2, "数控2401班", None],
            ["N3", "丙", "女", "2005-01-02", ID_ADULT_2, "数控2401班", None],
        ]
    )
    report = run(session, "students", data, college=campus.college)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "id_number", "Another student of this college has this ID number."),
        (4, "id_number", f"{ID_ADULT_2} is in the file twice: rows 3 and 4."),
    ]


def test_cohort_is_checked_against_the_class(session: Session, campus: Campus) -> None:
    data = xlsx(
        [
            ["学号", "姓名", "性别", "出生日期", "班级", "入学年份"],
            ["C1", "甲", "女", "2004-05-17", "数控2401班", "2024级"],
            ["C2", "乙", "女", "2004-05-17", "数控2401班", 2025],
        ]
    )
    report = run(session, "students", data, college=campus.college)
    assert [(e.row, e.column) for e in report.errors] == [(3, "cohort")]
    assert report.errors[0].message == "Class 数控2401班 is of the 2024 cohort, not 2025."


def test_dry_run_reports_but_writes_nothing(session: Session, campus: Campus) -> None:
    data = students_file([["D1", "甲", "女", "2004-05-17", ID_ADULT, "数控2401班", None]])
    seen: list[int] = []
    report = run(
        session, "students", data, college=campus.college, dry_run=True, progress=seen.append
    )
    assert seen[-1] == 1
    assert report.ok
    assert report.created == 1
    assert report.dry_run
    assert count(session, Student) == 0


def test_create_accounts_invites_people_without_an_account(
    session: Session, campus: Campus
) -> None:
    known = make_student(session, campus.college, campus.cnc, student_number="K1")
    account = make_user(session, "student", campus.college, email="k1@school.example")
    account.student_id = known.id
    session.flush()
    header = ["学号", "姓名", "性别", "出生日期", "班级", "电子邮箱"]
    data = xlsx(
        [
            header,
            ["K1", known.name, "女", "2000-05-17", "数控2401班", "k1-new@school.example"],
            ["A1", "新生甲", "女", "2004-05-17", "数控2401班", "A1@School.example"],
            ["A2", "新生乙", "男", "2004-05-17", "数控2401班", None],
        ]
    )
    report = run(session, "students", data, college=campus.college, create_accounts=True)
    assert report.ok, report.errors
    assert report.invited == 1
    invited = session.scalar(select(User).where(User.email == "a1@school.example"))
    assert invited is not None
    assert invited.role == "student"
    assert invited.password_hash is None
    new = session.scalar(select(Student).where(Student.student_number == "A1"))
    assert new is not None
    assert invited.student_id == new.id
    assert session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == "a1@school.example")
    )

    again = run(session, "students", data, college=campus.college, create_accounts=True)
    assert again.ok
    assert again.invited == 0
    assert again.unchanged == 3


def test_create_accounts_errors(session: Session, campus: Campus) -> None:
    make_user(session, "teacher", campus.college, email="taken@school.example")
    header = ["学号", "姓名", "性别", "出生日期", "班级", "电子邮箱"]
    rows = [
        header,
        ["E1", "甲", "女", "2004-05-17", "数控2401班", "taken@school.example"],
        ["E2", "乙", "女", "2004-05-17", "数控2401班", "not-an-address"],
        ["E3", "丙", "女", "2004-05-17", "数控2401班", "same@school.example"],
        ["E4", "丁", "女", "2004-05-17", "数控2401班", "SAME@school.example"],
    ]
    report = run(session, "students", xlsx(rows), college=campus.college, create_accounts=True)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "email"),
        (3, "email"),
        (5, "email"),
    ]
    assert "already exists" in report.errors[0].message
    assert count(session, Student) == 0
    without_column = students_file([["E5", "甲", "女", "2004-05-17", None, "数控2401班", None]])
    with pytest.raises(SpreadsheetProblem):
        run(session, "students", without_column, college=campus.college, create_accounts=True)


def test_only_the_own_college_and_only_managers(session: Session, campus: Campus) -> None:
    data = students_file([["X1", "甲", "女", "2004-05-17", None, "数控2401班", None]])
    with pytest.raises(NotFound):
        run(session, "students", data, college=campus.other, actor=campus.office)
    assert run(session, "students", data, college=campus.college, actor=campus.office).ok
    from tandem.auth import service as auth_service

    for role in ("teacher", "department_coordinator"):
        department = campus.mech if role == "department_coordinator" else None
        actor = auth_service.actor_for(make_user(session, role, campus.college, department))
        with pytest.raises(PermissionDenied):
            run(session, "students", data, college=campus.college, actor=actor)


def test_bulk_creation_stores_and_audits_as_the_service_does(
    session: Session, campus: Campus
) -> None:
    values = {
        "name": "同一人",
        "gender": "M",
        "birth_date": MINOR,
        "class_id": campus.cnc.id,
        "phone": "13800000000",
        "guardian_name": "家长",
        "guardian_phone": "13700000000",
    }
    by_service = service.create_student(
        session,
        actor=campus.office,
        data=StudentCreate(student_number="VIA-SERVICE", id_number=ID_MINOR, **values),
    )
    columns = [c.key for c in Student.__table__.columns]
    expected = {name: getattr(by_service, name) for name in columns}
    session.delete(by_service)  # frees the ID number; its audit entry stays
    session.flush()
    data = xlsx(
        [
            [
                "学号",
                "姓名",
                "性别",
                "出生日期",
                "身份证号",
                "班级",
                "手机号",
                "监护人姓名",
                "监护人电话",
            ],
            [
                "VIA-IMPORT",
                "同一人",
                "男",
                MINOR,
                ID_MINOR,
                "数控2401班",
                "13800000000",
                "家长",
                "13700000000",
            ],
        ]
    )
    assert run(session, "students", data, college=campus.college, actor=campus.office).ok
    imported = session.scalar(select(Student).where(Student.student_number == "VIA-IMPORT"))
    assert imported is not None
    differ = {"id", "student_number", "id_number_encrypted", "created_at", "updated_at"}
    for name in set(columns) - differ:
        assert getattr(imported, name) == expected[name], name
    assert imported.version == 1
    assert imported.created_at.tzinfo is not None
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "student").order_by(AuditEntry.id)
    ).all()
    via_service = next(e for e in entries if e.summary == "VIA-SERVICE" and e.action == "create")
    via_import = next(e for e in entries if e.summary == "VIA-IMPORT")
    assert via_import.entity_id == str(imported.id)
    for name in ("college_id", "actor_user_id", "actor_label", "action", "entity_type"):
        assert getattr(via_import, name) == getattr(via_service, name), name
    same = {k: v for k, v in via_service.changes.items() if k != "student_number"}
    assert {k: v for k, v in via_import.changes.items() if k != "student_number"} == same
    assert via_import.changes["id_number"] == "(changed)"
