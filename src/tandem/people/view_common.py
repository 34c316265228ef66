"""What the people pages share: permission dependencies, redirects, filters and choice lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.college.models import Department
from tandem.kit.i18n import get_language
from tandem.people import labels, repository
from tandem.people.models import Major, SchoolClass, StudentStatus, TeacherStatus

StructureReader = Annotated[Actor, Depends(require(Permission.STRUCTURE_READ))]
StructureManager = Annotated[Actor, Depends(require(Permission.STRUCTURE_MANAGE))]
StudentReader = Annotated[Actor, Depends(require(Permission.STUDENT_READ))]
StudentManager = Annotated[Actor, Depends(require(Permission.STUDENT_MANAGE))]
IdRevealer = Annotated[Actor, Depends(require(Permission.STUDENT_REVEAL_ID))]
TeacherReader = Annotated[Actor, Depends(require(Permission.TEACHER_READ))]
TeacherManager = Annotated[Actor, Depends(require(Permission.TEACHER_MANAGE))]

LABELS: dict[str, Any] = {
    "gender_labels": labels.GENDER_LABELS,
    "student_status_labels": labels.STUDENT_STATUS_LABELS,
    "teacher_status_labels": labels.TEACHER_STATUS_LABELS,
    "status_badges": labels.STATUS_BADGES,
}


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def int_or_none(text: str) -> int | None:
    """A whole-number filter from a query string; blank or malformed means no filter."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def choice(value: str, allowed: Iterable[str]) -> str | None:
    return value if value in allowed else None


_HASH = re.compile(r"^[0-9a-f]{64}$")


# The lists' query strings as repository filters: the same for a page and its export.


def major_filters(department_id: str, archived: str) -> dict[str, Any]:
    return {"department_id": int_or_none(department_id), "include_archived": archived == "yes"}


def class_filters(major_id: str, cohort: str, archived: str) -> dict[str, Any]:
    return {
        "major_id": int_or_none(major_id),
        "cohort": int_or_none(cohort),
        "include_archived": archived == "yes",
    }


def student_filters(
    class_id: str, major_id: str, status: str, cohort: str, id_hash: str
) -> dict[str, Any]:
    return {
        "class_id": int_or_none(class_id),
        "major_id": int_or_none(major_id),
        "status": choice(status, list(StudentStatus)),
        "cohort": int_or_none(cohort),
        "id_hash": id_hash if _HASH.match(id_hash) else None,
    }


def teacher_filters(department_id: str, status: str) -> dict[str, Any]:
    return {
        "department_id": int_or_none(department_id),
        "status": choice(status, list(TeacherStatus)),
    }


def _prefix(codes: dict[int, str], college_id: int) -> str:
    return f"{codes[college_id]} · " if college_id in codes else ""


def department_options(
    session: Session, actor: Actor, college_id: int | None = None
) -> list[tuple[int, str]]:
    """Departments to choose from (only ``college_id``'s when given), labelled for the reader."""
    codes = repository.college_codes(session, actor=actor)
    language = get_language()
    found: list[Department] = repository.department_choices(session, actor=actor)
    return [
        (d.id, f"{_prefix(codes, d.college_id)}{d.code} {d.name(language)}")
        for d in found
        if college_id is None or d.college_id == college_id
    ]


def major_options(
    session: Session, actor: Actor, college_id: int | None = None, keep: Major | None = None
) -> list[tuple[int, str]]:
    """Majors that are not archived (plus ``keep``, the one a record has now)."""
    codes = repository.college_codes(session, actor=actor)
    language = get_language()
    found = repository.major_choices(session, actor=actor)
    if keep is not None and keep not in found:
        found.append(keep)
    return [
        (m.id, f"{_prefix(codes, m.college_id)}{m.code} {m.name(language)}")
        for m in found
        if college_id is None or m.college_id == college_id
    ]


def class_options(
    session: Session,
    actor: Actor,
    college_id: int | None = None,
    keep: SchoolClass | None = None,
) -> list[tuple[int, str]]:
    """Classes that are not archived (plus ``keep``), newest cohort first."""
    codes = repository.college_codes(session, actor=actor)
    found = repository.class_choices(session, actor=actor)
    if keep is not None and keep not in found:
        found.append(keep)
    return [
        (c.id, f"{_prefix(codes, c.college_id)}{c.name} ({c.major.code}, {c.cohort_year})")
        for c in found
        if college_id is None or c.college_id == college_id
    ]


def without(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in names}
