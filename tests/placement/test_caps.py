"""Property tests of the capacity core (pure): a capacity never exceeds the seats nor the
share of the staff (less others' interns), and the binding names the limit that decides it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tandem.placement.core.caps import Binding, cap, share_limit

seats = st.integers(min_value=-5, max_value=500)
staff = st.none() | st.integers(min_value=0, max_value=5000)
pct = st.none() | st.decimals(min_value=0, max_value=100, places=1)
others = st.integers(min_value=0, max_value=200)


@given(seats, staff, pct, others)
def test_capacity_never_exceeds_the_seats_nor_the_share(
    offered: int, people: int | None, share: Decimal | None, taken: int
) -> None:
    found = cap(offered, people, share, taken)
    assert 0 <= found.capacity <= max(0, offered)
    if share is not None and people is not None:
        assert found.capacity <= max(0, share_limit(people, share) - taken)
        # the cap is exactly where the compliance check starts refusing
        interns = found.capacity + taken
        if found.binding == Binding.STAFF_SHARE and found.capacity > 0:
            assert 100 * interns <= share * people
            assert 100 * (interns + 1) > share * people


@given(seats, staff, pct, others)
def test_the_binding_is_the_limit_that_decides(
    offered: int, people: int | None, share: Decimal | None, taken: int
) -> None:
    found = cap(offered, people, share, taken)
    offered = max(0, offered)
    if share is None:
        assert found.binding == Binding.NO_RULE
        assert found.capacity == offered
    elif people is None:
        assert found.binding == Binding.UNKNOWN_STAFF
        assert found.capacity == offered
    else:
        limit = max(0, share_limit(people, share) - taken)
        assert found.rule_limit == limit
        if limit < offered:
            assert found.binding == Binding.STAFF_SHARE
            assert found.capacity == limit
        else:
            assert found.binding == Binding.SEATS
            assert found.capacity == offered


@given(st.integers(min_value=0, max_value=5000), st.decimals(min_value=0, max_value=100, places=2))
def test_the_share_limit_is_the_largest_allowed(people: int, share: Decimal) -> None:
    limit = share_limit(people, share)
    assert limit >= 0
    assert 100 * limit <= share * people
    assert 100 * (limit + 1) > share * people


def test_examples() -> None:
    assert cap(5, 30, 10).capacity == 3
    assert cap(5, 30, 10, 1).as_json()["rule_limit"] == 2
    assert cap(2, 200, 10).binding == Binding.SEATS
    assert cap(3, 30, 10).binding == Binding.SEATS  # a tie goes to the seats
