from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tandem.audit import repository
from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.web import render

router = APIRouter(include_in_schema=False)
Auditor = Annotated[Actor, Depends(require(Permission.AUDIT_READ))]


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: DbSession,
    actor: Auditor,
    params: ListQuery,
    action: str = "",
    entity_type: str = "",
    by: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Response:
    filters = repository.AuditFilter(
        action=action, entity_type=entity_type, actor=by, date_from=date_from, date_to=date_to
    )
    page = repository.list_entries(
        session,
        actor=actor,
        params=params,
        filters=filters,
        zone=ZoneInfo(request.app.state.settings.timezone),
    )
    actions, types = repository.distinct_values(session, actor=actor)
    return render(
        request,
        "audit/list.html",
        {"page": page, "params": params, "filters": filters, "actions": actions, "types": types},
        block="results",
    )
