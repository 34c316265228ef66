"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import pytest

from tandem.auth.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    check_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from tandem.kit.errors import ValidationFailed

GOOD = "Correct-horse-battery-9"


def test_hash_and_verify_round_trip() -> None:
    hashed = hash_password(GOOD)
    assert hashed.startswith("$argon2id$")
    assert GOOD not in hashed
    assert verify_password(hashed, GOOD)
    assert not needs_rehash(hashed)


def test_the_same_password_hashes_differently_each_time() -> None:
    first, second = hash_password(GOOD), hash_password(GOOD)
    assert first != second
    assert verify_password(first, GOOD)
    assert verify_password(second, GOOD)


def test_wrong_password_is_refused() -> None:
    hashed = hash_password(GOOD)
    assert not verify_password(hashed, GOOD.lower())
    assert not verify_password(hashed, GOOD + " ")
    assert not verify_password(hashed, "")


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$broken"])
def test_missing_or_broken_hash_never_verifies(stored: str | None) -> None:
    assert not verify_password(stored, GOOD)
    assert not verify_password(stored, "")


def _refusal(password: str, **kwargs: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check_policy(password, **kwargs)
    error = caught.value
    assert error.code == "weak_password"
    assert error.status_code == 422
    assert len(error.errors) == 1
    assert error.errors[0].code == "weak_password"
    return error


def test_too_short() -> None:
    error = _refusal("Ab3$efgh9")  # 9 characters
    assert error.errors[0].field == "password"
    assert error.localised() == f"Use at least {MIN_LENGTH} characters."
    check_policy("Ab3$efgh9x")  # exactly the minimum passes


def test_too_long() -> None:
    error = _refusal("Ab3$" * 60)
    assert error.localised() == f"Use at most {MAX_LENGTH} characters."


@pytest.mark.parametrize("password", ["password123", "PASSWORD123", "1234567890", "1q2w3e4r5t"])
def test_common_passwords_are_refused(password: str) -> None:
    error = _refusal(password)
    assert "too easy to guess" in error.localised()


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abababababab", "abcabcabcabc"])
def test_too_few_distinct_characters_are_refused(password: str) -> None:
    assert "too easy to guess" in _refusal(password).localised()


def test_four_distinct_characters_are_enough() -> None:
    check_policy("abcdabcdabcd")


def test_the_email_name_is_refused_in_any_case() -> None:
    error = _refusal("xx-LiMing-2024!", email="liming@college.example", field="new_password")
    assert error.errors[0].field == "new_password"
    assert error.localised() == "Do not use your e-mail name in the password."


def test_short_email_names_are_not_checked() -> None:
    check_policy("li-secure-passphrase", email="li@college.example")


def test_the_field_name_is_carried_into_the_error() -> None:
    assert _refusal("short", field="confirm").errors[0].field == "confirm"


def test_a_good_password_passes() -> None:
    check_policy(GOOD, email="someone@college.example")
    check_policy("长城长城长城-2024-好")
