"""Partnerships: one per college and enterprise, the status life cycle, scope and notes."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.pagination import ListParams
from tandem.partner import partnerships, repository, service
from tandem.partner.labels import status_label
from tandem.partner.models import Enterprise, Partnership, PartnershipStatus
from tandem.partner.partnerships import TRANSITIONS
from tandem.partner.repository import PartnershipFilter
from tandem.partner.schemas import PartnershipCreate, PartnershipUpdate, StatusChange
from tandem.people.models import TeacherStatus
from tests.factories import ACTOR, make_college, make_department
from tests.partner.helpers import (
    college_actor,
    contact_actor,
    make_enterprise,
    make_partnership,
    make_teacher,
    platform_actor,
)

S = PartnershipStatus
ALLOWED = {
    (S.PROSPECT, S.VETTING),
    (S.PROSPECT, S.ENDED),
    (S.VETTING, S.ACTIVE),
    (S.VETTING, S.ENDED),
    (S.ACTIVE, S.DORMANT),
    (S.ACTIVE, S.ENDED),
    (S.DORMANT, S.ACTIVE),
    (S.DORMANT, S.ENDED),
    (S.ENDED, S.PROSPECT),
}


@pytest.fixture
def college(session: Session) -> College:
    return make_college(session)


@pytest.fixture
def department(session: Session, college: College) -> Department:
    return make_department(session, college)


@pytest.fixture
def enterprise(session: Session) -> Enterprise:
    return make_enterprise(session, name="Pearl River Robotics")


def test_the_table_is_the_one_asked_for() -> None:
    assert {(a, b) for a, nexts in TRANSITIONS.items() for b in nexts} == ALLOWED


def test_start_a_partnership_with_department_manager_and_tags(
    session: Session, college: College, department: Department, enterprise: Enterprise
) -> None:
    teacher = make_teacher(session, college, department, name="Zhang Wei")
    actor = college_actor(session, college)
    partnership = partnerships.create_partnership(
        session,
        actor=actor,
        data=PartnershipCreate(
            enterprise_id=enterprise.id,
            department_id=department.id,
            account_manager_id=teacher.id,
            tags="机器人, order class，机器人",
            notes="Keen on apprentices",
        ),
    )
    assert (partnership.college_id, partnership.status) == (college.id, "prospect")
    assert partnership.tags == ["机器人", "order class"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "partnership")).one()
    assert (entry.action, entry.college_id) == ("create", college.id)


def test_one_partnership_per_college_and_enterprise(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    first = make_partnership(session, college, enterprise)
    make_partnership(session, make_college(session), enterprise)  # another college may
    with pytest.raises(partnerships.Duplicate) as caught:
        make_partnership(session, college, enterprise)
    assert caught.value.existing_id == first.id
    assert caught.value.existing_url == f"/partnerships/{first.id}"
    assert caught.value.errors[0].field == "enterprise_id"


@pytest.mark.parametrize(
    ("field", "make_value", "code"),
    [
        ("department_id", "other_department", "unknown_record"),
        ("account_manager_id", "other_teacher", "unknown_record"),
        ("account_manager_id", "teacher_who_left", "teacher_left"),
        ("enterprise_id", "unknown_enterprise", "unknown_record"),
        ("status", "ended", "invalid_initial_status"),
        ("start_date", "active_without_start", "start_date_required"),
    ],
)
def test_what_a_new_partnership_must_satisfy(
    session: Session,
    college: College,
    department: Department,
    enterprise: Enterprise,
    field: str,
    make_value: str,
    code: str,
) -> None:
    other = make_college(session)
    other_department = make_department(session, other)
    fields: dict[str, object] = {"enterprise_id": enterprise.id, "college_id": college.id}
    if make_value == "other_department":
        fields["department_id"] = other_department.id
    elif make_value == "other_teacher":
        fields["account_manager_id"] = make_teacher(session, other, other_department).id
    elif make_value == "teacher_who_left":
        teacher = make_teacher(session, college, department, status=TeacherStatus.LEFT)
        fields["account_manager_id"] = teacher.id
    elif make_value == "unknown_enterprise":
        fields["enterprise_id"] = 999_999
    elif make_value == "ended":
        fields["status"] = "ended"
    else:
        fields["status"] = "active"
    with pytest.raises(ValidationFailed) as caught:
        partnerships.create_partnership(session, actor=ACTOR, data=PartnershipCreate(**fields))
    assert (caught.value.errors[0].field, caught.value.errors[0].code) == (field, code)


def test_which_college_a_partnership_belongs_to(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    other = make_college(session)
    with pytest.raises(ValidationFailed) as missing:
        partnerships.create_partnership(
            session,
            actor=platform_actor(session),
            data=PartnershipCreate(enterprise_id=enterprise.id),
        )
    assert missing.value.errors[0].field == "college_id"
    with pytest.raises(ValidationFailed) as foreign:
        partnerships.create_partnership(
            session,
            actor=college_actor(session, college),
            data=PartnershipCreate(enterprise_id=enterprise.id, college_id=other.id),
        )
    assert foreign.value.errors[0].code == "own_college_only"


def test_an_archived_enterprise_takes_no_new_partnership(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    service.archive_enterprise(session, actor=ACTOR, enterprise=enterprise)
    with pytest.raises(ValidationFailed) as caught:
        make_partnership(session, college, enterprise)
    assert caught.value.errors[0].code == "archived"


def test_coordinators_manage_their_own_department_only(
    session: Session, college: College, department: Department, enterprise: Enterprise
) -> None:
    coordinator = college_actor(session, college, Role.DEPARTMENT_COORDINATOR, department)
    own = partnerships.create_partnership(
        session, actor=coordinator, data=PartnershipCreate(enterprise_id=enterprise.id)
    )
    assert own.department_id == department.id
    elsewhere = make_partnership(
        session, college, make_enterprise(session), make_department(session, college)
    )
    with pytest.raises(PermissionDenied):
        partnerships.update_partnership(
            session, actor=coordinator, partnership=elsewhere, data=PartnershipUpdate(notes="x")
        )
    with pytest.raises(PermissionDenied):
        partnerships.update_partnership(
            session, actor=coordinator, partnership=own, data=PartnershipUpdate(department_id=None)
        )
    with pytest.raises(PermissionDenied):
        partnerships.change_status(
            session, actor=coordinator, partnership=elsewhere, data=StatusChange(status="vetting")
        )


@pytest.mark.parametrize(("current", "wanted"), list(product(S, S)), ids=lambda s: s.value)
def test_every_transition(
    session: Session,
    college: College,
    enterprise: Enterprise,
    current: PartnershipStatus,
    wanted: PartnershipStatus,
) -> None:
    partnership = make_partnership(session, college, enterprise, start_date=date(2024, 3, 1))
    partnership.status = current
    partnership.ended_reason = "Closed down" if current == S.ENDED else ""
    session.flush()
    data = StatusChange(status=wanted, reason="Moved away", version=partnership.version)
    if (current, wanted) in ALLOWED:
        partnerships.change_status(session, actor=ACTOR, partnership=partnership, data=data)
        assert partnership.status == wanted
        assert partnership.ended_reason == ("Moved away" if wanted == S.ENDED else "")
    else:
        with pytest.raises(Conflict) as caught:
            partnerships.change_status(session, actor=ACTOR, partnership=partnership, data=data)
        error = caught.value
        assert error.code == "invalid_transition"
        assert error.errors[0].field == "status"
        allowed = [b for a, b in sorted(ALLOWED) if a == current]
        message = error.localised()
        for status in allowed:
            assert status_label(status) in message
        assert partnership.status == current


def test_becoming_active_needs_a_start_date_and_ending_a_reason(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    partnership = make_partnership(session, college, enterprise, status="vetting")
    with pytest.raises(ValidationFailed) as no_start:
        partnerships.change_status(
            session, actor=ACTOR, partnership=partnership, data=StatusChange(status="active")
        )
    assert no_start.value.errors[0].field == "start_date"
    partnerships.change_status(
        session,
        actor=ACTOR,
        partnership=partnership,
        data=StatusChange(status="active", start_date=date(2024, 9, 1)),
    )
    assert partnership.start_date == date(2024, 9, 1)
    with pytest.raises(ValidationFailed) as cleared:
        partnerships.update_partnership(
            session, actor=ACTOR, partnership=partnership, data=PartnershipUpdate(start_date=None)
        )
    assert cleared.value.errors[0].field == "start_date"
    partnerships.change_status(
        session, actor=ACTOR, partnership=partnership, data=StatusChange(status="dormant")
    )
    with pytest.raises(ValidationFailed) as no_reason:
        partnerships.change_status(
            session, actor=ACTOR, partnership=partnership, data=StatusChange(status="ended")
        )
    assert no_reason.value.errors[0].field == "reason"


def test_the_status_timeline_comes_from_the_audit_log_without_notes(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    partnership = make_partnership(session, college, enterprise, notes="secret margin")
    steps = [
        StatusChange(status="vetting"),
        StatusChange(status="ended", reason="No budget"),
        StatusChange(status="prospect"),
    ]
    for step in steps:
        partnerships.change_status(session, actor=ACTOR, partnership=partnership, data=step)
    partnerships.update_partnership(
        session, actor=ACTOR, partnership=partnership, data=PartnershipUpdate(notes="new secret")
    )
    timeline = repository.status_timeline(session, partnership=partnership)
    assert [(t.from_status, t.to_status) for t in timeline] == [
        (None, "prospect"),
        ("prospect", "vetting"),
        ("vetting", "ended"),
        ("ended", "prospect"),
    ]
    assert timeline[2].reason == "No budget"
    assert "secret" not in repr(timeline)
    assert partnership.ended_reason == ""


def test_update_audits_changes_and_clears_optional_fields(
    session: Session, college: College, department: Department, enterprise: Enterprise
) -> None:
    partnership = make_partnership(session, college, enterprise, department, tags=["a"])
    partnerships.update_partnership(
        session,
        actor=ACTOR,
        partnership=partnership,
        data=PartnershipUpdate(department_id=None, tags=["b", "b"], notes="n", version=1),
    )
    assert (partnership.department_id, partnership.tags, partnership.notes) == (None, ["b"], "n")
    entry = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.entity_type == "partnership"
        )
    ).one()
    assert entry.changes["tags"] == [["a"], ["b"]]


def test_scope_colleges_see_theirs_contacts_their_enterprises(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    other = make_college(session)
    ours = make_partnership(session, college, enterprise)
    theirs = make_partnership(session, other, enterprise)
    elsewhere = make_partnership(session, college, make_enterprise(session))
    teacher = college_actor(session, college, Role.TEACHER)
    seen = repository.list_partnerships(session, actor=teacher, params=ListParams())
    assert {p.id for p in seen.items} == {ours.id, elsewhere.id}
    with pytest.raises(NotFound):
        repository.get_partnership(session, actor=teacher, partnership_id=theirs.id)
    contact = contact_actor(session, enterprise)
    seen = repository.list_partnerships(session, actor=contact, params=ListParams())
    assert {p.id for p in seen.items} == {ours.id, theirs.id}
    assert not partnerships.can_see_notes(contact, ours)
    assert partnerships.can_see_notes(teacher, ours)
    assert not partnerships.can_see_notes(college_actor(session, other), ours)


def _ids(session: Session, college: College, **filters: object) -> set[int]:
    page = repository.list_partnerships(
        session,
        actor=college_actor(session, college),
        params=ListParams(q=str(filters.pop("q", ""))),
        filters=PartnershipFilter(**filters),  # type: ignore[arg-type]
    )
    return {p.id for p in page.items}


def test_filters_by_status_department_tag_and_search_skips_notes(
    session: Session, college: College, department: Department
) -> None:
    robots = make_partnership(
        session,
        college,
        make_enterprise(session, name="Robots Ltd"),
        department,
        tags=["机器人", "订单班"],
        notes="Contact via Mr Zhou",
    )
    steel = make_partnership(
        session,
        college,
        make_enterprise(session, name="Steel Ltd"),
        status="vetting",
        tags=["机器"],
    )
    assert _ids(session, college, status="vetting") == {steel.id}
    assert _ids(session, college, department_id=department.id) == {robots.id}
    assert _ids(session, college, tag="机器人") == {robots.id}
    assert _ids(session, college, tag="机器") == {steel.id}
    assert _ids(session, college, q="robots") == {robots.id}
    assert _ids(session, college, q="Zhou") == set()


def test_partnerships_of_an_enterprise_for_its_page(
    session: Session, college: College, enterprise: Enterprise
) -> None:
    ours = make_partnership(session, college, enterprise)
    make_partnership(session, make_college(session), enterprise)
    actor = college_actor(session, college)
    assert list(repository.partnerships_of(session, actor=actor, enterprise=enterprise)) == [ours]
    found = repository.college_partnerships(session, actor=actor, enterprise_ids=[enterprise.id])
    assert found == {enterprise.id: ours}
    assert isinstance(found[enterprise.id], Partnership)
