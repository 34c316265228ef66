from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tandem.agreement import repository as agreement_repository
from tandem.agreement.models import AgreementStatus
from tandem.agreement.reminders import run_daily_if_due
from tandem.audit import repository as audit_repository
from tandem.auth.actor import Actor
from tandem.auth.deps import CurrentActor
from tandem.auth.roles import Permission
from tandem.college import repository as colleges
from tandem.college.models import Department
from tandem.config import SUPPORTED_LANGUAGES
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession
from tandem.kit.middleware import LANGUAGE_COOKIE
from tandem.kit.pagination import ListParams
from tandem.kit.web import render
from tandem.partner import repository as partner_repository
from tandem.partner.models import PartnershipStatus
from tandem.people import repository as people_repository

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _agreement_summary(session: Session, actor: Actor) -> dict[str, object]:
    """Agreements by status, those ending within 90 days, and those awaiting a signature."""
    by_status = agreement_repository.status_counts(session, actor=actor)
    expiring = agreement_repository.list_agreements(
        session,
        actor=actor,
        params=ListParams(per_page=6, sort="end_date"),
        filters=agreement_repository.AgreementFilter(expiring_within=90, today=local_today()),
    )
    awaiting = agreement_repository.list_agreements(
        session,
        actor=actor,
        params=ListParams(per_page=6, sort="-updated_at"),
        filters=agreement_repository.AgreementFilter(status=AgreementStatus.APPROVED),
    )
    return {
        "agreement_counts": [(status, by_status.get(status, 0)) for status in AgreementStatus],
        "agreement_total": sum(by_status.values()),
        "expiring": expiring,
        "awaiting_signature": awaiting.items,
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """Each role's home: what they may see, and what needs them."""
    context: dict[str, object] = {
        "colleges": None,
        "recent": [],
        "headcounts": None,
        "partnership_counts": None,
        "agreement_counts": None,
    }
    if actor.can(Permission.COLLEGE_READ) and (actor.college_id is None or actor.is_platform_wide):
        page = colleges.list_colleges(session, actor=actor, params=ListParams(per_page=10))
        counts = session.execute(
            select(Department.college_id, func.count(Department.id))
            .where(Department.college_id.in_([c.id for c in page.items]))
            .group_by(Department.college_id)
        )
        context["colleges"] = page
        context["departments_per_college"] = {college_id: n for college_id, n in counts}
    if actor.can(Permission.PARTNERSHIP_READ):
        by_status = partner_repository.partnership_status_counts(session, actor=actor)
        context["partnership_counts"] = [
            (status, by_status.get(status, 0)) for status in PartnershipStatus
        ]
        context["partnership_total"] = sum(by_status.values())
        context["attention"] = partner_repository.list_partnerships(
            session,
            actor=actor,
            params=ListParams(per_page=6, sort="-updated_at"),
            filters=partner_repository.PartnershipFilter(status=PartnershipStatus.VETTING),
        ).items
    if actor.can(Permission.AGREEMENT_READ):
        # The first home page of the day runs the reminders, so the inbox badge is current.
        run_daily_if_due(session, today=local_today(), settings=request.app.state.settings)
        context.update(_agreement_summary(session, actor))
    if actor.can(Permission.STUDENT_READ) and actor.role != "student":
        context["headcounts"] = people_repository.headcounts(session, actor=actor)
    if actor.can(Permission.AUDIT_READ):
        context["recent"] = audit_repository.list_entries(
            session,
            actor=actor,
            params=ListParams(per_page=8),
            filters=audit_repository.AuditFilter(),
            zone=ZoneInfo(request.app.state.settings.timezone),
        ).items
    return render(request, "home.html", context)


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
