"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tandem.kit.errors import FieldError, ValidationFailed
from tandem.kit.i18n import N_

_hasher = PasswordHasher()
MIN_LENGTH = 10
MAX_LENGTH = 200
_COMMON = frozenset(
    {
        "password",
        "password1",
        "password123",
        "12345678",
        "123456789",
        "1234567890",
        "qwertyuiop",
        "qwerty123",
        "iloveyou",
        "admin123",
        "welcome1",
        "abc123456",
        "11111111",
        "00000000",
        "a123456789",
        "woaini1314",
        "1qaz2wsx",
        "1q2w3e4r5t",
        "zaq12wsx",
    }
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_policy(password: str, *, email: str = "", field: str = "password") -> None:
    """Refuse passwords that are short, common, one repeated character, or the e-mail's name."""
    problem: str | None = None
    if len(password) < MIN_LENGTH:
        problem = N_("Use at least %(min)s characters.")
    elif len(password) > MAX_LENGTH:
        problem = N_("Use at most %(max)s characters.")
    elif password.lower() in _COMMON or len(set(password)) < 4:
        problem = N_("This password is too easy to guess; choose another.")
    elif (
        email and len(email.split("@")[0]) >= 3 and email.split("@")[0].lower() in password.lower()
    ):
        problem = N_("Do not use your e-mail name in the password.")
    if problem:
        params = {"min": MIN_LENGTH, "max": MAX_LENGTH}
        raise ValidationFailed(
            problem,
            code="weak_password",
            errors=[FieldError(field, "weak_password", problem, params)],
            **params,
        )
