"""The compliance gate of a placement: its fact document assembled from the records, checked
with the plan's rule set, and the result stored on the placement.

:func:`facts` builds the document the evaluator (:mod:`tandem.compliance`) reads: the student
(birth date, year of study on the start date, gender, guardian consent), the host (on-post
staff on the start date, its other post interns of any college for an overlapping period, the
kind of host, an intermediary), the post (its staff and other interns, labour intensity, high
risk, restrictions, regular wage) and the terms (period, pay, hours, shifts, fees, the
tripartite agreement, insurance policies). :func:`evaluate` runs the plan's rule set (cn-2021
without a plan) and sorts the outcome:

- ``blocking``: every ``block`` violation, every missing fact a ``block`` rule needs (the
  evaluator reports those as ``warn``: here they block, since the rule cannot be shown to
  pass), and the platform's own check that a plan requiring informed consent has it;
- ``warnings``: the other ``warn`` violations, each overridden or not (an override is a reason
  someone recorded, audited).

A placement may become ready, and start, only with no blocking item and every warning
overridden. :func:`recheck` stores the result (``placement.compliance``, ``checked_at``) and
never raises; the services of the agreement, consent and insurance records call it whenever a
fact changes. The records are read in bulk (:func:`load_context`) so the daily check of
thousands of placements runs a handful of queries, not several per placement.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.compliance.evaluator import evaluate as run_rules
from tandem.compliance.facts import parse
from tandem.compliance.ruleset import DEFAULT_RULESET, RuleSet, load_ruleset
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.orm import utcnow
from tandem.placement import scope
from tandem.placement.cohort import year_of_study
from tandem.placement.gate_records import Context, Intervals, load_context, post_key
from tandem.placement.kinds import COMPLIANCE_KIND, PlacementStatus, PlanKind
from tandem.placement.models import Placement, PlacementPlan
from tandem.placement.models_records import (
    ComplianceOverride,
)

log = logging.getLogger("tandem.placement.gate")

LANGUAGES: Final = ("zh", "en")
INFORMED_CONSENT: Final = "platform.informed_consent"
PLATFORM_RULES: Final = {
    INFORMED_CONSENT: {
        "message": {
            "zh": "该实习计划要求学生及其监护人的知情同意，但尚未记录：请登记签字的知情同意书。",
            "en": "The plan requires the informed consent of the student and their guardian, "
            "and none is recorded: record the signed informed consent form.",
        },
        "source": {
            "zh": "《职业学校学生实习管理规定》（教职成〔2021〕4号）：学生及其监护人知情同意",
            "en": "Provisions on the Administration of Vocational School Students' Internships "
            "(MoE et al., 2021, No. 4): informed consent of student and guardian",
        },
    }
}
CHECKED_STATUSES: Final = (PlacementStatus.DRAFT, PlacementStatus.READY, PlacementStatus.ACTIVE)


# --- the result ----------------------------------------------------------------------------------


@dataclass
class GateItem:
    """One finding: a rule, whether it blocks, its message and source in both languages."""

    rule: str
    severity: str  # "block" or "warn", as the gate treats it
    message: dict[str, str]
    source: dict[str, str]
    missing: bool = False  # a fact the rule needs is absent
    overridden: bool = False
    override: dict[str, Any] | None = None  # reason, by_user_id, at

    def text(self, language: str) -> str:
        return self.message["zh" if language.startswith("zh") else "en"]

    def cited(self, language: str) -> str:
        return self.source["zh" if language.startswith("zh") else "en"]

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "missing": self.missing,
            "message": self.message,
            "source": self.source,
            "overridden": self.overridden,
            "override": self.override,
        }


@dataclass
class GateResult:
    ruleset: str
    blocking: list[GateItem] = field(default_factory=list)
    warnings: list[GateItem] = field(default_factory=list)
    checked_at: datetime | None = None

    @property
    def open_warnings(self) -> list[GateItem]:
        return [w for w in self.warnings if not w.overridden]

    @property
    def passes(self) -> bool:
        """No blocking item and every warning overridden: the placement may go on."""
        return not self.blocking and not self.open_warnings

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": not self.blocking,
            "passes": self.passes,
            "blocking": len(self.blocking),
            "open_warnings": len(self.open_warnings),
            "ruleset": self.ruleset,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "violations": [item.as_json() for item in (*self.blocking, *self.warnings)],
        }


def stored_items(placement: Placement) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stored result's blocking items and warnings (as JSON), for pages and lists."""
    found = placement.compliance or {}
    violations = found.get("violations", [])
    return (
        [v for v in violations if v.get("severity") == "block"],
        [v for v in violations if v.get("severity") != "block"],
    )


