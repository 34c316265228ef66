"""Publishing a round (its draft placements, the plan to results, the announcement) and manual
adjustments of one student's outcome, with the verifier's verdict on blocking pairs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from tandem.audit.service import record
from tandem.auth.actor import Actor
from tandem.config import Settings
from tandem.kit.errors import Conflict, NotFound, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.placement import gate
from tandem.placement.kinds import (
    HOLDING,
    Phase,
    PlacementSource,
    PlacementStatus,
    PositionStatus,
    RoundStatus,
)
from tandem.placement.models import (
    AllocationRound,
    Placement,
    PlacementPlan,
    Position,
    RoundAssignment,
)
from tandem.placement.round_instance import load_round_input
from tandem.placement.rounds import (
    mark_published,
    require_allocation_phase,
    require_run,
)

if TYPE_CHECKING:
    from tandem.matching.instance import Instance


def _positions(session: Session, plan_id: int) -> dict[int, tuple[int, int]]:
    """Each position of the plan: (partnership, enterprise)."""
    rows = session.execute(
        select(Position.id, Position.partnership_id, Partnership.enterprise_id)
        .join(Partnership, Partnership.id == Position.partnership_id)
        .where(Position.plan_id == plan_id)
    )
    return {p: (h, e) for p, h, e in rows}


COPIED_TERMS = (
    "title",
    "monthly_pay",
    "hours_per_day",
    "days_per_week",
    "shifts",
    "night_shift",
    "holiday_work",
    "venue_category",
    "labour_intensity",
    "high_risk",
    "restrictions",
    "post_staff",
    "post_wage",
)


def position_terms(
    session: Session, plan_id: int, position_ids: list[int] | None = None
) -> dict[int, dict[str, Any]]:
    """The terms and post facts of the plan's positions (or of ``position_ids``) that a draft
    placement copies: the gate reads the placement's own, which may then be changed."""
    stmt = select(Position.id, *(getattr(Position, name) for name in COPIED_TERMS)).where(
        Position.plan_id == plan_id
    )
    if position_ids is not None:
        stmt = stmt.where(Position.id.in_(position_ids))
    terms = {}
    for row in session.execute(stmt):
        copied = dict(zip(COPIED_TERMS, row[1:], strict=True))
        copied["restrictions"] = list(copied["restrictions"] or [])
        copied["title"] = copied["title"] or ""
        terms[row[0]] = copied
    return terms


