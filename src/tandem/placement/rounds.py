"""Allocation rounds: run a preview, discard it (publishing and adjusting are in
:mod:`tandem.placement.rounds_publish`).

``run_round`` loads the plan's instance (:mod:`tandem.placement.round_instance`), runs the
engine with explanations, and stores the round with its statistics — the engine's, the other
objective's figures for comparison, and each host's and position's capacity with what binds
it — and one assignment per student, in one bulk insert, with one audit entry for the round.
A new preview replaces (discards) an earlier preview of the same round number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from tandem.audit.service import record
from tandem.auth.actor import Actor
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.kit.orm import utcnow
from tandem.placement import scope
from tandem.placement.kinds import PHASE_LABELS, Objective, Phase, RoundStatus
from tandem.placement.models import AllocationRound, PlacementPlan, RoundAssignment
from tandem.placement.round_instance import RoundInput, load_round_input

OBJECTIVES = tuple(o.value for o in Objective)


def require_run(actor: Actor, plan: PlacementPlan) -> None:
    if not scope.can_run_allocation(actor, plan):
        raise PermissionDenied(N_("Only the cooperation office runs and publishes allocations."))


def require_allocation_phase(plan: PlacementPlan) -> None:
    if plan.phase != Phase.ALLOCATION:
        raise Conflict(
            N_(
                "Plan %(plan)s is in the phase “%(phase)s”: rounds are run, published and "
                "discarded only in the allocation phase. Move the plan to the allocation "
                "phase first."
            ),
            code="wrong_phase",
            plan=plan.name,
            phase=gettext(PHASE_LABELS.get(Phase(plan.phase), plan.phase)),
        )


def next_number(session: Session, plan: PlacementPlan) -> int:
    """The round a new run makes: one after the last published round."""
    last = session.scalar(
        select(func.max(AllocationRound.number)).where(
            AllocationRound.plan_id == plan.id, AllocationRound.status == RoundStatus.PUBLISHED
        )
    )
    return (last or 0) + 1


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values]


def plain_explanation(engine: dict[str, Any]) -> dict[str, Any]:
    """The engine's explanation of one student with ids as integers and without its English
    messages (pages render the reason codes in the reader's language)."""
    above = []
    for why in engine.get("above", ()):
        item: dict[str, Any] = {
            "position": int(why["position"]),
            "host": int(why["host"]),
            "reason": why["reason"],
        }
        if why["reason"] == "full":
            item["ranked_higher"] = _ids(why.get("ranked_higher", []))
            item["by_lottery"] = _ids(why.get("by_lottery", []))
        elif why["reason"] == "host_full":
            item["capacity"] = why.get("capacity")
        above.append(item)
    position = engine.get("position")
    return {
        "position": int(position) if position is not None else None,
        "rank": engine.get("rank"),
        "above": above,
    }


def _capacity_stats(data: RoundInput, placed: dict[int, int]) -> dict[str, Any]:
    """Each host's and position's capacity in this round, what binds it, and its use."""
    host_placed: Counter[int] = Counter()
    for position, count in placed.items():
        host_placed[data.position_host[position]] += count
    positions = {
        str(p): {
            **data.caps.positions[p].as_json(),
            "host": h,
            "capacity": data.position_capacity[p],
            "taken_before": data.taken_positions.get(p, 0),
            "placed": placed.get(p, 0),
        }
        for p, h in data.position_host.items()
    }
    hosts = {
        str(h): {
            **cap.as_json(),
            "capacity": data.host_capacity[h],
            "taken_before": data.taken_hosts.get(h, 0),
            "placed": host_placed.get(h, 0),
        }
        for h, cap in data.caps.hosts.items()
    }
    return {"hosts": hosts, "positions": positions}


def allocate_input(
    data: RoundInput, objective: str, seed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The engine's result (with explanations) and the statistics to store."""
    from tandem.matching import allocate

    result = allocate(data.instance, objective=objective, seed=seed, explain=True)  # type: ignore[arg-type]
    stats: dict[str, Any] = dict(result["stats"])
    if objective == Objective.STABLE:
        welfare = allocate(data.instance, objective="welfare", seed=seed)["stats"]
        stats["welfare"] = {
            key: welfare[key]
            for key in ("assigned", "rank_sum", "rank_histogram", "more_placed", "blocking_pairs")
        }
        stats["blocking_pairs"] = 0
    return result, stats


def run_round(
    session: Session,
    *,
    actor: Actor,
    plan: PlacementPlan,
    objective: str = Objective.STABLE,
    seed: int = 0,
    on_step: Callable[[str], None] | None = None,
) -> AllocationRound:
    """Run the allocation as a preview round (see the module's docstring). ``on_step`` is
    told "load", "allocate" and "store" as each step starts (the command's progress bar)."""
    step = on_step or (lambda _: None)
    require_run(actor, plan)
    require_allocation_phase(plan)
    if objective not in OBJECTIVES:
        raise ValidationFailed.single(
            "objective",
            "unknown_objective",
            N_("Unknown objective %(value)s; choose stable or welfare."),
            value=objective,
        )
    if not 0 <= seed < 2**31:
        raise ValidationFailed.single(
            "seed",
            "bad_seed",
            N_("The seed must be a whole number from 0 to 2147483647."),
        )
    number = next_number(session, plan)
    session.execute(
        update(AllocationRound)
        .where(
            AllocationRound.plan_id == plan.id,
            AllocationRound.number == number,
            AllocationRound.status == RoundStatus.PREVIEW,
        )
        .values(status=RoundStatus.DISCARDED, version=AllocationRound.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    step("load")
    data = load_round_input(session, plan, number)
    step("allocate")
    result, stats = allocate_input(data, objective, seed)
    step("store")
    explanations: dict[str, dict[str, Any]] = result["explanations"]
    placed: Counter[int] = Counter()
    rows: list[dict[str, Any]] = []
    for student in data.students:
        explanation = plain_explanation(explanations[str(student)])
        position = explanation["position"]
        if position is not None:
            placed[position] += 1
        rows.append(
            {
                "college_id": plan.college_id,
                "student_id": student,
                "position_id": position,
                "choice": explanation["rank"],
                "explanation": explanation,
                "adjusted": False,
                "adjust_reason": "",
            }
        )
    stats["capacity"] = _capacity_stats(data, placed)
    found = AllocationRound(
        college_id=plan.college_id,
        plan_id=plan.id,
        number=number,
        objective=objective,
        seed=seed,
        status=RoundStatus.PREVIEW,
        stats=stats,
        run_by_user_id=actor.user_id,
    )
    session.add(found)
    session.flush()
    for row in rows:
        row["round_id"] = found.id
    if rows:
        session.execute(insert(RoundAssignment), rows)
    record(
        session,
        actor=actor,
        action="run",
        entity=found,
        college_id=plan.college_id,
        after={
            "plan_id": plan.id,
            "number": number,
            "objective": objective,
            "seed": seed,
            "students": stats["students"],
            "assigned": stats["assigned"],
        },
        summary=f"{plan.name}: round {number} ({objective})",
    )
    return found


def discard_round(session: Session, *, actor: Actor, round: AllocationRound) -> AllocationRound:
    """Set a preview aside, in the allocation phase like running and publishing; published
    rounds stay (their placements exist)."""
    require_run(actor, round.plan)
    if round.status != RoundStatus.PREVIEW:
        raise Conflict(
            N_("Round %(number)s is not a preview: only a preview can be discarded."),
            code="not_preview",
            number=round.number,
        )
    require_allocation_phase(round.plan)
    round.status = RoundStatus.DISCARDED
    record(
        session,
        actor=actor,
        action="discard",
        entity=round,
        college_id=round.college_id,
        before={"status": RoundStatus.PREVIEW.value},
        after={"status": RoundStatus.DISCARDED.value},
        summary=f"{round.plan.name}: round {round.number}",
    )
    return round


def mark_published(round: AllocationRound, actor: Actor) -> None:
    round.status = RoundStatus.PUBLISHED
    round.published_at = utcnow()
    round.published_by_user_id = actor.user_id
