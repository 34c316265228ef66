"""Helpers shared by the agreement pages: list filters, the form ↔ schema mapping (terms per
mode as ``terms.<mode>.<name>`` fields), select options, labels and error placement."""

from __future__ import annotations

import types
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Depends
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement import repository
from tandem.agreement.labels import (
    KIND_LABELS,
    PARTY_LABELS,
    PERIOD_LABELS,
    PROGRESS_BADGES,
    PROGRESS_LABELS,
    STATUS_BADGES,
    action_label,
    label,
    status_label,
)
from tandem.agreement.models import Agreement, AgreementKind, AgreementStatus, Party, Period
from tandem.agreement.modes import MODE_LABELS, TERMS, FeeKind, Mode, mode_label, term_label
from tandem.agreement.repository import AgreementFilter
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.errors import AppError, FieldError
from tandem.kit.forms import FORM_KEY
from tandem.kit.i18n import N_, gettext
from tandem.kit.pagination import MAX_PER_PAGE, ListParams
from tandem.partner.models import Enterprise, Partnership

FEE_LABELS = {
    FeeKind.FREE: N_("Free of charge"),
    FeeKind.LEASE: N_("Lease"),
    FeeKind.SERVICE_FEE: N_("Service fee"),
}
# How the agreement's own fields read in messages that are not shown beside a field.
FIELD_LABELS = {
    "partnership_id": N_("Partnership"),
    "department_id": N_("Department"),
    "kind": N_("Type of agreement"),
    "framework_id": N_("Framework agreement"),
    "title": N_("Agreement title"),
    "number": N_("Agreement number"),
    "modes": N_("Modes of cooperation"),
    "college_signatory": N_("College's signatory"),
    "enterprise_signatory": N_("Enterprise's signatory"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "renewal_months": N_("Renewal term (months)"),
    "notice_days": N_("Notice period (days)"),
    "value_money": N_("Value in money (CNY)"),
    "value_in_kind": N_("Value in kind (CNY)"),
    "review_every_months": N_("Review every (months)"),
    "next_review_on": N_("Next review"),
    "reason": N_("Reason"),
    "signatory_name": N_("Signatory"),
    "held_on": N_("Held on"),
    "file": N_("File"),
    "amount": N_("Amount"),
    "delivered_on": N_("Delivered on"),
}
AGREEMENT_TEXT_FIELDS = (
    "title",
    "number",
    "college_signatory",
    "enterprise_signatory",
    "value_in_kind_note",
    "summary",
)
AGREEMENT_DATE_FIELDS = ("start_date", "end_date", "next_review_on")
AGREEMENT_NUMBER_FIELDS = ("renewal_months", "review_every_months")
FORM_FIELDS = (
    "partnership_id",
    "department_id",
    "kind",
    "framework_id",
    *AGREEMENT_TEXT_FIELDS,
    *AGREEMENT_DATE_FIELDS,
    *AGREEMENT_NUMBER_FIELDS,
    "modes",
    "auto_renew",
    "notice_days",
    "value_money",
    "value_in_kind",
)
CONFIRMED_ACTIONS = ("return", "end", "terminate")  # asked on a page of their own first


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def url_of(agreement: Agreement) -> str:
    return f"/agreements/{agreement.id}"


# --- labels for templates ------------------------------------------------------------------------


def number(value: Decimal | int | None) -> str:
    """A quantity as people read it: whole numbers without decimals."""
    if value is None:
        return "—"
    amount = Decimal(value)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1048576:.1f} MB"


def status_badge(code: str) -> str:
    return STATUS_BADGES[AgreementStatus(code)] if code in set(AgreementStatus) else ""


