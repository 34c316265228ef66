"""JSON API for the compliance check: the CLI's contract over HTTP.

``POST /api/v1/compliance/check?rules=cn-2021&lang=zh`` with one fact document or a list answers
``{"ok", "violations"}`` (or a list of them); malformed input is a 422 problem naming the path.
``GET /api/v1/compliance/rulesets`` lists the rule sets and their rules. Any signed-in user may
check facts: the check reads only what is sent and stores nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from tandem.auth.deps import CurrentActor
from tandem.compliance.evaluator import check_all, show
from tandem.compliance.facts import MalformedFacts
from tandem.compliance.ruleset import DEFAULT_RULESET, available, load_ruleset
from tandem.kit.errors import ValidationFailed
from tandem.kit.i18n import N_, get_language

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"])

EXAMPLE: dict[str, Any] = {
    "as_of": "2026-03-01",
    "kind": "post",
    "student": {"birth_date": "2009-05-01", "year_of_study": 2, "gender": "F"},
    "host": {"on_post_staff": 200, "interns": 19, "venue_category": "manufacturing"},
    "post": {"staff": 40, "interns": 7, "labour_intensity": 2, "restrictions": [], "wage": 5000},
    "terms": {"start": "2026-03-01", "end": "2026-08-31", "monthly_pay": 4200},
}


def _no_constants(name: str) -> Any:
    raise ValueError(name)


@router.post(
    "/check",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {}, "example": EXAMPLE}},
        }
    },
)
async def check_facts(
    request: Request,
    actor: CurrentActor,
    rules: Annotated[str, Query(max_length=40)] = DEFAULT_RULESET,
    lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
) -> Any:
    """Check one fact document or a list of them (numbers are read exactly)."""
    if rules not in available():
        raise ValidationFailed.single(
            "rules",
            "unknown_ruleset",
            N_("Unknown rule set %(name)s: use one of %(known)s."),
            name=rules,
            known=", ".join(available()),
        )
    try:
        documents = json.loads(
            await request.body(), parse_float=Decimal, parse_constant=_no_constants
        )
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed.single(
            "body", "not_json", N_("The body is not valid JSON: send a fact document or a list.")
        ) from None
    language = lang or ("zh" if get_language().startswith("zh") else "en")
    try:
        return check_all(documents, load_ruleset(rules), language)
    except MalformedFacts as error:
        raise ValidationFailed.single(
            error.path or "body", "malformed_facts", error.reason, **error.params
        ) from None


@router.get("/rulesets")
def list_rulesets(actor: CurrentActor) -> list[dict[str, Any]]:
    """The rule sets with their rules, parameters and sources."""
    language = "zh" if get_language().startswith("zh") else "en"
    listed = []
    for name in available():
        ruleset = load_ruleset(name)
        listed.append(
            {
                "id": ruleset.id,
                "name": ruleset.name[language],
                "rules": [
                    {
                        "id": rule.id,
                        "severity": rule.severity,
                        "kinds": sorted(rule.kinds) if rule.kinds else None,
                        "facts": list(rule.facts),
                        "params": {k: _plain(v) for k, v in rule.params.items()},
                        "source": rule.source[language],
                    }
                    for rule in ruleset.rules
                ],
            }
        )
    return listed


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return show(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
