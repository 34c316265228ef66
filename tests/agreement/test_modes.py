"""Per-mode terms: partial while drafting, complete before review."""

from __future__ import annotations

import pytest

from tandem.agreement.modes import TERMS, Mode, check_terms, missing_terms, parse_mode
from tandem.kit.errors import ValidationFailed
from tests.agreement.helpers import COMPLETE_TERMS


@pytest.mark.parametrize("mode", list(Mode))
def test_complete_terms_miss_nothing(mode: Mode) -> None:
    assert missing_terms(mode, check_terms(mode, COMPLETE_TERMS[mode])) == []


@pytest.mark.parametrize("mode", list(Mode))
def test_empty_terms_miss_every_required_term(mode: Mode) -> None:
    assert missing_terms(mode, {}) == list(TERMS[mode].REQUIRED)


def test_a_lease_needs_its_fee() -> None:
    terms = {**COMPLETE_TERMS[1], "fee_kind": "lease"}
    assert missing_terms(Mode(1), terms) == ["annual_fee"]
    assert missing_terms(Mode(1), {**terms, "annual_fee": "120000"}) == []


def test_bad_values_and_unknown_keys_name_the_mode_and_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_terms(Mode(1), {"area_m2": "-5", "training_positions_per_term": -1, "colour": "red"})
    found = {(e.field, e.code) for e in caught.value.errors}
    assert found == {
        ("terms.1.area_m2", "greater_than"),
        ("terms.1.training_positions_per_term", "greater_than_equal"),
        ("terms.1.colour", "extra_forbidden"),
    }


def test_terms_are_tidied_and_stored_as_json() -> None:
    stored = check_terms(Mode(6), {"programme": "  ＳＩＥＭＥＮＳ  ", "teachers_to_certify": "4"})
    assert stored == {"programme": "SIEMENS", "teachers_to_certify": 4}


@pytest.mark.parametrize("value", ["8", "0", "x", ""])
def test_unknown_modes_are_refused(value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_mode(value)
    assert caught.value.errors[0].code == "unknown_mode"
