"""Helpers shared by the needs pages: the profile and the offer as form fields (and back), labels
for showing values and changes, and the advice as the pages show it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlalchemy.orm import Session

from tandem.advisor.core import Advice, advise
from tandem.advisor.teachers import Suggestion
from tandem.agreement.modes import MODE_LABELS, TERM_FIELDS, Mode, mode_label
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission, Role
from tandem.kit.errors import AppError
from tandem.kit.forms import FORM_KEY
from tandem.kit.i18n import N_, gettext
from tandem.needs import service
from tandem.needs.models import NeedsProfile
from tandem.needs.schemas import (
    IMPORTANCE_LABELS,
    NEED_LABELS,
    VENUE_LABELS,
    NeedKind,
    NeedsData,
    OfferCapacity,
    OfferData,
    OfferEquipment,
    OfferExpertise,
    OfferVenue,
)
from tandem.partner.models import Partnership

# --- the needs profile as form fields ------------------------------------------------------------


@dataclass(frozen=True)
class NeedField:
    name: str  # the path in NeedsData, also the form field's name: "talent.majors"
    label: str  # msgid
    kind: str  # list (one per line or comma-separated), number, text, textarea
    hint: str = ""  # msgid


LIST_HINT = N_("One per line, or separated by commas.")
NEED_FIELDS: dict[NeedKind, tuple[NeedField, ...]] = {
    NeedKind.TALENT: (
        NeedField("talent.majors", N_("Majors wanted"), "list", LIST_HINT),
        NeedField("talent.headcount", N_("Graduates wanted (head-count)"), "number"),
        NeedField("talent.when", N_("When"), "text", N_("For example 2027-07, or every July.")),
    ),
    NeedKind.STAFF_TRAINING: (
        NeedField("staff_training.topics", N_("Training topics"), "list", LIST_HINT),
        NeedField("staff_training.trainees_per_year", N_("Employees to train per year"), "number"),
    ),
    NeedKind.RND: (NeedField("rnd.problems", N_("Problems to solve"), "list", LIST_HINT),),
    NeedKind.COST: (
        NeedField(
            "cost.outsourceable_work", N_("Production work the college could take on"), "textarea"
        ),
        NeedField(
            "cost.lacking_resources",
            N_("Resources it lacks (venues, equipment, people)"),
            "list",
            LIST_HINT,
        ),
    ),
    NeedKind.MARKET: (
        NeedField("market.products", N_("Products or equipment to promote"), "list", LIST_HINT),
    ),
}
ASSET_FIELDS: tuple[NeedField, ...] = (
    NeedField(
        "assets.equipment_to_place",
        N_("Equipment it could place or share at the college"),
        "textarea",
    ),
    NeedField("assets.production_to_move", N_("Production it could run on campus"), "textarea"),
    NeedField("assets.training_institution", N_("Its own training centre or academy"), "text"),
    NeedField(
        "assets.certified_programme",
        N_("A training programme with its own certificate"),
        "text",
    ),
    NeedField("assets.trainers", N_("Trainers or technicians it can send"), "number"),
)
NOTE_FIELD = NeedField("note", N_("Remarks"), "textarea")
ASSETS_LABEL = N_("What the enterprise can bring")
IMPORTANCE_LABEL = N_("Importance")
# Why each need matters (shown to enterprise contacts above the form), after DOMAIN.md.
NEED_WHY: dict[NeedKind, str] = {
    NeedKind.TALENT: N_(
        "Priority access to suitable graduates, through order classes and placements."
    ),
    NeedKind.STAFF_TRAINING: N_(
        "Training your employees with the college's venues, equipment and teachers, at lower cost."
    ),
    NeedKind.RND: N_("Developing products and improving production with the college's teachers."),
    NeedKind.COST: N_("Lower production cost by using the college's resources and services."),
    NeedKind.MARKET: N_(
        "Promoting your products or new equipment at the college and growing future customers."
    ),
}
_ALL_FIELDS: tuple[NeedField, ...] = (
    *(f for fields in NEED_FIELDS.values() for f in fields),
    *ASSET_FIELDS,
    NOTE_FIELD,
)
FORM_FIELDS: tuple[str, ...] = (
    *(f"{kind.value}.importance" for kind in NeedKind),
    *(f.name for f in _ALL_FIELDS),
)


def importance_label(value: Any) -> str:
    try:
        return gettext(IMPORTANCE_LABELS[int(value)])
    except (KeyError, TypeError, ValueError):
        return str(value)


def importance_options() -> list[tuple[str, str]]:
    return [(str(value), gettext(text)) for value, text in IMPORTANCE_LABELS.items()]


def _get(values: dict[str, Any], path: str) -> Any:
    node: Any = values
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def needs_values(data: NeedsData) -> dict[str, str]:
    """A profile as form values (lists one item per line)."""
    dumped = data.model_dump(mode="json")
    values: dict[str, str] = {}
    for name in FORM_FIELDS:
        value = _get(dumped, name)
        if isinstance(value, list):
            values[name] = "\n".join(str(v) for v in value)
        elif value is not None:
            values[name] = str(value)
    return values


def needs_payload(values: dict[str, str]) -> dict[str, Any]:
    """The posted form as a NeedsCreate payload; a field left blank takes its default."""
    needs: dict[str, Any] = {}
    for name in FORM_FIELDS:
        if name not in values:
            continue
        *parents, last = name.split(".")
        node = needs
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = values[name]
    return {"needs": needs}


_ITEM = re.compile(r"\.\d+$")


def needs_errors(error: AppError) -> dict[str, str]:
    """Messages keyed by form field (an item of a list counts as the whole box)."""
    messages: dict[str, str] = {}
    for item in error.errors:
        name = _ITEM.sub("", item.field.removeprefix("needs."))
        messages.setdefault(name if name in FORM_FIELDS else FORM_KEY, item.localised())
    if not error.errors:
        messages[FORM_KEY] = error.localised()
    return messages


# --- showing a profile, and what changed ---------------------------------------------------------


def _shown(field: NeedField | None, value: Any) -> str:
    if value is None or value == "" or value == [] or (value == 0 and field is not None):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return gettext(N_("Yes")) if value else gettext(N_("No"))
    return str(value)


def profile_view(profile: NeedsProfile) -> dict[str, Any]:
    """A version of the profile for the page: each need with its importance and specifics."""
    data = NeedsData.model_validate(profile.needs).model_dump(mode="json")
    needs = []
    for kind, fields in NEED_FIELDS.items():
        importance = int(data[kind.value]["importance"])
        needs.append(
            {
                "kind": kind.value,
                "label": gettext(NEED_LABELS[kind]),
                "importance": importance,
                "importance_label": importance_label(importance),
                "rows": [(gettext(f.label), _shown(f, _get(data, f.name))) for f in fields],
            }
        )
    assets = [
        (gettext(f.label), _shown(f, _get(data, f.name)))
        for f in ASSET_FIELDS
        if _shown(f, _get(data, f.name)) != "—"
    ]
    return {"needs": needs, "assets": assets, "note": data.get("note", "")}


_FIELD_BY_NAME = {f.name: f for f in _ALL_FIELDS}


def change_label(path: str) -> str:
    group, _, rest = path.partition(".")
    if rest == "importance" and group in set(NeedKind):
        return f"{gettext(NEED_LABELS[NeedKind(group)])} · {gettext(IMPORTANCE_LABEL)}"
    field = _FIELD_BY_NAME.get(path)
    if field is None:
        return path
    if group in set(NeedKind):
        return f"{gettext(NEED_LABELS[NeedKind(group)])} · {gettext(field.label)}"
    if group == "assets":
        return f"{gettext(ASSETS_LABEL)} · {gettext(field.label)}"
    return gettext(field.label)


def change_rows(changes: Iterable[service.Change]) -> list[dict[str, str]]:
    rows = []
    for change in changes:
        if change.path.endswith(".importance"):
            before = f"{change.before} · {importance_label(change.before)}"
            after = f"{change.after} · {importance_label(change.after)}"
        else:
            field = _FIELD_BY_NAME.get(change.path)
            before, after = _shown(field, change.before), _shown(field, change.after)
        rows.append({"label": change_label(change.path), "before": before, "after": after})
    return rows


def source_label(source: str) -> str:
    return gettext(N_("Enterprise")) if source == "enterprise" else gettext(N_("College"))


# --- the advice as shown -------------------------------------------------------------------------

OPTION_LABELS = {"order_class": N_("Order class"), "apprenticeship": N_("Modern apprenticeship")}


def option_label(option: str, mode: int | None) -> str:
    if mode is not None:
        return mode_label(mode)
    return gettext(OPTION_LABELS[option]) if option in OPTION_LABELS else option


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def start_url(partnership: Partnership, advice: Advice, mode: Mode) -> str:
    """The new-agreement form for this partnership, the advised mode ticked and its terms
    pre-filled (terms the form does not know are left out)."""
    enterprise = partnership.enterprise
    title = gettext(
        N_("%(enterprise)s · %(mode)s"),
        enterprise=enterprise.short_name or enterprise.name,
        mode=gettext(MODE_LABELS[mode]),
    )
    params: list[tuple[str, str]] = [
        ("partnership_id", str(partnership.id)),
        ("modes", str(int(mode))),
        ("title", title[:200]),
    ]
    for name, value in advice.prefill.items():
        if name in TERM_FIELDS[mode] and value not in (None, ""):
            params.append((f"terms.{int(mode)}.{name}", _form_value(value)))
    return "/agreements/new?" + urlencode(params)


def can_start_agreement(actor: Actor) -> bool:
    return actor.can(Permission.AGREEMENT_MANAGE) and actor.role != Role.ENTERPRISE_CONTACT


def advice_rows(
    advice: Sequence[Advice], partnership: Partnership, *, can_start: bool
) -> list[dict[str, Any]]:
    return [
        {
            "option": a.option,
            "mode": a.mode,
            "label": option_label(a.option, a.mode),
            "score": a.score,
            "reasons": [gettext(r.message, **r.params) for r in a.reasons],
            "missing": [gettext(r.message, **r.params) for r in a.missing],
            "start_url": start_url(partnership, a, Mode(a.mode)) if can_start and a.mode else None,
        }
        for a in advice
    ]


def teacher_rows(suggestions: Sequence[Suggestion]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.teacher_id,
            "name": s.name,
            "department": s.department,
            "matched": list(s.matched),
            "need": gettext(NEED_LABELS[NeedKind(s.need)]) if s.need in set(NeedKind) else s.need,
        }
        for s in suggestions
    ]


# --- the partnership page's card -----------------------------------------------------------------


def needs_card(session: Session, actor: Actor, partnership: Partnership) -> dict[str, Any]:
    """Context for the partnership page: the latest profile's date, the top three options (for
    the college's own people) and what the reader may do."""
    profile = service.latest(session, partnership=partnership)
    top = None
    if profile is not None and service.can_read_advice(actor, partnership):
        needs = NeedsData.model_validate(profile.needs)
        offer = service.offer_data(session, college_id=partnership.college_id)
        top = advice_rows(advise(needs, offer)[:3], partnership, can_start=False)
    return {
        "needs_card": {
            "profile": profile,
            "top": top,
            "advice_allowed": service.can_read_advice(actor, partnership),
            "is_contact": actor.role == Role.ENTERPRISE_CONTACT,
            "can_edit": service.can_edit_needs(actor, partnership),
        }
    }


