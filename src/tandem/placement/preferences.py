"""A student's ranked list of positions in a plan (rank 1 = first choice).

A student ranks for themself; the cooperation office may rank on a student's behalf (a list
handed in on paper). The list is replaced as a whole, so its ranks are always 1..n. It may be
changed only while the plan is in the students' ranking phase, only by an eligible student,
and only with published positions of the plan that the student's major may take. Once a round
is published, a student it placed keeps their list (a second round is for those unplaced).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, delete, distinct, func, select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.partner.models import Enterprise, Partnership
from tandem.people.models import SchoolClass, Student
from tandem.placement import cohort, scope
from tandem.placement.kinds import PHASES, Phase, PositionStatus, RoundStatus
from tandem.placement.models import (
    AllocationRound,
    PlacementPlan,
    Position,
    Preference,
    RoundAssignment,
    position_major,
)

FIELD = "position_ids"


@dataclass(frozen=True)
class PositionTerms:
    """A position as a student chooses it: the host and the key terms."""

    id: int
    title: str
    partnership_id: int
    host_name: str
    location: str
    monthly_pay: Decimal | None
    hours_per_day: Decimal | None
    days_per_week: Decimal | None
    shifts: str
    seats: int
    status: str
    plan_id: int
    major_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PreferenceLine:
    rank: int
    position: PositionTerms


@dataclass
class RankerCounts:
    """How far the students of a plan have got with their lists (for the office)."""

    eligible: int
    ranked: int  # eligible students with at least one line
    lines: int
    by_length: dict[int, int] = field(default_factory=dict)  # list length -> students
    first_choices: dict[int, int] = field(default_factory=dict)  # position id -> students
    listed: dict[int, int] = field(default_factory=dict)  # position id -> students

    @property
    def not_ranked(self) -> int:
        return self.eligible - self.ranked


# --- whose list ---------------------------------------------------------------------------------


def student_for(
    session: Session, *, actor: Actor, plan: PlacementPlan, student_id: int | None
) -> Student:
    """The student whose list ``actor`` opens: a student, only their own; the college's staff,
    any student of the plan's college (named); an enterprise contact, nobody's."""
    if actor.role == "student":
        if actor.student_id is None or student_id not in (None, actor.student_id):
            raise NotFound(N_("No student with id %(id)s."), id=student_id)
        student_id = actor.student_id
    elif not scope.is_staff(actor):
        raise PermissionDenied(
            N_("Only students and the college's staff see students' lists of positions.")
        )
    if student_id is None:
        raise ValidationFailed.single(
            "student_id",
            "student_required",
            N_("Name the student whose list of positions to open (student_id)."),
        )
    student = session.get(Student, student_id)
    if student is None or student.college_id != plan.college_id:
        raise NotFound(N_("No student with id %(id)s."), id=student_id)
    return student


# --- reading --------------------------------------------------------------------------------------


def _terms_query(plan_id: int) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Position.id,
            Position.title,
            Position.partnership_id,
            Enterprise.name,
            Position.location,
            Position.monthly_pay,
            Position.hours_per_day,
            Position.days_per_week,
            Position.shifts,
            Position.seats,
            Position.status,
            Position.plan_id,
        )
        .join(Partnership, Partnership.id == Position.partnership_id)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(Position.plan_id == plan_id)
    )


def _majors_of(session: Session, position_ids: list[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    if position_ids:
        rows = session.execute(
            select(position_major.c.position_id, position_major.c.major_id).where(
                position_major.c.position_id.in_(position_ids)
            )
        )
        for position_id, major_id in rows:
            found.setdefault(position_id, []).append(major_id)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _terms(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[PositionTerms]:
    rows = session.execute(stmt).all()
    majors = _majors_of(session, [row[0] for row in rows])
    return [
        PositionTerms(
            id=row[0],
            title=row[1],
            partnership_id=row[2],
            host_name=row[3],
            location=row[4],
            monthly_pay=row[5],
            hours_per_day=row[6],
            days_per_week=row[7],
            shifts=row[8],
            seats=row[9],
            status=row[10],
            plan_id=row[11],
            major_ids=majors.get(row[0], ()),
        )
        for row in rows
    ]


def preferences_of(
    session: Session, *, actor: Actor, plan: PlacementPlan, student_id: int | None
) -> list[PreferenceLine]:
    """The student's list in ``plan``, first choice first."""
    student = student_for(session, actor=actor, plan=plan, student_id=student_id)
    ranks = dict(
        session.execute(
            select(Preference.position_id, Preference.rank).where(
                Preference.plan_id == plan.id, Preference.student_id == student.id
            )
        ).all()
    )
    if not ranks:
        return []
    terms = _terms(session, _terms_query(plan.id).where(Position.id.in_(list(ranks))))
    lines = [PreferenceLine(ranks[t.id], t) for t in terms]
    return sorted(lines, key=lambda line: line.rank)


