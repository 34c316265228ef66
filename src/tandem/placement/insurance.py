"""Internship liability insurance (实习责任保险): a college's policies, the placements each one
covers, and the days of a placement no policy covers.

Who sees what: the college's staff see their college's policies; an enterprise contact only
the policies linked to placements at their enterprise, a student only those linked to their own
placements (another's policy is a 404). The office manages policies (``placement.manage``); a
department coordinator too, but a policy covering placements outside their department's plans
only the office may change or delete. Linking and unlinking live in
:mod:`tandem.placement.insurance_links`.

Every change is audited and, for each placement whose cover it changes, the compliance gate
re-runs (:func:`recheck`). Writes flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.auth.roles import Permission
from tandem.college.service import check_version
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.kit.pagination import ListParams, Page, apply_sort, like_pattern, paginate
from tandem.partner.models import Partnership
from tandem.placement import scope
from tandem.placement.core.coverage import Coverage, PolicySpan, Span, coverage
from tandem.placement.insurance_scope import OTHER_DEPARTMENT as OTHER_DEPARTMENT
from tandem.placement.insurance_scope import can_manage_policy as can_manage_policy
from tandem.placement.insurance_scope import linked_to
from tandem.placement.insurance_scope import may_create as may_create
from tandem.placement.insurance_scope import require_manage as require_manage
from tandem.placement.insurance_scope import shows_internal as shows_internal
from tandem.placement.insurance_scope import visible_policies as visible_policies
from tandem.placement.models import Placement
from tandem.placement.models_records import InsurancePolicy, policy_placement
from tandem.placement.schemas_insurance import PAYER_LABELS, Payer, PolicyCreate, PolicyUpdate
from tandem.resource.venues import check_college

POLICY_FIELDS = ("insurer", "number", "start_on", "end_on", "premium", "paid_by", "note")
NULLABLE = frozenset({"premium"})
# A change to these re-runs the gate on every placement the policy covers.
COVER_FIELDS = frozenset({"start_on", "end_on", "paid_by"})
POLICY_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "insurer": InsurancePolicy.insurer,
    "number": InsurancePolicy.number,
    "start_on": InsurancePolicy.start_on,
    "end_on": InsurancePolicy.end_on,
    "premium": InsurancePolicy.premium,
    "paid_by": InsurancePolicy.paid_by,
    "updated_at": InsurancePolicy.updated_at,
}
SOON_DAYS = 14  # "cover ends soon": within two weeks


@dataclass(frozen=True)
class PolicyFilter:
    covering: date | None = None  # policies in force on this day
    paid_by: str = ""
    ending_within: int | None = None  # days from today
    plan_id: int | None = None  # covering a placement of this plan
    placement_id: int | None = None


# --- reading --------------------------------------------------------------------------------------


def policies_query(
    *,
    actor: Actor,
    params: ListParams,
    filters: PolicyFilter | None = None,
    today: date | None = None,
) -> Select[InsurancePolicy]:
    """The policies ``actor`` sees, searched (insurer, number), filtered and sorted."""
    filters = filters or PolicyFilter()
    stmt = select(InsurancePolicy).where(visible_policies(actor))
    text = params.q.strip()
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                InsurancePolicy.insurer.ilike(pattern, escape="\\"),
                InsurancePolicy.number.ilike(pattern, escape="\\"),
            )
        )
    if filters.covering is not None:
        stmt = stmt.where(
            InsurancePolicy.start_on <= filters.covering,
            InsurancePolicy.end_on >= filters.covering,
        )
    if filters.paid_by:
        stmt = stmt.where(InsurancePolicy.paid_by == filters.paid_by)
    if filters.ending_within is not None:
        first = today or local_today()
        last = first + timedelta(days=filters.ending_within)
        stmt = stmt.where(InsurancePolicy.end_on >= first, InsurancePolicy.end_on <= last)
    if filters.plan_id is not None:
        stmt = stmt.where(
            linked_to((Placement.plan_id == filters.plan_id) & scope.visible_placements(actor))
        )
    if filters.placement_id is not None:
        stmt = stmt.where(
            linked_to((Placement.id == filters.placement_id) & scope.visible_placements(actor))
        )
    stmt = apply_sort(stmt, params.sort, POLICY_SORTS, default="-start_on")
    return stmt.order_by(InsurancePolicy.id)


def list_policies(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    filters: PolicyFilter | None = None,
    today: date | None = None,
) -> Page[InsurancePolicy]:
    stmt = policies_query(actor=actor, params=params, filters=filters, today=today)
    return paginate(session, stmt, params)


def get_policy(session: Session, *, actor: Actor, policy_id: int) -> InsurancePolicy:
    """A policy ``actor`` may see; anyone else's is a 404."""
    found = session.scalar(
        select(InsurancePolicy).where(InsurancePolicy.id == policy_id, visible_policies(actor))
    )
    if found is None:
        raise NotFound(N_("No insurance policy with id %(id)s."), id=policy_id)
    return found