def _placement_row(
    plan: PlacementPlan,
    round_id: int,
    student: int,
    position: int,
    where: tuple[int, int],
    terms: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    """A draft placement with the position's terms and post facts copied into it."""
    copied = terms.get(position, {})
    return {
        "college_id": plan.college_id,
        "student_id": student,
        "plan_id": plan.id,
        "position_id": position,
        "round_id": round_id,
        "partnership_id": where[0],
        "enterprise_id": where[1],
        "kind": plan.kind,
        "start_on": plan.term_start,
        "end_on": plan.term_end,
        "status": PlacementStatus.DRAFT.value,
        "source": PlacementSource.ALLOCATION.value,
        "ended_reason": "",
        **copied,
    }


def _require_open_positions(session: Session, round: AllocationRound) -> None:
    """A position withdrawn since the preview ran takes nobody: run the round again."""
    withdrawn = session.scalar(
        select(Position.title)
        .join(RoundAssignment, RoundAssignment.position_id == Position.id)
        .where(
            RoundAssignment.round_id == round.id,
            Position.status != PositionStatus.PUBLISHED,
        )
        .limit(1)
    )
    if withdrawn is not None:
        raise Conflict(
            N_(
                "The position %(title)s is no longer published but this preview places "
                "students there: run the round again, then publish the new preview."
            ),
            code="position_withdrawn",
            title=withdrawn,
        )


def publish_round(
    session: Session, *, actor: Actor, round: AllocationRound, settings: Settings | None = None
) -> int:
    """Publish a preview: draft placements for the placed, the plan to results, the
    announcement. Returns the number of draft placements made."""
    plan = round.plan
    require_run(actor, plan)
    if round.status != RoundStatus.PREVIEW:
        raise Conflict(
            N_("Round %(number)s is not a preview: only a preview can be published."),
            code="not_preview",
            number=round.number,
        )
    require_allocation_phase(plan)
    _require_open_positions(session, round)
    mark_published(round, actor)
    # Other previews of the plan are out of date now.
    for other in session.scalars(
        select(AllocationRound).where(
            AllocationRound.plan_id == plan.id,
            AllocationRound.status == RoundStatus.PREVIEW,
            AllocationRound.id != round.id,
        )
    ):
        other.status = RoundStatus.DISCARDED
    plan.phase = Phase.RESULTS
    where = _positions(session, plan.id)
    terms = position_terms(session, plan.id)
    rows = [
        _placement_row(plan, round.id, student, position, where[position], terms)
        for student, position in session.execute(
            select(RoundAssignment.student_id, RoundAssignment.position_id).where(
                RoundAssignment.round_id == round.id, RoundAssignment.position_id.is_not(None)
            )
        )
        if position is not None
    ]
    if rows:
        session.execute(insert(Placement), rows)
    record(
        session,
        actor=actor,
        action="publish",
        entity=round,
        college_id=round.college_id,
        before={"status": RoundStatus.PREVIEW.value, "phase": Phase.ALLOCATION.value},
        after={
            "status": RoundStatus.PUBLISHED.value,
            "phase": Phase.RESULTS.value,
            "draft_placements": len(rows),
        },
        summary=f"{plan.name}: round {round.number}",
    )
    _announce(session, plan, settings)
    return len(rows)


def _announce(session: Session, plan: PlacementPlan, settings: Settings | None) -> None:
    try:
        from tandem.placement import notices
    except ImportError:  # pragma: no cover - the notices module is written beside this one
        return
    announce = getattr(notices, "announce_phase", None)
    if announce is not None and settings is not None:
        announce(session, plan=plan, settings=settings)


# --- adjustments ---------------------------------------------------------------------------------


def get_assignment(session: Session, round: AllocationRound, student_id: int) -> RoundAssignment:
    found = session.scalar(
        select(RoundAssignment).where(
            RoundAssignment.round_id == round.id, RoundAssignment.student_id == student_id
        )
    )
    if found is None:
        raise NotFound(
            N_("Student %(id)s takes no part in round %(number)s."),
            id=student_id,
            number=round.number,
        )
    return found


def _full(session: Session, round: AllocationRound, position: Position, student_id: int) -> None:
    """Refuse a position (or host) whose capacity in this round is taken by others."""
    capacity = round.stats.get("capacity", {})
    position_cap = capacity.get("positions", {}).get(str(position.id), {}).get("capacity")
    host_cap = capacity.get("hosts", {}).get(str(position.partnership_id), {}).get("capacity")
    others = RoundAssignment.round_id == round.id, RoundAssignment.student_id != student_id
    at_position = session.scalar(
        select(func.count()).where(*others, RoundAssignment.position_id == position.id)
    )
    if position_cap is not None and (at_position or 0) >= position_cap:
        raise Conflict(
            N_(
                "Position %(position)s is full: its capacity in this round is %(cap)s and "
                "%(count)s students hold it. Move one of them first."
            ),
            code="position_full",
            position=position.title,
            cap=position_cap,
            count=at_position,
        )
    host_positions = select(Position.id).where(Position.partnership_id == position.partnership_id)
    at_host = session.scalar(
        select(func.count()).where(*others, RoundAssignment.position_id.in_(host_positions))
    )
    if host_cap is not None and (at_host or 0) >= host_cap:
        raise Conflict(
            N_(
                "%(host)s is at its cap: it may take %(cap)s interns in this round and "
                "%(count)s are placed there. Move one of them first."
            ),
            code="host_full",
            host=position.partnership.enterprise.name,
            cap=host_cap,
            count=at_host,
        )


def _require_latest(session: Session, round: AllocationRound) -> None:
    """A later round counts the seats this one fills: changing this one would give a seat out
    twice (or place a student twice), so only the plan's latest round may be adjusted."""
    later = session.scalar(
        select(func.min(AllocationRound.number)).where(
            AllocationRound.plan_id == round.plan_id,
            AllocationRound.number > round.number,
            AllocationRound.status != RoundStatus.DISCARDED,
        )
    )
    if later is not None:
        raise Conflict(
            N_(
                "Round %(number)s cannot be changed: round %(later)s of this plan was run "
                "after it and counts the seats it fills. Adjust round %(later)s instead, or "
                "discard round %(later)s first if it is still a preview."
            ),
            code="later_round",
            number=round.number,
            later=later,
        )


def _require_not_placed_elsewhere(
    session: Session, round: AllocationRound, student_id: int
) -> None:
    """A student who holds a placement of this plan from another round (or one made outside
    the allocation) is not placed a second time."""
    found = session.execute(
        select(Placement.id, AllocationRound.number)
        .outerjoin(AllocationRound, AllocationRound.id == Placement.round_id)
        .where(
            Placement.plan_id == round.plan_id,
            Placement.student_id == student_id,
            Placement.status.in_([s.value for s in HOLDING]),
            or_(Placement.round_id.is_(None), Placement.round_id != round.id),
        )
        .limit(1)
    ).first()
    if found is None:
        return
    if found.number is None:
        raise Conflict(
            N_(
                "The student already holds a placement in this plan made outside the "
                "allocation: end that placement before placing them through a round."
            ),
            code="already_placed",
        )
    raise Conflict(
        N_(
            "The student already holds a placement in this plan from round %(other)s: "
            "change that placement (or adjust round %(other)s) instead of placing them "
            "a second time."
        ),
        code="already_placed",
        other=found.number,
    )


def _placement_of(round: AllocationRound, session: Session, student_id: int) -> Placement | None:
    found = session.scalar(
        select(Placement).where(Placement.round_id == round.id, Placement.student_id == student_id)
    )
    if found is not None and found.status != PlacementStatus.DRAFT:
        raise Conflict(
            N_(
                "The student's placement from this round is no longer a draft (it is "
                "%(status)s): change it through the placement instead."
            ),
            code="placement_started",
            status=found.status,
        )
    return found


def _refuse_with_records(session: Session, placement: Placement) -> None:
    """A draft placement that already has an agreement, a consent, an override or an insurance
    link is not the round's to delete or move: the office handles it on its page first."""
    from tandem.placement.models_records import (
        ComplianceOverride,
        Consent,
        TripartiteAgreement,
        policy_placement,
    )

    found = [
        label
        for label, column in (
            ("tripartite agreement", TripartiteAgreement.placement_id),
            ("consent", Consent.placement_id),
            ("compliance override", ComplianceOverride.placement_id),
            ("insurance link", policy_placement.c.placement_id),
        )
        if session.scalar(select(column).where(column == placement.id).limit(1)) is not None
    ]
    if found:
        raise Conflict(
            N_(
                "Placement %(id)s of this student already has records (%(records)s): end or "
                "handle that placement on its page first, then adjust the allocation."
            ),
            code="placement_has_records",
            id=placement.id,
            records=", ".join(found),
        )


def round_instance(session: Session, round: AllocationRound) -> Instance:
    """The round's instance rebuilt from the database with the round's seed."""
    from tandem.matching import parse_instance

    data = load_round_input(session, round.plan, round.number)
    return parse_instance(data.instance, seed=round.seed)


def held(session: Session, round: AllocationRound) -> dict[int, int | None]:
    return dict(
        session.execute(
            select(RoundAssignment.student_id, RoundAssignment.position_id).where(
                RoundAssignment.round_id == round.id
            )
        ).all()
    )


def verdict(instance: Instance, where: dict[int, int | None]) -> tuple[list[tuple[int, int]], int]:
    """The blocking pairs (student id, position id) of the outcomes ``where`` by the verifier,
    and how many placements it finds infeasible."""
    from tandem.matching import verify

    position_index = {int(p): j for j, p in enumerate(instance.position_ids)}
    placement = [position_index.get(where.get(int(s)) or -1, -1) for s in instance.student_ids]
    found = verify(instance, placement)
    pairs = [
        (int(instance.student_ids[i]), int(instance.position_ids[j]))
        for i, j in found.blocking_pairs
    ]
    return pairs, len(found.problems)


def adjust_assignment(
    session: Session,
    *,
    actor: Actor,
    round: AllocationRound,
    student_id: int,
    position_id: int | None,
    reason: str,
) -> tuple[RoundAssignment, dict[str, Any]]:
    """Move one student (or leave them unplaced), with a reason; audited. Returns the
    assignment and the verifier's verdict: the blocking pairs the change creates."""
    plan = round.plan
    require_run(actor, plan)
    if round.status == RoundStatus.DISCARDED:
        raise Conflict(
            N_("Round %(number)s was discarded: adjust the current round instead."),
            code="discarded",
            number=round.number,
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.single(
            "reason",
            "reason_required",
            N_("Give a reason: every manual change of an allocation is recorded with its reason."),
        )
    if len(reason) > 500:
        raise ValidationFailed.single(
            "reason", "too_long", N_("Keep the reason under 500 characters.")
        )
    _require_latest(session, round)
    assignment = get_assignment(session, round, student_id)
    position: Position | None = None
    if position_id is not None:
        position = session.get(Position, position_id)
        if (
            position is None
            or position.plan_id != plan.id
            or position.status != PositionStatus.PUBLISHED
        ):
            raise ValidationFailed.single(
                "position_id",
                "unknown_position",
                N_("Position %(id)s is not a published position of this plan."),
                id=position_id,
            )
        _require_not_placed_elsewhere(session, round, student_id)
        if assignment.position_id != position_id:
            _full(session, round, position, student_id)
    placement = _placement_of(round, session, student_id) if round.status == "published" else None
    if placement is not None and (position is None or placement.position_id != position.id):
        _refuse_with_records(session, placement)
    instance = round_instance(session, round)
    outcomes = held(session, round)
    before_pairs, _ = verdict(instance, outcomes)
    before = {
        "student_id": student_id,
        "position_id": assignment.position_id,
        "choice": assignment.choice,
    }
    choices = load_choices(session, plan.id, student_id)
    assignment.position_id = position_id
    assignment.choice = choices.index(position_id) + 1 if position_id in choices else None
    assignment.adjusted = True
    assignment.adjust_reason = reason
    if round.status == RoundStatus.PUBLISHED:
        _sync_placement(session, round, assignment, placement, position)
    session.flush()
    outcomes[student_id] = position_id
    after_pairs, problems = verdict(instance, outcomes)
    created = sorted(set(after_pairs) - set(before_pairs))
    record(
        session,
        actor=actor,
        action="adjust",
        entity=round,
        college_id=round.college_id,
        before=before,
        after={
            "student_id": student_id,
            "position_id": position_id,
            "choice": assignment.choice,
            "reason": reason,
            "blocking_pairs_created": len(created),
        },
        summary=f"{plan.name}: round {round.number}, student {student_id}",
    )
    return assignment, {
        "blocking_pairs_created": [{"student_id": s, "position_id": p} for s, p in created],
        "blocking_pairs": len(after_pairs),
        "infeasible": problems,
    }


def load_choices(session: Session, plan_id: int, student_id: int) -> list[int | None]:
    """The student's list of the plan's published positions, in their order (what the engine
    counts a choice in)."""
    from tandem.placement.models import Preference

    return list(
        session.scalars(
            select(Preference.position_id)
            .join(Position, Position.id == Preference.position_id)
            .where(
                Preference.plan_id == plan_id,
                Preference.student_id == student_id,
                Position.status == PositionStatus.PUBLISHED,
            )
            .order_by(Preference.rank)
        )
    )


def _sync_placement(
    session: Session,
    round: AllocationRound,
    assignment: RoundAssignment,
    placement: Placement | None,
    position: Position | None,
) -> None:
    """Keep the draft placement of a published round in step with the adjustment."""
    plan = round.plan
    if position is None:
        if placement is not None:
            session.execute(delete(Placement).where(Placement.id == placement.id))
        return
    where = (position.partnership_id, position.partnership.enterprise_id)
    if placement is None:
        session.execute(
            insert(Placement),
            [
                _placement_row(
                    plan,
                    round.id,
                    assignment.student_id,
                    position.id,
                    where,
                    position_terms(session, plan.id, [position.id]),
                )
            ],
        )
        return
    placement.position_id = position.id
    placement.partnership_id, placement.enterprise_id = where
    for name, value in position_terms(session, plan.id, [position.id])[position.id].items():
        setattr(placement, name, value)
    session.flush()
    gate.recheck(session, placement)  # the new post and terms: the gate checks them again
