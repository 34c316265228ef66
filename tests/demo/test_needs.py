"""The demo's needs profiles and offers: the demo college's offer (consistent with its teachers
and majors), profiles on many partnerships with versions to compare and one from the enterprise
side, the second college's own, idempotence, and the advisor ranking every option first for
some partnership."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.advisor.core import OPTIONS, advise
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.college.models import College
from tandem.demo import DEMO_CODE, SECOND_CODE, build_demo
from tandem.demo.needs import next_terms, planned_partnerships
from tandem.kit.dates import local_today
from tandem.needs import service
from tandem.needs.models import CollegeOffer, NeedsProfile
from tandem.needs.schemas import NeedsData, OfferData, VenueKind
from tandem.partner.models import Partnership
from tandem.people.models import Major, Teacher

DEMO = Actor.system("demo")


def _college(session: Session, code: str) -> College:
    college = session.scalar(select(College).where(College.code == code))
    assert college is not None
    return college


def _profiles(session: Session, college: College) -> list[NeedsProfile]:
    stmt = select(NeedsProfile).where(NeedsProfile.college_id == college.id)
    return list(session.scalars(stmt.order_by(NeedsProfile.id)))


def test_the_demo_college_offer_fits_its_teachers_and_majors(session: Session) -> None:
    build_demo(session)
    demo = _college(session, DEMO_CODE)
    offer = service.offer_data(session, college_id=demo.id)
    assert offer.takes_production
    assert {venue.kind for venue in offer.venues} == set(VenueKind)
    for venue in offer.venues:
        if venue.kind in (VenueKind.WORKSHOP, VenueKind.PRODUCTIVE_BASE):
            assert 40 <= venue.idle_pct <= 60
    assert max(v.idle_pct for v in offer.venues if v.kind == VenueKind.SIMULATED_SITE) >= 60
    assert any(item.idle_pct >= 50 for item in offer.equipment)

    subjects = session.scalars(select(Teacher.subjects).where(Teacher.college_id == demo.id)).all()
    assert len(set(subjects)) > len(subjects) // 2  # teachers of one major differ
    assert offer.expertise
    for field in offer.expertise:
        assert field.teachers == sum(1 for s in subjects if field.field in s), field
    fields = {field.field for field in offer.expertise}
    assert {"数控技术", "工业机器人", "电气自动化", "物流管理", "护理", "新能源汽车"} <= fields

    majors = set(session.scalars(select(Major.name_zh).where(Major.college_id == demo.id)))
    assert {row.major for row in offer.capacity} == majors
    assert {row.term for row in offer.capacity} == set(next_terms(local_today()))


def test_profiles_with_versions_and_one_from_the_enterprise(session: Session) -> None:
    build_demo(session)
    demo = _college(session, DEMO_CODE)
    profiles = _profiles(session, demo)
    versions = Counter(p.partnership_id for p in profiles)
    assert len(versions) >= 9
    assert 2 <= sum(1 for count in versions.values() if count == 2) <= 3
    assert all(p.partnership.college_id == demo.id for p in profiles)
    assert all(p.partnership.status == "active" for p in profiles)

    contact = session.scalar(select(User).where(User.email == "hr@partner.example"))
    assert contact is not None
    from_enterprise = [p for p in profiles if p.source == "enterprise"]
    assert len(from_enterprise) == 1
    newer = from_enterprise[0]
    assert newer.partnership.enterprise_id == contact.enterprise_id
    assert newer.recorded_by_user_id == contact.id
    assert newer.number == 2
    older = service.version(session, partnership=newer.partnership, number=1)
    assert older is not None
    assert older.source == "college"
    assert older.recorded_on < newer.recorded_on
    changed = {change.path for change in service.compare(older, newer)}
    assert "assets.production_to_move" in changed
    assert "talent.headcount" in changed
    for profile in profiles:
        NeedsData.model_validate(profile.needs)  # every version is a valid profile

    second = _college(session, SECOND_CODE)
    north = _profiles(session, second)
    assert 1 <= len(north) <= 2
    assert all(p.partnership.college_id == second.id for p in north)
    north_offer = service.get_offer(session, college_id=second.id)
    assert north_offer is not None
    assert OfferData.model_validate(north_offer.offer).venues


def test_building_again_adds_nothing(session: Session) -> None:
    build_demo(session)
    profiles = session.scalar(select(func.count(NeedsProfile.id)))
    offers = session.scalars(select(CollegeOffer).order_by(CollegeOffer.id)).all()
    before = [(offer.id, offer.version) for offer in offers]
    summary = build_demo(session)
    assert " 0 needs profiles" in summary
    assert session.scalar(select(func.count(NeedsProfile.id))) == profiles
    after = session.scalars(select(CollegeOffer).order_by(CollegeOffer.id)).all()
    assert [(offer.id, offer.version) for offer in after] == before


def test_every_option_comes_first_for_some_demo_partnership(session: Session) -> None:
    build_demo(session)
    demo = _college(session, DEMO_CODE)
    offer = service.offer_data(session, college_id=demo.id)
    first: dict[int, str] = {}
    for partnership in session.scalars(
        select(Partnership).where(Partnership.college_id == demo.id)
    ):
        profile = service.latest(session, partnership=partnership)
        if profile is not None:
            advice = advise(NeedsData.model_validate(profile.needs), offer)
            assert advice[0].score > 0
            first[partnership.id] = advice[0].option
    assert set(first.values()) == set(OPTIONS)
    # … and each for the partnership whose needs were written for it.
    for expected, partnership in planned_partnerships(session, demo):
        if expected:
            assert first[partnership.id] == expected, partnership.enterprise.name


def test_teachers_fit_the_demo_problems_and_topics(session: Session) -> None:
    build_demo(session)
    demo = _college(session, DEMO_CODE)
    asked = 0
    for _, partnership in planned_partnerships(session, demo):
        result = service.advice_for(session, actor=DEMO, partnership=partnership)
        needs = result.needs
        if not (needs.rnd.importance and needs.rnd.problems) and not (
            needs.staff_training.importance and needs.staff_training.topics
        ):
            continue
        asked += 1
        assert result.teachers, partnership.enterprise.name
        assert result.teachers[0].score >= 0.6  # a whole field tag of the teacher matched
        assert result.teachers[0].matched
    assert asked >= 7