def placement_counts(
    session: Session, *, actor: Actor, policy_ids: Iterable[int]
) -> dict[int, int]:
    """How many placements (that ``actor`` sees) each policy covers."""
    ids = sorted(set(policy_ids))
    if not ids:
        return {}
    stmt = (
        select(policy_placement.c.policy_id, func.count())
        .join(Placement, Placement.id == policy_placement.c.placement_id)
        .where(policy_placement.c.policy_id.in_(ids), scope.visible_placements(actor))
        .group_by(policy_placement.c.policy_id)
    )
    return {policy_id: count for policy_id, count in session.execute(stmt).all()}


def linked_placements(
    session: Session, *, actor: Actor, policy: InsurancePolicy
) -> list[Placement]:
    """The placements the policy covers that ``actor`` may see, by start date and student."""
    stmt = (
        select(Placement)
        .join(policy_placement, policy_placement.c.placement_id == Placement.id)
        .where(policy_placement.c.policy_id == policy.id, scope.visible_placements(actor))
        .order_by(Placement.start_on, Placement.student_id, Placement.id)
        .options(
            selectinload(Placement.student),
            selectinload(Placement.partnership).selectinload(Partnership.enterprise),
            selectinload(Placement.plan),
        )
    )
    return list(session.scalars(stmt))


def link_count(session: Session, policy: InsurancePolicy) -> int:
    """Every placement the policy covers (whoever may see them)."""
    stmt = select(func.count()).where(policy_placement.c.policy_id == policy.id)
    return session.scalar(stmt) or 0


def policies_for(session: Session, placement: Placement) -> list[InsurancePolicy]:
    """The policies linked to a placement, by first day covered (what the gate reads)."""
    stmt = (
        select(InsurancePolicy)
        .join(policy_placement, policy_placement.c.policy_id == InsurancePolicy.id)
        .where(policy_placement.c.placement_id == placement.id)
        .order_by(InsurancePolicy.start_on, InsurancePolicy.id)
    )
    return list(session.scalars(stmt))


def spans(policies: Iterable[InsurancePolicy]) -> list[PolicySpan]:
    return [PolicySpan(p.start_on, p.end_on, p.paid_by) for p in policies]


def gaps_for(session: Session, placement: Placement) -> Coverage:
    """The placement's period cut into the days its policies cover and the gaps."""
    return coverage(spans(policies_for(session, placement)), placement.start_on, placement.end_on)


# --- checks ---------------------------------------------------------------------------------------


def _check_dates(values: dict[str, Any]) -> None:
    if values["end_on"] < values["start_on"]:
        raise ValidationFailed.single(
            "end_on",
            "end_before_start",
            N_(
                "The last day covered (%(end)s) is before the first (%(start)s): enter an end "
                "date on or after the start date."
            ),
            end=values["end_on"].isoformat(),
            start=values["start_on"].isoformat(),
        )


