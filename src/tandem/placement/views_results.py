"""The results page of a plan: a student's own outcome with its explanation (in their language,
for a phone), an enterprise contact's interns-to-be by position, and for the college's staff a
summary of the published rounds with links to them."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from tandem.auth.roles import Role
from tandem.kit.deps import DbSession
from tandem.kit.i18n import get_language
from tandem.kit.pagination import ListParams
from tandem.kit.web import render, verify_csrf
from tandem.placement import rounds_store, scope
from tandem.placement.api_rounds import Reader
from tandem.placement.kinds import RoundStatus
from tandem.placement.models import AllocationRound
from tandem.placement.rounds_store import explanation_lines, names_for
from tandem.placement.views_rounds import labels

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
MOST = 2000  # outcomes a contact's page lists


@router.get("/placement-plans/{plan_id}/results", response_class=HTMLResponse)
def plan_results(plan_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    context: dict[str, Any] = {"plan": plan, "view": "staff", **labels()}
    if scope.is_staff(actor):
        context["rounds"] = list(
            session.scalars(
                select(AllocationRound)
                .where(
                    AllocationRound.plan_id == plan.id,
                    AllocationRound.status == RoundStatus.PUBLISHED,
                    scope.visible_rounds(actor),
                )
                .order_by(AllocationRound.number)
            )
        )
    else:
        if actor.role == Role.STUDENT:
            page = rounds_store.outcomes(
                session, actor=actor, plan=plan, params=ListParams(per_page=20)
            )
            items = list(page.items)
            names = names_for(
                session,
                [
                    *(i.explanation or {} for i in items),
                    *({"position": i.position_id} for i in items),
                ],
            )
            language = get_language()
            context.update(
                view="student",
                outcomes=[(i, explanation_lines(i, names, language)) for i in items],
            )
        else:
            stmt = rounds_store.outcomes_query(actor=actor, plan=plan).limit(MOST)
            placed = [i for i in session.scalars(stmt) if i.position is not None]
            context.update(
                view="contact",
                groups=[(p, list(g)) for p, g in groupby(placed, key=lambda i: i.position)],
            )
    return render(request, "placement/results.html", context)
