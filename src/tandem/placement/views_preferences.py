"""The page where a student ranks the positions of a plan (mobile first).

The list has move up / move down / remove buttons and the positions the student may add, each
with its key terms. Every button posts the one form (htmx swaps just the list, without a page
load; without JavaScript the page reloads). The college's staff open it for a student with
``?student_id=`` (the office may change the list on the student's behalf); without one they
see how far the students have got and find a student by number or name.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import or_
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, Conflict
from tandem.kit.forms import read_form
from tandem.kit.i18n import N_, gettext
from tandem.kit.pagination import like_pattern
from tandem.kit.web import flash, is_htmx, render, verify_csrf
from tandem.partner.pages import see_other
from tandem.people.models import SchoolClass, Student
from tandem.placement import cohort, preferences, scope
from tandem.placement.api_preferences import Ranker, Reader
from tandem.placement.kinds import PHASE_LABELS, Phase
from tandem.placement.models import PlacementPlan
from tandem.resource.venue_base_pages import number

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
PAGE = "/placement-plans/{plan_id}/my-preferences"
FOUND_SHOWN = 30
SAVED = N_("Your list is saved.")


def page_url(plan: PlacementPlan, actor: Actor, student_id: int) -> str:
    url = f"/placement-plans/{plan.id}/my-preferences"
    return url if actor.role == "student" else f"{url}?student_id={student_id}"


def _int(text: object) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 10 else None


def edit_refusal(
    session: Session, actor: Actor, plan: PlacementPlan, student: Student
) -> str | None:
    """Why the list cannot be changed now (None: it can)."""
    if not scope.can_rank_for(actor, plan, student.id):
        return gettext(N_("You may look at this list but not change it."))
    if not preferences.ranking_open(plan):
        return preferences.phase_conflict(plan).localised()
    if not cohort.is_eligible(session, plan, student.id):
        return gettext(
            N_(
                "%(name)s does not take part in this plan (class, major, year of study or "
                "age); ask the cooperation office if this is wrong."
            ),
            name=student.name,
        )
    if preferences.placed_in_published_round(session, plan, student.id):
        return gettext(
            N_(
                "%(name)s already has a position from a published round; the list can no "
                "longer be changed."
            ),
            name=student.name,
        )
    return None


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    plan: PlacementPlan,
    student: Student,
    *,
    error: str = "",
    notice: str = "",
    status_code: int = 200,
) -> Response:
    lines = preferences.preferences_of(session, actor=actor, plan=plan, student_id=student.id)
    listed = {line.position.id for line in lines}
    available = [
        t
        for t in preferences.available_positions(
            session, actor=actor, plan=plan, student_id=student.id
        )
        if t.id not in listed
    ]
    refusal = edit_refusal(session, actor, plan, student)
    return render(
        request,
        "placement/preferences.html",
        {
            "plan": plan,
            "student": student,
            "own": actor.role == "student",
            "lines": lines,
            "available": available,
            "full": len(lines) >= plan.max_preferences,
            "can_edit": refusal is None,
            "refusal": refusal or "",
            "phase_label": gettext(PHASE_LABELS[Phase(plan.phase)]),
            "action": f"/placement-plans/{plan.id}/my-preferences",
            "error": error,
            "notice": notice,
            "number": number,
        },
        block="ranking",
        status_code=status_code,
    )


def _chooser(
    request: Request, session: Session, actor: Actor, plan: PlacementPlan, q: str
) -> Response:
    """For the staff: how far the students are, and a search for one student."""
    found: list[Any] = []
    text = q.strip()
    if text:
        pattern = like_pattern(text)
        found = list(
            session.execute(
                cohort.eligible_students(plan)
                .with_only_columns(
                    Student.id, Student.student_number, Student.name, SchoolClass.name
                )
                .where(
                    or_(
                        Student.student_number.ilike(pattern, escape="\\"),
                        Student.name.ilike(pattern, escape="\\"),
                    )
                )
                .order_by(Student.student_number)
                .limit(FOUND_SHOWN)
            ).all()
        )
    return render(
        request,
        "placement/preferences_choose.html",
        {
            "plan": plan,
            "counts": preferences.rankers(session, plan),
            "q": text,
            "found": found,
            "phase_label": gettext(PHASE_LABELS[Phase(plan.phase)]),
        },
    )


@router.get(PAGE, response_class=HTMLResponse)
def my_preferences(
    plan_id: int,
    request: Request,
    session: DbSession,
    actor: Reader,
    student_id: str = "",
    q: str = "",
) -> Response:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    chosen = _int(student_id)
    if scope.is_staff(actor) and chosen is None:
        return _chooser(request, session, actor, plan, q)
    student = preferences.student_for(session, actor=actor, plan=plan, student_id=chosen)
    return _page(request, session, actor, plan, student)


def changed_list(current: list[int], op: str, max_lines: int) -> list[int]:
    """The list after one button: ``up:ID``, ``down:ID``, ``remove:ID``, ``add:ID``, ``clear``."""
    verb, _, raw = op.partition(":")
    position_id = _int(raw)
    result = list(current)
    if verb == "clear":
        return []
    if position_id is None:
        raise Conflict(N_("Choose what to change in your list."), code="no_change")
    if verb == "add":
        if position_id not in result:
            if len(result) >= max_lines:
                raise Conflict(
                    N_("Your list is full (%(max)s positions); remove one to add another."),
                    code="list_full",
                    max=max_lines,
                )
            result.append(position_id)
        return result
    if position_id not in result:
        return result
    at = result.index(position_id)
    if verb == "remove":
        result.pop(at)
    elif verb == "up" and at > 0:
        result[at - 1], result[at] = result[at], result[at - 1]
    elif verb == "down" and at < len(result) - 1:
        result[at + 1], result[at] = result[at], result[at + 1]
    return result


@router.post(PAGE, response_class=HTMLResponse)
async def change_preferences(
    plan_id: int, request: Request, session: DbSession, actor: Ranker
) -> Response:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    values = await read_form(request)
    chosen = _int(values.get("student_id")) if actor.role != "student" else None
    student = preferences.student_for(session, actor=actor, plan=plan, student_id=chosen)
    current = [
        line.position.id
        for line in preferences.preferences_of(
            session, actor=actor, plan=plan, student_id=student.id
        )
    ]
    try:
        wanted = changed_list(current, values.get("op", ""), plan.max_preferences)
        preferences.set_preferences(
            session, actor=actor, plan=plan, student_id=student.id, position_ids=wanted
        )
    except AppError as error:
        session.rollback()
        if error.status_code in (403, 404):
            raise
        message = error.errors[0].localised() if error.errors else error.localised()
        return _page(
            request, session, actor, plan, student, error=message, status_code=error.status_code
        )
    if is_htmx(request):
        return _page(request, session, actor, plan, student, notice=gettext(SAVED))
    flash(request, SAVED)
    return see_other(page_url(plan, actor, student.id))
