"""FastAPI dependencies shared by every router: the database session and list queries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

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
    for hook in getattr(request.app.state, "after_commit", ()):
        hook(request)


DbSession = Annotated[Session, Depends(get_session, scope="function")]
ListQuery = Annotated[ListParams, Query()]
