"""The registry's rules through its service and repository functions."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.service import actor_for
from tandem.college.models import College
from tandem.kit.crypto import cipher
from tandem.kit.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from tandem.kit.pagination import ListParams
from tandem.people import repository, service
from tandem.people.schemas import (
    MajorCreate,
    MajorUpdate,
    SchoolClassCreate,
    SchoolClassUpdate,
    StudentCreate,
    StudentUpdate,
    TeacherCreate,
    TeacherUpdate,
    local_today,
)
from tests.factories import ACTOR, make_college, make_department, make_user
from tests.people.builders import (
    ADULT_BIRTH,
    make_class,
    make_major,
    make_student,
    make_teacher,
    resident_id,
)

ID_NUMBER = resident_id(ADULT_BIRTH)


def entries(session: Session, entity: Any) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == entity.__tablename__,
                AuditEntry.entity_id == str(entity.id),
            )
            .order_by(AuditEntry.id)
        ).all()
    )


def office(session: Session, college: College) -> Actor:
    return actor_for(make_user(session, "college_admin", college))


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


# --- majors and classes -------------------------------------------------------------------------


def test_major_takes_its_departments_college_and_is_audited(
    session: Session, college: College
) -> None:
    department = make_department(session, college)
    data = MajorCreate(
        code="em01", name_zh="机电", name_en="Mechatronics", department_id=department.id
    )
    major = service.create_major(session, actor=ACTOR, data=data)
    assert (major.college_id, major.code) == (college.id, "EM01")
    [entry] = entries(session, major)
    assert (entry.action, entry.college_id) == ("create", college.id)
    assert entry.changes["code"] == [None, "EM01"]


def test_major_code_unique_within_college(session: Session, college: College) -> None:
    make_major(session, college, code="DUP")
    with pytest.raises(Conflict) as caught:
        make_major(session, college, code="dup")
    assert caught.value.errors[0].field == "code"
    make_major(session, make_college(session), code="DUP")  # another college may


def test_references_into_another_college_are_field_errors(
    session: Session, college: College
) -> None:
    other = make_college(session)
    foreign = make_department(session, other)
    actor = office(session, college)
    data = MajorCreate(code="X1", name_zh="x", name_en="x", department_id=foreign.id)
    with pytest.raises(ValidationFailed) as caught:
        service.create_major(session, actor=actor, data=data)
    assert caught.value.errors[0].field == "department_id"
    with pytest.raises(ValidationFailed):  # the platform names the college: it must match
        service.create_major(session, actor=ACTOR, data=data, college_id=college.id)
    major = make_major(session, college)
    with pytest.raises(ValidationFailed):
        service.update_major(
            session, actor=ACTOR, major=major, data=MajorUpdate(department_id=foreign.id)
        )
    foreign_major = make_major(session, other)
    with pytest.raises(ValidationFailed) as caught:
        service.create_class(
            session,
            actor=actor,
            data=SchoolClassCreate(name="C", major_id=foreign_major.id, cohort_year=2024),
        )
    assert caught.value.errors[0].field == "major_id"
    school_class = make_class(session, college, major)
    with pytest.raises(ValidationFailed):
        service.update_class(
            session,
            actor=ACTOR,
            school_class=school_class,
            data=SchoolClassUpdate(major_id=foreign_major.id),
        )


def test_archived_major_takes_no_new_class_until_restored(
    session: Session, college: College
) -> None:
    major = make_major(session, college, code="OLD")
    school_class = make_class(session, college, major)
    service.update_major(session, actor=ACTOR, major=major, data=MajorUpdate(archived=True))
    assert major.archived_at is not None
    with pytest.raises(ValidationFailed) as caught:
        make_class(session, college, major)
    assert caught.value.errors[0].field == "major_id"
    assert caught.value.errors[0].code == "archived_major"
    assert "OLD" in caught.value.errors[0].localised()
    service.archive_class(session, actor=ACTOR, school_class=school_class)
    with pytest.raises(Conflict):  # its major first
        service.restore_class(session, actor=ACTOR, school_class=school_class)
    service.restore_major(session, actor=ACTOR, major=major)
    service.restore_class(session, actor=ACTOR, school_class=school_class)
    assert school_class.archived_at is None
    make_class(session, college, major)
    assert [e.action for e in entries(session, major)] == ["create", "archive", "restore"]


def test_archived_records_are_hidden_unless_asked(session: Session, college: College) -> None:
    kept, gone = make_major(session, college), make_major(session, college)
    service.archive_major(session, actor=ACTOR, major=gone)
    params = ListParams(per_page=200)
    visible = repository.list_majors(session, actor=ACTOR, params=params)
    assert kept in visible.items
    assert gone not in visible.items
    everything = repository.list_majors(session, actor=ACTOR, params=params, include_archived=True)
    assert gone in everything.items
    assert gone not in repository.major_choices(session, actor=ACTOR)


def test_class_name_unique_and_stale_edits_refused(session: Session, college: College) -> None:
    major = make_major(session, college)
    first = make_class(session, college, major, name="机电2401")
    with pytest.raises(Conflict):
        make_class(session, college, major, name="机电2401")
    service.update_class(
        session, actor=ACTOR, school_class=first, data=SchoolClassUpdate(cohort_year=2023)
    )
    with pytest.raises(StaleVersion):
        service.update_class(
            session,
            actor=ACTOR,
            school_class=first,
            data=SchoolClassUpdate(name="Late", version=1),
        )
    assert first.name == "机电2401"


def test_structure_lists_filter_and_search(session: Session, college: College) -> None:
    major = make_major(session, college, code="SRCH", name_en="Searchable")
    make_class(session, college, major, name="Alpha 2023", cohort_year=2023)
    make_class(session, college, major, name="Beta 2024", cohort_year=2024)
    found = repository.list_majors(session, actor=ACTOR, params=ListParams(q="searchable"))
    assert [m.code for m in found.items] == ["SRCH"]
    by_cohort = repository.list_classes(
        session, actor=ACTOR, params=ListParams(), major_id=major.id, cohort=2024
    )
    assert [c.name for c in by_cohort.items] == ["Beta 2024"]
    assert repository.class_counts(session, [major.id]) == {major.id: 2}


# --- students -----------------------------------------------------------------------------------


def test_id_number_is_stored_encrypted_hashed_and_masked(
    session: Session, college: College
) -> None:
    student = make_student(session, college, id_number=ID_NUMBER)
    assert student.id_number_encrypted is not None
    assert ID_NUMBER not in student.id_number_encrypted
    assert cipher().decrypt(student.id_number_encrypted) == ID_NUMBER
    assert student.id_number_hash == cipher().lookup_hash(ID_NUMBER)
    assert student.id_number_masked == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    [entry] = entries(session, student)
    assert entry.changes["id_number"] == "(changed)"
    assert ID_NUMBER not in json.dumps(entry.changes, ensure_ascii=False)
    assert not {"id_number_encrypted", "id_number_hash", "id_number_masked"} & set(entry.changes)


def test_duplicates_within_a_college_are_conflicts(session: Session, college: College) -> None:
    first = make_student(session, college, student_number="S1", id_number=ID_NUMBER)
    with pytest.raises(Conflict) as caught:
        make_student(session, college, student_number="s1")
    assert caught.value.errors[0].field == "student_number"
    with pytest.raises(Conflict) as caught:
        make_student(session, college, student_number="S2", id_number=ID_NUMBER)
    error = caught.value
    assert error.errors[0].field == "id_number"
    assert ID_NUMBER not in error.localised() + error.errors[0].localised() + str(error)
    # The same person may be a student of another college.
    make_student(session, make_college(session), student_number="S1", id_number=ID_NUMBER)
    # Updating a student to another's ID number is refused as well.
    second = make_student(session, college, student_number="S3")
    with pytest.raises(Conflict):
        service.update_student(
            session, actor=ACTOR, student=second, data=StudentUpdate(id_number=ID_NUMBER)
        )
    service.update_student(  # a student keeps their own number
        session, actor=ACTOR, student=first, data=StudentUpdate(id_number=ID_NUMBER)
    )


def test_minors_need_a_guardian_on_the_day_of_the_change(
    session: Session, college: College
) -> None:
    school_class = make_class(session, college)
    birth = date(local_today().year - 20, 3, 1)  # an adult today, so the input itself is valid
    data = StudentCreate(
        student_number="M1", name="小明", gender="M", birth_date=birth, class_id=school_class.id
    )
    eighteenth = date(birth.year + 18, 3, 1)
    with pytest.raises(ValidationFailed) as caught:  # the day before: still 17
        service.create_student(
            session, actor=ACTOR, data=data, today=eighteenth - timedelta(days=1)
        )
    assert {e.field for e in caught.value.errors} == {"guardian_name", "guardian_phone"}
    student = service.create_student(session, actor=ACTOR, data=data, today=eighteenth)
    with pytest.raises(ValidationFailed):  # an update on a day they were a minor
        service.update_student(
            session,
            actor=ACTOR,
            student=student,
            data=StudentUpdate(phone="13800000000"),
            today=eighteenth - timedelta(days=1),
        )


def test_changing_the_birth_date_is_checked_against_the_stored_id_number(
    session: Session, college: College
) -> None:
    student = make_student(session, college, id_number=ID_NUMBER)
    with pytest.raises(ValidationFailed) as caught:
        service.update_student(
            session, actor=ACTOR, student=student, data=StudentUpdate(birth_date=date(2000, 5, 18))
        )
    assert caught.value.errors[0].field == "id_number"
    new_birth = date(2000, 5, 18)
    service.update_student(
        session,
        actor=ACTOR,
        student=student,
        data=StudentUpdate(birth_date=new_birth, id_number=resident_id(new_birth)),
    )
    assert student.id_number_hash == cipher().lookup_hash(resident_id(new_birth))
    update = entries(session, student)[-1]
    assert update.changes["id_number"] == "(changed)"
    assert update.changes["birth_date"] == ["2000-05-17", "2000-05-18"]


def test_id_number_can_be_removed_and_status_changes_instead_of_deleting(
    session: Session, college: College
) -> None:
    student = make_student(session, college, id_number=ID_NUMBER)
    service.update_student(
        session,
        actor=ACTOR,
        student=student,
        data=StudentUpdate.model_validate({"id_number": None, "status": "left"}),
    )
    assert student.id_number_encrypted is None
    assert student.id_number_hash is None
    assert student.id_number_masked is None
    assert student.status == "left"
    assert entries(session, student)[-1].changes["id_number"] == "(changed)"


def test_student_class_must_be_usable_and_of_the_same_college(
    session: Session, college: College
) -> None:
    student = make_student(session, college)
    foreign = make_class(session, make_college(session))
    with pytest.raises(ValidationFailed) as caught:
        service.update_student(
            session, actor=ACTOR, student=student, data=StudentUpdate(class_id=foreign.id)
        )
    assert caught.value.errors[0].field == "class_id"
    archived = make_class(session, college)
    service.archive_class(session, actor=ACTOR, school_class=archived)
    with pytest.raises(ValidationFailed) as caught:
        make_student(session, college, archived)
    assert caught.value.errors[0].code == "archived_class"
    with pytest.raises(ValidationFailed):
        make_student(session, college, class_id=999999)
    moved_to = make_class(session, college)
    service.update_student(
        session, actor=ACTOR, student=student, data=StudentUpdate(class_id=moved_to.id)
    )
    assert student.school_class is moved_to


def test_reveal_needs_the_permission_and_is_audited(session: Session, college: College) -> None:
    student = make_student(session, college, id_number=ID_NUMBER)
    admin = office(session, college)
    assert service.reveal_id_number(session, actor=admin, student=student) == ID_NUMBER
    reveal = entries(session, student)[-1]
    assert (reveal.action, reveal.actor_label, reveal.changes) == ("reveal_id", admin.label, {})
    teacher = actor_for(make_user(session, "teacher", college))
    with pytest.raises(PermissionDenied):
        service.reveal_id_number(session, actor=teacher, student=student)
    with pytest.raises(Conflict):
        service.reveal_id_number(session, actor=admin, student=make_student(session, college))


# --- scoping ------------------------------------------------------------------------------------


def test_scoping_by_role(session: Session, college: College) -> None:
    mine = make_student(session, college)
    classmate = make_student(session, college, mine.school_class)
    other_college = make_college(session)
    stranger = make_student(session, other_college)
    teacher_record = make_teacher(session, other_college)
    params = ListParams(per_page=200)

    staff = actor_for(make_user(session, "teacher", college))
    seen = repository.list_students(session, actor=staff, params=params).items
    assert {mine, classmate} <= set(seen)
    assert stranger not in seen
    with pytest.raises(NotFound):
        repository.get_student(session, actor=staff, student_id=stranger.id)
    with pytest.raises(NotFound):
        repository.get_teacher(session, actor=staff, teacher_id=teacher_record.id)
    with pytest.raises(NotFound):
        repository.get_major(session, actor=staff, major_id=stranger.school_class.major_id)

    user = make_user(session, "student", college)
    user.student_id = mine.id
    session.flush()
    me = actor_for(user)
    assert list(repository.list_students(session, actor=me, params=params).items) == [mine]
    assert repository.get_student(session, actor=me, student_id=mine.id) is mine
    with pytest.raises(NotFound):
        repository.get_student(session, actor=me, student_id=classmate.id)
    with pytest.raises(NotFound):  # nothing else in this domain
        repository.get_class(session, actor=me, class_id=mine.class_id)
    assert repository.list_majors(session, actor=me, params=params).total == 0

    for role, region in (("enterprise_contact", None), ("authority_viewer", "440000")):
        outsider = actor_for(make_user(session, role, region=region))
        assert repository.list_students(session, actor=outsider, params=params).total == 0
        assert repository.list_teachers(session, actor=outsider, params=params).total == 0


def test_student_search_and_filters(session: Session, college: College) -> None:
    major = make_major(session, college)
    c2023 = make_class(session, college, major, cohort_year=2023)
    c2024 = make_class(session, college, cohort_year=2024)
    found_by_id = make_student(session, college, c2023, name="张三", id_number=ID_NUMBER)
    other = make_student(session, college, c2024, name="李四", status="left")

    def ids(**filters: Any) -> list[int]:
        q = str(filters.pop("q", ""))
        page = repository.list_students(
            session, actor=ACTOR, params=ListParams(q=q, per_page=200), **filters
        )
        return [s.id for s in page.items if s.college_id == college.id]

    assert ids(q="张") == [found_by_id.id]
    assert ids(q=found_by_id.student_number.lower()) == [found_by_id.id]
    spaced = f"{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}"
    assert ids(q=spaced) == [found_by_id.id]
    assert ids(q=ID_NUMBER[:10]) == []  # never a partial match on an ID number
    assert ids(class_id=c2024.id) == [other.id]
    assert ids(major_id=major.id) == [found_by_id.id]
    assert ids(status="left") == [other.id]
    assert ids(cohort=2023) == [found_by_id.id]
    assert ids(id_hash=cipher().lookup_hash(ID_NUMBER)) == [found_by_id.id]
    sorted_by_class = repository.list_students(
        session, actor=ACTOR, params=ListParams(sort="-cohort_year", per_page=200)
    )
    assert sorted_by_class.items[0].school_class.cohort_year >= 2024


def test_unknown_sort_is_a_validation_error(session: Session) -> None:
    with pytest.raises(ValidationFailed):
        repository.list_students(session, actor=ACTOR, params=ListParams(sort="id_number_hash"))


# --- teachers -----------------------------------------------------------------------------------


def test_teachers_create_update_search_and_filter(session: Session, college: College) -> None:
    department = make_department(session, college)
    teacher = service.create_teacher(
        session,
        actor=office(session, college),
        data=TeacherCreate(
            staff_number="t001",
            name="王老师",
            department_id=department.id,
            subjects="CNC machining, PLC",
            double_qualified=True,
        ),
    )
    assert (teacher.college_id, teacher.staff_number) == (college.id, "T001")
    with pytest.raises(Conflict) as caught:
        make_teacher(session, college, staff_number="T001")
    assert caught.value.errors[0].field == "staff_number"
    foreign = make_department(session, make_college(session))
    for actor, college_id in ((office(session, college), None), (ACTOR, college.id)):
        with pytest.raises(ValidationFailed) as failed:
            service.create_teacher(
                session,
                actor=actor,
                data=TeacherCreate(staff_number="T9", name="x", department_id=foreign.id),
                college_id=college_id,
            )
        assert failed.value.errors[0].field == "department_id"

    service.update_teacher(
        session, actor=ACTOR, teacher=teacher, data=TeacherUpdate(status="left", version=1)
    )
    assert teacher.status == "left"
    assert entries(session, teacher)[-1].changes == {"status": ["active", "left"]}

    def staff(**filters: Any) -> list[str]:
        q = str(filters.pop("q", ""))
        page = repository.list_teachers(
            session, actor=ACTOR, params=ListParams(q=q, per_page=200), **filters
        )
        return [t.staff_number for t in page.items if t.college_id == college.id]

    make_teacher(session, college, department, staff_number="T002")
    assert staff(q="plc") == ["T001"]
    assert staff(department_id=department.id) == ["T001", "T002"]
    assert staff(status="left") == ["T001"]
