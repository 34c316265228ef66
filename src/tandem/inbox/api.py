"""JSON API for the signed-in user's own inbox under /api/v1/inbox.

Listing also runs the daily reminder job when it has not run yet today (see
:func:`tandem.agreement.reminders.run_daily_if_due`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from tandem.agreement.reminders import run_daily_if_due
from tandem.auth.deps import CurrentActor
from tandem.inbox import repository, service
from tandem.inbox.schemas import NoticeList, NoticeRead, ReadAllResult
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.pagination import page_meta

router = APIRouter(prefix="/api/v1", tags=["inbox"])


@router.get("/inbox", response_model=NoticeList, summary="Your notices, newest first")
def list_notices(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    params: ListQuery,
    unread_only: bool = False,
) -> NoticeList:
    run_daily_if_due(session, today=local_today(), settings=request.app.state.settings)
    user_id = actor.user_id or 0
    page = repository.list_notices(session, user_id=user_id, params=params, unread_only=unread_only)
    return NoticeList(
        items=[NoticeRead.of(n) for n in page.items],
        meta=page_meta(page),
        unread=service.unread_count(session, user_id),
    )


@router.post(
    "/inbox/{notice_id}/read", response_model=NoticeRead, summary="Mark one of your notices read"
)
def read_notice(notice_id: int, session: DbSession, actor: CurrentActor) -> NoticeRead:
    notice = repository.get_own_notice(session, actor=actor, notice_id=notice_id)
    return NoticeRead.of(service.mark_read(session, actor=actor, notice=notice))


@router.post("/inbox/read-all", response_model=ReadAllResult, summary="Mark all your notices read")
def read_all(session: DbSession, actor: CurrentActor) -> ReadAllResult:
    marked = service.mark_all_read(session, actor=actor)
    return ReadAllResult(marked=marked, unread=service.unread_count(session, actor.user_id or 0))
