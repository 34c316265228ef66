"""The people pages: lists, forms that keep input, archiving, the reveal, and scoping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.people.models import Major, SchoolClass, Student, Teacher
from tandem.people.schemas import local_today
from tests.conftest import csrf_from, post_form
from tests.factories import make_college, make_department, make_user, sign_in
from tests.people.builders import (
    ADULT_BIRTH,
    make_class,
    make_major,
    make_student,
    make_teacher,
    resident_id,
)

ID_NUMBER = resident_id(ADULT_BIRTH, sequence=789)


OpenAs = Callable[[User], TestClient]


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


@pytest.fixture
def school_class(session: Session, college: College, department: Department) -> SchoolClass:
    school_class = make_class(session, college, make_major(session, college, department))
    session.commit()
    return school_class


@pytest.fixture
def browser_for(app: FastAPI, session: Session, settings: Settings) -> Iterator[OpenAs]:
    """Another signed-in browser, for a user of some role."""
    clients: list[TestClient] = []

    def open_for(user: User) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": "en"})
        clients.append(client)
        return sign_in(client, session, user, settings)

    yield open_for
    for client in clients:
        client.close()


def student_form(school_class: SchoolClass, **fields: str) -> dict[str, str]:
    return {
        "student_number": "WEB001",
        "name": "网页学生",
        "gender": "F",
        "birth_date": ADULT_BIRTH.isoformat(),
        "class_id": str(school_class.id),
        "status": "enrolled",
        **fields,
    }


# --- majors and classes -------------------------------------------------------------------------


def test_major_pages_create_edit_archive_restore(
    web: TestClient, session: Session, department: Department
) -> None:
    bad = post_form(web, "/majors/new", {"code": "AUTO1", "name_zh": "自动化"})
    assert bad.status_code == 422
    assert 'value="AUTO1"' in bad.text
    assert 'value="自动化"' in bad.text
    assert 'id="e-name_en"' in bad.text
    assert 'id="e-department_id"' in bad.text
    created = post_form(
        web,
        "/majors/new",
        {
            "code": "auto1",
            "name_zh": "自动化",
            "name_en": "Automation",
            "department_id": str(department.id),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    major = session.scalar(select(Major).where(Major.code == "AUTO1"))
    assert major is not None
    detail = web.get(created.headers["location"])
    assert "Major AUTO1 added." in detail.text
    listed = web.get("/majors", params={"q": "auto1"})
    assert "Automation" in listed.text
    assert f'href="/classes?major_id={major.id}"' in listed.text

    edited = post_form(
        web,
        f"/majors/{major.id}/edit",
        {
            "name_zh": "自动化技术",
            "name_en": "Automation",
            "department_id": str(department.id),
            "version": "1",
        },
        follow_redirects=False,
    )
    assert edited.status_code == 303
    confirm = web.get(f"/majors/{major.id}/archive")
    assert "You can restore it later." in confirm.text
    archived = post_form(web, f"/majors/{major.id}/archive", {}, follow_redirects=False)
    assert archived.status_code == 303
    assert "AUTO1" not in web.get("/majors", params={"q": "auto1"}).text.split('id="results"')[1]
    assert "AUTO1" in web.get("/majors", params={"q": "auto1", "archived": "yes"}).text
    token = csrf_from(web.get(f"/majors/{major.id}").text)
    restored = web.post(
        f"/majors/{major.id}/restore", data={"csrf_token": token}, follow_redirects=False
    )
    assert restored.status_code == 303
    session.expire_all()
    assert session.get(Major, major.id).archived_at is None  # type: ignore[union-attr]


def test_class_pages(web: TestClient, session: Session, school_class: SchoolClass) -> None:
    major = school_class.major
    new = web.get("/classes/new", params={"major_id": major.id})
    assert f'<option value="{major.id}" selected' in new.text
    bad = post_form(
        web, "/classes/new", {"name": "机电2499", "major_id": str(major.id), "cohort_year": "1800"}
    )
    assert bad.status_code == 422
    assert 'value="机电2499"' in bad.text
    assert 'id="e-cohort_year"' in bad.text
    created = post_form(
        web,
        "/classes/new",
        {"name": "机电2499", "major_id": str(major.id), "cohort_year": "2024"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    detail = web.get(created.headers["location"])
    assert "Class 机电2499 added." in detail.text
    assert "Year of study" in detail.text
    class_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert (
        "机电2499" in web.get("/classes", params={"cohort": "2024", "major_id": str(major.id)}).text
    )
    assert "机电2499" in web.get(f"/majors/{major.id}").text
    assert (
        post_form(web, f"/classes/{class_id}/archive", {}, follow_redirects=False).status_code
        == 303
    )
    assert "机电2499" not in web.get("/classes", params={"q": "2499"}).text.split('id="results"')[1]
    # No new class under an archived major: the form says so beside the field.
    post_form(web, f"/majors/{major.id}/archive", {})
    refused = post_form(
        web, "/classes/new", {"name": "机电2498", "major_id": str(major.id), "cohort_year": "2024"}
    )
    assert refused.status_code == 422
    assert "is archived" in refused.text


def test_htmx_search_returns_only_the_results(web: TestClient, school_class: SchoolClass) -> None:
    for path in ("/majors", "/classes", "/students", "/teachers"):
        fragment = web.get(path, headers={"HX-Request": "true", "HX-Target": "results"})
        assert fragment.status_code == 200, path
        assert fragment.text.lstrip().startswith('<div id="results">'), path
        assert "<html" not in fragment.text


# --- students -----------------------------------------------------------------------------------


def test_student_form_keeps_input_but_never_echoes_the_id_number(
    web: TestClient, school_class: SchoolClass
) -> None:
    minor_birth = date(local_today().year - 16, 1, 2)
    response = post_form(
        web,
        "/students/new",
        student_form(
            school_class,
            birth_date=minor_birth.isoformat(),
            id_number=resident_id(minor_birth),
            phone="13800000000",
        ),
    )
    assert response.status_code == 422
    assert 'value="WEB001"' in response.text
    assert 'value="13800000000"' in response.text
    assert 'id="e-guardian_name"' in response.text
    assert "Required for a student under 18." in response.text
    assert resident_id(minor_birth) not in response.text
    assert "please enter it again" in response.text


def test_student_pages_mask_and_reveal_once(
    web: TestClient, session: Session, school_class: SchoolClass
) -> None:
    created = post_form(
        web,
        "/students/new",
        student_form(school_class, id_number=ID_NUMBER),
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    pages = [
        web.get(location),
        web.get("/students"),
        web.get(f"{location}/edit"),
        web.get("/audit"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert ID_NUMBER not in page.text
    detail = pages[0].text
    assert ID_NUMBER[:4] + "**********" + ID_NUMBER[-4:] in detail
    assert f'action="{location}/reveal-id"' in detail

    token = csrf_from(detail)
    revealed = web.post(f"{location}/reveal-id", data={"csrf_token": token})
    assert revealed.status_code == 200
    assert ID_NUMBER in revealed.text
    assert revealed.headers["cache-control"] == "no-store"
    assert "recorded in the audit log" in revealed.text
    assert ID_NUMBER not in web.get(location).text  # shown once only
    student_id = int(location.rsplit("/", 1)[1])
    actions = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "student", AuditEntry.entity_id == str(student_id)
        )
    ).all()
    assert sorted(actions) == ["create", "reveal_id"]


def test_searching_by_id_number_never_puts_it_in_a_page(
    web: TestClient, session: Session, school_class: SchoolClass, college: College
) -> None:
    student = make_student(session, college, school_class, id_number=ID_NUMBER)
    session.commit()
    found = web.get("/students", params={"q": ID_NUMBER}, follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == f"/students/{student.id}"
    htmx = web.get(
        "/students", params={"q": ID_NUMBER}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert htmx.headers["hx-redirect"] == f"/students/{student.id}"
    missing = resident_id(ADULT_BIRTH, sequence=1)
    none = web.get("/students", params={"q": missing})
    assert none.status_code == 200
    assert missing not in none.text
    assert "No student has the ID number you searched for." in none.text


def test_student_edit_keeps_the_id_number_when_left_blank(
    web: TestClient, session: Session, school_class: SchoolClass, college: College
) -> None:
    student = make_student(session, college, school_class, id_number=ID_NUMBER)
    session.commit()
    digest = student.id_number_hash
    edited = post_form(
        web,
        f"/students/{student.id}/edit",
        student_form(
            school_class, student_number=student.student_number, status="left", version="1"
        ),
        follow_redirects=False,
    )
    assert edited.status_code == 303, edited.text
    session.expire_all()
    saved = session.get(Student, student.id)
    assert saved is not None
    assert (saved.status, saved.id_number_hash) == ("left", digest)
    stale = post_form(
        web,
        f"/students/{student.id}/edit",
        student_form(school_class, student_number=student.student_number, name="Late", version="1"),
    )
    assert stale.status_code == 409
    assert 'value="Late"' in stale.text


def test_student_list_filters(
    web: TestClient, session: Session, school_class: SchoolClass, college: College
) -> None:
    make_student(session, college, school_class, name="在读生")
    make_student(session, college, school_class, name="离校生", status="left")
    session.commit()
    page = web.get("/students", params={"status": "left", "class_id": str(school_class.id)})
    assert "离校生" in page.text
    assert "在读生" not in page.text
    assert (
        "在读生"
        in web.get(
            "/students", params={"cohort": "2024", "major_id": str(school_class.major_id)}
        ).text
    )
    assert web.get("/students", params={"class_id": "not a number"}).status_code == 200


def test_reveal_is_only_offered_to_those_allowed(
    browser_for: OpenAs, session: Session, college: College, school_class: SchoolClass
) -> None:
    student = make_student(session, college, school_class, id_number=ID_NUMBER)
    teacher = browser_for(make_user(session, "teacher", college))
    page = teacher.get(f"/students/{student.id}")
    assert page.status_code == 200
    assert "reveal-id" not in page.text
    assert "Edit" not in page.text.split("<main")[1]
    office = browser_for(make_user(session, "college_admin", college))
    assert "reveal-id" in office.get(f"/students/{student.id}").text


def test_a_student_sees_only_their_own_record(
    browser_for: OpenAs, session: Session, college: College, school_class: SchoolClass
) -> None:
    mine = make_student(session, college, school_class, name="本人", id_number=ID_NUMBER)
    classmate = make_student(session, college, school_class, name="同学")
    user = make_user(session, "student", college)
    user.student_id = mine.id
    session.commit()
    browser = browser_for(user)
    assert (
        browser.get("/students", follow_redirects=False).headers["location"]
        == f"/students/{mine.id}"
    )
    own = browser.get(f"/students/{mine.id}")
    assert own.status_code == 200
    assert "本人" in own.text
    assert "My record" in own.text
    assert ID_NUMBER not in own.text
    assert "reveal-id" not in own.text
    assert browser.get(f"/students/{classmate.id}").status_code == 404
    assert browser.get(f"/classes/{school_class.id}").status_code == 403


def test_other_college_records_are_not_found(
    browser_for: OpenAs, session: Session, college: College
) -> None:
    other = make_college(session)
    theirs = make_student(session, other)
    their_teacher = make_teacher(session, other)
    browser = browser_for(make_user(session, "college_admin", college))
    for path in (
        f"/students/{theirs.id}",
        f"/students/{theirs.id}/edit",
        f"/classes/{theirs.class_id}",
        f"/majors/{theirs.school_class.major_id}",
        f"/teachers/{their_teacher.id}",
    ):
        assert browser.get(path).status_code == 404, path


# --- teachers -----------------------------------------------------------------------------------


def test_teacher_pages(web: TestClient, session: Session, department: Department) -> None:
    bad = post_form(
        web,
        "/teachers/new",
        {"staff_number": "T-WEB", "subjects": "PLC", "double_qualified": "yes"},
    )
    assert bad.status_code == 422
    assert 'value="T-WEB"' in bad.text
    assert 'value="PLC"' in bad.text
    assert 'name="double_qualified" value="yes" checked' in bad.text
    created = post_form(
        web,
        "/teachers/new",
        {
            "staff_number": "t-web",
            "name": "周老师",
            "department_id": str(department.id),
            "status": "active",
            "subjects": "PLC",
            "double_qualified": "yes",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    detail = web.get(created.headers["location"])
    assert "Teacher T-WEB added." in detail.text
    assert "Double-qualified" in detail.text
    teacher = session.scalar(select(Teacher).where(Teacher.staff_number == "T-WEB"))
    assert teacher is not None
    assert teacher.double_qualified is True
    edited = post_form(  # the box left unticked: no longer double-qualified
        web,
        f"/teachers/{teacher.id}/edit",
        {
            "staff_number": "T-WEB",
            "name": "周老师",
            "department_id": str(department.id),
            "status": "on_leave",
            "version": "1",
        },
        follow_redirects=False,
    )
    assert edited.status_code == 303
    session.expire_all()
    saved = session.get(Teacher, teacher.id)
    assert saved is not None
    assert (saved.status, saved.double_qualified) == ("on_leave", False)
    listed = web.get(
        "/teachers", params={"status": "on_leave", "department_id": str(department.id)}
    )
    assert "周老师" in listed.text
    assert "周老师" not in web.get("/teachers", params={"status": "left"}).text


def test_pages_in_chinese_render(
    web: TestClient, school_class: SchoolClass, session: Session, college: College
) -> None:
    student = make_student(session, college, school_class)
    teacher = make_teacher(session, college)
    session.commit()
    web.cookies.set("tandem_lang", "zh_CN")
    for path in (
        "/majors",
        f"/majors/{school_class.major_id}",
        "/classes",
        f"/classes/{school_class.id}",
        "/students",
        f"/students/{student.id}",
        "/students/new",
        "/teachers",
        f"/teachers/{teacher.id}",
        "/teachers/new",
    ):
        assert web.get(path).status_code == 200, path
