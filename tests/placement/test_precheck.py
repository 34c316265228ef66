"""The pre-placement check (pure): the fact document of a position, the rules a position can
be checked against (none about a student, consent, insurance, agreement or intern counts),
and the result in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from tandem.compliance.ruleset import load_ruleset
from tandem.kit.i18n import set_language
from tandem.placement import precheck
from tests.placement.world import PlacementWorld

START, END = date(2027, 3, 1), date(2027, 8, 31)


def _facts(**fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "plan_kind": "post",
        "term_start": START,
        "term_end": END,
        "venue_category": "manufacturing",
        "labour_intensity": 2,
        "post_wage": Decimal("5000"),
        "post_staff": 40,
        "monthly_pay": Decimal("4200"),
        "hours_per_day": Decimal("8"),
        "days_per_week": Decimal("5"),
    }
    return precheck.position_facts(**(values | fields))  # type: ignore[arg-type]


def test_only_rules_on_facts_a_position_knows_are_kept() -> None:
    kept = precheck.position_rules(load_ruleset("cn-2021"))
    ids = {rule.id for rule in kept.rules}
    assert ids == {
        "cn2021.prohibited_venue",
        "cn2021.labour_intensity",
        "cn2021.high_risk_post",
        "cn2021.pay_below_80_percent",
        "cn2021.night_shift",
        "cn2021.holiday_work",
        "cn2021.overtime",
        "cn2021.duration",
    }
    for rule in kept.rules:
        assert set(rule.facts) <= precheck.POSITION_FACTS


def test_a_compliant_position_passes() -> None:
    result = precheck.check_facts(_facts(), load_ruleset("cn-2021"), "en")
    assert result == {"ok": True, "violations": []}


def test_each_barred_term_is_named_with_its_source() -> None:
    document = _facts(
        venue_category="ktv",
        labour_intensity=3,
        high_risk=True,
        monthly_pay=Decimal("3999.99"),
        night_shift=True,
        holiday_work=True,
        hours_per_day=Decimal("9"),
    )
    result = precheck.check_facts(document, load_ruleset("cn-2021"), "en")
    assert result["ok"] is False
    rules = [v["rule"] for v in result["violations"]]
    assert rules == [
        "cn2021.prohibited_venue",
        "cn2021.labour_intensity",
        "cn2021.high_risk_post",
        "cn2021.pay_below_80_percent",
        "cn2021.night_shift",
        "cn2021.holiday_work",
        "cn2021.overtime",
    ]
    assert all(v["severity"] == "block" and v["source"] for v in result["violations"])


def test_exactly_80_percent_passes_and_blank_facts_warn() -> None:
    ok = precheck.check_facts(_facts(monthly_pay=Decimal("4000")), load_ruleset("cn-2021"), "en")
    assert ok["ok"] is True
    blank = precheck.check_facts(
        _facts(monthly_pay=None, labour_intensity=None, venue_category=""),
        load_ruleset("cn-2021"),
        "en",
    )
    assert blank["ok"] is True
    assert {v["rule"]: v["severity"] for v in blank["violations"]} == {
        "cn2021.prohibited_venue": "warn",
        "cn2021.labour_intensity": "warn",
        "cn2021.pay_below_80_percent": "warn",
    }


def test_a_long_post_internship_warns_and_cognition_skips_pay() -> None:
    long = precheck.check_facts(_facts(term_end=date(2027, 12, 31)), load_ruleset("cn-2021"), "en")
    assert [(v["rule"], v["severity"]) for v in long["violations"]] == [("cn2021.duration", "warn")]
    cognition = _facts(plan_kind="cognition", monthly_pay=Decimal("0"))
    assert cognition["kind"] == "cognition"
    assert precheck.check_facts(cognition, load_ruleset("cn-2021"), "en")["ok"] is True
    assert _facts(plan_kind="order_class")["kind"] == "post"


def test_categories_include_the_prohibited_ones() -> None:
    categories = precheck.venue_categories("cn-2021")
    assert categories[0] == "manufacturing"
    assert "ktv" in categories
    assert "internet_cafe" in categories


def test_a_position_is_checked_in_the_readers_language(
    session: Session, world: PlacementWorld
) -> None:
    position = world.positions[0]
    position.night_shift = True
    set_language("zh_CN")
    try:
        result = precheck.check_position(position, world.plan)
    finally:
        set_language("en")
    assert result["lang"] == "zh"
    assert result["ruleset"] == "cn-2021"
    assert result["violations"][0]["message"] == "不得安排学生上夜班。"
    assert precheck.blocking(result)[0]["rule"] == "cn2021.night_shift"
