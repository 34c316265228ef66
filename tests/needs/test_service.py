"""The needs service: dated versions and their comparison, who may record needs and read advice,
the college's offer with its version check, and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.advisor.core import Advice
from tandem.advisor.teachers import Suggestion, TeacherCard
from tandem.audit.models import AuditEntry
from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.kit.dates import local_today
from tandem.kit.errors import PermissionDenied, StaleVersion, ValidationFailed
from tandem.kit.i18n import set_language
from tandem.needs import service
from tandem.needs.models import NeedsProfile
from tandem.needs.schemas import (
    NeedsCreate,
    NeedsData,
    OfferData,
    OfferUpdate,
    OfferVenue,
    RndNeed,
    StaffTrainingNeed,
    TalentNeed,
    VenueKind,
)
from tandem.partner.models import Partnership, PartnershipStatus
from tests.factories import ACTOR, make_college, make_department
from tests.partner.helpers import (
    college_actor,
    contact_actor,
    make_enterprise,
    make_partnership,
    make_teacher,
    platform_actor,
)


@dataclass
class World:
    college: College
    department: Department
    partnership: Partnership
    office: Actor
    coordinator: Actor
    stranger_coordinator: Actor  # same college, another department
    teacher: Actor
    contact: Actor
    other_contact: Actor  # another enterprise's
    other_office: Actor  # another college's
    platform: Actor


@pytest.fixture
def world(session: Session) -> World:
    college, other = make_college(session), make_college(session, region_code="130100")
    department, elsewhere = make_department(session, college), make_department(session, college)
    enterprise = make_enterprise(session, name="Pearl River Robotics")
    partnership = make_partnership(session, college, enterprise, department)
    return World(
        college=college,
        department=department,
        partnership=partnership,
        office=college_actor(session, college),
        coordinator=college_actor(session, college, Role.DEPARTMENT_COORDINATOR, department),
        stranger_coordinator=college_actor(
            session, college, Role.DEPARTMENT_COORDINATOR, elsewhere
        ),
        teacher=college_actor(session, college, Role.TEACHER),
        contact=contact_actor(session, enterprise),
        other_contact=contact_actor(session, make_enterprise(session)),
        other_office=college_actor(session, other),
        platform=platform_actor(session),
    )


def profile(**needs: Any) -> NeedsCreate:
    return NeedsCreate(needs=NeedsData.model_validate(needs))


def count_versions(session: Session, partnership: Partnership) -> int:
    stmt = select(func.count()).where(NeedsProfile.partnership_id == partnership.id)
    return session.scalar(stmt) or 0


def audit_entries(session: Session, entity_type: str) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id)
    return list(session.scalars(stmt))


# --- versions ------------------------------------------------------------------------------------


def test_each_save_is_a_new_numbered_version_newest_first(session: Session, world: World) -> None:
    p = world.partnership
    first = service.record_needs(
        session, actor=world.office, partnership=p, data=profile(talent={"importance": 2})
    )
    second = service.record_needs(
        session, actor=world.contact, partnership=p, data=profile(talent={"importance": 3})
    )
    third = service.record_needs(
        session, actor=world.coordinator, partnership=p, data=profile(note="Third")
    )
    assert [v.number for v in service.versions(session, partnership=p)] == [3, 2, 1]
    assert service.latest(session, partnership=p) is third
    assert service.version(session, partnership=p, number=2) is second
    assert service.version(session, partnership=p, number=9) is None
    assert (first.source, second.source, third.source) == ("college", "enterprise", "college")
    assert second.recorded_by_user_id == world.contact.user_id
    assert second.recorded_by_label == world.contact.display_name
    assert first.recorded_on == local_today()
    assert first.college_id == world.college.id
    # The old versions are kept as they were.
    assert first.needs["talent"]["importance"] == 2
    assert second.needs["talent"]["importance"] == 3


def test_versions_are_numbered_per_partnership(session: Session, world: World) -> None:
    other = make_partnership(session, world.college, make_enterprise(session), world.department)
    service.record_needs(session, actor=world.office, partnership=world.partnership, data=profile())
    service.record_needs(session, actor=world.office, partnership=world.partnership, data=profile())
    only = service.record_needs(session, actor=world.office, partnership=other, data=profile())
    assert only.number == 1
    assert service.latest(session, partnership=other) is only


def test_a_past_date_is_kept_and_a_future_one_refused(session: Session, world: World) -> None:
    p = world.partnership
    past = local_today() - timedelta(days=30)
    data = NeedsCreate(needs=NeedsData(), recorded_on=past)
    assert (
        service.record_needs(session, actor=world.office, partnership=p, data=data).recorded_on
        == past
    )
    future = NeedsCreate(needs=NeedsData(), recorded_on=local_today() + timedelta(days=1))
    with pytest.raises(ValidationFailed) as error:
        service.record_needs(session, actor=world.office, partnership=p, data=future)
    assert [e.field for e in error.value.errors] == ["recorded_on"]
    assert count_versions(session, p) == 1


def test_recording_is_audited_with_the_enterprise_name(session: Session, world: World) -> None:
    saved = service.record_needs(
        session,
        actor=world.contact,
        partnership=world.partnership,
        data=profile(talent={"importance": 3, "headcount": 12}),
    )
    (entry,) = audit_entries(session, "needs_profile")
    assert (entry.action, entry.entity_id, entry.summary) == (
        "create",
        str(saved.id),
        "Pearl River Robotics",
    )
    assert entry.college_id == world.college.id
    assert entry.actor_user_id == world.contact.user_id
    assert entry.changes["number"] == [None, 1]
    assert entry.changes["needs"][1]["talent"]["headcount"] == 12


# --- comparing -----------------------------------------------------------------------------------


def test_compare_names_exactly_the_changed_paths(session: Session, world: World) -> None:
    p = world.partnership
    older = service.record_needs(
        session,
        actor=world.office,
        partnership=p,
        data=profile(talent={"importance": 2, "majors": ["CNC"], "headcount": 10}),
    )
    newer = service.record_needs(
        session,
        actor=world.office,
        partnership=p,
        data=profile(
            talent={"importance": 2, "majors": ["CNC", "Welding"], "headcount": 25},
            rnd={"importance": 1, "problems": ["Burr on cast parts"]},
            note="After the spring visit",
        ),
    )
    changes = service.compare(older, newer)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("talent.majors", ["CNC"], ["CNC", "Welding"]),
        ("talent.headcount", 10, 25),
        ("rnd.importance", 0, 1),
        ("rnd.problems", [], ["Burr on cast parts"]),
        ("note", "", "After the spring visit"),
    ]
    assert service.compare(newer, newer) == []
    # Backwards, the same paths with before and after swapped.
    assert [(c.path, c.before, c.after) for c in service.compare(newer, older)][1] == (
        "talent.headcount",
        25,
        10,
    )


# --- who may record needs and read advice --------------------------------------------------------


def test_who_may_record_needs(session: Session, world: World) -> None:
    p = world.partnership
    may = {
        "office": world.office,
        "coordinator": world.coordinator,
        "contact": world.contact,
        "platform": world.platform,
        "system": ACTOR,
    }
    may_not = {
        "stranger_coordinator": world.stranger_coordinator,
        "teacher": world.teacher,
        "other_contact": world.other_contact,
        "other_office": world.other_office,
    }
    assert {name for name, a in may.items() if service.can_edit_needs(a, p)} == set(may)
    assert {name for name, a in may_not.items() if service.can_edit_needs(a, p)} == set()
    for actor in may_not.values():
        with pytest.raises(PermissionDenied):
            service.record_needs(session, actor=actor, partnership=p, data=profile())
    assert count_versions(session, p) == 0


def test_an_ended_partnership_takes_no_new_needs(session: Session, world: World) -> None:
    world.partnership.status = PartnershipStatus.ENDED
    session.flush()
    assert not service.can_edit_needs(world.office, world.partnership)
    assert not service.can_edit_needs(world.contact, world.partnership)
    with pytest.raises(PermissionDenied):
        service.record_needs(
            session, actor=world.office, partnership=world.partnership, data=profile()
        )


def test_advice_stays_inside_the_college(session: Session, world: World) -> None:
    p = world.partnership
    readers = [world.office, world.coordinator, world.stranger_coordinator, world.teacher]
    assert all(service.can_read_advice(a, p) for a in [*readers, world.platform])
    assert not any(
        service.can_read_advice(a, p)
        for a in (world.contact, world.other_contact, world.other_office)
    )
    for actor in (world.contact, world.other_office):
        with pytest.raises(PermissionDenied):
            service.advice_for(session, actor=actor, partnership=p)


# --- the college's offer -------------------------------------------------------------------------


def offer(idle: int, note: str = "") -> OfferUpdate:
    venue = OfferVenue(name="Simulated site", kind=VenueKind.SIMULATED_SITE, idle_pct=idle)
    return OfferUpdate(offer=OfferData(venues=[venue], note=note))


def test_offer_is_saved_then_edited_against_its_version(session: Session, world: World) -> None:
    cid = world.college.id
    assert service.get_offer(session, college_id=cid) is None
    assert service.offer_data(session, college_id=cid) == OfferData()
    created = service.save_offer(session, actor=world.office, college_id=cid, data=offer(60))
    assert (created.version, created.updated_by_label) == (1, world.office.display_name)
    updated = service.save_offer(
        session,
        actor=world.office,
        college_id=cid,
        data=OfferUpdate(offer=offer(40).offer, version=1),
    )
    assert updated is created
    assert updated.version == 2
    assert service.offer_data(session, college_id=cid).venues[0].idle_pct == 40
    with pytest.raises(StaleVersion):
        service.save_offer(
            session,
            actor=world.office,
            college_id=cid,
            data=OfferUpdate(offer=offer(10).offer, version=1),
        )
    session.expire_all()
    assert service.offer_data(session, college_id=cid).venues[0].idle_pct == 40
    first, second = audit_entries(session, "college_offer")
    assert (first.action, second.action) == ("create", "update")
    assert first.college_id == second.college_id == cid
    before, after = second.changes["offer"]
    assert (before["venues"][0]["idle_pct"], after["venues"][0]["idle_pct"]) == (60, 40)


def test_only_the_office_edits_its_own_offer(session: Session, world: World) -> None:
    cid = world.college.id
    for actor in (world.coordinator, world.teacher, world.contact, world.other_office):
        with pytest.raises(PermissionDenied):
            service.save_offer(session, actor=actor, college_id=cid, data=offer(50))
    assert service.get_offer(session, college_id=cid) is None
    saved = service.save_offer(session, actor=world.platform, college_id=cid, data=offer(50))
    assert saved.college_id == cid


# --- advice --------------------------------------------------------------------------------------


def test_teacher_cards_are_the_active_teachers_with_subjects(
    session: Session, world: World
) -> None:
    college, department = world.college, world.department
    keen = make_teacher(
        session, college, department, name="Wang Fang", subjects="数控加工, 机械设计"
    )
    make_teacher(session, college, department, name="No Subjects")
    make_teacher(session, college, department, name="Left", subjects="焊接", status="left")
    elsewhere = make_college(session)
    make_teacher(session, elsewhere, make_department(session, elsewhere), subjects="数控加工")
    set_language("en")
    cards = service.teacher_cards(session, college_id=college.id)
    assert cards == [TeacherCard(keen.id, "Wang Fang", department.name_en, "数控加工, 机械设计")]
    set_language("zh_CN")
    assert service.teacher_cards(session, college_id=college.id)[0].department == department.name_zh


def test_advice_uses_the_latest_needs_and_only_the_needs_that_matter(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring: the latest version and the college's offer go to the advisor; the R&D problems
    and training topics go to teacher matching only when the need has some importance."""
    seen: dict[str, Any] = {}

    def fake_advise(needs: NeedsData, offer_data: OfferData) -> list[Advice]:
        seen["needs"], seen["offer"] = needs, offer_data
        return [Advice("mode_7", 7, 80, (), (), {})]

    def fake_suggest(**kwargs: Any) -> list[Suggestion]:
        seen["teachers"] = kwargs
        return []

    monkeypatch.setattr(service, "advise", fake_advise)
    monkeypatch.setattr(service, "suggest_teachers", fake_suggest)
    p = world.partnership
    empty = service.advice_for(session, actor=world.teacher, partnership=p)
    assert (empty.profile, empty.needs, empty.offer) == (None, NeedsData(), OfferData())
    service.save_offer(session, actor=world.office, college_id=world.college.id, data=offer(60))
    service.record_needs(session, actor=world.office, partnership=p, data=profile())
    latest = service.record_needs(
        session,
        actor=world.office,
        partnership=p,
        data=NeedsCreate(
            needs=NeedsData(
                talent=TalentNeed(importance=1),
                staff_training=StaffTrainingNeed(importance=2, topics=["PLC"]),
                rnd=RndNeed(importance=0, problems=["Ignored while unimportant"]),
            )
        ),
    )
    result = service.advice_for(session, actor=world.coordinator, partnership=p)
    assert result.profile is latest
    assert seen["needs"].staff_training.topics == ["PLC"]
    assert seen["offer"].venues[0].idle_pct == 60
    assert seen["teachers"]["rnd"] == []
    assert seen["teachers"]["staff_training"] == ["PLC"]
    assert [a.option for a in result.advice] == ["mode_7"]
