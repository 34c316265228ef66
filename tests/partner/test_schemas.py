"""Normalisation and validation of partner data (pure: no database)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tandem.kit.identifiers import USCC_CHARSET, uscc_check_character
from tandem.kit.validation import field_error
from tandem.partner.schemas import EnterpriseCreate, PartnershipCreate
from tests.partner.helpers import enterprise_data

first17 = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)


def _error(**fields: Any) -> tuple[str, str, str]:
    """(field, code, English message) of the first error when creating with ``fields``."""
    with pytest.raises(ValidationError) as caught:
        EnterpriseCreate(**enterprise_data(**fields))
    error = field_error(caught.value.errors()[0])
    return error.field, error.code, error.message % error.params


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@given(body=first17, style=st.sampled_from(["plain", "lower", "spaced", "hyphens", "fullwidth"]))
def test_valid_codes_survive_how_people_type_them(body: str, style: str) -> None:
    code = body + uscc_check_character(body)
    typed = {
        "plain": code,
        "lower": code.lower(),
        "spaced": f" {code[:6]} {code[6:12]} {code[12:]} ",
        "hyphens": f"{code[:8]}-{code[8:]}",
        "fullwidth": "".join(_fullwidth(ch) for ch in code),
    }[style]
    assert EnterpriseCreate(**enterprise_data(uscc=typed)).uscc == code


@given(body=first17, position=st.integers(0, 17), shift=st.integers(1, 30))
def test_any_single_mistyped_character_is_caught(body: str, position: int, shift: int) -> None:
    code = body + uscc_check_character(body)
    wrong = USCC_CHARSET[(USCC_CHARSET.index(code[position]) + shift) % 31]
    typo = code[:position] + wrong + code[position + 1 :]
    field, kind, message = _error(uscc=typo)
    assert (field, kind) == ("uscc", "uscc_check")
    assert "check character" in message


@pytest.mark.parametrize(
    ("typed", "kind", "fragment"),
    [
        ("91440101MA5D0B2R4", "uscc_length", "this one has 17"),
        ("91440101MA5D0B2R471", "uscc_length", "this one has 19"),
        ("91440101MA5D0B2RIO", "uscc_charset", "IO cannot appear"),
        ("91440101MA5D0B2R4S", "uscc_charset", "S cannot appear"),
        ("91440101MA5D0B2R48", "uscc_check", "check character"),
        ("   ", "missing", "required"),
    ],
)
def test_uscc_messages_say_what_is_wrong(typed: str, kind: str, fragment: str) -> None:
    field, code, message = _error(uscc=typed)
    assert (field, code) == ("uscc", kind)
    assert fragment in message


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"industry_section": "U"}, "industry_section", "A to T"),
        ({"industry_section": "CC"}, "industry_section", "A to T"),
        ({"website": "ftp://firm.example"}, "website", "http://"),
        ({"website": "https://localhost"}, "website", "valid web address"),
        ({"region_code": "990000"}, "region_code", "GB/T 2260"),
        ({"kind": "cooperative"}, "kind", "Choose one of"),
        ({"name": " "}, "name", "required"),
    ],
)
def test_field_messages(fields: dict[str, str], field: str, fragment: str) -> None:
    got_field, _, message = _error(**fields)
    assert got_field == field
    assert fragment in message


def test_fields_are_tidied() -> None:
    data = EnterpriseCreate(
        **enterprise_data(
            name=" 广州精工 ",
            industry_section="ｃ",
            website=" https://firm.example/about ",
            region_code="４４０１００",
        ),
        contacts=[{"name": "王 经理", "email": " HR@Firm.Example ", "phone": "020-1234 5678"}],
    )
    assert (data.name, data.industry_section, data.region_code) == ("广州精工", "C", "440100")
    assert data.website == "https://firm.example/about"
    assert data.contacts[0].email == "hr@firm.example"


def test_contact_phone_and_email_are_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        EnterpriseCreate(
            **enterprise_data(), contacts=[{"name": "A", "phone": "call me", "email": "nope"}]
        )
    fields = {field_error(e).field for e in caught.value.errors()}
    assert fields == {"contacts.0.phone", "contacts.0.email"}


@given(
    st.lists(
        st.text(
            alphabet=st.characters(
                categories=("L", "N"), exclude_characters="、", max_codepoint=0x9FFF
            ),
            min_size=1,
            max_size=10,
        ),
        max_size=8,
    )
)
def test_tags_typed_in_one_box_split_and_deduplicate(tags: list[str]) -> None:
    expected = list(dict.fromkeys(PartnershipCreate(enterprise_id=1, tags=tags).tags))
    typed = "，".join(tags)  # a full-width comma, as typed with a Chinese input method
    assert PartnershipCreate(enterprise_id=1, tags=typed).tags == expected


def test_too_many_or_too_long_tags_are_refused() -> None:
    with pytest.raises(ValidationError):
        PartnershipCreate(enterprise_id=1, tags=[f"t{i}" for i in range(21)])
    with pytest.raises(ValidationError):
        PartnershipCreate(enterprise_id=1, tags=["x" * 31])
