"""``tandem placement``: allocation rounds and the daily placement check on the command line.

    tandem placement round PLAN_ID [--objective stable|welfare] [--seed N] [--publish]
    tandem placement check [--date YYYY-MM-DD]

Runs a preview round of the plan (the same service as the pages and the API: the plan must be
in the allocation phase), prints its statistics, and with ``--publish`` publishes it (draft
placements, the plan to results, the announcement). Nothing heavy is imported until the
command runs.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Placement plans: allocation rounds and the daily placement check.", no_args_is_help=True
)
console = Console()
err_console = Console(stderr=True)
STEPS = {"load": "Loading the plan", "allocate": "Allocating", "store": "Storing the round"}


class ObjectiveChoice(StrEnum):
    stable = "stable"
    welfare = "welfare"


@app.callback()
def placement() -> None:
    """Placement plans: allocation rounds."""


def _fail(error: Any) -> NoReturn:
    from tandem.kit.i18n import N_, gettext

    err_console.print(f"[bold red]{gettext(N_('Error:'))}[/] {error.localised()}")
    for item in error.errors:
        if item.message != error.message:
            err_console.print(f"  • [bold]{item.field}[/]: {item.localised()}")
    raise typer.Exit(1)


def print_stats(stats: dict[str, Any], timings: dict[str, float]) -> None:
    from tandem.kit.i18n import N_, gettext

    table = Table(title=gettext(N_("Allocation round")), show_header=False)
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    for label, key in (
        (N_("Students"), "students"),
        (N_("Placed"), "assigned"),
        (N_("Not placed"), "unassigned"),
        (N_("Places"), "places"),
        (N_("Positions"), "positions"),
        (N_("Hosts"), "hosts"),
        (N_("Sum of ranks"), "rank_sum"),
        (N_("Tied groups (lottery)"), "tied_groups"),
    ):
        table.add_row(gettext(label), str(stats.get(key, "—")))
    histogram = stats.get("rank_histogram", {})
    table.add_row(
        gettext(N_("Placed by choice")),
        ", ".join(f"{rank}: {count}" for rank, count in sorted(histogram.items())),
    )
    welfare = stats.get("welfare")
    if welfare:
        table.add_row(
            gettext(N_("Most students placed")),
            gettext(
                N_("%(placed)s placed (%(more)s more), %(pairs)s blocking pairs"),
                placed=welfare["assigned"],
                more=welfare["more_placed"],
                pairs=welfare["blocking_pairs"],
            ),
        )
    elif "more_placed" in stats:
        table.add_row(
            gettext(N_("Against the stable allocation")),
            gettext(
                N_("%(more)s more placed, %(pairs)s blocking pairs"),
                more=stats["more_placed"],
                pairs=stats["blocking_pairs"],
            ),
        )
    for step, seconds in timings.items():
        table.add_row(gettext(N_("Time: %(step)s"), step=step), f"{seconds:.2f} s")
    console.print(table)


@app.command("round")
def round_command(
    plan_id: Annotated[int, typer.Argument(help="The plan's id.")],
    objective: Annotated[
        ObjectiveChoice, typer.Option(help="stable (no blocking pair) or welfare (most placed).")
    ] = ObjectiveChoice.stable,
    seed: Annotated[int, typer.Option(help="The lottery's seed for ties in hosts' rankings.")] = 0,
    publish: Annotated[bool, typer.Option("--publish", help="Publish the round at once.")] = False,
) -> None:
    """Run an allocation round of a plan as a preview (and publish it with --publish)."""
    from rich.progress import Progress

    from tandem.auth.actor import Actor
    from tandem.config import get_settings
    from tandem.db import session_scope
    from tandem.kit.errors import AppError, NotFound
    from tandem.kit.i18n import N_, gettext
    from tandem.placement.models import PlacementPlan
    from tandem.placement.rounds import run_round
    from tandem.placement.rounds_publish import publish_round

    actor = Actor.cli()
    timings: dict[str, float] = {}
    try:
        with session_scope() as session:
            plan = session.get(PlacementPlan, plan_id)
            if plan is None:
                raise NotFound(N_("No placement plan with id %(id)s."), id=plan_id)
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Starting", total=len(STEPS) + (1 if publish else 0))
                clock = {"": time.perf_counter()}  # the current step's name -> its start

                def step(name: str) -> None:
                    (current, began), now = next(iter(clock.items())), time.perf_counter()
                    if current:
                        timings[current] = now - began
                        progress.advance(task)
                    clock.clear()
                    clock[name] = now
                    progress.update(task, description=STEPS[name])

                found = run_round(
                    session,
                    actor=actor,
                    plan=plan,
                    objective=objective.value,
                    seed=seed,
                    on_step=step,
                )
                session.flush()
                timings["store"] = time.perf_counter() - clock.get("store", 0.0)
                progress.advance(task)
                if publish:
                    progress.update(task, description="Publishing")
                    began = time.perf_counter()
                    made = publish_round(session, actor=actor, round=found, settings=get_settings())
                    timings["publish"] = time.perf_counter() - began
                    progress.advance(task)
            print_stats(found.stats, timings)
            done = (
                N_("Round %(number)s of plan %(plan)s published (id %(id)s).")
                if publish
                else N_("Round %(number)s of plan %(plan)s stored as a preview (id %(id)s).")
            )
            console.print(
                "[green]" + gettext(done, number=found.number, plan=plan.name, id=found.id) + "[/]"
            )
            if publish:
                console.print(gettext(N_("%(count)s draft placements made."), count=made))
    except AppError as error:
        _fail(error)


@app.command("check")
def check_command(
    on: Annotated[
        str | None,
        typer.Option("--date", help="Check as if today were this day (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Check every draft, ready and active placement against the rules again; tell the office
    and the mentors about placements newly blocked and insurance ending soon."""
    from datetime import date

    from rich.progress import Progress

    from tandem.config import get_settings
    from tandem.db import session_scope
    from tandem.kit.dates import local_today
    from tandem.kit.errors import ValidationFailed
    from tandem.kit.i18n import N_, gettext
    from tandem.placement.recheck import run_check

    try:
        today = date.fromisoformat(on) if on else local_today()
    except ValueError:
        _fail(
            ValidationFailed.single(
                "--date",
                "invalid_date",
                N_("%(value)s is not a date: write it as YYYY-MM-DD."),
                value=on,
            )
        )
    with session_scope() as session, Progress(console=console, transient=True) as progress:
        task = progress.add_task(gettext(N_("Checking placements")), total=None)

        def advanced(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = run_check(session, today=today, settings=get_settings(), progress=advanced)
    table = Table(title=gettext(N_("Placement check for %(day)s"), day=today.isoformat()))
    table.add_column(gettext(N_("What")))
    table.add_column(gettext(N_("Count")), justify="right")
    for label, count in report.rows():
        table.add_row(gettext(label), str(count))
    console.print(table)
