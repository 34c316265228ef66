"""Phase notices: each phase tells those who must act in it, once per plan, phase and round."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.roles import Role
from tandem.config import Settings
from tandem.inbox.models import Notice
from tandem.placement.models import AllocationRound, RoundAssignment
from tandem.placement.notices import announce_phase, notice_key
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership
from tests.placement.world import PlacementWorld, add_student, add_user


def _told(session: Session, key: str) -> set[int]:
    return set(session.scalars(select(Notice.user_id).where(Notice.key == key)))


def test_positions_tell_the_contacts_of_partners_not_ended(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    ended = make_partnership(session, world.college, make_enterprise(session))
    ended.status = "ended"
    gone = make_contact_user(session, ended.enterprise, password=None)
    session.flush()
    assert announce_phase(session, plan=world.plan, settings=settings) == 2
    told = _told(session, notice_key(world.plan.id, "positions", 1))
    assert told == {world.users["contact1"].id, world.users["contact2"].id}
    assert gone.id not in told
    assert announce_phase(session, plan=world.plan, settings=settings) == 0  # once only
    notice = session.scalar(select(Notice).where(Notice.user_id == world.users["contact1"].id))
    assert notice is not None
    assert notice.kind == "placement_phase"
    assert world.plan.name in notice.subject


def test_student_ranking_tells_the_eligible_students(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    junior = add_user(session, Role.STUDENT, world.college, student_id=world.juniors[0].id)
    world.plan.phase = "student_ranking"
    assert announce_phase(session, plan=world.plan, settings=settings) == 1
    told = _told(session, notice_key(world.plan.id, "student_ranking", 1))
    assert told == {world.users["student"].id}
    assert junior.id not in told  # a first-year: not eligible


def test_host_ranking_tells_hosts_with_published_positions(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    world.positions[2].status = "withdrawn"
    world.plan.phase = "host_ranking"
    session.flush()
    announce_phase(session, plan=world.plan, settings=settings)
    told = _told(session, notice_key(world.plan.id, "host_ranking", 1))
    assert told == {world.users["contact1"].id}


def test_allocation_tells_the_office(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    world.plan.phase = "allocation"
    announce_phase(session, plan=world.plan, settings=settings)
    told = _told(session, notice_key(world.plan.id, "allocation", 1))
    assert told == {world.users["office"].id}
    notice = session.scalar(select(Notice).where(Notice.user_id == world.users["office"].id))
    assert notice is not None
    assert notice.link.endswith("/rounds")


def test_results_tell_the_round_s_students_and_hosts(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    other = add_student(session, world.senior)
    other_user = add_user(session, Role.STUDENT, world.college, student_id=other.id)
    found = AllocationRound(
        college_id=world.college.id, plan_id=world.plan.id, number=1, status="published"
    )
    session.add(found)
    session.flush()
    session.add_all(
        [
            RoundAssignment(
                college_id=world.college.id,
                round_id=found.id,
                student_id=world.seniors[0].id,
                position_id=world.positions[2].id,
            ),
            RoundAssignment(college_id=world.college.id, round_id=found.id, student_id=other.id),
        ]
    )
    world.plan.phase = "results"
    session.flush()
    assert announce_phase(session, plan=world.plan, settings=settings) == 3
    told = _told(session, notice_key(world.plan.id, "results", 1))
    assert told == {world.users["student"].id, other_user.id, world.users["contact2"].id}


def test_a_second_round_tells_only_the_unplaced(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    other = add_student(session, world.senior)
    other_user = add_user(session, Role.STUDENT, world.college, student_id=other.id)
    found = AllocationRound(
        college_id=world.college.id, plan_id=world.plan.id, number=1, status="published"
    )
    session.add(found)
    session.flush()
    session.add(
        RoundAssignment(
            college_id=world.college.id,
            round_id=found.id,
            student_id=world.seniors[0].id,
            position_id=world.positions[0].id,
        )
    )
    world.plan.phase = "student_ranking"
    session.flush()
    announce_phase(session, plan=world.plan, settings=settings)
    assert _told(session, notice_key(world.plan.id, "student_ranking", 2)) == {other_user.id}


def test_draft_and_closed_tell_no_one(
    session: Session, world: PlacementWorld, settings: Settings
) -> None:
    for phase in ("draft", "closed"):
        world.plan.phase = phase
        assert announce_phase(session, plan=world.plan, settings=settings) == 0
