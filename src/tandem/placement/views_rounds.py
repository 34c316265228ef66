"""Allocation round pages: a plan's rounds with the run form and its capacities, a round's
statistics (rank histogram, the welfare comparison, host utilisation, the outcomes with search
and one student's explanation), and the publish, discard and adjust confirmations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.deps import DbSession, ListQuery
from tandem.kit.errors import AppError, ValidationFailed
from tandem.kit.forms import errors_by_field, read_form
from tandem.kit.i18n import N_, get_language, gettext, ngettext
from tandem.kit.web import flash, render, verify_csrf
from tandem.partner.models import Enterprise, Partnership
from tandem.partner.pages import see_other
from tandem.people.models import Student
from tandem.placement import rounds, rounds_publish, rounds_store, scope
from tandem.placement.api_rounds import Reader, Runner, require_staff
from tandem.placement.capacity import plan_caps
from tandem.placement.kinds import (
    OBJECTIVE_LABELS,
    PHASE_LABELS,
    ROUND_STATUS_LABELS,
    Objective,
    Phase,
    PositionStatus,
)
from tandem.placement.models import AllocationRound, PlacementPlan, Position
from tandem.placement.rounds_store import FILTERS, explanation_lines, names_for

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

BINDING_LABELS = {
    "seats": N_("the seats offered"),
    "staff_share": N_("the share of the staff"),
    "unknown_staff": N_("the seats (staff not recorded)"),
    "no_rule": N_("the seats (no cap applies)"),
}
STATUS_BADGES = {"preview": "warn", "published": "ok", "discarded": ""}
FILTER_LABELS = {
    "placed": N_("Placed"),
    "unplaced": N_("Not placed"),
    "adjusted": N_("Changed by hand"),
}


def _label(labels: dict[Any, str], value: str) -> str:
    return gettext(labels[value]) if value in labels else value


def labels() -> dict[str, Any]:
    return {
        "objective_label": lambda v: _label(OBJECTIVE_LABELS, v),
        "round_status_label": lambda v: _label(ROUND_STATUS_LABELS, v),
        "round_status_badge": lambda v: STATUS_BADGES.get(v, ""),
        "binding_label": lambda v: _label(BINDING_LABELS, v),
        "phase_label": lambda v: _label(PHASE_LABELS, v),
        "objective_options": [(o.value, gettext(OBJECTIVE_LABELS[o])) for o in Objective],
        "filter_options": [(f, gettext(FILTER_LABELS[f])) for f in FILTERS],
    }


def host_names(session: Session, ids: list[int]) -> dict[int, str]:
    return dict(
        session.execute(
            select(Partnership.id, Enterprise.name)
            .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
            .where(Partnership.id.in_(ids))
        ).all()
    )


def position_options(session: Session, plan: PlacementPlan) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Position.id, Position.title, Enterprise.name)
        .join(Partnership, Partnership.id == Position.partnership_id)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(Position.plan_id == plan.id, Position.status == PositionStatus.PUBLISHED)
        .order_by(Enterprise.name, Position.title)
    )
    return [(pid, f"{name} · {title}") for pid, title, name in rows]


# --- a plan's rounds -----------------------------------------------------------------------------


def _rounds_page(
    request: Request,
    session: Session,
    actor: Actor,
    plan: PlacementPlan,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    caps = plan_caps(session, plan)
    names = host_names(session, list(caps.hosts))
    hosts = sorted(
        ((names.get(h, str(h)), cap) for h, cap in caps.hosts.items()), key=lambda r: r[0]
    )
    return render(
        request,
        "placement/rounds.html",
        {
            "plan": plan,
            "rounds": rounds_store.plan_rounds(session, actor=actor, plan=plan),
            "can_run": scope.can_run_allocation(actor, plan),
            "in_allocation": plan.phase == Phase.ALLOCATION,
            "hosts": hosts,
            "capacity_total": sum(c.capacity for c in caps.hosts.values()),
            "seats_total": sum(c.seats for c in caps.hosts.values()),
            "values": values,
            "errors": errors,
            **labels(),
        },
        status_code=status_code,
    )


@router.get("/placement-plans/{plan_id}/rounds", response_class=HTMLResponse)
def rounds_list(plan_id: int, request: Request, session: DbSession, actor: Reader) -> Response:
    require_staff(actor)
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    return _rounds_page(request, session, actor, plan, {"objective": "stable", "seed": 0}, {})


@router.post("/placement-plans/{plan_id}/rounds", response_class=HTMLResponse)
async def rounds_run(plan_id: int, request: Request, session: DbSession, actor: Runner) -> Response:
    plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
    values = await read_form(request)
    seed_text = values.get("seed", "0").strip()
    try:
        if not seed_text.isdigit():
            raise ValidationFailed.single(
                "seed", "bad_seed", N_("The seed must be a whole number from 0 to 2147483647.")
            )
        found = rounds.run_round(
            session,
            actor=actor,
            plan=plan,
            objective=values.get("objective", "stable"),
            seed=int(seed_text),
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        plan = scope.get_plan(session, actor=actor, plan_id=plan_id)
        return _rounds_page(
            request, session, actor, plan, values, errors_by_field(error), error.status_code
        )
    flash(
        request,
        N_("Round %(number)s has run: check the preview, then publish it."),
        number=found.number,
    )
    return see_other(f"/rounds/{found.id}")


# --- a round -------------------------------------------------------------------------------------


def comparison(stats: dict[str, Any]) -> str:
    """The other objective's figures in words."""
    if stats.get("objective") == Objective.WELFARE:
        more = int(stats.get("more_placed", 0))
        pairs = int(stats.get("blocking_pairs", 0))
        return gettext(
            N_(
                "This allocation places %(more)s more students than the stable one but has "
                "%(pairs)s blocking pairs (a student and a host who would both rather be "
                "together)."
            ),
            more=more,
            pairs=pairs,
        )
    welfare = stats.get("welfare")
    if not welfare:
        return ""
    more = int(welfare.get("more_placed", 0))
    pairs = int(welfare.get("blocking_pairs", 0))
    if more == 0:
        return gettext(
            N_("The welfare objective would place no more students: this allocation is as large.")
        )
    return ngettext(
        "The welfare objective would place %(more)s more student but create %(pairs)s "
        "blocking pairs.",
        "The welfare objective would place %(more)s more students but create %(pairs)s "
        "blocking pairs.",
        more,
        more=more,
        pairs=pairs,
    )


