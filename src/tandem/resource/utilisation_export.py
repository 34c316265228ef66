"""The utilisation page as a workbook: every table of the page, one sheet each, every row.

Sheets: the headline figures, the groups, the time series (when asked by week or month), the
under-used resources and the valuation of teaching on enterprise equipment. Headers follow the
reader's language; text cells are neutralised as in every export.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.spreadsheet import neutralise
from tandem.resource.core.utilisation import Measures, Report
from tandem.resource.schemas_utilisation import purpose_label
from tandem.resource.utilisation import UtilisationReport
from tandem.resource.utilisation_pages import (
    group_rows,
    kind_label,
    ownership_label,
    purposes_in,
)

Header = tuple[str, str]  # Chinese, English

SHEETS = {
    "summary": N_("Summary"),
    "groups": N_("Groups"),
    "series": N_("Over time"),
    "underused": N_("Under-used"),
    "valuation": N_("Valuation"),
}
MEASURE_HEADERS: list[Header] = [
    ("可用时数", "Available hours"),
    ("预约时数", "Booked hours"),
    ("使用时数", "Used hours"),
    ("待确认时数", "Pending hours"),
    ("爽约时数", "No-show hours"),
    ("预约数", "Bookings"),
    ("爽约次数", "No-shows"),
    ("预约率（%）", "Booked rate (%)"),
    ("利用率（%）", "Utilisation rate (%)"),
]


def _measure_cells(measures: Measures, purposes: Sequence[str]) -> list[Any]:
    cells: list[Any] = [
        measures.available_hours,
        measures.booked_hours,
        measures.used_hours,
        measures.pending_hours,
        measures.no_show_hours,
        measures.bookings,
        measures.no_shows,
        measures.booked_rate,
        measures.utilisation_rate,
    ]
    for purpose in purposes:
        cells += [measures.booked_hours_of(purpose), measures.used_hours_of(purpose)]
    return cells


def _purpose_headers(purposes: Sequence[str], zh: bool) -> list[str]:
    headers = []
    for purpose in purposes:
        label = purpose_label(purpose)
        headers += (
            [f"{label}·预约时数", f"{label}·使用时数"]
            if zh
            else [f"{label}: booked hours", f"{label}: used hours"]
        )
    return headers


def _sheet(
    workbook: Workbook, key: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    sheet = workbook.create_sheet(gettext(SHEETS[key])[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([neutralise(_cell(v)) for v in row])


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def workbook_bytes(result: UtilisationReport) -> bytes:
    report: Report = result.report
    zh = get_language().startswith("zh")

    def pick(header: Header) -> str:
        return header[0] if zh else header[1]

    purposes = purposes_in(report)
    measure_headers = [pick(h) for h in MEASURE_HEADERS] + _purpose_headers(purposes, zh)
    workbook = Workbook(write_only=True)

    summary: list[tuple[Any, Any]] = [
        (pick(("院校", "College")), result.college.name(get_language())),
        (pick(("开始日期", "From")), report.first),
        (pick(("结束日期", "To")), report.last),
        (pick(("低利用率阈值（%）", "Under-use threshold (%)")), report.threshold_pct),
    ]
    summary += list(zip(measure_headers, _measure_cells(report.total, purposes), strict=True))
    summary += [
        (pick(("低利用率资源数", "Under-used resources")), len(report.underused)),
        (
            pick(("企业设备教学价值（元）", "Value of teaching on enterprise equipment (CNY)")),
            report.valuation_total,
        ),
    ]
    _sheet(workbook, "summary", [pick(("指标", "Measure")), pick(("数值", "Value"))], summary)

    _sheet(
        workbook,
        "groups",
        [pick(("分组", "Group")), pick(("资源数", "Resources")), *measure_headers],
        (
            [row.label, row.resources, *_measure_cells(row.measures, purposes)]
            for row in group_rows(report)
        ),
    )
    if report.series:
        _sheet(
            workbook,
            "series",
            [pick(("开始", "Start")), pick(("结束", "End")), *measure_headers],
            ([p.start, p.end, *_measure_cells(p.measures, purposes)] for p in report.series),
        )
    _sheet(
        workbook,
        "underused",
        [
            pick(("资源", "Resource")),
            pick(("类别", "Kind")),
            pick(("归属", "Owner")),
            pick(("可用时数", "Available hours")),
            pick(("使用时数", "Used hours")),
            pick(("利用率（%）", "Utilisation rate (%)")),
        ],
        (
            [
                r.resource.label,
                kind_label(r.resource.kind),
                r.resource.owner or ownership_label(r.resource.ownership),
                r.measures.available_hours,
                r.measures.used_hours,
                r.measures.utilisation_rate,
            ]
            for r in report.underused
        ),
    )
    lines: list[list[Any]] = [
        [
            line.resource.label,
            line.resource.owner,
            ownership_label(line.resource.ownership),
            line.enterprise_share_pct,
            line.teaching_hours,
            line.hour_value_cny,
            line.value_cny,
        ]
        for line in report.valuation
    ]
    lines.append([pick(("合计", "Total")), None, None, None, None, None, report.valuation_total])
    _sheet(
        workbook,
        "valuation",
        [
            pick(("设备", "Equipment")),
            pick(("企业", "Enterprise")),
            pick(("归属", "Ownership")),
            pick(("企业份额（%）", "Enterprise share (%)")),
            pick(("教学使用时数", "Teaching hours used")),
            pick(("每小时价值（元）", "Value per hour (CNY)")),
            pick(("价值（元）", "Value (CNY)")),
        ],
        lines,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
