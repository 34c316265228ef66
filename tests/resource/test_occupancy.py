"""The occupancy core: a sweep decides whether a booking fits (checked minute by minute against
a brute force), names the bookings in the way, and finds the earliest free slots."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.resource.core.calendar import WorkingCalendar
from tandem.resource.core.occupancy import Held, Slot, Wanted, check, fits, free_slots

MONDAY = date(2026, 3, 2)


@st.composite
def bookings(draw: st.DrawFn, max_units: int = 4) -> list[Held]:
    count = draw(st.integers(min_value=0, max_value=8))
    found = []
    for i in range(count):
        start = draw(st.integers(min_value=0, max_value=1430))
        end = draw(st.integers(min_value=start + 1, max_value=1440))
        units = draw(st.integers(min_value=1, max_value=max_units))
        found.append(Held(i + 1, start, end, units))
    return found


def in_use(existing: list[Held], minute: int) -> int:
    return sum(h.units for h in existing if h.start <= minute < h.end)


@settings(max_examples=300)
@given(
    existing=bookings(),
    start=st.integers(min_value=0, max_value=1430),
    length=st.integers(min_value=1, max_value=600),
    units=st.integers(min_value=1, max_value=5),
    capacity=st.integers(min_value=1, max_value=8),
)
def test_fits_iff_every_minute_stays_within_capacity(
    existing: list[Held], start: int, length: int, units: int, capacity: int
) -> None:
    end = min(1440, start + length)
    brute = all(in_use(existing, m) + units <= capacity for m in range(start, end))
    result = check(existing, start=start, end=end, units=units, capacity=capacity)
    assert result.ok == brute
    assert result.peak == max(in_use(existing, m) for m in range(start, end))
    if result.ok:
        assert result.conflicts == ()
    else:
        over = [m for m in range(start, end) if in_use(existing, m) + units > capacity]
        expected = {h.id for h in existing if any(h.start <= m < h.end for m in over)}
        assert {h.id for h in result.conflicts} == expected


@given(existing=bookings(max_units=1), start=st.integers(0, 1400), length=st.integers(1, 300))
def test_a_venue_conflicts_with_every_overlapping_booking(
    existing: list[Held], start: int, length: int
) -> None:
    end = min(1440, start + length)
    result = check(existing, start=start, end=end, units=1, capacity=1)
    overlapping = {h.id for h in existing if h.start < end and start < h.end}
    assert result.ok == (not overlapping)
    assert {h.id for h in result.conflicts} == overlapping


def test_two_bookings_that_do_not_overlap_each_other_share_the_capacity() -> None:
    existing = [Held(1, 480, 600, 2), Held(2, 600, 720, 2)]  # 08:00–10:00 and 10:00–12:00
    # A naive sum of the overlapping bookings (4) would refuse 2 more items of 4.
    assert fits(existing, start=540, end=660, units=2, capacity=4)
    refused = check(existing, start=540, end=660, units=3, capacity=4)
    assert not refused.ok
    assert [h.id for h in refused.conflicts] == [1, 2]


def test_touching_bookings_do_not_conflict() -> None:
    existing = [Held(7, 480, 600)]
    assert fits(existing, start=600, end=700, units=1, capacity=1)
    assert fits(existing, start=400, end=480, units=1, capacity=1)
    assert [h.id for h in check(existing, start=599, end=700, units=1, capacity=1).conflicts] == [7]


def test_more_units_than_the_capacity_never_fit() -> None:
    result = check([], start=0, end=60, units=3, capacity=2)
    assert not result.ok
    assert result.conflicts == ()


# --- free slots ----------------------------------------------------------------------------------

WEEKDAYS_8_TO_18 = WorkingCalendar.of(
    {str(d): (["08:00", "18:00"] if d <= 5 else None) for d in range(1, 8)}
)


def test_free_slots_start_at_opening_and_step_past_bookings() -> None:
    venue = Wanted("venue:1", 1, 1, {MONDAY: [Held(1, 480, 600)]})  # 08:00–10:00 taken
    slots = free_slots(
        [venue],
        minutes=120,
        first=MONDAY,
        last=MONDAY,
        calendar=WEEKDAYS_8_TO_18,
        step=60,
        limit=3,
    )
    assert slots == [Slot(MONDAY, 600, 720), Slot(MONDAY, 660, 780), Slot(MONDAY, 720, 840)]


def test_free_slots_need_every_resource_free_and_skip_closed_days() -> None:
    saturday = MONDAY + timedelta(days=5)
    venue = Wanted("venue:1", 1, 1, {MONDAY: [Held(1, 480, 1080)]})  # Monday taken all day
    lathes = Wanted(
        "equipment:2", 3, 2, {MONDAY + timedelta(days=1): [Held(2, 480, 720, 2)]}
    )  # Tuesday morning 2 of 3 lathes in use
    slots = free_slots(
        [venue, lathes],
        minutes=240,
        first=MONDAY,
        last=saturday,
        calendar=WEEKDAYS_8_TO_18,
        step=60,
        limit=2,
    )
    tuesday = MONDAY + timedelta(days=1)
    assert slots == [Slot(tuesday, 720, 960), Slot(tuesday, 780, 1020)]


def test_free_slots_respect_not_before_and_the_limit() -> None:
    slots = free_slots(
        [Wanted("venue:1", 1)],
        minutes=60,
        first=MONDAY,
        last=MONDAY + timedelta(days=1),
        calendar=WEEKDAYS_8_TO_18,
        step=30,
        limit=2,
        not_before=(MONDAY, 1000),
    )
    assert slots == [Slot(MONDAY, 1020, 1080), Slot(MONDAY + timedelta(days=1), 480, 540)]


@settings(max_examples=100)
@given(
    existing=bookings(max_units=2),
    minutes=st.integers(min_value=15, max_value=300),
    units=st.integers(min_value=1, max_value=3),
)
def test_every_free_slot_fits_and_lies_in_open_hours(
    existing: list[Held], minutes: int, units: int
) -> None:
    wanted = Wanted("equipment:1", 3, units, {MONDAY: existing})
    slots = free_slots(
        [wanted],
        minutes=minutes,
        first=MONDAY,
        last=MONDAY,
        calendar=WEEKDAYS_8_TO_18,
        step=30,
        limit=50,
    )
    for slot in slots:
        assert slot.start >= 480
        assert slot.end <= 1080
        assert slot.end - slot.start == minutes
        assert (slot.start - 480) % 30 == 0
        assert fits(existing, start=slot.start, end=slot.end, units=units, capacity=3)
    # No start on the grid that fits is missing before the last one found.
    found = {s.start for s in slots}
    for start in range(480, 1080 - minutes + 1, 30):
        if len(slots) < 50 and fits(
            existing, start=start, end=start + minutes, units=units, capacity=3
        ):
            assert start in found
