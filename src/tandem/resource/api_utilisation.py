"""JSON API under /api/v1 for the utilisation of venues and equipment.

Read by every role with ``resource.read``, scoped like the register: a college's staff see their
own college (platform administrators name it with ``college_id``), an enterprise contact only
the resources their enterprise owns or hosts, in a college their enterprise works with (the
first one unless ``college_id`` says which). Definitions: :mod:`tandem.resource.core.utilisation`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_, get_language
from tandem.kit.pagination import Page, page_meta
from tandem.resource import utilisation as service
from tandem.resource.core.utilisation import ResourceReport
from tandem.resource.schemas_utilisation import (
    UnderusedList,
    UtilisationQuery,
    UtilisationRead,
    ValuationRead,
    group_label,
    group_read,
    measures_read,
    point_read,
    resource_rate_read,
    valuation_line_read,
)

router = APIRouter(prefix="/api/v1", tags=["utilisation"])

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
Params = Annotated[UtilisationQuery, Query()]


def build(session: DbSession, actor: Actor, params: UtilisationQuery) -> service.UtilisationReport:
    college = service.resolve_college(session, actor=actor, college_id=params.college_id)
    selection = service.selection_of(
        session, college_id=college.id, query=params, today=local_today()
    )
    return service.utilisation(
        session, actor=actor, college=college, selection=selection, language=get_language()
    )


@router.get(
    "/utilisation",
    response_model=UtilisationRead,
    summary="Available, booked and used hours and rates by group and purpose, over a period",
)
def get_utilisation(session: DbSession, actor: Reader, params: Params) -> UtilisationRead:
    result = build(session, actor, params)
    report = result.report
    return UtilisationRead(
        college_id=result.college.id,
        first=report.first,
        last=report.last,
        group=report.grouping,
        bucket=report.bucket,
        threshold_pct=report.threshold_pct,
        total=measures_read(report.total),
        groups=[group_read(g, group_label(g)) for g in report.groups],
        series=[point_read(p) for p in report.series],
        underused=len(report.underused),
        valuation=ValuationRead(
            default_hour_value_cny=result.teaching_hour_value_cny,
            total_cny=report.valuation_total,
            lines=[valuation_line_read(line) for line in report.valuation],
        ),
    )


UNDERUSED_SORTS = {
    "rate": lambda r: (r.measures.utilisation_rate or 0, r.resource.label),
    "label": lambda r: (r.resource.label, r.resource.id),
    "available": lambda r: (r.measures.available, r.resource.label),
    "used": lambda r: (r.measures.used, r.resource.label),
}


def underused_page(items: list[ResourceReport], params: ListQuery) -> Page[ResourceReport]:
    """The under-used resources: searched by name or tag, sorted, one page."""
    if params.q:
        needle = params.q.strip().casefold()
        items = [r for r in items if needle in r.resource.label.casefold()]
    key = params.sort or "rate"
    name = key.lstrip("-")
    if name not in UNDERUSED_SORTS:
        raise ValidationFailed.single(
            "sort",
            "unknown_sort",
            N_("Unknown sort key %(key)s; use one of: %(allowed)s."),
            key=name,
            allowed=", ".join(sorted(UNDERUSED_SORTS)),
        )
    items = sorted(items, key=UNDERUSED_SORTS[name], reverse=key.startswith("-"))
    start = (params.page - 1) * params.per_page
    return Page(
        items=items[start : start + params.per_page],
        total=len(items),
        page=params.page,
        per_page=params.per_page,
    )


@router.get(
    "/utilisation/underused",
    response_model=UnderusedList,
    summary="Resources used less than the college's threshold over the period (least used first)",
)
def get_underused(
    session: DbSession, actor: Reader, params: Params, listing: ListQuery
) -> UnderusedList:
    result = build(session, actor, params)
    report = result.report
    page = underused_page(report.underused, listing)
    return UnderusedList(
        college_id=result.college.id,
        first=report.first,
        last=report.last,
        threshold_pct=report.threshold_pct,
        items=[resource_rate_read(r) for r in page.items],
        meta=page_meta(page),
    )
