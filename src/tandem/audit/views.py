from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tandem.audit import repository
from tandem.audit.labels import action_label, entity_label
from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.export import field, local_time
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import render

router = APIRouter(include_in_schema=False)
Auditor = Annotated[Actor, Depends(require(Permission.AUDIT_READ))]


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: DbSession,
    actor: Auditor,
    params: ListQuery,
    action: str = "",
    entity_type: str = "",
    by: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Response:
    filters = repository.AuditFilter(
        action=action, entity_type=entity_type, actor=by, date_from=date_from, date_to=date_to
    )
    page = repository.list_entries(
        session,
        actor=actor,
        params=params,
        filters=filters,
        zone=ZoneInfo(request.app.state.settings.timezone),
    )
    actions, types = repository.distinct_values(session, actor=actor)
    return render(
        request,
        "audit/list.html",
        {"page": page, "params": params, "filters": filters, "actions": actions, "types": types},
        block="results",
    )


def _value(value: Any) -> str:
    return "∅" if value is None else str(value)


def _changes(entry: AuditEntry) -> str | None:
    """The changes as the page shows them: before → after, secrets only as changed."""
    parts = []
    for name, change in (entry.changes or {}).items():
        if isinstance(change, str):
            parts.append(f"{name}: {gettext(N_('changed'))}")
        elif isinstance(change, list) and len(change) == 2:
            parts.append(f"{name}: {_value(change[0])} → {_value(change[1])}")
        else:
            parts.append(f"{name}: {_value(change)}")
    return export.text("; ".join(parts))


AUDIT_FIELDS = (
    field("occurred_at", "时间", "When", lambda e: local_time(e.occurred_at)),
    field("actor", "操作人", "Who", lambda e: e.actor_label),
    field("action", "操作", "Action", lambda e: action_label(e.action)),
    field("entity_type", "记录类型", "Record", lambda e: entity_label(e.entity_type)),
    field("entity_id", "记录编号", "Record id"),
    field("summary", "摘要", "Summary", lambda e: export.text(e.summary)),
    field("changes", "变更内容", "Changes", _changes),
)


@router.get("/audit/export.xlsx")
def audit_export(
    request: Request,
    session: DbSession,
    actor: Auditor,
    params: ListQuery,
    action: str = "",
    entity_type: str = "",
    by: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Response:
    filters = repository.AuditFilter(
        action=action, entity_type=entity_type, actor=by, date_from=date_from, date_to=date_to
    )
    zone = ZoneInfo(request.app.state.settings.timezone)
    stmt = repository.entries_query(actor=actor, params=params, filters=filters, zone=zone)
    rows = export.stream(session, stmt)
    return export.xlsx_response(AUDIT_FIELDS, rows, stem="audit-log", title=N_("Audit log"))
