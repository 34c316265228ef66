"""Who is asking: the actor from a Bearer token or a session cookie, and permission checks."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth import service
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.inbox.models import Notice
from tandem.kit.deps import DbSession
from tandem.kit.errors import PermissionDenied, Unauthenticated
from tandem.kit.i18n import N_
from tandem.kit.web import CSRF_HEADER, SESSION_COOKIE, csrf_token

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def optional_actor(request: Request, session: DbSession) -> Actor | None:
    """The signed-in actor, or None. A bad Bearer token is an error, never anonymous access."""
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Actor):
        return cached
    settings = request.app.state.settings
    actor: Actor | None = None
    raw_bearer = _bearer(request)
    if raw_bearer is not None:
        token = service.resolve_token(session, raw=raw_bearer)
        if token is None:
            raise Unauthenticated(
                N_("The API token is not valid or has been revoked."), code="invalid_token"
            )
        actor = service.actor_for(token.user)
    else:
        raw_cookie = request.cookies.get(SESSION_COOKIE)
        login = (
            service.resolve_session(session, raw=raw_cookie, settings=settings)
            if raw_cookie
            else None
        )
        if login is not None:
            actor = service.actor_for(login.user, session_id=login.id)
            # Pages show the unread count beside "Inbox"; counted only when a page renders.
            request.state.inbox_unread = partial(unread_notices, session, login.user_id)
            if request.url.path.startswith("/api/") and request.method in _UNSAFE:
                _check_api_csrf(request)
        elif raw_cookie:
            request.state.session_expired = True
    request.state.actor = actor
    return actor


def unread_notices(session: Session, user_id: int) -> int:
    stmt = select(func.count()).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    return session.scalar(stmt) or 0


def _check_api_csrf(request: Request) -> None:
    """A browser calling the API with its cookie must also send the page's CSRF token."""
    sent = request.headers.get(CSRF_HEADER, "")
    expected = csrf_token(request)
    if not sent or not hmac.compare_digest(sent, expected):
        raise PermissionDenied(
            N_("Missing or wrong CSRF token: send the X-CSRF-Token header, or use an API token."),
            code="csrf_failed",
        )


def current_actor(
    request: Request, actor: Annotated[Actor | None, Depends(optional_actor)]
) -> Actor:
    if actor is None:
        if getattr(request.state, "session_expired", False):
            raise Unauthenticated(
                N_("Your session has expired; please sign in again."), code="session_expired"
            )
        raise Unauthenticated()
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


def require(permission: Permission) -> Callable[..., Actor]:
    """A dependency that lets through only actors whose role has ``permission``."""

    def check(actor: CurrentActor) -> Actor:
        if not actor.can(permission):
            raise PermissionDenied()
        return actor

    check.__name__ = f"require_{permission.value.replace('.', '_')}"
    return check
