"""The evaluator (pure): facts and a rule set in, every violation out, in the rule set's order.

A violation is ``{"rule", "severity", "message", "source"}``. A fact a rule needs but the
document lacks gives a ``warn`` with that rule's id and a message naming the missing path; it is
never silently passed. A document is ``ok`` when it has no ``block`` violation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from tandem.compliance.facts import Facts, Missing, parse
from tandem.compliance.ruleset import RuleSet

MISSING_MESSAGE: Final = {
    "zh": "缺少事实 {path}：规则 {rule} 需要它才能检查，请在文档中补充。",
    "en": "The fact {path} is missing: rule {rule} needs it to be checked; add it to the document.",
}


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    severity: str
    message: str
    source: str

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
        }


def show(value: Any) -> str:
    """A value as a message quotes it: exact decimals without exponent, ISO dates."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | frozenset | set):
        return ", ".join(show(v) for v in value)
    return str(value)


class _Shown(dict[str, Any]):
    def __getitem__(self, key: str) -> str:
        return show(super().__getitem__(key))


def evaluate(facts: Facts, ruleset: RuleSet, lang: str = "zh") -> list[Violation]:
    violations = []
    for rule in ruleset.by_kind[facts.kind]:
        try:
            result = rule.check(facts, rule.params)
        except Missing as absent:
            message = MISSING_MESSAGE[lang].format(path=absent.path, rule=rule.id)
            violations.append(Violation(rule.id, "warn", message, rule.source[lang]))
            continue
        if result is not None:
            message = rule.message[lang].format_map(_Shown(rule.params, **result))
            violations.append(Violation(rule.id, rule.severity, message, rule.source[lang]))
    return violations


def report(violations: Iterable[Violation]) -> dict[str, Any]:
    listed = [v.as_json() for v in violations]
    return {"ok": all(v["severity"] != "block" for v in listed), "violations": listed}


def check(document: Any, ruleset: RuleSet, lang: str = "zh") -> dict[str, Any]:
    """One document: raises MalformedFacts when it cannot be checked."""
    return report(evaluate(parse(document), ruleset, lang))


def check_all(documents: Any, ruleset: RuleSet, lang: str = "zh") -> dict[str, Any] | list[Any]:
    """One document, or a list of them (a list of reports); every document is validated
    before any is checked, so malformed input gives no partial answer."""
    if isinstance(documents, list):
        parsed = []
        for index, document in enumerate(documents):
            try:
                parsed.append(parse(document))
            except Exception as error:
                error.add_note(f"document {index}")
                raise
        return [report(evaluate(facts, ruleset, lang)) for facts in parsed]
    return check(documents, ruleset, lang)
