"""What each rule tests (pure). A rule file names one of these checks and gives its parameters.

A check returns None when the document passes, or the values its message quotes when it fails.
It reads facts with ``f.get`` (raises :class:`Missing` for an absent fact) only when the fact can
change the outcome: a rule "A and B" passes as soon as one side is known false, a rule "A or B"
fails as soon as one side is known true; only then is a missing fact reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tandem.compliance.facts import ABSENT, Facts, Missing
from tandem.kit.dates import add_months
from tandem.kit.identifiers import age_on

Params = Mapping[str, Any]
Result = dict[str, Any] | None
Check = Callable[[Facts, Params], Result]

CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register


def _age(f: Facts) -> int:
    return age_on(f.get("student.birth_date"), f.get("terms.start"))


def _all_of(*sides: Callable[[], bool]) -> bool:
    """True when every side holds; False as soon as one is known false (Kleene "and")."""
    missing: Missing | None = None
    for side in sides:
        try:
            if not side():
                return False
        except Missing as absent:
            missing = missing or absent
    if missing is not None:
        raise missing
    return True


def _any_of(*sides: Callable[[], bool]) -> bool:
    """True as soon as one side is known true (Kleene "or")."""
    missing: Missing | None = None
    for side in sides:
        try:
            if side():
                return True
        except Missing as absent:
            missing = missing or absent
    if missing is not None:
        raise missing
    return False


# --- the student --------------------------------------------------------------------------------


@check("min_age")
def min_age(f: Facts, p: Params) -> Result:
    age = _age(f)
    return {"age": age} if age < p["min_age"] else None


@check("min_year_of_study")
def min_year_of_study(f: Facts, p: Params) -> Result:
    year = f.get("student.year_of_study")
    return {"year": year} if year < p["min_year"] else None


@check("restricted_for_minors")
def restricted_for_minors(f: Facts, p: Params) -> Result:
    failed = _all_of(
        lambda: p["restriction"] in f.get("post.restrictions"),
        lambda: _age(f) < p["adult_age"],
    )
    return {"age": _age(f)} if failed else None


@check("restricted_for_women")
def restricted_for_women(f: Facts, p: Params) -> Result:
    failed = _all_of(
        lambda: p["restriction"] in f.get("post.restrictions"),
        lambda: f.get("student.gender") == "F",
    )
    return {} if failed else None


@check("guardian_consent")
def guardian_consent(f: Facts, p: Params) -> Result:
    failed = _all_of(
        lambda: f.get("student.guardian_consent") is False,
        lambda: _age(f) < p["adult_age"],
    )
    return {"age": _age(f)} if failed else None


# --- the host and the post ----------------------------------------------------------------------


@check("venue_category")
def venue_category(f: Facts, p: Params) -> Result:
    category = f.get("host.venue_category")
    return {"category": category} if category in p["prohibited"] else None


@check("fact_is_true")
def fact_is_true(f: Facts, p: Params) -> Result:
    return {} if f.get(p["fact"]) is True else None


@check("fact_is_false")
def fact_is_false(f: Facts, p: Params) -> Result:
    return {} if f.get(p["fact"]) is False else None


@check("labour_intensity")
def labour_intensity(f: Facts, p: Params) -> Result:
    level = f.get("post.labour_intensity")
    return {"level": level} if level >= p["barred_from_level"] else None


@check("intern_cap")
def intern_cap(f: Facts, p: Params) -> Result:
    """100 × (interns + 1) > cap_pct × staff: this placement would take interns over the cap."""
    interns, staff = f.get(p["interns"]), f.get(p["staff"])
    if 100 * (interns + 1) > p["cap_pct"] * staff:
        return {"interns": interns + 1, "staff": staff}
    return None


# --- the terms ----------------------------------------------------------------------------------


@check("pay_share")
def pay_share(f: Facts, p: Params) -> Result:
    pay, wage = f.get("terms.monthly_pay"), f.get("post.wage")
    return {"pay": pay, "wage": wage} if 100 * pay < p["min_share_pct"] * wage else None


@check("pay_cycle")
def pay_cycle(f: Facts, p: Params) -> Result:
    failed = _any_of(
        lambda: f.get("terms.pay_cycle_days") > p["max_days"],
        lambda: f.get("terms.paid_in_money") is False,
    )
    return {} if failed else None


@check("fees")
def fees(f: Facts, p: Params) -> Result:
    charged = f.get("terms.fees")
    return {"count": len(charged)} if charged else None


@check("working_hours")
def working_hours(f: Facts, p: Params) -> Result:
    def daily() -> bool:
        return bool(f.get("terms.hours_per_day") > p["max_hours_per_day"])

    def weekly() -> bool:
        hours = f.get("terms.hours_per_day") * f.get("terms.days_per_week")
        return bool(hours > p["max_hours_per_week"])

    return {} if _any_of(daily, weekly) else None


@check("duration_at_most")
def duration_at_most(f: Facts, p: Params) -> Result:
    """Warn when the end is on or after the start plus ``months`` calendar months."""
    start, end = f.get("terms.start"), f.get("terms.end")
    limit = add_months(start, p["months"])
    return {"limit": limit} if end >= limit else None


@check("duration_at_least")
def duration_at_least(f: Facts, p: Params) -> Result:
    """Fail when [start, end] spans less than ``months`` calendar months (end before
    start + months − 1 day)."""
    start, end = f.get("terms.start"), f.get("terms.end")
    earliest = add_months(start, p["months"]) - timedelta(days=1)
    return {"earliest": earliest} if end < earliest else None


# --- insurance ----------------------------------------------------------------------------------


def _uncovered_day(policies: tuple[dict[str, Any], ...], first: date, last: date) -> date | None:
    """The first day in [first, last] that no policy covers (adjacent policies join)."""
    spans = []
    for policy in policies:
        for key in ("start", "end"):
            if policy[key] is ABSENT:
                raise Missing(f"{policy['path']}.{key}")
        spans.append((policy["start"], policy["end"]))
    covered_to = first - timedelta(days=1)  # every day up to here is covered
    for start, end in sorted(spans):
        if start > covered_to + timedelta(days=1):
            break
        covered_to = max(covered_to, end)
        if covered_to >= last:
            return None
    day = covered_to + timedelta(days=1)
    return day if day <= last else None


@check("insurance_covers")
def insurance_covers(f: Facts, p: Params) -> Result:
    policies = f.get("terms.insurance")
    start, end = f.get("terms.start"), f.get("terms.end")
    if not policies:
        return {"day": start}
    day = _uncovered_day(policies, start, end)
    return {"day": day} if day is not None else None


@check("insurance_payer")
def insurance_payer(f: Facts, p: Params) -> Result:
    missing = None
    for policy in f.get("terms.insurance"):
        if policy["paid_by"] is ABSENT:
            missing = missing or Missing(f"{policy['path']}.paid_by")
        elif policy["paid_by"] == p["payer"]:
            return {}
    if missing is not None:
        raise missing
    return None


# --- other rule sets ----------------------------------------------------------------------------


@check("number_between")
def number_between(f: Facts, p: Params) -> Result:
    value = f.get(p["fact"])
    return {"value": value} if not p["min"] <= value <= p["max"] else None


@check("min_pay_by_year")
def min_pay_by_year(f: Facts, p: Params) -> Result:
    table: Mapping[str, Any] = p["minimum_by_year"]
    year = min(max(f.get("student.training_year"), 1), max(int(k) for k in table))
    minimum = Decimal(str(table[str(year)]))
    pay = f.get("terms.monthly_pay")
    return {"pay": pay, "minimum": minimum, "year": year} if pay < minimum else None


@check("minor_number_above")
def minor_number_above(f: Facts, p: Params) -> Result:
    """A minor on the start date with ``fact`` above ``max``."""
    failed = _all_of(
        lambda: f.get(p["fact"]) > p["max"],
        lambda: _age(f) < p["adult_age"],
    )
    return {"value": f.get(p["fact"])} if failed else None


@check("minor_weekly_hours")
def minor_weekly_hours(f: Facts, p: Params) -> Result:
    def over() -> bool:
        return bool(f.get("terms.hours_per_day") * f.get("terms.days_per_week") > p["max"])

    failed = _all_of(over, lambda: _age(f) < p["adult_age"])
    return {} if failed else None


@check("minor_work_window")
def minor_work_window(f: Facts, p: Params) -> Result:
    def outside() -> bool:
        start, end = f.get("terms.work_window")
        return bool(start < p["earliest_min"] or end > p["latest_min"])

    failed = _all_of(outside, lambda: _age(f) < p["adult_age"])
    return {} if failed else None


@check("off_the_job_hours")
def off_the_job_hours(f: Facts, p: Params) -> Result:
    def full_time() -> bool:
        weekly = f.get("terms.hours_per_day") * f.get("terms.days_per_week")
        return bool(weekly >= p["full_time_hours"])

    failed = _all_of(lambda: f.get("terms.off_the_job_hours_per_week") < p["min_hours"], full_time)
    return {"hours": f.get("terms.off_the_job_hours_per_week")} if failed else None