# --- the fact document ---------------------------------------------------------------------------


def compliance_kind(placement: Placement, plan: PlacementPlan | None) -> str:
    kind = plan.kind if plan is not None else placement.kind
    try:
        return COMPLIANCE_KIND[PlanKind(kind)]
    except ValueError:
        return "post"


def _others(intervals: Intervals | None, placement: Placement) -> int:
    if intervals is None:
        return 0
    count = intervals.overlapping(placement.start_on, placement.end_on)
    return count - (1 if placement.id in intervals.ids else 0)


def _post_interns(context: Context, placement: Placement) -> int | None:
    """Other interns in the same post: at its position, or (self-found) with the same title at
    the same host; unknown (a missing fact) when the post has neither."""
    key = post_key(placement.enterprise_id, placement.position_id, placement.title)
    return None if key is None else _others(context.posts.get(key), placement)


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def facts_from(placement: Placement, context: Context, today: date | None = None) -> dict[str, Any]:
    """The fact document of ``placement`` from records already loaded."""
    plan = context.plans.get(placement.plan_id) if placement.plan_id is not None else None
    student_row = context.students.get(placement.student_id)
    start = placement.start_on
    student: dict[str, Any] = {}
    if student_row is not None:
        record, cohort = student_row
        student = {
            "birth_date": record.birth_date.isoformat() if record.birth_date else None,
            "year_of_study": year_of_study(cohort, start),
            "gender": record.gender or None,
        }
    student["guardian_consent"] = "guardian" in context.consents.get(placement.id, set())
    return {
        "kind": compliance_kind(placement, plan),
        "as_of": (today or local_today()).isoformat(),
        "student": _drop_none(student),
        "host": _drop_none(
            {
                "on_post_staff": context.staff.get((placement.enterprise_id, start)),
                "interns": _others(context.hosts.get(placement.enterprise_id), placement),
                "venue_category": placement.venue_category or None,
                "via_intermediary": bool(placement.via_intermediary),
            }
        ),
        "post": _drop_none(
            {
                "staff": placement.post_staff,
                "interns": _post_interns(context, placement),
                "labour_intensity": placement.labour_intensity,
                "high_risk": bool(placement.high_risk),
                "restrictions": sorted(placement.restrictions or []),
                "wage": placement.post_wage,
            }
        ),
        "terms": _drop_none(
            {
                "start": start.isoformat(),
                "end": placement.end_on.isoformat(),
                "monthly_pay": placement.monthly_pay,
                "pay_cycle_days": placement.pay_cycle_days,
                "paid_in_money": bool(placement.paid_in_money),
                "hours_per_day": placement.hours_per_day,
                "days_per_week": placement.days_per_week,
                "night_shift": bool(placement.night_shift),
                "holiday_work": bool(placement.holiday_work),
                "fees": list(placement.fees or []),
                "tripartite_agreement_signed": context.signed.get(placement.id, False),
                "insurance": list(context.insurance.get(placement.id, [])),
            }
        ),
    }


def facts(session: Session, placement: Placement, today: date | None = None) -> dict[str, Any]:
    """The compliance fact document of one placement, from the records."""
    return facts_from(placement, load_context(session, [placement]), today)


# --- evaluating ----------------------------------------------------------------------------------


def ruleset_of(plan: PlacementPlan | None) -> RuleSet:
    name = plan.ruleset if plan is not None and plan.ruleset else DEFAULT_RULESET
    try:
        return load_ruleset(name)
    except ValueError:
        return load_ruleset(DEFAULT_RULESET)


def _override_json(row: ComplianceOverride) -> dict[str, Any]:
    return {
        "reason": row.reason,
        "by_user_id": row.by_user_id,
        "at": row.created_at.isoformat() if row.created_at else None,
    }


