"""Pages for the partner registry: enterprises, their staff counts and contacts.

Proposals and partnerships have their own modules; their routes are included here, so the app
mounts one router for the whole registry.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner import (
    export_views,
    partnership_views,
    proposal_views,
    repository,
    service,
)
from tandem.partner.models import Enterprise, EnterpriseContact
from tandem.partner.pages import (
    EXTRA_FIELDS,
    choices,
    duplicate_of,
    enterprise_filter,
    enterprise_values,
    form_errors,
    master_values,
    registration_values,
    see_other,
)
from tandem.partner.schemas import (
    ContactCreate,
    ContactUpdate,
    EnterpriseCreate,
    EnterpriseUpdate,
    StaffCountCreate,
)
from tandem.partner.service import ENTERPRISE_FIELDS

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
# The exports first, so that "/enterprises/export.xlsx" is never read as an enterprise's id.
router.include_router(export_views.router)

Reader = Annotated[Actor, Depends(require(Permission.ENTERPRISE_READ))]
Creator = Annotated[Actor, Depends(require(Permission.ENTERPRISE_CREATE))]
Editor = Annotated[Actor, Depends(require(Permission.ENTERPRISE_EDIT))]

REGISTRATION_FIELDS = (*ENTERPRISE_FIELDS, *EXTRA_FIELDS.values())
CONTACT_FIELDS = ("name", "role", "phone", "email")
STAFF_FIELDS = ("as_of", "on_post_staff")


def _url(enterprise: Enterprise) -> str:
    return f"/enterprises/{enterprise.id}"


# --- list and detail -----------------------------------------------------------------------------


@router.get("/enterprises", response_class=HTMLResponse)
def enterprise_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    kind: str = "",
    industry_section: str = "",
    region: str = "",
    certified: str = "",
    archived: str = "current",
) -> Response:
    filters = enterprise_filter(kind, industry_section, region, certified, archived)
    page = repository.list_enterprises(session, actor=actor, params=params, filters=filters)
    ours = repository.college_partnerships(
        session, actor=actor, enterprise_ids=[e.id for e in page.items]
    )
    return render(
        request,
        "partner/enterprise_list.html",
        {
            "page": page,
            "params": params,
            "filters": {
                "kind": filters.kind,
                "industry_section": filters.industry_section,
                "region": filters.region,
                "certified": certified,
                "archived": archived,
            },
            "ours": ours,
            **choices(),
        },
        block="results",
    )


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    enterprise: Enterprise,
    *,
    staff_values: dict[str, Any] | None = None,
    staff_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    partnerships = repository.partnerships_of(session, actor=actor, enterprise=enterprise)
    own = next((p for p in partnerships if p.college_id == actor.college_id), None)
    proposals = repository.list_proposals(
        session, actor=actor, params=ListParams(per_page=50), enterprise=enterprise
    ).items
    current = enterprise.archived_at is None
    return render(
        request,
        "partner/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "staff_counts": repository.list_staff_counts(session, enterprise=enterprise),
            "contacts": repository.list_contacts(session, enterprise=enterprise),
            "partnerships": partnerships,
            "own_partnership": own,
            "colleges": repository.colleges_by_id(
                session, [p.college_id for p in partnerships] + [p.college_id for p in proposals]
            ),
            "proposals": proposals,
            "can_edit": current and service.can_edit_directly(actor, enterprise),
            "can_propose": current and service.can_propose(actor, enterprise),
            "can_archive": actor.is_platform_wide,
            "can_start": current
            and own is None
            and actor.college_id is not None
            and actor.can(Permission.PARTNERSHIP_MANAGE),
            "staff_values": staff_values or {},
            "staff_errors": staff_errors or {},
            **choices(),
        },
        status_code=status_code,
    )


@router.get("/enterprises/new", response_class=HTMLResponse)
def enterprise_new(request: Request, actor: Creator) -> Response:
    return render(
        request,
        "partner/enterprise_form.html",
        {"values": {}, "errors": {}, "enterprise": None, "duplicate": None, **choices()},
    )


@router.post("/enterprises/new", response_class=HTMLResponse)
async def enterprise_create(request: Request, session: DbSession, actor: Creator) -> Response:
    values = await read_form(request)
    try:
        data = validate(EnterpriseCreate, registration_values(values))
        enterprise = service.create_enterprise(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        return render(
            request,
            "partner/enterprise_form.html",
            {
                "values": values,
                "errors": form_errors(error, shown=REGISTRATION_FIELDS),
                "enterprise": None,
                "duplicate": duplicate_of(error),
                **choices(),
            },
            status_code=error.status_code,
        )
    flash(request, N_("%(name)s registered."), name=enterprise.name)
    return see_other(_url(enterprise))


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_detail(
    enterprise_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    return _detail(request, session, actor, enterprise)


# --- direct edits --------------------------------------------------------------------------------


def _editable(session: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    service.require_edit(actor, enterprise)
    return enterprise


@router.get("/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
def enterprise_edit(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    return render(
        request,
        "partner/enterprise_form.html",
        {
            "values": enterprise_values(enterprise),
            "errors": {},
            "enterprise": enterprise,
            "duplicate": None,
            **choices(),
        },
    )


@router.post("/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
async def enterprise_update(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    values = await read_form(request)
    try:
        data = validate(EnterpriseUpdate, master_values(values))
        data.version = form_version(values)  # missing or tampered (0) counts as stale
        service.update_enterprise(session, actor=actor, enterprise=enterprise, data=data)
    except AppError as error:
        session.rollback()
        return render(
            request,
            "partner/enterprise_form.html",
            {
                "values": values,
                "errors": form_errors(error, shown=ENTERPRISE_FIELDS),
                "enterprise": enterprise,
                "duplicate": duplicate_of(error),
                **choices(),
            },
            status_code=error.status_code,
        )
    flash(request, N_("Changes to %(name)s saved."), name=enterprise.name)
    return see_other(_url(enterprise))


@router.get("/enterprises/{enterprise_id}/archive", response_class=HTMLResponse)
def enterprise_confirm_archive(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    service.require_platform(actor)
    return render(
        request, "partner/enterprise_archive.html", {"enterprise": enterprise, "errors": {}}
    )


@router.post("/enterprises/{enterprise_id}/archive", response_class=HTMLResponse)
async def enterprise_archive(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    values = await read_form(request)
    try:
        service.archive_enterprise(
            session, actor=actor, enterprise=enterprise, version=form_version(values)
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        return render(
            request,
            "partner/enterprise_archive.html",
            {"enterprise": enterprise, "errors": form_errors(error)},
            status_code=error.status_code,
        )
    flash(request, N_("%(name)s archived."), name=enterprise.name)
    return see_other(_url(enterprise))


@router.post("/enterprises/{enterprise_id}/restore", response_class=HTMLResponse)
async def enterprise_restore(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = repository.get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    values = await read_form(request)
    try:
        service.restore_enterprise(
            session, actor=actor, enterprise=enterprise, version=form_version(values)
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        flash(request, error.message, "error", **error.params)
        return see_other(_url(enterprise))
    flash(request, N_("%(name)s restored."), name=enterprise.name)
    return see_other(_url(enterprise))


# --- staff counts --------------------------------------------------------------------------------


@router.post("/enterprises/{enterprise_id}/staff-counts", response_class=HTMLResponse)
async def staff_count_add(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    values = await read_form(request)
    try:
        data = validate(StaffCountCreate, {k: v for k, v in values.items() if k in STAFF_FIELDS})
        service.add_staff_count(session, actor=actor, enterprise=enterprise, data=data)
    except AppError as error:
        session.rollback()
        return _detail(
            request,
            session,
            actor,
            enterprise,
            staff_values=values,
            staff_errors=form_errors(error, shown=STAFF_FIELDS),
            status_code=error.status_code,
        )
    flash(request, N_("Staff count for %(date)s recorded."), date=data.as_of.isoformat())
    return see_other(_url(enterprise))


@router.post(
    "/enterprises/{enterprise_id}/staff-counts/{staff_count_id}/delete",
    response_class=HTMLResponse,
)
def staff_count_delete(
    enterprise_id: int, staff_count_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    count = repository.get_staff_count(
        session, enterprise=enterprise, staff_count_id=staff_count_id
    )
    day = count.as_of.isoformat()
    try:
        service.delete_staff_count(session, actor=actor, enterprise=enterprise, staff_count=count)
    except AppError as error:
        session.rollback()
        flash(request, error.message, "error", **error.params)
        return see_other(_url(enterprise))
    flash(request, N_("Staff count for %(date)s deleted."), date=day)
    return see_other(_url(enterprise))


# --- contacts ------------------------------------------------------------------------------------


def _contact_form(
    request: Request,
    enterprise: Enterprise,
    contact: EnterpriseContact | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "partner/contact_form.html",
        {"enterprise": enterprise, "contact": contact, "values": values, "errors": errors},
        status_code=status_code,
    )


@router.get("/enterprises/{enterprise_id}/contacts/new", response_class=HTMLResponse)
def contact_new(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    return _contact_form(request, enterprise, None, {}, {})


@router.post("/enterprises/{enterprise_id}/contacts/new", response_class=HTMLResponse)
async def contact_create(
    enterprise_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    values = await read_form(request)
    try:
        data = validate(ContactCreate, {k: v for k, v in values.items() if k in CONTACT_FIELDS})
        contact = service.add_contact(session, actor=actor, enterprise=enterprise, data=data)
    except AppError as error:
        session.rollback()
        errors = form_errors(error, shown=CONTACT_FIELDS)
        return _contact_form(request, enterprise, None, values, errors, error.status_code)
    flash(request, N_("Contact %(name)s added."), name=contact.name)
    return see_other(_url(enterprise))


@router.get("/enterprises/{enterprise_id}/contacts/{contact_id}/edit", response_class=HTMLResponse)
def contact_edit(
    enterprise_id: int, contact_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    contact = repository.get_contact(session, enterprise=enterprise, contact_id=contact_id)
    values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    return _contact_form(request, enterprise, contact, values, {})


@router.post("/enterprises/{enterprise_id}/contacts/{contact_id}/edit", response_class=HTMLResponse)
async def contact_update(
    enterprise_id: int, contact_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    contact = repository.get_contact(session, enterprise=enterprise, contact_id=contact_id)
    values = await read_form(request)
    try:
        # Every field is shown: a blank one is cleared (the name is required).
        data = validate(ContactUpdate, {name: values.get(name, "") for name in CONTACT_FIELDS})
        service.update_contact(
            session, actor=actor, enterprise=enterprise, contact=contact, data=data
        )
    except AppError as error:
        session.rollback()
        errors = form_errors(error, shown=CONTACT_FIELDS)
        return _contact_form(request, enterprise, contact, values, errors, error.status_code)
    flash(request, N_("Contact %(name)s saved."), name=contact.name)
    return see_other(_url(enterprise))


@router.post(
    "/enterprises/{enterprise_id}/contacts/{contact_id}/delete", response_class=HTMLResponse
)
def contact_delete(
    enterprise_id: int, contact_id: int, request: Request, session: DbSession, actor: Editor
) -> Response:
    enterprise = _editable(session, actor, enterprise_id)
    contact = repository.get_contact(session, enterprise=enterprise, contact_id=contact_id)
    name = contact.name
    try:
        service.delete_contact(session, actor=actor, enterprise=enterprise, contact=contact)
    except AppError as error:
        session.rollback()
        flash(request, error.message, "error", **error.params)
        return see_other(_url(enterprise))
    flash(request, N_("Contact %(name)s removed."), name=name)
    return see_other(_url(enterprise))


router.include_router(proposal_views.router)
router.include_router(partnership_views.router)
