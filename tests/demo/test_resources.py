"""The default demo's shared resources: a working calendar for this academic year, venues, bases
on and off campus, the equipment register of every owner and origin with maintenance, a term's
bookings without a clash, used and confirmed (or not yet), agreements' terms linked to the
register, an obligation short of it, the offer derived from it; all in the demo college, and
nothing added twice."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.audit.models import AuditEntry
from tandem.college.models import College
from tandem.demo import DEMO_CODE, SECOND_CODE, build_demo
from tandem.demo.resources_data import VENUES, academic_terms, public_holidays
from tandem.kit.dates import local_today
from tandem.needs import service as needs
from tandem.resource import links
from tandem.resource.core.calendar import WorkingCalendar
from tandem.resource.links_register import register_checks
from tandem.resource.models import (
    AgreementResource,
    Booking,
    BookingSeries,
    CalendarTerm,
    Equipment,
    Holiday,
    MaintenanceRecord,
    TrainingBase,
    Venue,
)
from tandem.resource.workcal import load_calendar
from tests.factories import ACTOR


def _college(session: Session, code: str) -> College:
    college = session.scalar(select(College).where(College.code == code))
    assert college is not None
    return college


def _count(session: Session, model: type, college: College) -> int:
    stmt = select(func.count()).select_from(model).where(model.college_id == college.id)  # type: ignore[attr-defined]
    return session.scalar(stmt) or 0


def _agreement(session: Session, college: College, title: str) -> Agreement:
    stmt = select(Agreement).where(Agreement.college_id == college.id, Agreement.title == title)
    found = session.scalars(stmt.order_by(Agreement.id)).first()
    assert found is not None, title
    return found


def test_the_calendar_knows_this_year_terms_and_holidays() -> None:
    terms = academic_terms(date(2026, 11, 26))
    assert terms == (
        ("2026-2027-1", date(2026, 9, 1), date(2027, 1, 17)),
        ("2026-2027-2", date(2027, 2, 24), date(2027, 7, 4)),
    )
    assert academic_terms(date(2027, 3, 1)) == terms
    days = dict(public_holidays(terms[0][1], terms[1][2]))
    assert [d for d, name in days.items() if name == "国庆节"] == [
        date(2026, 10, n) for n in range(1, 8)
    ]
    assert days[date(2027, 1, 1)] == "元旦"
    assert days[date(2027, 4, 5)] == "清明节"
    assert days[date(2027, 6, 9)] == "端午节"
    assert [d for d, name in days.items() if name == "劳动节"] == [
        date(2027, 5, n) for n in range(1, 6)
    ]


def test_the_register_bookings_and_usage(session: Session) -> None:
    summary = build_demo(session)
    demo = _college(session, DEMO_CODE)
    today = local_today()
    assert "14 venues, 60 equipment lines" in summary

    # The working calendar.
    names = set(
        session.scalars(select(CalendarTerm.name).where(CalendarTerm.college_id == demo.id))
    )
    assert names == {name for name, _, _ in academic_terms(today)}
    assert _count(session, Holiday, demo) >= 10
    calendar = load_calendar(session, college_id=demo.id)
    assert isinstance(calendar, WorkingCalendar)

    # Venues of every kind, bases on and off campus with what authorities ask for.
    venues = session.scalars(select(Venue).where(Venue.college_id == demo.id)).all()
    assert {v.name for v in venues} == {plan.name for plan in VENUES}
    assert {v.kind for v in venues} == {
        "workshop",
        "laboratory",
        "simulated_site",
        "productive_base",
        "classroom",
    }
    bases = session.scalars(select(TrainingBase).where(TrainingBase.college_id == demo.id)).all()
    assert Counter(b.kind for b in bases) == {"on_campus": 2, "off_campus": 2}
    for base in bases:
        assert base.partnership is not None
        assert base.partnership.college_id == demo.id
        assert base.majors
        if base.kind == "off_campus":
            assert base.lodging
            assert base.host_staff_on_post > 100
            assert base.intern_subsidy_cny
            assert base.college_funding_per_student_cny

    # The equipment register: every owner and origin, enterprise lines tied to their agreement.
    lines = session.scalars(select(Equipment).where(Equipment.college_id == demo.id)).all()
    assert len(lines) == 60
    assert {e.ownership for e in lines} == {"college", "enterprise", "joint"}
    assert {e.acquisition for e in lines} == {"purchased", "donated", "quasi_donated", "lent"}
    assert {e.status for e in lines} == {"in_use", "idle", "maintenance", "retired"}
    for line in lines:
        if line.ownership != "college":
            assert line.agreement is not None
            assert line.partnership_id == line.agreement.partnership_id
        assert line.venue is not None
        assert line.venue.college_id == demo.id
    assert _count(session, MaintenanceRecord, demo) >= 8
    created = session.scalar(
        select(func.count()).where(
            AuditEntry.college_id == demo.id,
            AuditEntry.entity_type.in_(["venue", "equipment", "training_base"]),
        )
    )
    assert created == 14 + 60 + 4

    # Bookings: a term's weekly series and one-offs, never two at once on one resource.
    bookings = session.scalars(select(Booking).where(Booking.college_id == demo.id)).all()
    assert len(bookings) > 1000
    assert _count(session, BookingSeries, demo) >= 40
    assert {b.purpose for b in bookings} == {
        "teaching",
        "production",
        "employee_training",
        "tech_promotion",
        "maintenance",
    }
    held: dict[tuple[int | None, int | None, date], list[tuple[int, int]]] = defaultdict(list)
    for b in bookings:
        key = (b.venue_id, b.equipment_id, b.day)
        assert all(b.end_min <= s or e <= b.start_min for s, e in held[key]), b.title
        held[key].append((b.start_min, b.end_min))
        assert b.minutes == b.end_min - b.start_min
        resource = b.venue or b.equipment
        assert resource is not None
        assert resource.college_id == demo.id
        outside = calendar.outside(b.day, b.start_min, b.end_min) is not None
        assert b.outside_hours == outside
        if outside:
            assert b.outside_hours_reason
    assert sum(1 for b in bookings if b.outside_hours) >= 3

    past = [b for b in bookings if b.day < today]
    usage = Counter(b.usage for b in past)
    assert usage["used"] > 0.8 * len(past)
    assert usage["no_show"] >= 10
    assert 1 <= usage["pending"] <= 30  # a few for their bookers to confirm
    assert all(b.usage == "pending" for b in bookings if b.day >= today)
    produced = [b for b in past if b.purpose == "production" and b.usage == "used"]
    assert produced
    assert all(b.output_quantity for b in produced)
    assert all(b.used_minutes and b.confirmed_at for b in past if b.usage == "used")


def test_links_the_register_check_and_the_derived_offer(session: Session) -> None:
    build_demo(session)
    demo = _college(session, DEMO_CODE)
    venue = {v.name: v for v in session.scalars(select(Venue).where(Venue.college_id == demo.id))}
    base = _agreement(session, demo, "引企入校合作协议——智能制造生产性实训基地")
    contracting = _agreement(session, demo, "培训承包协议——智慧仓储物流员工培训")
    sharing = _agreement(session, demo, "设备共享协议——云计算与大数据实训平台共建")
    linked = {
        (r.agreement_id, r.term_key): (r.venue_id, r.base_id)
        for r in session.scalars(
            select(AgreementResource).where(AgreementResource.college_id == demo.id)
        )
    }
    assert linked[(base.id, "1.venue")] == (venue["实训楼A座一层智能制造车间"].id, None)
    assert linked[(contracting.id, "7.simulated_site")] == (
        venue["智慧仓储物流模拟实训中心"].id,
        None,
    )
    hub = session.scalar(
        select(TrainingBase).where(TrainingBase.name == "云计算与大数据生产性实训基地")
    )
    assert hub is not None
    assert linked[(sharing.id, "2.base_name")] == (None, hub.id)
    # A draft whose venue is only part of a record's name gets a suggestion.
    draft = _agreement(session, demo, "技术推广协议——工业视觉检测技术推广")
    suggested = links.suggest(session, actor=ACTOR, agreement=draft)
    assert suggested[0].name == "实训楼B座二层机器视觉实训室"

    # "The enterprise invests 10 CNC machines": the register holds 8 of them.
    checks = register_checks(session, base)
    (check,) = checks.values()
    assert (check.category, check.required, check.found, check.short) == ("数控机床", 10, 8, 2)
    assert all(c.short == 0 for c in register_checks(session, contracting).values())

    # The offer's venues and equipment come from the register, the rest is kept.
    offer = needs.offer_data(session, college_id=demo.id)
    assert {v.name for v in offer.venues} == set(venue)
    assert offer.expertise
    assert offer.capacity
    for row in offer.venues:
        if row.kind in ("workshop", "productive_base"):
            assert 40 <= row.idle_pct <= 60, row
    assert max(v.idle_pct for v in offer.venues if v.kind == "simulated_site") >= 60
    register = session.scalars(select(Equipment).where(Equipment.college_id == demo.id)).all()
    ours = {e.name for e in register if e.ownership != "enterprise" and e.status != "retired"}
    assert {e.name for e in offer.equipment} == ours  # never an enterprise's own line
    saved = needs.get_offer(session, college_id=demo.id)
    assert saved is not None
    assert saved.version == 2  # recorded, then derived


def test_everything_stays_in_the_demo_college_and_is_made_once(session: Session) -> None:
    build_demo(session)
    demo, north = _college(session, DEMO_CODE), _college(session, SECOND_CODE)
    for model in (Venue, Equipment, TrainingBase, Booking, BookingSeries, CalendarTerm):
        assert _count(session, model, north) == 0
    before = {
        model.__name__: _count(session, model, demo)
        for model in (Venue, Equipment, TrainingBase, Booking, AgreementResource, Holiday)
    }
    summary = build_demo(session)
    assert "0 venues, 0 equipment lines, 0 bookings" in summary
    after = {
        model.__name__: _count(session, model, demo)
        for model in (Venue, Equipment, TrainingBase, Booking, AgreementResource, Holiday)
    }
    assert after == before
