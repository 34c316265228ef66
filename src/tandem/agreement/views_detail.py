"""Agreement pages: the detail page and its life-cycle steps (transitions with a confirmation
for return / end / terminate, signatures, renewal, reviews, notice of non-renewal)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.agreement import lifecycle, repository, service, steps
from tandem.agreement.deps import Approver, Manager, Reader, Signer
from tandem.agreement.labels import status_label
from tandem.agreement.lifecycle import Action, Right
from tandem.agreement.models import Agreement, AgreementKind, AgreementStatus, Party
from tandem.agreement.modes import TERM_FIELDS
from tandem.agreement.obligations import DELIVERING, standing_of
from tandem.agreement.pages import (
    CONFIRMED_ACTIONS,
    choices,
    error_lines,
    form_errors,
    see_other,
    url_of,
)
from tandem.agreement.schemas import (
    NonRenewalNotice,
    RenewalRequest,
    ReviewCreate,
    SignatureCreate,
    TransitionRequest,
)
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.models import College
from tandem.kit.dates import add_months, local_today
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, Conflict, PermissionDenied
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render, verify_csrf
from tandem.resource import views_links
from tandem.resource.links_register import register_checks

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


INTERNAL = (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW)
RUNNING = lifecycle.IN_FORCE | {AgreementStatus.SIGNED}


def _visible(actor: Actor, agreements: list[Agreement]) -> list[Agreement]:
    """Related agreements an enterprise contact may see (never the college's drafts)."""
    if actor.role != Role.ENTERPRISE_CONTACT:
        return agreements
    return [a for a in agreements if a.status not in INTERNAL]


def detail_context(
    session: Session, actor: Actor, agreement: Agreement, today: date
) -> dict[str, Any]:
    manage = service.has_right(actor, agreement, Right.EDIT)
    office = service.has_right(actor, agreement, Right.APPROVE)
    contact = actor.role == Role.ENTERPRISE_CONTACT
    signed = {s.party for s in agreement.signatures}
    approved = agreement.status == AgreementStatus.APPROVED
    can_sign = actor.can(Permission.AGREEMENT_SIGN)
    predecessor = session.get(Agreement, agreement.renews_id) if agreement.renews_id else None
    successor = repository.successor_of(session, agreement)
    children = (
        repository.framework_children(session, agreement)
        if agreement.kind == AgreementKind.FRAMEWORK
        else []
    )
    return {
        "agreement": agreement,
        "enterprise": agreement.partnership.enterprise,
        "college": session.get(College, agreement.college_id),
        "actions": service.actions_for(actor, agreement),
        "confirmed_actions": CONFIRMED_ACTIONS,
        "can_edit": service.can_edit(actor, agreement),
        "can_manage": manage,
        "can_delete": manage and agreement.status == AgreementStatus.DRAFT,
        "is_contact": contact,
        "missing": service.missing_by_mode(agreement)
        if agreement.status == AgreementStatus.DRAFT
        else {},
        "obligations": [(o, standing_of(o, today)) for o in agreement.obligations],
        "register": register_checks(session, agreement),
        **views_links.resources_context(session, actor, agreement),
        "can_add_obligation": manage and agreement.status not in lifecycle.CLOSED,
        "can_deliver": manage and agreement.status in DELIVERING,
        "sign_college": approved and office and can_sign and Party.COLLEGE not in signed,
        "sign_paper": approved and office and Party.ENTERPRISE not in signed,
        "sign_enterprise": approved
        and contact
        and can_sign
        and agreement.partnership.enterprise_id == actor.enterprise_id
        and Party.ENTERPRISE not in signed,
        "can_review": manage
        and agreement.status in (lifecycle.IN_FORCE | {AgreementStatus.SIGNED}),
        "can_give_notice": office
        and agreement.auto_renew
        and agreement.status in (lifecycle.IN_FORCE | {AgreementStatus.SIGNED}),
        "timeline": repository.timeline(session, agreement, actor),
        "documents": repository.documents_of(session, agreement),
        "framework": next(iter(_visible(actor, [agreement.framework])), None)
        if agreement.framework is not None
        else None,
        "children": _visible(actor, children),
        "predecessor": predecessor,
        "successor": successor if successor and _visible(actor, [successor]) else None,
        "term_fields": {int(m): names for m, names in TERM_FIELDS.items()},
        "today": today,
    }


def render_detail(
    request: Request,
    session: Session,
    actor: Actor,
    agreement: Agreement,
    *,
    error: AppError | None = None,
    forms: dict[str, Any] | None = None,
) -> Response:
    """The detail page; after a failed step, its messages at the top and, for the form that
    failed (``forms``: which form, its values and field errors), beside the fields."""
    context = detail_context(session, actor, agreement, local_today())
    context.update(
        problems=error_lines(error) if error else [],
        form=forms or {},
        **choices(),
    )
    return render(
        request,
        "agreement/detail.html",
        context,
        status_code=error.status_code if error else 200,
    )


def _get(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    return repository.get_agreement(session, actor=actor, agreement_id=agreement_id)


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement_detail(
    agreement_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    return render_detail(request, session, actor, _get(session, actor, agreement_id))


# --- transitions ---------------------------------------------------------------------------------


def _confirm_page(
    request: Request,
    agreement: Agreement,
    action: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "agreement/confirm.html",
        {
            "agreement": agreement,
            "enterprise": agreement.partnership.enterprise,
            "action": action,
            "reason_required": action in lifecycle.REASON_REQUIRED
            or (
                action == Action.END
                and agreement.end_date is not None
                and agreement.end_date >= local_today()
            ),
            "obligation_count": len(agreement.obligations),
            "values": values,
            "errors": errors,
            **choices(),
        },
        status_code=status_code,
    )


@router.get("/agreements/{agreement_id}/confirm", response_class=HTMLResponse)
def agreement_confirm(
    agreement_id: int, request: Request, session: DbSession, actor: Manager, action: str = ""
) -> Response:
    agreement = _get(session, actor, agreement_id)
    if action not in CONFIRMED_ACTIONS:
        return see_other(url_of(agreement))
    if not service.has_right(actor, agreement, lifecycle.right_for(Action(action))):
        raise PermissionDenied()
    if action not in lifecycle.allowed_actions(agreement.status):
        lifecycle.decide(Action(action), service.facts(agreement), today=local_today())
    return _confirm_page(request, agreement, action, {"version": agreement.version}, {})


@router.post("/agreements/{agreement_id}/transition", response_class=HTMLResponse)
async def agreement_transition(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    action = values.get("action", "")
    try:
        data = validate(TransitionRequest, {"action": action, "reason": values.get("reason", "")})
        data.version = form_version(values)
        steps.transition(session, actor=actor, agreement=agreement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        if action in CONFIRMED_ACTIONS and error.code != "invalid_transition":
            errors = form_errors(error, shown=("reason",))
            return _confirm_page(request, agreement, action, values, errors, error.status_code)
        return render_detail(request, session, actor, agreement, error=error)
    flash(
        request,
        N_("“%(title)s” is now %(status)s."),
        title=agreement.title,
        status=status_label(agreement.status),
    )
    return see_other(url_of(agreement))


# --- signatures ----------------------------------------------------------------------------------


@router.post("/agreements/{agreement_id}/sign", response_class=HTMLResponse)
async def agreement_sign(
    agreement_id: int, request: Request, session: DbSession, actor: Signer
) -> Response:
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    party = values.get("party") or None
    try:
        data = validate(
            SignatureCreate,
            {
                "party": party,
                "signatory_name": values.get("signatory_name", ""),
                "on_paper": values.get("on_paper", "") in ("on", "true", "1", "yes"),
            },
        )
        data.version = form_version(values)
        steps.sign(session, actor=actor, agreement=agreement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        which = "sign_paper" if values.get("on_paper") else f"sign_{party or 'own'}"
        forms = {
            "name": which,
            "values": values,
            "errors": form_errors(error, shown=("signatory_name",)),
        }
        return render_detail(request, session, actor, agreement, error=error, forms=forms)
    if agreement.status == AgreementStatus.SIGNED:
        flash(request, N_("Signature recorded: both parties have now signed."))
    else:
        flash(request, N_("Signature recorded; the other party's signature is still due."))
    return see_other(url_of(agreement))


# --- renewal -------------------------------------------------------------------------------------


def _renew_page(
    request: Request,
    agreement: Agreement,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "agreement/renew.html",
        {
            "agreement": agreement,
            "enterprise": agreement.partnership.enterprise,
            "values": values,
            "errors": errors,
            **choices(),
        },
        status_code=status_code,
    )


def _renewable(actor: Actor, agreement: Agreement) -> None:
    if not service.has_right(actor, agreement, Right.EDIT):
        raise PermissionDenied()
    if Action.RENEW not in lifecycle.allowed_actions(agreement.status):
        raise Conflict(N_("Only an agreement in force can be renewed."), code="invalid_transition")


@router.get("/agreements/{agreement_id}/renew", response_class=HTMLResponse)
def agreement_renew_form(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    _renewable(actor, agreement)
    start = agreement.end_date or local_today()
    start = date.fromordinal(start.toordinal() + 1)
    months = 12
    if agreement.start_date and agreement.end_date:
        months = max(
            1,
            (agreement.end_date.year - agreement.start_date.year) * 12
            + agreement.end_date.month
            - agreement.start_date.month,
        )
    values = {
        "start_date": start.isoformat(),
        "end_date": add_months(start, months).isoformat(),
        "version": agreement.version,
    }
    return _renew_page(request, agreement, values, {})


@router.post("/agreements/{agreement_id}/renew", response_class=HTMLResponse)
async def agreement_renew(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    try:
        data = validate(
            RenewalRequest,
            {
                "start_date": values.get("start_date") or None,
                "end_date": values.get("end_date") or None,
            },
        )
        data.version = form_version(values)
        successor = steps.renew(session, actor=actor, agreement=agreement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=("start_date", "end_date"))
        return _renew_page(request, agreement, values, errors, error.status_code)
    flash(
        request,
        N_("“%(title)s” renewed: its successor is drafted below. Check it and submit it."),
        title=agreement.title,
    )
    return see_other(url_of(successor))


# --- reviews and notice of non-renewal -----------------------------------------------------------


@router.post("/agreements/{agreement_id}/review", response_class=HTMLResponse)
async def agreement_review(
    agreement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    try:
        data = validate(
            ReviewCreate,
            {
                "held_on": values.get("held_on"),
                "note": values.get("note", ""),
                "next_review_on": values.get("next_review_on") or None,
            },
        )
        steps.record_review(session, actor=actor, agreement=agreement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        forms = {
            "name": "review",
            "values": values,
            "errors": form_errors(error, shown=("held_on", "note", "next_review_on")),
        }
        return render_detail(request, session, actor, agreement, error=error, forms=forms)
    flash(request, N_("Review recorded."))
    return see_other(url_of(agreement))


@router.post("/agreements/{agreement_id}/non-renewal", response_class=HTMLResponse)
async def agreement_non_renewal(
    agreement_id: int, request: Request, session: DbSession, actor: Approver
) -> Response:
    agreement = _get(session, actor, agreement_id)
    values = await read_form(request)
    try:
        data = validate(NonRenewalNotice, {"reason": values.get("reason", "")})
        data.version = form_version(values)
        steps.give_notice_of_non_renewal(session, actor=actor, agreement=agreement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        forms = {
            "name": "non_renewal",
            "values": values,
            "errors": form_errors(error, shown=("reason",)),
        }
        return render_detail(request, session, actor, agreement, error=error, forms=forms)
    flash(request, N_("Notice of non-renewal given: the agreement ends on its end date."))
    return see_other(url_of(agreement))
