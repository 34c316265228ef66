"""Which placements a policy covers: linking (some placements, or all of a plan's at once),
unlinking, and the office's list of placements that need cover.

Linking needs the right to manage the policy and each placement (a coordinator: their
department's plans' placements). A placement named that the actor cannot see, or of another
college than the policy, is refused without saying whether it exists. A placement whose period
does not overlap the policy's at all is refused when named, and left out (reported as skipped)
when a whole plan is linked. Every change is audited on the policy and re-runs the compliance
gate on each placement it touches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from tandem.auth.actor import Actor
from tandem.kit.errors import PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.people.models import Student
from tandem.placement import insurance, scope
from tandem.placement.core.coverage import Coverage, PolicySpan, coverage, runs_out_within
from tandem.placement.kinds import HOLDING
from tandem.placement.models import Placement, PlacementPlan
from tandem.placement.models_records import InsurancePolicy, policy_placement
from tandem.placement.tripartite import require_open

NOT_YOURS = N_("You may link only the placements of your own department's plans.")


@dataclass(frozen=True)
class LinkOutcome:
    changed: list[int] = field(default_factory=list)  # linked (or unlinked) now
    unchanged: list[int] = field(default_factory=list)  # already (or never) linked
    skipped: list[int] = field(default_factory=list)  # a plan's, outside the policy's period


def _overlaps(policy: InsurancePolicy, placement: Placement) -> bool:
    return policy.start_on <= placement.end_on and placement.start_on <= policy.end_on


def _one_way(placement_ids: Sequence[int] | None, plan_id: int | None) -> None:
    if placement_ids and plan_id is not None:
        raise ValidationFailed.single(
            "plan_id",
            "both_given",
            N_("Give either the placements or a plan, not both."),
        )
    if not placement_ids and plan_id is None:
        raise ValidationFailed.single(
            "placement_ids",
            "missing",
            N_("Choose the placements (or a plan, for all of its placements)."),
        )


def _named(
    session: Session, actor: Actor, policy: InsurancePolicy, placement_ids: Sequence[int]
) -> list[Placement]:
    """The named placements, each one the actor sees in the policy's college."""
    wanted = sorted(set(placement_ids))
    stmt = select(Placement).where(
        Placement.id.in_(wanted),
        Placement.college_id == policy.college_id,
        scope.visible_placements(actor),
    )
    found = {p.id: p for p in session.scalars(stmt)}
    unknown = [pid for pid in wanted if pid not in found]
    if unknown:
        raise ValidationFailed.single(
            "placement_ids",
            "unknown_record",
            N_("No placement %(ids)s among the placements of the policy's college you can see."),
            ids=", ".join(str(pid) for pid in unknown),
        )
    return [found[pid] for pid in wanted]


def _of_plan(
    session: Session, actor: Actor, policy: InsurancePolicy, plan_id: int
) -> list[Placement]:
    """The plan's placements that still hold a place (draft, ready, on placement)."""
    plan = session.scalar(
        select(PlacementPlan).where(PlacementPlan.id == plan_id, scope.visible_plans(actor))
    )
    if plan is None or plan.college_id != policy.college_id:
        raise ValidationFailed.single(
            "plan_id",
            "unknown_record",
            N_("No placement plan %(id)s of the policy's college."),
            id=plan_id,
        )
    stmt = (
        select(Placement)
        .where(Placement.plan_id == plan.id, Placement.status.in_(sorted(HOLDING)))
        .order_by(Placement.id)
    )
    return list(session.scalars(stmt))


def _refuse_closed(placements: Sequence[Placement]) -> None:
    """A completed or ended placement's records cannot change: its cover stays as it was."""
    for placement in placements:
        require_open(placement)


def _require_placements(actor: Actor, placements: Sequence[Placement]) -> None:
    for placement in placements:
        if not scope.can_manage_placement(actor, placement):
            raise PermissionDenied(NOT_YOURS, code="other_department")


