"""Queries on accounts, scoped to what the actor may see."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import ApiToken, User
from tandem.auth.roles import Permission
from tandem.kit.errors import NotFound
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate

USER_SORTS = {
    "email": User.email,
    "display_name": User.display_name,
    "role": User.role,
    "last_login_at": User.last_login_at,
    "created_at": User.created_at,
}


def _visible_users(actor: Actor) -> Select[User]:
    stmt = select(User)
    if actor.is_platform_wide:
        return stmt
    if actor.can(Permission.USER_MANAGE) and actor.college_id is not None:
        return stmt.where(User.college_id == actor.college_id)
    if actor.user_id is not None:
        return stmt.where(User.id == actor.user_id)
    return stmt.where(false())


def users_query(
    *, actor: Actor, params: ListParams, role: str | None = None, active: bool | None = None
) -> Select[User]:
    """The accounts a list shows (filters, search and sort applied), before pagination."""
    stmt = _visible_users(actor)
    if params.q:
        pattern = like_pattern(params.q)
        stmt = stmt.where(
            or_(
                User.email.ilike(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            )
        )
    if role:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.is_active.is_(active))
    return apply_sort(stmt, params.sort, USER_SORTS, default="email")


def list_users(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    role: str | None = None,
    active: bool | None = None,
) -> Page[User]:
    stmt = users_query(actor=actor, params=params, role=role, active=active)
    return paginate(session, stmt, params)


def get_user(session: Session, *, actor: Actor, user_id: int) -> User:
    user = session.scalar(_visible_users(actor).where(User.id == user_id))
    if user is None:
        raise NotFound(N_("No account with id %(id)s."), id=user_id)
    return user


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def list_tokens(session: Session, *, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        ).all()
    )


def get_own_token(session: Session, *, actor: Actor, token_id: int) -> ApiToken:
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == actor.user_id)
    )
    if token is None:
        raise NotFound(N_("No token with id %(id)s."), id=token_id)
    return token
