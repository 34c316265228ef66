"""Placements: the list (search, filters, sort, pages), one placement, a self-found placement
proposed by a student or entered by the office (it waits for the office's approval), approving
or rejecting it, and changing its terms and mentors.

A placement's terms and the post's facts can change while it is a draft or ready; once active
only its mentors and note. Every write is audited and re-runs the compliance gate
(:mod:`tandem.placement.gate`); a ready placement whose new terms no longer pass goes back to
draft. Rejecting a self-found proposal ends it early with the reason (the record stays, with
who rejected it in the audit log). The status transitions are in
:mod:`tandem.placement.placement_lifecycle`. Writes flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, delete, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.college.service import check_version
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.orm import utcnow
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Enterprise, Partnership, PartnershipStatus
from tandem.people.models import Student, Teacher
from tandem.placement import gate, precheck, scope
from tandem.placement.kinds import HOLDING, PlacementSource, PlacementStatus
from tandem.placement.models import Placement, PlacementPlan
from tandem.placement.models_records import ComplianceOverride
from tandem.placement.schemas_placements import (
    MENTOR_FIELDS,
    TERM_FIELDS,
    PlacementCreate,
    PlacementUpdate,
)

S = PlacementStatus
EDITABLE: Final = (S.DRAFT, S.READY)
NULLABLE: Final = frozenset(
    {
        "monthly_pay",
        "pay_cycle_days",
        "hours_per_day",
        "days_per_week",
        "labour_intensity",
        "post_staff",
        "post_wage",
        "school_mentor_id",
    }
)
AUDITED: Final = (*TERM_FIELDS, *MENTOR_FIELDS, "note", "status")
SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "start_on": Placement.start_on,
    "end_on": Placement.end_on,
    "status": Placement.status,
    "student": Student.name,
    "student_number": Student.student_number,
    "host": Enterprise.name,
    "checked_at": Placement.checked_at,
    "updated_at": Placement.updated_at,
}
COMPLIANCE_FILTERS: Final = ("blocked", "needs_override", "clear", "not_checked")


@dataclass(frozen=True)
class PlacementFilter:
    status: str = ""
    plan_id: int | None = None
    partnership_id: int | None = None
    compliance: str = ""  # blocked, needs_override, clear, not_checked
    mine: bool = False  # a teacher: the placements they mentor
    source: str = ""
    pending: bool = False  # self-found ones waiting for approval


# --- reading -------------------------------------------------------------------------------------


def _compliance(value: str) -> ColumnElement[bool] | None:
    blocking = Placement.compliance["blocking"].as_integer()
    open_warnings = Placement.compliance["open_warnings"].as_integer()
    checked = Placement.checked_at.is_not(None)
    return {
        "blocked": and_(checked, blocking > 0),
        "needs_override": and_(checked, blocking == 0, open_warnings > 0),
        "clear": and_(checked, blocking == 0, open_warnings == 0),
        "not_checked": Placement.checked_at.is_(None),
    }.get(value)


def placements_query(
    *, actor: Actor, params: ListParams, filters: PlacementFilter | None = None
) -> Select[Placement]:
    filters = filters or PlacementFilter()
    stmt = (
        select(Placement)
        .join(Student, Student.id == Placement.student_id)
        .join(Enterprise, Enterprise.id == Placement.enterprise_id)
        .where(scope.visible_placements(actor))
    )
    text = params.q.strip()
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                Student.name.ilike(pattern, escape="\\"),
                Student.student_number.ilike(pattern, escape="\\"),
                Enterprise.name.ilike(pattern, escape="\\"),
                Placement.title.ilike(pattern, escape="\\"),
            )
        )
    if filters.status:
        stmt = stmt.where(Placement.status == filters.status)
    if filters.plan_id is not None:
        stmt = stmt.where(Placement.plan_id == filters.plan_id)
    if filters.partnership_id is not None:
        stmt = stmt.where(Placement.partnership_id == filters.partnership_id)
    if filters.source:
        stmt = stmt.where(Placement.source == filters.source)
    if filters.pending:
        stmt = stmt.where(
            Placement.source == PlacementSource.SELF_FOUND,
            Placement.approved_at.is_(None),
            Placement.status == S.DRAFT,
        )
    if filters.mine:
        stmt = stmt.where(Placement.school_mentor_id == (actor.teacher_id or -1))
    condition = _compliance(filters.compliance)
    if condition is not None:
        stmt = stmt.where(condition)
    stmt = apply_sort(stmt, params.sort, SORTS, default="start_on")
    return stmt.order_by(Placement.id).options(
        selectinload(Placement.student).selectinload(Student.school_class),
        selectinload(Placement.partnership).selectinload(Partnership.enterprise),
        selectinload(Placement.school_mentor),
        selectinload(Placement.plan),
    )


def list_placements(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    filters: PlacementFilter | None = None,
) -> Page[Placement]:
    return paginate(session, placements_query(actor=actor, params=params, filters=filters), params)


def get_placement(session: Session, *, actor: Actor, placement_id: int) -> Placement:
    return scope.get_placement(session, actor=actor, placement_id=placement_id)


def pending_approval(placement: Placement) -> bool:
    return (
        placement.source == PlacementSource.SELF_FOUND
        and placement.approved_at is None
        and placement.status == S.DRAFT
    )


def rejected(placement: Placement) -> bool:
    return (
        placement.source == PlacementSource.SELF_FOUND
        and placement.approved_at is None
        and placement.status == S.ENDED_EARLY
    )


# --- rights --------------------------------------------------------------------------------------


def may_propose(actor: Actor) -> bool:
    """Whether to offer "New self-found placement" (the service checks everything)."""
    if actor.role == Role.STUDENT:
        return actor.student_id is not None and actor.can(Permission.PLACEMENT_PROPOSE)
    return actor.can(Permission.PLACEMENT_MANAGE) and (
        actor.is_platform_wide or actor.college_id is not None
    )


def own_proposal(actor: Actor, placement: Placement) -> bool:
    """A student's own self-found placement still waiting for approval."""
    return (
        actor.role == Role.STUDENT
        and actor.student_id == placement.student_id
        and actor.can(Permission.PLACEMENT_PROPOSE)
        and pending_approval(placement)
    )


