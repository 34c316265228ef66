"""Account administration pages for the cooperation office (and platform administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth import repository, service
from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.models import User
from tandem.auth.roles import COLLEGE_GRANTABLE, ROLE_LABELS, Permission, Role
from tandem.auth.schemas import UserInvite, UserUpdate
from tandem.college.models import College, Department
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.forms import errors_by_field, form_version, read_form, validate
from tandem.kit.i18n import N_, get_language
from tandem.kit.web import flash, render, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
Manager = Annotated[Actor, Depends(require(Permission.USER_MANAGE))]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _choices(session: Session, actor: Actor) -> dict[str, object]:
    """Roles this actor may give, and the colleges and departments to choose from."""
    roles = list(Role) if actor.is_platform_wide else [r for r in Role if r in COLLEGE_GRANTABLE]
    colleges = (
        session.scalars(select(College).order_by(College.code)).all()
        if actor.is_platform_wide
        else []
    )
    departments = session.scalars(
        select(Department).order_by(Department.code)
        if actor.is_platform_wide
        else select(Department)
        .where(Department.college_id == actor.college_id)
        .order_by(Department.code)
    ).all()
    return {
        "roles": [(r.value, ROLE_LABELS[r]) for r in roles],
        "colleges": colleges,
        "departments": departments,
    }


@router.get("/users", response_class=HTMLResponse)
def user_list(
    request: Request,
    session: DbSession,
    actor: Manager,
    params: ListQuery,
    role: str = "",
    active: str = "",
) -> Response:
    active_filter = {"yes": True, "no": False}.get(active)
    page = repository.list_users(
        session, actor=actor, params=params, role=role or None, active=active_filter
    )
    return render(
        request,
        "users/list.html",
        {
            "page": page,
            "params": params,
            "role": role,
            "active": active,
            "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
        },
        block="results",
    )


@router.get("/users/invite", response_class=HTMLResponse)
def invite_page(request: Request, session: DbSession, actor: Manager) -> Response:
    return render(
        request, "users/invite.html", {"values": {}, "errors": {}, **_choices(session, actor)}
    )


@router.post("/users/invite", response_class=HTMLResponse)
async def invite(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    try:
        user = service.invite_user(
            session,
            actor=actor,
            data=validate(UserInvite, values),
            settings=request.app.state.settings,
            language=get_language(),
        )
    except AppError as error:
        session.rollback()
        return render(
            request,
            "users/invite.html",
            {"values": values, "errors": errors_by_field(error), **_choices(session, actor)},
            status_code=error.status_code,
        )
    flash(request, N_("Invitation sent to %(email)s."), email=user.email)
    return _see_other(f"/users/{user.id}")


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    user: User,
    *,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    shown = values or {
        "display_name": user.display_name,
        "role": user.role,
        "department_id": user.department_id or "",
        "version": user.version,
    }
    return render(
        request,
        "users/detail.html",
        {
            "user": user,
            "values": shown,
            "errors": errors or {},
            "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
            **_choices(session, actor),
        },
        status_code=status_code,
    )


@router.get("/users/{user_id}", response_class=HTMLResponse)
def user_detail(user_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    user = repository.get_user(session, actor=actor, user_id=user_id)
    return _detail(request, session, actor, user)


@router.post("/users/{user_id}", response_class=HTMLResponse)
async def user_update(
    user_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    user = repository.get_user(session, actor=actor, user_id=user_id)
    values = await read_form(request)
    fields: dict[str, object] = {k: v for k, v in values.items() if k in ("display_name", "role")}
    fields["department_id"] = values.get("department_id") or None
    try:
        data = validate(UserUpdate, {**fields, "version": form_version(values)})
        service.update_user(session, actor=actor, user=user, data=data)
    except AppError as error:
        session.rollback()
        return _detail(
            request,
            session,
            actor,
            user,
            values=dict(values),
            errors=errors_by_field(error),
            status_code=error.status_code,
        )
    flash(request, N_("Changes to %(email)s saved."), email=user.email)
    return _see_other(f"/users/{user.id}")


@router.get("/users/{user_id}/disable", response_class=HTMLResponse)
def confirm_disable(user_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    user = repository.get_user(session, actor=actor, user_id=user_id)
    return render(request, "users/confirm_disable.html", {"user": user, "errors": {}})


@router.post("/users/{user_id}/{state}", response_class=HTMLResponse)
async def set_active(
    user_id: int, state: str, request: Request, session: DbSession, actor: Manager
) -> Response:
    user = repository.get_user(session, actor=actor, user_id=user_id)
    settings, language = request.app.state.settings, get_language()
    try:
        if state in ("disable", "enable"):
            data = UserUpdate(is_active=state == "enable")
            service.update_user(session, actor=actor, user=user, data=data)
            message = (
                N_("%(email)s can sign in again.")
                if state == "enable"
                else N_("%(email)s is disabled and has been signed out everywhere.")
            )
        elif state == "reset":
            service.send_password_reset(
                session, actor=actor, user=user, settings=settings, language=language
            )
            message = N_("A link to choose a new password was sent to %(email)s.")
        elif state == "resend":
            service.resend_invitation(
                session, actor=actor, user=user, settings=settings, language=language
            )
            message = N_("Invitation sent to %(email)s.")
        else:
            return _see_other(f"/users/{user.id}")
    except AppError as error:
        session.rollback()
        flash(request, error.message, "error", **error.params)
        return _see_other(f"/users/{user.id}")
    flash(request, message, email=user.email)
    return _see_other(f"/users/{user.id}")
