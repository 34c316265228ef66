"""Malformed documents are refused with the path and the reason; absent facts are not errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tandem.compliance.facts import MalformedFacts, Missing, parse
from tests.compliance.helpers import CLEAN, doc, exact, set_fact


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ([], ""),
        ("post", ""),
        ({k: v for k, v in CLEAN.items() if k != "kind"}, "kind"),
        (set_fact(CLEAN, "kind", "apprenticeship"), "kind"),
        ({k: v for k, v in CLEAN.items() if k != "student"}, "student"),
        ({k: v for k, v in CLEAN.items() if k != "host"}, "host"),
        ({k: v for k, v in CLEAN.items() if k != "post"}, "post"),
        ({k: v for k, v in CLEAN.items() if k != "terms"}, "terms"),
        (set_fact(CLEAN, "terms", None), "terms"),
        (set_fact(CLEAN, "host", []), "host"),
        (set_fact(CLEAN, "post.restrictions", ["night_work"]), "post.restrictions[0]"),
        (set_fact(CLEAN, "post.restrictions", "minor_prohibited"), "post.restrictions"),
        (set_fact(CLEAN, "terms.start", "2026-02-30"), "terms.start"),
        (set_fact(CLEAN, "terms.end", "31/08/2026"), "terms.end"),
        (set_fact(CLEAN, "student.birth_date", 20090501), "student.birth_date"),
        (set_fact(CLEAN, "as_of", "yesterday"), "as_of"),
        (
            set_fact(CLEAN, "terms.insurance", {"start": "2026-3-1", "end": "2026-08-31"}),
            "terms.insurance.start",
        ),
        (
            set_fact(CLEAN, "terms.insurance", [{"start": "2026-03-01", "end": "x"}]),
            "terms.insurance[0].end",
        ),
        (set_fact(CLEAN, "post.wage", "5000"), "post.wage"),
        (set_fact(CLEAN, "post.staff", True), "post.staff"),
        (set_fact(CLEAN, "post.staff", 40.5), "post.staff"),
        (set_fact(CLEAN, "terms.night_shift", "no"), "terms.night_shift"),
    ],
)
def test_malformed_documents_name_the_path(document: Any, path: str) -> None:
    with pytest.raises(MalformedFacts) as caught:
        parse(exact(document) if isinstance(document, dict) else document)
    assert caught.value.path == path
    assert str(caught.value)


def test_facts_are_read_exactly_and_absent_ones_raise_missing() -> None:
    facts = parse(exact(doc(("terms.monthly_pay", 4199.99), ("post.wage", None))))
    assert facts.get("terms.monthly_pay") == Decimal("4199.99")
    assert facts.get("terms.start") == date(2026, 3, 1)
    assert facts.as_of == date(2026, 3, 1)
    assert "post.wage" not in facts.values
    with pytest.raises(Missing) as caught:
        facts.get("post.wage")
    assert caught.value.path == "post.wage"
    # floats given directly are converted through their decimal text, not binary
    assert parse(set_fact(CLEAN, "terms.monthly_pay", 0.1)).get("terms.monthly_pay") == Decimal(
        "0.1"
    )


def test_insurance_is_one_policy_or_a_list() -> None:
    one = parse(exact(CLEAN)).get("terms.insurance")
    assert len(one) == 1
    assert one[0]["paid_by"] == "college"
    listed = parse(exact(set_fact(CLEAN, "terms.insurance", [CLEAN["terms"]["insurance"]] * 2)))
    assert [p["path"] for p in listed.get("terms.insurance")] == [
        "terms.insurance[0]",
        "terms.insurance[1]",
    ]


def test_unknown_keys_are_ignored_and_other_venue_categories_allowed() -> None:
    document = set_fact(CLEAN, "host.venue_category", "shipyard")
    document["host"]["rating"] = "A"
    assert parse(exact(document)).get("host.venue_category") == "shipyard"
