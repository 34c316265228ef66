"""Notices when a plan enters a phase: to the people who must act in it.

- positions: the contacts of every enterprise the college works with (partnership not ended);
- student_ranking: the plan's eligible students (in a second round: those not yet placed);
- host_ranking: the contacts of the hosts with published positions in the plan;
- allocation: the plan's managers (the college's cooperation office);
- results: the students of the latest published round and the contacts of its hosts.

Each notice's key names the plan and the phase (and the round, from the second on), so
announcing again writes nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.config import Settings
from tandem.inbox.service import Message, Msg, notify
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership, PartnershipStatus
from tandem.people.models import SchoolClass, Student
from tandem.placement.cohort import eligibility
from tandem.placement.kinds import PHASE_LABELS, Phase, PositionStatus, RoundStatus
from tandem.placement.models import AllocationRound, PlacementPlan, Position, RoundAssignment

KIND = "placement_phase"
SUBJECT = N_("%(plan)s: %(phase)s")
BODIES = {
    Phase.POSITIONS: N_(
        "The placement plan %(plan)s is open for positions. Publish the positions your "
        "enterprise offers (seats, pay, hours) in the plan."
    ),
    Phase.STUDENT_RANKING: N_(
        "You can now rank the positions of the placement plan %(plan)s: list up to "
        "%(max)s positions you would like, your first choice first."
    ),
    Phase.HOST_RANKING: N_(
        "Students have ranked the positions of the placement plan %(plan)s. Rank your "
        "applicants for each of your positions."
    ),
    Phase.ALLOCATION: N_(
        "The placement plan %(plan)s is ready for allocation: run a round, look at the "
        "preview and publish it."
    ),
    Phase.RESULTS: N_(
        "The results of round %(round)s of the placement plan %(plan)s are published. "
        "See who is placed where, and why."
    ),
}


def published_rounds(session: Session, plan_id: int) -> int:
    stmt = select(func.count()).where(
        AllocationRound.plan_id == plan_id, AllocationRound.status == RoundStatus.PUBLISHED
    )
    return session.scalar(stmt) or 0


def latest_published_round(session: Session, plan_id: int) -> AllocationRound | None:
    stmt = (
        select(AllocationRound)
        .where(AllocationRound.plan_id == plan_id, AllocationRound.status == RoundStatus.PUBLISHED)
        .order_by(AllocationRound.number.desc(), AllocationRound.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def round_number(session: Session, plan: PlacementPlan) -> int:
    """The round a phase belongs to: results belong to the latest published round, the
    phases before them to the round after the published ones."""
    published = published_rounds(session, plan.id)
    return max(1, published) if plan.phase == Phase.RESULTS else published + 1


def notice_key(plan_id: int, phase: str, number: int) -> str:
    key = f"placement_plan:{plan_id}:phase:{phase}"
    return f"{key}:round:{number}" if number > 1 else key


def _users(session: Session, *conditions: ColumnElement[bool]) -> list[User]:
    stmt = select(User).where(User.is_active.is_(True), *conditions).order_by(User.id)
    return list(session.scalars(stmt))


def contacts_of(session: Session, enterprise_ids: Iterable[int]) -> list[User]:
    ids = sorted(set(enterprise_ids))
    if not ids:
        return []
    return _users(session, User.role == Role.ENTERPRISE_CONTACT, User.enterprise_id.in_(ids))


def _partner_contacts(session: Session, plan: PlacementPlan) -> list[User]:
    enterprises = session.scalars(
        select(Partnership.enterprise_id).where(
            Partnership.college_id == plan.college_id,
            Partnership.status != PartnershipStatus.ENDED,
        )
    )
    return contacts_of(session, enterprises)


def _host_contacts(session: Session, position_ids: ColumnElement[bool]) -> list[User]:
    enterprises = session.scalars(
        select(Partnership.enterprise_id)
        .join(Position, Position.partnership_id == Partnership.id)
        .where(position_ids)
        .distinct()
    )
    return contacts_of(session, enterprises)


def _students(session: Session, plan: PlacementPlan, number: int) -> list[User]:
    eligible = (
        select(Student.id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*eligibility(plan))
    )
    if number > 1:  # a second round: only those not placed in a published round
        placed = (
            select(RoundAssignment.student_id)
            .join(AllocationRound, AllocationRound.id == RoundAssignment.round_id)
            .where(
                AllocationRound.plan_id == plan.id,
                AllocationRound.status == RoundStatus.PUBLISHED,
                RoundAssignment.position_id.is_not(None),
            )
        )
        eligible = eligible.where(Student.id.not_in(placed))
    return _users(session, User.role == Role.STUDENT, User.student_id.in_(eligible))


def _managers(session: Session, plan: PlacementPlan) -> list[User]:
    return _users(session, User.role == Role.COLLEGE_ADMIN, User.college_id == plan.college_id)


def _groups(session: Session, plan: PlacementPlan, number: int) -> list[tuple[list[User], str]]:
    """Who is told, with the page each group goes to."""
    base = f"/placement-plans/{plan.id}"
    phase = Phase(plan.phase)
    if phase == Phase.POSITIONS:
        return [(_partner_contacts(session, plan), base)]
    if phase == Phase.STUDENT_RANKING:
        return [(_students(session, plan, number), f"{base}/my-preferences")]
    if phase == Phase.HOST_RANKING:
        published = (Position.plan_id == plan.id) & (Position.status == PositionStatus.PUBLISHED)
        return [(_host_contacts(session, published), f"{base}/applicants")]
    if phase == Phase.ALLOCATION:
        return [(_managers(session, plan), f"{base}/rounds")]
    if phase == Phase.RESULTS:
        latest = latest_published_round(session, plan.id)
        if latest is None:
            return []
        assigned = select(RoundAssignment.student_id).where(RoundAssignment.round_id == latest.id)
        students = _users(session, User.role == Role.STUDENT, User.student_id.in_(assigned))
        at = select(RoundAssignment.position_id).where(
            RoundAssignment.round_id == latest.id, RoundAssignment.position_id.is_not(None)
        )
        hosts = _host_contacts(session, Position.id.in_(at))
        return [(students, f"{base}/results"), (hosts, f"{base}/results")]
    return []


def announce_phase(session: Session, *, plan: PlacementPlan, settings: Settings) -> int:
    """Tell those who must act in the plan's current phase; the number of notices written."""
    if plan.phase not in BODIES:
        return 0
    number = round_number(session, plan)
    message = Message(
        subject=SUBJECT,
        body=BODIES[Phase(plan.phase)],
        params={
            "plan": plan.name,
            "phase": Msg(PHASE_LABELS[Phase(plan.phase)]),
            "max": plan.max_preferences,
            "round": number,
        },
    )
    key = notice_key(plan.id, plan.phase, number)
    written = 0
    for users, link in _groups(session, plan, number):
        delivery = notify(
            session,
            users=users,
            key=key,
            kind=KIND,
            message=message,
            college_id=plan.college_id,
            link=link,
            settings=settings,
        )
        written += delivery.notices
    return written
