"""JSON API for an agreement's obligations (each side's quantified commitments) and the amounts
delivered against them. Each obligation comes with its standing today: committed, due so far,
delivered and whether it is on track."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi import status as http

from tandem.agreement import obligations, repository
from tandem.agreement.api_read import ObligationList, obligation_read
from tandem.agreement.deps import Manager, Reader
from tandem.agreement.schemas import (
    DeliveryCreate,
    ObligationCreate,
    ObligationRead,
    ObligationUpdate,
)
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession
from tandem.resource.links_register import register_checks

router = APIRouter(prefix="/api/v1", tags=["agreement"])
MANY = "/agreements/{agreement_id}/obligations"
ONE = f"{MANY}/{{obligation_id}}"


@router.get(MANY, response_model=ObligationList, summary="An agreement's obligations")
def list_obligations(agreement_id: int, session: DbSession, actor: Reader) -> ObligationList:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    today, checks = local_today(), register_checks(session, agreement)
    return ObligationList(
        items=[obligation_read(ob, today, checks) for ob in agreement.obligations]
    )


@router.post(
    MANY,
    response_model=ObligationRead,
    status_code=http.HTTP_201_CREATED,
    summary="Add an obligation: what one side commits to, how much and by when",
)
def add_obligation(
    agreement_id: int,
    data: ObligationCreate,
    response: Response,
    session: DbSession,
    actor: Manager,
) -> ObligationRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    obligation = obligations.add_obligation(session, actor=actor, agreement=agreement, data=data)
    response.headers["Location"] = f"/api/v1/agreements/{agreement.id}/obligations/{obligation.id}"
    return obligation_read(obligation, checks=register_checks(session, agreement))


@router.get(ONE, response_model=ObligationRead, summary="One obligation with its deliveries")
def get_obligation(
    agreement_id: int, obligation_id: int, session: DbSession, actor: Reader
) -> ObligationRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    obligation = repository.get_obligation(
        session, actor=actor, agreement=agreement, obligation_id=obligation_id
    )
    return obligation_read(obligation, checks=register_checks(session, agreement))


@router.patch(
    ONE,
    response_model=ObligationRead,
    summary="Change an obligation (before the agreement is approved; send version)",
)
def update_obligation(
    agreement_id: int,
    obligation_id: int,
    data: ObligationUpdate,
    session: DbSession,
    actor: Manager,
) -> ObligationRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    obligation = repository.get_obligation(
        session, actor=actor, agreement=agreement, obligation_id=obligation_id
    )
    obligations.update_obligation(
        session, actor=actor, agreement=agreement, obligation=obligation, data=data
    )
    return obligation_read(obligation, checks=register_checks(session, agreement))


@router.delete(
    ONE,
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove an obligation (before the agreement is approved)",
)
def delete_obligation(
    agreement_id: int, obligation_id: int, session: DbSession, actor: Manager
) -> Response:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    obligation = repository.get_obligation(
        session, actor=actor, agreement=agreement, obligation_id=obligation_id
    )
    obligations.delete_obligation(session, actor=actor, agreement=agreement, obligation=obligation)
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.post(
    f"{ONE}/deliveries",
    response_model=ObligationRead,
    status_code=http.HTTP_201_CREATED,
    summary="Record an amount delivered (once signed); returns the obligation's new standing",
)
def record_delivery(
    agreement_id: int,
    obligation_id: int,
    data: DeliveryCreate,
    session: DbSession,
    actor: Manager,
) -> ObligationRead:
    agreement = repository.get_agreement(session, actor=actor, agreement_id=agreement_id)
    obligation = repository.get_obligation(
        session, actor=actor, agreement=agreement, obligation_id=obligation_id
    )
    obligations.record_delivery(
        session, actor=actor, agreement=agreement, obligation=obligation, data=data
    )
    return obligation_read(obligation, checks=register_checks(session, agreement))
