from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request

from tandem.audit import repository
from tandem.audit.schemas import AuditEntryRead, AuditList
from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import page_meta

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Annotated[Actor, Depends(require(Permission.AUDIT_READ))]


@router.get("", response_model=AuditList, summary="The audit log, newest first")
def list_entries(
    request: Request,
    session: DbSession,
    actor: Auditor,
    params: ListQuery,
    action: str = "",
    entity_type: str = "",
    by: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> AuditList:
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
    return AuditList(
        items=[AuditEntryRead.model_validate(e) for e in page.items], meta=page_meta(page)
    )
