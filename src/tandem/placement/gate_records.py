"""What the compliance gate reads, loaded in bulk for a set of placements: students with their
class's cohort, plans, hosts' on-post staff, the periods of the other placements holding a place
at the same hosts and positions, consents, the tripartite agreements' state, insurance policies
and overrides. A few queries per set, however many placements it holds.

The agreement, consent and insurance records belong to their own modules
(:mod:`tandem.placement.tripartite`, :mod:`tandem.placement.consent`,
:mod:`tandem.placement.insurance`): their functions are used when they are there (a bulk
variant when one is offered); otherwise the rows are read directly.
"""

from __future__ import annotations

import importlib
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.people.models import SchoolClass, Student
from tandem.placement.capacity import POST_KINDS, staff_on
from tandem.placement.kinds import HOLDING
from tandem.placement.models import Placement, PlacementPlan
from tandem.placement.models_records import (
    ComplianceOverride,
    Consent,
    InsurancePolicy,
    TripartiteAgreement,
    policy_placement,
)

CHUNK: Final = 900  # ids per IN (…) list


# --- loading -------------------------------------------------------------------


def _optional(name: str) -> ModuleType | None:
    """A module of another part of the placement records, if it is there."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    items = sorted(set(ids))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


@dataclass
class Intervals:
    """Holding placements' periods, to count those overlapping a period by bisection."""

    starts: list[date] = field(default_factory=list)
    ends: list[date] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)

    def overlapping(self, start: date, end: date) -> int:
        """Periods with ``period.start <= end`` and ``period.end >= start``."""
        return bisect_right(self.starts, end) - bisect_left(self.ends, start)


@dataclass
class Context:
    """What the gate reads for a set of placements, loaded with a few queries."""

    students: dict[int, tuple[Student, int]]  # student id -> (student, cohort year)
    plans: dict[int, PlacementPlan]
    staff: dict[tuple[int, date], int]  # (enterprise, day) -> on-post staff
    hosts: dict[int, Intervals]  # enterprise -> its post interns' periods
    posts: dict[PostKey, Intervals]  # a post (see post_key) -> its interns' periods
    consents: dict[int, set[str]]  # placement -> consent kinds recorded
    signed: dict[int, bool]
    insurance: dict[int, list[dict[str, Any]]]
    overrides: dict[int, dict[str, ComplianceOverride]]


def _students(session: Session, ids: Iterable[int]) -> dict[int, tuple[Student, int]]:
    found: dict[int, tuple[Student, int]] = {}
    for chunk in _chunks(list(ids)):
        rows = session.execute(
            select(Student, SchoolClass.cohort_year)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id.in_(chunk))
        )
        for student, cohort in rows:
            found[student.id] = (student, cohort)
    return found


def _plans(session: Session, ids: Iterable[int]) -> dict[int, PlacementPlan]:
    found: dict[int, PlacementPlan] = {}
    for chunk in _chunks(list(ids)):
        found.update(
            (p.id, p)
            for p in session.scalars(select(PlacementPlan).where(PlacementPlan.id.in_(chunk)))
        )
    return found


def _staff(session: Session, placements: Sequence[Placement]) -> dict[tuple[int, date], int]:
    by_day: dict[date, set[int]] = defaultdict(set)
    for p in placements:
        by_day[p.start_on].add(p.enterprise_id)
    found: dict[tuple[int, date], int] = {}
    for day, enterprises in by_day.items():
        for chunk in _chunks(list(enterprises)):
            for enterprise, staff in staff_on(session, chunk, day).items():
                found[(enterprise, day)] = staff
    return found


PostKey = tuple[Any, ...]


def post_key(enterprise_id: int, position_id: int | None, title: str | None) -> PostKey | None:
    """The post a placement holds: its position; without one (self-found), the same title at
    the same host — the "same kind of post" the rule counts; None when neither is known."""
    if position_id is not None:
        return ("position", position_id)
    name = (title or "").strip().casefold()
    return ("title", enterprise_id, name) if name else None