def histogram_chart(stats: dict[str, Any]) -> dict[str, Any]:
    own = {int(k): v for k, v in stats.get("rank_histogram", {}).items()}
    other_key = "stable" if stats.get("objective") == Objective.WELFARE else "welfare"
    other_stats = stats.get(other_key) or {}
    other = {int(k): v for k, v in other_stats.get("rank_histogram", {}).items()}
    top = max([*own, *other, 1])
    series = [
        {
            "name": gettext(OBJECTIVE_LABELS[Objective(stats.get("objective", "stable"))]),
            "color": "#1f6f8b",
            "data": [own.get(r, 0) for r in range(1, top + 1)],
        }
    ]
    if other:
        series.append(
            {
                "name": gettext(OBJECTIVE_LABELS[Objective(other_key)]),
                "color": "#d08c2a",
                "data": [other.get(r, 0) for r in range(1, top + 1)],
            }
        )
    return {
        "type": "bar",
        "categories": [gettext(N_("Choice %(rank)s"), rank=r) for r in range(1, top + 1)],
        "yName": gettext(N_("Students")),
        "series": series,
    }


def host_table(session: Session, stats: dict[str, Any]) -> list[dict[str, Any]]:
    hosts = stats.get("capacity", {}).get("hosts", {})
    names = host_names(session, [int(h) for h in hosts])
    rows = [{"name": names.get(int(h), h), **cap} for h, cap in hosts.items()]
    return sorted(rows, key=lambda r: (-int(r.get("placed", 0)), str(r["name"])))


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_detail(
    round_id: int,
    request: Request,
    session: DbSession,
    actor: Reader,
    params: ListQuery,
    show: str = "",
    student_id: int | None = None,
) -> Response:
    require_staff(actor)
    found = scope.get_round(session, actor=actor, round_id=round_id)
    show = show if show in FILTERS else ""
    page = rounds_store.list_assignments(session, round=found, params=params, show=show)
    one = None
    lines: list[str] = []
    if student_id is not None:
        chosen = rounds_store.list_assignments(
            session,
            round=found,
            params=params.model_copy(update={"q": "", "page": 1}),
            student_id=student_id,
        ).items
        if chosen:
            one = chosen[0]
            names = names_for(session, [one.explanation or {}, {"position": one.position_id}])
            lines = explanation_lines(one, names, get_language())
    stats = found.stats
    return render(
        request,
        "placement/round_detail.html",
        {
            "round": found,
            "plan": found.plan,
            "stats": stats,
            "page": page,
            "params": params,
            "show": show,
            "one": one,
            "lines": lines,
            "comparison": comparison(stats),
            "chart": histogram_chart(stats),
            "hosts": host_table(session, stats),
            "can_run": scope.can_run_allocation(actor, found.plan),
            **labels(),
        },
        block="results",
    )


# --- publish, discard ----------------------------------------------------------------------------


def _confirm(
    request: Request, found: AllocationRound, action: str, error: str = "", status_code: int = 200
) -> Response:
    return render(
        request,
        "placement/round_confirm.html",
        {"round": found, "plan": found.plan, "action": action, "error": error, **labels()},
        status_code=status_code,
    )


@router.get("/rounds/{round_id}/publish", response_class=HTMLResponse)
def round_publish_confirm(
    round_id: int, request: Request, session: DbSession, actor: Runner
) -> Response:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    rounds.require_run(actor, found.plan)
    return _confirm(request, found, "publish")