def evaluate_from(placement: Placement, context: Context, today: date | None = None) -> GateResult:
    plan = context.plans.get(placement.plan_id) if placement.plan_id is not None else None
    ruleset = ruleset_of(plan)
    document = parse(facts_from(placement, context, today))
    by_language = {lang: run_rules(document, ruleset, lang) for lang in LANGUAGES}
    overrides = context.overrides.get(placement.id, {})
    result = GateResult(ruleset=ruleset.id, checked_at=utcnow())
    for found in zip(*(by_language[lang] for lang in LANGUAGES), strict=True):
        first = found[0]
        try:
            declared = ruleset.rule(first.rule).severity
        except KeyError:
            declared = first.severity
        missing = first.severity == "warn" and declared == "block"
        item = GateItem(
            rule=first.rule,
            severity="block" if first.severity == "block" or missing else "warn",
            message={lang: v.message for lang, v in zip(LANGUAGES, found, strict=True)},
            source={lang: v.source for lang, v in zip(LANGUAGES, found, strict=True)},
            missing=missing,
        )
        if item.severity == "block":
            result.blocking.append(item)
            continue
        row = overrides.get(item.rule)
        if row is not None:
            item.overridden, item.override = True, _override_json(row)
        result.warnings.append(item)
    if (
        plan is not None
        and plan.requires_informed_consent
        and "informed" not in context.consents.get(placement.id, set())
    ):
        texts = PLATFORM_RULES[INFORMED_CONSENT]
        result.blocking.append(
            GateItem(
                rule=INFORMED_CONSENT,
                severity="block",
                message=dict(texts["message"]),
                source=dict(texts["source"]),
                missing=True,
            )
        )
    return result


def evaluate(session: Session, placement: Placement, today: date | None = None) -> GateResult:
    """The gate's verdict on one placement now (nothing stored)."""
    return evaluate_from(placement, load_context(session, [placement]), today)


GATE_ACTOR: Final = Actor.system("compliance gate")


def store_all(
    session: Session,
    found: Sequence[tuple[Placement, GateResult]],
    actor: Actor | None = None,
) -> None:
    """Store results on their placements in one statement, leaving the placements' versions
    (and their update times) alone: a check is not an edit, and must not make a form someone
    has open stale. A ready placement whose result no longer passes goes back to draft
    (audited, as ``actor`` or the gate itself): it must pass the gate again before it starts."""
    if not found:
        return
    table = cast(Table, Placement.__table__)
    stmt = (
        table.update()
        .where(table.c.id == bindparam("placement_id"))
        .values(
            compliance=bindparam("stored"),
            checked_at=bindparam("at"),
            updated_at=bindparam("updated"),
        )
    )
    rows = [
        {
            "placement_id": placement.id,
            "stored": result.as_json(),
            "at": result.checked_at,
            "updated": placement.updated_at,
        }
        for placement, result in found
    ]
    session.execute(stmt, rows)
    for (placement, _), row in zip(found, rows, strict=True):
        set_committed_value(placement, "compliance", row["stored"])
        set_committed_value(placement, "checked_at", row["at"])
    _demote(session, found, actor or GATE_ACTOR)


def _demote(session: Session, found: Sequence[tuple[Placement, GateResult]], actor: Actor) -> None:
    for placement, result in found:
        if placement.status != PlacementStatus.READY or result.passes:
            continue
        placement.status = PlacementStatus.DRAFT.value
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="update",
            entity=placement,
            college_id=placement.college_id,
            before={"status": PlacementStatus.READY.value},
            after={"status": PlacementStatus.DRAFT.value},
            summary=f"{placement.title}: the compliance gate no longer passes, back to draft",
        )


def store(
    session: Session, placement: Placement, result: GateResult, actor: Actor | None = None
) -> None:
    session.flush()
    store_all(session, [(placement, result)], actor)


def check(
    session: Session,
    placement: Placement,
    today: date | None = None,
    actor: Actor | None = None,
) -> GateResult:
    """Evaluate and store the result on the placement (raises on a broken record)."""
    result = evaluate(session, placement, today)
    store(session, placement, result, actor)
    return result


def recheck(
    session: Session, placement: Placement, actor: Actor | None = None
) -> GateResult | None:
    """Recompute and store the placement's compliance after a fact changed; never raises (a
    failure is logged and leaves the previous result)."""
    try:
        with session.begin_nested():
            return check(session, placement, actor=actor)
    except Exception:
        log.exception("compliance check of placement %s failed", placement.id)
        return None


