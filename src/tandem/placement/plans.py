"""Placement plans: listing, adding, changing, deleting (a draft with nothing under it), with
the phase moves and the summary re-exported from :mod:`tandem.placement.plan_calendar`.

Reads go through :mod:`tandem.placement.scope`; writes need :func:`scope.can_manage_plan` (the
office; a coordinator, their department's plans). Once a plan is past the positions phase
(students rank, or have ranked; rounds and placements may rest on its terms) its kind, rule
set, term, cohort (majors, classes, year and age filters) are fixed and the number of
preferences may only go up (409): the name, the note, the department and the phase dates stay
editable. Writes flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import Department
from tandem.college.service import check_version, college_of_new_record
from tandem.compliance.ruleset import available
from tandem.kit.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.people.models import Major, SchoolClass, Student
from tandem.placement import scope
from tandem.placement.cohort import eligibility
from tandem.placement.kinds import Phase
from tandem.placement.models import PlacementPlan, Position

# Re-exported: the pages, the API, the demo and the rounds use them as ``plans.<name>``.
from tandem.placement.plan_calendar import NOT_YOURS as NOT_YOURS
from tandem.placement.plan_calendar import PHASE_DATES as PHASE_DATES
from tandem.placement.plan_calendar import allowed_moves as allowed_moves
from tandem.placement.plan_calendar import calendar as calendar
from tandem.placement.plan_calendar import calendar_errors as calendar_errors
from tandem.placement.plan_calendar import move_phase as move_phase
from tandem.placement.plan_calendar import past_positions as past_positions
from tandem.placement.plan_calendar import require_manage as require_manage
from tandem.placement.plan_calendar import rounds_count as rounds_count
from tandem.placement.plan_calendar import summary as summary
from tandem.placement.schemas_plans import CALENDAR, PlanCreate, PlanUpdate

PLAN_FIELDS = (
    "name",
    "kind",
    "department_id",
    "ruleset",
    "term_start",
    "term_end",
    "max_preferences",
    "min_year_of_study",
    "min_age",
    *CALENDAR,
    "note",
)
NULLABLE = frozenset({"department_id", "min_year_of_study", "min_age", *CALENDAR})
PLAN_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "name": PlacementPlan.name,
    "kind": PlacementPlan.kind,
    "phase": PlacementPlan.phase,
    "term_start": PlacementPlan.term_start,
    "updated_at": PlacementPlan.updated_at,
}
# Fixed once the plan is past the positions phase (besides the majors and classes, and
# max_preferences, which may only go up).
LOCKED_FIELDS = ("kind", "ruleset", "term_start", "term_end", "min_year_of_study", "min_age")


@dataclass(frozen=True)
class PlanFilter:
    kind: str = ""
    phase: str = ""
    department_id: int | None = None


# --- reading -------------------------------------------------------------------------------------


def plans_query(
    *, actor: Actor, params: ListParams, filters: PlanFilter | None = None
) -> Select[PlacementPlan]:
    filters = filters or PlanFilter()
    stmt = select(PlacementPlan).where(scope.visible_plans(actor))
    text = params.q.strip()
    if text:
        pattern = like_pattern(text)
        searched = [PlacementPlan.name.ilike(pattern, escape="\\")]
        if scope.is_staff(actor):  # the office's remarks are searched only by the office
            searched.append(PlacementPlan.note.ilike(pattern, escape="\\"))
        stmt = stmt.where(or_(*searched))
    if filters.kind:
        stmt = stmt.where(PlacementPlan.kind == filters.kind)
    if filters.phase:
        stmt = stmt.where(PlacementPlan.phase == filters.phase)
    if filters.department_id is not None:
        stmt = stmt.where(PlacementPlan.department_id == filters.department_id)
    stmt = apply_sort(stmt, params.sort, PLAN_SORTS, default="-term_start")
    return stmt.order_by(PlacementPlan.id).options(
        selectinload(PlacementPlan.department),
        selectinload(PlacementPlan.majors),
        selectinload(PlacementPlan.classes),
    )


def list_plans(
    session: Session, *, actor: Actor, params: ListParams, filters: PlanFilter | None = None
) -> Page[PlacementPlan]:
    return paginate(session, plans_query(actor=actor, params=params, filters=filters), params)


def get_plan(session: Session, *, actor: Actor, plan_id: int) -> PlacementPlan:
    return scope.get_plan(session, actor=actor, plan_id=plan_id)


def eligible_query(plan: PlacementPlan) -> Select[Student, str]:
    return (
        select(Student, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*eligibility(plan))
        .order_by(SchoolClass.name, Student.student_number, Student.id)
    )


def eligible_students(
    session: Session, *, actor: Actor, plan: PlacementPlan, params: ListParams
) -> tuple[list[tuple[Student, str]], int]:
    """The plan's eligible students (the college's staff only), a page of them and the total."""
    if not scope.is_staff(actor):
        raise PermissionDenied()
    stmt = eligible_query(plan)
    text = params.q.strip()
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                Student.name.ilike(pattern, escape="\\"),
                Student.student_number.ilike(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    offset = (params.page - 1) * params.per_page
    rows = session.execute(stmt.limit(params.per_page).offset(offset)).all()
    return [(student, class_name) for student, class_name in rows], total


# --- checks --------------------------------------------------------------------------------------


def _check_refs(
    session: Session,
    college_id: int,
    values: dict[str, Any],
    major_ids: list[int],
    class_ids: list[int],
) -> list[FieldError]:
    errors: list[FieldError] = []
    if values["ruleset"] not in available():
        errors.append(
            FieldError(
                "ruleset",
                "unknown_ruleset",
                N_("Unknown rule set %(name)s: use one of %(known)s."),
                {"name": values["ruleset"], "known": ", ".join(available())},
            )
        )
    department_id = values.get("department_id")
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None or department.college_id != college_id:
            errors.append(
                FieldError(
                    "department_id", "unknown_record", N_("Choose a department of this college.")
                )
            )
    found = set(
        session.scalars(
            select(Major.id).where(Major.id.in_(major_ids), Major.college_id == college_id)
        )
    )
    if set(major_ids) - found:
        errors.append(
            FieldError("major_ids", "unknown_record", N_("Choose majors of this college."))
        )
    found = set(
        session.scalars(
            select(SchoolClass.id).where(
                SchoolClass.id.in_(class_ids), SchoolClass.college_id == college_id
            )
        )
    )
    if set(class_ids) - found:
        errors.append(
            FieldError("class_ids", "unknown_record", N_("Choose classes of this college."))
        )
    if not major_ids and not class_ids:
        errors.append(
            FieldError(
                "major_ids",
                "no_cohort",
                N_("Choose at least one major or class taking part in the plan."),
            )
        )
    return errors


def _check_name(session: Session, college_id: int, name: str, other_than: int | None) -> None:
    stmt = select(PlacementPlan.id).where(
        PlacementPlan.college_id == college_id, PlacementPlan.name == name
    )
    if other_than is not None:
        stmt = stmt.where(PlacementPlan.id != other_than)
    if session.scalar(stmt.limit(1)) is not None:
        message = N_("Another placement plan of the college is already called %(value)s.")
        raise Conflict(
            message,
            code="duplicate",
            errors=[FieldError("name", "duplicate", message, {"value": name})],
            value=name,
        )


def _check(
    session: Session,
    college_id: int,
    values: dict[str, Any],
    major_ids: list[int],
    class_ids: list[int],
    plan_id: int | None,
) -> None:
    errors = calendar_errors(values) + _check_refs(
        session, college_id, values, major_ids, class_ids
    )
    if errors:
        raise ValidationFailed(errors=errors)
    _check_name(session, college_id, values["name"], plan_id)


def locked_changes(
    plan: PlacementPlan, changes: dict[str, Any], major_ids: list[int], class_ids: list[int]
) -> list[str]:
    """The fields of a change that ``plan`` refuses because it is past the positions phase
    (empty when it is not, or when the change leaves them as they are)."""
    if not past_positions(plan.phase):
        return []
    fields = [n for n in LOCKED_FIELDS if n in changes and changes[n] != getattr(plan, n)]
    if major_ids != sorted(m.id for m in plan.majors):
        fields.append("major_ids")
    if class_ids != sorted(c.id for c in plan.classes):
        fields.append("class_ids")
    wanted = changes.get("max_preferences")
    if wanted is not None and wanted < plan.max_preferences:
        fields.append("max_preferences")
    return fields


def _refuse_locked(plan: PlacementPlan, fields: list[str]) -> Conflict:
    errors = [
        FieldError(
            name,
            "plan_terms_locked",
            N_(
                "Students may already have listed up to %(count)s positions: the number can "
                "be raised but no longer lowered."
            )
            if name == "max_preferences"
            else N_(
                "Fixed since students began ranking (phase %(phase)s): rankings, rounds and "
                "placements rest on it."
            ),
            {"count": plan.max_preferences, "phase": plan.phase},
        )
        for name in fields
    ]
    return Conflict(
        N_(
            "This plan is in phase %(phase)s, past the positions phase: students have ranked "
            "its positions and rounds or placements may rest on its terms, so %(fields)s can "
            "no longer be changed (the number of preferences can only go up). The name, the "
            "note, the department and the phase dates can still be changed; for other terms, "
            "add a new plan."
        ),
        code="plan_terms_locked",
        errors=errors,
        phase=plan.phase,
        fields=", ".join(fields),
    )


# --- writing -------------------------------------------------------------------------------------


def _snapshot(plan: PlacementPlan) -> dict[str, Any]:
    return audit.snapshot(plan, (*PLAN_FIELDS, "phase")) | {
        "major_ids": sorted(m.id for m in plan.majors),
        "class_ids": sorted(c.id for c in plan.classes),
    }


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    plan: PlacementPlan,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=plan,
        college_id=plan.college_id,
        before=before,
        after=after if after is not None else (_snapshot(plan) if action != "delete" else None),
        summary=plan.name,
    )


def _majors(session: Session, ids: list[int]) -> list[Major]:
    return list(session.scalars(select(Major).where(Major.id.in_(ids)))) if ids else []


def _classes(session: Session, ids: list[int]) -> list[SchoolClass]:
    if not ids:
        return []
    return list(session.scalars(select(SchoolClass).where(SchoolClass.id.in_(ids))))


def create_plan(session: Session, *, actor: Actor, data: PlanCreate) -> PlacementPlan:
    college_id = college_of_new_record(session, actor=actor, college_id=data.college_id)
    values = data.model_dump(exclude={"college_id", "major_ids", "class_ids"})
    if values["department_id"] is None and actor.role == Role.DEPARTMENT_COORDINATOR:
        values["department_id"] = actor.department_id
    require_manage(
        actor, PlacementPlan(college_id=college_id, department_id=values["department_id"])
    )
    major_ids, class_ids = sorted(set(data.major_ids)), sorted(set(data.class_ids))
    _check(session, college_id, values, major_ids, class_ids, None)
    plan = PlacementPlan(college_id=college_id, phase=Phase.DRAFT, **values)
    plan.majors = _majors(session, major_ids)
    plan.classes = _classes(session, class_ids)
    session.add(plan)
    session.flush()
    _audit(session, actor, "create", plan, None)
    return plan


def update_plan(
    session: Session, *, actor: Actor, plan: PlacementPlan, data: PlanUpdate
) -> PlacementPlan:
    require_manage(actor, plan)
    check_version(plan, data.version)
    if plan.phase == Phase.CLOSED:
        raise Conflict(N_("This plan is closed: it can no longer be changed."), code="plan_closed")
    given = data.model_dump(exclude_unset=True, exclude={"version", "major_ids", "class_ids"})
    changes = {k: v for k, v in given.items() if v is not None or k in NULLABLE}
    merged = {name: getattr(plan, name) for name in PLAN_FIELDS} | changes
    major_ids = sorted(
        set(data.major_ids if data.major_ids is not None else [m.id for m in plan.majors])
    )
    class_ids = sorted(
        set(data.class_ids if data.class_ids is not None else [c.id for c in plan.classes])
    )
    require_manage(
        actor, PlacementPlan(college_id=plan.college_id, department_id=merged["department_id"])
    )
    locked = locked_changes(plan, changes, major_ids, class_ids)
    if locked:
        raise _refuse_locked(plan, locked)
    _check(session, plan.college_id, merged, major_ids, class_ids, plan.id)
    before = _snapshot(plan)
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.majors = _majors(session, major_ids)
    plan.classes = _classes(session, class_ids)
    session.flush()
    session.expire(plan, ["department"])
    if _snapshot(plan) != before:
        _audit(session, actor, "update", plan, before)
    return plan


def delete_refusal(plan: PlacementPlan, positions: int) -> Conflict | None:
    if plan.phase != Phase.DRAFT:
        return Conflict(
            N_(
                "Only a draft plan can be deleted; this one is past the draft (%(phase)s). "
                "Move it on to Closed instead."
            ),
            code="plan_not_draft",
            phase=plan.phase,
        )
    if positions:
        return Conflict(
            N_(
                "This plan has %(count)s positions: withdraw them (or ask the hosts to) "
                "before deleting the plan."
            ),
            code="plan_in_use",
            count=positions,
        )
    return None


def position_count(session: Session, plan: PlacementPlan) -> int:
    return session.scalar(select(func.count()).where(Position.plan_id == plan.id)) or 0


def delete_plan(session: Session, *, actor: Actor, plan: PlacementPlan) -> None:
    require_manage(actor, plan)
    refusal = delete_refusal(plan, position_count(session, plan))
    if refusal is not None:
        raise refusal
    _audit(session, actor, "delete", plan, _snapshot(plan))
    session.delete(plan)
    session.flush()
