"""A plan's capacities from the records: each published position's seats against the share of
its post's staff, and each host's seats against the share of its on-post staff at the plan's
start date, less the interns it already has under other plans for overlapping periods (of any
college: the cap is the host's). The shares come from the plan's rule set."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.compliance.ruleset import RuleSet, load_ruleset
from tandem.partner.models import EnterpriseStaffCount, Partnership
from tandem.placement.core.caps import Cap, cap
from tandem.placement.kinds import COMPLIANCE_KIND, HOLDING, PlanKind, PositionStatus
from tandem.placement.models import Placement, PlacementPlan, Position

# Plan kinds whose placements are post internships (they count against a host's cap).
POST_KINDS = tuple(kind.value for kind, checked in COMPLIANCE_KIND.items() if checked == "post")


@dataclass(frozen=True)
class Shares:
    """The rule set's intern caps, in per cent: of a host's staff and of a post's staff."""

    host_pct: Decimal | None = None
    post_pct: Decimal | None = None


def shares(ruleset: RuleSet, plan_kind: str) -> Shares:
    kind = COMPLIANCE_KIND.get(PlanKind(plan_kind), "post")
    host = post = None
    for rule in ruleset.by_kind[kind]:
        if "cap_pct" not in rule.params:
            continue
        interns = rule.params.get("interns")
        if interns == "host.interns":
            host = Decimal(str(rule.params["cap_pct"]))
        elif interns == "post.interns":
            post = Decimal(str(rule.params["cap_pct"]))
    return Shares(host, post)


def plan_shares(plan: PlacementPlan) -> Shares:
    return shares(load_ruleset(plan.ruleset), plan.kind)


def staff_on(session: Session, enterprise_ids: Iterable[int], on: date) -> dict[int, int]:
    """Each enterprise's on-post staff as last recorded on or before ``on``."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    latest = (
        select(
            EnterpriseStaffCount.enterprise_id,
            func.max(EnterpriseStaffCount.as_of).label("as_of"),
        )
        .where(EnterpriseStaffCount.enterprise_id.in_(ids), EnterpriseStaffCount.as_of <= on)
        .group_by(EnterpriseStaffCount.enterprise_id)
        .subquery()
    )
    rows = session.execute(
        select(EnterpriseStaffCount.enterprise_id, EnterpriseStaffCount.on_post_staff).join(
            latest,
            (latest.c.enterprise_id == EnterpriseStaffCount.enterprise_id)
            & (latest.c.as_of == EnterpriseStaffCount.as_of),
        )
    )
    return {enterprise: staff for enterprise, staff in rows}


def other_interns(
    session: Session, enterprise_ids: Iterable[int], start: date, end: date, plan_id: int | None
) -> dict[int, int]:
    """Post interns each enterprise holds for a period overlapping ``start``–``end``, under
    any plan but ``plan_id`` (or none, for self-found placements)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    stmt = (
        select(Placement.enterprise_id, func.count())
        .where(
            Placement.enterprise_id.in_(ids),
            Placement.kind.in_(POST_KINDS),
            Placement.status.in_(tuple(HOLDING)),
            Placement.start_on <= end,
            Placement.end_on >= start,
        )
        .group_by(Placement.enterprise_id)
    )
    if plan_id is not None:
        stmt = stmt.where((Placement.plan_id != plan_id) | Placement.plan_id.is_(None))
    return {enterprise: count for enterprise, count in session.execute(stmt)}


@dataclass
class PlanCaps:
    hosts: dict[int, Cap] = field(default_factory=dict)  # partnership id -> cap
    positions: dict[int, Cap] = field(default_factory=dict)  # position id -> cap
    shares: Shares = field(default_factory=Shares)


def plan_caps(session: Session, plan: PlacementPlan) -> PlanCaps:
    """The capacities of the plan's published positions and of their hosts."""
    rows = session.execute(
        select(Position.id, Position.partnership_id, Position.seats, Position.post_staff).where(
            Position.plan_id == plan.id, Position.status == PositionStatus.PUBLISHED
        )
    ).all()
    return caps_of(session, plan, [(r[0], r[1], r[2], r[3]) for r in rows])


def caps_of(
    session: Session, plan: PlacementPlan, positions: list[tuple[int, int, int, int | None]]
) -> PlanCaps:
    """Caps for ``positions`` given as (id, partnership id, seats, staff in the post)."""
    found = plan_shares(plan)
    partnership_ids = sorted({p[1] for p in positions})
    enterprise_of: dict[int, int] = {
        partnership: enterprise
        for partnership, enterprise in session.execute(
            select(Partnership.id, Partnership.enterprise_id).where(
                Partnership.id.in_(partnership_ids)
            )
        )
    }
    staff = staff_on(session, enterprise_of.values(), plan.term_start)
    others = other_interns(session, enterprise_of.values(), plan.term_start, plan.term_end, plan.id)
    result = PlanCaps(shares=found)
    seats: dict[int, int] = defaultdict(int)
    for position_id, partnership_id, offered, post_staff in positions:
        result.positions[position_id] = cap(offered, post_staff, found.post_pct)
        seats[partnership_id] += result.positions[position_id].capacity
    for partnership_id in partnership_ids:
        enterprise = enterprise_of[partnership_id]
        result.hosts[partnership_id] = cap(
            seats[partnership_id], staff.get(enterprise), found.host_pct, others.get(enterprise, 0)
        )
    return result
