"""JSON API for venues under /api/v1: the list with search, filters and sorting, one venue,
adding, changing (with the version read: a stale edit is a 409) and deleting one nothing refers
to (otherwise a 409 that says to close it).

Scope comes from :mod:`tandem.resource.scope`: a college's own venues; an enterprise contact's,
those their enterprise owns alone or jointly; another's venue is a 404. A contact reads neither
the college's remarks (null) nor the name of a training base they may not see.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.i18n import get_language
from tandem.kit.pagination import PageMeta, page_meta
from tandem.resource import scope, venues
from tandem.resource.kinds import Ownership, VenueKind, VenueStatus
from tandem.resource.models import Venue
from tandem.resource.schemas_venues import VenueCreate, VenueRead, VenueUpdate
from tandem.resource.scope import shows_internal

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Manager = Annotated[Actor, Depends(require(Permission.RESOURCE_MANAGE))]

router = APIRouter(prefix="/api/v1", tags=["resources"])
ONE = "/venues/{venue_id}"


class VenueList(BaseModel):
    items: list[VenueRead]
    meta: PageMeta


def venue_read(venue: Venue, equipment_count: int, actor: Actor) -> VenueRead:
    partnership = venue.partnership
    language = get_language()
    base = venue.base if venue.base is not None and scope.can_see(actor, venue.base) else None
    return VenueRead(
        id=venue.id,
        college_id=venue.college_id,
        code=venue.code,
        name=venue.name,
        building=venue.building,
        kind=VenueKind(venue.kind),
        area_m2=venue.area_m2,
        workstations=venue.workstations,
        ownership=Ownership(venue.ownership),
        partnership_id=venue.partnership_id,
        enterprise_id=partnership.enterprise_id if partnership else None,
        enterprise_name=partnership.enterprise.name if partnership else None,
        department_id=venue.department_id,
        department_name=venue.department.name(language) if venue.department else None,
        base_id=venue.base_id,
        base_name=base.name if base else None,
        status=VenueStatus(venue.status),
        note=venue.note if shows_internal(actor, venue.college_id) else None,
        equipment_count=equipment_count,
        version=venue.version,
        created_at=venue.created_at,
        updated_at=venue.updated_at,
    )


def _one(session: Session, actor: Actor, venue: Venue) -> VenueRead:
    counts = venues.equipment_counts(session, actor=actor, venue_ids=[venue.id])
    return venue_read(venue, counts.get(venue.id, 0), actor)


@router.get(
    "/venues",
    response_model=VenueList,
    summary="List and search venues (a college's own; an enterprise's for its contacts)",
)
def list_venues(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    kind: VenueKind | None = None,
    status: VenueStatus | None = None,
    ownership: Ownership | None = None,
    department_id: int | None = None,
    base_id: int | None = None,
    partnership_id: int | None = None,
    college_id: int | None = None,
) -> VenueList:
    filters = venues.VenueFilter(
        kind=kind.value if kind else "",
        status=status.value if status else "",
        ownership=ownership.value if ownership else "",
        department_id=department_id,
        base_id=base_id,
        partnership_id=partnership_id,
        college_id=college_id,
    )
    page = venues.list_venues(session, actor=actor, params=params, filters=filters)
    counts = venues.equipment_counts(session, actor=actor, venue_ids=[v.id for v in page.items])
    return VenueList(
        items=[venue_read(v, counts.get(v.id, 0), actor) for v in page.items],
        meta=page_meta(page),
    )


@router.post(
    "/venues",
    response_model=VenueRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a venue (coordinators: to their own department)",
)
def create_venue(
    data: VenueCreate, response: Response, session: DbSession, actor: Manager
) -> VenueRead:
    venue = venues.create_venue(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/venues/{venue.id}"
    return _one(session, actor, venue)


@router.get(ONE, response_model=VenueRead, summary="One venue")
def get_venue(venue_id: int, session: DbSession, actor: Reader) -> VenueRead:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    return _one(session, actor, venue)


@router.patch(
    ONE,
    response_model=VenueRead,
    summary="Change a venue (send the version you read; null clears an optional field)",
)
def update_venue(venue_id: int, data: VenueUpdate, session: DbSession, actor: Manager) -> VenueRead:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    venues.update_venue(session, actor=actor, venue=venue, data=data)
    return _one(session, actor, venue)


@router.delete(
    ONE,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a venue without bookings, equipment or agreement links (else close it)",
)
def delete_venue(venue_id: int, session: DbSession, actor: Manager) -> Response:
    venue = venues.get_venue(session, actor=actor, venue_id=venue_id)
    venues.delete_venue(session, actor=actor, venue=venue)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
