"""Errors people can act on: a stable code, the fields at fault, a message in their language.

Services raise these; the API renders them as RFC 9457 problem+json and the pages show the same
message beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from tandem.kit.i18n import N_, gettext


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str  # an untranslated msgid with %(name)s placeholders
    params: dict[str, Any] = dataclass_field(default_factory=dict)

    def localised(self) -> str:
        return gettext(self.message, **self.params)


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    title = N_("The request cannot be processed")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: list[FieldError] | None = None,
        **params: Any,
    ) -> None:
        self.message = message or self.title
        self.params = params
        self.errors = errors or []
        if code:
            self.code = code
        # Formatting now makes a missing placeholder value fail where the error is raised
        # (e.g. a message's %(code)s swallowed by the ``code`` argument), not in front of a user.
        super().__init__(self.message % params if "%(" in self.message else self.message)

    def localised(self) -> str:
        return gettext(self.message, **self.params)


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_failed"
    title = N_("Some fields need correcting")

    @classmethod
    def single(cls, field_name: str, code: str, message: str, **params: Any) -> ValidationFailed:
        error = FieldError(field=field_name, code=code, message=message, params=params)
        return cls(message, code=code, errors=[error], **params)


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    title = N_("Not found")


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    title = N_("This conflicts with existing data")


class StaleVersion(Conflict):
    code = "stale_version"
    title = N_(
        "Someone else changed this record while you were editing it. "
        "Reload it to see their changes, then apply yours again."
    )


class PermissionDenied(AppError):
    status_code = 403
    code = "forbidden"
    title = N_("You are not allowed to do this")


class Unauthenticated(AppError):
    status_code = 401
    code = "unauthenticated"
    title = N_("Please sign in")