def _periods(
    session: Session, placements: Sequence[Placement]
) -> tuple[dict[int, Intervals], dict[PostKey, Intervals]]:
    """Holding placements at the placements' enterprises (post kinds, any college) and in
    their posts."""
    enterprises = {p.enterprise_id for p in placements}
    wanted = {post_key(p.enterprise_id, p.position_id, p.title) for p in placements}
    host_rows: dict[int, list[tuple[date, date, int]]] = defaultdict(list)
    post_rows: dict[PostKey, list[tuple[date, date, int]]] = defaultdict(list)
    for chunk in _chunks(list(enterprises)):
        rows = session.execute(
            select(
                Placement.id,
                Placement.enterprise_id,
                Placement.position_id,
                Placement.start_on,
                Placement.end_on,
                Placement.kind,
                Placement.title,
            ).where(
                Placement.enterprise_id.in_(chunk),
                Placement.status.in_([s.value for s in HOLDING]),
            )
        )
        for pid, enterprise, position, start, end, kind, title in rows:
            if kind in POST_KINDS:
                host_rows[enterprise].append((start, end, pid))
            key = post_key(enterprise, position, title)
            if key is not None and key in wanted:
                post_rows[key].append((start, end, pid))

    def build(rows: Mapping[Any, list[tuple[date, date, int]]]) -> dict[Any, Intervals]:
        return {
            key: Intervals(
                sorted(r[0] for r in items), sorted(r[1] for r in items), {r[2] for r in items}
            )
            for key, items in rows.items()
        }

    return build(host_rows), build(post_rows)


def _consents(session: Session, placements: Sequence[Placement]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    module = _optional("tandem.placement.consent")
    has = getattr(module, "has_consent", None) if module else None
    if has is not None and len(placements) <= 1:
        for p in placements:
            found[p.id] = {kind for kind in ("guardian", "informed") if has(session, p, kind)}
        return found
    bulk = getattr(module, "consent_kinds", None) if module else None
    if bulk is not None:
        return defaultdict(set, bulk(session, [p.id for p in placements]))
    for chunk in _chunks([p.id for p in placements]):
        for pid, kind in session.execute(
            select(Consent.placement_id, Consent.kind).where(Consent.placement_id.in_(chunk))
        ):
            found[pid].add(kind)
    return found


def _fallback_signed(agreement: TripartiteAgreement) -> bool:
    confirmed = (
        agreement.college_confirmed_at is not None
        and agreement.host_confirmed_at is not None
        and agreement.student_confirmed_at is not None
    )
    return confirmed or agreement.scan_document_id is not None


def _signed(session: Session, placements: Sequence[Placement]) -> dict[int, bool]:
    module = _optional("tandem.placement.tripartite")
    bulk = getattr(module, "signed_map", None) if module else None
    if bulk is not None and len(placements) > 1:
        return dict(bulk(session, placements))
    is_signed = getattr(module, "is_signed", None) if module else None
    if is_signed is not None:
        return {p.id: bool(is_signed(session, p)) for p in placements}
    found = {p.id: False for p in placements}
    for chunk in _chunks(list(found)):
        for agreement in session.scalars(
            select(TripartiteAgreement).where(TripartiteAgreement.placement_id.in_(chunk))
        ):
            found[agreement.placement_id] = _fallback_signed(agreement)
    return found


def _policy(policy: InsurancePolicy) -> dict[str, Any]:
    return {
        "start": policy.start_on.isoformat(),
        "end": policy.end_on.isoformat(),
        "paid_by": policy.paid_by or None,
    }


def _insurance(
    session: Session, placements: Sequence[Placement]
) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {p.id: [] for p in placements}
    module = _optional("tandem.placement.insurance")
    policies_for = getattr(module, "policies_for", None) if module else None
    if policies_for is not None and len(placements) <= 1:
        for p in placements:
            found[p.id] = [_policy(policy) for policy in policies_for(session, p)]
        return found
    for chunk in _chunks(list(found)):
        rows = session.execute(
            select(policy_placement.c.placement_id, InsurancePolicy)
            .join(InsurancePolicy, InsurancePolicy.id == policy_placement.c.policy_id)
            .where(policy_placement.c.placement_id.in_(chunk))
            .order_by(InsurancePolicy.start_on, InsurancePolicy.id)
        )
        for pid, policy in rows:
            found[pid].append(_policy(policy))
    return found


def _overrides(
    session: Session, placements: Sequence[Placement]
) -> dict[int, dict[str, ComplianceOverride]]:
    found: dict[int, dict[str, ComplianceOverride]] = defaultdict(dict)
    for chunk in _chunks([p.id for p in placements]):
        for row in session.scalars(
            select(ComplianceOverride).where(ComplianceOverride.placement_id.in_(chunk))
        ):
            found[row.placement_id][row.rule_id] = row
    return found


def load_context(session: Session, placements: Sequence[Placement]) -> Context:
    """Everything the gate reads for ``placements``, in a few queries."""
    session.flush()
    hosts, posts = _periods(session, placements)
    return Context(
        students=_students(session, {p.student_id for p in placements}),
        plans=_plans(session, {p.plan_id for p in placements if p.plan_id is not None}),
        staff=_staff(session, placements),
        hosts=hosts,
        posts=posts,
        consents=_consents(session, placements),
        signed=_signed(session, placements),
        insurance=_insurance(session, placements),
        overrides=_overrides(session, placements),
    )