# --- the college's offer as form rows ------------------------------------------------------------

OFFER_ROWS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # group: (field, label msgid, kind) — kind: text, number, select
    "venues": (
        ("name", N_("Venue"), "text"),
        ("kind", N_("Kind"), "select"),
        ("area_m2", N_("Area (m²)"), "number"),
        ("workstations", N_("Workstations"), "number"),
        ("idle_pct", N_("Idle share of the week (%)"), "number"),
    ),
    "equipment": (
        ("name", N_("Equipment"), "text"),
        ("category", N_("Category"), "text"),
        ("quantity", N_("Quantity"), "number"),
        ("idle_pct", N_("Idle share of the week (%)"), "number"),
    ),
    "expertise": (
        ("field", N_("Field of expertise"), "text"),
        ("teachers", N_("Teachers"), "number"),
    ),
    "capacity": (
        ("major", N_("Major"), "text"),
        ("term", N_("Term"), "text"),
        ("students", N_("Students"), "number"),
    ),
}
OFFER_GROUP_LABELS = {
    "venues": N_("Venues"),
    "equipment": N_("Equipment"),
    "expertise": N_("Teachers' expertise"),
    "capacity": N_("Student capacity by major and term"),
}
EMPTY_ROWS = 3
_MAX_ROWS = 1000


