"""JSON API for a partnership's joint steering body under /api/v1: the body, its members from
both sides, and its meetings with minutes and decisions.

The body is joint, so its members, minutes and decisions are shared with the enterprise's
contacts (who read but do not write); the college's cooperation office and the partnership's
department coordinator manage it.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from tandem.agreement import repository, steering, steering_queries
from tandem.agreement.deps import Manager, Reader
from tandem.agreement.schemas import (
    SteeringBodyCreate,
    SteeringBodyRead,
    SteeringBodyUpdate,
    SteeringMeetingCreate,
    SteeringMeetingRead,
    SteeringMemberCreate,
    SteeringMemberRead,
)
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import PageMeta, page_meta

router = APIRouter(prefix="/api/v1", tags=["steering"])

BODY = "/steering-bodies/{body_id}"


class SteeringBodyList(BaseModel):
    items: list[SteeringBodyRead]
    meta: PageMeta


@router.get(
    "/steering-bodies",
    response_model=SteeringBodyList,
    summary="List steering bodies (a college's own; an enterprise's for its contacts)",
)
def list_bodies(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    partnership_id: int | None = None,
    enterprise_id: int | None = None,
    overdue: bool = False,
) -> SteeringBodyList:
    filters = steering_queries.BodyFilter(
        partnership_id=partnership_id, enterprise_id=enterprise_id, overdue=overdue
    )
    page = steering_queries.list_bodies(session, actor=actor, params=params, filters=filters)
    return SteeringBodyList(
        items=[SteeringBodyRead.model_validate(b) for b in page.items], meta=page_meta(page)
    )


@router.post(
    "/steering-bodies",
    response_model=SteeringBodyRead,
    status_code=status.HTTP_201_CREATED,
    summary="Set up a partnership's joint steering body (one per partnership)",
)
def create_body(
    data: SteeringBodyCreate, response: Response, session: DbSession, actor: Manager
) -> SteeringBodyRead:
    body = steering.create_body(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/steering-bodies/{body.id}"
    return SteeringBodyRead.model_validate(body)


@router.get(BODY, response_model=SteeringBodyRead, summary="One steering body")
def get_body(body_id: int, session: DbSession, actor: Reader) -> SteeringBodyRead:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    return SteeringBodyRead.model_validate(body)


@router.patch(
    BODY,
    response_model=SteeringBodyRead,
    summary="Change a steering body's name, framework agreement, dates or review interval",
)
def update_body(
    body_id: int, data: SteeringBodyUpdate, session: DbSession, actor: Manager
) -> SteeringBodyRead:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    steering.update_body(session, actor=actor, body=body, data=data)
    return SteeringBodyRead.model_validate(body)


@router.post(
    f"{BODY}/members",
    response_model=SteeringMemberRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a member from the college's or the enterprise's side",
)
def add_member(
    body_id: int, data: SteeringMemberCreate, session: DbSession, actor: Manager
) -> SteeringMemberRead:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    member = steering.add_member(session, actor=actor, body=body, data=data)
    return SteeringMemberRead.model_validate(member)


@router.delete(
    f"{BODY}/members/{{member_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a member",
)
def remove_member(body_id: int, member_id: int, session: DbSession, actor: Manager) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    member = steering_queries.get_member(session, body=body, member_id=member_id)
    steering.remove_member(session, actor=actor, body=body, member=member)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    f"{BODY}/meetings",
    response_model=SteeringMeetingRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record a meeting with its minutes and decisions (a review moves the next review on)",
)
def add_meeting(
    body_id: int, data: SteeringMeetingCreate, session: DbSession, actor: Manager
) -> SteeringMeetingRead:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    meeting = steering.add_meeting(session, actor=actor, body=body, data=data)
    return SteeringMeetingRead.model_validate(meeting)


@router.delete(
    f"{BODY}/meetings/{{meeting_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a meeting recorded by mistake",
)
def delete_meeting(body_id: int, meeting_id: int, session: DbSession, actor: Manager) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    meeting = steering_queries.get_meeting(session, body=body, meeting_id=meeting_id)
    steering.delete_meeting(session, actor=actor, body=body, meeting=meeting)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
