"""Login throttling, as a pure decision over the recent failures (no clock, no database).

Per account: after a few failures each further attempt must wait longer (2 s, 4 s, 8 s … up to a
minute), and after more the account is locked for a while. Per address: many failures from one
address lock that address, whichever accounts it tries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta = timedelta(minutes=15)
    slow_after: int = 3
    lock_after: int = 6
    lock_for: timedelta = timedelta(minutes=15)
    address_lock_after: int = 30
    max_delay_seconds: int = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_seconds: int = 0
    locked: bool = False  # a lock (rather than a short slow-down)
    by_address: bool = False


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


def decide(
    account_failures: Sequence[datetime],
    address_failures: Sequence[datetime],
    now: datetime,
    policy: ThrottlePolicy = ThrottlePolicy(),
) -> Decision:
    """May someone try to sign in now, given the failures so far (for the account, the address)?

    Both limits are worked out and the longer wait wins, so ``retry_after_seconds`` is never
    shorter than the time until a sign-in could really succeed.
    """
    refusals = [
        d
        for d in (
            _by_address(address_failures, now, policy),
            _by_account(account_failures, now, policy),
        )
        if not d.allowed
    ]
    if not refusals:
        return Decision(True)
    return max(refusals, key=lambda d: (d.retry_after_seconds, d.locked))


def _by_address(failures: Sequence[datetime], now: datetime, policy: ThrottlePolicy) -> Decision:
    recent = [t for t in failures if now - t < policy.window]
    if len(recent) >= policy.address_lock_after:
        unlock = max(recent) + policy.lock_for
        if now < unlock:
            return Decision(False, _seconds_until(unlock, now), locked=True, by_address=True)
    return Decision(True)


def _by_account(failures: Sequence[datetime], now: datetime, policy: ThrottlePolicy) -> Decision:
    recent = [t for t in failures if now - t < policy.window]
    if len(recent) >= policy.lock_after:
        unlock = max(recent) + policy.lock_for
        if now < unlock:
            return Decision(False, _seconds_until(unlock, now), locked=True)
    if len(recent) >= policy.slow_after:
        delay = min(policy.max_delay_seconds, 2 ** (len(recent) - policy.slow_after + 1))
        next_try = max(recent) + timedelta(seconds=delay)
        if now < next_try:
            return Decision(False, _seconds_until(next_try, now))
    return Decision(True)
