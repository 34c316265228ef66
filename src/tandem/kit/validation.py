"""Turn Pydantic validation errors into localised field errors.

Our own validators raise :func:`invalid`, which carries a translatable message; Pydantic's built-in
error types are mapped to messages of our own so both languages read naturally.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from tandem.kit.errors import FieldError, ValidationFailed
from tandem.kit.i18n import N_

_MSGID_KEY = "tandem_msgid"

_BUILTIN_MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "string_too_short": N_("Enter at least %(min_length)s characters."),
    "string_too_long": N_("Enter at most %(max_length)s characters."),
    "string_type": N_("Enter text."),
    "string_pattern_mismatch": N_("The format is not valid."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "float_type": N_("Enter a number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "bool_parsing": N_("Choose yes or no."),
    "bool_type": N_("Choose yes or no."),
    "greater_than": N_("Enter a number greater than %(gt)s."),
    "greater_than_equal": N_("Enter a number of at least %(ge)s."),
    "less_than": N_("Enter a number less than %(lt)s."),
    "less_than_equal": N_("Enter a number of at most %(le)s."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_type": N_("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": N_("Enter a date and time as YYYY-MM-DD HH:MM."),
    "datetime_from_date_parsing": N_("Enter a date and time as YYYY-MM-DD HH:MM."),
    "literal_error": N_("Choose one of: %(expected)s."),
    "enum": N_("Choose one of: %(expected)s."),
    "extra_forbidden": N_("This field is not recognised; remove it."),
    "json_invalid": N_("The request body is not valid JSON."),
    "model_attributes_type": N_("The request body must be a JSON object."),
    "model_type": N_("The request body must be a JSON object."),
    "dict_type": N_("Enter an object."),
    "list_type": N_("Enter a list."),
    "too_short": N_("Enter at least %(min_length)s items."),
    "too_long": N_("Enter at most %(max_length)s items."),
    "url_parsing": N_("Enter a valid web address."),
    "url_scheme": N_("Enter a web address starting with http:// or https://."),
}
_FALLBACK = N_("This value is not valid.")
_EMAIL = N_("Enter a valid email address.")


def invalid(code: str, message: str, **params: Any) -> PydanticCustomError:
    """A validation error with a translatable message, for use inside Pydantic validators."""
    return PydanticCustomError(
        code, message.replace("{", "{{").replace("}", "}}"), {_MSGID_KEY: message, **params}
    )


def _field_name(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "header")]
    return ".".join(parts) or "__root__"


def field_error(error: Any) -> FieldError:
    """One Pydantic error dict as a :class:`FieldError`."""
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    error_type: str = error["type"]
    name = _field_name(error.get("loc", ()))
    if _MSGID_KEY in ctx:
        message = ctx.pop(_MSGID_KEY)
        return FieldError(name, error_type, message, ctx)
    if error_type == "value_error" and "email" in str(error.get("msg", "")).lower():
        return FieldError(name, "invalid_email", _EMAIL, {})
    if error_type in ("string_too_short", "too_short") and isinstance(error.get("input"), str):
        if not error["input"].strip():
            return FieldError(name, "missing", _BUILTIN_MESSAGES["missing"], {})
        error_type = "string_too_short"
    elif error_type == "too_long" and isinstance(error.get("input"), str):
        error_type = "string_too_long"
    message = _BUILTIN_MESSAGES.get(error_type, _FALLBACK)
    params = {
        k: (", ".join(map(str, v)) if isinstance(v, list | tuple) else v)
        for k, v in ctx.items()
        if isinstance(v, str | int | float | Decimal | list | tuple)
    }
    return FieldError(name, error_type, message, params)


def from_pydantic(errors: Sequence[Any]) -> ValidationFailed:
    field_errors = [field_error(e) for e in errors]
    return ValidationFailed(errors=field_errors)


def from_validation_error(exc: ValidationError) -> ValidationFailed:
    return from_pydantic(exc.errors())
