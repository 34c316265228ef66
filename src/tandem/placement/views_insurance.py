"""Insurance pages: the policies (search, filters, pages, Excel export), the placements that
need cover, adding a policy (also from a placement's page, linked to it at once), the policy
with the placements it covers and a form to link more (a plan's, or by student numbers),
editing, deleting with a confirmation (refused while it covers placements), unlinking, and
linking an existing policy from a placement's page."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.college.models import College
from tandem.kit import export
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.pagination import Page
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.placement import insurance, insurance_links, scope
from tandem.placement import insurance_pages as pages
from tandem.placement.api_insurance import Manager, Reader
from tandem.placement.models import Placement
from tandem.placement.models_records import InsurancePolicy
from tandem.placement.schemas_insurance import PolicyCreate, PolicyUpdate
from tandem.resource.venue_base_pages import college_options, form_errors, plain

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

LIST = "/insurance-policies"
FORM_FIELDS = (
    "college_id",
    "insurer",
    "number",
    "start_on",
    "end_on",
    "premium",
    "paid_by",
    "note",
)
LINK_FIELDS = ("plan_id", "student_numbers", "placement_ids")
_NUMBERS = re.compile(r"[\s,;，；、]+")


def url_of(policy: InsurancePolicy) -> str:
    return f"{LIST}/{policy.id}"


def _local(target: str, fallback: str) -> str:
    """A return address on this site only (never another host)."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else fallback


def _refuse_403(session: Session, error: AppError) -> None:
    session.rollback()
    if error.status_code == 403:
        raise error


# --- list, export and the placements that need cover ----------------------------------------------


@router.get(LIST, response_class=HTMLResponse)
def policy_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    filters: pages.PolicyListFilter,
) -> Response:
    page = insurance.list_policies(session, actor=actor, params=params, filters=filters)
    counts = insurance.placement_counts(session, actor=actor, policy_ids=[p.id for p in page.items])
    return render(
        request,
        "placement/insurance_list.html",
        {
            "page": page,
            "params": params,
            "filters": pages.shown(filters),
            "counts": counts,
            "plans": pages.plan_options(session, actor),
            "can_create": insurance.may_create(actor),
            "can_see_needs": actor.can(Permission.PLACEMENT_MANAGE),
            "today": local_today(),
            **pages.choices(),
        },
        block="results",
    )


@router.get(f"{LIST}/export.xlsx")
def policy_export(
    session: DbSession, actor: Reader, params: ListQuery, filters: pages.PolicyListFilter
) -> Response:
    stmt = insurance.policies_query(actor=actor, params=params, filters=filters)
    return export.xlsx_response(
        pages.fields(actor),
        pages.rows(session, actor, stmt),
        stem="insurance-policies",
        title=N_("Insurance policies"),
    )


@router.get(f"{LIST}/needs-cover", response_class=HTMLResponse)
def needs_cover(
    request: Request, session: DbSession, actor: Manager, params: ListQuery, plan_id: str = ""
) -> Response:
    today = local_today()
    plan = int(plan_id) if plan_id.isdigit() and len(plan_id) < 10 else None
    rows = insurance_links.needs_cover(session, actor=actor, today=today, plan_id=plan)
    first = (params.page - 1) * params.per_page
    shown = insurance_links.load_needs_cover(session, rows[first : first + params.per_page])
    page = Page(items=shown, total=len(rows), page=params.page, per_page=params.per_page)
    return render(
        request,
        "placement/insurance_needs_cover.html",
        {
            "page": page,
            "params": params,
            "plan_id": "" if plan is None else str(plan),
            "plans": pages.plan_options(session, actor),
            "today": today,
            "soon_days": insurance.SOON_DAYS,
            "range_text": insurance.range_text,
            **pages.choices(),
        },
        block="results",
    )


# --- the form (new and edit) ----------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    policy: InsurancePolicy | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    placement: Placement | None = None,
) -> Response:
    college_id = policy.college_id if policy else actor.college_id
    return render(
        request,
        "placement/insurance_form.html",
        {
            "policy": policy,
            "placement": placement,
            "values": values,
            "errors": errors,
            "colleges": college_options(session) if college_id is None and not placement else [],
            "payer_hint": pages.payer_hint(),
            **pages.choices(),
        },
        status_code=status_code,
    )


