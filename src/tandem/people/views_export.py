"""Excel exports of the people lists: the page's query, filters and scope, every row.

Students appear with their masked ID number only. Exports of students and teachers are personal
data leaving the platform, so each one is recorded in the college's audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Select
from sqlalchemy.orm import Session

from tandem.auth.roles import Role
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.export import field, yes_no
from tandem.kit.i18n import N_, get_language, gettext
from tandem.people import labels, repository
from tandem.people.models import Major
from tandem.people.schemas import local_today, year_of_study
from tandem.people.view_common import (
    StructureReader,
    StudentReader,
    TeacherReader,
    class_filters,
    major_filters,
    see_other,
    student_filters,
    teacher_filters,
)

router = APIRouter()


def _label(table: dict[str, str], value: str) -> str:
    return gettext(table[value]) if value in table else value


def _major_name(major: Major) -> str:
    return f"{major.code} {major.name(get_language())}"


def _year(cohort_year: int) -> int:
    return year_of_study(cohort_year, local_today())


MAJOR_FIELDS = (
    field("code", "代码", "Code", lambda row: row[0].code),
    field("name_zh", "中文名称", "Name (Chinese)", lambda row: row[0].name_zh),
    field("name_en", "英文名称", "Name (English)", lambda row: row[0].name_en),
    field(
        "department", "二级学院", "Department", lambda row: row[0].department.name(get_language())
    ),
    field("classes", "班级数", "Classes", lambda row: row[1]),
    field("archived", "是否归档", "Archived", lambda row: yes_no(row[0].archived_at)),
)
CLASS_FIELDS = (
    field("name", "班级名称", "Name"),
    field("major", "专业", "Major", lambda c: _major_name(c.major)),
    field("cohort_year", "入学年份", "Cohort"),
    field("year_of_study", "年级", "Year of study", lambda c: _year(c.cohort_year)),
    field("archived", "是否归档", "Archived", lambda c: yes_no(c.archived_at)),
)
STUDENT_FIELDS = (
    field("student_number", "学号", "Student number"),
    field("name", "姓名", "Name"),
    field("gender", "性别", "Gender", lambda s: _label(labels.GENDER_LABELS, s.gender)),
    field("birth_date", "出生日期", "Date of birth"),
    # Only ever the masked form: a full ID number is shown once, on an audited reveal.
    field("id_number_masked", "身份证号（脱敏）", "ID number (masked)"),
    field("class", "班级", "Class", lambda s: s.school_class.name),
    field("major", "专业", "Major", lambda s: _major_name(s.school_class.major)),
    field("cohort_year", "入学年份", "Cohort", lambda s: s.school_class.cohort_year),
    field("year_of_study", "年级", "Year of study", lambda s: _year(s.school_class.cohort_year)),
    field("status", "状态", "Status", lambda s: _label(labels.STUDENT_STATUS_LABELS, s.status)),
    field("phone", "电话", "Phone", lambda s: export.text(s.phone)),
    field("guardian_name", "监护人", "Guardian", lambda s: export.text(s.guardian_name)),
    field(
        "guardian_phone", "监护人电话", "Guardian's phone", lambda s: export.text(s.guardian_phone)
    ),
)
TEACHER_FIELDS = (
    field("staff_number", "工号", "Staff number"),
    field("name", "姓名", "Name"),
    field("department", "二级学院", "Department", lambda t: t.department.name(get_language())),
    field("title", "职称", "Title", lambda t: export.text(t.title)),
    field("subjects", "任教课程", "Subjects", lambda t: export.text(t.subjects)),
    field("double_qualified", "双师型", "Double-qualified", lambda t: yes_no(t.double_qualified)),
    field("status", "状态", "Status", lambda t: _label(labels.TEACHER_STATUS_LABELS, t.status)),
)


def _with_class_counts(session: Session, stmt: Select[Major]) -> Iterator[tuple[Major, int]]:
    for chunk in export.chunks(session, stmt):
        counts = repository.class_counts(session, [m.id for m in chunk])
        for major in chunk:
            yield major, counts.get(major.id, 0)


@router.get("/majors/export.xlsx")
def major_export(
    session: DbSession,
    actor: StructureReader,
    params: ListQuery,
    department_id: str = "",
    archived: str = "",
) -> Response:
    filters = major_filters(department_id, archived)
    stmt = repository.majors_query(actor=actor, params=params, **filters)
    rows = _with_class_counts(session, stmt)
    return export.xlsx_response(MAJOR_FIELDS, rows, stem="majors", title=N_("Majors"))


@router.get("/classes/export.xlsx")
def class_export(
    session: DbSession,
    actor: StructureReader,
    params: ListQuery,
    major_id: str = "",
    cohort: str = "",
    archived: str = "",
) -> Response:
    filters = class_filters(major_id, cohort, archived)
    rows = export.stream(session, repository.classes_query(actor=actor, params=params, **filters))
    return export.xlsx_response(CLASS_FIELDS, rows, stem="classes", title=N_("Classes"))


@router.get("/students/export.xlsx")
def student_export(
    request: Request,
    session: DbSession,
    actor: StudentReader,
    params: ListQuery,
    class_id: str = "",
    major_id: str = "",
    status: str = "",
    cohort: str = "",
    id_hash: str = "",
) -> Response:
    if actor.role == Role.STUDENT and actor.student_id is not None:
        return see_other(f"/students/{actor.student_id}")  # as the list page does
    digest = repository.id_lookup_hash(params.q) if params.q else None
    if digest is not None:
        # As on the page: an ID number never stays in a link (nor in the audit entry).
        return see_other(f"/students/export.xlsx?id_hash={digest}")
    filters: dict[str, Any] = student_filters(class_id, major_id, status, cohort, id_hash)
    stmt = repository.students_query(actor=actor, params=params, **filters)
    return export.audited_xlsx_response(
        request, session, actor, STUDENT_FIELDS, stmt, stem="students", title=N_("Students")
    )


@router.get("/teachers/export.xlsx")
def teacher_export(
    request: Request,
    session: DbSession,
    actor: TeacherReader,
    params: ListQuery,
    department_id: str = "",
    status: str = "",
) -> Response:
    filters = teacher_filters(department_id, status)
    stmt = repository.teachers_query(actor=actor, params=params, **filters)
    return export.audited_xlsx_response(
        request, session, actor, TEACHER_FIELDS, stmt, stem="teachers", title=N_("Teachers")
    )
