"""``tandem compliance``: check fact documents against a rule set (a stable contract).

``tandem compliance check FACTS.json [--rules cn-2021] [--lang zh|en]`` prints
``{"ok": bool, "violations": [{"rule", "severity", "message", "source"}]}`` (a list of such
objects when FACTS.json holds a list). Exit 0 when every document is ok, 1 when any has a
``block`` violation, 2 on malformed input, with the reason on stderr and nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from tandem.compliance.evaluator import check_all, show
from tandem.compliance.facts import MalformedFacts
from tandem.compliance.ruleset import (
    DEFAULT_RULESET,
    RuleSet,
    RuleSetError,
    load_overrides,
    load_ruleset,
    with_overrides,
)
from tandem.kit.i18n import translate

compliance_app = typer.Typer(
    help="Internship rules: check placements' facts against a rule set.", no_args_is_help=True
)


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


LOCALES = {Lang.ZH: "zh_CN", Lang.EN: "en"}
RulesOption = Annotated[
    str,
    typer.Option(
        "--rules", help="A rule set id (cn-2021, de-bbig, en-apprenticeship) or a .toml file."
    ),
]
LangOption = Annotated[Lang, typer.Option("--lang", help="The language of the messages.")]
OverridesOption = Annotated[
    Path | None,
    typer.Option(
        "--overrides", help="A TOML file of parameter overrides (a province's or college's)."
    ),
]


def _fail(reason: str) -> NoReturn:
    sys.stderr.write(reason.rstrip() + "\n")
    raise typer.Exit(2)


def _ruleset(rules: str, overrides: Path | None) -> RuleSet:
    try:
        ruleset = load_ruleset(rules)
        return with_overrides(ruleset, load_overrides(overrides)) if overrides else ruleset
    except RuleSetError as error:
        _fail(str(error))


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_facts(path: Path) -> Any:
    """The JSON document(s), numbers kept exact; "-" reads standard input."""
    text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    return json.loads(text, parse_float=Decimal, parse_constant=_no_constants)


def malformed_reason(error: MalformedFacts, lang: Lang) -> str:
    text = translate(error.reason, LOCALES[lang], **error.params)
    where = f"{error.path}: " if error.path else ""
    notes = "".join(f" ({note})" for note in getattr(error, "__notes__", []))
    return f"{where}{text}{notes}"


@compliance_app.command("check")
def check_command(
    facts: Annotated[
        Path, typer.Argument(help="The facts: one JSON document or a list; - for stdin.")
    ],
    rules: RulesOption = DEFAULT_RULESET,
    lang: LangOption = Lang.ZH,
    overrides: OverridesOption = None,
) -> None:
    """Check fact documents; print the violations as JSON."""
    ruleset = _ruleset(rules, overrides)
    try:
        documents = read_facts(facts)
    except OSError as error:
        _fail(f"{facts}: cannot read the file ({error.strerror or error})")
    except (ValueError, UnicodeDecodeError) as error:
        _fail(f"{facts}: not valid JSON ({error})")
    try:
        result = check_all(documents, ruleset, lang.value)
    except MalformedFacts as error:
        _fail(malformed_reason(error, lang))
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    reports = result if isinstance(result, list) else [result]
    raise typer.Exit(0 if all(report["ok"] for report in reports) else 1)


@compliance_app.command("rules")
def rules_command(
    rules: RulesOption = DEFAULT_RULESET,
    lang: LangOption = Lang.ZH,
    overrides: OverridesOption = None,
) -> None:
    """List a rule set's rules: id, severity, kinds, parameters and source."""
    ruleset = _ruleset(rules, overrides)
    table = Table(title=f"{ruleset.id}: {ruleset.name[lang.value]}")
    for column in ("rule", "severity", "kinds", "parameters", "source"):
        table.add_column(column)
    for rule in ruleset.rules:
        params = ", ".join(f"{k}={show(v)}" for k, v in rule.params.items())
        kinds = ", ".join(sorted(rule.kinds)) if rule.kinds else "all"
        table.add_row(rule.id, rule.severity, kinds, params, rule.source[lang.value])
    Console().print(table)