def can_edit(actor: Actor, placement: Placement) -> bool:
    if placement.status not in (S.DRAFT, S.READY, S.ACTIVE):
        return False
    return scope.can_manage_placement(actor, placement) or own_proposal(actor, placement)


# --- checks --------------------------------------------------------------------------------------


def _invalid(name: str, code: str, message: str, **params: Any) -> FieldError:
    return FieldError(name, code, message, params)


def _check_terms(
    session: Session,
    college_id: int,
    plan: PlacementPlan | None,
    values: dict[str, Any],
) -> list[FieldError]:
    errors: list[FieldError] = []
    if values["end_on"] < values["start_on"]:
        errors.append(
            _invalid(
                "end_on",
                "end_before_start",
                N_("The placement must end on or after its start (%(start)s)."),
                start=values["start_on"].isoformat(),
            )
        )
    ruleset = plan.ruleset if plan is not None else "cn-2021"
    category = values.get("venue_category") or ""
    if category and category not in precheck.venue_categories(ruleset):
        errors.append(
            _invalid(
                "venue_category",
                "unknown_category",
                N_("Choose one of the listed kinds of host: %(known)s."),
                known=", ".join(precheck.venue_categories(ruleset)),
            )
        )
    mentor = values.get("school_mentor_id")
    if mentor is not None:
        teacher = session.get(Teacher, mentor)
        if teacher is None or teacher.college_id != college_id:
            errors.append(
                _invalid(
                    "school_mentor_id",
                    "unknown_record",
                    N_("Choose the school mentor among the college's teachers."),
                )
            )
    return errors


def _overlapping(
    session: Session, student_id: int, start: date, end: date, exclude: int | None = None
) -> Placement | None:
    stmt = select(Placement).where(
        Placement.student_id == student_id,
        Placement.status.in_([s.value for s in HOLDING]),
        Placement.start_on <= end,
        Placement.end_on >= start,
    )
    if exclude is not None:
        stmt = stmt.where(Placement.id != exclude)
    return session.scalars(stmt.limit(1)).first()


