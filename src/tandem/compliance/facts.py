"""Fact documents (pure): the plain JSON a check reads, validated once and flattened by path.

A document must be an object with ``kind`` ("post" = 岗位实习, "cognition" = 认识实习) and the
objects ``student``, ``host``, ``post`` and ``terms``. Inside them any fact may be absent or
null: a rule that needs it reports it as missing. A fact that is present must have the right
type; dates are ISO ``YYYY-MM-DD``; ``post.restrictions`` holds only known values. Anything else
is malformed (:class:`MalformedFacts`, with the path and the reason).

Numbers are read exactly: pass documents parsed with ``json.loads(text, parse_float=Decimal)``
(floats are accepted too and converted through their decimal text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from tandem.kit.i18n import N_

KINDS: Final = frozenset({"post", "cognition"})
SECTIONS: Final = ("student", "host", "post", "terms")
RESTRICTIONS: Final = frozenset({"minor_prohibited", "female_prohibited"})


class MalformedFacts(ValueError):
    """The document cannot be checked at all. ``reason`` is a message marked for translation
    with ``%(name)s`` placeholders filled from ``params``; ``str()`` is the English text."""

    def __init__(self, path: str, reason: str, **params: Any) -> None:
        self.path = path
        self.reason = reason
        self.params = params
        text = reason % params if params else reason
        super().__init__(f"{path}: {text}" if path else text)


class Missing(Exception):
    """A signal, not an error: the fact a rule needs is absent."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class _Absent:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


