"""Helpers for the steering bodies' pages: the forms' fields, their errors, and side labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tandem.agreement.labels import PARTY_LABELS
from tandem.agreement.models import Party
from tandem.kit.errors import AppError
from tandem.kit.forms import FORM_KEY, errors_by_field
from tandem.kit.i18n import gettext

BODY_FIELDS = (
    "partnership_id",
    "framework_id",
    "name",
    "established_on",
    "review_every_months",
    "next_review_on",
)
MEMBER_FIELDS = ("name", "side", "position")
MEETING_FIELDS = ("held_on", "title", "minutes", "decisions", "is_review")
CHECKED = ("yes", "on", "true", "1")


def form_errors(error: AppError, shown: Iterable[str]) -> dict[str, str]:
    """Field messages for a form (``decisions.3`` shows beside ``decisions``); a message for a
    field the form does not show goes to the top of the form."""
    visible = set(shown)
    messages: dict[str, str] = {}
    for name, message in errors_by_field(error).items():
        field = name.split(".", 1)[0]
        messages.setdefault(field if field in visible else FORM_KEY, message)
    return messages


def side_label(side: str) -> str:
    return gettext(PARTY_LABELS[Party(side)]) if side in set(Party) else side


def choices() -> dict[str, Any]:
    return {
        "side_options": [(p.value, side_label(p.value)) for p in Party],
        "side_label": side_label,
    }


def meeting_payload(values: dict[str, str]) -> dict[str, Any]:
    """The meeting form as a SteeringMeetingCreate payload: decisions one per line."""
    data: dict[str, Any] = {k: v for k, v in values.items() if k in MEETING_FIELDS}
    data["decisions"] = [
        line.strip() for line in values.get("decisions", "").splitlines() if line.strip()
    ]
    data["is_review"] = values.get("is_review", "") in CHECKED
    return data
