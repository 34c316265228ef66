"""What the utilisation page and its export show: the query from the address, the filters'
options, the tables' rows and the charts' data (read by static/js/charts.js)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import College, Department
from tandem.kit.errors import ValidationFailed
from tandem.kit.forms import errors_by_field, validate
from tandem.kit.i18n import N_, get_language, gettext
from tandem.resource import scope
from tandem.resource.core.utilisation import (
    PURPOSES,
    GroupReport,
    Measures,
    Report,
    ResourceReport,
)
from tandem.resource.kinds import OWNERSHIP_LABELS, Ownership, ResourceKind, VenueStatus
from tandem.resource.models import TrainingBase, Venue
from tandem.resource.schemas_utilisation import UtilisationQuery, group_label, purpose_label
from tandem.resource.utilisation import enterprise_colleges

# One colour per purpose, the same in every chart and legend.
PURPOSE_COLOURS = {
    "teaching": "#2f6fb0",
    "production": "#d9822b",
    "employee_training": "#3a9b5c",
    "tech_promotion": "#8a5cc2",
    "maintenance": "#8c8c8c",
}
BOOKED_COLOUR = "#1f2d3a"
MAX_BARS = 40  # the bar chart shows the first groups of the table
MAX_ROWS = 500  # the page's tables stop here; the export has every row

QUERY_KEYS = (
    "from",
    "to",
    "group",
    "department_id",
    "base_id",
    "venue_id",
    "equipment_id",
    "kind",
    "ownership",
    "bucket",
    "college_id",
)
GROUP_LABELS = {
    "college": N_("The college"),
    "department": N_("By department"),
    "base": N_("By training base"),
    "venue": N_("By venue"),
    "resource": N_("By resource"),
}
BUCKET_LABELS = {"week": N_("By week"), "month": N_("By month")}
KIND_LABELS = {ResourceKind.VENUE: N_("Venues"), ResourceKind.EQUIPMENT: N_("Equipment")}


def raw_query(params: Mapping[str, str]) -> dict[str, str]:
    """The report's parameters from the address (blank ones left out)."""
    return {k: params[k].strip() for k in QUERY_KEYS if params.get(k, "").strip()}


def parse_query(raw: dict[str, str]) -> tuple[UtilisationQuery, dict[str, str]]:
    """The query, or the defaults and the messages by field when the address is wrong."""
    try:
        return validate(UtilisationQuery, raw), {}
    except ValidationFailed as error:
        return UtilisationQuery(), errors_by_field(error)


# --- numbers -------------------------------------------------------------------------------------


def number(value: Decimal | int | None, digits: int = 2) -> str:
    """A number in the reader's language, "—" for none."""
    if value is None:
        return "—"
    return format_decimal(value, format=f"#,##0.{'0' * digits}", locale=get_language())


def headline(value: Decimal | None) -> str:
    """A headline figure: whole numbers from 1,000 up, one decimal below."""
    if value is None:
        return "—"
    return number(value, 0 if abs(value) >= 1000 else 1)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{number(value, 1)} %"


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- options for the filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    colleges: list[tuple[int, str]]  # platform admins and contacts of several colleges choose
    departments: list[tuple[int, str]]
    bases: list[tuple[int, str]]
    venues: list[tuple[int, str]]
    groups: list[tuple[str, str]]
    buckets: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    ownerships: list[tuple[str, str]]


