"""The host's page of applicants in a plan: the table to put in order (drag and drop, or type
the ranks: equal numbers are ties), exclude, upload a ranking spreadsheet or score them.

A contact opens their enterprise's own host; the college's staff choose the host with
``?host=`` (and the office ranks on a host's behalf). Without JavaScript the rank boxes are
typed in; with it, dragging a row renumbers them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tandem.auth.actor import Actor
from tandem.imports.uploads import too_large
from tandem.imports.views import limit_upload
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, FieldError, ValidationFailed
from tandem.kit.forms import validate
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.models import Partnership
from tandem.partner.pages import see_other
from tandem.placement import applicants, applicants_methods, scope
from tandem.placement.api_applicants import NO_FILE, Ranker, Reader
from tandem.placement.applicants import RankEntry
from tandem.placement.applicants_methods import RankingUploadFailed, RowProblem
from tandem.placement.kinds import PHASE_LABELS, RANKING_METHOD_LABELS, Phase, RankingMethod
from tandem.placement.models import PlacementPlan
from tandem.placement.schemas_ranking import ScoreWeights

router = APIRouter(
    dependencies=[Depends(limit_upload), Depends(verify_csrf)], include_in_schema=False
)
PAGE = "/placement-plans/{plan_id}/applicants"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_SHOWN = 200


def _int(text: object) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 10 else None


def page_url(plan: PlacementPlan, actor: Actor, partnership: Partnership) -> str:
    url = f"/placement-plans/{plan.id}/applicants"
    return url if actor.role == "enterprise_contact" else f"{url}?host={partnership.id}"


def _open(
    session: Session, actor: Actor, plan_id: int, host: object
) -> tuple[PlacementPlan, Partnership]:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    return plan, applicants.host_for(session, actor=actor, plan=plan, host_id=_int(host))


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    plan: PlacementPlan,
    partnership: Partnership,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
    errors: list[str] | None = None,
    rows: list[RowProblem] | None = None,
    status_code: int = 200,
) -> Response:
    found = applicants.applicants(session, actor=actor, plan=plan, partnership=partnership)
    settings = applicants.plan_host(session, plan, partnership)
    weights = dict(settings.score_weights or {}) if settings else {}
    problem = applicants.phase_conflict(actor, plan)
    may = scope.can_rank_applicants(actor, plan, partnership)
    method = settings.ranking_method if settings and settings.ranked_at else None
    return render(
        request,
        "placement/applicants.html",
        {
            "plan": plan,
            "host": partnership,
            "host_name": applicants.host_name(session, partnership),
            "staff": actor.role != "enterprise_contact",
            "applicants": found,
            "settings": settings,
            "method_label": gettext(RANKING_METHOD_LABELS[RankingMethod(method)]) if method else "",
            "weights": weights,
            "can_rank": may and problem is None,
            "refusal": _refusal(may, problem),
            "phase_label": gettext(PHASE_LABELS[Phase(plan.phase)]),
            "values": values or {},
            "error": error,
            "errors": errors or [],
            "rows": (rows or [])[:ROWS_SHOWN],
            "row_count": len(rows or []),
            "language": get_language(),
            "base": f"/placement-plans/{plan.id}/applicants",
        },
        status_code=status_code,
    )


def _refusal(may: bool, problem: AppError | None) -> str:
    if not may:
        return gettext(N_("You may look at this ranking but not change it."))
    return problem.localised() if problem else ""


def _chooser(request: Request, session: Session, plan: PlacementPlan) -> Response:
    return render(
        request,
        "placement/applicants_choose.html",
        {"plan": plan, "hosts": applicants.host_options(session, plan)},
    )


@router.get(PAGE, response_class=HTMLResponse)
def applicant_list(
    plan_id: int, request: Request, session: DbSession, actor: Reader, host: str = ""
) -> Response:
    if scope.is_staff(actor) and _int(host) is None:
        plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
        return _chooser(request, session, plan)
    plan, partnership = _open(session, actor, plan_id, host)
    return _page(request, session, actor, plan, partnership)


def entries_from(form: dict[str, str]) -> list[RankEntry]:
    """The entries of the table: a row per ``row_ID`` field, its ``rank_ID`` and ``excluded_ID``."""
    entries = []
    for key in form:
        if not key.startswith("row_"):
            continue
        student_id = _int(key[4:])
        if student_id is None:
            continue
        raw = form.get(f"rank_{student_id}", "").strip()
        rank = _int(raw)
        if raw and (rank is None or rank < 1):
            raise ValidationFailed.single(
                f"rank_{student_id}",
                "bad_rank",
                N_("%(value)s is not a rank: type a whole number from 1, or leave it blank."),
                value=raw,
            )
        entries.append(RankEntry(student_id, rank, form.get(f"excluded_{student_id}") == "on"))
    return entries


def _messages(error: AppError) -> list[str]:
    return [item.localised() for item in error.errors] or [error.localised()]


@router.post(PAGE, response_class=HTMLResponse)
async def applicant_rank(
    plan_id: int, request: Request, session: DbSession, actor: Ranker
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    plan, partnership = _open(session, actor, plan_id, form.get("host"))
    try:
        entries = entries_from(form)
        applicants.set_ranking(
            session, actor=actor, plan=plan, partnership=partnership, entries=entries
        )
    except AppError as error:
        session.rollback()
        if error.status_code in (403, 404):
            raise
        return _page(
            request,
            session,
            actor,
            plan,
            partnership,
            values=form,
            errors=_messages(error),
            status_code=error.status_code,
        )
    flash(request, N_("The ranking of %(count)s applicants is saved."), count=len(entries))
    return see_other(page_url(plan, actor, partnership))


@router.post(f"{PAGE}/score", response_class=HTMLResponse)
async def applicant_score(
    plan_id: int, request: Request, session: DbSession, actor: Ranker
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    plan, partnership = _open(session, actor, plan_id, form.get("host"))
    try:
        data: dict[str, Any] = {
            key: form[key] for key in ("choice", "major", "year") if form.get(key, "").strip()
        }
        data["lottery"] = form.get("lottery") == "on"
        weights = validate(ScoreWeights, data).weights()
        applicants_methods.score_ranking(
            session, actor=actor, plan=plan, partnership=partnership, weights=weights
        )
    except AppError as error:
        session.rollback()
        if error.status_code in (403, 404):
            raise
        messages = [f"{_weight_label(e)}{e.localised()}" for e in error.errors] or [
            error.localised()
        ]
        return _page(
            request,
            session,
            actor,
            plan,
            partnership,
            values=form,
            errors=messages,
            status_code=error.status_code,
        )
    flash(request, N_("The applicants are ranked by their scores."))
    return see_other(page_url(plan, actor, partnership))


WEIGHT_LABELS = {
    "choice": N_("How high they ranked you"),
    "major": N_("Major matches"),
    "year": N_("Year of study"),
}


def _weight_label(error: FieldError) -> str:
    label = WEIGHT_LABELS.get(error.field)
    return f"{gettext(label)}: " if label else ""


@router.post(f"{PAGE}/upload", response_class=HTMLResponse)
async def applicant_upload(
    plan_id: int, request: Request, session: DbSession, actor: Ranker
) -> Response:
    form = await request.form()
    plan, partnership = _open(session, actor, plan_id, form.get("host"))
    file = form.get("file")
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise ValidationFailed.single("file", "file_required", NO_FILE)
        limit: int = request.app.state.settings.upload_max_bytes
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise too_large(limit)
        applicants_methods.import_ranking(
            session, actor=actor, plan=plan, partnership=partnership, data=data
        )
    except RankingUploadFailed as failed:
        session.rollback()
        return _page(
            request,
            session,
            actor,
            plan,
            partnership,
            error=failed.localised(),
            rows=failed.rows,
            status_code=422,
        )
    except AppError as error:
        session.rollback()
        if error.status_code in (403, 404):
            raise
        return _page(
            request,
            session,
            actor,
            plan,
            partnership,
            error=error.localised(),
            status_code=error.status_code,
        )
    flash(request, N_("The uploaded ranking is saved."))
    return see_other(page_url(plan, actor, partnership))


@router.get(f"{PAGE}/template.xlsx")
def applicant_template(plan_id: int, session: DbSession, actor: Reader, host: str = "") -> Response:
    plan, partnership = _open(session, actor, plan_id, host)
    content = applicants_methods.template(
        session, actor=actor, plan=plan, partnership=partnership, language=get_language()
    )
    name = f"ranking-plan{plan.id}-host{partnership.id}.xlsx"
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
