"""The insurance coverage core: examples, and properties over random policies and periods."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tandem.placement.core.coverage import (
    PolicySpan,
    Span,
    coverage,
    ends_within,
    merge,
    runs_out_within,
)

D = date


def test_no_policy_leaves_the_whole_period_uncovered() -> None:
    cover = coverage([], D(2027, 3, 1), D(2027, 8, 31))
    assert not cover.complete
    assert cover.gaps == (Span(D(2027, 3, 1), D(2027, 8, 31)),)
    assert cover.first_uncovered == D(2027, 3, 1)
    assert cover.covered == ()


def test_adjacent_policies_join_without_a_gap() -> None:
    policies = [
        PolicySpan(D(2027, 3, 1), D(2027, 5, 31), "college"),
        PolicySpan(D(2027, 6, 1), D(2027, 8, 31), "host"),
    ]
    cover = coverage(policies, D(2027, 3, 1), D(2027, 8, 31))
    assert cover.complete
    assert cover.first_uncovered is None
    assert cover.covered == (Span(D(2027, 3, 1), D(2027, 8, 31)),)


def test_gaps_at_the_start_the_middle_and_the_end() -> None:
    policies = [
        (D(2027, 3, 10), D(2027, 4, 30), "college"),
        (D(2027, 6, 1), D(2027, 6, 30), "college"),
    ]
    cover = coverage(policies, D(2027, 3, 1), D(2027, 8, 31))
    assert cover.gaps == (
        Span(D(2027, 3, 1), D(2027, 3, 9)),
        Span(D(2027, 5, 1), D(2027, 5, 31)),
        Span(D(2027, 7, 1), D(2027, 8, 31)),
    )
    assert cover.first_uncovered == D(2027, 3, 1)
    assert cover.uncovered_days == 9 + 31 + 62
    assert [covered for _, covered in cover.segments()] == [False, True, False, True, False]
    assert cover.covered_through(D(2027, 3, 15)) == D(2027, 4, 30)
    assert cover.covered_through(D(2027, 5, 15)) is None


def test_policies_outside_the_period_and_reversed_ones_cover_nothing() -> None:
    policies = [
        (D(2026, 1, 1), D(2026, 12, 31), "college"),
        (D(2027, 5, 1), D(2027, 4, 1), "college"),  # ends before it starts
    ]
    cover = coverage(policies, D(2027, 3, 1), D(2027, 3, 31))
    assert cover.gaps == (Span(D(2027, 3, 1), D(2027, 3, 31)),)


def test_ends_within_counts_from_today_included() -> None:
    today = D(2027, 6, 1)
    assert ends_within(D(2027, 6, 1), 14, today)
    assert ends_within(D(2027, 6, 15), 14, today)
    assert not ends_within(D(2027, 6, 16), 14, today)
    assert not ends_within(D(2027, 5, 31), 14, today)  # already over


def test_runs_out_within_looks_at_the_next_gap_only() -> None:
    cover = coverage([(D(2027, 3, 1), D(2027, 6, 10), "c")], D(2027, 3, 1), D(2027, 8, 31))
    assert runs_out_within(cover, 14, D(2027, 6, 1))  # the gap starts on 11 June
    assert not runs_out_within(cover, 14, D(2027, 5, 1))
    assert runs_out_within(cover, 14, D(2027, 7, 1))  # already uncovered
    full = coverage([(D(2027, 3, 1), D(2027, 8, 31), "c")], D(2027, 3, 1), D(2027, 8, 31))
    assert not runs_out_within(full, 14, D(2027, 8, 30))


def test_a_reversed_span_is_refused() -> None:
    try:
        Span(D(2027, 3, 2), D(2027, 3, 1))
    except ValueError:
        return
    raise AssertionError("a span ending before it starts must be refused")


# --- properties -----------------------------------------------------------------------------------

BASE = D(2027, 1, 1)
offsets = st.integers(min_value=0, max_value=120)


@st.composite
def periods(draw: st.DrawFn) -> Span:
    start = draw(offsets)
    length = draw(st.integers(min_value=0, max_value=90))
    return Span(BASE + timedelta(days=start), BASE + timedelta(days=start + length))


@st.composite
def policy_lists(draw: st.DrawFn) -> list[PolicySpan]:
    count = draw(st.integers(min_value=0, max_value=6))
    result = []
    for _ in range(count):
        start = draw(st.integers(min_value=-20, max_value=200))
        length = draw(st.integers(min_value=-3, max_value=80))  # some reversed: cover nothing
        result.append(
            PolicySpan(BASE + timedelta(days=start), BASE + timedelta(days=start + length), "c")
        )
    return result


def _days(span: Span) -> list[date]:
    return [span.start + timedelta(days=i) for i in range(span.days)]


def _covered_by_some_policy(day: date, policies: list[PolicySpan]) -> bool:
    return any(p.start <= day <= p.end for p in policies)


@given(policy_lists(), periods())
def test_gaps_and_covered_days_partition_the_period(
    policies: list[PolicySpan], period: Span
) -> None:
    cover = coverage(policies, period.start, period.end)
    covered = [day for span in cover.covered for day in _days(span)]
    gaps = [day for span in cover.gaps for day in _days(span)]
    assert sorted(covered + gaps) == _days(period)  # every day once: no overlap, nothing lost
    assert len(set(covered + gaps)) == period.days
    assert cover.complete == (not gaps)


@given(policy_lists(), periods())
def test_no_gap_day_lies_within_a_policy_and_every_covered_day_does(
    policies: list[PolicySpan], period: Span
) -> None:
    cover = coverage(policies, period.start, period.end)
    for gap in cover.gaps:
        for day in _days(gap):
            assert not _covered_by_some_policy(day, policies)
    for span in cover.covered:
        for day in _days(span):
            assert _covered_by_some_policy(day, policies)


@given(policy_lists(), periods())
def test_ranges_are_ordered_disjoint_and_the_first_uncovered_day_is_the_earliest(
    policies: list[PolicySpan], period: Span
) -> None:
    cover = coverage(policies, period.start, period.end)
    segments = cover.segments()
    for (one, covered_one), (two, covered_two) in itertools.pairwise(segments):
        assert one.end + timedelta(days=1) == two.start  # contiguous, in order
        assert covered_one != covered_two  # alternating: neighbours are merged
    first = next((d for d in _days(period) if not _covered_by_some_policy(d, policies)), None)
    assert cover.first_uncovered == first


@given(st.lists(periods(), max_size=8))
def test_merge_gives_disjoint_non_touching_ranges_with_the_same_days(spans: list[Span]) -> None:
    merged = merge(spans)
    for one, two in itertools.pairwise(merged):
        assert one.end + timedelta(days=1) < two.start
    assert {d for s in merged for d in _days(s)} == {d for s in spans for d in _days(s)}