def options(session: Session, actor: Actor, college: College | None) -> Options:
    language = get_language()
    if actor.is_platform_wide:
        colleges = [
            (c.id, f"{c.code} {c.name(language)}")
            for c in session.scalars(select(College).order_by(College.code))
        ]
    elif actor.role == Role.ENTERPRISE_CONTACT:
        found = enterprise_colleges(session, actor) if actor.enterprise_id else []
        colleges = [(c.id, c.name(language)) for c in found] if len(found) > 1 else []
    else:
        colleges = []
    departments: list[tuple[int, str]] = []
    bases: list[tuple[int, str]] = []
    venues: list[tuple[int, str]] = []
    if college is not None:
        if actor.role != Role.ENTERPRISE_CONTACT:
            departments = [
                (d.id, d.name(language))
                for d in session.scalars(
                    select(Department)
                    .where(Department.college_id == college.id)
                    .order_by(Department.code)
                )
            ]
        bases = [
            (row.id, row.name)
            for row in session.execute(
                select(TrainingBase.id, TrainingBase.name)
                .where(
                    TrainingBase.college_id == college.id,
                    scope.visible(TrainingBase, actor),
                )
                .order_by(TrainingBase.name)
            )
        ]
        venues = [
            (row.id, f"{row.name} ({row.code})")
            for row in session.execute(
                select(Venue.id, Venue.code, Venue.name)
                .where(
                    Venue.college_id == college.id,
                    Venue.status != VenueStatus.CLOSED,
                    scope.visible(Venue, actor),
                )
                .order_by(Venue.code)
            )
        ]
    return Options(
        colleges=colleges,
        departments=departments,
        bases=bases,
        venues=venues,
        groups=[(k, gettext(v)) for k, v in GROUP_LABELS.items()],
        buckets=[(k, gettext(v)) for k, v in BUCKET_LABELS.items()],
        kinds=[(k.value, gettext(v)) for k, v in KIND_LABELS.items()],
        ownerships=[(o.value, gettext(OWNERSHIP_LABELS[o])) for o in Ownership],
    )


# --- tables --------------------------------------------------------------------------------------


def purposes_in(report: Report) -> list[str]:
    """The purposes with any booked hours in the selection (the tables' and charts' columns)."""
    found = [p for p in PURPOSES if report.total.booked_by_purpose.get(p)]
    return found or [PURPOSES[0]]


@dataclass(frozen=True)
class Row:
    label: str
    href: str | None
    resources: int | None
    measures: Measures


def group_rows(report: Report) -> list[Row]:
    return [Row(group_label(g), _group_href(g), g.resources, g.measures) for g in report.groups]


def _group_href(group: GroupReport) -> str | None:
    if group.id is None:
        return None
    if group.grouping == "venue" or (group.grouping == "resource" and group.kind == "venue"):
        return f"/venues/{group.id}"
    if group.grouping == "resource":
        return f"/equipment/{group.id}"
    if group.grouping == "base":
        return f"/training-bases/{group.id}"
    return None


def resource_href(item: ResourceReport) -> str:
    path = "venues" if item.resource.kind == ResourceKind.VENUE else "equipment"
    return f"/{path}/{item.resource.id}"


def kind_label(kind: str) -> str:
    return gettext(KIND_LABELS[ResourceKind(kind)])


def ownership_label(ownership: str) -> str:
    try:
        return gettext(OWNERSHIP_LABELS[Ownership(ownership)])
    except ValueError:
        return ownership


def period_label(start: Any, end: Any) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"


# --- charts --------------------------------------------------------------------------------------


def _purpose_series(rows: Sequence[Measures], purposes: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {
            "name": purpose_label(purpose),
            "color": PURPOSE_COLOURS.get(purpose, "#999999"),
            "stack": "used",
            "data": [_float(m.used_rate_of(purpose)) for m in rows],
        }
        for purpose in purposes
    ]


def bar_chart(report: Report) -> dict[str, Any]:
    """Utilisation rate by group, stacked by purpose (the first MAX_BARS groups)."""
    rows = group_rows(report)[:MAX_BARS]
    purposes = purposes_in(report)
    return {
        "type": "bar",
        "categories": [row.label for row in rows],
        "yName": gettext(N_("Utilisation rate (%)")),
        "unit": "%",
        "series": _purpose_series([row.measures for row in rows], purposes),
    }


def line_chart(report: Report) -> dict[str, Any]:
    """Over time: the utilisation rate stacked by purpose, and the booked rate as a line."""
    measures = [point.measures for point in report.series]
    purposes = purposes_in(report)
    series = _purpose_series(measures, purposes)
    for item in series:
        item["area"] = True
    series.append(
        {
            "name": gettext(N_("Booked rate")),
            "color": BOOKED_COLOUR,
            "dashed": True,
            "data": [_float(m.booked_rate) for m in measures],
        }
    )
    return {
        "type": "line",
        "categories": [
            point.start.strftime("%Y-%m") if report.bucket == "month" else point.start.isoformat()
            for point in report.series
        ],
        "yName": gettext(N_("Rate (%)")),
        "unit": "%",
        "series": series,
    }


def legend(purposes: Sequence[str]) -> list[tuple[str, str]]:
    """(label, css class) per purpose: the colour key beside each table."""
    return [(purpose_label(p), f"purpose-{p.replace('_', '-')}") for p in purposes]