def _refuse_overlap(
    session: Session, student_id: int, start: date, end: date, exclude: int | None = None
) -> None:
    other = _overlapping(session, student_id, start, end, exclude)
    if other is not None:
        raise Conflict(
            N_(
                "The student already holds a placement for an overlapping period (%(start)s – "
                "%(end)s, placement %(id)s): end it first, or choose another period."
            ),
            code="overlapping_placement",
            start=other.start_on.isoformat(),
            end=other.end_on.isoformat(),
            id=other.id,
        )


# --- writing -------------------------------------------------------------------------------------


def _snapshot(placement: Placement) -> dict[str, Any]:
    return audit.snapshot(placement, AUDITED)


def record(
    session: Session,
    actor: Actor,
    action: str,
    placement: Placement,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=placement,
        college_id=placement.college_id,
        before=before,
        after=after if after is not None else _snapshot(placement),
        summary=f"{placement.student.name if placement.student else placement.student_id}: "
        f"{placement.title}",
    )


def _proposer(session: Session, actor: Actor, data: PlacementCreate) -> Student:
    """The student the placement is for, after the actor's right to propose it."""
    if actor.role == Role.STUDENT:
        if not actor.can(Permission.PLACEMENT_PROPOSE) or actor.student_id is None:
            raise PermissionDenied()
        if data.student_id is not None and data.student_id != actor.student_id:
            raise PermissionDenied(
                N_("You can propose a placement only for yourself."), code="other_student"
            )
        if data.school_mentor_id is not None:
            raise ValidationFailed.single(
                "school_mentor_id",
                "office_only",
                N_("The cooperation office assigns the school mentor: leave it out."),
            )
        return session.get_one(Student, actor.student_id)
    if not actor.can(Permission.PLACEMENT_MANAGE) or not (
        actor.is_platform_wide or actor.college_id is not None
    ):
        raise PermissionDenied()
    student = session.get(Student, data.student_id) if data.student_id is not None else None
    if student is None or (not actor.is_platform_wide and student.college_id != actor.college_id):
        raise ValidationFailed.single(
            "student_id", "unknown_record", N_("Choose a student of the college.")
        )
    return student


def _plan(
    session: Session, actor: Actor, college_id: int, plan_id: int | None
) -> PlacementPlan | None:
    if plan_id is None:
        return None
    plan = session.scalar(
        select(PlacementPlan).where(PlacementPlan.id == plan_id, scope.visible_plans(actor))
    )
    if plan is None or plan.college_id != college_id:
        raise ValidationFailed.single(
            "plan_id", "unknown_record", N_("Choose a placement plan of the student's college.")
        )
    return plan


def _host(session: Session, college_id: int, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id)
    if (
        partnership is None
        or partnership.college_id != college_id
        or partnership.status == PartnershipStatus.ENDED
    ):
        raise ValidationFailed.single(
            "partnership_id",
            "unknown_record",
            N_("Choose the host among the enterprises the college works with (not ended)."),
        )
    return partnership


def create_placement(session: Session, *, actor: Actor, data: PlacementCreate) -> Placement:
    """A self-found placement: a draft waiting for the office's approval."""
    student = _proposer(session, actor, data)
    plan = _plan(session, actor, student.college_id, data.plan_id)
    partnership = _host(session, student.college_id, data.partnership_id)
    values = data.model_dump(include=set(TERM_FIELDS))
    values.update(data.model_dump(include={*MENTOR_FIELDS, "note"}))
    errors = _check_terms(session, student.college_id, plan, values)
    if errors:
        raise ValidationFailed(errors=errors)
    placement = Placement(
        college_id=student.college_id,
        student_id=student.id,
        plan_id=plan.id if plan else None,
        partnership_id=partnership.id,
        enterprise_id=partnership.enterprise_id,
        kind=plan.kind if plan else data.kind.value,
        status=S.DRAFT.value,
        source=PlacementSource.SELF_FOUND.value,
        ended_reason="",
        **values,
    )
    placement.plan = plan
    placement.student = student
    if actor.role != Role.STUDENT and not scope.can_manage_placement(actor, placement):
        raise PermissionDenied(
            N_("You may add placements only to the plans of your own department."),
            code="other_department",
        )
    _refuse_overlap(session, student.id, data.start_on, data.end_on)
    session.add(placement)
    session.flush()
    record(session, actor, "create", placement, None)
    gate.recheck(session, placement)
    return placement


