"""JSON API for accounts: yourself (/me, tokens, password) and, for administrators, /users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel

from tandem.auth import repository, service
from tandem.auth.actor import Actor
from tandem.auth.deps import CurrentActor, require
from tandem.auth.roles import Permission
from tandem.auth.schemas import (
    PasswordChange,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserInvite,
    UserRead,
    UserUpdate,
)
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.i18n import get_language
from tandem.kit.pagination import PageMeta, page_meta

router = APIRouter(prefix="/api/v1", tags=["accounts"])
Manager = Annotated[Actor, Depends(require(Permission.USER_MANAGE))]


class UserList(BaseModel):
    items: list[UserRead]
    meta: PageMeta


@router.get("/me", response_model=UserRead, summary="Your own account")
def me(session: DbSession, actor: CurrentActor) -> UserRead:
    return UserRead.model_validate(
        repository.get_user(session, actor=actor, user_id=actor.user_id or 0)
    )


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change your password (signs out your other sessions)",
)
def change_password(data: PasswordChange, session: DbSession, actor: CurrentActor) -> Response:
    user = repository.get_user(session, actor=actor, user_id=actor.user_id or 0)
    service.change_password(
        session, actor=actor, user=user, current=data.current_password, new=data.new_password
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/tokens", response_model=list[TokenRead], summary="Your API tokens")
def list_tokens(session: DbSession, actor: CurrentActor) -> list[TokenRead]:
    user = repository.get_user(session, actor=actor, user_id=actor.user_id or 0)
    return [TokenRead.model_validate(t) for t in repository.list_tokens(session, user=user)]


@router.post(
    "/me/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API token (its value is shown only in this response)",
)
def create_token(data: TokenCreate, session: DbSession, actor: CurrentActor) -> TokenCreated:
    user = repository.get_user(session, actor=actor, user_id=actor.user_id or 0)
    token, raw = service.create_token(session, actor=actor, user=user, name=data.name)
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=raw)


@router.delete(
    "/me/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke one of your API tokens",
)
def revoke_token(token_id: int, session: DbSession, actor: CurrentActor) -> Response:
    token = repository.get_own_token(session, actor=actor, token_id=token_id)
    service.revoke_token(session, actor=actor, token=token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users", response_model=UserList, summary="Accounts you manage")
def list_users(
    session: DbSession,
    actor: Manager,
    params: ListQuery,
    role: str | None = None,
    active: bool | None = None,
) -> UserList:
    page = repository.list_users(session, actor=actor, params=params, role=role, active=active)
    return UserList(items=[UserRead.model_validate(u) for u in page.items], meta=page_meta(page))


@router.post(
    "/users",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    summary="Invite a person (they receive a link to choose a password)",
)
def invite_user(
    data: UserInvite, request: Request, session: DbSession, actor: Manager, response: Response
) -> UserRead:
    user = service.invite_user(
        session,
        actor=actor,
        data=data,
        settings=request.app.state.settings,
        language=get_language(),
    )
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return UserRead.model_validate(user)


@router.get("/users/{user_id}", response_model=UserRead, summary="One account")
def get_user(user_id: int, session: DbSession, actor: Manager) -> UserRead:
    return UserRead.model_validate(repository.get_user(session, actor=actor, user_id=user_id))


@router.patch(
    "/users/{user_id}",
    response_model=UserRead,
    summary="Change name, role or department; disable or enable",
)
def update_user(user_id: int, data: UserUpdate, session: DbSession, actor: Manager) -> UserRead:
    user = repository.get_user(session, actor=actor, user_id=user_id)
    return UserRead.model_validate(service.update_user(session, actor=actor, user=user, data=data))


@router.post(
    "/users/{user_id}/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="E-mail the person a link to choose a new password",
)
def send_reset(user_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    user = repository.get_user(session, actor=actor, user_id=user_id)
    service.send_password_reset(
        session,
        actor=actor,
        user=user,
        settings=request.app.state.settings,
        language=get_language(),
    )
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/users/{user_id}/invitation",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send the invitation again (the earlier link stops working)",
)
def resend_invitation(
    user_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    user = repository.get_user(session, actor=actor, user_id=user_id)
    service.resend_invitation(
        session,
        actor=actor,
        user=user,
        settings=request.app.state.settings,
        language=get_language(),
    )
    return Response(status_code=status.HTTP_202_ACCEPTED)
