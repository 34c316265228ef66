"""Reading rounds back: the rounds of a plan, a round's assignments (search, filters, pages),
the outcomes a person may see, and an assignment's explanation in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from tandem.auth.actor import Actor
from tandem.kit.i18n import N_, translate
from tandem.kit.pagination import ListParams, Page, like_pattern, paginate
from tandem.partner.models import Enterprise, Partnership
from tandem.people.models import Student
from tandem.placement import scope
from tandem.placement.kinds import RoundStatus
from tandem.placement.models import AllocationRound, PlacementPlan, Position, RoundAssignment

FILTERS = ("placed", "unplaced", "adjusted")


def plan_rounds(session: Session, *, actor: Actor, plan: PlacementPlan) -> list[AllocationRound]:
    return list(
        session.scalars(
            select(AllocationRound)
            .where(AllocationRound.plan_id == plan.id, scope.visible_rounds(actor))
            .order_by(AllocationRound.number.desc(), AllocationRound.id.desc())
        )
    )


def assignments_query(
    round: AllocationRound, *, q: str = "", show: str = "", student_id: int | None = None
) -> Select[Any]:
    stmt = (
        select(RoundAssignment)
        .join(Student, Student.id == RoundAssignment.student_id)
        .where(RoundAssignment.round_id == round.id)
        .options(
            joinedload(RoundAssignment.student),
            joinedload(RoundAssignment.position)
            .joinedload(Position.partnership)
            .joinedload(Partnership.enterprise),
        )
        .order_by(Student.student_number, RoundAssignment.id)
    )
    if q.strip():
        pattern = like_pattern(q.strip())
        stmt = stmt.where(
            or_(
                Student.student_number.ilike(pattern, escape="\\"),
                Student.name.ilike(pattern, escape="\\"),
            )
        )
    if show == "placed":
        stmt = stmt.where(RoundAssignment.position_id.is_not(None))
    elif show == "unplaced":
        stmt = stmt.where(RoundAssignment.position_id.is_(None))
    elif show == "adjusted":
        stmt = stmt.where(RoundAssignment.adjusted.is_(True))
    if student_id is not None:
        stmt = stmt.where(RoundAssignment.student_id == student_id)
    return stmt


def list_assignments(
    session: Session,
    *,
    round: AllocationRound,
    params: ListParams,
    show: str = "",
    student_id: int | None = None,
) -> Page[RoundAssignment]:
    stmt = assignments_query(round, q=params.q, show=show, student_id=student_id)
    return paginate(session, stmt, params)


def outcomes_query(*, actor: Actor, plan: PlacementPlan, q: str = "") -> Select[Any]:
    """The published outcomes of ``plan`` that ``actor`` may see (a student's own, a contact's
    at their enterprise's positions, everything for the college's staff)."""
    published = select(AllocationRound.id).where(
        AllocationRound.plan_id == plan.id, AllocationRound.status == RoundStatus.PUBLISHED
    )
    stmt = (
        select(RoundAssignment)
        .join(Student, Student.id == RoundAssignment.student_id)
        .where(RoundAssignment.round_id.in_(published), scope.visible_assignments(actor))
        .options(
            joinedload(RoundAssignment.student),
            joinedload(RoundAssignment.position)
            .joinedload(Position.partnership)
            .joinedload(Partnership.enterprise),
        )
        .order_by(RoundAssignment.position_id, Student.student_number, RoundAssignment.id)
    )
    if q.strip():
        pattern = like_pattern(q.strip())
        stmt = stmt.where(
            or_(
                Student.student_number.ilike(pattern, escape="\\"),
                Student.name.ilike(pattern, escape="\\"),
            )
        )
    return stmt


def outcomes(
    session: Session, *, actor: Actor, plan: PlacementPlan, params: ListParams
) -> Page[RoundAssignment]:
    return paginate(session, outcomes_query(actor=actor, plan=plan, q=params.q), params)


# --- explanations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    positions: dict[int, str]
    hosts: dict[int, str]
    students: dict[int, str]

    def position(self, position_id: int | None) -> str:
        return self.positions.get(position_id or 0, f"#{position_id}")

    def host(self, host_id: int | None) -> str:
        return self.hosts.get(host_id or 0, f"#{host_id}")


def names_for(session: Session, explanations: Iterable[dict[str, Any]]) -> Names:
    """The titles, enterprise names and student names the explanations refer to."""
    positions: set[int] = set()
    hosts: set[int] = set()
    students: set[int] = set()
    for explanation in explanations:
        if explanation.get("position"):
            positions.add(explanation["position"])
        for why in explanation.get("above", ()):
            positions.add(why["position"])
            hosts.add(why["host"])
            students.update(why.get("by_lottery", ()))
    rows = session.execute(
        select(Position.id, Position.title, Position.partnership_id).where(
            Position.id.in_(sorted(positions))
        )
    ).all()
    hosts.update(r[2] for r in rows)
    host_names = dict(
        session.execute(
            select(Partnership.id, Enterprise.name)
            .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
            .where(Partnership.id.in_(sorted(hosts)))
        ).all()
    )
    student_names = dict(
        session.execute(
            select(Student.id, Student.name).where(Student.id.in_(sorted(students)))
        ).all()
    )
    position_names = {r[0]: f"{r[1]} · {host_names.get(r[2], '')}" for r in rows}
    return Names(position_names, host_names, student_names)


PLACED = N_("Placed at %(position)s, choice %(rank)s of the list.")
PLACED_OFF_LIST = N_("Placed at %(position)s by the cooperation office.")
NOT_PLACED = N_("Not placed: none of the positions on the list could take this student.")
NO_LIST = N_("Not placed: the student ranked no position.")
ADJUSTED = N_("Changed by the cooperation office: %(reason)s")
REASONS = {
    "not_acceptable": N_("%(position)s: the host did not accept this student as an applicant."),
    "full": N_("%(position)s: all %(places)s places went to applicants the host ranked higher."),
    "host_full": N_(
        "%(position)s: %(host)s reached its cap of %(cap)s interns, all ranked higher."
    ),
    "blocking_pair": N_(
        "%(position)s: the host would have taken this student, but the allocation that places "
        "the most students put them elsewhere."
    ),
}
LOTTERY = N_("%(count)s of them were ranked equal with this student and won the lottery.")


def explanation_lines(assignment: RoundAssignment, names: Names, language: str) -> list[str]:
    """The explanation in ``language``: the outcome, then one line for each position the
    student ranked higher and why it did not take them."""
    explanation = assignment.explanation or {}
    lines: list[str] = []
    position = assignment.position_id
    if position is not None:
        if assignment.choice:
            lines.append(
                translate(
                    PLACED, language, position=names.position(position), rank=assignment.choice
                )
            )
        else:
            lines.append(translate(PLACED_OFF_LIST, language, position=names.position(position)))
    elif explanation.get("above") or assignment.adjusted:
        lines.append(translate(NOT_PLACED, language))
    else:
        lines.append(translate(NO_LIST, language))
    if assignment.adjusted and assignment.adjust_reason:
        lines.append(translate(ADJUSTED, language, reason=assignment.adjust_reason))
    for why in explanation.get("above", ()):
        reason = why.get("reason", "")
        message = REASONS.get(reason)
        if message is None:
            continue
        params = {
            "position": names.position(why.get("position")),
            "host": names.host(why.get("host")),
            "places": len(why.get("ranked_higher", ())),
            "cap": why.get("capacity", 0),
        }
        line = translate(message, language, **params)
        lottery = why.get("by_lottery") or []
        if reason == "full" and lottery:
            line += " " + translate(LOTTERY, language, count=len(lottery))
        lines.append(line)
    return lines


def explanation_text(
    session: Session, assignment: RoundAssignment, language: str, names: Names | None = None
) -> str:
    """The explanation as one paragraph (the API's ``explanation_text``)."""
    names = names or names_for(session, [assignment.explanation or {}, _own(assignment)])
    return " ".join(explanation_lines(assignment, names, language))


def _own(assignment: RoundAssignment) -> dict[str, Any]:
    return {"position": assignment.position_id}
