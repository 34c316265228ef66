"""Hypothesis: each threshold rule fails exactly where an independent statement of it says so."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compliance.helpers import CLEAN, doc, set_fact, violations

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))
MONEY = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)


def birthday_in(born: date, year: int) -> date:
    """The birthday in ``year``; 29 February falls on 1 March in a common year."""
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return born.replace(year=year)


def under(age: int, born: date, on: date) -> bool:
    return on < birthday_in(born, born.year + age)


def plus_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def failed(rule: str, document: dict[str, Any], rules: str = "cn-2021") -> bool:
    return rule in violations(document, rules)


@settings(max_examples=150)
@given(born=DAYS, start=DAYS)
def test_min_age(born: date, start: date) -> None:
    document = doc(("student.birth_date", born.isoformat()), ("terms.start", start.isoformat()))
    assert failed("cn2021.min_age", document) == under(16, born, start)


@settings(max_examples=150)
@given(born=DAYS, start=DAYS, restricted=st.booleans(), consent=st.booleans())
def test_minor_rules(born: date, start: date, restricted: bool, consent: bool) -> None:
    document = doc(
        ("student.birth_date", born.isoformat()),
        ("terms.start", start.isoformat()),
        ("post.restrictions", ["minor_prohibited"] if restricted else []),
        ("student.guardian_consent", consent),
    )
    minor = under(18, born, start)
    assert failed("cn2021.minor_prohibited_work", document) == (minor and restricted)
    assert failed("cn2021.no_guardian_consent", document) == (minor and not consent)


@given(pay=MONEY, wage=MONEY)
def test_pay_floor_is_exact(pay: Decimal, wage: Decimal) -> None:
    document = doc(("terms.monthly_pay", str(pay)), ("post.wage", str(wage)))
    document["terms"]["monthly_pay"] = (
        float(pay) if pay == pay.to_integral() else document["terms"]["monthly_pay"]
    )
    document = set_fact(document, "terms.monthly_pay", pay)
    document = set_fact(document, "post.wage", wage)
    assert failed("cn2021.pay_below_80_percent", document) == (5 * pay < 4 * wage)


@given(interns=st.integers(0, 5000), staff=st.integers(0, 50000))
def test_intern_caps(interns: int, staff: int) -> None:
    host = doc(("host.interns", interns), ("host.on_post_staff", staff))
    assert failed("cn2021.host_intern_cap", host) == (100 * (interns + 1) > 10 * staff)
    post = doc(("post.interns", interns), ("post.staff", staff))
    assert failed("cn2021.post_intern_cap", post) == (100 * (interns + 1) > 20 * staff)


@given(
    hours=st.decimals(min_value=0, max_value=24, places=2, allow_nan=False),
    days=st.integers(0, 7),
)
def test_overtime(hours: Decimal, days: int) -> None:
    document = doc(("terms.hours_per_day", hours), ("terms.days_per_week", days))
    assert failed("cn2021.overtime", document) == (hours > 8 or hours * days > 40)


@given(level=st.integers(0, 5), cycle=st.integers(1, 120), money=st.booleans())
def test_labour_and_pay_cycle(level: int, cycle: int, money: bool) -> None:
    document = doc(
        ("post.labour_intensity", level),
        ("terms.pay_cycle_days", cycle),
        ("terms.paid_in_money", money),
    )
    assert failed("cn2021.labour_intensity", document) == (level >= 3)
    assert failed("cn2021.pay_cycle", document) == (cycle > 31 or not money)


@settings(max_examples=150)
@given(start=DAYS, length=st.integers(0, 400))
def test_duration_warns_from_six_calendar_months(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    document = doc(
        ("terms.start", start.isoformat()),
        ("terms.end", end.isoformat()),
        ("terms.insurance", None),
    )
    assert failed("cn2021.duration", document) == (end >= plus_months(start, 6))


SPANS = st.lists(st.tuples(st.integers(-10, 60), st.integers(0, 40)), max_size=5)


@settings(max_examples=200)
@given(spans=SPANS, length=st.integers(0, 50))
def test_insurance_covers_every_day(spans: list[tuple[int, int]], length: int) -> None:
    first = date(2026, 3, 1)
    last = first + timedelta(days=length)
    policies = [
        {
            "start": (first + timedelta(days=offset)).isoformat(),
            "end": (first + timedelta(days=offset + span)).isoformat(),
            "paid_by": "college",
        }
        for offset, span in spans
    ]
    covered = {
        first + timedelta(days=offset + d) for offset, span in spans for d in range(span + 1)
    }
    needed = {first + timedelta(days=d) for d in range(length + 1)}
    document = doc(
        ("terms.start", first.isoformat()),
        ("terms.end", last.isoformat()),
        ("terms.insurance", policies),
    )
    assert failed("cn2021.no_insurance", document) == (not needed <= covered)


@given(months=st.decimals(min_value=0, max_value=12, places=1, allow_nan=False))
def test_probation(months: Decimal) -> None:
    document = set_fact(CLEAN, "terms.probation_months", months)
    assert failed("debbig.probation", document, "de-bbig") == (not 1 <= months <= 4)


@settings(max_examples=150)
@given(start=DAYS, length=st.integers(0, 400))
def test_apprenticeship_minimum_duration(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    document = doc(("terms.start", start.isoformat()), ("terms.end", end.isoformat()))
    earliest = plus_months(start, 8) - timedelta(days=1)
    assert failed("enapp.min_duration", document, "en-apprenticeship") == (end < earliest)
