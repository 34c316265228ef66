"""The inbox page: the signed-in user's own notices, newest first; mark read; run reminders.

Opening the inbox also runs the daily reminder job when it has not run yet today.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tandem.agreement.reminders import mark_run, run_daily_if_due, run_reminders
from tandem.auth.actor import Actor
from tandem.auth.deps import CurrentActor, require
from tandem.auth.roles import Permission
from tandem.inbox import repository, service
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.forms import read_form
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.site.views import safe_next

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

# Who may run the reminders on request: the cooperation office (its college) and platform
# administrators (every college).
Runner = Annotated[Actor, Depends(require(Permission.AGREEMENT_APPROVE))]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _back(value: str | None) -> str:
    target = safe_next(value)
    return target if target.startswith("/inbox") else "/inbox"


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request, session: DbSession, actor: CurrentActor, params: ListQuery, unread: str = ""
) -> Response:
    run_daily_if_due(session, today=local_today(), settings=request.app.state.settings)
    user_id = actor.user_id or 0
    unread_only = unread in ("1", "true", "on")
    page = repository.list_notices(session, user_id=user_id, params=params, unread_only=unread_only)
    return render(
        request,
        "inbox/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_total": service.unread_count(session, user_id),
            "kind_label": lambda kind: gettext(service.kind_label(kind)),
            "can_run": actor.can(Permission.AGREEMENT_APPROVE),
        },
        block="results",
    )


@router.post("/inbox/{notice_id}/read")
async def read_notice(
    notice_id: int, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    """Mark the notice read; then open what it is about, or go back to the inbox."""
    notice = repository.get_own_notice(session, actor=actor, notice_id=notice_id)
    service.mark_read(session, actor=actor, notice=notice)
    form = await read_form(request)
    if form.get("open") and notice.link:
        return _see_other(safe_next(notice.link))
    return _see_other(_back(form.get("next")))


@router.post("/inbox/read-all")
async def read_all(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    marked = service.mark_all_read(session, actor=actor)
    flash(request, N_("%(count)s notices marked read."), count=marked)
    form = await read_form(request)
    return _see_other(_back(form.get("next")))


@router.post("/inbox/run")
def run_now(request: Request, session: DbSession, actor: Runner) -> Response:
    """Run the reminder job now, for the actor's college (every college for platform admins)."""
    today = local_today()
    report = run_reminders(
        session,
        today=today,
        settings=request.app.state.settings,
        college_id=None if actor.is_platform_wide else actor.college_id,
    )
    mark_run(session, today=today, report=report)
    flash(
        request,
        N_(
            "Reminders run: %(activated)s agreements activated, %(expiring)s marked expiring, "
            "%(renewed)s renewed automatically, %(ended)s ended; %(notices)s notices written, "
            "%(emails)s e-mails queued."
        ),
        activated=report.activated,
        expiring=report.expiring,
        renewed=report.renewed,
        ended=report.ended,
        notices=report.notices,
        emails=report.emails,
    )
    if report.problems:
        flash(
            request,
            N_("%(count)s agreements could not be moved on by date; open them to see why."),
            category="warning",
            count=len(report.problems),
        )
    return _see_other("/inbox")
