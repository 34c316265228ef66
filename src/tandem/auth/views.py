"""Sign-in, sign-out, invitations, password resets and the profile page (with API tokens)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tandem.auth import repository, service
from tandem.auth.deps import CurrentActor, OptionalActor
from tandem.auth.models import User
from tandem.auth.schemas import TokenCreate
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, FieldError, ValidationFailed
from tandem.kit.forms import errors_by_field, read_form, validate
from tandem.kit.i18n import N_, get_language
from tandem.kit.web import SESSION_COOKIE, flash, render, rotate_csrf, verify_csrf
from tandem.site.views import safe_next

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, actor: OptionalActor, next: str = "/") -> Response:
    if actor is not None:
        return _see_other(safe_next(next))
    return render(request, "auth/login.html", {"values": {"next": next}, "errors": {}})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, session: DbSession) -> Response:
    values = await read_form(request)
    settings = request.app.state.settings
    try:
        user = service.authenticate(
            session,
            email=values.get("email", ""),
            password=values.get("password", ""),
            ip=client_ip(request),
        )
        started = service.start_session(
            session,
            user=user,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            settings=settings,
        )
    except AppError as error:
        session.commit()  # the failure itself is recorded, for throttling and the audit log
        headers = {"Retry-After": str(error.retry_after)} if hasattr(error, "retry_after") else {}
        response = render(
            request,
            "auth/login.html",
            {
                "values": {"email": values.get("email", ""), "next": values.get("next", "/")},
                "errors": {"__form__": error.localised()},
            },
            status_code=error.status_code,
        )
        response.headers.update(headers)
        return response
    # A new session and a new CSRF token: nothing chosen before sign-in carries over (fixation).
    request.session.clear()
    rotate_csrf(request)
    response = _see_other(safe_next(values.get("next")))
    response.set_cookie(
        SESSION_COOKIE,
        started.raw_token,
        httponly=True,
        samesite="lax",
        secure=settings.env == "production",
        max_age=settings.session_max_days * 24 * 3600,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession, actor: OptionalActor) -> Response:
    if actor is not None and actor.session_id is not None:
        from tandem.auth.models import LoginSession

        login_session = session.get(LoginSession, actor.session_id)
        if login_session is not None:
            service.end_session(session, login_session=login_session)
    request.session.clear()
    flash(request, N_("You have signed out."))
    response = _see_other("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


def _password_form(
    request: Request,
    *,
    title: str,
    errors: dict[str, str],
    status_code: int = 200,
    current: bool = False,
) -> Response:
    return render(
        request,
        "auth/password.html",
        {"title": title, "errors": errors, "ask_current": current},
        status_code=status_code,
    )


def _new_password(values: dict[str, str]) -> str:
    new = values.get("new_password", "")
    if new != values.get("confirm_password", ""):
        message = N_("The two passwords are not the same.")
        raise ValidationFailed(
            message, code="mismatch", errors=[FieldError("confirm_password", "mismatch", message)]
        )
    return new


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_page(request: Request) -> Response:
    return render(request, "auth/forgot.html", {"values": {}, "errors": {}})


@router.post("/password/forgot", response_class=HTMLResponse)
async def forgot(request: Request, session: DbSession) -> Response:
    values = await read_form(request)
    service.request_password_reset(
        session,
        email=values.get("email", ""),
        settings=request.app.state.settings,
        language=get_language(),
    )
    flash(
        request,
        N_(
            "If an account exists for that address, we have sent it a link to "
            "choose a new password."
        ),
    )
    return _see_other("/login")


def _link_page(purpose: str) -> tuple[str, str]:
    if purpose == "invitation":
        return N_("Welcome to Tandem: choose your password"), N_("Your password is set. Welcome!")
    return N_("Choose a new password"), N_("Your password has been changed; please sign in.")


async def _redeem(request: Request, session: DbSession, token: str, purpose: str) -> Response:
    title, done = _link_page(purpose)
    if request.method == "GET":
        service.find_link(session, raw=token, purpose=purpose)
        return _password_form(request, title=title, errors={})
    values = await read_form(request)
    try:
        service.redeem_link(session, raw=token, purpose=purpose, new_password=_new_password(values))
    except ValidationFailed as error:
        session.rollback()
        return _password_form(
            request, title=title, errors=errors_by_field(error), status_code=error.status_code
        )
    flash(request, done)
    return _see_other("/login")


@router.api_route("/invitation/{token}", methods=["GET", "POST"], response_class=HTMLResponse)
async def accept_invitation(token: str, request: Request, session: DbSession) -> Response:
    return await _redeem(request, session, token, "invitation")


@router.api_route("/password/reset/{token}", methods=["GET", "POST"], response_class=HTMLResponse)
async def reset_password(token: str, request: Request, session: DbSession) -> Response:
    return await _redeem(request, session, token, "reset")


def _me(session: DbSession, actor: CurrentActor) -> User:
    return repository.get_user(session, actor=actor, user_id=actor.user_id or 0)


def _profile(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    *,
    new_token: str | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    user = _me(session, actor)
    return render(
        request,
        "auth/profile.html",
        {
            "user": user,
            "tokens": repository.list_tokens(session, user=user),
            "new_token": new_token,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/profile", response_class=HTMLResponse)
def profile(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _profile(request, session, actor)


@router.post("/profile/tokens", response_class=HTMLResponse)
async def create_token(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    values = await read_form(request)
    try:
        data = validate(TokenCreate, values)
        _, raw = service.create_token(
            session, actor=actor, user=_me(session, actor), name=data.name
        )
    except AppError as error:
        session.rollback()
        return _profile(
            request, session, actor, errors=errors_by_field(error), status_code=error.status_code
        )
    return _profile(request, session, actor, new_token=raw)


@router.post("/profile/tokens/{token_id}/revoke")
def revoke_token(
    token_id: int, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    token = repository.get_own_token(session, actor=actor, token_id=token_id)
    service.revoke_token(session, actor=actor, token=token)
    flash(request, N_("Token %(name)s revoked."), name=token.name)
    return _see_other("/profile")


@router.get("/profile/password", response_class=HTMLResponse)
def password_page(request: Request, actor: CurrentActor) -> Response:
    return _password_form(request, title=N_("Change your password"), errors={}, current=True)


@router.post("/profile/password", response_class=HTMLResponse)
async def change_password(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    values = await read_form(request)
    try:
        service.change_password(
            session,
            actor=actor,
            user=_me(session, actor),
            current=values.get("current_password", ""),
            new=_new_password(values),
        )
    except AppError as error:
        session.rollback()
        return _password_form(
            request,
            title=N_("Change your password"),
            errors=errors_by_field(error),
            status_code=error.status_code,
            current=True,
        )
    flash(request, N_("Your password has been changed. Other devices have been signed out."))
    return _see_other("/profile")