def recheck_many(
    session: Session,
    placements: Sequence[Placement],
    today: date | None = None,
    actor: Actor | None = None,
) -> dict[int, GateResult]:
    """Evaluate and store many placements with the records read once for all of them."""
    if not placements:
        return {}
    context = load_context(session, placements)
    results: dict[int, GateResult] = {}
    for placement in placements:
        try:
            results[placement.id] = evaluate_from(placement, context, today)
        except Exception:
            log.exception("compliance check of placement %s failed", placement.id)
    store_all(session, [(p, results[p.id]) for p in placements if p.id in results], actor)
    return results


# --- overrides -----------------------------------------------------------------------------------


def check_now(session: Session, *, actor: Actor, placement: Placement) -> GateResult:
    """Someone asks for the check again (the pages and the API): the placement's managers."""
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied()
    return check(session, placement, actor=actor)


def _require_manage(actor: Actor, placement: Placement) -> None:
    if not scope.can_manage_placement(actor, placement):
        raise PermissionDenied(
            N_("Only the cooperation office may override or revoke a compliance warning.")
        )


def _require_open(placement: Placement) -> None:
    if placement.status not in CHECKED_STATUSES:
        raise Conflict(
            N_("This placement has ended: its compliance warnings can no longer be changed."),
            code="placement_closed",
        )


def override(
    session: Session, *, actor: Actor, placement: Placement, rule_id: str, reason: str
) -> ComplianceOverride:
    """Accept a current warning of the placement knowingly, with a reason (audited)."""
    _require_manage(actor, placement)
    _require_open(placement)
    reason = (reason or "").strip()
    rule_id = (rule_id or "").strip()
    if not reason:
        raise ValidationFailed.single(
            "reason",
            "reason_required",
            N_("Give a reason: overriding a compliance warning is recorded with its reason."),
        )
    if len(reason) > 500:
        raise ValidationFailed.single(
            "reason", "too_long", N_("Keep the reason under 500 characters.")
        )
    result = evaluate(session, placement)
    current = {w.rule: w for w in result.warnings}
    if rule_id not in current:
        blocking = {b.rule for b in result.blocking}
        message = (
            N_(
                "Rule %(rule)s bars this placement: a blocking rule cannot be overridden. "
                "Provide what it needs instead."
            )
            if rule_id in blocking
            else N_("Rule %(rule)s is not a current warning of this placement.")
        )
        raise ValidationFailed.single("rule_id", "not_a_warning", message, rule=rule_id)
    if current[rule_id].overridden:
        raise Conflict(
            N_("The warning %(rule)s is already overridden: revoke it first to give a new reason."),
            code="already_overridden",
            rule=rule_id,
        )
    row = ComplianceOverride(
        college_id=placement.college_id,
        placement_id=placement.id,
        rule_id=rule_id,
        reason=reason,
        by_user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="override",
        entity=placement,
        college_id=placement.college_id,
        before=None,
        after={"rule_id": rule_id, "reason": reason},
        summary=f"{rule_id}: {reason}",
    )
    recheck(session, placement, actor)
    return row


def revoke_override(session: Session, *, actor: Actor, placement: Placement, rule_id: str) -> None:
    """Withdraw an override: the warning is open again (audited)."""
    _require_manage(actor, placement)
    _require_open(placement)
    row = session.scalar(
        select(ComplianceOverride).where(
            ComplianceOverride.placement_id == placement.id,
            ComplianceOverride.rule_id == rule_id,
        )
    )
    if row is None:
        raise ValidationFailed.single(
            "rule_id",
            "no_override",
            N_("The warning %(rule)s of this placement is not overridden."),
            rule=rule_id,
        )
    before = {"rule_id": row.rule_id, "reason": row.reason}
    session.execute(delete(ComplianceOverride).where(ComplianceOverride.id == row.id))
    recheck(session, placement, actor)  # a ready placement goes back to draft if it fails now
    audit.record(
        session,
        actor=actor,
        action="revoke_override",
        entity=placement,
        college_id=placement.college_id,
        before=before,
        after=None,
        summary=rule_id,
    )


def overrides_of(session: Session, placement: Placement) -> list[ComplianceOverride]:
    return list(
        session.scalars(
            select(ComplianceOverride)
            .where(ComplianceOverride.placement_id == placement.id)
            .order_by(ComplianceOverride.created_at, ComplianceOverride.id)
        )
    )
