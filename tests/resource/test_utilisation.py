"""The utilisation service on the database: the hand-computed week, filters, groups, scope, and
the one SQL aggregation checked against the core's Python reference (on SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.errors import NotFound, ValidationFailed
from tandem.resource.core.utilisation import BookingFact, aggregate, aggregate_series
from tandem.resource.kinds import ResourceKind
from tandem.resource.models import Booking
from tandem.resource.utilisation import (
    Selection,
    check_period,
    default_period,
    resolve_college,
    resource_rates,
    utilisation,
)
from tandem.resource.utilisation_queries import group_labels, load_resources, usage_rows
from tests.resource.utilisation_world import MON, SUN, World, add_term, book, build


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def office(world: World) -> Actor:
    return Actor(label="office", user_id=1, role="college_admin", college_id=world.college.id)


def contact(world: World) -> Actor:
    return Actor(
        label="contact",
        user_id=2,
        role="enterprise_contact",
        enterprise_id=world.partnership.enterprise_id,
    )


def run(session: Session, world: World, actor: Actor | None = None, **options):  # type: ignore[no-untyped-def]
    selection = Selection(first=options.pop("first", MON), last=options.pop("last", SUN), **options)
    return utilisation(
        session, actor=actor or office(world), college=world.college, selection=selection
    ).report


def test_the_hand_computed_week(session: Session, world: World) -> None:
    report = run(session, world)
    total = report.total
    assert total.available_hours == Decimal("180.00")  # V1 40 + V2 40 + lathes 60 + robot 40
    assert total.booked_hours == Decimal("18.00")
    assert total.used_hours == Decimal("13.50")
    assert total.utilisation_rate == Decimal("7.5")
    assert total.booked_rate == Decimal("10.0")
    assert total.pending_hours == Decimal("3.00")
    assert (total.no_shows, total.no_show_hours) == (1, Decimal("1.00"))
    assert total.used_hours_of("production") == Decimal("6.50")
    by_id = {(r.resource.kind, r.resource.id): r for r in report.resources}
    assert by_id[("venue", world.v1.id)].measures.utilisation_rate == Decimal("13.8")
    assert by_id[("equipment", world.e1.id)].measures.utilisation_rate == Decimal("6.7")
    assert by_id[("equipment", world.e3.id)].measures.utilisation_rate == Decimal("10.0")
    # Retired and closed resources are left out, with their bookings.
    assert ("venue", world.v3.id) not in by_id
    assert ("equipment", world.e2.id) not in by_id


def test_underused_use_the_college_threshold(session: Session, world: World) -> None:
    report = run(session, world)
    assert report.threshold_pct == Decimal(10)
    assert [r.resource.label for r in report.underused] == ["Yard (V2)", "Lathes (E1)"]


def test_valuation_of_teaching_on_enterprise_equipment(session: Session, world: World) -> None:
    book(session, world.e3, "teaching", MON + timedelta(days=1), 2, usage="used")
    session.flush()
    report = run(session, world)
    values = {line.resource.label: line.value_cny for line in report.valuation}
    # Robot: the enterprise's, 2 h × 150 CNY; lathes: joint, 4 h × 100 CNY × 60 %.
    assert values == {"Robot (E3)": Decimal("300.00"), "Lathes (E1)": Decimal("240.00")}
    assert report.valuation_total == Decimal("540.00")
    owners = {line.resource.owner for line in report.valuation}
    assert owners == {world.partnership.enterprise.name}


def test_groups_add_up(session: Session, world: World) -> None:
    for group in ("college", "department", "base", "venue", "resource"):
        report = run(session, world, group=group)
        assert sum(g.measures.used for g in report.groups) == report.total.used
        assert sum(g.measures.available for g in report.groups) == report.total.available
    departments = {g.id: g for g in run(session, world, group="department").groups}
    assert departments[world.department.id].measures.used == 330  # V1 only
    assert departments[world.department.id].label == world.department.name("en")
    bases = {g.id: g for g in run(session, world, group="base").groups}
    assert bases[world.base.id].label == "Base 1"
    assert bases[world.base.id].measures.used == 330 + 240  # V1 and the lathes placed in it
    venues = {g.id: g for g in run(session, world, group="venue").groups}
    assert venues[world.v2.id].measures.used == 240  # the robot stands in the yard


@pytest.mark.parametrize(
    ("options", "used", "available"),
    [
        ({"department_id": "dept"}, 330, 2400),
        ({"base_id": "base"}, 330 + 240, 2400 + 3600),
        ({"venue_id": "v1"}, 330 + 240, 2400 + 3600),
        ({"equipment_id": "e1"}, 240, 3600),
        ({"kind": ResourceKind.VENUE}, 330, 4800),
        ({"kind": ResourceKind.EQUIPMENT}, 480, 6000),
        ({"ownership": "enterprise"}, 240, 4800),
        ({"ownership": "joint"}, 240, 3600),
    ],
)
def test_filters(
    session: Session, world: World, options: dict[str, object], used: int, available: int
) -> None:
    ids = {
        "dept": world.department.id,
        "base": world.base.id,
        "v1": world.v1.id,
        "e1": world.e1.id,
    }
    resolved = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in options.items()}
    total = run(session, world, **resolved).total
    assert (total.used, total.available) == (used, available)


def test_an_enterprise_contact_sees_only_their_enterprise_resources(
    session: Session, world: World
) -> None:
    report = run(session, world, actor=contact(world))
    assert {r.resource.label for r in report.resources} == {
        "Yard (V2)",
        "Lathes (E1)",
        "Robot (E3)",
    }
    assert report.total.used == 480
    assert report.total.available == 2400 + 3600 + 2400


def test_another_college_is_not_found(session: Session, world: World) -> None:
    with pytest.raises(NotFound):
        resolve_college(session, actor=office(world), college_id=world.other.id)
    assert resolve_college(session, actor=office(world), college_id=None) == world.college
    assert resolve_college(session, actor=contact(world), college_id=None) == world.college
    with pytest.raises(NotFound):
        resolve_college(session, actor=contact(world), college_id=world.other.id)
    admin = Actor(label="admin", user_id=3, role="platform_admin")
    assert resolve_college(session, actor=admin, college_id=world.other.id) == world.other
    with pytest.raises(ValidationFailed):
        resolve_college(session, actor=admin, college_id=None)


def test_the_other_college_sees_none_of_it(session: Session, world: World) -> None:
    actor = Actor(label="b", user_id=4, role="college_admin", college_id=world.other.id)
    selection = Selection(first=MON, last=SUN)
    report = utilisation(session, actor=actor, college=world.other, selection=selection).report
    assert [r.resource.label for r in report.resources] == ["Elsewhere (V1)"]
    assert report.total.used == 360


def test_resource_rates(session: Session, world: World) -> None:
    rates = resource_rates(session, college_id=world.college.id, first=MON, last=SUN)
    assert rates == {
        ("venue", world.v1.id): Decimal("13.8"),
        ("venue", world.v2.id): Decimal("0.0"),
        ("equipment", world.e1.id): Decimal("6.7"),
        ("equipment", world.e3.id): Decimal("10.0"),
    }


def test_periods(session: Session, world: World) -> None:
    today = date(2026, 5, 20)
    assert default_period(session, college_id=world.college.id, today=today) == (
        today - timedelta(days=89),
        today,
    )
    add_term(session, world.college, date(2026, 3, 1), date(2026, 7, 10))
    assert default_period(session, college_id=world.college.id, today=today) == (
        date(2026, 3, 1),
        today,
    )
    check_period(date(2025, 1, 1), date(2026, 12, 31))  # 730 days
    with pytest.raises(ValidationFailed):
        check_period(date(2025, 1, 1), date(2027, 1, 2))
    with pytest.raises(ValidationFailed):
        check_period(SUN, MON)


@pytest.mark.parametrize("bucket", [None, "week", "month"])
def test_the_sql_aggregation_matches_the_python_reference(
    session: Session, world: World, bucket: str | None
) -> None:
    rng = random.Random(5)
    first, last = date(2026, 1, 20), date(2026, 4, 30)  # 101 days: SQLite scans
    for _ in range(300):
        resource = rng.choice([world.v1, world.v2, world.e1, world.e3])
        book(
            session,
            resource,
            rng.choice(["teaching", "production", "maintenance"]),
            first + timedelta(days=rng.randint(-10, 110)),
            rng.choice([0.5, 1, 2, 3]),
            units=rng.randint(1, 3) if resource in (world.e1,) else 1,
            usage=rng.choice(["pending", "used", "no_show"]),
            used_minutes=rng.choice([None, 30, 45]),
            status=rng.choice(["booked", "booked", "cancelled"]),
            start=rng.choice([420, 480, 600]),
        )
    session.flush()
    bookings = session.scalars(select(Booking).where(Booking.college_id == world.college.id)).all()
    facts = [
        BookingFact(
            "venue" if b.venue_id else "equipment",
            b.venue_id or b.equipment_id or 0,
            b.purpose,
            b.day,
            b.minutes,
            b.units,
            b.status,
            b.usage,
            b.used_minutes,
        )
        for b in bookings
    ]
    selection = Selection(first=first, last=last, bucket=bucket)  # type: ignore[arg-type]
    actor = Actor.system()
    got = usage_rows(session, actor=actor, college_id=world.college.id, selection=selection)
    want = aggregate(facts, first=first, last=last)

    def key(row):  # type: ignore[no-untyped-def]
        return (row.kind, row.resource_id, row.purpose)

    assert sorted(got.rows, key=key) == sorted(want, key=key)
    if bucket is None:
        assert got.series == []
        return
    listed = load_resources(session, actor=actor, college_id=world.college.id, selection=selection)
    # The series covers the listed resources only (not the closed venue, not the retired line).
    want_series = aggregate_series(
        facts,
        first=first,
        last=last,
        bucket=selection.bucket,  # type: ignore[arg-type]
        resources=[r.key for r in listed],
    )

    def series_key(row):  # type: ignore[no-untyped-def]
        return (row.purpose, row.bucket)

    assert sorted(got.series, key=series_key) == sorted(want_series, key=series_key)
    assert len(got.series) > 5
    if bucket == "week":
        assert {row.bucket.weekday() for row in got.series} == {0}
    if bucket == "month":
        assert {row.bucket.day for row in got.series} == {1}


def test_a_contact_never_sees_the_name_of_a_venue_or_base_they_may_not_open(
    session: Session, world: World
) -> None:
    # The lathes (the contact's enterprise's, jointly) stand in V1, in Base 1: the college's own.
    venues = {g.id: g for g in run(session, world, actor=contact(world), group="venue").groups}
    assert set(venues) == {world.v2.id, None}
    assert venues[world.v2.id].label == "Yard (V2)"
    assert venues[None].measures.used == 240  # the lathes, under no venue they know of
    bases = run(session, world, actor=contact(world), group="base").groups
    assert [(g.id, g.label) for g in bases] == [(None, "")]
    for group in ("department", "base", "venue"):
        report = run(session, world, actor=contact(world), group=group)
        assert "Workshop 1" not in {g.label for g in report.groups}
        assert sum(g.measures.used for g in report.groups) == report.total.used
    # The labels themselves, asked for with the reader: only what they may know of.
    reader = contact(world)
    labels = {
        group: group_labels(
            session, college_id=world.college.id, grouping=group, language="en", actor=reader
        )
        for group in ("department", "base", "venue")
    }
    assert labels == {"department": {}, "base": {}, "venue": {world.v2.id: "Yard (V2)"}}
    everything = group_labels(session, college_id=world.college.id, grouping="venue", language="en")
    assert everything[world.v1.id] == "Workshop 1 (V1)"  # the college's own report
