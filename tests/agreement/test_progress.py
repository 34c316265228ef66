"""Committed versus delivered (pure): examples and properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tandem.agreement.progress import Progress, due_dates, standing

START, END = date(2026, 1, 1), date(2026, 12, 31)


def test_a_per_term_commitment_falls_due_at_each_term_end() -> None:
    assert due_dates("term", START, END) == [date(2026, 7, 1), END]
    assert due_dates("once", START, END) == [END]
    assert len(due_dates("month", START, END)) == 12


def test_behind_when_less_is_delivered_than_has_fallen_due() -> None:
    result = standing(
        quantity=Decimal(20),
        period="term",
        starts_on=START,
        due_on=END,
        delivered=Decimal(15),
        today=date(2026, 8, 1),
    )
    assert result.committed == 40
    assert result.due_so_far == 20
    assert result.progress == Progress.BEHIND
    assert result.shortfall == 5
    assert result.percent == 37


def test_on_track_met_and_not_started() -> None:
    def at(delivered: int, today: date) -> Progress:
        return standing(
            quantity=Decimal(20),
            period="term",
            starts_on=START,
            due_on=END,
            delivered=Decimal(delivered),
            today=today,
        ).progress

    assert at(20, date(2026, 8, 1)) == Progress.ON_TRACK
    assert at(0, date(2026, 3, 1)) == Progress.ON_TRACK  # nothing due yet
    assert at(40, date(2026, 3, 1)) == Progress.MET
    assert at(0, date(2025, 12, 1)) == Progress.NOT_STARTED


periods = st.sampled_from(["once", "month", "term", "year"])


@given(
    period=periods,
    days=st.integers(0, 3000),
    quantity=st.integers(1, 1000),
    delivered=st.integers(0, 100_000),
    offset=st.integers(-400, 4000),
)
def test_standing_is_consistent(
    period: str, days: int, quantity: int, delivered: int, offset: int
) -> None:
    due_on = START + timedelta(days=days)
    today = START + timedelta(days=offset)
    result = standing(
        quantity=Decimal(quantity),
        period=period,
        starts_on=START,
        due_on=due_on,
        delivered=Decimal(delivered),
        today=today,
    )
    dates = due_dates(period, START, due_on)
    assert dates == sorted(dates)
    assert dates[-1] == due_on
    assert 0 <= result.due_so_far <= result.committed
    assert (result.progress == Progress.MET) == (delivered >= result.committed)
    if result.progress == Progress.BEHIND:
        assert result.shortfall > 0
    if today >= due_on and result.progress != Progress.MET:
        assert result.progress == Progress.BEHIND  # everything has fallen due


@given(period=periods, delivered=st.integers(0, 500), later=st.integers(0, 800))
def test_more_time_never_improves_the_standing(period: str, delivered: int, later: int) -> None:
    def due(today: date) -> Decimal:
        return standing(
            quantity=Decimal(10),
            period=period,
            starts_on=START,
            due_on=END,
            delivered=Decimal(delivered),
            today=today,
        ).due_so_far

    assert due(START + timedelta(days=later)) <= due(START + timedelta(days=later + 30))