def _date(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise MalformedFacts(path, N_("a date must be a string YYYY-MM-DD"))
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise MalformedFacts(
            path, N_("%(value)s is not a date (YYYY-MM-DD)"), value=repr(value)
        ) from None


def _number(value: Any, path: str) -> Decimal | int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise MalformedFacts(path, N_("must be a number"))
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise MalformedFacts(path, N_("must be a finite number"))
    return value


def _integer(value: Any, path: str) -> int:
    number = _number(value, path)
    if isinstance(number, Decimal):
        if number != number.to_integral_value():
            raise MalformedFacts(path, N_("must be a whole number"))
        return int(number)
    return number


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise MalformedFacts(path, N_("must be true or false"))
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise MalformedFacts(path, N_("must be a string"))
    return value


def _restrictions(value: Any, path: str) -> frozenset[str]:
    if not isinstance(value, list):
        raise MalformedFacts(path, N_("must be a list"))
    for i, item in enumerate(value):
        if item not in RESTRICTIONS:
            known = ", ".join(sorted(RESTRICTIONS))
            raise MalformedFacts(
                f"{path}[{i}]",
                N_("unknown restriction %(value)s (known: %(known)s)"),
                value=repr(item),
                known=known,
            )
    return frozenset(value)


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedFacts(path, N_("must be a list"))
    return value


def _hhmm(value: Any, path: str) -> int:
    text = _text(value, path)
    hours, _, minutes = text.partition(":")
    if not (len(hours) == 2 and len(minutes) == 2 and hours.isdigit() and minutes.isdigit()):
        raise MalformedFacts(path, N_("%(value)s is not a time (HH:MM)"), value=repr(text))
    total = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or total > 24 * 60:
        raise MalformedFacts(path, N_("%(value)s is not a time (HH:MM)"), value=repr(text))
    return total


def _window(value: Any, path: str) -> tuple[int, int]:
    items = _list(value, path)
    if len(items) != 2:
        raise MalformedFacts(path, N_('must be ["HH:MM", "HH:MM"] (start, end)'))
    return _hhmm(items[0], f"{path}[0]"), _hhmm(items[1], f"{path}[1]")


Policy = dict[str, Any]


def _policies(value: Any, path: str) -> tuple[Policy, ...]:
    """One policy object or a list of them; each policy's own facts may be absent."""
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise MalformedFacts(path, N_("must be a policy object or a list of them"))
    policies = []
    for i, item in enumerate(items):
        where = path if isinstance(value, dict) else f"{path}[{i}]"
        if not isinstance(item, dict):
            raise MalformedFacts(where, N_("a policy must be an object"))
        policy: Policy = {"path": where}
        for key in ("start", "end"):
            policy[key] = ABSENT if item.get(key) is None else _date(item[key], f"{where}.{key}")
        paid_by = item.get("paid_by")
        policy["paid_by"] = ABSENT if paid_by is None else _text(paid_by, f"{where}.paid_by")
        policies.append(policy)
    return tuple(policies)


# Every fact a rule set reads, with its parser. Unknown keys are ignored (forward compatible).
FIELDS: Final[dict[str, Callable[[Any, str], Any]]] = {
    "student.birth_date": _date,
    "student.year_of_study": _integer,
    "student.gender": _text,
    "student.guardian_consent": _bool,
    "student.training_year": _integer,
    "host.on_post_staff": _integer,
    "host.interns": _integer,
    "host.venue_category": _text,
    "host.via_intermediary": _bool,
    "post.staff": _integer,
    "post.interns": _integer,
    "post.labour_intensity": _integer,
    "post.high_risk": _bool,
    "post.restrictions": _restrictions,
    "post.wage": _number,
    "terms.start": _date,
    "terms.end": _date,
    "terms.monthly_pay": _number,
    "terms.pay_cycle_days": _integer,
    "terms.paid_in_money": _bool,
    "terms.hours_per_day": _number,
    "terms.days_per_week": _number,
    "terms.night_shift": _bool,
    "terms.holiday_work": _bool,
    "terms.fees": _list,
    "terms.tripartite_agreement_signed": _bool,
    "terms.insurance": _policies,
    "terms.probation_months": _number,
    "terms.work_window": _window,
    "terms.off_the_job_hours_per_week": _number,
}
_BY_SECTION: Final = {
    section: tuple(
        (path.split(".", 1)[1], path, parse)
        for path, parse in FIELDS.items()
        if path.startswith(section + ".")
    )
    for section in SECTIONS
}


class FactValues(dict[str, Any]):
    """Facts by dotted path; looking up an absent one raises :class:`Missing`."""

    def __missing__(self, path: str) -> Any:
        raise Missing(path)


class Facts:
    """A validated document: ``kind``, ``as_of`` and every known fact by its dotted path.

    ``get(path)`` is the fact, or :class:`Missing` raised when the document lacks it (absent or
    null): the dictionary's own (C) lookup, which the rules call about 30 times a document."""

    __slots__ = ("as_of", "get", "kind", "values")

    def __init__(self, kind: str, as_of: date | None, values: dict[str, Any]) -> None:
        self.kind = kind
        self.as_of = as_of
        self.values = FactValues(values)
        self.get: Callable[[str], Any] = self.values.__getitem__


def parse(document: Any) -> Facts:
    """Validate one fact document (already decoded from JSON)."""
    if not isinstance(document, Mapping):
        raise MalformedFacts("", N_("a fact document must be a JSON object"))
    kind = document.get("kind")
    if kind is None:
        raise MalformedFacts("kind", N_('missing: "post" or "cognition"'))
    if kind not in KINDS:
        raise MalformedFacts(
            "kind", N_('unknown kind %(value)s: "post" or "cognition"'), value=repr(kind)
        )
    as_of = document.get("as_of")
    values: dict[str, Any] = {}
    for section in SECTIONS:
        part = document.get(section)
        if part is None:
            raise MalformedFacts(section, N_("missing: the document needs this object"))
        if not isinstance(part, Mapping):
            raise MalformedFacts(section, N_("must be an object"))
        for key, path, parse_field in _BY_SECTION[section]:
            value = part.get(key)
            if value is None:
                continue
            # The common, already-right values are taken without a call (100,000 documents
            # a run); the rest go through their parser.
            value_type = type(value)
            if (value_type is bool and parse_field is _bool) or (
                value_type is int and (parse_field is _integer or parse_field is _number)
            ):
                values[path] = value
            else:
                values[path] = parse_field(value, path)
    return Facts(kind, None if as_of is None else _date(as_of, "as_of"), values)
