"""JSON API for cooperation agreements under /api/v1: the list with its filters, drafting and
editing, and the life cycle (transitions, signatures, renewal, reviews, notice of non-renewal).

Obligations and documents have their own modules (:mod:`api_obligations`, :mod:`api_documents`);
:data:`router` gathers them all.

Scope comes from the repository: a college's own agreements, an enterprise contact's
enterprise's once approved, every agreement for platform admins; anything else is a 404.
Transitions and signatures are open to every reader at the door because the real right depends
on the step (approve: the cooperation office; sign: each party for itself): the service decides.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi import status as http
from pydantic import BeforeValidator

from tandem.agreement import api_documents, api_obligations, repository, service, steps
from tandem.agreement.api_read import (
    AgreementList,
    agreement_detail,
    agreement_read,
)
from tandem.agreement.deps import Approver, Manager, Reader
from tandem.agreement.models import AgreementKind, AgreementStatus
from tandem.agreement.modes import Mode
from tandem.agreement.schemas import (
    AgreementCreate,
    AgreementDetail,
    AgreementUpdate,
    NonRenewalNotice,
    RenewalRequest,
    ReviewCreate,
    SignatureCreate,
    TransitionRequest,
)
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.i18n import N_
from tandem.kit.pagination import page_meta
from tandem.kit.validation import invalid

agreements = APIRouter(prefix="/api/v1", tags=["agreement"])
ONE = "/agreements/{agreement_id}"


def _mode(value: object) -> object:
    """A mode filter: a number from 1 to 7, else the same clear message as everywhere."""
    if value is None or value == "":
        return None
    try:
        return Mode(int(str(value).strip()))
    except ValueError:
        raise invalid(
            "unknown_mode",
            N_("%(value)s is not a mode of cooperation: choose a number from 1 to 7."),
            value=str(value),
        ) from None


ModeFilter = Annotated[
    int | None,
    BeforeValidator(_mode),
    Query(description="Only agreements in this mode (1–7)."),
]


@agreements.get(
    "/agreements",
    response_model=AgreementList,
    summary="List and search agreements (a college's own; an enterprise's once approved)",
)
def list_agreements(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    status: AgreementStatus | None = None,
    mode: ModeFilter = None,
    kind: AgreementKind | None = None,
    department_id: int | None = None,
    partnership_id: int | None = None,
    enterprise_id: int | None = None,
    college_id: int | None = None,
    expiring_within: Annotated[
        int | None,
        Query(ge=1, le=3650, description="In force and ending within this many days."),
    ] = None,
) -> AgreementList:
    filters = repository.AgreementFilter(
        status=status or "",
        mode=mode,
        kind=kind or "",
        department_id=department_id,
        partnership_id=partnership_id,
        enterprise_id=enterprise_id,
        college_id=college_id,
        expiring_within=expiring_within,
    )
    page = repository.list_agreements(session, actor=actor, params=params, filters=filters)
    return AgreementList(items=[agreement_read(actor, a) for a in page.items], meta=page_meta(page))


@agreements.post(
    "/agreements",
    response_model=AgreementDetail,
    status_code=http.HTTP_201_CREATED,
    summary="Draft an agreement (modes and their terms may be partial until it is submitted)",
)
def create_agreement(
    data: AgreementCreate, response: Response, session: DbSession, actor: Manager
) -> AgreementDetail:
    created = service.create_agreement(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/agreements/{created.id}"
    return agreement_detail(session, actor, created)


@agreements.get(
    ONE,
    response_model=AgreementDetail,
    summary="One agreement with its terms, obligations, timeline and documents",
)
def get_agreement(agreement_id: int, session: DbSession, actor: Reader) -> AgreementDetail:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    return agreement_detail(session, actor, agreement)


@agreements.patch(
    ONE,
    response_model=AgreementDetail,
    summary="Change an agreement (terms only before approval; send version to avoid overwriting)",
)
def update_agreement(
    agreement_id: int, data: AgreementUpdate, session: DbSession, actor: Manager
) -> AgreementDetail:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    service.update_agreement(session, actor=actor, agreement=agreement, data=data)
    return agreement_detail(session, actor, agreement)


@agreements.delete(
    ONE,
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a draft (later an agreement is ended or terminated instead)",
)
def delete_agreement(agreement_id: int, session: DbSession, actor: Manager) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    service.delete_agreement(session, actor=actor, agreement=agreement)
    return Response(status_code=http.HTTP_204_NO_CONTENT)


# --- life cycle ----------------------------------------------------------------------------------


@agreements.post(
    f"{ONE}/transitions",
    response_model=AgreementDetail,
    summary="Take a step: submit, return, approve, activate, end, terminate (see allowed_actions)",
)
def transition(
    agreement_id: int, data: TransitionRequest, session: DbSession, actor: Reader
) -> AgreementDetail:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    steps.transition(session, actor=actor, agreement=agreement, data=data)
    return agreement_detail(session, actor, agreement)


@agreements.post(
    f"{ONE}/signatures",
    response_model=AgreementDetail,
    summary="Sign an approved agreement for one's own party (the second signature makes it signed)",
)
def sign(
    agreement_id: int, data: SignatureCreate, session: DbSession, actor: Reader
) -> AgreementDetail:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    steps.sign(session, actor=actor, agreement=agreement, data=data)
    return agreement_detail(session, actor, agreement)


@agreements.post(
    f"{ONE}/renewal",
    response_model=AgreementDetail,
    status_code=http.HTTP_201_CREATED,
    summary="Renew an agreement in force: returns its successor, a draft with the same terms",
)
def renew(
    agreement_id: int,
    data: RenewalRequest,
    response: Response,
    session: DbSession,
    actor: Manager,
) -> AgreementDetail:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    successor = steps.renew(session, actor=actor, agreement=agreement, data=data)
    response.headers["Location"] = f"/api/v1/agreements/{successor.id}"
    return agreement_detail(session, actor, successor)


@agreements.post(
    f"{ONE}/reviews",
    response_model=AgreementDetail,
    summary="Record a review of the agreement; the next one falls due after the review interval",
)
def record_review(
    agreement_id: int, data: ReviewCreate, session: DbSession, actor: Manager
) -> AgreementDetail:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    steps.record_review(session, actor=actor, agreement=agreement, data=data)
    return agreement_detail(session, actor, agreement)


@agreements.post(
    f"{ONE}/non-renewal",
    response_model=AgreementDetail,
    summary="Give notice that an auto-renewing agreement will not renew (cooperation office)",
)
def give_notice_of_non_renewal(
    agreement_id: int, data: NonRenewalNotice, session: DbSession, actor: Approver
) -> AgreementDetail:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    steps.give_notice_of_non_renewal(session, actor=actor, agreement=agreement, data=data)
    return agreement_detail(session, actor, agreement)


router = APIRouter()
router.include_router(agreements)
router.include_router(api_obligations.router)
router.include_router(api_documents.router)
