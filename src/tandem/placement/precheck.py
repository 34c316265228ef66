"""The pre-placement compliance check of a position: the rules that can be checked before a
student is known (pay, hours, venue, intensity, high risk, night and holiday work, duration).

The fact document is built from plain values (:func:`position_facts`), then evaluated with the
plan's rule set keeping only the rules whose facts are all facts a position knows
(:func:`position_rules`): no student, consent, insurance, agreement or intern-count rules — those
are checked when a student is placed. A fact a kept rule needs but the position leaves blank
(no pay entered, say) is a ``warn`` naming it, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, Final

from tandem.compliance.evaluator import evaluate, report
from tandem.compliance.facts import parse
from tandem.compliance.ruleset import RuleSet, load_ruleset
from tandem.kit.i18n import get_language
from tandem.kit.orm import utcnow
from tandem.placement.kinds import COMPLIANCE_KIND, PlanKind
from tandem.placement.models import PlacementPlan, Position

# Every fact a position (with its plan) knows.
POSITION_FACTS: Final = frozenset(
    {
        "host.venue_category",
        "post.labour_intensity",
        "post.high_risk",
        "post.restrictions",
        "post.wage",
        "post.staff",
        "terms.start",
        "terms.end",
        "terms.monthly_pay",
        "terms.hours_per_day",
        "terms.days_per_week",
        "terms.night_shift",
        "terms.holiday_work",
    }
)

# The host categories in use (cn-2021.toml); the rule set's prohibited ones are added to them.
VENUE_CATEGORIES: Final = (
    "manufacturing",
    "construction",
    "logistics",
    "retail",
    "hospitality",
    "catering",
    "healthcare",
    "it_services",
    "agriculture",
    "office",
    "other",
)


def venue_categories(ruleset_name: str) -> list[str]:
    """The categories a position's host may be: the usual ones, then any the rule set names
    as prohibited (so a prohibited venue can be entered, and is refused when published)."""
    found = list(VENUE_CATEGORIES)
    try:
        ruleset = load_ruleset(ruleset_name)
    except ValueError:
        return found
    for rule in ruleset.rules:
        for category in rule.params.get("prohibited", []) or []:
            if isinstance(category, str) and category not in found:
                found.append(category)
    return found


def position_rules(ruleset: RuleSet) -> RuleSet:
    """The rule set cut down to the rules a position alone can be checked against."""
    kept = tuple(rule for rule in ruleset.rules if set(rule.facts) <= POSITION_FACTS)
    return replace(ruleset, rules=kept)


def position_facts(
    *,
    plan_kind: str,
    term_start: date,
    term_end: date,
    venue_category: str = "",
    labour_intensity: int | None = None,
    high_risk: bool = False,
    restrictions: Iterable[str] = (),
    post_wage: Decimal | None = None,
    post_staff: int | None = None,
    monthly_pay: Decimal | None = None,
    hours_per_day: Decimal | None = None,
    days_per_week: Decimal | None = None,
    night_shift: bool = False,
    holiday_work: bool = False,
) -> dict[str, Any]:
    """The compliance fact document of a position (pure; blank values are left out)."""
    return {
        "kind": COMPLIANCE_KIND.get(PlanKind(plan_kind), "post"),
        "student": {},
        "host": {"venue_category": venue_category or None},
        "post": {
            "labour_intensity": labour_intensity,
            "high_risk": high_risk,
            "restrictions": sorted(restrictions),
            "wage": post_wage,
            "staff": post_staff,
        },
        "terms": {
            "start": term_start.isoformat(),
            "end": term_end.isoformat(),
            "monthly_pay": monthly_pay,
            "hours_per_day": hours_per_day,
            "days_per_week": days_per_week,
            "night_shift": night_shift,
            "holiday_work": holiday_work,
        },
    }


def check_facts(document: dict[str, Any], ruleset: RuleSet, lang: str) -> dict[str, Any]:
    """``{"ok", "violations"}`` for a position's document under the position's rules (pure)."""
    return report(evaluate(parse(document), position_rules(ruleset), lang))


def language() -> str:
    return "zh" if get_language().startswith("zh") else "en"


def facts_of(position: Position, plan: PlacementPlan) -> dict[str, Any]:
    return position_facts(
        plan_kind=plan.kind,
        term_start=plan.term_start,
        term_end=plan.term_end,
        venue_category=position.venue_category,
        labour_intensity=position.labour_intensity,
        high_risk=position.high_risk,
        restrictions=position.restrictions or [],
        post_wage=position.post_wage,
        post_staff=position.post_staff,
        monthly_pay=position.monthly_pay,
        hours_per_day=position.hours_per_day,
        days_per_week=position.days_per_week,
        night_shift=position.night_shift,
        holiday_work=position.holiday_work,
    )


def check_position(position: Position, plan: PlacementPlan) -> dict[str, Any]:
    """The stored result of the check: ``ok``, ``violations`` (rule, severity, message,
    source), the rule set, the language and when it ran."""
    lang = language()
    result = check_facts(facts_of(position, plan), load_ruleset(plan.ruleset), lang)
    return result | {"ruleset": plan.ruleset, "lang": lang, "checked_at": utcnow().isoformat()}


def blocking(result: dict[str, Any]) -> list[dict[str, str]]:
    return [v for v in result.get("violations", []) if v.get("severity") == "block"]
