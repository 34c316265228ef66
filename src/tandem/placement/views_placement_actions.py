"""Placement pages that change a placement: editing its terms and mentors, approving or
rejecting a self-found one (a confirmation with the reason), moving its status (a confirmation
page; ending early asks for the reason), overriding a warning with a reason or revoking that,
and running the compliance check again.

Included by :mod:`tandem.placement.views_placements` (whose router checks the CSRF token).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, PermissionDenied, ValidationFailed
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_
from tandem.kit.web import flash, render
from tandem.partner.pages import see_other
from tandem.placement import gate, placement_lifecycle, placement_options, placements, scope
from tandem.placement.api_placements import Manager, Reader
from tandem.placement.kinds import PLACEMENT_STATUS_LABELS, PlacementStatus
from tandem.placement.models import Placement
from tandem.placement.placement_pages import (
    FORM_FIELDS,
    choices,
    detail,
    posted,
    url_of,
    values_of,
)
from tandem.placement.schemas_placements import (
    MENTOR_FIELDS,
    TERM_FIELDS,
    PlacementUpdate,
    Rejection,
)
from tandem.resource.venue_base_pages import form_errors, label

router = APIRouter()  # the including router checks the CSRF token
ONE = "/placements/{placement_id}"
TEXTS = frozenset(
    {"shifts", "venue_category", "enterprise_mentor_name", "enterprise_mentor_phone", "note"}
)


def _get(session: Session, actor: Actor, placement_id: int) -> Placement:
    return placements.get_placement(session, actor=actor, placement_id=placement_id)


def _refused(
    request: Request, session: Session, actor: Actor, placement: Placement, error: AppError
) -> Response:
    """Show the placement again with the refusal (and each item of it)."""
    session.rollback()
    if error.status_code == 403:
        raise error
    session.refresh(placement)
    items = [e.localised() for e in error.errors]
    return detail(request, session, actor, placement, error.localised(), items, error.status_code)


# --- edit ----------------------------------------------------------------------------------------


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    placement: Placement,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    office = scope.can_manage_placement(actor, placement)
    return render(
        request,
        "placement/placement_form.html",
        {
            "placement": placement,
            "values": values,
            "errors": errors,
            "office": office,
            "students": [],
            "hosts": [],
            "plans": [],
            "mentors": placement_options.mentor_options(session, placement.college_id)
            if office
            else [],
            "terms_fixed": placement.status == PlacementStatus.ACTIVE,
            **choices(),
        },
        status_code=status_code,
    )


def _require_edit(actor: Actor, placement: Placement) -> None:
    if not placements.can_edit(actor, placement):
        raise PermissionDenied()


@router.get(f"{ONE}/edit", response_class=HTMLResponse)
def placement_edit(
    placement_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    placement = _get(session, actor, placement_id)
    _require_edit(actor, placement)
    return _form(request, session, actor, placement, values_of(placement), {})


@router.post(f"{ONE}/edit", response_class=HTMLResponse)
async def placement_update(
    placement_id: int, request: Request, session: DbSession, actor: Reader
) -> Response:
    placement = _get(session, actor, placement_id)
    _require_edit(actor, placement)
    values, payload = await posted(request)
    office = scope.can_manage_placement(actor, placement)
    allowed = set(MENTOR_FIELDS) | {"note"} if office else set()
    if placement.status != PlacementStatus.ACTIVE:
        allowed |= set(TERM_FIELDS)
    if not office:
        allowed -= {"school_mentor_id", "note"}
    given = {k: v for k, v in payload.items() if k in allowed}
    for name in allowed:  # a field left blank clears it
        given.setdefault(name, "" if name in TEXTS else None)
    given = {k: v for k, v in given.items() if v is not None or k in placements.NULLABLE}
    try:
        data = validate(PlacementUpdate, {**given, "version": form_version(values)})
        placements.update_placement(session, actor=actor, placement=placement, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, FORM_FIELDS)
        return _form(request, session, actor, placement, values, errors, error.status_code)
    flash(request, N_("Placement saved; its compliance was checked again."))
    return see_other(url_of(placement))


# --- approve and reject --------------------------------------------------------------------------


@router.post(f"{ONE}/approve", response_class=HTMLResponse)
def placement_approve(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = _get(session, actor, placement_id)
    try:
        placements.approve_placement(session, actor=actor, placement=placement)
    except AppError as error:
        return _refused(request, session, actor, placement, error)
    flash(request, N_("Self-found placement approved."))
    return see_other(url_of(placement))


def _reject_page(
    request: Request,
    placement: Placement,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "placement/placement_reject.html",
        {"placement": placement, "values": values, "errors": errors, **choices()},
        status_code=status_code,
    )


@router.get(f"{ONE}/reject", response_class=HTMLResponse)
def placement_confirm_reject(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = _get(session, actor, placement_id)
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied()
    return _reject_page(request, placement, {}, {})


@router.post(f"{ONE}/reject", response_class=HTMLResponse)
async def placement_reject(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = _get(session, actor, placement_id)
    values = await read_form(request)
    try:
        data = validate(Rejection, {"reason": values.get("reason", "")})
        placements.reject_placement(session, actor=actor, placement=placement, reason=data.reason)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, ("reason",))
        return _reject_page(request, placement, values, errors, error.status_code)
    flash(request, N_("Self-found placement rejected."))
    return see_other(url_of(placement))


# --- status moves --------------------------------------------------------------------------------


def _move_page(
    request: Request,
    actor: Actor,
    placement: Placement,
    target: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "placement/placement_transition.html",
        {
            "placement": placement,
            "target": target,
            "moves": placement_lifecycle.allowed(actor, placement),
            "values": values,
            "errors": errors,
            **choices(),
        },
        status_code=status_code,
    )


@router.get(f"{ONE}/transition", response_class=HTMLResponse)
def placement_confirm_transition(
    placement_id: int, request: Request, session: DbSession, actor: Manager, to: str = ""
) -> Response:
    placement = _get(session, actor, placement_id)
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied()
    target = to if to in set(PlacementStatus) else ""
    return _move_page(request, actor, placement, target, {}, {})


@router.post(f"{ONE}/transition", response_class=HTMLResponse)
async def placement_transition(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = _get(session, actor, placement_id)
    values = await read_form(request)
    target = values.get("to", "")
    try:
        placement_lifecycle.transition(
            session, actor=actor, placement=placement, to=target, reason=values.get("reason", "")
        )
    except AppError as error:
        if not isinstance(error, ValidationFailed):
            return _refused(request, session, actor, placement, error)
        session.rollback()
        errors = form_errors(error, ("reason", "to"))
        return _move_page(request, actor, placement, target, values, errors, 422)
    flash(
        request,
        N_("The placement is now: %(status)s."),
        status=label(PLACEMENT_STATUS_LABELS, placement.status),
    )
    return see_other(url_of(placement))


# --- overrides and the check ---------------------------------------------------------------------


@router.post(f"{ONE}/overrides", response_class=HTMLResponse)
async def placement_override(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = _get(session, actor, placement_id)
    values = await read_form(request)
    try:
        gate.override(
            session,
            actor=actor,
            placement=placement,
            rule_id=values.get("rule_id", ""),
            reason=values.get("reason", ""),
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        session.refresh(placement)
        errors = form_errors(error, ("reason", "rule_id"))
        return detail(
            request,
            session,
            actor,
            placement,
            status_code=error.status_code,
            override_values=values,
            override_errors=errors,
        )
    flash(
        request,
        N_("Warning %(rule)s overridden, with your reason on record."),
        rule=values["rule_id"],
    )
    return see_other(url_of(placement) + "#compliance")


@router.post(f"{ONE}/overrides/revoke", response_class=HTMLResponse)
async def placement_revoke_override(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = _get(session, actor, placement_id)
    values = await read_form(request)
    try:
        gate.revoke_override(
            session, actor=actor, placement=placement, rule_id=values.get("rule_id", "")
        )
    except AppError as error:
        return _refused(request, session, actor, placement, error)
    flash(request, N_("Override revoked: the warning is open again."))
    return see_other(url_of(placement) + "#compliance")


@router.post(f"{ONE}/check", response_class=HTMLResponse)
def placement_check(
    placement_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    placement = _get(session, actor, placement_id)
    gate.check_now(session, actor=actor, placement=placement)
    flash(request, N_("Compliance checked again."))
    return see_other(url_of(placement) + "#compliance")
