"""Account administration pages for the cooperation office (and platform administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tandem.auth import repository, service
from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.models import User
from tandem.auth.roles import COLLEGE_GRANTABLE, ROLE_LABELS, Permission, Role, role_label
from tandem.auth.schemas import UserInvite, UserUpdate
from tandem.college.models import College, Department
from tandem.kit import export
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError
from tandem.kit.export import field, local_time
from tandem.kit.forms import errors_by_field, form_version, read_form, validate
from tandem.kit.i18n import N_, get_language, gettext
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
    page = repository.list_users(session, actor=actor, params=params, **_filters(role, active))
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


def _filters(role: str, active: str) -> dict[str, Any]:
    """The list's query strings as repository filters (the page and its export alike)."""
    return {"role": role or None, "active": {"yes": True, "no": False}.get(active)}


def _status(user: User) -> str:
    if not user.is_active:
        return gettext(N_("Disabled"))
    return gettext(N_("Invited")) if user.is_invited else gettext(N_("Active"))


# Never a password hash, a token or a session: who, their role and whether they can sign in.
USER_FIELDS = (
    field("display_name", "姓名", "Name"),
    field("email", "电子邮箱", "E-mail"),
    field("role", "角色", "Role", lambda u: role_label(u.role)),
    field("college", "院校", "College", lambda u: u.college.code if u.college else None),
    field(
        "department",
        "二级学院",
        "Department",
        lambda u: u.department.name(get_language()) if u.department else None,
    ),
    field("status", "状态", "Status", _status),
    field("last_login_at", "最近登录", "Last sign-in", lambda u: local_time(u.last_login_at)),
    field("created_at", "创建时间", "Created", lambda u: local_time(u.created_at)),
)


@router.get("/users/export.xlsx")
def user_export(
    session: DbSession, actor: Manager, params: ListQuery, role: str = "", active: str = ""
) -> Response:
    stmt = repository.users_query(actor=actor, params=params, **_filters(role, active))
    rows = export.stream(
        session, stmt.options(selectinload(User.college), selectinload(User.department))
    )
    return export.xlsx_response(USER_FIELDS, rows, stem="accounts", title=N_("Accounts"))


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