def venue_options() -> list[tuple[str, str]]:
    return [(kind.value, gettext(text)) for kind, text in VENUE_LABELS.items()]


def venue_label(kind: str) -> str:
    labels = {k.value: v for k, v in VENUE_LABELS.items()}
    return gettext(labels[kind]) if kind in labels else kind


_ROW_MODELS: dict[str, type[BaseModel]] = {
    "venues": OfferVenue,
    "equipment": OfferEquipment,
    "expertise": OfferExpertise,
    "capacity": OfferCapacity,
}


def offer_rows(data: OfferData) -> dict[str, list[dict[str, str]]]:
    """The offer's rows as form values, per group; a value left at its default shows blank, so
    clearing a row's words is enough to remove it."""
    dumped = data.model_dump(mode="json")
    rows: dict[str, list[dict[str, str]]] = {}
    for group, fields in OFFER_ROWS.items():
        defaults = {n: f.default for n, f in _ROW_MODELS[group].model_fields.items()}
        rows[group] = [
            {
                name: ""
                if kind == "number" and row.get(name) == defaults.get(name)
                else _form_value(row.get(name))
                for name, _, kind in fields
            }
            for row in dumped[group]
        ]
    return rows


def posted_rows(values: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """The rows posted as ``<group>.<n>.<field>``, in order; rows left wholly blank are dropped
    (so the positions of the kept rows are the positions the schema reports errors at)."""
    rows: dict[str, list[dict[str, str]]] = {}
    for group, fields in OFFER_ROWS.items():
        found: dict[int, dict[str, str]] = {}
        for key, value in values.items():
            parts = key.split(".")
            if len(parts) != 3 or parts[0] != group or not parts[1].isdigit():
                continue
            index = int(parts[1])
            if index < _MAX_ROWS and parts[2] in {name for name, _, _ in fields}:
                found.setdefault(index, {})[parts[2]] = value
        rows[group] = [found[i] for i in sorted(found) if found[i]]
    return rows


def offer_payload(values: dict[str, str], rows: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    return {
        "offer": {
            **rows,
            "takes_production": values.get("takes_production", "") in ("on", "yes", "true", "1"),
            "note": values.get("note", ""),
        }
    }


def offer_errors(error: AppError) -> dict[str, str]:
    """Messages keyed by the form's field names (rows by their position on the form)."""
    messages: dict[str, str] = {}
    for item in error.errors:
        name = item.field.removeprefix("offer.")
        parts = name.split(".")
        known = (len(parts) == 3 and parts[0] in OFFER_ROWS and parts[1].isdigit()) or name in (
            "takes_production",
            "note",
        )
        messages.setdefault(name if known else FORM_KEY, item.localised())
    if not error.errors:
        messages[FORM_KEY] = error.localised()
    return messages


def padded(rows: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """Each group's rows and then empty rows to add more."""
    return {group: [*items, *({} for _ in range(EMPTY_ROWS))] for group, items in rows.items()}