def _payload(values: dict[str, str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in FORM_FIELDS}


def _for_placement(session: Session, actor: Actor, raw: str) -> Placement | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) >= 10:
        return None
    return scope.get_placement(session, actor=actor, placement_id=int(raw))


@router.get(f"{LIST}/new", response_class=HTMLResponse)
def policy_new(
    request: Request, session: DbSession, actor: Manager, placement_id: str = ""
) -> Response:
    placement = _for_placement(session, actor, placement_id)
    values: dict[str, Any] = {"paid_by": "college"}
    if placement is not None:
        values |= {
            "start_on": placement.start_on.isoformat(),
            "end_on": placement.end_on.isoformat(),
        }
    return _form(request, session, actor, None, values, {}, placement=placement)


@router.post(f"{LIST}/new", response_class=HTMLResponse)
async def policy_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    placement = _for_placement(session, actor, values.get("placement_id", ""))
    payload = _payload(values)
    if placement is not None:
        payload["college_id"] = placement.college_id if actor.is_platform_wide else None
    try:
        data = validate(PolicyCreate, payload)
        policy = insurance.create_policy(session, actor=actor, data=data)
        if placement is not None:
            insurance_links.link(session, actor=actor, policy=policy, placement_ids=[placement.id])
    except AppError as error:
        _refuse_403(session, error)
        errors = form_errors(error, FORM_FIELDS)
        return _form(
            request, session, actor, None, values, errors, error.status_code, placement=placement
        )
    name = f"{policy.insurer} {policy.number}"
    if placement is not None:
        flash(request, N_("Policy %(name)s added and linked to this placement."), name=name)
        return see_other(f"/placements/{placement.id}")
    flash(request, N_("Policy %(name)s added."), name=name)
    return see_other(url_of(policy))


# --- the policy -----------------------------------------------------------------------------------


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    policy: InsurancePolicy,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    can_manage = insurance.can_manage_policy(session, actor, policy)
    return render(
        request,
        "placement/insurance_detail.html",
        {
            "policy": policy,
            "college": session.get(College, policy.college_id),
            "placements": insurance.linked_placements(session, actor=actor, policy=policy),
            "can_manage": can_manage,
            "show_internal": insurance.shows_internal(actor),
            "plans": pages.plan_options(session, actor) if can_manage else [],
            "values": values or {},
            "errors": errors or {},
            "student_pays": policy.paid_by == "student",
            **pages.choices(),
        },
        status_code=status_code,
    )


