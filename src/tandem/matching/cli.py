"""``tandem match``: allocate students to positions, or verify an allocation (a stable contract).

    tandem match INSTANCE.json -o RESULT.json [--objective stable|welfare] [--seed N] [--explain]
    tandem match verify INSTANCE.json RESULT.json

One command that dispatches on a first argument ``verify``: a Click group whose callback took
INSTANCE.json would swallow the sub-command's name. Exit 0 on success (verify: feasible and
stable), 1 otherwise (verify: infeasible or blocked) and on any other failure, 2 on malformed
input with the offending entry named on stderr. The result is written to a temporary file
beside RESULT.json and renamed, so a failed run leaves no output file.

Heavy imports (numpy, numba, OR-Tools) happen inside the command: ``tandem --help`` and the
other commands do not pay for them.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer


class ObjectiveChoice(StrEnum):
    STABLE = "stable"
    WELFARE = "welfare"


HELP = (
    "Allocate students to positions, or verify an allocation.\n\n"
    "[bold]tandem match INSTANCE.json -o RESULT.json[/] "
    "\\[--objective stable|welfare] \\[--seed N] \\[--explain]\n\n"
    "[bold]tandem match verify INSTANCE.json RESULT.json[/] "
    'prints {"feasible", "blocking_pairs"}; exit 0 when feasible and stable, 1 otherwise.\n\n'
    "The default objective is the student-optimal stable allocation; ties in a host's ranking "
    "are broken by a lottery seeded with --seed. Exit 2 on malformed input, naming the entry "
    "on stderr."
)


def _fail(status: int, reason: str) -> NoReturn:
    sys.stderr.write(reason.rstrip() + "\n")
    raise typer.Exit(status)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        _fail(2, f"{path}: cannot read the file ({error.strerror or error})")
    except UnicodeDecodeError as error:
        _fail(2, f"{path}: not UTF-8 text ({error})")
    try:
        return json.loads(text, parse_constant=_no_constants)
    except ValueError as error:
        _fail(2, f"{path}: not valid JSON ({error})")


def _write_atomically(output: Path, document: dict[str, Any]) -> None:
    """Write beside ``output`` and rename: readers never see a partial file."""
    folder = output.parent if str(output.parent) else Path()
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
        "w", encoding="utf-8", dir=folder, prefix=f".{output.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:  # one dumps, one write: json.dump's chunked writes are 3x slower
            handle.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # as open() would create it, not the temp's 0600
        os.replace(handle.name, output)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _allocate(
    instance_path: str, output: Path, objective: ObjectiveChoice, seed: int, explain: bool
) -> None:
    from tandem.matching.instance import MalformedInstance
    from tandem.matching.result import allocate

    data = _read_json(instance_path)
    try:
        result = allocate(data, objective=objective.value, seed=seed, explain=explain)
    except MalformedInstance as error:
        _fail(2, f"{instance_path}: {error}")
    try:
        _write_atomically(output, result)
    except OSError as error:
        _fail(1, f"{output}: cannot write the result ({error.strerror or error})")
    stats = result["stats"]
    typer.echo(
        f"{stats['assigned']:,} of {stats['students']:,} students placed "
        f"({objective.value}, seed {seed}) -> {output}"
    )


def _verify(instance_path: str, result_path: str) -> None:
    from tandem.matching.instance import MalformedInstance
    from tandem.matching.verify import check_result

    data = _read_json(instance_path)
    result = _read_json(result_path)
    try:
        verdict, problems = check_result(data, result)
    except MalformedInstance as error:
        where = result_path if error.path.startswith("result") else instance_path
        _fail(2, f"{where}: {error}")
    for problem in problems:
        sys.stderr.write(f"infeasible: {problem}\n")
    sys.stdout.write(json.dumps(verdict, ensure_ascii=False) + "\n")
    ok = verdict["feasible"] and not verdict["blocking_pairs"]
    raise typer.Exit(0 if ok else 1)


def match_command(
    arguments: Annotated[
        list[str],
        typer.Argument(
            metavar="INSTANCE.json | verify INSTANCE.json RESULT.json",
            help="The instance to allocate, or `verify` with an instance and a result.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write the result (RESULT.json)."),
    ] = None,
    objective: Annotated[
        ObjectiveChoice,
        typer.Option(help="stable (student-optimal stable) or welfare (most placed, best ranks)."),
    ] = ObjectiveChoice.STABLE,
    seed: Annotated[int, typer.Option(help="Seed of the lottery that breaks ties.")] = 0,
    explain: Annotated[
        bool, typer.Option("--explain", help="Explain every student's outcome in the result.")
    ] = False,
) -> None:
    """Allocate students to positions, or verify an allocation (see HELP)."""
    # A short-lived process over 10⁶ acyclic JSON objects: the cyclic collector would only
    # rescan them (it doubles the time json.loads takes at 100,000 students); memory is still
    # freed by reference counting.
    gc.disable()
    try:
        if arguments[0] == "verify":
            if len(arguments) != 3:
                _fail(2, "usage: tandem match verify INSTANCE.json RESULT.json")
            given = [
                name
                for name, used in (
                    ("-o", output is not None),
                    ("--objective", objective is not ObjectiveChoice.STABLE),
                    ("--seed", seed != 0),
                    ("--explain", explain),
                )
                if used
            ]
            if given:
                _fail(2, f"tandem match verify takes no {', '.join(given)}")
            _verify(arguments[1], arguments[2])
        else:
            if len(arguments) != 1:
                _fail(2, "usage: tandem match INSTANCE.json -o RESULT.json (one instance)")
            if output is None:
                _fail(2, "tandem match needs -o RESULT.json")
            _allocate(arguments[0], output, objective, seed, explain)
    except typer.Exit:
        raise
    except Exception as error:  # anything but malformed input: status 1, never a traceback
        _fail(1, f"tandem match failed: {type(error).__name__}: {error}")
    finally:
        gc.enable()
