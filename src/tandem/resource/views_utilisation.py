"""The utilisation page: filters, headline figures, a bar chart by group and a line chart over
time (each with its numbers as a table below it), the under-used resources and the value of
teaching on enterprise equipment; and the same as a workbook."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.college.models import College
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, NotFound
from tandem.kit.export import XLSX_MEDIA_TYPE, content_disposition
from tandem.kit.forms import errors_by_field, validate
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.web import render
from tandem.resource import utilisation as service
from tandem.resource.core.utilisation import Bucketing
from tandem.resource.schemas_utilisation import UtilisationQuery
from tandem.resource.utilisation_export import workbook_bytes
from tandem.resource.utilisation_pages import (
    MAX_BARS,
    MAX_ROWS,
    bar_chart,
    group_rows,
    headline,
    kind_label,
    legend,
    line_chart,
    number,
    options,
    ownership_label,
    parse_query,
    percent,
    period_label,
    purposes_in,
    raw_query,
    resource_href,
)

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require(Permission.RESOURCE_READ))]
PAGE_BUCKET: Bucketing = (
    "month"  # the page always draws the line chart; by month unless asked by week
)


def _college(session: Session, actor: Actor, query: UtilisationQuery) -> College | None:
    """The college of the report, or None while a platform admin has not chosen one."""
    if actor.is_platform_wide and query.college_id is None:
        return None
    return service.resolve_college(session, actor=actor, college_id=query.college_id)


def _report(
    session: Session, actor: Actor, college: College, query: UtilisationQuery
) -> service.UtilisationReport:
    selection = service.selection_of(
        session, college_id=college.id, query=query, today=local_today(), bucket=PAGE_BUCKET
    )
    return service.utilisation(
        session, actor=actor, college=college, selection=selection, language=get_language()
    )


@router.get("/utilisation", response_class=HTMLResponse)
def utilisation_page(request: Request, session: DbSession, actor: Reader) -> Response:
    raw = raw_query(request.query_params)
    query, errors = parse_query(raw)
    college: College | None = None
    result: service.UtilisationReport | None = None
    try:
        college = _college(session, actor, query)
        if college is not None and not errors:
            result = _report(session, actor, college, query)
    except NotFound:
        raise
    except AppError as error:
        errors = errors_by_field(error)
    context: dict[str, Any] = {
        "values": raw,
        "errors": errors,
        "college": college,
        "options": options(session, actor, college),
        "result": result,
        "can_set_threshold": actor.can(Permission.CALENDAR_MANAGE),
        "number": number,
        "headline": headline,
        "percent": percent,
        "kind_label": kind_label,
        "ownership_label": ownership_label,
        "period_label": period_label,
        "resource_href": resource_href,
        "max_bars": MAX_BARS,
        "max_rows": MAX_ROWS,
    }
    if result is not None:
        report = result.report
        # The form shows the period the report covers, defaults included.
        context["values"] = {
            **raw,
            "from": raw.get("from") or report.first.isoformat(),
            "to": raw.get("to") or report.last.isoformat(),
        }
        purposes = purposes_in(report)
        context.update(
            report=report,
            rows=group_rows(report),
            purposes=purposes,
            legend=legend(purposes),
            bar_chart=bar_chart(report),
            line_chart=line_chart(report),
            export_query=request.url.query,
        )
    return render(
        request,
        "resource/utilisation.html",
        context,
        status_code=422 if errors else 200,
    )


@router.get("/utilisation/export.xlsx")
def utilisation_export(request: Request, session: DbSession, actor: Reader) -> Response:
    query = validate(UtilisationQuery, raw_query(request.query_params))
    college = service.resolve_college(session, actor=actor, college_id=query.college_id)
    result = _report(session, actor, college, query)
    title = gettext(N_("Utilisation"))
    return Response(
        content=workbook_bytes(result),
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": content_disposition("utilisation", title, local_today()),
            "Cache-Control": "no-store",
        },
    )
