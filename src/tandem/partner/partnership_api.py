"""JSON API for partnerships under /api/v1 (gathered into :data:`tandem.partner.api.router`).

A partnership's notes stay within its college: they are left out of every answer to an
enterprise contact, so these routes build their JSON themselves.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import PageMeta, page_meta
from tandem.partner import partnerships, repository
from tandem.partner.models import Partnership, PartnershipStatus
from tandem.partner.problems import guarded
from tandem.partner.schemas import (
    EnterpriseSummary,
    PartnershipCreate,
    PartnershipRead,
    PartnershipUpdate,
    StatusChange,
)

router = APIRouter(prefix="/api/v1", tags=["partner"])

PartnershipReader = Annotated[Actor, Depends(require(Permission.PARTNERSHIP_READ))]
PartnershipManager = Annotated[Actor, Depends(require(Permission.PARTNERSHIP_MANAGE))]


class PartnershipList(BaseModel):
    items: list[PartnershipRead]
    meta: PageMeta


def partnership_json(actor: Actor, partnership: Partnership) -> dict[str, Any]:
    """A partnership as JSON; its notes only for the college itself (never for enterprises)."""
    shown = partnerships.can_see_notes(actor, partnership)
    read = PartnershipRead(
        id=partnership.id,
        college_id=partnership.college_id,
        enterprise=EnterpriseSummary.model_validate(partnership.enterprise),
        status=PartnershipStatus(partnership.status),
        allowed_next=list(partnerships.allowed_next(partnership.status)),
        ended_reason=partnership.ended_reason,
        department_id=partnership.department_id,
        start_date=partnership.start_date,
        account_manager_id=partnership.account_manager_id,
        tags=list(partnership.tags or []),
        notes=partnership.notes if shown else None,
        version=partnership.version,
        created_at=partnership.created_at,
        updated_at=partnership.updated_at,
    )
    return read.model_dump(mode="json", exclude=None if shown else {"notes"})


@router.get(
    "/partnerships",
    response_model=PartnershipList,
    summary="List partnerships (a college's own; an enterprise's for its contacts)",
)
def list_partnerships(
    session: DbSession,
    actor: PartnershipReader,
    params: ListQuery,
    status: PartnershipStatus | None = None,
    department_id: int | None = None,
    tag: Annotated[str, Query(max_length=30)] = "",
    enterprise_id: int | None = None,
    college_id: int | None = None,
) -> JSONResponse:
    filters = repository.PartnershipFilter(
        status=status or "",
        department_id=department_id,
        tag=tag,
        enterprise_id=enterprise_id,
        college_id=college_id,
    )
    page = repository.list_partnerships(session, actor=actor, params=params, filters=filters)
    return JSONResponse(
        {
            "items": [partnership_json(actor, p) for p in page.items],
            "meta": page_meta(page).model_dump(),
        }
    )


@router.post(
    "/partnerships",
    response_model=PartnershipRead,
    status_code=status.HTTP_201_CREATED,
    summary="Start a partnership of a college with an enterprise",
)
def create_partnership(
    data: PartnershipCreate, request: Request, session: DbSession, actor: PartnershipManager
) -> JSONResponse:
    created = guarded(
        request,
        session,
        lambda: partnerships.create_partnership(session, actor=actor, data=data),
    )
    if isinstance(created, JSONResponse):
        return created
    return JSONResponse(
        partnership_json(actor, created),
        status_code=status.HTTP_201_CREATED,
        headers={"Location": f"/api/v1/partnerships/{created.id}"},
    )


@router.get(
    "/partnerships/{partnership_id}", response_model=PartnershipRead, summary="One partnership"
)
def get_partnership(
    partnership_id: int, session: DbSession, actor: PartnershipReader
) -> JSONResponse:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    return JSONResponse(partnership_json(actor, partnership))


@router.patch(
    "/partnerships/{partnership_id}",
    response_model=PartnershipRead,
    summary="Change a partnership's department, start date, account manager, tags or notes",
)
def update_partnership(
    partnership_id: int, data: PartnershipUpdate, session: DbSession, actor: PartnershipManager
) -> JSONResponse:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    partnerships.update_partnership(session, actor=actor, partnership=partnership, data=data)
    return JSONResponse(partnership_json(actor, partnership))


@router.post(
    "/partnerships/{partnership_id}/status",
    response_model=PartnershipRead,
    summary="Move a partnership along its life cycle (see allowed_next)",
)
def change_status(
    partnership_id: int, data: StatusChange, session: DbSession, actor: PartnershipManager
) -> JSONResponse:
    partnership = repository.get_partnership(session, actor=actor, partnership_id=partnership_id)
    partnerships.change_status(session, actor=actor, partnership=partnership, data=data)
    return JSONResponse(partnership_json(actor, partnership))
