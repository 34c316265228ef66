"""Positions: listing a plan's, adding (for a host of the plan's college), changing,
publishing after the pre-placement compliance check, and withdrawing with a reason.

The office chooses the host among the college's partnerships that have not ended; a contact
adds positions only for their own enterprise's partnership with that college. Positions can be
changed while the plan is in draft .. host ranking, and published in positions .. host ranking.
Publishing runs :mod:`tandem.placement.precheck` and stores the result on the position: a
``block`` violation refuses it (422, naming each rule and its source); ``warn`` ones are kept
and shown. A published position's changes run the check again. Once a student has listed a
position, its host and its required majors are fixed (409): a student's list must not come to
hold a post at another host, or one they may no longer take. Writes flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.service import check_version
from tandem.compliance.evaluator import show
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.kit.orm import utcnow
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Enterprise, Partnership, PartnershipStatus
from tandem.people.models import Major
from tandem.placement import precheck, scope
from tandem.placement.capacity import PlanCaps, caps_of, plan_caps
from tandem.placement.core.caps import Binding, Cap
from tandem.placement.kinds import Phase, PositionStatus, RoundStatus
from tandem.placement.models import (
    AllocationRound,
    PlacementPlan,
    Position,
    Preference,
    RoundAssignment,
)
from tandem.placement.schemas_positions import PositionCreate, PositionUpdate

POSITION_FIELDS = (
    "partnership_id",
    "title",
    "location",
    "seats",
    "monthly_pay",
    "hours_per_day",
    "days_per_week",
    "shifts",
    "night_shift",
    "holiday_work",
    "labour_intensity",
    "high_risk",
    "restrictions",
    "venue_category",
    "post_staff",
    "post_wage",
    "skills",
    "description",
)
NULLABLE = frozenset(
    {"monthly_pay", "hours_per_day", "days_per_week", "labour_intensity", "post_staff", "post_wage"}
)
POSITION_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "title": Position.title,
    "seats": Position.seats,
    "monthly_pay": Position.monthly_pay,
    "status": Position.status,
    "updated_at": Position.updated_at,
}
EDITABLE = (Phase.DRAFT, Phase.POSITIONS, Phase.STUDENT_RANKING, Phase.HOST_RANKING)
PUBLISHABLE = (Phase.POSITIONS, Phase.STUDENT_RANKING, Phase.HOST_RANKING)


@dataclass(frozen=True)
class PositionFilter:
    partnership_id: int | None = None
    status: str = ""


# --- reading -------------------------------------------------------------------------------------


def positions_query(
    *, actor: Actor, plan: PlacementPlan, params: ListParams, filters: PositionFilter | None = None
) -> Select[Position]:
    filters = filters or PositionFilter()
    stmt = select(Position).where(Position.plan_id == plan.id, scope.visible_positions(actor))
    text = params.q.strip()
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                Position.title.ilike(pattern, escape="\\"),
                Position.location.ilike(pattern, escape="\\"),
                Position.skills.ilike(pattern, escape="\\"),
            )
        )
    if filters.partnership_id is not None:
        stmt = stmt.where(Position.partnership_id == filters.partnership_id)
    if filters.status:
        stmt = stmt.where(Position.status == filters.status)
    stmt = apply_sort(stmt, params.sort, POSITION_SORTS, default="title")
    return stmt.order_by(Position.id).options(
        selectinload(Position.partnership).selectinload(Partnership.enterprise),
        selectinload(Position.majors),
    )


def list_positions(
    session: Session,
    *,
    actor: Actor,
    plan: PlacementPlan,
    params: ListParams,
    filters: PositionFilter | None = None,
) -> Page[Position]:
    stmt = positions_query(actor=actor, plan=plan, params=params, filters=filters)
    return paginate(session, stmt, params)


def get_position(session: Session, *, actor: Actor, position_id: int) -> Position:
    return scope.get_position(session, actor=actor, position_id=position_id)


def host_options(session: Session, *, actor: Actor, plan: PlacementPlan) -> list[tuple[int, str]]:
    """The hosts ``actor`` may offer a position for: the college's partnerships not ended (the
    office), or the contact's own enterprise's with that college."""
    stmt = (
        select(Partnership.id, Enterprise.name)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(
            Partnership.college_id == plan.college_id,
            Partnership.status != PartnershipStatus.ENDED,
        )
        .order_by(Enterprise.name, Partnership.id)
    )
    if actor.role == Role.ENTERPRISE_CONTACT:
        stmt = stmt.where(Partnership.enterprise_id == actor.enterprise_id)
    elif not scope.can_manage_plan(actor, plan):
        return []
    return [(pid, str(name)) for pid, name in session.execute(stmt).all()]


def may_add(actor: Actor, plan: PlacementPlan) -> bool:
    """Whether to offer "New position" (the service still checks everything)."""
    if plan.phase not in EDITABLE or not actor.can(Permission.POSITION_PUBLISH):
        return False
    if actor.role == Role.ENTERPRISE_CONTACT:
        return actor.enterprise_id is not None
    return scope.can_manage_plan(actor, plan)


def placed_at(session: Session, position: Position) -> int:
    """Students placed at the position by a published round."""
    stmt = (
        select(func.count())
        .select_from(RoundAssignment)
        .join(AllocationRound, AllocationRound.id == RoundAssignment.round_id)
        .where(
            RoundAssignment.position_id == position.id,
            AllocationRound.status == RoundStatus.PUBLISHED,
        )
    )
    return session.scalar(stmt) or 0


# --- capacities ----------------------------------------------------------------------------------


def explain(cap: Cap, *, host: bool) -> str:
    """Which limit binds, in words ("3 of 5 seats: 10 % of 30 on-post staff, 0 other
    interns")."""
    values = {
        "capacity": cap.capacity,
        "seats": cap.seats,
        "limit": cap.rule_limit if cap.rule_limit is not None else "—",
        "staff": cap.staff if cap.staff is not None else "—",
        "pct": show(cap.cap_pct) if cap.cap_pct is not None else "—",
        "others": cap.others,
    }
    if cap.binding == Binding.NO_RULE:
        return gettext(N_("%(seats)s seats: no staff share applies to this kind of plan"), **values)
    if cap.binding == Binding.UNKNOWN_STAFF:
        if host:
            message = N_(
                "%(seats)s seats: the host's on-post staff is not recorded, so the %(pct)s %% "
                "share cannot be applied"
            )
        else:
            message = N_(
                "%(seats)s seats: the post's staff is not entered, so the %(pct)s %% share "
                "cannot be applied"
            )
        return gettext(message, **values)
    if cap.binding == Binding.STAFF_SHARE:
        if host:
            message = N_(
                "%(capacity)s of %(seats)s seats: %(pct)s %% of %(staff)s on-post staff, "
                "%(others)s other interns"
            )
        else:
            message = N_(
                "%(capacity)s of %(seats)s seats: %(pct)s %% of %(staff)s staff in the post"
            )
        return gettext(message, **values)
    if host:
        message = N_(
            "%(seats)s seats: the seats offered bind (%(pct)s %% of %(staff)s on-post staff, "
            "%(others)s other interns, would allow %(limit)s)"
        )
    else:
        message = N_(
            "%(seats)s seats: the seats offered bind (%(pct)s %% of %(staff)s staff in the post "
            "would allow %(limit)s)"
        )
    return gettext(message, **values)


def cap_json(cap: Cap, *, host: bool) -> dict[str, Any]:
    return cap.as_json() | {"explanation": explain(cap, host=host)}


def caps_for(session: Session, plan: PlacementPlan, position: Position) -> PlanCaps:
    """The plan's caps when the position is published; else the caps the position would have
    on its own (what publishing it would offer)."""
    if position.status == PositionStatus.PUBLISHED:
        return plan_caps(session, plan)
    return caps_of(
        session, plan, [(position.id, position.partnership_id, position.seats, position.post_staff)]
    )


# --- checks --------------------------------------------------------------------------------------


def _require_edit(actor: Actor, position: Position) -> None:
    if not scope.can_edit_position(actor, position):
        raise PermissionDenied()


def _require_phase(plan: PlacementPlan, phases: tuple[Phase, ...], action: str) -> None:
    if plan.phase not in phases:
        raise Conflict(
            N_(
                "Positions cannot be %(action)s while the plan is in phase %(phase)s (only in: "
                "%(phases)s)."
            ),
            code="plan_phase",
            action=action,
            phase=plan.phase,
            phases=", ".join(p.value for p in phases),
        )


def _host(session: Session, actor: Actor, plan: PlacementPlan, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id)
    if (
        partnership is None
        or partnership.college_id != plan.college_id
        or partnership.status == PartnershipStatus.ENDED
    ):
        raise ValidationFailed.single(
            "partnership_id",
            "unknown_record",
            N_("Choose a host: an enterprise the plan's college works with (not ended)."),
        )
    if not (
        actor.can(Permission.POSITION_PUBLISH) and scope.speaks_for_host(actor, plan, partnership)
    ):
        raise PermissionDenied(
            N_("You can offer positions only for your own enterprise."), code="other_host"
        )
    return partnership


def _check_values(
    session: Session, plan: PlacementPlan, values: dict[str, Any], major_ids: list[int]
) -> None:
    errors: list[FieldError] = []
    category = values.get("venue_category") or ""
    if category and category not in precheck.venue_categories(plan.ruleset):
        errors.append(
            FieldError(
                "venue_category",
                "unknown_category",
                N_("Choose one of the listed kinds of host: %(known)s."),
                {"known": ", ".join(precheck.venue_categories(plan.ruleset))},
            )
        )
    if major_ids:
        found = set(
            session.scalars(
                select(Major.id).where(Major.id.in_(major_ids), Major.college_id == plan.college_id)
            )
        )
        if set(major_ids) - found:
            errors.append(
                FieldError("major_ids", "unknown_record", N_("Choose majors of this college."))
            )
    if errors:
        raise ValidationFailed(errors=errors)


def _refuse_listed(
    session: Session, position: Position, partnership_id: int, major_ids: list[int]
) -> None:
    """Refuse (409) a new host or new required majors once students listed the position."""
    fields = ["partnership_id"] if partnership_id != position.partnership_id else []
    fields += ["major_ids"] if major_ids != sorted(m.id for m in position.majors) else []
    stmt = select(func.count()).where(Preference.position_id == position.id)
    listed = (session.scalar(stmt) or 0) if fields else 0
    if not listed:
        return
    message = N_(
        "Students have listed this position (%(count)s): its host and its required majors "
        "can no longer be changed (their lists would hold a post they did not choose, or one "
        "they may no longer take). Withdraw it and add a new position instead."
    )
    raise Conflict(
        message,
        code="position_listed",
        errors=[FieldError(name, "position_listed", message, {"count": listed}) for name in fields],
        count=listed,
    )


def _majors(session: Session, ids: list[int]) -> list[Major]:
    return list(session.scalars(select(Major).where(Major.id.in_(ids)))) if ids else []


def _run_check(position: Position, plan: PlacementPlan) -> dict[str, Any]:
    """Run the pre-check, store it, and refuse (422) when a rule blocks the position."""
    result = precheck.check_position(position, plan)
    blocked = precheck.blocking(result)
    if blocked:
        errors = [
            FieldError(
                "compliance",
                v["rule"],
                N_("%(text)s (%(rule)s; %(source)s)"),
                {"text": v["message"], "rule": v["rule"], "source": v["source"]},
            )
            for v in blocked
        ]
        listed = "; ".join(f"{v['message']} ({v['rule']}; {v['source']})" for v in blocked)
        raise ValidationFailed(
            N_(
                "The position cannot be published: it breaks %(count)s rule(s) that bar it. "
                "%(rules)s Correct its terms and publish it again."
            ),
            code="compliance_blocked",
            errors=errors,
            count=len(blocked),
            rules=listed,
        )
    position.compliance = result
    return result


# --- writing -------------------------------------------------------------------------------------


def _snapshot(position: Position) -> dict[str, Any]:
    return audit.snapshot(position, (*POSITION_FIELDS, "status")) | {
        "major_ids": sorted(m.id for m in position.majors)
    }


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    position: Position,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=position,
        college_id=position.college_id,
        before=before,
        after=after if after is not None else _snapshot(position),
        summary=position.title,
    )


