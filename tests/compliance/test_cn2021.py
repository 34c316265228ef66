"""Every cn-2021 rule on both sides of its threshold, and each missing fact reported."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.compliance.ruleset import load_ruleset
from tests.compliance.helpers import CLEAN, doc, violations

# rule, the facts that just pass, the facts that just fail
CASES: list[tuple[str, list[tuple[str, Any]], list[tuple[str, Any]]]] = [
    # 16 on the start day counts (birthday on the start day)
    (
        "cn2021.min_age",
        [("student.birth_date", "2010-03-01")],
        [("student.birth_date", "2010-03-02")],
    ),
    (
        "cn2021.first_year_post_internship",
        [("student.year_of_study", 2)],
        [("student.year_of_study", 1)],
    ),
    (
        "cn2021.minor_prohibited_work",
        [("post.restrictions", ["minor_prohibited"]), ("student.birth_date", "2008-03-01")],
        [("post.restrictions", ["minor_prohibited"]), ("student.birth_date", "2008-03-02")],
    ),
    (
        "cn2021.female_prohibited_work",
        [("post.restrictions", ["female_prohibited"]), ("student.gender", "M")],
        [("post.restrictions", ["female_prohibited"]), ("student.gender", "F")],
    ),
    (
        "cn2021.prohibited_venue",
        [("host.venue_category", "hotel")],
        [("host.venue_category", "ktv")],
    ),
    ("cn2021.intermediary", [("host.via_intermediary", False)], [("host.via_intermediary", True)]),
    ("cn2021.labour_intensity", [("post.labour_intensity", 2)], [("post.labour_intensity", 3)]),
    ("cn2021.high_risk_post", [("post.high_risk", False)], [("post.high_risk", True)]),
    # 80 % of 5000 is 4000
    (
        "cn2021.pay_below_80_percent",
        [("terms.monthly_pay", 4000)],
        [("terms.monthly_pay", 3999.99)],
    ),
    ("cn2021.pay_cycle", [("terms.pay_cycle_days", 31)], [("terms.pay_cycle_days", 32)]),
    ("cn2021.pay_cycle", [("terms.paid_in_money", True)], [("terms.paid_in_money", False)]),
    ("cn2021.fees_charged", [("terms.fees", [])], [("terms.fees", ["deposit"])]),
    ("cn2021.night_shift", [("terms.night_shift", False)], [("terms.night_shift", True)]),
    ("cn2021.holiday_work", [("terms.holiday_work", False)], [("terms.holiday_work", True)]),
    ("cn2021.overtime", [("terms.hours_per_day", 8)], [("terms.hours_per_day", 8.01)]),
    (
        "cn2021.overtime",
        [("terms.hours_per_day", 6.5), ("terms.days_per_week", 6)],
        [("terms.hours_per_day", 7), ("terms.days_per_week", 6)],
    ),
    # 200 on-post staff: 20 interns allowed (19 others + this one), 21 not
    ("cn2021.host_intern_cap", [("host.interns", 19)], [("host.interns", 20)]),
    ("cn2021.post_intern_cap", [("post.interns", 7)], [("post.interns", 8)]),
    (
        "cn2021.no_tripartite_agreement",
        [("terms.tripartite_agreement_signed", True)],
        [("terms.tripartite_agreement_signed", False)],
    ),
    (
        "cn2021.no_guardian_consent",
        [("student.guardian_consent", False), ("student.birth_date", "2008-03-01")],
        [("student.guardian_consent", False), ("student.birth_date", "2008-03-02")],
    ),
    (
        "cn2021.no_insurance",
        [
            (
                "terms.insurance",
                [
                    {"start": "2026-03-01", "end": "2026-05-31", "paid_by": "college"},
                    {"start": "2026-06-01", "end": "2026-08-31", "paid_by": "host"},
                ],
            )
        ],
        [
            (
                "terms.insurance",
                [
                    {"start": "2026-03-01", "end": "2026-05-31", "paid_by": "college"},
                    {"start": "2026-06-02", "end": "2026-08-31", "paid_by": "host"},
                ],
            )
        ],
    ),
    (
        "cn2021.no_insurance",
        [("terms.insurance", {"start": "2026-03-01", "end": "2026-08-31", "paid_by": "college"})],
        [("terms.insurance", {"start": "2026-03-02", "end": "2026-08-31", "paid_by": "college"})],
    ),
    ("cn2021.no_insurance", [("terms.end", "2026-08-31")], [("terms.end", "2026-09-01")]),
    ("cn2021.no_insurance", [], [("terms.insurance", [])]),
    (
        "cn2021.insurance_paid_by_student",
        [("terms.insurance", {"start": "2026-03-01", "end": "2026-08-31", "paid_by": "host"})],
        [("terms.insurance", {"start": "2026-03-01", "end": "2026-08-31", "paid_by": "student"})],
    ),
    # start + 6 months = 2026-09-01
    (
        "cn2021.duration",
        [("terms.end", "2026-08-31")],
        [("terms.end", "2026-09-01"), ("terms.insurance", None)],
    ),
]


@pytest.mark.parametrize(("rule", "passing", "failing"), CASES, ids=[c[0] for c in CASES])
def test_rule_flips_at_its_threshold(
    rule: str, passing: list[tuple[str, Any]], failing: list[tuple[str, Any]]
) -> None:
    assert rule not in violations(doc(*passing))
    expected = load_ruleset().rule(rule).severity
    assert violations(doc(*failing)).get(rule) == expected


def test_the_clean_document_passes_every_rule() -> None:
    assert violations(CLEAN) == {}


def test_every_rule_of_the_set_is_tested_on_both_sides() -> None:
    assert {case[0] for case in CASES} == {rule.id for rule in load_ruleset().rules}


POST_ONLY: dict[str, list[tuple[str, Any]]] = {
    "cn2021.min_age": [("student.birth_date", "2012-01-01")],
    "cn2021.first_year_post_internship": [("student.year_of_study", 1)],
    "cn2021.pay_below_80_percent": [("terms.monthly_pay", 100)],
    "cn2021.host_intern_cap": [("host.interns", 500)],
    "cn2021.post_intern_cap": [("post.interns", 500)],
    "cn2021.no_tripartite_agreement": [("terms.tripartite_agreement_signed", False)],
    "cn2021.duration": [("terms.end", "2027-03-01"), ("terms.insurance", None)],
}


@pytest.mark.parametrize("rule", sorted(POST_ONLY))
def test_post_only_rules_skip_cognition_internships(rule: str) -> None:
    failing = doc(*POST_ONLY[rule])
    assert rule in violations(failing)
    failing["kind"] = "cognition"
    assert rule not in violations(failing)


def test_a_29_february_birthday_falls_on_1_march() -> None:
    born = ("student.birth_date", "2008-02-29")  # 16 on 2024-02-29: 2024 is a leap year
    assert "cn2021.min_age" not in violations(doc(born, ("terms.start", "2024-02-29")))
    assert "cn2021.min_age" in violations(doc(born, ("terms.start", "2024-02-28")))
    born_2007 = ("student.birth_date", "2007-02-28")
    assert "cn2021.min_age" not in violations(doc(born_2007, ("terms.start", "2023-02-28")))
    leapling = ("student.birth_date", "2004-02-29")  # 18 in 2022, a common year: on 1 March
    minor = [("post.restrictions", ["minor_prohibited"]), leapling]
    assert "cn2021.minor_prohibited_work" in violations(doc(*minor, ("terms.start", "2022-02-28")))
    assert "cn2021.minor_prohibited_work" not in violations(
        doc(*minor, ("terms.start", "2022-03-01"))
    )


@pytest.mark.parametrize(
    ("removed", "rule"),
    [
        ("student.birth_date", "cn2021.min_age"),
        ("student.year_of_study", "cn2021.first_year_post_internship"),
        ("host.venue_category", "cn2021.prohibited_venue"),
        ("host.via_intermediary", "cn2021.intermediary"),
        ("post.labour_intensity", "cn2021.labour_intensity"),
        ("post.high_risk", "cn2021.high_risk_post"),
        ("post.wage", "cn2021.pay_below_80_percent"),
        ("terms.pay_cycle_days", "cn2021.pay_cycle"),
        ("terms.fees", "cn2021.fees_charged"),
        ("terms.night_shift", "cn2021.night_shift"),
        ("terms.holiday_work", "cn2021.holiday_work"),
        ("terms.days_per_week", "cn2021.overtime"),
        ("host.on_post_staff", "cn2021.host_intern_cap"),
        ("post.staff", "cn2021.post_intern_cap"),
        ("terms.tripartite_agreement_signed", "cn2021.no_tripartite_agreement"),
        ("student.guardian_consent", "cn2021.no_guardian_consent"),
        ("terms.insurance", "cn2021.no_insurance"),
        ("terms.insurance", "cn2021.insurance_paid_by_student"),
        ("terms.end", "cn2021.duration"),
    ],
)
def test_a_missing_fact_is_a_warning_naming_its_path(removed: str, rule: str) -> None:
    from tandem.compliance.evaluator import check
    from tandem.compliance.ruleset import load_ruleset as rules
    from tests.compliance.helpers import exact

    for gone in (None, "null"):
        document = doc((removed, None))
        if gone == "null":
            section, key = removed.split(".")
            document[section][key] = None
        report = check(exact(document), rules(), "en")
        found = [v for v in report["violations"] if v["rule"] == rule]
        assert found
        assert found[0]["severity"] == "warn"
        assert removed in found[0]["message"]


def test_missing_facts_are_reported_only_when_they_could_change_the_outcome() -> None:
    # an adult needs no guardian consent; a post without restrictions needs no gender
    assert "cn2021.no_guardian_consent" not in violations(
        doc(("student.guardian_consent", None), ("student.birth_date", "2000-01-01"))
    )
    assert "cn2021.female_prohibited_work" not in violations(doc(("student.gender", None)))
    # over 8 hours a day fails whatever the days per week
    assert (
        violations(doc(("terms.hours_per_day", 9), ("terms.days_per_week", None)))[
            "cn2021.overtime"
        ]
        == "block"
    )
    # a policy without an end is reported by its path
    from tandem.compliance.evaluator import check
    from tests.compliance.helpers import exact

    report = check(
        exact(doc(("terms.insurance", [{"start": "2026-03-01", "paid_by": "college"}]))),
        load_ruleset(),
        "en",
    )
    assert "terms.insurance[0].end" in report["violations"][0]["message"]


def test_messages_quote_the_rule_and_its_source_in_both_languages() -> None:
    from tandem.compliance.evaluator import check
    from tests.compliance.helpers import exact

    failing = exact(doc(("terms.monthly_pay", 3000)))
    zh = check(failing, load_ruleset(), "zh")["violations"][0]
    en = check(failing, load_ruleset(), "en")["violations"][0]
    assert zh["rule"] == en["rule"] == "cn2021.pay_below_80_percent"
    assert "3000" in zh["message"]
    assert "5000" in zh["message"]
    assert "80%" in zh["message"]
    assert zh["source"] == "《职业学校学生实习管理规定》（教职成〔2021〕4号）第十八条"
    assert en["source"].endswith("Art. 18")
    assert "3000 CNY" in en["message"]
    assert list(zh) == ["rule", "severity", "message", "source"]


def test_ok_is_false_only_for_block_violations() -> None:
    from tandem.compliance.evaluator import check
    from tests.compliance.helpers import exact

    warned = check(
        exact(doc(("terms.end", "2026-12-31"), ("terms.insurance", None))), load_ruleset()
    )
    assert {v["severity"] for v in warned["violations"]} == {"warn"}
    assert warned["ok"] is True
    blocked = check(exact(doc(("terms.night_shift", True))), load_ruleset())
    assert blocked["ok"] is False
