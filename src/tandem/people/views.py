"""Pages for the people registry: majors and classes, students, teachers.

Each part has its own module; this router gathers them behind the CSRF check. Within each part,
``/…/new`` is declared before ``/…/{id}`` so that it is never read as an id; the exports
(``/…/export.xlsx``) come first for the same reason.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tandem.kit.web import verify_csrf
from tandem.people import views_export, views_structure, views_students, views_teachers

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
_PARTS = (views_export.router, views_structure.router, views_students.router, views_teachers.router)
for _part in _PARTS:
    router.include_router(_part)