def create_position(
    session: Session, *, actor: Actor, plan: PlacementPlan, data: PositionCreate
) -> Position:
    _require_phase(plan, EDITABLE, "added")
    _host(session, actor, plan, data.partnership_id)
    values = data.model_dump(exclude={"major_ids"})
    major_ids = sorted(set(data.major_ids))
    _check_values(session, plan, values, major_ids)
    position = Position(
        college_id=plan.college_id, plan_id=plan.id, status=PositionStatus.DRAFT, **values
    )
    position.majors = _majors(session, major_ids)
    session.add(position)
    session.flush()
    _audit(session, actor, "create", position, None)
    return position


def update_position(
    session: Session, *, actor: Actor, position: Position, data: PositionUpdate
) -> Position:
    _require_edit(actor, position)
    check_version(position, data.version)
    plan = position.plan
    _require_phase(plan, EDITABLE, "changed")
    given = data.model_dump(exclude_unset=True, exclude={"version", "major_ids"})
    changes = {k: v for k, v in given.items() if v is not None or k in NULLABLE}
    merged = {name: getattr(position, name) for name in POSITION_FIELDS} | changes
    ids = data.major_ids if data.major_ids is not None else [m.id for m in position.majors]
    major_ids = sorted(set(ids))
    _refuse_listed(session, position, merged["partnership_id"], major_ids)
    if merged["partnership_id"] != position.partnership_id:
        _host(session, actor, plan, merged["partnership_id"])
    _check_values(session, plan, merged, major_ids)
    before = _snapshot(position)
    for name, value in changes.items():
        setattr(position, name, value)
    position.majors = _majors(session, major_ids)
    if position.status == PositionStatus.PUBLISHED:
        _run_check(position, plan)
    session.flush()
    session.expire(position, ["partnership"])
    if _snapshot(position) != before:
        _audit(session, actor, "update", position, before)
    return position


