"""Excel exports of majors, classes, students and teachers: the page's filters and scope, every
row, masked ID numbers only, and an audit entry for each export of students or teachers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.kit.pagination import ListParams
from tandem.people import repository, service
from tandem.people.models import SchoolClass, Student
from tests.factories import make_college, make_department, make_user, sign_in
from tests.people.builders import (
    ADULT_BIRTH,
    make_class,
    make_major,
    make_student,
    make_teacher,
    resident_id,
)
from tests.sheets import column, every_cell, read_sheet, records

OpenAs = Callable[[User], TestClient]
ID_NUMBER = resident_id(ADULT_BIRTH, sequence=456)


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session, "PEOPLE")


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


@pytest.fixture
def school_class(session: Session, college: College, department: Department) -> SchoolClass:
    return make_class(session, college, make_major(session, college, department), name="机电2401")


@pytest.fixture
def browser_for(app: FastAPI, session: Session, settings: Settings) -> Iterator[OpenAs]:
    clients: list[TestClient] = []

    def open_for(user: User) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": "en"})
        clients.append(client)
        return sign_in(client, session, user, settings)

    yield open_for
    for client in clients:
        client.close()


def _exports(session: Session) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)
        )
    )


def test_student_export_matches_the_filtered_page(
    web: TestClient, session: Session, college: College, school_class: SchoolClass
) -> None:
    other_class = make_class(session, college, name="电商2401")
    for i in range(4):
        make_student(session, college, school_class, name=f"张{i}")
    make_student(session, college, school_class, name="张外", status="graduated")
    make_student(session, college, other_class, name="张别")
    make_student(session, college, school_class, name="李四")
    session.commit()
    query = {"q": "张", "class_id": str(school_class.id), "status": "enrolled", "sort": "-name"}
    response = web.get("/students/export.xlsx", params=query)
    names = column(response, "Name")
    assert names == ["张3", "张2", "张1", "张0"]
    page = repository.list_students(
        session,
        actor=Actor.system(),
        params=ListParams(q="张", sort="-name", per_page=200),
        class_id=school_class.id,
        status="enrolled",
    )
    assert names == [s.name for s in page.items]
    listing = web.get("/students", params=query)
    assert all(name in listing.text for name in names)
    assert "张外" not in names
    assert "张别" not in names
    assert response.headers["content-disposition"].startswith('attachment; filename="students-')


def test_students_appear_with_labels_and_the_masked_id_number_only(
    web: TestClient, session: Session, college: College, school_class: SchoolClass
) -> None:
    student = make_student(session, college, school_class, id_number=ID_NUMBER, gender="M")
    session.commit()
    response = web.get("/students/export.xlsx")
    row = records(response)[0]
    assert row["Student number"] == student.student_number
    assert row["Gender"] == "Male"
    assert row["Status"] == "Enrolled"
    assert row["Class"] == "机电2401"
    assert row["ID number (masked)"] == student.id_number_masked
    assert student.id_number_masked
    assert "*" in student.id_number_masked
    assert ID_NUMBER not in every_cell(response)
    assert ID_NUMBER.encode() not in response.content  # not even in the compressed file


def test_headers_follow_the_language(
    web: TestClient, session: Session, college: College, school_class: SchoolClass
) -> None:
    make_student(session, college, school_class)
    session.commit()
    zh = read_sheet(web.get("/students/export.xlsx", headers={"Accept-Language": "zh-CN"}))
    assert zh[0][:5] == ("学号", "姓名", "性别", "出生日期", "身份证号（脱敏）")
    assert zh[1][2] == "女"
    assert zh[1][9] == "在读"
    en = read_sheet(web.get("/students/export.xlsx"))
    assert en[0][:5] == ("Student number", "Name", "Gender", "Date of birth", "ID number (masked)")


def test_searching_by_id_number_exports_by_its_hash(
    web: TestClient, session: Session, college: College, school_class: SchoolClass
) -> None:
    student = make_student(session, college, school_class, id_number=ID_NUMBER)
    make_student(session, college, school_class)
    session.commit()
    found = web.get("/students/export.xlsx", params={"q": ID_NUMBER}, follow_redirects=False)
    assert found.status_code == 303
    assert ID_NUMBER not in found.headers["location"]
    response = web.get(found.headers["location"])
    assert column(response, "Student number") == [student.student_number]
    assert all(
        ID_NUMBER not in (e.changes.get("filters") or [None, ""])[1] for e in _exports(session)
    )


def test_a_college_admin_exports_only_their_college_and_it_is_audited(
    session: Session, browser_for: OpenAs, college: College, school_class: SchoolClass
) -> None:
    other = make_college(session)
    make_student(session, college, school_class, name="本校")
    make_student(session, other, name="外校")
    admin = make_user(session, "college_admin", college)
    office = browser_for(admin)
    response = office.get("/students/export.xlsx", params={"status": "enrolled", "page": "3"})
    assert column(response, "Name") == ["本校"]
    (entry,) = _exports(session)
    assert (entry.college_id, entry.entity_type, entry.entity_id) == (
        college.id,
        "college",
        str(college.id),
    )
    assert entry.actor_user_id == admin.id
    assert entry.changes == {
        "list": [None, "students"],
        "rows": [None, 1],
        "filters": [None, "status=enrolled"],
    }


def test_a_platform_export_is_audited_in_each_college_it_covers(
    web: TestClient, session: Session, college: College, school_class: SchoolClass
) -> None:
    other = make_college(session)
    make_student(session, college, school_class)
    make_student(session, college, school_class)
    make_student(session, other)
    session.commit()
    web.get("/students/export.xlsx")
    counts = {e.college_id: e.changes["rows"][1] for e in _exports(session)}
    assert counts[college.id] == 2
    assert counts[other.id] == 1


def test_a_student_is_sent_to_their_own_record(
    session: Session, browser_for: OpenAs, college: College, school_class: SchoolClass
) -> None:
    student = make_student(session, college, school_class)
    user = make_user(session, "student", college)
    user.student_id = student.id
    session.flush()
    response = browser_for(user).get("/students/export.xlsx", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/students/{student.id}"


def test_a_large_export_has_every_row(
    web: TestClient, session: Session, college: College, school_class: SchoolClass
) -> None:
    session.add_all(
        Student(
            college_id=college.id,
            class_id=school_class.id,
            student_number=f"L{i:05d}",
            name=f"学生{i}",
            gender="F",
            birth_date=ADULT_BIRTH,
            id_number_masked="440106********1234",
        )
        for i in range(3000)
    )
    session.commit()
    rows = read_sheet(web.get("/students/export.xlsx", params={"per_page": "25"}))
    assert len(rows) == 3001
    assert rows[1][0] == "L00000"
    assert rows[-1][0] == "L02999"


def test_teacher_export_filters_neutralises_and_is_audited(
    web: TestClient, session: Session, college: College, department: Department
) -> None:
    other_department = make_department(session, college)
    make_teacher(session, college, department, name="王老师", subjects="=cmd|' /C calc'!A0")
    make_teacher(session, college, department, name="离职", status="left")
    make_teacher(session, college, other_department, name="别系")
    teacher = make_teacher(session, college, department, name="双师", double_qualified=True)
    session.commit()
    response = web.get(
        "/teachers/export.xlsx",
        params={"department_id": str(department.id), "status": "active", "sort": "name"},
    )
    rows = {r["Name"]: r for r in records(response)}
    assert set(rows) == {"王老师", "双师"}
    assert rows["王老师"]["Subjects"] == "'=cmd|' /C calc'!A0"
    assert rows["双师"]["Double-qualified"] == "Yes"
    assert rows["双师"]["Status"] == "In service"
    assert rows["双师"]["Staff number"] == teacher.staff_number
    (entry,) = _exports(session)
    assert entry.changes["list"] == [None, "teachers"]
    assert entry.changes["rows"] == [None, 2]


def test_major_and_class_exports(
    web: TestClient, session: Session, college: College, department: Department
) -> None:
    major = make_major(session, college, department, code="MX01", name_en="Mechatronics")
    archived = make_major(session, college, department, code="MX02")
    service.archive_major(session, actor=Actor.system(), major=archived)
    make_class(session, college, major, name="MX-2023", cohort_year=2023)
    make_class(session, college, major, name="MX-2024", cohort_year=2024)
    session.commit()
    majors = records(web.get("/majors/export.xlsx", params={"department_id": str(department.id)}))
    assert [(m["Code"], m["Classes"], m["Archived"]) for m in majors] == [("MX01", 2, "No")]
    with_archived = web.get(
        "/majors/export.xlsx", params={"department_id": str(department.id), "archived": "yes"}
    )
    assert column(with_archived, "Code") == ["MX01", "MX02"]
    classes = records(web.get("/classes/export.xlsx", params={"major_id": str(major.id)}))
    assert [c["Name"] for c in classes] == ["MX-2023", "MX-2024"]
    assert classes[0]["Major"] == "MX01 Mechatronics"
    assert classes[0]["Cohort"] == 2023
    cohort = web.get("/classes/export.xlsx", params={"major_id": str(major.id), "cohort": "2024"})
    assert column(cohort, "Name") == ["MX-2024"]
    assert _exports(session) == []  # only lists of people are audited


def test_people_list_pages_link_to_their_export(
    web: TestClient, session: Session, school_class: SchoolClass
) -> None:
    session.commit()
    page = web.get("/students", params={"status": "enrolled", "page": "1"})
    assert 'href="/students/export.xlsx?status=enrolled"' in page.text
    for path in ("/teachers", "/majors", "/classes"):
        assert f'href="{path}/export.xlsx?' in web.get(path).text
