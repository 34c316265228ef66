from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tandem.kit.identifiers import (
    USCC_CHARSET,
    age_on,
    id_check_character,
    mask_resident_id,
    normalise_code,
    resident_id_problem,
    uscc_check_character,
    uscc_problem,
)

uscc_bodies = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)
birth_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2015, 12, 31))
regions = st.sampled_from(["110105", "440106", "440524", "130102", "510107"])
sequences = st.integers(min_value=0, max_value=999)


def make_id(region: str, birth: date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def test_published_examples() -> None:
    assert uscc_problem("91350100M000100Y43") is None
    assert uscc_problem("91350100M000100Y44") == "check"
    assert resident_id_problem("11010519491231002X") is None  # the standard's own example
    assert resident_id_problem("110105194912310021") == "check"


@given(uscc_bodies)
def test_uscc_with_its_check_character_is_valid(body: str) -> None:
    assert uscc_problem(body + uscc_check_character(body)) is None


@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_CHARSET))
def test_uscc_detects_any_single_substitution(body: str, position: int, replacement: str) -> None:
    code = body + uscc_check_character(body)
    changed = code[:position] + replacement + code[position + 1 :]
    assert (uscc_problem(changed) is None) == (changed == code)


def test_uscc_rejects_wrong_length_and_letters_outside_the_set() -> None:
    assert uscc_problem("91350100M000100Y4") == "length"
    assert uscc_problem("91350100M000100I43") == "charset"  # I, O, S, V, Z are not used
    assert normalise_code(" ９１３５０１００ｍ０００-１００ｙ４３ ") == "91350100M000100Y43"


@given(regions, birth_dates, sequences)
def test_resident_id_round_trip(region: str, birth: date, sequence: int) -> None:
    number = make_id(region, birth, sequence)
    assert resident_id_problem(number, today=date(2026, 1, 1)) is None


@given(
    regions,
    birth_dates,
    sequences,
    st.integers(min_value=0, max_value=16),
    st.sampled_from("0123456789"),
)
def test_resident_id_detects_single_digit_errors(
    region: str, birth: date, sequence: int, position: int, digit: str
) -> None:
    number = make_id(region, birth, sequence)
    changed = number[:position] + digit + number[position + 1 :]
    if changed != number:
        assert resident_id_problem(changed) is not None


def test_resident_id_problems() -> None:
    assert resident_id_problem("4405241880010100") == "length"
    assert resident_id_problem("44052419800101001Y") == "charset"
    invalid_date = "440524" + "20010230" + "001"
    assert resident_id_problem(invalid_date + id_check_character(invalid_date)) == "birth_date"
    future = make_id("440524", date(2030, 1, 1), 1)
    assert resident_id_problem(future, today=date(2026, 1, 1)) == "birth_date"


def test_mask_shows_only_the_ends() -> None:
    assert mask_resident_id("440524188001010014") == "4405**********0014"


def test_age_in_completed_years() -> None:
    assert age_on(date(2010, 3, 1), date(2026, 2, 28)) == 15
    assert age_on(date(2010, 3, 1), date(2026, 3, 1)) == 16  # the birthday itself counts
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17  # 29 February: from 1 March
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