def _linked_ids(session: Session, policy: InsurancePolicy, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    stmt = select(policy_placement.c.placement_id).where(
        policy_placement.c.policy_id == policy.id, policy_placement.c.placement_id.in_(ids)
    )
    return set(session.scalars(stmt))


def _record(
    session: Session, actor: Actor, action: str, policy: InsurancePolicy, ids: list[int]
) -> None:
    insurance.audit_policy(session, actor, action, policy, None, {"placement_ids": ids})


def link(
    session: Session,
    *,
    actor: Actor,
    policy: InsurancePolicy,
    placement_ids: Sequence[int] | None = None,
    plan_id: int | None = None,
) -> LinkOutcome:
    """Let the policy cover these placements (or all of a plan's that it overlaps)."""
    insurance.require_manage(session, actor, policy)
    _one_way(placement_ids, plan_id)
    skipped: list[int] = []
    if placement_ids:
        placements = _named(session, actor, policy, placement_ids)
        _refuse_closed(placements)
        outside = [p for p in placements if not _overlaps(policy, p)]
        if outside:
            first = outside[0]
            raise ValidationFailed.single(
                "placement_ids",
                "outside_policy",
                N_(
                    "Placement %(id)s (%(start)s – %(end)s) lies wholly outside the policy's "
                    "cover (%(policy_start)s – %(policy_end)s): check the dates, or choose "
                    "another policy."
                ),
                id=first.id,
                start=first.start_on.isoformat(),
                end=first.end_on.isoformat(),
                policy_start=policy.start_on.isoformat(),
                policy_end=policy.end_on.isoformat(),
            )
    else:
        every = _of_plan(session, actor, policy, plan_id or 0)
        placements = [p for p in every if _overlaps(policy, p)]
        skipped = [p.id for p in every if not _overlaps(policy, p)]
    _require_placements(actor, placements)
    ids = [p.id for p in placements]
    already = _linked_ids(session, policy, ids)
    new = [p for p in placements if p.id not in already]
    if new:
        session.execute(
            insert(policy_placement),
            [{"policy_id": policy.id, "placement_id": p.id} for p in new],
        )
        session.expire(policy, ["placements"])
        _record(session, actor, "link", policy, [p.id for p in new])
        insurance.recheck(session, new)
    return LinkOutcome(changed=[p.id for p in new], unchanged=sorted(already), skipped=skipped)


def unlink(
    session: Session,
    *,
    actor: Actor,
    policy: InsurancePolicy,
    placement_ids: Sequence[int] | None = None,
    plan_id: int | None = None,
) -> LinkOutcome:
    """Stop the policy covering these placements (or all of a plan's)."""
    insurance.require_manage(session, actor, policy)
    _one_way(placement_ids, plan_id)
    if placement_ids:
        placements = _named(session, actor, policy, placement_ids)
        _refuse_closed(placements)
    else:
        placements = _of_plan(session, actor, policy, plan_id or 0)
    _require_placements(actor, placements)
    ids = [p.id for p in placements]
    linked = _linked_ids(session, policy, ids)
    gone = [p for p in placements if p.id in linked]
    if gone:
        session.execute(
            delete(policy_placement).where(
                policy_placement.c.policy_id == policy.id,
                policy_placement.c.placement_id.in_([p.id for p in gone]),
            )
        )
        session.expire(policy, ["placements"])
        _record(session, actor, "unlink", policy, [p.id for p in gone])
        insurance.recheck(session, gone)
    return LinkOutcome(
        changed=[p.id for p in gone], unchanged=sorted(set(ids) - linked), skipped=[]
    )


# --- placements that need cover -------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsCover:
    placement: Placement
    cover: Coverage
    uncovered_now: bool  # today falls in a gap
    runs_out_soon: bool  # the cover stops within SOON_DAYS while the placement goes on


def _covers(
    session: Session, actor: Actor, today: date, plan_id: int | None
) -> list[tuple[int, Coverage]]:
    """Each placement still to come or under way (that ``actor`` sees) with its cover."""
    stmt = select(Placement.id, Placement.start_on, Placement.end_on).where(
        scope.visible_placements(actor),
        Placement.status.in_(sorted(HOLDING)),
        Placement.end_on >= today,
    )
    if plan_id is not None:
        stmt = stmt.where(Placement.plan_id == plan_id)
    periods = session.execute(stmt).all()
    if not periods:
        return []
    policies: dict[int, list[PolicySpan]] = defaultdict(list)
    links = (
        select(policy_placement.c.placement_id, InsurancePolicy.start_on, InsurancePolicy.end_on)
        .join(InsurancePolicy, InsurancePolicy.id == policy_placement.c.policy_id)
        .where(policy_placement.c.placement_id.in_(stmt.with_only_columns(Placement.id)))
    )
    for placement_id, start, end in session.execute(links):
        policies[placement_id].append(PolicySpan(start, end))
    return [(pid, coverage(policies[pid], start, end)) for pid, start, end in periods]


def needs_cover(
    session: Session,
    *,
    actor: Actor,
    today: date,
    days: int = insurance.SOON_DAYS,
    plan_id: int | None = None,
) -> list[tuple[int, Coverage, bool, bool]]:
    """Placements (draft, ready, on placement; not yet over) with a gap in their cover, the
    most urgent first: (placement id, cover, uncovered today, cover runs out within ``days``)."""
    rows = []
    for placement_id, cover in _covers(session, actor, today, plan_id):
        if cover.complete:
            continue
        now = any(today in gap for gap in cover.gaps)
        rows.append((placement_id, cover, now, runs_out_within(cover, days, today)))
    rows.sort(key=lambda row: (row[1].first_uncovered or today, row[0]))
    return rows


def load_needs_cover(
    session: Session, rows: Sequence[tuple[int, Coverage, bool, bool]]
) -> list[NeedsCover]:
    """The placements of some rows of :func:`needs_cover`, with their student and host."""
    ids = [row[0] for row in rows]
    stmt = (
        select(Placement)
        .where(Placement.id.in_(ids))
        .options(
            selectinload(Placement.student).selectinload(Student.school_class),
            selectinload(Placement.partnership).selectinload(Partnership.enterprise),
            selectinload(Placement.plan),
        )
    )
    found = {p.id: p for p in session.scalars(stmt)} if ids else {}
    return [
        NeedsCover(found[pid], cover, now, soon) for pid, cover, now, soon in rows if pid in found
    ]


def placements_of_students(
    session: Session, *, actor: Actor, policy: InsurancePolicy, numbers: Sequence[str]
) -> list[int]:
    """The placements (draft, ready, on placement) of the students with these numbers, in the
    policy's college, that the policy's period overlaps (what the policy page links by student
    number)."""
    wanted = sorted({n.strip() for n in numbers if n.strip()})
    if not wanted:
        raise ValidationFailed.single(
            "student_numbers", "missing", N_("Enter at least one student number.")
        )
    stmt = (
        select(Student.student_number, Placement.id)
        .join(Placement, Placement.student_id == Student.id)
        .where(
            Student.college_id == policy.college_id,
            Student.student_number.in_(wanted),
            Placement.status.in_(sorted(HOLDING)),
            Placement.start_on <= policy.end_on,
            Placement.end_on >= policy.start_on,
            scope.visible_placements(actor),
        )
        .order_by(Placement.id)
    )
    found: dict[str, list[int]] = defaultdict(list)
    for number, placement_id in session.execute(stmt):
        found[number].append(placement_id)
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ValidationFailed.single(
            "student_numbers",
            "unknown_record",
            N_(
                "No placement within the policy's period for student number(s) %(numbers)s: "
                "check the numbers and the placements' dates."
            ),
            numbers=", ".join(missing),
        )
    return [pid for ids in found.values() for pid in ids]