def _check_number(
    session: Session, college_id: int, insurer: str, number: str, other_than: int | None
) -> None:
    stmt = select(InsurancePolicy.id).where(
        InsurancePolicy.college_id == college_id,
        InsurancePolicy.insurer == insurer,
        InsurancePolicy.number == number,
    )
    if other_than is not None:
        stmt = stmt.where(InsurancePolicy.id != other_than)
    if session.scalar(stmt.limit(1)) is not None:
        message = N_(
            "The college already has policy %(number)s of %(insurer)s: open that one "
            "instead, or check the number."
        )
        raise Conflict(
            message,
            code="duplicate",
            errors=[
                FieldError("number", "duplicate", message, {"number": number, "insurer": insurer})
            ],
            number=number,
            insurer=insurer,
        )


# --- the gate -------------------------------------------------------------------------------------


def recheck(session: Session, placements: Iterable[Placement]) -> None:
    """Re-run the compliance gate on placements whose insurance facts changed."""
    from tandem.placement import gate  # the gate reads policies_for from here

    items = list(placements)
    if len(items) == 1:
        gate.recheck(session, items[0])
    elif items:
        gate.recheck_many(session, items)


def covered_placements(session: Session, policy: InsurancePolicy) -> list[Placement]:
    """Every placement the policy covers (for the gate: whoever may see them)."""
    stmt = (
        select(Placement)
        .join(policy_placement, policy_placement.c.placement_id == Placement.id)
        .where(policy_placement.c.policy_id == policy.id)
        .order_by(Placement.id)
    )
    return list(session.scalars(stmt))


# --- writing --------------------------------------------------------------------------------------


def audit_policy(
    session: Session,
    actor: Actor,
    action: str,
    policy: InsurancePolicy,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None = None,
) -> None:
    if after is None and action in ("create", "update"):
        after = audit.snapshot(policy, POLICY_FIELDS)
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=policy,
        college_id=policy.college_id,
        before=before,
        after=after,
        summary=f"{policy.insurer} {policy.number}",
    )


def create_policy(session: Session, *, actor: Actor, data: PolicyCreate) -> InsurancePolicy:
    if not actor.can(Permission.PLACEMENT_MANAGE):
        raise PermissionDenied()
    college_id = check_college(session, actor=actor, college_id=data.college_id)
    values = data.model_dump(exclude={"college_id"})
    values["paid_by"] = Payer(values["paid_by"]).value
    _check_dates(values)
    _check_number(session, college_id, values["insurer"], values["number"], None)
    policy = InsurancePolicy(college_id=college_id, **values)
    session.add(policy)
    session.flush()
    audit_policy(session, actor, "create", policy, None)
    return policy


def update_policy(
    session: Session, *, actor: Actor, policy: InsurancePolicy, data: PolicyUpdate
) -> InsurancePolicy:
    """Change the fields given (``null`` clears the premium); a stale version is a 409. A new
    period or payer re-runs the gate on every placement the policy covers."""
    require_manage(session, actor, policy)
    check_version(policy, data.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in given.items() if v is not None or k in NULLABLE}
    if "paid_by" in changes:
        changes["paid_by"] = Payer(changes["paid_by"]).value
    merged = {name: getattr(policy, name) for name in POLICY_FIELDS} | changes
    _check_dates(merged)
    _check_number(session, policy.college_id, merged["insurer"], merged["number"], policy.id)
    before = audit.snapshot(policy, POLICY_FIELDS)
    for name, value in changes.items():
        setattr(policy, name, value)
    session.flush()
    after = audit.snapshot(policy, POLICY_FIELDS)
    if after != before:
        audit_policy(session, actor, "update", policy, before, after)
        if any(before[name] != after[name] for name in COVER_FIELDS):
            recheck(session, covered_placements(session, policy))
    return policy


def delete_refusal(count: int) -> Conflict:
    return Conflict(
        N_(
            "This policy still covers %(count)s placement(s): unlink them first (on the "
            "policy's page), then delete it. A policy that covered a placement may also be "
            "kept as a record."
        ),
        code="policy_in_use",
        count=count,
    )


