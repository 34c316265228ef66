"""Pages for a partnership's joint steering body: the list with review dates, setting one up,
the body with its members from both sides and its meetings (minutes and decisions), editing,
and confirmations to remove a member or delete a meeting.

The body is joint: the enterprise's contacts read it all, minutes included; the college's
cooperation office and the partnership's department coordinator manage it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.agreement import repository, steering, steering_queries
from tandem.agreement.deps import Manager, Reader
from tandem.agreement.models import Agreement, Party, SteeringBody
from tandem.agreement.schemas import (
    SteeringBodyCreate,
    SteeringBodyUpdate,
    SteeringMeetingCreate,
    SteeringMemberCreate,
)
from tandem.agreement.steering_pages import (
    BODY_FIELDS,
    CHECKED,
    MEETING_FIELDS,
    MEMBER_FIELDS,
    choices,
    form_errors,
    meeting_payload,
    side_label,
)
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.college.models import College
from tandem.kit.dates import local_today
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError, NotFound, PermissionDenied
from tandem.kit.forms import form_version, read_form, validate
from tandem.kit.i18n import N_, gettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner import repository as partner_repository
from tandem.partner.models import Partnership
from tandem.partner.pages import see_other

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _url(body: SteeringBody) -> str:
    return f"/steering-bodies/{body.id}"


def _require_manage(actor: Actor, body: SteeringBody) -> None:
    if not steering.can_manage(actor, body.partnership):
        raise PermissionDenied()


# --- list ----------------------------------------------------------------------------------------


@router.get("/steering-bodies", response_class=HTMLResponse)
def body_list(
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    partnership_id: str = "",
    overdue: str = "",
) -> Response:
    today = local_today()
    filters = steering_queries.BodyFilter(
        partnership_id=int(partnership_id) if partnership_id.isdigit() else None,
        overdue=overdue in CHECKED,
        today=today,
    )
    page = steering_queries.list_bodies(session, actor=actor, params=params, filters=filters)
    colleges = partner_repository.colleges_by_id(session, [b.college_id for b in page.items])
    return render(
        request,
        "agreement/steering_list.html",
        {
            "page": page,
            "params": params,
            "filters": {
                "partnership_id": partnership_id if partnership_id.isdigit() else "",
                "overdue": filters.overdue,
            },
            "colleges": colleges,
            "today": today,
            "can_create": actor.can(Permission.AGREEMENT_MANAGE),
        },
        block="results",
    )


# --- set up a body -------------------------------------------------------------------------------


def _partnership(session: Session, actor: Actor, raw: str | int | None) -> Partnership | None:
    """The partnership named by the form or the link, if the actor sees it."""
    text = str(raw or "")
    if not text.isdigit():
        return None
    try:
        return partner_repository.get_partnership(session, actor=actor, partnership_id=int(text))
    except NotFound:
        return None


def _create_form(
    request: Request,
    session: Session,
    actor: Actor,
    partnership: Partnership | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    existing = (
        repository.body_of(session, actor=actor, partnership_id=partnership.id)
        if partnership
        else None
    )
    return render(
        request,
        "agreement/steering_form.html",
        {
            "body": None,
            "partnership": partnership,
            "existing": existing,
            "partnerships": (
                steering_queries.partnerships_without_body(session, actor=actor)
                if partnership is None
                else []
            ),
            "frameworks": (
                steering_queries.frameworks_of(session, partnership.id) if partnership else []
            ),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("/steering-bodies/new", response_class=HTMLResponse)
def body_new(
    request: Request, session: DbSession, actor: Manager, partnership_id: str = ""
) -> Response:
    partnership = _partnership(session, actor, partnership_id)
    if partnership is not None:
        existing = repository.body_of(session, actor=actor, partnership_id=partnership.id)
        if existing is not None:  # one body per partnership: open the one it has
            return see_other(_url(existing))
    values: dict[str, Any] = {
        "established_on": local_today().isoformat(),
        "review_every_months": 12,
    }
    if partnership is not None:
        values["partnership_id"] = partnership.id
        values["name"] = _default_name(partnership)
    return _create_form(request, session, actor, partnership, values, {})


def _default_name(partnership: Partnership) -> str:
    enterprise = partnership.enterprise
    return gettext(
        "%(enterprise)s steering committee", enterprise=enterprise.short_name or enterprise.name
    )


@router.post("/steering-bodies/new", response_class=HTMLResponse)
async def body_create(request: Request, session: DbSession, actor: Manager) -> Response:
    values = await read_form(request)
    try:
        data = validate(SteeringBodyCreate, {k: v for k, v in values.items() if k in BODY_FIELDS})
        body = steering.create_body(session, actor=actor, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        partnership = _partnership(session, actor, values.get("partnership_id"))
        errors = form_errors(error, shown=BODY_FIELDS)
        return _create_form(request, session, actor, partnership, values, errors, error.status_code)
    flash(request, N_("Steering body %(name)s set up."), name=body.name)
    return see_other(_url(body))


# --- the body ------------------------------------------------------------------------------------


def _visible_framework(session: Session, actor: Actor, body: SteeringBody) -> Agreement | None:
    """The framework agreement, when the reader may open it (a contact not while it is internal)."""
    if body.framework_id is None:
        return None
    try:
        return repository.get_agreement(session, actor=actor, agreement_id=body.framework_id)
    except NotFound:
        return None


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    body: SteeringBody,
    *,
    member_values: dict[str, Any] | None = None,
    member_errors: dict[str, str] | None = None,
    meeting_values: dict[str, Any] | None = None,
    meeting_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    members = {p.value: [m for m in body.members if m.side == p.value] for p in Party}
    meetings = sorted(body.meetings, key=lambda m: (m.held_on, m.id), reverse=True)
    return render(
        request,
        "agreement/steering_detail.html",
        {
            "body": body,
            "partnership": body.partnership,
            "enterprise": body.partnership.enterprise,
            "college": session.get(College, body.college_id),
            "framework": _visible_framework(session, actor, body),
            "members": members,
            "meetings": meetings,
            "today": today,
            "overdue": body.next_review_on is not None and body.next_review_on < today,
            "can_manage": steering.can_manage(actor, body.partnership),
            "member_values": member_values or {"side": Party.COLLEGE.value},
            "member_errors": member_errors or {},
            "meeting_values": meeting_values or {"held_on": today.isoformat()},
            "meeting_errors": meeting_errors or {},
            **choices(),
        },
        status_code=status_code,
    )


@router.get("/steering-bodies/{body_id}", response_class=HTMLResponse)
def body_detail(body_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    return _detail(request, session, actor, body)


# --- edit ----------------------------------------------------------------------------------------


def _edit_form(
    request: Request,
    session: Session,
    body: SteeringBody,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "agreement/steering_form.html",
        {
            "body": body,
            "partnership": body.partnership,
            "existing": None,
            "partnerships": [],
            "frameworks": steering_queries.frameworks_of(session, body.partnership_id),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("/steering-bodies/{body_id}/edit", response_class=HTMLResponse)
def body_edit(body_id: int, request: Request, session: DbSession, actor: Manager) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    _require_manage(actor, body)
    values = {
        "framework_id": body.framework_id or "",
        "name": body.name,
        "established_on": body.established_on.isoformat(),
        "review_every_months": body.review_every_months,
        "next_review_on": body.next_review_on.isoformat() if body.next_review_on else "",
        "version": body.version,
    }
    return _edit_form(request, session, body, values, {})


@router.post("/steering-bodies/{body_id}/edit", response_class=HTMLResponse)
async def body_update(
    body_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    values = await read_form(request)
    try:
        # Every field is shown: the same checks as setting up; a blank optional one is cleared.
        full = validate(
            SteeringBodyCreate,
            {
                **{k: v for k, v in values.items() if k in BODY_FIELDS},
                "partnership_id": body.partnership_id,
            },
        )
        data = SteeringBodyUpdate(
            framework_id=full.framework_id,
            name=full.name,
            established_on=full.established_on,
            review_every_months=full.review_every_months,
            next_review_on=full.next_review_on,
            version=form_version(values),
        )
        steering.update_body(session, actor=actor, body=body, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=BODY_FIELDS)
        return _edit_form(request, session, body, values, errors, error.status_code)
    flash(request, N_("Steering body %(name)s saved."), name=body.name)
    return see_other(_url(body))


# --- members -------------------------------------------------------------------------------------


@router.post("/steering-bodies/{body_id}/members", response_class=HTMLResponse)
async def member_add(
    body_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    values = await read_form(request)
    try:
        data = validate(
            SteeringMemberCreate, {k: v for k, v in values.items() if k in MEMBER_FIELDS}
        )
        member = steering.add_member(session, actor=actor, body=body, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=MEMBER_FIELDS)
        return _detail(
            request,
            session,
            actor,
            body,
            member_values=values,
            member_errors=errors,
            status_code=error.status_code,
        )
    flash(request, N_("%(name)s added to the steering body."), name=member.name)
    return see_other(f"{_url(body)}#members")


def _confirm(
    request: Request,
    body: SteeringBody,
    *,
    title: str,
    question: str,
    params: dict[str, Any],
    action: str,
    button: str,
) -> Response:
    return render(
        request,
        "agreement/steering_confirm.html",
        {
            "body": body,
            "title": title,
            "question": question,
            "params": params,
            "action": action,
            "button": button,
        },
    )


@router.get("/steering-bodies/{body_id}/members/{member_id}/delete", response_class=HTMLResponse)
def member_confirm_remove(
    body_id: int, member_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    member = steering_queries.get_member(session, body=body, member_id=member_id)
    _require_manage(actor, body)
    return _confirm(
        request,
        body,
        title=N_("Remove a member"),
        question=N_("Remove %(name)s (%(side)s) from %(body)s?"),
        params={"name": member.name, "side": side_label(member.side), "body": body.name},
        action=f"{_url(body)}/members/{member.id}/delete",
        button=N_("Remove"),
    )


@router.post("/steering-bodies/{body_id}/members/{member_id}/delete", response_class=HTMLResponse)
def member_remove(
    body_id: int, member_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    member = steering_queries.get_member(session, body=body, member_id=member_id)
    name = member.name
    steering.remove_member(session, actor=actor, body=body, member=member)
    flash(request, N_("%(name)s removed from the steering body."), name=name)
    return see_other(f"{_url(body)}#members")


# --- meetings ------------------------------------------------------------------------------------


@router.post("/steering-bodies/{body_id}/meetings", response_class=HTMLResponse)
async def meeting_add(
    body_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    values = await read_form(request)
    try:
        data = validate(SteeringMeetingCreate, meeting_payload(values))
        meeting = steering.add_meeting(session, actor=actor, body=body, data=data)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        errors = form_errors(error, shown=MEETING_FIELDS)
        return _detail(
            request,
            session,
            actor,
            body,
            meeting_values=values,
            meeting_errors=errors,
            status_code=error.status_code,
        )
    if meeting.is_review and body.next_review_on:
        flash(
            request,
            N_("Review meeting recorded; the next review is due on %(day)s."),
            day=body.next_review_on.isoformat(),
        )
    else:
        flash(request, N_("Meeting %(title)s recorded."), title=meeting.title)
    return see_other(f"{_url(body)}#meetings")


def _meeting_confirm(
    request: Request, session: Session, actor: Actor, body_id: int, meeting_id: int
) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    meeting = steering_queries.get_meeting(session, body=body, meeting_id=meeting_id)
    _require_manage(actor, body)
    question = (
        N_(
            "Delete the review meeting “%(title)s” of %(day)s with its minutes and decisions? "
            "The next review date is then set again from the review before it."
        )
        if meeting.is_review
        else N_("Delete the meeting “%(title)s” of %(day)s with its minutes and decisions?")
    )
    return _confirm(
        request,
        body,
        title=N_("Delete a meeting"),
        question=question,
        params={"title": meeting.title, "day": meeting.held_on.isoformat()},
        action=f"{_url(body)}/meetings/{meeting.id}/delete",
        button=N_("Delete"),
    )


@router.get("/steering-bodies/{body_id}/meetings/{meeting_id}/delete", response_class=HTMLResponse)
def meeting_confirm_delete(
    body_id: int, meeting_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    return _meeting_confirm(request, session, actor, body_id, meeting_id)


@router.post("/steering-bodies/{body_id}/meetings/{meeting_id}/delete", response_class=HTMLResponse)
def meeting_delete(
    body_id: int, meeting_id: int, request: Request, session: DbSession, actor: Manager
) -> Response:
    body = repository.get_body(session, actor=actor, body_id=body_id)
    meeting = steering_queries.get_meeting(session, body=body, meeting_id=meeting_id)
    title = meeting.title
    steering.delete_meeting(session, actor=actor, body=body, meeting=meeting)
    flash(request, N_("Meeting %(title)s deleted."), title=title)
    return see_other(f"{_url(body)}#meetings")
