"""Helpers of the insurance pages: the list's query-string filters (the same for the page and its
export), select options, labels for the templates and the export's columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.kit import export
from tandem.kit.export import Field, field, local_time
from tandem.kit.i18n import N_, gettext
from tandem.placement import insurance, scope
from tandem.placement.kinds import PLACEMENT_STATUS_LABELS
from tandem.placement.models import PlacementPlan
from tandem.placement.models_records import InsurancePolicy
from tandem.placement.schemas_insurance import PAYER_LABELS, Payer
from tandem.resource.venue_base_pages import label, money

Options = list[tuple[int | str, str]]


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def policy_filter(
    covering: str = "", paid_by: str = "", ending_within: str = "", plan_id: str = ""
) -> insurance.PolicyFilter:
    """The list's filters (page and export); values that mean nothing are ignored, as a
    hand-edited address may hold anything."""
    days = _id(ending_within)
    return insurance.PolicyFilter(
        covering=_day(covering),
        paid_by=paid_by if paid_by in set(Payer) else "",
        ending_within=days if days is not None and days <= 3660 else None,
        plan_id=_id(plan_id),
    )


PolicyListFilter = Annotated[insurance.PolicyFilter, Depends(policy_filter)]


def shown(filters: insurance.PolicyFilter) -> dict[str, str]:
    """The filters as the form shows them."""
    return {
        "covering": filters.covering.isoformat() if filters.covering else "",
        "paid_by": filters.paid_by,
        "ending_within": "" if filters.ending_within is None else str(filters.ending_within),
        "plan_id": "" if filters.plan_id is None else str(filters.plan_id),
    }


def plan_options(session: Session, actor: Actor) -> Options:
    """The plans of the reader's college (staff only: others filter without them)."""
    if not scope.is_staff(actor) or actor.college_id is None:
        return []
    stmt = (
        select(PlacementPlan.id, PlacementPlan.name)
        .where(PlacementPlan.college_id == actor.college_id)
        .order_by(PlacementPlan.term_start.desc(), PlacementPlan.name)
    )
    return [(pid, str(name)) for pid, name in session.execute(stmt)]


def choices() -> dict[str, Any]:
    return {
        "payer_options": [(p.value, label(PAYER_LABELS, p)) for p in Payer],
        "payer_label": insurance.payer_label,
        "placement_status_label": lambda v: label(PLACEMENT_STATUS_LABELS, v),
        "money": money,
    }


def payer_hint() -> str:
    return gettext(
        N_(
            "Record who actually pays. A premium paid by the student may be recorded, but the rule "
            "set then blocks every placement the policy covers: internship liability insurance may "
            "not be charged to students."
        )
    )


# --- the export -----------------------------------------------------------------------------------

Row = tuple[InsurancePolicy, int]


def rows(session: Session, actor: Actor, stmt: Any) -> Iterator[Row]:
    for chunk in export.chunks(session, stmt):
        counts = insurance.placement_counts(session, actor=actor, policy_ids=[p.id for p in chunk])
        for policy in chunk:
            yield policy, counts.get(policy.id, 0)


def fields(actor: Actor) -> Sequence[Field[Any]]:
    columns: list[Field[Any]] = [
        field("insurer", "保险公司", "Insurer", lambda r: export.text(r[0].insurer)),
        field("number", "保单号", "Policy number", lambda r: r[0].number),
        field("start_on", "保险起期", "Covered from", lambda r: r[0].start_on),
        field("end_on", "保险止期", "Covered until", lambda r: r[0].end_on),
        field("premium", "保费（元）", "Premium (CNY)", lambda r: r[0].premium),
        field(
            "paid_by",
            "保费承担方",
            "Premium paid by",
            lambda r: insurance.payer_label(r[0].paid_by),
        ),
        field("placements", "覆盖的实习（人）", "Placements covered", lambda r: r[1]),
    ]
    if insurance.shows_internal(actor):
        columns.append(field("note", "备注", "Remarks", lambda r: export.text(r[0].note)))
    columns.append(
        field("updated_at", "最近修改", "Last changed", lambda r: local_time(r[0].updated_at))
    )
    return columns