@router.get(f"{LIST}/{{policy_id}}", response_class=HTMLResponse)
def policy_detail(policy_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    return _detail(request, session, actor, policy)


# --- edit -----------------------------------------------------------------------------------------


def policy_values(policy: InsurancePolicy) -> dict[str, Any]:
    values = {name: plain(getattr(policy, name)) for name in insurance.POLICY_FIELDS}
    return values | {"version": policy.version}


@router.get(f"{LIST}/{{policy_id}}/edit", response_class=HTMLResponse)
def policy_edit(policy_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    insurance.require_manage(session, actor, policy)
    return _form(request, session, actor, policy, policy_values(policy), {})


@router.post(f"{LIST}/{{policy_id}}/edit", response_class=HTMLResponse)
async def policy_update(
    policy_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    values = await read_form(request)
    try:
        payload = _payload(values)
        payload.pop("college_id", None)
        full = validate(PolicyCreate, payload)  # every field is on the form: the same checks
        data = PolicyUpdate(**full.model_dump(exclude={"college_id"}), version=form_version(values))
        insurance.update_policy(session, actor=actor, policy=policy, data=data)
    except AppError as error:
        _refuse_403(session, error)
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, policy, values, errors, error.status_code)
    flash(request, N_("Policy %(name)s saved."), name=f"{policy.insurer} {policy.number}")
    return see_other(url_of(policy))


# --- delete ---------------------------------------------------------------------------------------


def _confirm(
    request: Request, session: Session, policy: InsurancePolicy, status_code: int = 200
) -> Response:
    count = insurance.link_count(session, policy)
    return render(
        request,
        "placement/insurance_delete.html",
        {
            "policy": policy,
            "refusal": insurance.delete_refusal(count).localised() if count else "",
        },
        status_code=status_code,
    )


@router.get(f"{LIST}/{{policy_id}}/delete", response_class=HTMLResponse)
def policy_confirm_delete(
    policy_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    insurance.require_manage(session, actor, policy)
    return _confirm(request, session, policy)


@router.post(f"{LIST}/{{policy_id}}/delete", response_class=HTMLResponse)
def policy_delete(policy_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    name = f"{policy.insurer} {policy.number}"
    try:
        insurance.delete_policy(session, actor=actor, policy=policy)
    except AppError as error:
        _refuse_403(session, error)
        return _confirm(request, session, policy, error.status_code)
    flash(request, N_("Policy %(name)s deleted."), name=name)
    return see_other(LIST)


# --- linking and unlinking ------------------------------------------------------------------------


async def _ids(request: Request, name: str) -> list[int]:
    form = await request.form()
    raw = [v for v in form.getlist(name) if isinstance(v, str)]
    return [int(v) for v in raw if v.isdigit() and len(v) < 10]


def _linked_message(request: Request, outcome: insurance_links.LinkOutcome) -> None:
    flash(
        request,
        N_(
            "%(linked)s placement(s) linked; %(unchanged)s already were; %(skipped)s left out "
            "(outside the policy's period)."
        ),
        linked=len(outcome.changed),
        unchanged=len(outcome.unchanged),
        skipped=len(outcome.skipped),
    )


@router.post(f"{LIST}/{{policy_id}}/link", response_class=HTMLResponse)
async def policy_link(
    policy_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    """Link a plan's placements, or those of the students whose numbers are entered."""
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    values = await read_form(request)
    try:
        numbers = [n for n in _NUMBERS.split(values.get("student_numbers", "")) if n]
        raw_plan = values.get("plan_id", "")
        if numbers:
            ids = insurance_links.placements_of_students(
                session, actor=actor, policy=policy, numbers=numbers
            )
            outcome = insurance_links.link(session, actor=actor, policy=policy, placement_ids=ids)
        else:
            plan_id = int(raw_plan) if raw_plan.isdigit() and len(raw_plan) < 10 else None
            if raw_plan and plan_id is None:
                plan_id = 0  # nonsense: "no such plan"
            outcome = insurance_links.link(session, actor=actor, policy=policy, plan_id=plan_id)
    except AppError as error:
        _refuse_403(session, error)
        errors = form_errors(error, LINK_FIELDS)
        return _detail(request, session, actor, policy, values, errors, error.status_code)
    _linked_message(request, outcome)
    return see_other(url_of(policy))


@router.post(f"{LIST}/{{policy_id}}/unlink", response_class=HTMLResponse)
async def policy_unlink(
    policy_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    """Unlink the ticked placements; back to the page the form was on."""
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    ids = await _ids(request, "placement_ids")
    values = await read_form(request)
    back = _local(values.get("next", ""), url_of(policy))
    try:
        outcome = insurance_links.unlink(session, actor=actor, policy=policy, placement_ids=ids)
    except AppError as error:
        _refuse_403(session, error)
        errors = form_errors(error, LINK_FIELDS)
        return _detail(request, session, actor, policy, values, errors, error.status_code)
    flash(request, N_("%(count)s placement(s) unlinked."), count=len(outcome.changed))
    return see_other(back)


@router.post("/placements/{placement_id}/insurance", response_class=HTMLResponse)
async def placement_link(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    """Link one of the college's policies from the placement's page."""
    placement = scope.get_placement(session, actor=actor, placement_id=placement_id)
    values = await read_form(request)
    back = f"/placements/{placement.id}"
    raw = values.get("policy_id", "")
    if not raw.isdigit() or len(raw) >= 10:
        flash(request, N_("Choose the policy to link."), category="error")
        return see_other(back)
    try:
        policy = insurance.get_policy(session, actor=actor, policy_id=int(raw))
        insurance_links.link(session, actor=actor, policy=policy, placement_ids=[placement.id])
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        flash(request, error.message, category="error", **error.params)
        return see_other(back)
    flash(request, N_("Policy %(name)s linked."), name=f"{policy.insurer} {policy.number}")
    return see_other(back)
