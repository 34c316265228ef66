from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select, text

from tandem.audit.models import AuditEntry
from tandem.college import repository as colleges
from tandem.college.models import Department
from tandem.config import SUPPORTED_LANGUAGES
from tandem.kit.deps import CurrentActor, DbSession
from tandem.kit.middleware import LANGUAGE_COOKIE
from tandem.kit.pagination import ListParams
from tandem.kit.web import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    page = colleges.list_colleges(session, actor=actor, params=ListParams(per_page=10))
    department_count = session.scalar(select(func.count(Department.id))) or 0
    counts = session.execute(
        select(Department.college_id, func.count(Department.id))
        .where(Department.college_id.in_([c.id for c in page.items]))
        .group_by(Department.college_id)
    )
    per_college = {college_id: count for college_id, count in counts}
    recent = session.scalars(
        select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()).limit(8)
    ).all()
    return render(
        request,
        "home.html",
        {
            "colleges": page,
            "department_count": department_count,
            "recent": recent,
            "departments_per_college": per_college,
        },
    )


@router.get("/language/{language}")
def choose_language(language: str, request: Request, next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if language in SUPPORTED_LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    return response


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    return render(request, "site/api_docs.html", {})


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(session: DbSession) -> JSONResponse:
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ready"})
