"""de-bbig and en-apprenticeship: each rule on both sides; overrides and rule-set files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tandem.compliance.evaluator import check
from tandem.compliance.ruleset import (
    RuleSetError,
    available,
    load_overrides,
    load_ruleset,
    with_overrides,
)
from tests.compliance.helpers import doc, exact, violations

MINOR = ("student.birth_date", "2010-01-01")  # 16 on 2026-03-01
ADULT = ("student.birth_date", "2000-01-01")
DE: list[tuple[str, list[tuple[str, Any]], list[tuple[str, Any]]]] = [
    ("debbig.probation", [("terms.probation_months", 1)], [("terms.probation_months", 0.5)]),
    ("debbig.probation", [("terms.probation_months", 4)], [("terms.probation_months", 4.5)]),
    (
        "debbig.min_training_pay",
        [("student.training_year", 1), ("terms.monthly_pay", 724)],
        [("student.training_year", 1), ("terms.monthly_pay", 723.99)],
    ),
    (
        "debbig.min_training_pay",
        [("student.training_year", 3), ("terms.monthly_pay", 977)],
        [("student.training_year", 3), ("terms.monthly_pay", 976)],
    ),
    (
        "debbig.min_training_pay",  # beyond year 4 the year-4 minimum applies
        [("student.training_year", 5), ("terms.monthly_pay", 1014)],
        [("student.training_year", 5), ("terms.monthly_pay", 1013)],
    ),
    (
        "debbig.minor_daily_hours",
        [MINOR, ("terms.hours_per_day", 8)],
        [MINOR, ("terms.hours_per_day", 8.5)],
    ),
    (
        "debbig.minor_daily_hours",
        [ADULT, ("terms.hours_per_day", 9)],
        [MINOR, ("terms.hours_per_day", 9)],
    ),
    (
        "debbig.minor_weekly_hours",
        [MINOR, ("terms.hours_per_day", 8), ("terms.days_per_week", 5)],
        [MINOR, ("terms.hours_per_day", 7), ("terms.days_per_week", 6)],
    ),
    (
        "debbig.minor_work_window",
        [MINOR, ("terms.work_window", ["06:00", "20:00"])],
        [MINOR, ("terms.work_window", ["05:59", "14:00"])],
    ),
    (
        "debbig.minor_work_window",
        [ADULT, ("terms.work_window", ["05:00", "22:00"])],
        [MINOR, ("terms.work_window", ["12:00", "20:01"])],
    ),
    (
        "debbig.minor_five_day_week",
        [MINOR, ("terms.days_per_week", 5)],
        [MINOR, ("terms.days_per_week", 6)],
    ),
]
EN: list[tuple[str, list[tuple[str, Any]], list[tuple[str, Any]]]] = [
    # 2026-03-01 + 8 months − 1 day = 2026-10-31
    ("enapp.min_duration", [("terms.end", "2026-10-31")], [("terms.end", "2026-10-30")]),
    (
        "enapp.off_the_job_hours",
        [("terms.off_the_job_hours_per_week", 6)],
        [("terms.off_the_job_hours_per_week", 5.5)],
    ),
    (  # part time (under 30 hours a week): no minimum
        "enapp.off_the_job_hours",
        [
            ("terms.off_the_job_hours_per_week", 2),
            ("terms.hours_per_day", 5),
            ("terms.days_per_week", 5),
        ],
        [
            ("terms.off_the_job_hours_per_week", 2),
            ("terms.hours_per_day", 6),
            ("terms.days_per_week", 5),
        ],
    ),
]


@pytest.mark.parametrize(
    ("rules", "rule", "passing", "failing"),
    [("de-bbig", *case) for case in DE] + [("en-apprenticeship", *case) for case in EN],
    ids=[c[0] for c in DE + EN],
)
def test_rule_flips_at_its_threshold(
    rules: str, rule: str, passing: list[tuple[str, Any]], failing: list[tuple[str, Any]]
) -> None:
    assert rule not in violations(doc(*passing), rules)
    assert violations(doc(*failing), rules).get(rule) == "block"


def test_every_rule_of_the_other_sets_is_tested() -> None:
    assert {c[0] for c in DE} == {r.id for r in load_ruleset("de-bbig").rules}
    assert {c[0] for c in EN} == {r.id for r in load_ruleset("en-apprenticeship").rules}
    assert available() == ["cn-2021", "de-bbig", "en-apprenticeship"]


def test_a_province_overrides_a_parameter(tmp_path: Path) -> None:
    file = tmp_path / "guangdong.toml"
    file.write_text('["cn2021.overtime"]\nmax_hours_per_day = 7.5\n', encoding="utf-8")
    ruleset = with_overrides(load_ruleset(), load_overrides(file))
    eight_hours = exact(doc(("terms.hours_per_day", 8), ("terms.days_per_week", 4)))
    assert [v["rule"] for v in check(eight_hours, ruleset)["violations"]] == ["cn2021.overtime"]
    assert check(eight_hours, load_ruleset())["violations"] == []  # the default is unchanged
    assert "7.5" in check(eight_hours, ruleset, "en")["violations"][0]["message"]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"cn2021.nothing": {"x": 1}}, "no rule"),
        ({"cn2021.overtime": {"max_hours": 7}}, "no parameter"),
        ({"cn2021.overtime": {"max_hours_per_day": "seven"}}, "must be like"),
    ],
)
def test_bad_overrides_are_refused(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(RuleSetError, match=problem):
        with_overrides(load_ruleset(), overrides)


def test_a_rule_set_file_is_checked_when_loaded(tmp_path: Path) -> None:
    good = tmp_path / "college.toml"
    good.write_text(
        'id = "college"\nname = { zh = "本校", en = "Ours" }\n'
        '[sources.own]\nzh = "校规"\nen = "College rules"\n'
        '[[rules]]\nid = "own.night"\ncheck = "fact_is_true"\nseverity = "warn"\n'
        'facts = ["terms.night_shift"]\nparams = { fact = "terms.night_shift" }\nsource = "own"\n'
        'message = { zh = "夜班", en = "Night shift" }\n',
        encoding="utf-8",
    )
    report = check(exact(doc(("terms.night_shift", True))), load_ruleset(str(good)), "en")
    assert report == {
        "ok": True,
        "violations": [
            {
                "rule": "own.night",
                "severity": "warn",
                "message": "Night shift",
                "source": "College rules",
            }
        ],
    }
    broken = tmp_path / "broken.toml"
    broken.write_text(good.read_text().replace('severity = "warn"', 'severity = "fatal"'))
    with pytest.raises(RuleSetError, match="severity"):
        load_ruleset(str(broken))
    with pytest.raises(RuleSetError, match="unknown rule set"):
        load_ruleset("xx-1999")
