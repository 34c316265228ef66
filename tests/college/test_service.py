from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.college import repository, service
from tandem.college.schemas import CollegeCreate, CollegeUpdate, DepartmentUpdate
from tandem.kit.errors import Conflict, NotFound, StaleVersion
from tandem.kit.pagination import ListParams
from tests.factories import ACTOR, make_college, make_department


def test_create_college_normalises_and_audits(session: Session) -> None:
    data = CollegeCreate(
        code=" ｇｚ０１ ", name_zh=" 广州学院 ", name_en="GZ", region_code="４４０１００"
    )
    college = service.create_college(session, actor=ACTOR, data=data)
    assert (college.code, college.name_zh, college.region_code) == ("GZ01", "广州学院", "440100")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "college")).one()
    assert entry.action == "create"
    assert entry.college_id == college.id
    assert entry.changes["code"] == [None, "GZ01"]
    assert entry.actor_label == "test"


def test_duplicate_college_code_is_refused(session: Session) -> None:
    make_college(session, "DUP")
    with pytest.raises(Conflict) as caught:
        make_college(session, "dup")
    assert caught.value.code == "duplicate"
    assert caught.value.errors[0].field == "code"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "x"),
        ("code", "-AB"),
        ("code", "A" * 21),
        ("region_code", "99000"),
        ("region_code", "990000"),
        ("region_code", "44010a"),
        ("name_zh", "  "),
    ],
)
def test_invalid_college_fields_are_refused(field: str, value: str) -> None:
    fields = {"code": "OK1", "name_zh": "名", "name_en": "N", "region_code": "440100"}
    with pytest.raises(ValidationError) as caught:
        CollegeCreate(**{**fields, field: value})
    assert caught.value.errors()[0]["loc"] == (field,)


def test_update_records_before_and_after(session: Session) -> None:
    college = make_college(session, name_en="Old")
    service.update_college(
        session, actor=ACTOR, college=college, data=CollegeUpdate(name_en="New", version=1)
    )
    assert college.name_en == "New"
    assert college.version == 2
    entry = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.entity_id == str(college.id)
        )
    ).one()
    assert entry.changes == {"name_en": ["Old", "New"]}


def test_stale_version_is_refused_and_nothing_changes(session: Session) -> None:
    college = make_college(session, name_en="Kept")
    service.update_college(session, actor=ACTOR, college=college, data=CollegeUpdate(name_en="A"))
    with pytest.raises(StaleVersion):
        service.update_college(
            session, actor=ACTOR, college=college, data=CollegeUpdate(name_en="B", version=1)
        )
    assert college.name_en == "A"


def test_department_code_unique_within_college_only(session: Session) -> None:
    first, second = make_college(session), make_college(session)
    make_department(session, first, "MECH")
    make_department(session, second, "MECH")
    with pytest.raises(Conflict):
        make_department(session, first, "mech")


def test_department_update_and_delete(session: Session) -> None:
    college = make_college(session)
    department = make_department(session, college, "OLD")
    service.update_department(
        session, actor=ACTOR, department=department, data=DepartmentUpdate(name_en="Renamed")
    )
    assert department.name_en == "Renamed"
    service.delete_department(session, actor=ACTOR, department=department)
    with pytest.raises(NotFound):
        repository.get_department(
            session, actor=ACTOR, college=college, department_id=department.id
        )
    actions = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "department", AuditEntry.entity_id == str(department.id)
        )
    ).all()
    assert sorted(actions) == ["create", "delete", "update"]


def test_list_search_sort_and_paginate(session: Session) -> None:
    for code, name in [
        ("ZA1", "Alpha Polytechnic"),
        ("ZB2", "Beta Institute"),
        ("ZC3", "Alpha%Two"),
    ]:
        make_college(session, code, name_en=name)
    found = repository.list_colleges(
        session, actor=ACTOR, params=ListParams(q="alpha", sort="-code")
    )
    assert [c.code for c in found.items] == ["ZC3", "ZA1"]
    literal = repository.list_colleges(session, actor=ACTOR, params=ListParams(q="%"))
    assert [c.code for c in literal.items] == ["ZC3"]
    paged = repository.list_colleges(
        session, actor=ACTOR, params=ListParams(q="Z", per_page=2, page=2)
    )
    assert paged.total == 3
    assert [c.code for c in paged.items] == ["ZC3"]
    assert (paged.pages, paged.has_previous, paged.has_next) == (2, True, False)


def test_actor_of_one_college_cannot_read_another(session: Session) -> None:
    own, other = make_college(session), make_college(session)
    scoped = Actor(label="x", user_id=1, role="teacher", college_id=own.id)
    assert repository.get_college(session, actor=scoped, college_id=own.id) is own
    with pytest.raises(NotFound):
        repository.get_college(session, actor=scoped, college_id=other.id)
    listed = repository.list_colleges(session, actor=scoped, params=ListParams())
    assert [c.id for c in listed.items] == [own.id]
