"""The weekly recurrence core: the days of a series, its exceptions, and the days the working
calendar leaves out (holidays, out of term) with why."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.resource.core.calendar import Outside, WorkingCalendar
from tandem.resource.core.recurrence import weekly_days

START = date(2026, 9, 1)  # a Tuesday


def test_mondays_and_wednesdays_of_a_fortnight() -> None:
    found = weekly_days([1, 3], date(2026, 9, 1), date(2026, 9, 14))
    assert found.days == (date(2026, 9, 2), date(2026, 9, 7), date(2026, 9, 9), date(2026, 9, 14))
    assert found.excepted == ()
    assert found.skipped == ()


def test_exceptions_and_the_calendar_leave_days_out_and_say_why() -> None:
    calendar = WorkingCalendar.of(
        None,
        terms=[(date(2026, 9, 1), date(2026, 10, 10))],
        holidays=[date(2026, 10, 1), date(2026, 10, 2)],
    )
    found = weekly_days(
        [4],  # Thursdays
        date(2026, 9, 1),
        date(2026, 10, 31),
        exceptions=[date(2026, 9, 17), date(2026, 9, 18)],  # the 18th is a Friday
        calendar=calendar,
    )
    assert found.days == (date(2026, 9, 3), date(2026, 9, 10), date(2026, 9, 24), date(2026, 10, 8))
    assert found.excepted == (date(2026, 9, 17),)
    assert found.skipped == (
        (date(2026, 10, 1), Outside.HOLIDAY),
        (date(2026, 10, 15), Outside.OUT_OF_TERM),
        (date(2026, 10, 22), Outside.OUT_OF_TERM),
        (date(2026, 10, 29), Outside.OUT_OF_TERM),
    )


def test_no_weekdays_or_an_empty_range_give_no_days() -> None:
    assert weekly_days([], START, START + timedelta(days=30)).days == ()
    assert weekly_days([1, 2], START, START - timedelta(days=1)).days == ()
    assert weekly_days([8, 0], START, START + timedelta(days=30)).days == ()


@settings(max_examples=200)
@given(
    weekdays=st.sets(st.integers(min_value=1, max_value=7), min_size=1),
    span=st.integers(min_value=0, max_value=120),
    offsets=st.sets(st.integers(min_value=0, max_value=130), max_size=15),
    holiday_offsets=st.sets(st.integers(min_value=0, max_value=130), max_size=15),
    term=st.one_of(st.none(), st.tuples(st.integers(0, 60), st.integers(0, 90))),
    use_calendar=st.booleans(),
)
def test_the_days_partition_the_pattern(
    weekdays: set[int],
    span: int,
    offsets: set[int],
    holiday_offsets: set[int],
    term: tuple[int, int] | None,
    use_calendar: bool,
) -> None:
    last = START + timedelta(days=span)
    exceptions = {START + timedelta(days=o) for o in offsets}
    holidays = {START + timedelta(days=o) for o in holiday_offsets}
    terms = (
        []
        if term is None
        else [(START + timedelta(days=term[0]), START + timedelta(days=term[0] + term[1]))]
    )
    calendar = WorkingCalendar.of(None, terms=terms, holidays=holidays)
    found = weekly_days(
        weekdays, START, last, exceptions=exceptions, calendar=calendar if use_calendar else None
    )
    pattern = [
        START + timedelta(days=n)
        for n in range(span + 1)
        if (START + timedelta(days=n)).isoweekday() in weekdays
    ]
    skipped_days = [d for d, _ in found.skipped]
    # Every day of the pattern is exactly one of: booked, excepted, skipped by the calendar.
    assert sorted([*found.days, *found.excepted, *skipped_days]) == pattern
    assert list(found.days) == sorted(set(found.days))
    assert all(d not in exceptions for d in found.days)
    assert set(found.excepted) == set(pattern) & exceptions
    if use_calendar:
        assert all(d not in holidays and calendar.in_term(d) for d in found.days)
        for day, why in found.skipped:
            assert why == (Outside.HOLIDAY if day in holidays else Outside.OUT_OF_TERM)
    else:
        assert found.skipped == ()
