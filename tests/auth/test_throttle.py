"""Properties of the pure login-throttling decision (no clock, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.auth.throttle import Decision, ThrottlePolicy, decide

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DEFAULT = ThrottlePolicy()

# Seconds before NOW: within the window (strictly) or well outside it.
_within = st.integers(min_value=0, max_value=int(DEFAULT.window.total_seconds()) - 1)
_outside = st.integers(min_value=int(DEFAULT.window.total_seconds()), max_value=6 * 3600)


def _at(seconds_ago: list[int], now: datetime = NOW) -> list[datetime]:
    return [now - timedelta(seconds=s) for s in seconds_ago]


def _restriction(decision: Decision) -> tuple[int, int]:
    """An order on decisions: not allowed is more restrictive, then a longer wait is."""
    return (0 if decision.allowed else 1, decision.retry_after_seconds)


@st.composite
def policies(draw: st.DrawFn) -> ThrottlePolicy:
    slow_after = draw(st.integers(min_value=1, max_value=6))
    lock_after = draw(st.integers(min_value=slow_after, max_value=10))
    max_delay = draw(st.integers(min_value=1, max_value=120))
    window = timedelta(minutes=draw(st.integers(min_value=1, max_value=60)))
    # A lock that lasts at least as long as the longest slow-down (the policy's intent).
    lock_for = timedelta(seconds=draw(st.integers(min_value=max_delay, max_value=3600)))
    return ThrottlePolicy(
        window=window,
        slow_after=slow_after,
        lock_after=lock_after,
        lock_for=lock_for,
        address_lock_after=draw(st.integers(min_value=1, max_value=40)),
        max_delay_seconds=max_delay,
    )


# --- properties ----------------------------------------------------------------------------------


@given(
    account=st.lists(_within, max_size=12),
    address=st.lists(_within, max_size=40),
    old_account=st.lists(_outside, min_size=1, max_size=20),
    old_address=st.lists(_outside, max_size=40),
)
def test_failures_older_than_the_window_never_matter(
    account: list[int], address: list[int], old_account: list[int], old_address: list[int]
) -> None:
    plain = decide(_at(account), _at(address), NOW)
    padded = decide(_at(account + old_account), _at(address + old_address), NOW)
    assert padded == plain


@given(
    account=st.lists(_within, max_size=12),
    address=st.lists(_within, max_size=5),
    extra=_within,
)
def test_an_extra_account_failure_never_loosens_the_decision(
    account: list[int], address: list[int], extra: int
) -> None:
    before = decide(_at(account), _at(address), NOW)
    after = decide(_at([*account, extra]), _at(address), NOW)
    assert _restriction(after) >= _restriction(before)
    if not before.allowed:
        assert not after.allowed
        assert after.retry_after_seconds >= before.retry_after_seconds


@given(account=st.lists(_within, max_size=12), extra=_within)
def test_an_extra_failure_from_both_sides_never_loosens_the_decision(
    account: list[int], extra: int
) -> None:
    """A failed sign-in is recorded for the account and the address at once."""
    before = decide(_at(account), _at(account), NOW)
    after = decide(_at([*account, extra]), _at([*account, extra]), NOW)
    assert _restriction(after) >= _restriction(before)


@given(address=st.lists(_within, min_size=25, max_size=35), extra=_within)
def test_an_extra_address_failure_never_loosens_the_decision(
    address: list[int], extra: int
) -> None:
    before = decide([], _at(address), NOW)
    after = decide([], _at([*address, extra]), NOW)
    assert _restriction(after) >= _restriction(before), (before, after)


def test_address_lock_does_not_shorten_a_longer_account_lock() -> None:
    account = _at([60] * 6)  # account locked until 14 minutes from now
    address = _at([600] * 29)  # one short of an address lock that would end in 5 minutes
    before = decide(account, address, NOW)
    assert before == Decision(False, 840, locked=True)
    after = decide(account, [*address, NOW - timedelta(seconds=600)], NOW)
    assert not after.allowed
    assert after.retry_after_seconds >= before.retry_after_seconds


@given(
    policy=policies(),
    account=st.lists(st.integers(min_value=0, max_value=7200), max_size=15),
    address=st.lists(st.integers(min_value=0, max_value=7200), max_size=45),
    later=st.integers(min_value=0, max_value=7200),
)
def test_allowed_once_lock_for_has_passed_since_the_last_failure(
    policy: ThrottlePolicy, account: list[int], address: list[int], later: int
) -> None:
    failures = _at(account) + _at(address)
    last = max(failures, default=NOW)
    now = last + policy.lock_for + timedelta(seconds=later)
    assert decide(_at(account), _at(address), now, policy).allowed


@settings(max_examples=200)
@given(policy=policies(), data=st.data())
def test_below_slow_after_always_allowed(policy: ThrottlePolicy, data: st.DataObject) -> None:
    window = int(policy.window.total_seconds())
    within = st.integers(min_value=0, max_value=window - 1)
    account = data.draw(st.lists(within, max_size=policy.slow_after - 1))
    address = data.draw(st.lists(within, max_size=policy.address_lock_after - 1))
    assert decide(_at(account), _at(address), NOW, policy) == Decision(True)


@given(policy=policies(), data=st.data())
def test_address_is_locked_at_address_lock_after(
    policy: ThrottlePolicy, data: st.DataObject
) -> None:
    recent = min(int(policy.window.total_seconds()), int(policy.lock_for.total_seconds())) - 1
    ages = data.draw(
        st.lists(
            st.integers(min_value=0, max_value=recent),
            min_size=policy.address_lock_after,
            max_size=policy.address_lock_after,
        )
    )
    locked = decide([], _at(ages), NOW, policy)
    assert not locked.allowed
    assert locked.locked
    assert locked.by_address
    expected = policy.lock_for - timedelta(seconds=min(ages))
    assert locked.retry_after_seconds == int(expected.total_seconds())
    # One failure fewer, and no failures for the account itself: the address may try.
    assert decide([], _at(ages[1:]), NOW, policy).allowed


@given(account=st.lists(_within, max_size=12), address=st.lists(_within, max_size=40))
def test_a_refusal_always_says_how_long_to_wait(account: list[int], address: list[int]) -> None:
    decision = decide(_at(account), _at(address), NOW)
    if decision.allowed:
        assert decision == Decision(True)
    else:
        assert 1 <= decision.retry_after_seconds <= DEFAULT.lock_for.total_seconds()
        assert decision.locked or decision.retry_after_seconds <= DEFAULT.max_delay_seconds


# --- exact examples ------------------------------------------------------------------------------


def test_two_failures_are_free() -> None:
    assert decide(_at([0, 0]), _at([0, 0]), NOW) == Decision(True)


def test_the_third_failure_means_waiting_two_seconds() -> None:
    assert decide(_at([0, 0, 0]), [], NOW) == Decision(False, 2)
    assert decide(_at([0, 0, 0]), [], NOW + timedelta(seconds=1)) == Decision(False, 1)
    assert decide(_at([0, 0, 0]), [], NOW + timedelta(seconds=2)).allowed


def test_each_further_failure_doubles_the_wait() -> None:
    assert decide(_at([0] * 4), [], NOW).retry_after_seconds == 4
    assert decide(_at([0] * 5), [], NOW).retry_after_seconds == 8


def test_the_delay_is_capped_at_max_delay() -> None:
    policy = ThrottlePolicy(lock_after=50)
    assert decide(_at([0] * 20), [], NOW, policy) == Decision(False, 60)


def test_six_failures_lock_the_account_for_fifteen_minutes() -> None:
    decision = decide(_at([0] * 6), [], NOW)
    assert decision == Decision(False, 900, locked=True, by_address=False)
    later = decide(_at([0] * 6), [], NOW + timedelta(minutes=14, seconds=59))
    assert later == Decision(False, 1, locked=True)
    assert decide(_at([0] * 6), [], NOW + timedelta(minutes=15)).allowed


def test_the_lock_counts_from_the_last_failure() -> None:
    decision = decide(_at([600, 500, 400, 300, 200, 100]), [], NOW)
    assert decision.locked
    assert decision.retry_after_seconds == 800


def test_partial_seconds_are_rounded_up() -> None:
    failures = [NOW - timedelta(milliseconds=500)] * 3
    assert decide(failures, [], NOW).retry_after_seconds == 2
    failures = [NOW - timedelta(milliseconds=1500)] * 3
    assert decide(failures, [], NOW).retry_after_seconds == 1


def test_thirty_failures_from_one_address_lock_it() -> None:
    decision = decide([], _at([30] * 30), NOW)
    assert decision == Decision(False, 870, locked=True, by_address=True)
    assert decide([], _at([30] * 29), NOW).allowed
