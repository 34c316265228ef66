"""Pages for change proposals: a college proposes, the enterprise or a platform admin decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError, PermissionDenied
from tandem.kit.forms import read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner import proposals, repository, service
from tandem.partner.labels import FIELD_LABELS, label
from tandem.partner.models import Enterprise, EnterpriseChangeProposal
from tandem.partner.pages import (
    choices,
    display_value,
    duplicate_of,
    enterprise_values,
    form_errors,
    master_values,
    proposal_status,
    see_other,
)
from tandem.partner.schemas import ProposalCreate, ProposalDecision
from tandem.partner.service import ENTERPRISE_FIELDS

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.ENTERPRISE_READ))]
Editor = Annotated[Actor, Depends(require(Permission.ENTERPRISE_EDIT))]
Proposer = Annotated[Actor, Depends(require(Permission.ENTERPRISE_PROPOSE))]

PROPOSAL_FORM_FIELDS = (*ENTERPRISE_FIELDS, "reason")


def _proposable(session: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    if not service.can_propose(actor, enterprise):
        raise PermissionDenied(
            N_(
                "Change proposals come from colleges; platform administrators and the "
                "enterprise's contacts change master data directly."
            ),
            code="not_a_college",
        )
    return enterprise


@router.get("/enterprises/{enterprise_id}/propose", response_class=HTMLResponse)
def proposal_new(
    enterprise_id: int, request: Request, session: DbSession, actor: Proposer
) -> Response:
    enterprise = _proposable(session, actor, enterprise_id)
    return render(
        request,
        "partner/proposal_form.html",
        {
            "enterprise": enterprise,
            "values": enterprise_values(enterprise),
            "errors": {},
            "duplicate": None,
            **choices(),
        },
    )


@router.post("/enterprises/{enterprise_id}/propose", response_class=HTMLResponse)
async def proposal_create(
    enterprise_id: int, request: Request, session: DbSession, actor: Proposer
) -> Response:
    enterprise = _proposable(session, actor, enterprise_id)
    values = await read_form(request)
    try:
        data = validate(
            ProposalCreate, {"changes": master_values(values), "reason": values.get("reason", "")}
        )
        proposal = proposals.propose_change(session, actor=actor, enterprise=enterprise, data=data)
    except AppError as error:
        session.rollback()
        return render(
            request,
            "partner/proposal_form.html",
            {
                "enterprise": enterprise,
                "values": values,
                "errors": form_errors(error, shown=PROPOSAL_FORM_FIELDS, strip="changes"),
                "duplicate": duplicate_of(error),
                **choices(),
            },
            status_code=error.status_code,
        )
    flash(request, N_("Your proposal was sent to %(name)s."), name=enterprise.name)
    return see_other(f"/proposals/{proposal.id}")


@router.get("/proposals", response_class=HTMLResponse)
def proposal_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    status: str | None = None,
) -> Response:
    wanted = proposal_status(status)
    page = repository.list_proposals(session, actor=actor, params=params, status=wanted)
    colleges = repository.colleges_by_id(session, [p.college_id for p in page.items])
    return render(
        request,
        "partner/proposal_list.html",
        {"page": page, "params": params, "status": wanted, "colleges": colleges, **choices()},
        block="results",
    )


def _proposal_page(
    request: Request,
    session: Session,
    actor: Actor,
    proposal: EnterpriseChangeProposal,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    enterprise = proposal.enterprise
    rows = [
        {
            "label": label(FIELD_LABELS, field),
            "current": display_value(field, getattr(enterprise, field, None)),
            "proposed": display_value(field, value),
        }
        for field, value in proposal.changes.items()
    ]
    return render(
        request,
        "partner/proposal_detail.html",
        {
            "proposal": proposal,
            "enterprise": enterprise,
            "college": repository.colleges_by_id(session, [proposal.college_id])[
                proposal.college_id
            ],
            "rows": rows,
            "can_decide": proposals.can_decide(actor, proposal),
            "values": values or {},
            "errors": errors or {},
            **choices(),
        },
        status_code=status_code,
    )


@router.get("/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal_detail(
    proposal_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    proposal = repository.get_proposal(session, actor=actor, proposal_id=proposal_id)
    return _proposal_page(request, session, actor, proposal)


async def _decide(
    request: Request, session: Session, actor: Actor, proposal_id: int, *, accept: bool
) -> Response:
    proposal = repository.get_proposal(session, actor=actor, proposal_id=proposal_id)
    values = await read_form(request)
    try:
        data = validate(ProposalDecision, {"note": values.get("note", "")})
        if accept:
            proposals.accept_proposal(session, actor=actor, proposal=proposal, data=data)
        else:
            proposals.reject_proposal(session, actor=actor, proposal=proposal, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return _proposal_page(
            request,
            session,
            actor,
            proposal,
            values=values,
            errors=form_errors(error, shown=("note",)),
            status_code=error.status_code,
        )
    message = (
        N_("Proposal accepted; the changes are saved.") if accept else N_("Proposal rejected.")
    )
    flash(request, message)
    return see_other(f"/proposals/{proposal.id}")


@router.post("/proposals/{proposal_id}/accept", response_class=HTMLResponse)
async def proposal_accept(
    proposal_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    return await _decide(request, session, actor, proposal_id, accept=True)


@router.post("/proposals/{proposal_id}/reject", response_class=HTMLResponse)
async def proposal_reject(
    proposal_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    return await _decide(request, session, actor, proposal_id, accept=False)
