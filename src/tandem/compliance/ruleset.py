"""Rule sets (pure): TOML files of rules, loaded, checked and optionally overridden.

A rule set is named by its id (``cn-2021``, ``de-bbig``, ``en-apprenticeship``: the files in
``rulesets/``) or given as a path to a TOML file of the same shape. A province or a college
overrides parameters with a TOML file of tables named by rule id::

    ["cn2021.overtime"]
    max_hours_per_day = 7
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Final

from tandem.compliance.checks import CHECKS, Check
from tandem.compliance.facts import FIELDS, KINDS

DEFAULT_RULESET: Final = "cn-2021"
LANGUAGES: Final = ("zh", "en")
SEVERITIES: Final = ("block", "warn")


class RuleSetError(ValueError):
    """A rule set or an override file is wrong; the message names the file, rule and key."""


@dataclass(frozen=True)
class Rule:
    id: str
    check: Check
    severity: str
    kinds: frozenset[str] | None  # None: every kind
    facts: tuple[str, ...]
    params: Mapping[str, Any]
    message: Mapping[str, str]  # language -> template
    source: Mapping[str, str]  # language -> citation


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: Mapping[str, str]
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    @cached_property
    def by_kind(self) -> dict[str, tuple[Rule, ...]]:
        """The rules that apply to each kind of document, in order."""
        return {
            kind: tuple(r for r in self.rules if r.kinds is None or kind in r.kinds)
            for kind in KINDS
        }

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def available() -> list[str]:
    folder = resources.files("tandem.compliance") / "rulesets"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def _exact(value: Any) -> Any:
    """Parameters as exact numbers: TOML floats become Decimals."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


def _lang_map(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) for lang in LANGUAGES
    ):
        raise RuleSetError(f"{where}: needs text in both zh and en")
    return {lang: value[lang] for lang in LANGUAGES}


def _rule(raw: Mapping[str, Any], sources: Mapping[str, Any], where: str) -> Rule:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleSetError(f"{where}: every rule needs an id")
    where = f"{where} rule {rule_id}"
    check = CHECKS.get(raw.get("check", ""))
    if check is None:
        raise RuleSetError(f"{where}: unknown check {raw.get('check')!r}")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise RuleSetError(f"{where}: severity must be block or warn")
    kinds = raw.get("kinds")
    if kinds is not None and (not isinstance(kinds, list) or not set(kinds) <= KINDS):
        raise RuleSetError(f"{where}: kinds must be a list of {sorted(KINDS)}")
    facts = tuple(raw.get("facts", ()))
    unknown = [path for path in facts if path not in FIELDS]
    if unknown:
        raise RuleSetError(f"{where}: unknown facts {unknown}")
    source = sources.get(raw.get("source", ""))
    if source is None:
        raise RuleSetError(f"{where}: unknown source {raw.get('source')!r}")
    citation = _lang_map(source, f"{where} source")
    if "article" in raw:
        article = _lang_map(raw["article"], f"{where} article")
        citation = {lang: citation[lang] + article[lang] for lang in LANGUAGES}
    return Rule(
        id=rule_id,
        check=check,
        severity=severity,
        kinds=frozenset(kinds) if kinds is not None else None,
        facts=facts,
        params=_exact(dict(raw.get("params", {}))),
        message=_lang_map(raw.get("message"), f"{where} message"),
        source=citation,
    )


def parse_ruleset(text: str, where: str) -> RuleSet:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"{where}: not valid TOML ({error})") from None
    rules = tuple(_rule(r, raw.get("sources", {}), where) for r in raw.get("rules", []))
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise RuleSetError(f"{where}: rule ids must be unique")
    return RuleSet(
        id=str(raw.get("id", where)), name=_lang_map(raw.get("name"), where), rules=rules
    )


@cache
def _builtin(name: str) -> RuleSet:
    resource = resources.files("tandem.compliance") / "rulesets" / f"{name}.toml"
    return parse_ruleset(resource.read_text(encoding="utf-8"), f"{name}.toml")


def load_ruleset(name_or_path: str = DEFAULT_RULESET) -> RuleSet:
    """A built-in rule set by id, or a rule set file by path."""
    if name_or_path in available():
        return _builtin(name_or_path)
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.is_file():
        return parse_ruleset(path.read_text(encoding="utf-8"), str(path))
    raise RuleSetError(
        f"unknown rule set {name_or_path!r}: use one of {', '.join(available())} or a .toml file"
    )


def with_overrides(ruleset: RuleSet, overrides: Mapping[str, Mapping[str, Any]]) -> RuleSet:
    """The rule set with some parameters replaced; an unknown rule or parameter is an error,
    and a new value must have the type of the old one (numbers for numbers)."""
    known = {rule.id: rule for rule in ruleset.rules}
    replaced = dict(known)
    for rule_id, params in overrides.items():
        rule = known.get(rule_id)
        if rule is None:
            raise RuleSetError(f"override: {ruleset.id} has no rule {rule_id!r}")
        new = dict(rule.params)
        for key, value in params.items():
            if key not in rule.params:
                raise RuleSetError(f"override: rule {rule_id} has no parameter {key!r}")
            old = rule.params[key]
            if _is_number(old) != _is_number(value) or (
                not _is_number(old) and type(value) is not type(old)
            ):
                raise RuleSetError(f"override: {rule_id}.{key} must be like {old!r}, not {value!r}")
            new[key] = _exact(value)
        replaced[rule_id] = replace(rule, params=new)
    return replace(ruleset, rules=tuple(replaced[rule.id] for rule in ruleset.rules))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def load_overrides(path: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RuleSetError(f"{path}: cannot read the overrides ({error})") from None
    if not all(isinstance(v, dict) for v in raw.values()):
        raise RuleSetError(f"{path}: every override is a table named by rule id")
    return raw
