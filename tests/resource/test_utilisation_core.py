"""The utilisation core: hand-computed cases and properties (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.resource.core.calendar import WorkingCalendar
from tandem.resource.core.utilisation import (
    GROUPINGS,
    Availability,
    BookingFact,
    Measures,
    ResourceInfo,
    aggregate,
    aggregate_series,
    bucket_end,
    bucket_start,
    build_report,
    rate,
)
from tandem.resource.kinds import Ownership

# Mon–Fri 08:00–18:00 (600 minutes a day), weekends closed; every day in term.
CAL = WorkingCalendar(
    opening={1: (480, 1080), 2: (480, 1080), 3: (480, 1080), 4: (480, 1080), 5: (480, 1080)},
    holidays=frozenset({date(2026, 3, 4)}),  # Wednesday
)
MON, SUN = date(2026, 3, 2), date(2026, 3, 8)

VENUE = ResourceInfo("venue", 1, "Workshop 1", department_id=10, venue_id=1, base_id=5)
LATHES = ResourceInfo(
    "equipment",
    2,
    "Lathes",
    capacity=3,
    venue_id=1,
    base_id=5,
    ownership=Ownership.JOINT,
    college_share_pct=Decimal(40),
    exists_from=date(2026, 3, 5),  # Thursday: two working days in the week
    owner="Acme",
)


def _day(offset: int) -> date:
    return MON + timedelta(days=offset)


FACTS = [
    BookingFact("venue", 1, "teaching", _day(0), 120, usage="used"),
    BookingFact("venue", 1, "production", _day(1), 180, usage="used", used_minutes=150),
    BookingFact("venue", 1, "teaching", _day(4), 60, usage="no_show"),
    BookingFact("venue", 1, "teaching", _day(5), 60, usage="used"),  # Saturday: outside hours
    BookingFact("venue", 1, "teaching", _day(3), 300, status="cancelled", usage="pending"),
    BookingFact("equipment", 2, "teaching", _day(3), 120, units=2, usage="used"),
    BookingFact("equipment", 2, "employee_training", _day(4), 60, units=3),
    BookingFact("venue", 1, "teaching", _day(7), 600, usage="used"),  # next Monday: outside
]


def _report(**kwargs):  # type: ignore[no-untyped-def]
    options = {"calendar": CAL, "first": MON, "last": SUN, "threshold_pct": Decimal(10)}
    options.update(kwargs)
    first, last = options["first"], options["last"]
    rows = aggregate(FACTS, first=first, last=last)
    if kwargs.get("bucket"):
        options["series_rows"] = aggregate_series(
            FACTS,
            first=first,
            last=last,
            bucket=kwargs["bucket"],
            resources=[VENUE.key, LATHES.key],
        )
    return build_report([VENUE, LATHES], rows, **options)


def test_available_hours_follow_the_calendar_capacity_and_acquisition() -> None:
    report = _report()
    venue, lathes = (r for r in sorted(report.resources, key=lambda r: r.resource.id))
    # 4 working days (Wednesday is a holiday) × 10 h.
    assert venue.measures.available_hours == Decimal("40.00")
    # Acquired on Thursday: Thursday and Friday × 10 h × 3 lathes.
    assert lathes.measures.available_hours == Decimal("60.00")
    assert report.total.available_hours == Decimal("100.00")


def test_booked_used_pending_and_no_shows_by_hand() -> None:
    report = _report()
    venue, lathes = (r.measures for r in sorted(report.resources, key=lambda r: r.resource.id))
    # 120 + 180 + 60 (no-show) + 60 (Saturday) minutes; the cancelled one and next week's are out.
    assert venue.booked == 420
    assert venue.used == 120 + 150 + 60  # actual minutes where recorded
    assert (venue.no_show, venue.no_shows, venue.pending, venue.bookings) == (60, 1, 0, 4)
    assert venue.utilisation_rate == Decimal("13.8")  # 330 / 2400 = 13.75 %
    assert venue.booked_rate == Decimal("17.5")
    assert lathes.booked == 120 * 2 + 60 * 3
    assert lathes.used == 240
    assert lathes.pending_hours == Decimal("3.00")
    assert lathes.utilisation_rate == Decimal("6.7")  # 240 / 3600
    total = report.total
    assert (total.booked_hours, total.used_hours) == (Decimal("14.00"), Decimal("9.50"))
    assert total.utilisation_rate == Decimal("9.5")
    assert total.booked_rate == Decimal("14.0")
    assert total.used_hours_of("teaching") == Decimal("7.00")
    assert total.used_hours_of("production") == Decimal("2.50")
    assert total.booked_hours_of("employee_training") == Decimal("3.00")
    assert total.used_rate_of("teaching") == Decimal("7.0")


def test_underused_below_the_threshold_only() -> None:
    report = _report()
    assert [r.resource.label for r in report.underused] == ["Lathes"]
    assert [r.resource.label for r in _report(threshold_pct=Decimal(14)).underused] == [
        "Lathes",
        "Workshop 1",
    ]


def test_a_resource_without_available_hours_has_no_rate_and_is_not_flagged() -> None:
    late = ResourceInfo("equipment", 3, "Late", exists_from=date(2026, 4, 1))
    rows = aggregate(
        [BookingFact("equipment", 3, "teaching", MON, 60, usage="used")], first=MON, last=SUN
    )
    report = build_report([late], rows, calendar=CAL, first=MON, last=SUN)
    (only,) = report.resources
    assert only.measures.available == 0
    assert only.measures.used == 60  # used outside its calendar: counted, with no rate
    assert only.measures.utilisation_rate is None
    assert not only.underused


def test_rate_can_exceed_one_hundred_percent() -> None:
    tiny = WorkingCalendar(opening={1: (480, 540)})  # Mondays 08:00–09:00
    rows = aggregate(
        [BookingFact("venue", 1, "production", MON, 180, usage="used")], first=MON, last=MON
    )
    report = build_report([VENUE], rows, calendar=tiny, first=MON, last=MON)
    assert report.total.utilisation_rate == Decimal("300.0")


def test_valuation_counts_the_enterprise_share_of_teaching() -> None:
    report = _report()
    (line,) = report.valuation
    # 4 teaching hours × 100 CNY (the default) × 60 % (the college holds 40 %).
    assert (line.teaching_hours, line.enterprise_share_pct) == (Decimal("4.00"), Decimal(60))
    assert line.value_cny == Decimal("240.00")
    assert report.valuation_total == Decimal("240.00")


def test_valuation_uses_the_line_value_and_counts_enterprise_equipment_in_full() -> None:
    owned = ResourceInfo(
        "equipment",
        2,
        "Lathes",
        capacity=3,
        ownership=Ownership.ENTERPRISE,
        teaching_hour_value_cny=Decimal("150"),
        # The stored share of an enterprise's line is irrelevant: it is the enterprise's.
        college_share_pct=Decimal(100),
    )
    college = ResourceInfo("venue", 1, "Workshop 1")  # college-owned: never valued
    rows = aggregate(FACTS, first=MON, last=SUN)
    report = build_report([owned, college], rows, calendar=CAL, first=MON, last=SUN)
    (line,) = report.valuation
    assert line.value_cny == Decimal("600.00")  # 4 h × 150 × 100 %


def test_groups_by_hand() -> None:
    by_department = {g.id: g for g in _report(grouping="department").groups}
    assert by_department[10].measures.booked == 420
    assert by_department[None].measures.booked == 420  # the lathes have no department
    assert by_department[None].label == ""  # the caller names "no department"
    (venue_group,) = _report(grouping="venue", group_labels={1: "Workshop 1"}).groups
    assert (venue_group.label, venue_group.resources) == ("Workshop 1", 2)
    assert venue_group.measures.used == 330 + 240
    (college,) = _report(college_label="DEMO").groups
    assert (college.label, college.measures.available) == ("DEMO", 6000)
    resources = _report(grouping="resource").groups
    assert [(g.kind, g.id) for g in resources] == [("equipment", 2), ("venue", 1)]


def test_series_by_week_cut_to_the_period() -> None:
    first, last = date(2026, 3, 4), date(2026, 3, 10)  # Wednesday to the next Tuesday
    report = _report(first=first, last=last, bucket="week")
    assert [(p.start, p.end) for p in report.series] == [
        (date(2026, 3, 4), date(2026, 3, 8)),
        (date(2026, 3, 9), date(2026, 3, 10)),
    ]
    week1, week2 = (p.measures for p in report.series)
    # Week 1: Thu, Fri open (Wed a holiday): venue 1,200 + lathes 3,600.
    assert week1.available == 1200 + 3600
    assert week2.available == 1200 + 3600  # Mon, Tue
    assert week1.used == 240 + 60  # lathes on Thursday, the venue on Saturday
    assert week2.used == 600
    assert week1.used + week2.used == report.total.used


def test_series_by_month() -> None:
    calendar = WorkingCalendar(opening={d: (0, 60) for d in range(1, 8)})  # an hour every day
    facts = [
        BookingFact("venue", 1, "teaching", date(2026, 1, 31), 30, usage="used"),
        BookingFact("venue", 1, "teaching", date(2026, 2, 1), 45, usage="used"),
    ]
    first, last = date(2026, 1, 15), date(2026, 3, 10)
    rows = aggregate(facts, first=first, last=last)
    series = aggregate_series(facts, first=first, last=last, bucket="month", resources=[VENUE.key])
    report = build_report(
        [VENUE],
        rows,
        series_rows=series,
        calendar=calendar,
        first=first,
        last=last,
        bucket="month",
    )
    assert [(p.start, p.end, p.measures.available, p.measures.used) for p in report.series] == [
        (date(2026, 1, 15), date(2026, 1, 31), 17 * 60, 30),
        (date(2026, 2, 1), date(2026, 2, 28), 28 * 60, 45),
        (date(2026, 3, 1), date(2026, 3, 10), 10 * 60, 0),
    ]


def test_buckets() -> None:
    assert bucket_start(date(2026, 3, 8), "week") == date(2026, 3, 2)  # Sunday -> Monday
    assert bucket_end(date(2026, 3, 2), "week") == date(2026, 3, 8)
    assert bucket_start(date(2026, 12, 31), "month") == date(2026, 12, 1)
    assert bucket_end(date(2026, 12, 1), "month") == date(2026, 12, 31)
    assert bucket_end(date(2028, 2, 1), "month") == date(2028, 2, 29)


def test_availability_running_sums_match_the_calendar() -> None:
    availability = Availability(CAL, MON, SUN)
    for start in range(7):
        for end in range(start, 7):
            assert availability.minutes(_day(start), _day(end)) == CAL.available_minutes(
                _day(start), _day(end)
            )
    assert availability.minutes(_day(-3), _day(20)) == CAL.available_minutes(MON, SUN)
    assert availability.minutes(_day(5), _day(2)) == 0


def test_rate_helper() -> None:
    assert rate(1, 3) == Decimal("33.3")
    assert rate(5, 0) is None
    assert Measures().utilisation_rate is None


# --- properties ----------------------------------------------------------------------------------

FIRST = date(2026, 2, 23)
SPAN = 40  # days

windows = st.one_of(
    st.none(),
    st.tuples(st.integers(0, 1380), st.integers(1, 600)).map(
        lambda t: (t[0], min(1440, t[0] + t[1]))
    ),
)
calendars = st.builds(
    lambda opening, holidays: WorkingCalendar(
        opening=dict(enumerate(opening, start=1)),
        holidays=frozenset(FIRST + timedelta(days=d) for d in holidays),
    ),
    st.lists(windows, min_size=7, max_size=7),
    st.sets(st.integers(0, SPAN), max_size=5),
)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[ResourceInfo], list[BookingFact]]:
    count = draw(st.integers(1, 6))
    resources = []
    for number in range(1, count + 1):
        kind = draw(st.sampled_from(["venue", "equipment"]))
        resources.append(
            ResourceInfo(
                kind,
                number,
                f"R{number}",
                capacity=1 if kind == "venue" else draw(st.integers(1, 5)),
                department_id=draw(st.sampled_from([None, 1, 2])),
                venue_id=draw(st.sampled_from([None, 1, 2])),
                base_id=draw(st.sampled_from([None, 7])),
                ownership=draw(st.sampled_from(list(Ownership))),
                college_share_pct=Decimal(draw(st.integers(0, 100))),
                exists_from=draw(
                    st.one_of(st.none(), st.integers(-5, SPAN).map(lambda d: FIRST + timedelta(d)))
                ),
            )
        )
    facts = draw(
        st.lists(
            st.builds(
                BookingFact,
                kind=st.just("venue"),
                resource_id=st.integers(1, count + 1),  # count + 1: a resource not listed
                purpose=st.sampled_from(["teaching", "production", "maintenance"]),
                day=st.integers(-3, SPAN + 3).map(lambda d: FIRST + timedelta(d)),
                minutes=st.integers(1, 600),
                units=st.integers(1, 3),
                status=st.sampled_from(["booked", "booked", "cancelled"]),
                usage=st.sampled_from(["pending", "used", "no_show"]),
                used_minutes=st.one_of(st.none(), st.integers(0, 600)),
            ),
            max_size=40,
        )
    )
    kinds = {r.id: r.kind for r in resources}
    facts = [
        BookingFact(**{**f.__dict__, "kind": kinds.get(f.resource_id, "venue")}) for f in facts
    ]
    return resources, facts


SUMMED = ("available", "booked", "used", "pending", "no_show", "bookings", "no_shows")


def _sums(measures: list[Measures]) -> tuple[int, ...]:
    return tuple(sum(getattr(m, name) for m in measures) for name in SUMMED)


def _values(measures: Measures) -> tuple[int, ...]:
    return tuple(getattr(measures, name) for name in SUMMED)


@settings(max_examples=80, deadline=None)
@given(calendars, worlds(), st.integers(0, SPAN))
def test_groups_add_up_to_the_total_and_rates_are_never_negative(
    calendar: WorkingCalendar, world: tuple[list[ResourceInfo], list[BookingFact]], length: int
) -> None:
    resources, facts = world
    last = FIRST + timedelta(days=length)
    rows = aggregate(facts, first=FIRST, last=last)
    for grouping in GROUPINGS:
        report = build_report(
            resources, rows, calendar=calendar, first=FIRST, last=last, grouping=grouping
        )
        assert _sums([g.measures for g in report.groups]) == _values(report.total)
        assert _sums([r.measures for r in report.resources]) == _values(report.total)
        for item in [*report.resources, *report.groups]:
            measures = item.measures
            for value in (measures.utilisation_rate, measures.booked_rate):
                assert value is None or value >= 0
            assert sum(measures.used_by_purpose.values()) == measures.used
            assert sum(measures.booked_by_purpose.values()) == measures.booked
    listed = {r.id for r in resources}
    expected = sum(
        f.minutes * f.units
        for f in facts
        if f.status == "booked" and FIRST <= f.day <= last and f.resource_id in listed
    )
    assert report.total.booked == expected


@settings(max_examples=80, deadline=None)
@given(calendars, worlds(), st.integers(0, SPAN), st.data())
def test_splitting_the_period_in_two_adds_up(
    calendar: WorkingCalendar,
    world: tuple[list[ResourceInfo], list[BookingFact]],
    length: int,
    data: st.DataObject,
) -> None:
    resources, facts = world
    last = FIRST + timedelta(days=length)
    middle = FIRST + timedelta(days=data.draw(st.integers(0, length)))

    def total(first: date, end: date) -> Measures:
        rows = aggregate(facts, first=first, last=end)
        return build_report(resources, rows, calendar=calendar, first=first, last=end).total

    whole = total(FIRST, last)
    if middle == last:
        assert _values(total(FIRST, middle)) == _values(whole)
        return
    halves = [total(FIRST, middle), total(middle + timedelta(days=1), last)]
    assert _sums(halves) == _values(whole)


@settings(max_examples=60, deadline=None)
@given(calendars, worlds(), st.integers(0, SPAN), st.sampled_from(["week", "month"]))
def test_buckets_add_up_to_the_period(
    calendar: WorkingCalendar,
    world: tuple[list[ResourceInfo], list[BookingFact]],
    length: int,
    bucket: str,
) -> None:
    resources, facts = world
    last = FIRST + timedelta(days=length)
    rows = aggregate(facts, first=FIRST, last=last)
    series = aggregate_series(
        facts,
        first=FIRST,
        last=last,
        bucket=bucket,  # type: ignore[arg-type]
        resources=[r.key for r in resources],
    )
    report = build_report(
        resources,
        rows,
        series_rows=series,
        calendar=calendar,
        first=FIRST,
        last=last,
        bucket=bucket,  # type: ignore[arg-type]
    )
    assert report.series[0].start == FIRST
    assert report.series[-1].end == last
    assert _sums([p.measures for p in report.series]) == _values(report.total)
