"""JSON API for the partner registry under /api/v1 (partnerships: :mod:`partnership_api`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import Page, PageMeta, page_meta, paginate
from tandem.partner import partnership_api, proposals, repository, service
from tandem.partner.models import (
    EnterpriseContact,
    EnterpriseKind,
    EnterpriseStaffCount,
    ProposalStatus,
)
from tandem.partner.problems import guarded
from tandem.partner.schemas import (
    ArchiveRequest,
    ContactCreate,
    ContactRead,
    ContactUpdate,
    EnterpriseCreate,
    EnterpriseRead,
    EnterpriseUpdate,
    ProposalCreate,
    ProposalDecision,
    ProposalRead,
    StaffCountCreate,
    StaffCountRead,
)

# Each router carries its full prefix: the app mounts ``router``, which only gathers them.
enterprises = APIRouter(prefix="/api/v1", tags=["partner"])

Reader = Annotated[Actor, Depends(require(Permission.ENTERPRISE_READ))]
Creator = Annotated[Actor, Depends(require(Permission.ENTERPRISE_CREATE))]
Editor = Annotated[Actor, Depends(require(Permission.ENTERPRISE_EDIT))]
Proposer = Annotated[Actor, Depends(require(Permission.ENTERPRISE_PROPOSE))]


class EnterpriseList(BaseModel):
    items: list[EnterpriseRead]
    meta: PageMeta


class StaffCountList(BaseModel):
    items: list[StaffCountRead]
    meta: PageMeta


class ContactList(BaseModel):
    items: list[ContactRead]
    meta: PageMeta


class ProposalList(BaseModel):
    items: list[ProposalRead]
    meta: PageMeta


def _page(page: Page[Any], schema: type[BaseModel]) -> dict[str, Any]:
    return {
        "items": [schema.model_validate(item).model_dump(mode="json") for item in page.items],
        "meta": page_meta(page).model_dump(),
    }


# --- enterprises ---------------------------------------------------------------------------------


@enterprises.get(
    "/enterprises", response_model=EnterpriseList, summary="List and search enterprises"
)
def list_enterprises(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    kind: EnterpriseKind | None = None,
    industry_section: Annotated[str, Query(pattern="^[A-Ta-t]?$")] = "",
    region: Annotated[str, Query(pattern=r"^\d{0,6}$", description="GB/T 2260 prefix")] = "",
    certified: bool | None = None,
    archived: Literal["current", "archived", "all"] = "current",
) -> dict[str, Any]:
    filters = repository.EnterpriseFilter(
        kind=kind or "",
        industry_section=industry_section,
        region=region,
        certified=certified,
        archived={"current": False, "archived": True, "all": None}[archived],
    )
    page = repository.list_enterprises(session, actor=actor, params=params, filters=filters)
    return _page(page, EnterpriseRead)


@enterprises.post(
    "/enterprises",
    response_model=EnterpriseRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register an enterprise",
)
def create_enterprise(
    data: EnterpriseCreate,
    request: Request,
    session: DbSession,
    actor: Creator,
    response: Response,
) -> Any:
    created = guarded(
        request, session, lambda: service.create_enterprise(session, actor=actor, data=data)
    )
    if isinstance(created, JSONResponse):
        return created
    response.headers["Location"] = f"/api/v1/enterprises/{created.id}"
    return EnterpriseRead.model_validate(created)


@enterprises.get(
    "/enterprises/{enterprise_id}", response_model=EnterpriseRead, summary="One enterprise"
)
def get_enterprise(enterprise_id: int, session: DbSession, actor: Reader) -> EnterpriseRead:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    return EnterpriseRead.model_validate(enterprise)


@enterprises.patch(
    "/enterprises/{enterprise_id}",
    response_model=EnterpriseRead,
    summary="Change master data (the enterprise's contacts and platform administrators)",
)
def update_enterprise(
    enterprise_id: int, data: EnterpriseUpdate, request: Request, session: DbSession, actor: Editor
) -> Any:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    updated = guarded(
        request,
        session,
        lambda: service.update_enterprise(session, actor=actor, enterprise=enterprise, data=data),
    )
    return updated if isinstance(updated, JSONResponse) else EnterpriseRead.model_validate(updated)


@enterprises.post(
    "/enterprises/{enterprise_id}/archive",
    response_model=EnterpriseRead,
    summary="Archive an enterprise (platform administrators)",
)
def archive_enterprise(
    enterprise_id: int, data: ArchiveRequest, session: DbSession, actor: Editor
) -> EnterpriseRead:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    service.archive_enterprise(session, actor=actor, enterprise=enterprise, version=data.version)
    return EnterpriseRead.model_validate(enterprise)


@enterprises.post(
    "/enterprises/{enterprise_id}/restore",
    response_model=EnterpriseRead,
    summary="Restore an archived enterprise (platform administrators)",
)
def restore_enterprise(
    enterprise_id: int, data: ArchiveRequest, session: DbSession, actor: Editor
) -> EnterpriseRead:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    service.restore_enterprise(session, actor=actor, enterprise=enterprise, version=data.version)
    return EnterpriseRead.model_validate(enterprise)


# --- staff counts and contacts -------------------------------------------------------------------


@enterprises.get(
    "/enterprises/{enterprise_id}/staff-counts",
    response_model=StaffCountList,
    summary="On-post staff over time, latest first",
)
def list_staff_counts(
    enterprise_id: int, session: DbSession, actor: Reader, params: ListQuery
) -> dict[str, Any]:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    stmt = repository.staff_counts_query(enterprise)
    return _page(paginate(session, stmt, params), StaffCountRead)


@enterprises.post(
    "/enterprises/{enterprise_id}/staff-counts",
    response_model=StaffCountRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record the on-post staff at a date (one per date)",
)
def add_staff_count(
    enterprise_id: int, data: StaffCountCreate, session: DbSession, actor: Editor
) -> EnterpriseStaffCount:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    return service.add_staff_count(session, actor=actor, enterprise=enterprise, data=data)


@enterprises.delete(
    "/enterprises/{enterprise_id}/staff-counts/{staff_count_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a wrong staff count",
)
def delete_staff_count(
    enterprise_id: int, staff_count_id: int, session: DbSession, actor: Editor
) -> Response:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    count = repository.get_staff_count(
        session, enterprise=enterprise, staff_count_id=staff_count_id
    )
    service.delete_staff_count(session, actor=actor, enterprise=enterprise, staff_count=count)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@enterprises.get(
    "/enterprises/{enterprise_id}/contacts",
    response_model=ContactList,
    summary="The enterprise's contact people",
)
def list_contacts(
    enterprise_id: int, session: DbSession, actor: Reader, params: ListQuery
) -> dict[str, Any]:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    stmt = repository.contacts_query(enterprise)
    return _page(paginate(session, stmt, params), ContactRead)


@enterprises.post(
    "/enterprises/{enterprise_id}/contacts",
    response_model=ContactRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a contact person",
)
def add_contact(
    enterprise_id: int, data: ContactCreate, session: DbSession, actor: Editor, response: Response
) -> EnterpriseContact:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    contact = service.add_contact(session, actor=actor, enterprise=enterprise, data=data)
    response.headers["Location"] = f"/api/v1/enterprises/{enterprise.id}/contacts/{contact.id}"
    return contact


@enterprises.get(
    "/enterprises/{enterprise_id}/contacts/{contact_id}",
    response_model=ContactRead,
    summary="One contact person",
)
def get_contact(
    enterprise_id: int, contact_id: int, session: DbSession, actor: Reader
) -> EnterpriseContact:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    return repository.get_contact(session, enterprise=enterprise, contact_id=contact_id)


@enterprises.patch(
    "/enterprises/{enterprise_id}/contacts/{contact_id}",
    response_model=ContactRead,
    summary="Change a contact person",
)
def update_contact(
    enterprise_id: int, contact_id: int, data: ContactUpdate, session: DbSession, actor: Editor
) -> EnterpriseContact:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    contact = repository.get_contact(session, enterprise=enterprise, contact_id=contact_id)
    return service.update_contact(
        session, actor=actor, enterprise=enterprise, contact=contact, data=data
    )


@enterprises.delete(
    "/enterprises/{enterprise_id}/contacts/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a contact person",
)
def delete_contact(
    enterprise_id: int, contact_id: int, session: DbSession, actor: Editor
) -> Response:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    contact = repository.get_contact(session, enterprise=enterprise, contact_id=contact_id)
    service.delete_contact(session, actor=actor, enterprise=enterprise, contact=contact)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- change proposals ----------------------------------------------------------------------------


@enterprises.get(
    "/enterprises/{enterprise_id}/proposals",
    response_model=ProposalList,
    summary="Change proposals for an enterprise (a college sees its own)",
)
def list_enterprise_proposals(
    enterprise_id: int,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    status: ProposalStatus | None = None,
) -> dict[str, Any]:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    page = repository.list_proposals(
        session, actor=actor, params=params, enterprise=enterprise, status=status or ""
    )
    return _page(page, ProposalRead)


@enterprises.post(
    "/enterprises/{enterprise_id}/proposals",
    response_model=ProposalRead,
    status_code=status.HTTP_201_CREATED,
    summary="Propose a change to master data (colleges)",
)
def propose_change(
    enterprise_id: int,
    data: ProposalCreate,
    request: Request,
    session: DbSession,
    actor: Proposer,
    response: Response,
) -> Any:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    proposal = guarded(
        request,
        session,
        lambda: proposals.propose_change(session, actor=actor, enterprise=enterprise, data=data),
    )
    if isinstance(proposal, JSONResponse):
        return proposal
    response.headers["Location"] = f"/api/v1/proposals/{proposal.id}"
    return ProposalRead.model_validate(proposal)


@enterprises.get("/proposals", response_model=ProposalList, summary="Change proposals you may see")
def list_proposals(
    session: DbSession, actor: Reader, params: ListQuery, status: ProposalStatus | None = None
) -> dict[str, Any]:
    page = repository.list_proposals(session, actor=actor, params=params, status=status or "")
    return _page(page, ProposalRead)


@enterprises.get("/proposals/{proposal_id}", response_model=ProposalRead, summary="One proposal")
def get_proposal(proposal_id: int, session: DbSession, actor: Reader) -> ProposalRead:
    proposal = repository.get_proposal(session, actor=actor, proposal_id=proposal_id)
    return ProposalRead.model_validate(proposal)


@enterprises.post(
    "/proposals/{proposal_id}/accept",
    response_model=ProposalRead,
    summary="Accept a proposal: its changes are applied to the enterprise",
)
def accept_proposal(
    proposal_id: int, data: ProposalDecision, request: Request, session: DbSession, actor: Editor
) -> Any:
    proposal = repository.get_proposal(session, actor=actor, proposal_id=proposal_id)
    decided = guarded(
        request,
        session,
        lambda: proposals.accept_proposal(session, actor=actor, proposal=proposal, data=data),
    )
    return decided if isinstance(decided, JSONResponse) else ProposalRead.model_validate(decided)


@enterprises.post(
    "/proposals/{proposal_id}/reject",
    response_model=ProposalRead,
    summary="Reject a proposal, saying why",
)
def reject_proposal(
    proposal_id: int, data: ProposalDecision, session: DbSession, actor: Editor
) -> ProposalRead:
    proposal = repository.get_proposal(session, actor=actor, proposal_id=proposal_id)
    proposals.reject_proposal(session, actor=actor, proposal=proposal, data=data)
    return ProposalRead.model_validate(proposal)


router = APIRouter()
router.include_router(enterprises)
router.include_router(partnership_api.router)