def publish_position(session: Session, *, actor: Actor, position: Position) -> Position:
    _require_edit(actor, position)
    plan = position.plan
    _require_phase(plan, PUBLISHABLE, "published")
    if position.status == PositionStatus.PUBLISHED:
        raise Conflict(N_("This position is already published."), code="already_published")
    if position.partnership.status == PartnershipStatus.ENDED:
        raise Conflict(
            N_("The partnership with this host has ended: its positions cannot be published."),
            code="partnership_ended",
        )
    before = {"status": position.status}
    result = _run_check(position, plan)
    position.status = PositionStatus.PUBLISHED
    position.published_at = utcnow()
    session.flush()
    _audit(
        session,
        actor,
        "publish",
        position,
        before,
        {"status": position.status, "ok": result["ok"], "violations": len(result["violations"])},
    )
    return position


def withdraw_refusal(session: Session, position: Position) -> Conflict | None:
    if position.status == PositionStatus.WITHDRAWN:
        return Conflict(N_("This position is already withdrawn."), code="already_withdrawn")
    placed = placed_at(session, position)
    if placed:
        return Conflict(
            N_(
                "%(count)s students are placed at this position by a published round: it can "
                "no longer be withdrawn. Ask the office to adjust the allocation first."
            ),
            code="position_placed",
            count=placed,
        )
    return None


def withdraw_position(
    session: Session, *, actor: Actor, position: Position, reason: str
) -> Position:
    _require_edit(actor, position)
    refusal = withdraw_refusal(session, position)
    if refusal is not None:
        raise refusal
    before = {"status": position.status}
    position.status = PositionStatus.WITHDRAWN
    session.flush()
    _audit(
        session, actor, "withdraw", position, before, {"status": position.status, "reason": reason}
    )
    return position