def delete_policy(session: Session, *, actor: Actor, policy: InsurancePolicy) -> None:
    """Delete a policy linked to no placement; otherwise refuse and say to unlink first."""
    require_manage(session, actor, policy)
    count = link_count(session, policy)
    if count:
        raise delete_refusal(count)
    audit_policy(session, actor, "delete", policy, audit.snapshot(policy, POLICY_FIELDS))
    session.delete(policy)
    session.flush()


# --- the placement page's section -----------------------------------------------------------------


def payer_label(value: str) -> str:
    return gettext(PAYER_LABELS[Payer(value)]) if value in set(Payer) else value


def range_text(span: Span, covered: bool) -> str:
    if covered:
        return gettext(
            N_("covered %(start)s – %(end)s"),
            start=span.start.isoformat(),
            end=span.end.isoformat(),
        )
    return gettext(
        N_("not covered %(start)s – %(end)s"),
        start=span.start.isoformat(),
        end=span.end.isoformat(),
    )


def bar(cover: Coverage, width: int = 1000) -> list[dict[str, Any]]:
    """The coverage bar: each covered range and gap with its words and its place on a bar
    ``width`` units wide (drawn as SVG, so no inline styles are needed)."""
    total = cover.period.days
    parts = []
    for span, covered in cover.segments():
        offset = (span.start - cover.period.start).days
        parts.append(
            {
                "start": span.start,
                "end": span.end,
                "covered": covered,
                "text": range_text(span, covered),
                "x": round(offset * width / total, 2),
                "width": round(span.days * width / total, 2),
            }
        )
    return parts


def summary(cover: Coverage, policies: list[InsurancePolicy]) -> str:
    if not policies:
        return gettext(
            N_("No policy covers this placement: link one (or add it) before it starts.")
        )
    if cover.complete:
        return gettext(N_("The whole period is covered."))
    return gettext(
        N_("%(days)s day(s) are not covered, from %(day)s on: link another policy."),
        days=cover.uncovered_days,
        day=cover.first_uncovered.isoformat() if cover.first_uncovered else "",
    )


def link_options(
    session: Session, placement: Placement, linked: Iterable[int]
) -> list[tuple[int, str]]:
    """The college's policies whose period overlaps the placement's, not linked yet."""
    taken = set(linked)
    stmt = (
        select(InsurancePolicy)
        .where(
            InsurancePolicy.college_id == placement.college_id,
            InsurancePolicy.start_on <= placement.end_on,
            InsurancePolicy.end_on >= placement.start_on,
        )
        .order_by(InsurancePolicy.start_on, InsurancePolicy.insurer, InsurancePolicy.id)
        .limit(500)
    )
    return [
        (p.id, f"{p.insurer} {p.number} ({p.start_on.isoformat()} – {p.end_on.isoformat()})")
        for p in session.scalars(stmt)
        if p.id not in taken
    ]


def section(session: Session, *, actor: Actor, placement: Placement) -> dict[str, Any]:
    """What the placement's page shows of its insurance, and (to who may) the forms to link a
    policy of the college or add a new one."""
    policies = policies_for(session, placement)
    cover = coverage(spans(policies), placement.start_on, placement.end_on)
    can_manage = actor.can(Permission.PLACEMENT_MANAGE) and scope.can_manage_placement(
        actor, placement
    )
    return {
        "placement_id": placement.id,
        "policies": [
            {
                "policy": p,
                "payer": payer_label(p.paid_by),
                "student_pays": p.paid_by == Payer.STUDENT,
                "can_unlink": can_manage and can_manage_policy(session, actor, p),
            }
            for p in policies
        ],
        "cover": cover,
        "bar": bar(cover),
        "summary": summary(cover, policies),
        "complete": cover.complete and bool(policies),
        "can_manage": can_manage,
        "options": link_options(session, placement, (p.id for p in policies)) if can_manage else [],
        "link_url": f"/placements/{placement.id}/insurance",
        "new_url": f"/insurance-policies/new?placement_id={placement.id}",
        "back": f"/placements/{placement.id}",
    }