def major_of(session: Session, student: Student) -> int | None:
    return session.scalar(select(SchoolClass.major_id).where(SchoolClass.id == student.class_id))


def may_take(terms: PositionTerms, major_id: int | None) -> bool:
    return not terms.major_ids or major_id in terms.major_ids


def available_positions(
    session: Session, *, actor: Actor, plan: PlacementPlan, student_id: int | None
) -> list[PositionTerms]:
    """The published positions of the plan the student may list (their major is welcome)."""
    student = student_for(session, actor=actor, plan=plan, student_id=student_id)
    major_id = major_of(session, student)
    stmt = _terms_query(plan.id).where(Position.status == PositionStatus.PUBLISHED)
    terms = _terms(session, stmt.order_by(Enterprise.name, Position.title, Position.id))
    return [t for t in terms if may_take(t, major_id)]


def placed_in_published_round(session: Session, plan: PlacementPlan, student_id: int) -> bool:
    stmt = (
        select(RoundAssignment.id)
        .join(AllocationRound, AllocationRound.id == RoundAssignment.round_id)
        .where(
            AllocationRound.plan_id == plan.id,
            AllocationRound.status == RoundStatus.PUBLISHED,
            RoundAssignment.student_id == student_id,
            RoundAssignment.position_id.is_not(None),
        )
        .limit(1)
    )
    return session.scalar(stmt) is not None


def ranking_open(plan: PlacementPlan) -> bool:
    return plan.phase == Phase.STUDENT_RANKING


def phase_conflict(plan: PlacementPlan) -> Conflict:
    """Why a list cannot be changed now, saying when ranking opens or closed."""
    before = PHASES.index(Phase(plan.phase)) < PHASES.index(Phase.STUDENT_RANKING)
    if before:
        if plan.ranking_opens_on:
            return Conflict(
                N_("Ranking positions opens on %(date)s; you can make your list then."),
                code="ranking_not_open",
                date=plan.ranking_opens_on.isoformat(),
            )
        return Conflict(
            N_("Ranking positions has not opened yet; the office announces when it does."),
            code="ranking_not_open",
        )
    if plan.ranking_closes_on:
        return Conflict(
            N_("Ranking positions closed on %(date)s; lists can no longer be changed."),
            code="ranking_closed",
            date=plan.ranking_closes_on.isoformat(),
        )
    return Conflict(
        N_("Ranking positions has closed; lists can no longer be changed."), code="ranking_closed"
    )


def _check_lines(
    session: Session, plan: PlacementPlan, student: Student, position_ids: list[int]
) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(position_ids) > plan.max_preferences:
        errors.append(
            FieldError(
                FIELD,
                "too_many",
                N_("List at most %(max)s positions in this plan (you listed %(count)s)."),
                {"max": plan.max_preferences, "count": len(position_ids)},
            )
        )
    found = {
        t.id: t for t in _terms(session, _terms_query(plan.id).where(Position.id.in_(position_ids)))
    }
    seen: dict[int, int] = {}
    major_id = major_of(session, student)
    for index, position_id in enumerate(position_ids):
        name = f"{FIELD}.{index}"
        terms = found.get(position_id)
        params = {"index": index + 1, "id": position_id}
        if position_id in seen:
            errors.append(
                FieldError(
                    name,
                    "duplicate",
                    N_("Choice %(index)s repeats choice %(first)s; list each position once."),
                    {**params, "first": seen[position_id] + 1},
                )
            )
            continue
        seen[position_id] = index
        if terms is None:
            errors.append(
                FieldError(
                    name,
                    "unknown_position",
                    N_("Choice %(index)s: position %(id)s is not a position of this plan."),
                    params,
                )
            )
        elif terms.status != PositionStatus.PUBLISHED:
            errors.append(
                FieldError(
                    name,
                    "not_published",
                    N_("Choice %(index)s: %(title)s is not open to applications; remove it."),
                    {**params, "title": terms.title},
                )
            )
        elif not may_take(terms, major_id):
            errors.append(
                FieldError(
                    name,
                    "wrong_major",
                    N_(
                        "Choice %(index)s: %(title)s is only for students of other majors; "
                        "choose another position."
                    ),
                    {**params, "title": terms.title},
                )
            )
    return errors


