"""Form handling for pages: read a posted form, validate it with the API's schema, keep input."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from tandem.kit.errors import AppError
from tandem.kit.validation import from_validation_error
from tandem.kit.web import CSRF_FIELD

M = TypeVar("M", bound=BaseModel)
FORM_KEY = "__form__"


async def read_form(request: Request) -> dict[str, str]:
    """The posted text fields, without the CSRF token; blank fields count as not given."""
    form = await request.form()
    return {
        key: value
        for key, value in form.items()
        if key != CSRF_FIELD and isinstance(value, str) and value.strip() != ""
    }


def errors_by_field(error: AppError) -> dict[str, str]:
    """Messages keyed by field; a message that belongs to no field goes under ``__form__``."""
    messages: dict[str, str] = {}
    for item in error.errors:
        messages.setdefault(item.field, item.localised())
    if not error.errors:
        messages[FORM_KEY] = error.localised()
    return messages


def validate(schema: type[M], data: dict[str, Any]) -> M:
    """Validate with the same schema the API uses; raise our localised error on failure."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from exc


def form_version(values: dict[str, str]) -> int:
    """The version the form was opened at (a hidden field); missing or tampered counts as stale."""
    raw = values.get("version", "")
    return int(raw) if raw.isdigit() else 0