def term_value(mode: int, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext(N_("Yes")) if value else gettext(N_("No"))
    if name == "fee_kind":
        return label(FEE_LABELS, str(value))
    if _field_kind(Mode(mode), name)[0] == "number":
        try:
            return number(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    return str(value)


def choices() -> dict[str, Any]:
    """Translated options for the selects, and the label helpers for showing codes."""
    return {
        "status_options": [(s.value, status_label(s)) for s in AgreementStatus],
        "kind_options": [(k.value, label(KIND_LABELS, k)) for k in AgreementKind],
        "mode_options": [(m.value, mode_label(m)) for m in Mode],
        "party_options": [(p.value, label(PARTY_LABELS, p)) for p in Party],
        "period_options": [(p.value, label(PERIOD_LABELS, p)) for p in Period],
        "status_label": status_label,
        "status_badge": status_badge,
        "mode_label": mode_label,
        "mode_name": lambda m: gettext(MODE_LABELS[Mode(m)]) if m in set(Mode) else str(m),
        "event_label": action_label,
        "kind_label": lambda code: label(KIND_LABELS, code),
        "party_label": lambda code: label(PARTY_LABELS, code),
        "period_label": lambda code: label(PERIOD_LABELS, code),
        "progress_label": lambda code: label(PROGRESS_LABELS, code),
        "progress_badge": lambda code: PROGRESS_BADGES.get(code, ""),
        "term_label": lambda mode, name: term_label(Mode(mode), name),
        "term_value": term_value,
        "number": number,
        "filesize": filesize,
    }


# --- terms as form fields ------------------------------------------------------------------------


@dataclass(frozen=True)
class TermField:
    mode: int
    name: str
    label: str
    kind: str  # text, textarea, number, select, bool
    step: str
    required: bool
    options: list[tuple[str, str]]

    @property
    def form_name(self) -> str:
        return f"terms.{self.mode}.{self.name}"


def _unwrap(annotation: Any) -> tuple[Any, int | None]:
    """The base type under Optional/Annotated, and a max_length found on the way."""
    max_length: int | None = None
    while True:
        if get_origin(annotation) is Annotated:
            base, *extras = get_args(annotation)
            for extra in extras:
                for item in getattr(extra, "metadata", [extra]):
                    found = getattr(item, "max_length", None)
                    if isinstance(found, int):
                        max_length = found
            annotation = base
        elif get_origin(annotation) in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation, max_length


def _field_kind(mode: Mode, name: str) -> tuple[str, str]:
    base, max_length = _unwrap(TERMS[mode].model_fields[name].annotation)
    if base is bool:
        return "bool", ""
    if isinstance(base, type) and issubclass(base, Enum):
        return "select", ""
    if base is int:
        return "number", "1"
    if base is Decimal:
        return "number", "0.01"
    return ("textarea" if (max_length or 0) > 200 else "text"), ""


def term_fieldsets() -> list[dict[str, Any]]:
    """Each mode with its terms as form fields (labels in the reader's language)."""
    fieldsets = []
    for mode, schema in TERMS.items():
        fields = []
        for name in schema.model_fields:
            kind, step = _field_kind(mode, name)
            options = [(f.value, label(FEE_LABELS, f)) for f in FeeKind] if kind == "select" else []
            if kind == "bool":
                options = [("yes", gettext(N_("Yes"))), ("no", gettext(N_("No")))]
            fields.append(
                TermField(
                    int(mode),
                    name,
                    term_label(mode, name),
                    kind,
                    step,
                    name in schema.REQUIRED,
                    options,
                )
            )
        fieldsets.append({"mode": int(mode), "label": mode_label(mode), "fields": fields})
    return fieldsets


def terms_from_form(values: dict[str, str], chosen: Iterable[int]) -> dict[str, dict[str, Any]]:
    """Terms per mode from ``terms.<mode>.<name>`` fields: every chosen mode (blank terms are
    cleared) and any other mode given values (the service refuses those, saying why)."""
    chosen = set(chosen)
    terms: dict[str, dict[str, Any]] = {str(m): {} for m in sorted(chosen)}
    for key, value in values.items():
        parts = key.split(".")
        if len(parts) != 3 or parts[0] != "terms":
            continue
        terms.setdefault(parts[1], {})[parts[2]] = value
    return terms


def form_terms(agreement: Agreement) -> dict[str, str]:
    """An agreement's stored terms as form values."""
    values: dict[str, str] = {}
    for mode in agreement.modes:
        for name, value in mode.terms.items():
            if isinstance(value, bool):
                value = "yes" if value else "no"
            values[f"terms.{mode.mode}.{name}"] = "" if value is None else str(value)
    return values


def chosen_modes(raw: Iterable[str]) -> list[int]:
    """The ticked modes (numbers 1–7); anything else is passed on for the schema to refuse."""
    return sorted({int(v) for v in raw if v.strip().isdigit()})


def agreement_payload(values: dict[str, str], modes: list[str]) -> dict[str, Any]:
    """The form as an AgreementCreate/Update payload: blank text clears, blank dates are none."""
    data: dict[str, Any] = {name: values.get(name, "") for name in AGREEMENT_TEXT_FIELDS}
    for name in (*AGREEMENT_DATE_FIELDS, *AGREEMENT_NUMBER_FIELDS, "framework_id"):
        data[name] = values.get(name) or None
    data["department_id"] = values.get("department_id") or None
    data["auto_renew"] = values.get("auto_renew", "") in ("on", "true", "1", "yes")
    data["value_money"] = values.get("value_money") or "0"
    data["value_in_kind"] = values.get("value_in_kind") or "0"
    if values.get("notice_days"):
        data["notice_days"] = values["notice_days"]
    data["modes"] = [m for m in modes if m.strip()]
    data["terms"] = terms_from_form(values, chosen_modes(modes))
    return data


def agreement_values(agreement: Agreement) -> dict[str, Any]:
    """An agreement as form values (for the edit form)."""
    values: dict[str, Any] = {name: getattr(agreement, name) for name in AGREEMENT_TEXT_FIELDS}
    for name in (*AGREEMENT_DATE_FIELDS, *AGREEMENT_NUMBER_FIELDS):
        value = getattr(agreement, name)
        values[name] = value.isoformat() if isinstance(value, date) else (value or "")
    values.update(
        department_id=agreement.department_id or "",
        framework_id=agreement.framework_id or "",
        kind=agreement.kind,
        auto_renew="on" if agreement.auto_renew else "",
        notice_days=agreement.notice_days,
        value_money=number(agreement.value_money).replace(",", ""),
        value_in_kind=number(agreement.value_in_kind).replace(",", ""),
        version=agreement.version,
    )
    return values | form_terms(agreement)


def prefill_from_query(query: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[int]]:
    """A new agreement's form pre-filled from the query string (the advisor's "start an
    agreement in this mode" link): ``title``, ``modes=N`` and ``terms.N.name=value``. Only known
    modes and terms are taken; nothing is checked until the form is saved."""
    values: dict[str, str] = {}
    modes: set[int] = set()
    for key, raw in query:
        value = raw.strip()[:2000]
        if key == "title" and value:
            values["title"] = value[:200]
        elif key == "modes" and value.isdigit() and int(value) in set(Mode):
            modes.add(int(value))
        elif key.startswith("terms.") and value:
            parts = key.split(".")
            if len(parts) == 3 and _term_known(key):
                values[key] = value
    return values, sorted(modes)


# --- errors --------------------------------------------------------------------------------------


def _form_name(item: FieldError) -> str:
    if item.field == "__root__" and item.code == "dates_out_of_order":
        return "end_date"  # the schema's own check of the pair
    return item.field


def _term_known(name: str) -> bool:
    parts = name.split(".")
    if len(parts) not in (2, 3) or not parts[1].isdigit() or int(parts[1]) not in set(Mode):
        return False
    return len(parts) == 2 or parts[2] in TERMS[Mode(int(parts[1]))].model_fields


def form_errors(error: AppError, *, shown: Iterable[str] = ()) -> dict[str, str]:
    """Messages keyed by form field (``terms.<mode>.<name>`` included); a message for a field
    the form does not show goes to the top of the form."""
    visible = set(shown)
    messages: dict[str, str] = {}
    for item in error.errors:
        name = _form_name(item)
        if name not in visible and not (name.startswith("terms.") and _term_known(name)):
            name = FORM_KEY
        messages.setdefault(name, item.localised())
    if not error.errors:
        messages[FORM_KEY] = error.localised()
    return messages


def error_lines(error: AppError) -> list[str]:
    """Every message of an error, each naming its field (for the top of the detail page)."""
    if not error.errors:
        return [error.localised()]
    lines = []
    for item in error.errors:
        name = _form_name(item)
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "terms" and _term_known(name):
            prefix = f"{mode_label(int(parts[1]))} · {term_label(Mode(int(parts[1])), parts[2])}"
        elif name in FIELD_LABELS:
            prefix = gettext(FIELD_LABELS[name])
        else:
            prefix = ""
        lines.append(f"{prefix}: {item.localised()}" if prefix else item.localised())
    return lines


# --- list filters --------------------------------------------------------------------------------


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def list_filter(
    mode: str = "",
    status: str = "",
    kind: str = "",
    department_id: str = "",
    partnership_id: str = "",
    expiring_within: str = "",
) -> AgreementFilter:
    """The agreement list's filters from its query string (the list page and its export);
    values that mean nothing are ignored, as a hand-edited address may hold anything."""
    days = _id(expiring_within)
    return AgreementFilter(
        status=status if status in set(AgreementStatus) else "",
        mode=int(mode) if mode.isdigit() and int(mode) in set(Mode) else None,
        kind=kind if kind in set(AgreementKind) else "",
        department_id=_id(department_id),
        partnership_id=_id(partnership_id),
        expiring_within=min(days, 3650) if days is not None else None,
    )


ListFilter = Annotated[AgreementFilter, Depends(list_filter)]


# --- options for the form ------------------------------------------------------------------------


def partnership_options(
    session: Session, actor: Actor, college_id: int | None
) -> list[tuple[int, str]]:
    stmt = (
        select(Partnership, Enterprise.name)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .order_by(Enterprise.name, Partnership.id)
    )
    if college_id is not None:
        stmt = stmt.where(Partnership.college_id == college_id)
    elif not actor.is_platform_wide:
        return []
    return [(p.id, name) for p, name in session.execute(stmt).all()]


def framework_options(
    session: Session, college_id: int | None, other_than: int | None = None
) -> list[tuple[int, str]]:
    stmt = (
        select(Agreement, Enterprise.name)
        .join(Partnership, Partnership.id == Agreement.partnership_id)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(Agreement.kind == AgreementKind.FRAMEWORK)
        .order_by(Enterprise.name, Agreement.title)
    )
    if college_id is not None:
        stmt = stmt.where(Agreement.college_id == college_id)
    if other_than is not None:
        stmt = stmt.where(Agreement.id != other_than)
    return [
        (a.id, f"{name} · {a.title}" + (f" ({a.number})" if a.number else ""))
        for a, name in session.execute(stmt).all()
    ]


# --- the partnership page's agreements -----------------------------------------------------------


def partnership_agreements(
    session: Session, actor: Actor, partnership: Partnership
) -> dict[str, Any]:
    """Context for the partnership page: its agreements the actor may see, and their labels."""
    if not actor.can(Permission.AGREEMENT_READ):
        return {"agreements": None}
    page = repository.list_agreements(
        session,
        actor=actor,
        params=ListParams(per_page=MAX_PER_PAGE, sort="-start_date"),
        filters=AgreementFilter(partnership_id=partnership.id),
    )
    return {
        "agreements": page.items,
        "can_add_agreement": actor.can(Permission.AGREEMENT_MANAGE)
        and actor.role != Role.ENTERPRISE_CONTACT,
        "agreement_status_label": status_label,
        "agreement_status_badge": status_badge,
        "agreement_mode_label": mode_label,
    }