@router.post("/rounds/{round_id}/publish", response_class=HTMLResponse)
def round_publish(round_id: int, request: Request, session: DbSession, actor: Runner) -> Response:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    try:
        made = rounds_publish.publish_round(
            session, actor=actor, round=found, settings=request.app.state.settings
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        found = scope.get_round(session, actor=actor, round_id=round_id)
        return _confirm(request, found, "publish", error.localised(), error.status_code)
    flash(
        request,
        N_("Round %(number)s published: %(count)s draft placements made."),
        number=found.number,
        count=made,
    )
    return see_other(f"/rounds/{found.id}")


@router.get("/rounds/{round_id}/discard", response_class=HTMLResponse)
def round_discard_confirm(
    round_id: int, request: Request, session: DbSession, actor: Runner
) -> Response:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    rounds.require_run(actor, found.plan)
    return _confirm(request, found, "discard")


@router.post("/rounds/{round_id}/discard", response_class=HTMLResponse)
def round_discard(round_id: int, request: Request, session: DbSession, actor: Runner) -> Response:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    try:
        rounds.discard_round(session, actor=actor, round=found)
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        found = scope.get_round(session, actor=actor, round_id=round_id)
        return _confirm(request, found, "discard", error.localised(), error.status_code)
    flash(request, N_("Round %(number)s discarded."), number=found.number)
    return see_other(f"/placement-plans/{found.plan_id}/rounds")


# --- adjust --------------------------------------------------------------------------------------


def _adjust_page(
    request: Request,
    session: Session,
    found: AllocationRound,
    student_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str],
    verdict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    item = None
    if student_id is not None:
        try:
            item = rounds_publish.get_assignment(session, found, student_id)
        except AppError:
            item = None
    pairs: list[str] = []
    if verdict:
        wanted = verdict["blocking_pairs_created"]
        names = names_for(session, [{"position": p["position_id"]} for p in wanted])
        student_names = dict(
            session.execute(
                select(Student.id, Student.name).where(
                    Student.id.in_([p["student_id"] for p in wanted])
                )
            ).all()
        )
        pairs = [
            f"{student_names.get(p['student_id'], p['student_id'])} – "
            f"{names.position(p['position_id'])}"
            for p in wanted
        ]
    return render(
        request,
        "placement/round_adjust.html",
        {
            "round": found,
            "plan": found.plan,
            "assignment": item,
            "student_id": student_id,
            "positions": position_options(session, found.plan),
            "values": values,
            "errors": errors,
            "verdict": verdict,
            "pairs": pairs,
            **labels(),
        },
        status_code=status_code,
    )


@router.get("/rounds/{round_id}/adjust", response_class=HTMLResponse)
def round_adjust_form(
    round_id: int,
    request: Request,
    session: DbSession,
    actor: Runner,
    student_id: int | None = None,
) -> Response:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    rounds.require_run(actor, found.plan)
    values: dict[str, Any] = {}
    if student_id is not None:
        try:
            item = rounds_publish.get_assignment(session, found, student_id)
            values["position_id"] = item.position_id or ""
        except AppError:
            pass
    return _adjust_page(request, session, found, student_id, values, {})


def _whole(raw: str) -> int | None:
    """A posted id: plain digits 0–9 (not too many), else None."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else None


@router.post("/rounds/{round_id}/adjust", response_class=HTMLResponse)
async def round_adjust(
    round_id: int, request: Request, session: DbSession, actor: Runner
) -> Response:
    found = scope.get_round(session, actor=actor, round_id=round_id)
    values = await read_form(request)
    student_id = _whole(values.get("student_id", ""))
    # Only the "Not placed" option (an empty value) leaves the student unplaced.
    posted = (await request.form()).get("position_id")
    raw_position = posted.strip() if isinstance(posted, str) else None
    position_id = _whole(raw_position) if raw_position else None
    try:
        if student_id is None:
            raise ValidationFailed.single(
                "student_id", "required", N_("Choose the student to move.")
            )
        if raw_position is None or (raw_position and position_id is None):
            raise ValidationFailed.single(
                "position_id",
                "bad_position",
                N_(
                    "Choose a position from the list, or “Not placed” to leave the student "
                    "without a position."
                ),
            )
        _, verdict = rounds_publish.adjust_assignment(
            session,
            actor=actor,
            round=found,
            student_id=student_id,
            position_id=position_id,
            reason=values.get("reason", ""),
        )
    except AppError as error:
        session.rollback()
        if error.status_code == 403:
            raise
        found = scope.get_round(session, actor=actor, round_id=round_id)
        return _adjust_page(
            request,
            session,
            found,
            student_id,
            values,
            errors_by_field(error),
            status_code=error.status_code,
        )
    flash(request, N_("The change is saved with its reason."))
    return _adjust_page(request, session, found, student_id, values, {}, verdict)
