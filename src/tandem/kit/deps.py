"""FastAPI dependencies shared by every router: the database session, the actor, list queries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.pagination import ListParams


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed before the response is sent, rolled back on error."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_actor(request: Request) -> Actor:
    actor = getattr(request.state, "actor", None)
    if isinstance(actor, Actor):
        return actor
    actor = Actor(label="web")
    request.state.actor = actor
    return actor


DbSession = Annotated[Session, Depends(get_session, scope="function")]
CurrentActor = Annotated[Actor, Depends(get_actor)]
ListQuery = Annotated[ListParams, Query()]
