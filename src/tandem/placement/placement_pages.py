"""Helpers of the placement pages: labels and badges, the compliance state of a placement as the
lists show it, what to do about each blocking rule, the form's values, and the placement page
itself (parties, terms, mentors, status and its moves, the gate's result, then the agreement,
consent and insurance sections of their own modules)."""

from __future__ import annotations

import importlib
import logging
from typing import Any, Final

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit.i18n import N_, get_language, gettext
from tandem.placement import gate, placement_lifecycle, placements, scope
from tandem.placement.kinds import (
    PLACEMENT_STATUS_LABELS,
    PLAN_KIND_LABELS,
    PlacementSource,
    PlacementStatus,
    PlanKind,
)
from tandem.placement.models import Placement
from tandem.placement.schemas_placements import MENTOR_FIELDS, TERM_FIELDS
from tandem.placement.views_plans import choices as plan_choices
from tandem.placement.views_positions import (
    CATEGORY_LABELS,
    LEVEL_LABELS,
    RESTRICTION_LABELS,
)
from tandem.resource.venue_base_pages import label, plain

log = logging.getLogger("tandem.placement.pages")

FLAGS: Final = ("paid_in_money", "night_shift", "holiday_work", "high_risk", "via_intermediary")
LISTS: Final = ("restrictions",)
FORM_FIELDS: Final = (
    "student_id",
    "partnership_id",
    "plan_id",
    "kind",
    *TERM_FIELDS,
    *MENTOR_FIELDS,
    "note",
)
SOURCE_LABELS: Final = {
    PlacementSource.ALLOCATION: N_("From an allocation round"),
    PlacementSource.SELF_FOUND: N_("Self-found"),
}
COMPLIANCE_LABELS: Final = {
    "blocked": N_("Blocked"),
    "needs_override": N_("Warning to override"),
    "clear": N_("Clear"),
    "not_checked": N_("Not checked"),
}
COMPLIANCE_BADGES: Final = {
    "blocked": "bad",
    "needs_override": "warn",
    "clear": "ok",
    "not_checked": "",
}
STATUS_BADGES: Final = {
    PlacementStatus.DRAFT: "",
    PlacementStatus.READY: "warn",
    PlacementStatus.ACTIVE: "ok",
    PlacementStatus.COMPLETED: "",
    PlacementStatus.ENDED_EARLY: "bad",
}
MOVE_LABELS: Final = {
    PlacementStatus.READY: N_("Mark ready to start"),
    PlacementStatus.ACTIVE: N_("Start the placement"),
    PlacementStatus.COMPLETED: N_("Complete the placement"),
    PlacementStatus.ENDED_EARLY: N_("End early…"),
}
# What to do about a blocking rule (anything else: correct the placement's terms).
HINTS: Final = {
    "cn2021.no_tripartite_agreement": N_(
        "Generate the tripartite agreement below and have the college, the host and the student "
        "confirm it, or upload the signed scan."
    ),
    "cn2021.no_guardian_consent": N_("Record the guardian's consent below, with the signed form."),
    gate.INFORMED_CONSENT: N_("Record the informed consent below, with the signed form."),
    "cn2021.no_insurance": N_(
        "Link an internship liability insurance policy that covers the whole period."
    ),
    "cn2021.insurance_paid_by_student": N_(
        "The student may not pay the insurance: link a policy the college or the host pays."
    ),
    "cn2021.host_intern_cap": N_(
        "The host has too many interns for its staff: choose another host or another period."
    ),
    "cn2021.post_intern_cap": N_(
        "Too many interns in this post: choose another post or period, or correct the post's staff."
    ),
}
MISSING_HINT: Final = N_("A fact the rule needs is not recorded: enter it in the terms (Edit).")
OTHER_HINT: Final = N_("Correct the placement's terms (Edit), or end the placement.")


def compliance_state(placement: Placement) -> str:
    found = placement.compliance
    if placement.checked_at is None or not found:
        return "not_checked"
    if found.get("blocking"):
        return "blocked"
    if found.get("open_warnings"):
        return "needs_override"
    return "clear"


def short_language() -> str:
    return "zh" if get_language().startswith("zh") else "en"


def item_text(item: dict[str, Any], key: str = "message") -> str:
    value = item.get(key, "")
    return str(value.get(short_language(), "")) if isinstance(value, dict) else str(value)


def hint(item: dict[str, Any]) -> str:
    rule = str(item.get("rule", ""))
    if rule in HINTS:
        return gettext(HINTS[rule])
    return gettext(MISSING_HINT if item.get("missing") else OTHER_HINT)


