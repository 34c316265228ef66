"""``tandem resources``: the utilisation report on the command line.

    tandem resources utilisation --college CODE [--from D] [--to D] [--group G]
        [--bucket week|month] [--kind venue|equipment] [--format table|csv|json]

The same report as the page and the API (``tandem.resource.utilisation``), for the whole
college (the command line sees every resource). Without ``--from``/``--to`` the period is the
current term so far, or the last 90 days.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from tandem.auth.actor import Actor
from tandem.college import repository as college_repository
from tandem.db import session_scope
from tandem.kit.dates import local_today
from tandem.kit.errors import AppError, NotFound, ValidationFailed
from tandem.kit.i18n import N_, get_language, gettext
from tandem.resource import utilisation as service
from tandem.resource.core.utilisation import Measures
from tandem.resource.schemas_utilisation import UtilisationQuery, group_label, purpose_label
from tandem.resource.utilisation_pages import purposes_in

app = typer.Typer(help="Venues, equipment and their utilisation.", no_args_is_help=True)
err_console = Console(stderr=True)


class Group(StrEnum):
    college = "college"
    department = "department"
    base = "base"
    venue = "venue"
    resource = "resource"


class Bucket(StrEnum):
    week = "week"
    month = "month"


class Kind(StrEnum):
    venue = "venue"
    equipment = "equipment"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.callback()
def resources() -> None:
    """Venues, equipment and their utilisation."""


def _fail(error: AppError) -> NoReturn:
    err_console.print(f"[bold red]{gettext(N_('Error:'))}[/] {error.localised()}")
    for item in error.errors:
        if item.message != error.message:
            err_console.print(f"  • [bold]{item.field}[/]: {item.localised()}")
    raise typer.Exit(1)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(
            ValidationFailed.single(
                option,
                "invalid_date",
                N_("%(value)s is not a date: write it as YYYY-MM-DD."),
                value=value,
            )
        )


def _cells(measures: Measures, purposes: list[str]) -> list[Any]:
    return [
        measures.available_hours,
        measures.booked_hours,
        measures.used_hours,
        measures.pending_hours,
        measures.no_shows,
        measures.booked_rate,
        measures.utilisation_rate,
        *(measures.used_hours_of(p) for p in purposes),
    ]


HEADERS = [
    N_("Available hours"),
    N_("Booked hours"),
    N_("Used hours"),
    N_("Hours booked, use not confirmed"),
    N_("No-shows"),
    N_("Booked rate (%)"),
    N_("Utilisation rate (%)"),
]


def _text(value: Any) -> str:
    return "—" if value is None else str(value)


@app.command("utilisation")
def utilisation(
    college: Annotated[str, typer.Option("--college", help="College code.")],
    first: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD).", show_default=False)
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).", show_default=False)
    ] = None,
    group: Annotated[Group, typer.Option("--group", help="How to group.")] = Group.college,
    bucket: Annotated[
        Bucket | None, typer.Option("--bucket", help="Also a series by week or month.")
    ] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only venues or equipment.")] = None,
    output: Annotated[Format, typer.Option("--format", help="How to print it.")] = Format.table,
) -> None:
    """Available, booked and used hours and rates of a college's venues and equipment."""
    query = UtilisationQuery(
        first=_day(first, "--from"),
        last=_day(last, "--to"),
        group=group.value,
        bucket=bucket.value if bucket else None,
        kind=kind.value if kind else None,
    )
    try:
        with session_scope() as session:
            found = college_repository.find_college_by_code(session, college)
            if found is None:
                raise NotFound(N_("No college with code %(value)s."), value=college.upper())
            selection = service.selection_of(
                session, college_id=found.id, query=query, today=local_today()
            )
            result = service.utilisation(
                session,
                actor=Actor.cli(),
                college=found,
                selection=selection,
                language=get_language(),
            )
    except AppError as error:
        _fail(error)
    report = result.report
    purposes = purposes_in(report)
    headers = [gettext(N_("Group")), *(gettext(h) for h in HEADERS)]
    headers += [f"{purpose_label(p)} ({gettext(N_('Used hours'))})" for p in purposes]
    rows = [[group_label(g), *_cells(g.measures, purposes)] for g in report.groups]
    total = [gettext(N_("Total")), *_cells(report.total, purposes)]
    if output == Format.json:
        data = {
            "college": found.code,
            "first": report.first.isoformat(),
            "last": report.last.isoformat(),
            "group": report.grouping,
            "threshold_pct": _json(report.threshold_pct),
            "headers": headers,
            "rows": [[_json(v) for v in row] for row in rows],
            "total": [_json(v) for v in total],
            "series": [
                {
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "values": [_json(v) for v in _cells(p.measures, purposes)],
                }
                for p in report.series
            ],
            "underused": len(report.underused),
            "valuation_cny": _json(report.valuation_total),
        }
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    if output == Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in [*rows, total]:
            writer.writerow(["" if v is None else v for v in row])
        typer.echo(buffer.getvalue(), nl=False)
        return
    console = Console()  # made here: its width follows the terminal of this run
    table = Table(
        title=gettext(
            N_("Utilisation of %(college)s, %(first)s to %(last)s"),
            college=found.code,
            first=report.first.isoformat(),
            last=report.last.isoformat(),
        )
    )
    for index, header in enumerate(headers):
        table.add_column(header, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*(_text(v) for v in row))
    table.add_row(*(_text(v) for v in total), style="bold")
    console.print(table)
    console.print(
        gettext(
            N_("Under-used resources (below %(threshold)s %%): %(count)s."),
            threshold=report.threshold_pct,
            count=len(report.underused),
        )
    )
    console.print(
        gettext(
            N_("Value of teaching on enterprise equipment: %(value)s CNY."),
            value=report.valuation_total,
        )
    )


def _json(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    return str(value)
