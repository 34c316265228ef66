"""Every query on colleges and departments. Reads are scoped to what the actor may see."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate

COLLEGE_SORTS = {
    "code": College.code,
    "name_zh": College.name_zh,
    "name_en": College.name_en,
    "region_code": College.region_code,
    "created_at": College.created_at,
}
DEPARTMENT_SORTS = {
    "code": Department.code,
    "name_zh": Department.name_zh,
    "name_en": Department.name_en,
}


def region_prefix(region_code: str) -> str:
    """The significant part of a GB/T 2260 code: 440000 → 44 (province), 440100 → 4401 (city)."""
    prefix = region_code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def _visible_colleges(actor: Actor) -> Select[College]:
    """Platform-wide actors see every college, an authority its region's, others their own."""
    stmt = select(College)
    if actor.is_platform_wide:
        return stmt
    if actor.role == Role.AUTHORITY_VIEWER and actor.region_code:
        return stmt.where(College.region_code.startswith(region_prefix(actor.region_code)))
    if actor.college_id is not None:
        return stmt.where(College.id == actor.college_id)
    return stmt.where(false())


def colleges_query(*, actor: Actor, params: ListParams) -> Select[College]:
    """The colleges a list shows (search and sort applied), before pagination."""
    stmt = _visible_colleges(actor)
    if params.q:
        pattern = like_pattern(params.q)
        stmt = stmt.where(
            or_(
                College.code.ilike(pattern, escape="\\"),
                College.name_zh.ilike(pattern, escape="\\"),
                College.name_en.ilike(pattern, escape="\\"),
                College.region_code.like(pattern, escape="\\"),
            )
        )
    return apply_sort(stmt, params.sort, COLLEGE_SORTS, default="code")


def list_colleges(session: Session, *, actor: Actor, params: ListParams) -> Page[College]:
    return paginate(session, colleges_query(actor=actor, params=params), params)


def get_college(session: Session, *, actor: Actor, college_id: int) -> College:
    college = session.scalar(_visible_colleges(actor).where(College.id == college_id))
    if college is None:
        raise NotFound(N_("No college with id %(id)s."), id=college_id)
    return college


def find_college_by_code(session: Session, code: str) -> College | None:
    return session.scalar(select(College).where(College.code == code.strip().upper()))


def departments_query(*, college: College, params: ListParams) -> Select[Department]:
    """A college's departments as its list shows them, before pagination."""
    stmt = select(Department).where(Department.college_id == college.id)
    if params.q:
        pattern = like_pattern(params.q)
        stmt = stmt.where(
            or_(
                Department.code.ilike(pattern, escape="\\"),
                Department.name_zh.ilike(pattern, escape="\\"),
                Department.name_en.ilike(pattern, escape="\\"),
            )
        )
    return apply_sort(stmt, params.sort, DEPARTMENT_SORTS, default="code")


def list_departments(
    session: Session, *, actor: Actor, college: College, params: ListParams
) -> Page[Department]:
    return paginate(session, departments_query(college=college, params=params), params)


def get_department(
    session: Session, *, actor: Actor, college: College, department_id: int
) -> Department:
    department = session.scalar(
        select(Department).where(
            Department.id == department_id, Department.college_id == college.id
        )
    )
    if department is None:
        raise NotFound(N_("No department with id %(id)s in this college."), id=department_id)
    return department


def find_department_by_code(session: Session, college: College, code: str) -> Department | None:
    return session.scalar(
        select(Department).where(
            Department.college_id == college.id, Department.code == code.strip().upper()
        )
    )
