"""JSON API for internship liability insurance under /api/v1: the college's policies (search,
filters, pages), one policy with the placements it covers, adding, changing (with the version
read: a stale edit is a 409), deleting one that covers nothing (else a 409 saying to unlink),
linking and unlinking placements (some, or all of a plan's), and a placement's cover with its
gaps.

Scope comes from :mod:`tandem.placement.insurance`: the college's staff read their college's
policies; a contact those covering placements at their enterprise, a student those covering
their own; another's is a 404. Only the placements a reader may see are listed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import PageMeta, page_meta
from tandem.placement import insurance, insurance_links, scope
from tandem.placement.core.coverage import Span, coverage
from tandem.placement.insurance import PolicyFilter, shows_internal
from tandem.placement.models import Placement
from tandem.placement.models_records import InsurancePolicy
from tandem.placement.schemas_insurance import (
    LinkRequest,
    LinkResult,
    Payer,
    PlacementBrief,
    PlacementCoverRead,
    PolicyCreate,
    PolicyDetail,
    PolicyRead,
    PolicyUpdate,
    SpanRead,
)

Reader = Annotated[Actor, Depends(require(Permission.PLACEMENT_READ))]
Manager = Annotated[Actor, Depends(require(Permission.PLACEMENT_MANAGE))]

router = APIRouter(prefix="/api/v1", tags=["placements"])
ALL = "/insurance-policies"
ONE = "/insurance-policies/{policy_id}"


class PolicyList(BaseModel):
    items: list[PolicyRead]
    meta: PageMeta


def policy_read(policy: InsurancePolicy, count: int, actor: Actor) -> PolicyRead:
    return PolicyRead(
        id=policy.id,
        college_id=policy.college_id,
        insurer=policy.insurer,
        number=policy.number,
        start_on=policy.start_on,
        end_on=policy.end_on,
        premium=policy.premium,
        paid_by=Payer(policy.paid_by),
        note=policy.note if shows_internal(actor) else None,
        placement_count=count,
        version=policy.version,
        created_at=policy.created_at,
        updated_at=policy.updated_at,
    )


def placement_brief(placement: Placement) -> PlacementBrief:
    return PlacementBrief(
        id=placement.id,
        student_id=placement.student_id,
        student_number=placement.student.student_number,
        student_name=placement.student.name,
        enterprise_id=placement.enterprise_id,
        enterprise_name=placement.partnership.enterprise.name,
        plan_id=placement.plan_id,
        start_on=placement.start_on,
        end_on=placement.end_on,
        status=placement.status,
    )


def _read(session: Session, actor: Actor, policy: InsurancePolicy) -> PolicyRead:
    counts = insurance.placement_counts(session, actor=actor, policy_ids=[policy.id])
    return policy_read(policy, counts.get(policy.id, 0), actor)


def _detail(session: Session, actor: Actor, policy: InsurancePolicy) -> PolicyDetail:
    placements = insurance.linked_placements(session, actor=actor, policy=policy)
    read = policy_read(policy, len(placements), actor)
    return PolicyDetail(**read.model_dump(), placements=[placement_brief(p) for p in placements])


def span_read(span: Span) -> SpanRead:
    return SpanRead(start=span.start, end=span.end, days=span.days)


@router.get(ALL, response_model=PolicyList, summary="List and search insurance policies")
def list_policies(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    covering: Annotated[date | None, Query(description="In force on this day.")] = None,
    paid_by: Payer | None = None,
    ending_within: Annotated[
        int | None, Query(ge=0, le=3660, description="Ending within this many days from today.")
    ] = None,
    plan_id: Annotated[int | None, Query(description="Covering a placement of this plan.")] = None,
    placement_id: int | None = None,
) -> PolicyList:
    filters = PolicyFilter(
        covering=covering,
        paid_by=paid_by.value if paid_by else "",
        ending_within=ending_within,
        plan_id=plan_id,
        placement_id=placement_id,
    )
    page = insurance.list_policies(session, actor=actor, params=params, filters=filters)
    counts = insurance.placement_counts(session, actor=actor, policy_ids=[p.id for p in page.items])
    return PolicyList(
        items=[policy_read(p, counts.get(p.id, 0), actor) for p in page.items],
        meta=page_meta(page),
    )


@router.post(
    ALL,
    response_model=PolicyRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add an insurance policy (a premium paid by the student blocks its placements)",
)
def create_policy(
    data: PolicyCreate, response: Response, session: DbSession, actor: Manager
) -> PolicyRead:
    policy = insurance.create_policy(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/insurance-policies/{policy.id}"
    return _read(session, actor, policy)


@router.get(ONE, response_model=PolicyDetail, summary="One policy with the placements it covers")
def get_policy(policy_id: int, session: DbSession, actor: Reader) -> PolicyDetail:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    return _detail(session, actor, policy)


@router.patch(
    ONE,
    response_model=PolicyRead,
    summary="Change a policy (send the version you read); its placements are checked again",
)
def update_policy(
    policy_id: int, data: PolicyUpdate, session: DbSession, actor: Manager
) -> PolicyRead:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    insurance.update_policy(session, actor=actor, policy=policy, data=data)
    return _read(session, actor, policy)


@router.delete(
    ONE,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a policy that covers no placement (else unlink them first)",
)
def delete_policy(policy_id: int, session: DbSession, actor: Manager) -> Response:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    insurance.delete_policy(session, actor=actor, policy=policy)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _result(
    session: Session, actor: Actor, policy: InsurancePolicy, outcome: insurance_links.LinkOutcome
) -> LinkResult:
    return LinkResult(
        linked=outcome.changed,
        unchanged=outcome.unchanged,
        skipped=outcome.skipped,
        policy=_read(session, actor, policy),
    )


@router.post(
    f"{ONE}/link",
    response_model=LinkResult,
    summary="Let the policy cover placements: {placement_ids: [...]} or {plan_id: n} (all of "
    "the plan's placements its period overlaps)",
)
def link(policy_id: int, data: LinkRequest, session: DbSession, actor: Manager) -> LinkResult:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    outcome = insurance_links.link(
        session, actor=actor, policy=policy, placement_ids=data.placement_ids, plan_id=data.plan_id
    )
    return _result(session, actor, policy, outcome)


@router.post(
    f"{ONE}/unlink",
    response_model=LinkResult,
    summary="Stop the policy covering placements: {placement_ids: [...]} or {plan_id: n}",
)
def unlink(policy_id: int, data: LinkRequest, session: DbSession, actor: Manager) -> LinkResult:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    outcome = insurance_links.unlink(
        session, actor=actor, policy=policy, placement_ids=data.placement_ids, plan_id=data.plan_id
    )
    return _result(session, actor, policy, outcome)


@router.get(
    "/placements/{placement_id}/insurance",
    response_model=PlacementCoverRead,
    summary="A placement's insurance: the policies linked and the days they leave uncovered",
)
def placement_insurance(placement_id: int, session: DbSession, actor: Reader) -> PlacementCoverRead:
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    policies = insurance.policies_for(session, placement)
    cover = coverage(insurance.spans(policies), placement.start_on, placement.end_on)
    counts = insurance.placement_counts(session, actor=actor, policy_ids=[p.id for p in policies])
    return PlacementCoverRead(
        placement_id=placement.id,
        start_on=placement.start_on,
        end_on=placement.end_on,
        complete=cover.complete,
        first_uncovered=cover.first_uncovered,
        covered=[span_read(s) for s in cover.covered],
        gaps=[span_read(s) for s in cover.gaps],
        policies=[policy_read(p, counts.get(p.id, 0), actor) for p in policies],
    )
