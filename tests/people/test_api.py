"""Every people route of the JSON API: shapes, errors, scoping and the ID number's secrecy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.people.models import Major, SchoolClass
from tandem.people.schemas import local_today
from tests.factories import bearer, make_college, make_department, make_user
from tests.people.builders import (
    ADULT_BIRTH,
    make_class,
    make_major,
    make_student,
    make_teacher,
    resident_id,
)

PROBLEM = "application/problem+json"
ID_NUMBER = resident_id(ADULT_BIRTH, sequence=456)


@dataclass
class World:
    college: College
    department: Department
    major: Major
    school_class: SchoolClass
    other: College


OpenAs = Callable[[User], TestClient]


@pytest.fixture
def world(session: Session) -> World:
    college = make_college(session)
    department = make_department(session, college)
    major = make_major(session, college, department)
    school_class = make_class(session, college, major, cohort_year=2024)
    other = make_college(session)
    session.commit()
    return World(college, department, major, school_class, other)


@pytest.fixture
def as_user(app: FastAPI, session: Session) -> Iterator[OpenAs]:
    clients: list[TestClient] = []

    def client_for(user: User) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": "en", **bearer(session, user)})
        clients.append(client)
        return client

    yield client_for
    for client in clients:
        client.close()


def student_body(world: World, **fields: object) -> dict[str, object]:
    return {
        "student_number": "API001",
        "name": "接口学生",
        "gender": "M",
        "birth_date": ADULT_BIRTH.isoformat(),
        "class_id": world.school_class.id,
        **fields,
    }


# --- majors -------------------------------------------------------------------------------------


def test_majors_create_get_list_update_and_archive(api: TestClient, world: World) -> None:
    created = api.post(
        "/api/v1/majors",
        json={
            "code": "ai01",
            "name_zh": "人工智能",
            "name_en": "AI",
            "department_id": world.department.id,
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/v1/majors/{body['id']}"
    assert (body["code"], body["college_id"], body["archived"]) == ("AI01", world.college.id, False)
    assert api.get(f"/api/v1/majors/{body['id']}").json()["name_en"] == "AI"
    listed = api.get("/api/v1/majors", params={"q": "ai01"}).json()
    assert [m["code"] for m in listed["items"]] == ["AI01"]
    assert listed["meta"]["total"] == 1
    by_department = api.get("/api/v1/majors", params={"department_id": world.department.id})
    assert {m["code"] for m in by_department.json()["items"]} == {"AI01", world.major.code}

    changed = api.patch(f"/api/v1/majors/{body['id']}", json={"name_en": "A.I.", "version": 1})
    assert changed.json()["version"] == 2
    archived = api.patch(f"/api/v1/majors/{body['id']}", json={"archived": True})
    assert archived.json()["archived"] is True
    assert api.get("/api/v1/majors", params={"q": "ai01"}).json()["items"] == []
    assert (
        len(api.get("/api/v1/majors", params={"q": "ai01", "archived": "yes"}).json()["items"]) == 1
    )
    refused = api.post(
        "/api/v1/classes", json={"name": "AI2401", "major_id": body["id"], "cohort_year": 2024}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "major_id"
    restored = api.patch(f"/api/v1/majors/{body['id']}", json={"archived": False})
    assert restored.json()["archived"] is False
    stale = api.patch(f"/api/v1/majors/{body['id']}", json={"name_en": "x", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"


def test_platform_college_choice_must_match_the_parent(api: TestClient, world: World) -> None:
    body = {"code": "X1", "name_zh": "x", "name_en": "x", "department_id": world.department.id}
    wrong = api.post("/api/v1/majors", params={"college_id": world.other.id}, json=body)
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "department_id"
    right = api.post("/api/v1/majors", params={"college_id": world.college.id}, json=body)
    assert right.status_code == 201


# --- classes ------------------------------------------------------------------------------------


def test_classes_create_get_list_update(api: TestClient, world: World) -> None:
    created = api.post(
        "/api/v1/classes",
        json={"name": "机电2501", "major_id": world.major.id, "cohort_year": 2025},
    )
    assert created.status_code == 201, created.text
    class_id = created.json()["id"]
    assert created.headers["location"] == f"/api/v1/classes/{class_id}"
    assert api.get(f"/api/v1/classes/{class_id}").json()["cohort_year"] == 2025
    listed = api.get("/api/v1/classes", params={"major_id": world.major.id, "cohort": 2025}).json()
    assert [c["name"] for c in listed["items"]] == ["机电2501"]
    duplicate = api.post(
        "/api/v1/classes",
        json={"name": "机电2501", "major_id": world.major.id, "cohort_year": 2025},
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["field"] == "name"
    archived = api.patch(f"/api/v1/classes/{class_id}", json={"archived": True})
    assert archived.json()["archived"] is True
    assert api.get("/api/v1/classes", params={"cohort": 2025}).json()["items"] == []
    assert api.get("/api/v1/classes", params={"sort": "bogus"}).status_code == 422


# --- students -----------------------------------------------------------------------------------


def test_student_id_number_never_leaves_except_by_reveal(
    api: TestClient, world: World, session: Session
) -> None:
    created = api.post("/api/v1/students", json=student_body(world, id_number=ID_NUMBER))
    assert created.status_code == 201, created.text
    assert ID_NUMBER not in created.text
    student = created.json()
    assert student["id_number_masked"] == ID_NUMBER[:4] + "**********" + ID_NUMBER[-4:]
    assert student["age"] >= 18
    assert student["is_minor"] is False
    assert student["class_name"] == world.school_class.name
    assert created.headers["location"] == f"/api/v1/students/{student['id']}"

    url = f"/api/v1/students/{student['id']}"
    for response in (
        api.get(url),
        api.get("/api/v1/students", params={"q": ID_NUMBER}),
        api.patch(url, json={"phone": "13800138000"}),
        api.post(
            "/api/v1/students",
            json=student_body(world, student_number="API002", id_number=ID_NUMBER),
        ),
        api.patch(url, json={"birth_date": "2000-05-18"}),
        api.get("/api/v1/audit"),
    ):
        assert response.status_code < 500
        assert ID_NUMBER not in response.text
    assert api.get("/api/v1/students", params={"q": ID_NUMBER}).json()["meta"]["total"] == 1

    revealed = api.post(f"{url}/reveal-id")
    assert revealed.status_code == 200
    assert revealed.json() == {"id_number": ID_NUMBER}
    assert revealed.headers["cache-control"] == "no-store"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "reveal_id").order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None
    assert entry.entity_id == str(student["id"])
    assert ID_NUMBER not in api.get("/api/v1/audit").text


def test_duplicate_id_number_error_names_the_field_not_the_number(
    api: TestClient, world: World
) -> None:
    assert (
        api.post("/api/v1/students", json=student_body(world, id_number=ID_NUMBER)).status_code
        == 201
    )
    again = api.post(
        "/api/v1/students", json=student_body(world, student_number="API9", id_number=ID_NUMBER)
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "id_number"
    assert ID_NUMBER not in again.text
    bad = api.post(
        "/api/v1/students",
        json=student_body(world, student_number="API8", id_number=ID_NUMBER[:17] + "0"),
    )
    assert bad.status_code == 422
    assert ID_NUMBER[:17] not in bad.text


def test_student_validation_minors_and_filters(api: TestClient, world: World) -> None:
    minor = api.post(
        "/api/v1/students",
        json=student_body(world, birth_date=date(local_today().year - 15, 1, 1).isoformat()),
    )
    assert minor.status_code == 422
    assert {e["field"] for e in minor.json()["errors"]} == {"guardian_name", "guardian_phone"}
    unknown = api.post("/api/v1/students", json=student_body(world, class_id=999999))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "class_id"
    assert api.post("/api/v1/students", json=student_body(world)).status_code == 201
    for params in (
        {"class_id": world.school_class.id},
        {"major_id": world.major.id},
        {"status": "enrolled"},
        {"cohort": 2024},
        {"q": "api001"},
    ):
        items = api.get("/api/v1/students", params=params).json()["items"]
        assert [s["student_number"] for s in items] == ["API001"], params
    assert api.get("/api/v1/students", params={"status": "expelled"}).status_code == 422
    student_id = api.get("/api/v1/students").json()["items"][0]["id"]
    left = api.patch(f"/api/v1/students/{student_id}", json={"status": "left", "version": 1})
    assert left.json()["status"] == "left"


def test_college_roles_see_their_college_only(
    as_user: OpenAs, world: World, session: Session
) -> None:
    mine = make_student(session, world.college, world.school_class)
    theirs = make_student(session, world.other)
    their_teacher = make_teacher(session, world.other)
    client = as_user(make_user(session, "college_admin", world.college))
    assert client.get(f"/api/v1/students/{mine.id}").status_code == 200
    for path in (
        f"/api/v1/students/{theirs.id}",
        f"/api/v1/classes/{theirs.class_id}",
        f"/api/v1/majors/{theirs.school_class.major_id}",
        f"/api/v1/teachers/{their_teacher.id}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
    assert client.post(f"/api/v1/students/{theirs.id}/reveal-id").status_code == 404
    foreign_class = client.post(
        "/api/v1/students",
        json={**student_body(world), "class_id": theirs.class_id},
    )
    assert foreign_class.status_code == 422
    listed = client.get("/api/v1/students").json()["items"]
    assert {s["college_id"] for s in listed} == {world.college.id}


def test_a_student_sees_only_their_own_record(
    as_user: OpenAs, world: World, session: Session
) -> None:
    mine = make_student(session, world.college, world.school_class, id_number=ID_NUMBER)
    classmate = make_student(session, world.college, world.school_class)
    user = make_user(session, "student", world.college)
    user.student_id = mine.id
    session.commit()
    client = as_user(user)
    own = client.get(f"/api/v1/students/{mine.id}")
    assert own.status_code == 200
    assert ID_NUMBER not in own.text
    assert client.get(f"/api/v1/students/{classmate.id}").status_code == 404
    assert [s["id"] for s in client.get("/api/v1/students").json()["items"]] == [mine.id]
    assert client.post(f"/api/v1/students/{mine.id}/reveal-id").status_code == 403
    assert client.patch(f"/api/v1/students/{mine.id}", json={"phone": "1"}).status_code == 403
    assert client.get("/api/v1/majors").status_code == 403
    assert client.get("/api/v1/teachers").status_code == 403


def test_reveal_without_a_recorded_number(api: TestClient, world: World, session: Session) -> None:
    student = make_student(session, world.college, world.school_class)
    session.commit()
    response = api.post(f"/api/v1/students/{student.id}/reveal-id")
    assert response.status_code == 409
    assert response.json()["code"] == "no_id_number"


# --- teachers -----------------------------------------------------------------------------------


def test_teachers_create_get_list_update(api: TestClient, world: World) -> None:
    created = api.post(
        "/api/v1/teachers",
        json={
            "staff_number": "t100",
            "name": "陈老师",
            "department_id": world.department.id,
            "title": "Lecturer",
            "subjects": "Industrial robots",
            "double_qualified": True,
        },
    )
    assert created.status_code == 201, created.text
    teacher = created.json()
    assert created.headers["location"] == f"/api/v1/teachers/{teacher['id']}"
    assert (teacher["staff_number"], teacher["double_qualified"]) == ("T100", True)
    assert api.get(f"/api/v1/teachers/{teacher['id']}").json()["name"] == "陈老师"
    for params in (
        {"q": "robots"},
        {"department_id": world.department.id},
        {"status": "active"},
    ):
        assert [
            t["staff_number"] for t in api.get("/api/v1/teachers", params=params).json()["items"]
        ] == ["T100"]
    left = api.patch(f"/api/v1/teachers/{teacher['id']}", json={"status": "left", "version": 1})
    assert left.json()["status"] == "left"
    foreign = make_department_in(api, world)
    moved = api.patch(f"/api/v1/teachers/{teacher['id']}", json={"department_id": foreign})
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["field"] == "department_id"
    duplicate = api.post(
        "/api/v1/teachers",
        json={"staff_number": "T100", "name": "x", "department_id": world.department.id},
    )
    assert duplicate.status_code == 409


def make_department_in(api: TestClient, world: World) -> int:
    response = api.post(
        f"/api/v1/colleges/{world.other.id}/departments",
        json={"code": "FOREIGN", "name_zh": "外系", "name_en": "Foreign"},
    )
    return int(response.json()["id"])


def test_unknown_ids_are_404(api: TestClient) -> None:
    for path in (
        "/api/v1/majors/999999",
        "/api/v1/classes/999999",
        "/api/v1/students/999999",
        "/api/v1/teachers/999999",
    ):
        assert api.get(path).status_code == 404, path
