"""Helpers shared by the partner registry's pages: form ↔ schema mapping and select options."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.responses import RedirectResponse

from tandem.kit.errors import AppError
from tandem.kit.forms import FORM_KEY, errors_by_field
from tandem.partner.labels import (
    CERTIFICATION_LABELS,
    FIELD_LABELS,
    INDUSTRY_SECTIONS,
    KIND_LABELS,
    PROPOSAL_LABELS,
    SIZE_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    label,
    options,
)
from tandem.partner.models import Enterprise, EnterpriseKind, PartnershipStatus, ProposalStatus
from tandem.partner.repository import EnterpriseFilter, PartnershipFilter
from tandem.partner.service import ENTERPRISE_FIELDS, Duplicate

TEXT_FIELDS = (
    "uscc",
    "name",
    "short_name",
    "kind",
    "industry_section",
    "industry_detail",
    "size_band",
    "address",
    "region_code",
    "website",
)
# Form fields of the first staff count and contact on the registration form, and where their
# errors come from in the schema.
EXTRA_FIELDS = {
    "staff_count.as_of": "staff_as_of",
    "staff_count.on_post_staff": "on_post_staff",
    "contacts.0.name": "contact_name",
    "contacts.0.role": "contact_role",
    "contacts.0.phone": "contact_phone",
    "contacts.0.email": "contact_email",
}


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def choices() -> dict[str, Any]:
    """Translated options for the selects, and the label helpers for showing values."""
    return {
        "kind_options": options(KIND_LABELS),
        "size_options": options(SIZE_LABELS),
        "level_options": options(CERTIFICATION_LABELS),
        "section_options": options(INDUSTRY_SECTIONS, with_code=True),
        "status_options": options(STATUS_LABELS),
        "proposal_status_options": options(PROPOSAL_LABELS),
        "kind_label": lambda v: label(KIND_LABELS, v),
        "size_label": lambda v: label(SIZE_LABELS, v),
        "level_label": lambda v: label(CERTIFICATION_LABELS, v),
        "section_label": lambda v: label(INDUSTRY_SECTIONS, v),
        "status_label": lambda v: label(STATUS_LABELS, v),
        "status_badge": lambda v: STATUS_BADGES.get(v, ""),
        "proposal_label": lambda v: label(PROPOSAL_LABELS, v),
        "field_label": lambda v: label(FIELD_LABELS, v),
    }


# The lists' query strings as repository filters: the same for a page and its export.


def enterprise_filter(
    kind: str, industry_section: str, region: str, certified: str, archived: str
) -> EnterpriseFilter:
    return EnterpriseFilter(
        kind=kind if kind in set(EnterpriseKind) else "",
        industry_section=industry_section if industry_section in INDUSTRY_SECTIONS else "",
        region=region if region.isdigit() and len(region) <= 6 else "",
        certified={"yes": True, "no": False}.get(certified),
        archived={"archived": True, "all": None}.get(archived, False),
    )


def partnership_filter(status: str, department_id: str, tag: str) -> PartnershipFilter:
    return PartnershipFilter(
        status=status if status in set(PartnershipStatus) else "",
        department_id=int(department_id) if department_id.isdigit() else None,
        tag=tag[:30],
    )


def proposal_status(status: str | None) -> str:
    """Open proposals when the list has no status yet; every status for an empty one."""
    wanted = ProposalStatus.OPEN.value if status is None else status
    return wanted if wanted in set(ProposalStatus) else ""


def form_errors(error: AppError, *, shown: Iterable[str] = (), strip: str = "") -> dict[str, str]:
    """Field messages for a form: nested schema fields renamed to the form's flat ones, and a
    message for a field the form does not show moved to the top of the form."""
    visible = set(shown)
    messages: dict[str, str] = {}
    for name, message in errors_by_field(error).items():
        if strip and name.startswith(f"{strip}."):
            name = name[len(strip) + 1 :]
        name = EXTRA_FIELDS.get(name, name)
        messages.setdefault(name if name in visible else FORM_KEY, message)
    return messages


def duplicate_of(error: AppError) -> dict[str, Any] | None:
    """Where the existing record is, when the error is a duplicate (for a link on the form)."""
    if isinstance(error, Duplicate):
        return {"id": error.existing_id, "url": error.existing_url, **error.params}
    return None


def master_values(values: dict[str, str]) -> dict[str, Any]:
    """A full set of master-data fields from a form: blank text clears, blank dates are none."""
    data: dict[str, Any] = {name: values.get(name, "") for name in TEXT_FIELDS}
    data["certified_level"] = values.get("certified_level") or None
    data["certified_on"] = values.get("certified_on") or None
    return data


def registration_values(values: dict[str, str]) -> dict[str, Any]:
    """The registration form as an EnterpriseCreate payload (first staff count and contact)."""
    data: dict[str, Any] = {k: v for k, v in values.items() if k in ENTERPRISE_FIELDS}
    staff = {
        key: values[field]
        for key, field in (("as_of", "staff_as_of"), ("on_post_staff", "on_post_staff"))
        if field in values
    }
    if staff:
        data["staff_count"] = staff
    contact = {
        key: values[f"contact_{key}"]
        for key in ("name", "role", "phone", "email")
        if f"contact_{key}" in values
    }
    if contact:
        data["contacts"] = [contact]
    return data


def enterprise_values(enterprise: Enterprise) -> dict[str, Any]:
    values = {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}
    values["certified_level"] = values["certified_level"] or ""
    values["certified_on"] = enterprise.certified_on.isoformat() if enterprise.certified_on else ""
    return values | {"version": enterprise.version}


def display_value(field: str, value: Any) -> str:
    """A master-data value as people read it (codes as their labels; blank as a dash)."""
    if value is None or value == "":
        return "—"
    text = str(value.isoformat() if hasattr(value, "isoformat") else value)
    labels: dict[str, Mapping[Any, str]] = {
        "kind": KIND_LABELS,
        "size_band": SIZE_LABELS,
        "certified_level": CERTIFICATION_LABELS,
    }
    if field in labels:
        return label(labels[field], text)
    if field == "industry_section":
        return f"{text} · {label(INDUSTRY_SECTIONS, text)}"
    return text
