"""A fact document that passes every cn-2021 rule, and ways to change one fact of it."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from tandem.compliance.evaluator import check
from tandem.compliance.ruleset import load_ruleset

CLEAN: dict[str, Any] = {
    "as_of": "2026-03-01",
    "kind": "post",
    "student": {
        "birth_date": "2009-05-01",
        "year_of_study": 2,
        "gender": "F",
        "guardian_consent": True,
    },
    "host": {
        "on_post_staff": 200,
        "interns": 19,
        "venue_category": "manufacturing",
        "via_intermediary": False,
    },
    "post": {
        "staff": 40,
        "interns": 7,
        "labour_intensity": 2,
        "high_risk": False,
        "restrictions": [],
        "wage": 5000,
    },
    "terms": {
        "start": "2026-03-01",
        "end": "2026-08-31",
        "monthly_pay": 4200,
        "pay_cycle_days": 30,
        "paid_in_money": True,
        "hours_per_day": 8,
        "days_per_week": 5,
        "night_shift": False,
        "holiday_work": False,
        "fees": [],
        "tripartite_agreement_signed": True,
        "insurance": {"start": "2026-03-01", "end": "2026-08-31", "paid_by": "college"},
    },
}


def doc(*changes: tuple[str, Any]) -> dict[str, Any]:
    """CLEAN with facts changed by dotted path; a value of None removes the fact."""
    document = copy.deepcopy(CLEAN)
    for path, value in changes:
        document = set_fact(document, path, value)
    return document


def set_fact(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(document)
    *parents, key = path.split(".")
    target = document
    for part in parents:
        target = target[part]
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value
    return document


def exact(document: Any) -> Any:
    """As the CLI reads it: numbers with a fraction as exact decimals (Decimals kept)."""
    if isinstance(document, dict):
        return {key: exact(value) for key, value in document.items()}
    if isinstance(document, list):
        return [exact(value) for value in document]
    if isinstance(document, float):
        return json.loads(json.dumps(document), parse_float=Decimal)
    return document


def violations(
    document: dict[str, Any], rules: str = "cn-2021", lang: str = "en"
) -> dict[str, str]:
    """rule id -> severity of what the check reports."""
    report = check(exact(document), load_ruleset(rules), lang)
    return {v["rule"]: v["severity"] for v in report["violations"]}
