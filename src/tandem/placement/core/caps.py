"""Capacities (pure): the seats a host or a position offers, limited by the rule set's share of
the staff, and which of the two binds.

A host may take at most ``floor(cap_pct × on-post staff / 100)`` interns at once, less the
interns it already has for overlapping periods; a position at most ``floor(cap_pct × staff in
that post / 100)``. The same arithmetic as the compliance check ``intern_cap`` (which refuses
the intern that would make ``100 × interns > cap_pct × staff``), so a full cap here is exactly
where the check would start refusing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from math import floor


class Binding(StrEnum):
    SEATS = "seats"  # the seats offered are the limit
    STAFF_SHARE = "staff_share"  # the rule set's share of the staff is the limit
    UNKNOWN_STAFF = "unknown_staff"  # a share applies but the staff is not recorded: seats bind
    NO_RULE = "no_rule"  # no share applies to this kind of plan: seats bind


@dataclass(frozen=True, slots=True)
class Cap:
    capacity: int
    binding: Binding
    seats: int
    rule_limit: int | None = None  # the share's limit after others' interns; None: none applies
    staff: int | None = None
    cap_pct: Decimal | None = None
    others: int = 0  # interns the host has for overlapping periods under other plans

    def as_json(self) -> dict[str, object]:
        return {
            "capacity": self.capacity,
            "binding": self.binding.value,
            "seats": self.seats,
            "rule_limit": self.rule_limit,
            "staff": self.staff,
            "cap_pct": None if self.cap_pct is None else str(self.cap_pct),
            "others": self.others,
        }


def share_limit(staff: int, cap_pct: Decimal | int) -> int:
    """The most interns ``cap_pct`` per cent of ``staff`` allows (never negative)."""
    return max(0, floor(Decimal(cap_pct) * staff / 100))


def cap(seats: int, staff: int | None, cap_pct: Decimal | int | None, others: int = 0) -> Cap:
    """Seats limited by the share of the staff less ``others``; ties go to the seats."""
    seats = max(0, seats)
    if cap_pct is None:
        return Cap(seats, Binding.NO_RULE, seats, others=others)
    pct = Decimal(cap_pct)
    if staff is None:
        return Cap(seats, Binding.UNKNOWN_STAFF, seats, cap_pct=pct, others=others)
    limit = max(0, share_limit(staff, pct) - others)
    if limit < seats:
        return Cap(limit, Binding.STAFF_SHARE, seats, limit, staff, pct, others)
    return Cap(seats, Binding.SEATS, seats, limit, staff, pct, others)