def set_preferences(
    session: Session,
    *,
    actor: Actor,
    plan: PlacementPlan,
    student_id: int | None,
    position_ids: list[int],
) -> list[PreferenceLine]:
    """Replace the student's whole list with ``position_ids`` (first choice first)."""
    student = student_for(session, actor=actor, plan=plan, student_id=student_id)
    if not scope.can_rank_for(actor, plan, student.id):
        raise PermissionDenied(N_("You may not change this student's list of positions."))
    if not ranking_open(plan):
        raise phase_conflict(plan)
    if not cohort.is_eligible(session, plan, student.id):
        raise Conflict(
            N_(
                "%(name)s does not take part in this plan (class, major, year of study or age); "
                "ask the cooperation office if this is wrong."
            ),
            code="not_eligible",
            name=student.name,
        )
    if placed_in_published_round(session, plan, student.id):
        raise Conflict(
            N_(
                "%(name)s already has a position from a published round; the list can no "
                "longer be changed."
            ),
            code="already_placed",
            name=student.name,
        )
    errors = _check_lines(session, plan, student, position_ids)
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors, **errors[0].params)
    before = [
        line.position.id
        for line in preferences_of(session, actor=actor, plan=plan, student_id=student.id)
    ]
    session.execute(
        delete(Preference).where(Preference.plan_id == plan.id, Preference.student_id == student.id)
    )
    session.flush()
    for rank, position_id in enumerate(position_ids, start=1):
        session.add(
            Preference(
                college_id=plan.college_id,
                plan_id=plan.id,
                student_id=student.id,
                position_id=position_id,
                rank=rank,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="set_preferences",
        entity=student,
        college_id=plan.college_id,
        before={"plan_id": plan.id, "position_ids": before},
        after={"plan_id": plan.id, "position_ids": list(position_ids)},
        summary=f"{plan.name}: {student.student_number} {student.name}",
    )
    return preferences_of(session, actor=actor, plan=plan, student_id=student.id)


# --- for the office -------------------------------------------------------------------------------


def rankers(session: Session, plan: PlacementPlan) -> RankerCounts:
    """How many eligible students have made a list, their lengths, and each position's demand."""
    eligible = cohort.eligible_ids(session, plan)
    lengths: Counter[int] = Counter()
    lines = 0
    rows = session.execute(
        select(Preference.student_id, func.count(Preference.id))
        .where(Preference.plan_id == plan.id)
        .group_by(Preference.student_id)
    )
    ranked = 0
    for student_id, count in rows:
        if student_id in eligible:
            ranked += 1
            lines += count
            lengths[count] += 1
    demand = session.execute(
        select(
            Preference.position_id,
            func.count(distinct(Preference.student_id)),
            func.sum(case((Preference.rank == 1, 1), else_=0)),
        )
        .where(Preference.plan_id == plan.id)
        .group_by(Preference.position_id)
    ).all()
    return RankerCounts(
        eligible=len(eligible),
        ranked=ranked,
        lines=lines,
        by_length=dict(sorted(lengths.items())),
        listed={position_id: int(n) for position_id, n, _ in demand},
        first_choices={position_id: int(first or 0) for position_id, _, first in demand},
    )


def closing_date(plan: PlacementPlan) -> date | None:
    return plan.ranking_closes_on