def choices() -> dict[str, Any]:
    """Labels, badges and options for the placement templates."""
    return {
        **plan_choices(),
        "status_options": [(s.value, label(PLACEMENT_STATUS_LABELS, s)) for s in PlacementStatus],
        "compliance_options": [(k, gettext(v)) for k, v in COMPLIANCE_LABELS.items()],
        "source_options": [(s.value, label(SOURCE_LABELS, s)) for s in PlacementSource],
        "plan_kind_options": [(k.value, label(PLAN_KIND_LABELS, k)) for k in PlanKind],
        "category_options": [(c, gettext(t)) for c, t in CATEGORY_LABELS.items()],
        "restriction_options": [(r, gettext(t)) for r, t in RESTRICTION_LABELS.items()],
        "level_options": [(str(k), gettext(v)) for k, v in LEVEL_LABELS.items()],
        "status_label": lambda v: label(PLACEMENT_STATUS_LABELS, v),
        "status_badge": lambda v: STATUS_BADGES.get(v, ""),
        "source_label": lambda v: label(SOURCE_LABELS, v),
        "compliance_state": compliance_state,
        "compliance_label": lambda v: label(COMPLIANCE_LABELS, v),
        "compliance_badge": lambda v: COMPLIANCE_BADGES.get(v, ""),
        "category_label": lambda v: label(CATEGORY_LABELS, v) if v else "—",
        "restriction_label": lambda v: label(RESTRICTION_LABELS, v),
        "level_label": lambda v: gettext(LEVEL_LABELS[v]) if v in LEVEL_LABELS else "—",
        "move_label": lambda v: label(MOVE_LABELS, v),
        "item_text": item_text,
        "hint": hint,
        "pending": placements.pending_approval,
        "rejected": placements.rejected,
    }


def url_of(placement: Placement) -> str:
    return f"/placements/{placement.id}"


# --- the form's values ---------------------------------------------------------------------------


def values_of(placement: Placement) -> dict[str, Any]:
    names = [n for n in (*TERM_FIELDS, *MENTOR_FIELDS, "note") if n not in ("restrictions", "fees")]
    values: dict[str, Any] = {name: plain(getattr(placement, name)) for name in names}
    for name in FLAGS:
        values[name] = bool(getattr(placement, name))
    values["restrictions"] = list(placement.restrictions or [])
    values["fees"] = "\n".join(placement.fees or [])
    return values | {"version": placement.version}


async def posted(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as shown again (values) and as the schema takes it (payload)."""
    from tandem.kit.forms import read_form
    from tandem.resource.venue_base_pages import CHECKED

    values: dict[str, Any] = dict(await read_form(request))
    form = await request.form()
    for name in LISTS:
        values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
    for name in FLAGS:
        values[name] = values.get(name, "") in CHECKED
    fees = str(values.get("fees", ""))
    payload = {k: v for k, v in values.items() if k in FORM_FIELDS and k != "fees"}
    payload["fees"] = [line.strip() for line in fees.splitlines() if line.strip()]
    return values, payload


# --- the placement page --------------------------------------------------------------------------


def _section(module: str, session: Session, actor: Actor, placement: Placement) -> Any:
    """Another module's section of the page (None when that module is not there)."""
    try:
        found = importlib.import_module(f"tandem.placement.{module}")
    except ImportError:
        return None
    make = getattr(found, "section", None)
    return make(session, actor=actor, placement=placement) if make else None


def detail(
    request: Request,
    session: Session,
    actor: Actor,
    placement: Placement,
    error: str = "",
    errors: list[str] | None = None,
    status_code: int = 200,
    override_values: dict[str, Any] | None = None,
    override_errors: dict[str, str] | None = None,
) -> Response:
    from tandem.kit.web import render

    blocking, warnings = gate.stored_items(placement)
    manage = scope.can_manage_placement(actor, placement)
    open_statuses = (PlacementStatus.DRAFT, PlacementStatus.READY, PlacementStatus.ACTIVE)
    return render(
        request,
        "placement/placement_detail.html",
        {
            "placement": placement,
            "student": placement.student,
            "host": placement.partnership.enterprise,
            "plan": placement.plan,
            "error": error,
            "error_items": errors or [],
            "blocking": blocking,
            "warnings": warnings,
            "overrides": gate.overrides_of(session, placement) if scope.is_staff(actor) else [],
            "override_names": _names(session, placement),
            "moves": placement_lifecycle.allowed(actor, placement),
            "can_manage": manage,
            "can_edit": placements.can_edit(actor, placement),
            "can_approve": manage and placements.pending_approval(placement),
            "can_override": manage and placement.status in open_statuses,
            "is_staff": scope.is_staff(actor),
            "override_values": override_values or {},
            "override_errors": override_errors or {},
            "agreement_section": _section("tripartite", session, actor, placement),
            "consent_section": _section("consent", session, actor, placement),
            "insurance_section": _section("insurance", session, actor, placement),
            **choices(),
        },
        status_code=status_code,
    )


def _names(session: Session, placement: Placement) -> dict[int, str]:
    from sqlalchemy import select

    from tandem.auth.models import User
    from tandem.placement.models_records import ComplianceOverride

    stmt = (
        select(User.id, User.display_name)
        .join(ComplianceOverride, ComplianceOverride.by_user_id == User.id)
        .where(ComplianceOverride.placement_id == placement.id)
    )
    found = {uid: str(name) for uid, name in session.execute(stmt)}
    if placement.approved_by_user_id is not None and placement.approved_by_user_id not in found:
        user = session.get(User, placement.approved_by_user_id)
        if user is not None:
            found[user.id] = user.display_name
    return found
