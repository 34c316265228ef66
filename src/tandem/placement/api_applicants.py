"""JSON API for a host's applicants in a plan and the host's ranking of them.

A contact opens their own enterprise's host with the plan's college (``host`` may be left out;
another host is a 404); the college's staff name the host. Ranking: by entries (equal ranks
tie), by a score from weights, or by uploading the ranking spreadsheet (all rows or none).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.datastructures import UploadFile as StarletteUpload

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.imports.uploads import too_large
from tandem.imports.views import limit_upload
from tandem.kit.deps import DbSession
from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_, get_language
from tandem.partner.models import Partnership
from tandem.placement import applicants, applicants_methods, scope
from tandem.placement.applicants import RankEntry
from tandem.placement.models import PlacementPlan
from tandem.placement.schemas_ranking import (
    ApplicantRead,
    ApplicantsRead,
    RankingUpdate,
    ScoreRequest,
)

Reader = Annotated[Actor, Depends(require(Permission.PLACEMENT_READ))]
Ranker = Annotated[Actor, Depends(require(Permission.APPLICANT_RANK))]

router = APIRouter(prefix="/api/v1", tags=["placement"])
BASE = "/placement-plans/{plan_id}/applicants"
NO_FILE = N_("Choose a file to upload: an Excel workbook (.xlsx) or a CSV file.")


async def read_upload(request: Request, file: object) -> bytes:
    """The uploaded file's bytes (422 without one, 413 over the upload limit)."""
    if not isinstance(file, StarletteUpload) or not file.filename:
        raise ValidationFailed.single("file", "file_required", NO_FILE)
    limit: int = request.app.state.settings.upload_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


def applicants_read(
    session: DbSession, actor: Actor, plan: PlacementPlan, partnership: Partnership
) -> ApplicantsRead:
    language = get_language()
    found = applicants.applicants(session, actor=actor, plan=plan, partnership=partnership)
    settings = applicants.plan_host(session, plan, partnership)
    return ApplicantsRead(
        plan_id=plan.id,
        host_id=partnership.id,
        host_name=applicants.host_name(session, partnership),
        ranking_method=settings.ranking_method if settings else None,
        ranked_at=settings.ranked_at if settings else None,
        score_weights=dict(settings.score_weights or {}) if settings else {},
        items=[ApplicantRead.of(a, language) for a in found],
    )


def _open(
    session: DbSession, actor: Actor, plan_id: int, host: int | None
) -> tuple[PlacementPlan, Partnership]:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    return plan, applicants.host_for(session, actor=actor, plan=plan, host_id=host)


@router.get(
    BASE,
    response_model=ApplicantsRead,
    summary="A host's applicants with its ranking (contacts: their own host; staff: ?host=)",
)
def get_applicants(
    plan_id: int, session: DbSession, actor: Reader, host: int | None = None
) -> ApplicantsRead:
    plan, partnership = _open(session, actor, plan_id, host)
    return applicants_read(session, actor, plan, partnership)


@router.put(
    f"{BASE}/ranking",
    response_model=ApplicantsRead,
    summary="Replace the host's ranking (equal ranks tie; applicants left out are unranked)",
)
def put_ranking(
    plan_id: int, data: RankingUpdate, session: DbSession, actor: Ranker
) -> ApplicantsRead:
    plan, partnership = _open(session, actor, plan_id, data.host)
    entries = [RankEntry(e.student_id, e.rank, e.excluded) for e in data.entries]
    applicants.set_ranking(
        session, actor=actor, plan=plan, partnership=partnership, entries=entries
    )
    return applicants_read(session, actor, plan, partnership)


@router.post(
    f"{BASE}/score",
    response_model=ApplicantsRead,
    summary="Rank the applicants by a score from weights (0–100 each); exclusions are kept",
)
def post_score(
    plan_id: int, data: ScoreRequest, session: DbSession, actor: Ranker
) -> ApplicantsRead:
    plan, partnership = _open(session, actor, plan_id, data.host)
    applicants_methods.score_ranking(
        session, actor=actor, plan=plan, partnership=partnership, weights=data.weights.weights()
    )
    return applicants_read(session, actor, plan, partnership)


@router.post(
    f"{BASE}/upload",
    response_model=ApplicantsRead,
    dependencies=[Depends(limit_upload)],
    summary="Upload the ranking spreadsheet (student number, rank, excluded): all rows or none",
)
async def post_upload(
    plan_id: int,
    request: Request,
    session: DbSession,
    actor: Ranker,
    file: Annotated[UploadFile | None, File()] = None,
    host: Annotated[int | None, Form()] = None,
) -> ApplicantsRead:
    plan, partnership = _open(session, actor, plan_id, host)
    data = await read_upload(request, file)
    applicants_methods.import_ranking(
        session, actor=actor, plan=plan, partnership=partnership, data=data
    )
    return applicants_read(session, actor, plan, partnership)