def update_placement(
    session: Session, *, actor: Actor, placement: Placement, data: PlacementUpdate
) -> Placement:
    if not can_edit(actor, placement):
        if placement.status not in (S.DRAFT, S.READY, S.ACTIVE):
            raise Conflict(
                N_("This placement has ended: it can no longer be changed."),
                code="placement_closed",
            )
        raise PermissionDenied()
    check_version(placement, data.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    changes = {
        k: v
        for k, v in given.items()
        if (v is not None or k in NULLABLE) and getattr(placement, k) != v
    }
    if own_proposal(actor, placement) and not scope.can_manage_placement(actor, placement):
        office = sorted(set(changes) & {"school_mentor_id", "note"})
        if office:
            raise PermissionDenied(
                N_("The cooperation office sets the school mentor and the remarks."),
                code="office_only",
            )
    terms = sorted(set(changes) & set(TERM_FIELDS))
    if terms and placement.status not in EDITABLE:
        raise Conflict(
            N_(
                "The placement has started: its terms are fixed (only its mentors and remarks "
                "can change). End it early and record a new placement if the terms changed."
            ),
            code="terms_fixed",
            errors=[
                FieldError(name, "terms_fixed", N_("Fixed once the placement started."))
                for name in terms
            ],
        )
    merged = {name: getattr(placement, name) for name in (*TERM_FIELDS, *MENTOR_FIELDS)}
    merged |= changes
    errors = _check_terms(session, placement.college_id, placement.plan, merged)
    if errors:
        raise ValidationFailed(errors=errors)
    if {"start_on", "end_on"} & set(changes):
        _refuse_overlap(
            session, placement.student_id, merged["start_on"], merged["end_on"], placement.id
        )
    if not changes:
        return placement
    before = _snapshot(placement)
    for name, value in changes.items():
        setattr(placement, name, value)
    session.flush()
    after = _snapshot(placement)
    if terms:
        cleared = _clear_overrides(session, placement)
        if cleared:
            after["overrides_cleared"] = cleared
    record(session, actor, "update", placement, before, after)
    gate.recheck(session, placement, actor)  # a ready placement that fails now is draft again
    return placement


def _clear_overrides(session: Session, placement: Placement) -> list[str]:
    """An override accepts a warning about the terms it was given for: new terms, no overrides."""
    rows = list(
        session.scalars(
            select(ComplianceOverride).where(ComplianceOverride.placement_id == placement.id)
        )
    )
    if not rows:
        return []
    session.execute(
        delete(ComplianceOverride).where(ComplianceOverride.placement_id == placement.id)
    )
    return sorted(row.rule_id for row in rows)


def _require_manage(actor: Actor, placement: Placement) -> None:
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied()


def _require_pending(placement: Placement) -> None:
    if not pending_approval(placement):
        raise Conflict(
            N_(
                "Only a self-found placement waiting for approval can be approved or rejected; "
                "this one is not waiting."
            ),
            code="not_pending",
        )


def approve_placement(session: Session, *, actor: Actor, placement: Placement) -> Placement:
    _require_manage(actor, placement)
    _require_pending(placement)
    placement.approved_at = utcnow()
    placement.approved_by_user_id = actor.user_id
    session.flush()
    record(session, actor, "approve", placement, {"approved": False}, {"approved": True})
    return placement


def reject_placement(
    session: Session, *, actor: Actor, placement: Placement, reason: str, today: date | None = None
) -> Placement:
    """Refuse a self-found proposal: it ends early with the reason (kept on record)."""
    _require_manage(actor, placement)
    _require_pending(placement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.single(
            "reason",
            "reason_required",
            N_("Give a reason: the student sees why their placement was not approved."),
        )
    before = {"status": placement.status, "ended_reason": placement.ended_reason}
    placement.status = S.ENDED_EARLY.value
    placement.ended_reason = reason[:500]
    placement.ended_on = today or local_today()
    session.flush()
    record(
        session,
        actor,
        "reject",
        placement,
        before,
        {"status": placement.status, "ended_reason": placement.ended_reason},
    )
    return placement
