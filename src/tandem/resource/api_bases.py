"""JSON API for training bases under /api/v1: the list with search, filters and sorting, one
base, adding, changing (a stale version is a 409) and deleting one without venues (otherwise a
409 that says to move its venues or close it).

An enterprise's contacts see the bases their enterprise hosts; another college's base is a 404.
The college's remarks and funding per student are null for them, and so is an agreement they
could not open.
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.i18n import get_language
from tandem.kit.pagination import PageMeta, page_meta
from tandem.resource import bases
from tandem.resource.api_venues import Manager, Reader
from tandem.resource.kinds import BaseKind, BaseStatus
from tandem.resource.models import TrainingBase
from tandem.resource.schemas_bases import BaseCreate, BaseRead, BaseUpdate, MajorRef
from tandem.resource.scope import shown_agreement, shows_internal

router = APIRouter(prefix="/api/v1", tags=["resources"])
ONE = "/training-bases/{base_id}"


class BaseList(BaseModel):
    items: list[BaseRead]
    meta: PageMeta


def base_read(base: TrainingBase, stats: bases.BaseStats, actor: Actor) -> BaseRead:
    partnership = base.partnership
    language = get_language()
    internal = shows_internal(actor, base.college_id)
    agreement = shown_agreement(actor, base.agreement)
    return BaseRead(
        id=base.id,
        college_id=base.college_id,
        code=base.code,
        name=base.name,
        kind=BaseKind(base.kind),
        partnership_id=base.partnership_id,
        enterprise_id=partnership.enterprise_id if partnership else None,
        enterprise_name=partnership.enterprise.name if partnership else None,
        agreement_id=agreement.id if agreement else None,
        agreement_title=agreement.title if agreement else None,
        department_id=base.department_id,
        department_name=base.department.name(language) if base.department else None,
        address=base.address,
        founded_on=base.founded_on,
        workstations=base.workstations,
        host_staff_on_post=base.host_staff_on_post,
        projects=base.projects,
        lodging=base.lodging,
        intern_subsidy_cny=base.intern_subsidy_cny,
        college_funding_per_student_cny=(
            base.college_funding_per_student_cny if internal else None
        ),
        majors=[MajorRef(id=m.id, code=m.code, name=m.name(language)) for m in base.majors],
        status=BaseStatus(base.status),
        note=base.note if internal else None,
        venue_count=stats.venues,
        equipment_value_cny=stats.equipment_value_cny.quantize(Decimal("0.01")),
        version=base.version,
        created_at=base.created_at,
        updated_at=base.updated_at,
    )


def _one(session: Session, actor: Actor, base: TrainingBase) -> BaseRead:
    stats = bases.base_stats(session, actor=actor, base_ids=[base.id])
    return base_read(base, stats.get(base.id, bases.BaseStats()), actor)


@router.get(
    "/training-bases",
    response_model=BaseList,
    summary="List and search training bases (a college's own; those an enterprise hosts)",
)
def list_bases(
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    kind: BaseKind | None = None,
    status: BaseStatus | None = None,
    department_id: int | None = None,
    partnership_id: int | None = None,
    college_id: int | None = None,
) -> BaseList:
    filters = bases.BaseFilter(
        kind=kind.value if kind else "",
        status=status.value if status else "",
        department_id=department_id,
        partnership_id=partnership_id,
        college_id=college_id,
    )
    page = bases.list_bases(session, actor=actor, params=params, filters=filters)
    stats = bases.base_stats(session, actor=actor, base_ids=[b.id for b in page.items])
    return BaseList(
        items=[base_read(b, stats.get(b.id, bases.BaseStats()), actor) for b in page.items],
        meta=page_meta(page),
    )


@router.post(
    "/training-bases",
    response_model=BaseRead,
    status_code=status.HTTP_201_CREATED,
    summary="Add a training base (off campus: with its host enterprise)",
)
def create_base(
    data: BaseCreate, response: Response, session: DbSession, actor: Manager
) -> BaseRead:
    base = bases.create_base(session, actor=actor, data=data)
    response.headers["Location"] = f"/api/v1/training-bases/{base.id}"
    return _one(session, actor, base)


@router.get(ONE, response_model=BaseRead, summary="One training base")
def get_base(base_id: int, session: DbSession, actor: Reader) -> BaseRead:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    return _one(session, actor, base)


@router.patch(
    ONE,
    response_model=BaseRead,
    summary="Change a training base (send the version you read; major_ids replaces the majors)",
)
def update_base(base_id: int, data: BaseUpdate, session: DbSession, actor: Manager) -> BaseRead:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    bases.update_base(session, actor=actor, base=base, data=data)
    return _one(session, actor, base)


@router.delete(
    ONE,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a training base without venues or agreement links (else close it)",
)
def delete_base(base_id: int, session: DbSession, actor: Manager) -> Response:
    base = bases.get_base(session, actor=actor, base_id=base_id)
    bases.delete_base(session, actor=actor, base=base)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
