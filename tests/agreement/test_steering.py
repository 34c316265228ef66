"""The joint steering body's service: one per partnership, framework, members, meetings,
reviews that move the next review date, who may manage it, and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement import steering
from tandem.agreement.models import SteeringBody
from tandem.agreement.schemas import (
    SteeringBodyCreate,
    SteeringBodyUpdate,
    SteeringMeetingCreate,
    SteeringMemberCreate,
)
from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.kit.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed
from tandem.partner.models import Partnership
from tests.agreement.helpers import make_agreement, partnership_for
from tests.factories import make_college, make_department
from tests.partner.helpers import college_actor, contact_actor

SET_UP = date(2025, 3, 1)


@dataclass
class World:
    college: College
    department: Department
    partnership: Partnership
    office: Actor


@pytest.fixture
def world(session: Session) -> World:
    college = make_college(session)
    department = make_department(session, college)
    partnership = partnership_for(session, college, department)
    return World(college, department, partnership, college_actor(session, college))


def new_body(
    session: Session, world: World, actor: Actor | None = None, **fields: object
) -> SteeringBody:
    values: dict[str, object] = {
        "partnership_id": world.partnership.id,
        "name": "Cooperation council",
        "established_on": SET_UP,
        **fields,
    }
    return steering.create_body(
        session, actor=actor or world.office, data=SteeringBodyCreate.model_validate(values)
    )


def meeting(
    session: Session, world: World, body: SteeringBody, held_on: date, *, review: bool = False
) -> None:
    steering.add_meeting(
        session,
        actor=world.office,
        body=body,
        data=SteeringMeetingCreate(held_on=held_on, title=f"Meeting {held_on}", is_review=review),
    )


def audit_actions(session: Session, body: SteeringBody) -> list[str]:
    stmt = (
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "steering_body", AuditEntry.entity_id == str(body.id))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(stmt))


def test_a_body_gets_its_first_review_date_from_the_interval(
    session: Session, world: World
) -> None:
    body = new_body(session, world, review_every_months=6)
    assert (body.college_id, body.partnership_id) == (world.college.id, world.partnership.id)
    assert body.next_review_on == date(2025, 9, 1)
    planned = new_body(
        session,
        World(
            world.college,
            world.department,
            partnership_for(session, world.college),
            world.office,
        ),
        next_review_on=date(2025, 5, 20),
    )
    assert planned.next_review_on == date(2025, 5, 20)


def test_one_body_per_partnership(session: Session, world: World) -> None:
    new_body(session, world)
    with pytest.raises(Conflict) as caught:
        new_body(session, world, name="Second council")
    assert caught.value.code == "duplicate"


def test_the_framework_must_be_a_framework_agreement_of_the_same_partnership(
    session: Session, world: World
) -> None:
    mode_agreement = make_agreement(session, world.partnership, modes=(1,))
    elsewhere = make_agreement(
        session, partnership_for(session, world.college), modes=(), kind="framework"
    )
    for wrong in (mode_agreement.id, elsewhere.id, 999_999):
        with pytest.raises(ValidationFailed) as caught:
            new_body(session, world, framework_id=wrong)
        assert caught.value.errors[0].field == "framework_id"
    framework = make_agreement(session, world.partnership, modes=(), kind="framework")
    body = new_body(session, world, framework_id=framework.id)
    assert body.framework_id == framework.id
    steering.update_body(
        session, actor=world.office, body=body, data=SteeringBodyUpdate(framework_id=None)
    )
    assert body.framework_id is None
    with pytest.raises(ValidationFailed):
        steering.update_body(
            session,
            actor=world.office,
            body=body,
            data=SteeringBodyUpdate(framework_id=mode_agreement.id),
        )


def test_a_partnership_of_another_college_is_refused(session: Session, world: World) -> None:
    other = partnership_for(session, make_college(session))
    with pytest.raises(ValidationFailed) as caught:
        steering.create_body(
            session,
            actor=world.office,
            data=SteeringBodyCreate(partnership_id=other.id, name="X", established_on=SET_UP),
        )
    assert caught.value.errors[0].field == "partnership_id"


def test_dates_out_of_order_are_refused(session: Session, world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_body(session, world, next_review_on=date(2025, 1, 1))
    assert caught.value.errors[0].field == "next_review_on"
    body = new_body(session, world)
    with pytest.raises(ValidationFailed) as before:
        meeting(session, world, body, date(2025, 2, 28))
    assert (before.value.errors[0].field, before.value.code) == ("held_on", "before_established")
    assert body.meetings == []
    meeting(session, world, body, date(2025, 4, 1))
    with pytest.raises(ValidationFailed) as moved:
        steering.update_body(
            session,
            actor=world.office,
            body=body,
            data=SteeringBodyUpdate(established_on=date(2025, 5, 1)),
        )
    assert moved.value.errors[0].field == "established_on"


def test_a_review_meeting_moves_the_next_review_on(session: Session, world: World) -> None:
    body = new_body(session, world, review_every_months=6)
    assert body.next_review_on == date(2025, 9, 1)
    meeting(session, world, body, date(2025, 4, 10))
    assert body.next_review_on == date(2025, 9, 1), "an ordinary meeting moves nothing"
    meeting(session, world, body, date(2025, 8, 31), review=True)
    assert body.next_review_on == date(2026, 2, 28)
    meeting(session, world, body, date(2025, 6, 15), review=True)
    assert body.next_review_on == date(2026, 2, 28), "an older review does not move it back"
    latest = next(m for m in body.meetings if m.held_on == date(2025, 8, 31))
    steering.delete_meeting(session, actor=world.office, body=body, meeting=latest)
    assert body.next_review_on == date(2025, 12, 15), "set again from the review before"
    earlier = next(m for m in body.meetings if m.held_on == date(2025, 6, 15))
    steering.delete_meeting(session, actor=world.office, body=body, meeting=earlier)
    assert body.next_review_on == date(2025, 9, 1), "no review left: from the set-up date"
    assert [m.held_on for m in body.meetings] == [date(2025, 4, 10)]


def test_members_from_both_sides(session: Session, world: World) -> None:
    body = new_body(session, world)
    wang = steering.add_member(
        session,
        actor=world.office,
        body=body,
        data=SteeringMemberCreate(name="Wang", side="college", position="Vice principal"),
    )
    steering.add_member(
        session,
        actor=world.office,
        body=body,
        data=SteeringMemberCreate(name="Li", side="enterprise"),
    )
    assert [(m.name, m.side) for m in body.members] == [
        ("Wang", "college"),
        ("Li", "enterprise"),
    ]
    other = new_body(
        session,
        World(
            world.college, world.department, partnership_for(session, world.college), world.office
        ),
    )
    with pytest.raises(ValidationFailed):
        steering.remove_member(session, actor=world.office, body=other, member=wang)
    steering.remove_member(session, actor=world.office, body=body, member=wang)
    assert [m.name for m in body.members] == ["Li"]


def test_only_the_office_and_the_partnerships_coordinator_manage(
    session: Session, world: World
) -> None:
    elsewhere = make_department(session, world.college)
    stranger = college_actor(session, world.college, Role.DEPARTMENT_COORDINATOR, elsewhere)
    own = college_actor(session, world.college, Role.DEPARTMENT_COORDINATOR, world.department)
    teacher = college_actor(session, world.college, Role.TEACHER)
    contact = contact_actor(session, world.partnership.enterprise)
    for actor in (stranger, teacher):
        with pytest.raises(PermissionDenied):
            new_body(session, world, actor=actor)
    body = new_body(session, world, actor=own)
    assert steering.can_manage(own, world.partnership)
    for actor in (stranger, teacher, contact):
        assert not steering.can_manage(actor, world.partnership)
        with pytest.raises(PermissionDenied):
            steering.add_member(
                session,
                actor=actor,
                body=body,
                data=SteeringMemberCreate(name="X", side="college"),
            )
    meeting_data = SteeringMeetingCreate(held_on=SET_UP, title="X")
    with pytest.raises(PermissionDenied):
        steering.add_meeting(session, actor=stranger, body=body, data=meeting_data)
    with pytest.raises(PermissionDenied):
        steering.update_body(
            session, actor=stranger, body=body, data=SteeringBodyUpdate(name="Renamed")
        )
    other_office = college_actor(session, make_college(session))
    assert not steering.can_manage(other_office, world.partnership)


def test_a_stale_edit_is_refused(session: Session, world: World) -> None:
    body = new_body(session, world)
    steering.update_body(
        session, actor=world.office, body=body, data=SteeringBodyUpdate(name="New", version=1)
    )
    assert (body.name, body.version) == ("New", 2)
    with pytest.raises(StaleVersion):
        steering.update_body(
            session, actor=world.office, body=body, data=SteeringBodyUpdate(name="Lost", version=1)
        )


def test_every_change_is_audited(session: Session, world: World) -> None:
    body = new_body(session, world)
    member = steering.add_member(
        session,
        actor=world.office,
        body=body,
        data=SteeringMemberCreate(name="Wang", side="college"),
    )
    meeting(session, world, body, date(2025, 6, 1), review=True)
    steering.update_body(
        session, actor=world.office, body=body, data=SteeringBodyUpdate(name="Renamed")
    )
    steering.update_body(
        session, actor=world.office, body=body, data=SteeringBodyUpdate(name="Renamed")
    )
    steering.remove_member(session, actor=world.office, body=body, member=member)
    steering.delete_meeting(session, actor=world.office, body=body, meeting=body.meetings[0])
    assert audit_actions(session, body) == [
        "create",
        "add_member",
        "meeting",
        "update",
        "remove_member",
        "delete_meeting",
    ]
    review = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "meeting", AuditEntry.entity_id == str(body.id)
        )
    ).one()
    assert review.changes["next_review_on"] == ["2026-03-01", "2026-06-01"]
    assert review.college_id == world.college.id
