"""A host's applicants in a plan and the host's ranking of them.

An applicant of a host is a student eligible for the plan (:mod:`tandem.placement.cohort`)
who listed any of the host's published positions in it: one who has left the college, or whose
class no longer takes part, drops out of the list. The host ranks them by hand (equal ranks
are ties, broken by the allocation's lottery), by uploading a spreadsheet, or by a score from
weights it sets; it may exclude an applicant (not acceptable to it). Applicants it leaves
unranked come after every ranked one, all equal.

A host's contacts rank during the hosts' ranking phase; the office, which enters what a host
sends on paper, also while students rank and while the allocation runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.kit.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from tandem.kit.i18n import N_
from tandem.kit.orm import utcnow
from tandem.partner.models import Enterprise, Partnership
from tandem.people.models import Major, SchoolClass, Student
from tandem.placement import scope
from tandem.placement.cohort import eligible_ids, year_of_study
from tandem.placement.kinds import PHASES, Phase, PositionStatus, RankingMethod
from tandem.placement.models import (
    HostRank,
    PlacementPlan,
    PlanHost,
    Position,
    Preference,
)

OFFICE_PHASES = (Phase.STUDENT_RANKING, Phase.HOST_RANKING, Phase.ALLOCATION)


@dataclass(frozen=True)
class RankEntry:
    student_id: int
    rank: int | None = None
    excluded: bool = False


@dataclass
class Applicant:
    student_id: int
    name: str
    student_number: str
    class_name: str
    major_id: int
    major_code: str
    major_name_zh: str
    major_name_en: str
    year_of_study: int
    choice: int  # the best rank the student gave one of the host's positions
    position_id: int  # ... and which position
    position_title: str
    rank: int | None = None
    excluded: bool = False
    score: Decimal | None = None

    def major_name(self, language: str) -> str:
        return self.major_name_zh if language.startswith("zh") else self.major_name_en


@dataclass(frozen=True)
class Weights:
    """A host's score: each part weighs 0–100; ``lottery`` ranks nobody (all equal)."""

    choice: int = 100  # how high the student ranked the host (first choice = full marks)
    major: int = 0  # the student's major is one the host's positions require
    year: int = 0  # the student's year of study (the highest among the applicants = full)
    lottery: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "choice": self.choice,
            "major": self.major,
            "year": self.year,
            "lottery": self.lottery,
        }


# --- which host -----------------------------------------------------------------------------------


def host_for(
    session: Session, *, actor: Actor, plan: PlacementPlan, host_id: int | None
) -> Partnership:
    """The host whose applicants ``actor`` opens: a contact, their enterprise's partnership with
    the plan's college (another is a 404); the college's staff, the one they name."""
    if actor.role == "enterprise_contact":
        found = session.scalar(
            select(Partnership).where(
                Partnership.enterprise_id == actor.enterprise_id,
                Partnership.college_id == plan.college_id,
            )
        )
        if found is None or (host_id is not None and host_id != found.id):
            raise NotFound(N_("No host with id %(id)s in this plan."), id=host_id)
        return found
    if not scope.is_staff(actor):
        raise PermissionDenied(N_("Only the host and the college's staff see its applicants."))
    if host_id is None:
        raise ValidationFailed.single(
            "host", "host_required", N_("Choose the host whose applicants to open (host).")
        )
    partnership = session.get(Partnership, host_id)
    if partnership is None or partnership.college_id != plan.college_id:
        raise NotFound(N_("No host with id %(id)s in this plan."), id=host_id)
    return partnership


def host_options(session: Session, plan: PlacementPlan) -> list[tuple[int, str]]:
    """The hosts with positions in the plan, for the staff's choice."""
    rows = session.execute(
        select(Partnership.id, Enterprise.name)
        .join(Enterprise, Enterprise.id == Partnership.enterprise_id)
        .where(
            Partnership.id.in_(select(Position.partnership_id).where(Position.plan_id == plan.id))
        )
        .order_by(Enterprise.name)
    )
    return [(pid, name) for pid, name in rows]


def host_name(session: Session, partnership: Partnership) -> str:
    return session.get_one(Enterprise, partnership.enterprise_id).name


def plan_host(session: Session, plan: PlacementPlan, partnership: Partnership) -> PlanHost | None:
    return session.scalar(
        select(PlanHost).where(
            PlanHost.plan_id == plan.id, PlanHost.partnership_id == partnership.id
        )
    )


# --- the applicants -------------------------------------------------------------------------------


def _choices(
    session: Session, plan: PlacementPlan, partnership_id: int
) -> dict[int, tuple[int, int, str]]:
    """student id -> (best rank given to one of the host's positions, that position, title),
    for the students eligible for the plan: one who has left, or whose class no longer takes
    part, is no applicant. (The eligible ids come from one query and filter here: a join with
    the eligibility conditions can make PostgreSQL choose a nested loop over every student.)"""
    eligible = eligible_ids(session, plan)
    rows = session.execute(
        select(Preference.student_id, Preference.rank, Position.id, Position.title)
        .join(Position, Position.id == Preference.position_id)
        .where(
            Preference.plan_id == plan.id,
            Position.partnership_id == partnership_id,
            Position.status == PositionStatus.PUBLISHED,
        )
    )
    best: dict[int, tuple[int, int, str]] = {}
    for student_id, rank, position_id, title in rows:
        if student_id not in eligible:
            continue
        if student_id not in best or rank < best[student_id][0]:
            best[student_id] = (rank, position_id, title)
    return best


def applicants(
    session: Session, *, actor: Actor, plan: PlacementPlan, partnership: Partnership
) -> list[Applicant]:
    """The host's applicants: ranked ones by rank, then the unranked, then the excluded."""
    del actor  # visibility is settled by host_for; kept for the services' common signature
    best = _choices(session, plan, partnership.id)
    if not best:
        return []
    applied = (
        select(Preference.student_id)
        .join(Position, Position.id == Preference.position_id)
        .where(
            Preference.plan_id == plan.id,
            Position.partnership_id == partnership.id,
            Position.status == PositionStatus.PUBLISHED,
        )
    )
    people = session.execute(
        select(
            Student.id,
            Student.name,
            Student.student_number,
            SchoolClass.name,
            SchoolClass.cohort_year,
            Major.id,
            Major.code,
            Major.name_zh,
            Major.name_en,
        )
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .join(Major, Major.id == SchoolClass.major_id)
        .where(Student.id.in_(applied))
    ).all()
    ranks = {
        row.student_id: row
        for row in session.execute(
            select(HostRank.student_id, HostRank.rank, HostRank.excluded, HostRank.score).where(
                HostRank.plan_id == plan.id, HostRank.partnership_id == partnership.id
            )
        )
    }
    found: list[Applicant] = []
    for sid, name, number, class_name, cohort_year, mid, mcode, mzh, men in people:
        if sid not in best:  # not eligible (any more)
            continue
        choice, position_id, title = best[sid]
        mine = ranks.get(sid)
        found.append(
            Applicant(
                student_id=sid,
                name=name,
                student_number=number,
                class_name=class_name,
                major_id=mid,
                major_code=mcode,
                major_name_zh=mzh,
                major_name_en=men,
                year_of_study=year_of_study(cohort_year, plan.term_start),
                choice=choice,
                position_id=position_id,
                position_title=title,
                rank=mine.rank if mine and not mine.excluded else None,
                excluded=bool(mine and mine.excluded),
                score=mine.score if mine else None,
            )
        )
    return sorted(found, key=_order)


def _order(a: Applicant) -> tuple[int, int, int, str]:
    group = 2 if a.excluded else (0 if a.rank is not None else 1)
    return group, a.rank or 0, a.choice, a.student_number


# --- rights and phase -----------------------------------------------------------------------------


def _when(day: date | None) -> dict[str, Any]:
    return {"date": day.isoformat()} if day else {}


def phase_conflict(actor: Actor, plan: PlacementPlan) -> Conflict | None:
    """Why ``actor`` cannot rank applicants in ``plan`` now (None: they can)."""
    contact = actor.role == "enterprise_contact"
    allowed = (Phase.HOST_RANKING,) if contact else OFFICE_PHASES
    if plan.phase in allowed:
        return None
    at = PHASES.index(Phase(plan.phase))
    if at < PHASES.index(allowed[0]):
        day = plan.ranking_closes_on if contact else plan.ranking_opens_on
        if day:
            return Conflict(
                N_("Ranking applicants opens on %(date)s, after the students have ranked."),
                code="host_ranking_not_open",
                **_when(day),
            )
        return Conflict(
            N_("Ranking applicants has not opened yet; the students rank positions first."),
            code="host_ranking_not_open",
        )
    day = plan.host_ranking_closes_on if contact else plan.allocation_on
    if day:
        return Conflict(
            N_("Ranking applicants closed on %(date)s; ask the cooperation office for changes."),
            code="host_ranking_closed",
            **_when(day),
        )
    return Conflict(
        N_("Ranking applicants has closed; ask the cooperation office for changes."),
        code="host_ranking_closed",
    )


def check_may_rank(actor: Actor, plan: PlacementPlan, partnership: Partnership) -> None:
    if not scope.can_rank_applicants(actor, plan, partnership):
        raise PermissionDenied(N_("You may not rank this host's applicants."))
    problem = phase_conflict(actor, plan)
    if problem is not None:
        raise problem


# --- storing a ranking ----------------------------------------------------------------------------


def _check_entries(entries: Sequence[RankEntry], known: set[int]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: dict[int, int] = {}
    for index, entry in enumerate(entries):
        name = f"entries.{index}"
        params = {"index": index + 1, "id": entry.student_id}
        if entry.student_id in seen:
            errors.append(
                FieldError(
                    name,
                    "duplicate",
                    N_("Entry %(index)s repeats student %(id)s (entry %(first)s)."),
                    {**params, "first": seen[entry.student_id] + 1},
                )
            )
            continue
        seen[entry.student_id] = index
        if entry.student_id not in known:
            errors.append(
                FieldError(
                    name,
                    "not_applicant",
                    N_(
                        "Entry %(index)s: student %(id)s has not listed any of this host's "
                        "positions, so cannot be ranked."
                    ),
                    params,
                )
            )
        elif entry.rank is not None and entry.rank < 1:
            errors.append(
                FieldError(
                    f"{name}.rank",
                    "bad_rank",
                    N_("Entry %(index)s: a rank is a whole number from 1 (the first)."),
                    params,
                )
            )
    return errors


def _snapshot(session: Session, plan: PlacementPlan, partnership: Partnership) -> dict[str, Any]:
    rows = session.execute(
        select(HostRank.student_id, HostRank.rank, HostRank.excluded).where(
            HostRank.plan_id == plan.id, HostRank.partnership_id == partnership.id
        )
    ).all()
    return {
        "ranks": {str(sid): rank for sid, rank, excluded in sorted(rows) if not excluded},
        "excluded": sorted(sid for sid, _, excluded in rows if excluded),
    }


def store_ranking(
    session: Session,
    *,
    actor: Actor,
    plan: PlacementPlan,
    partnership: Partnership,
    entries: Sequence[RankEntry],
    method: RankingMethod,
    scores: dict[int, Decimal] | None = None,
    weights: Weights | None = None,
) -> PlanHost:
    before = _snapshot(session, plan, partnership)
    session.execute(
        delete(HostRank).where(
            HostRank.plan_id == plan.id, HostRank.partnership_id == partnership.id
        )
    )
    session.flush()
    for entry in entries:
        score = (scores or {}).get(entry.student_id)
        if entry.rank is None and not entry.excluded and score is None:
            continue
        session.add(
            HostRank(
                college_id=plan.college_id,
                plan_id=plan.id,
                partnership_id=partnership.id,
                student_id=entry.student_id,
                rank=None if entry.excluded else entry.rank,
                excluded=entry.excluded,
                score=score,
            )
        )
    settings = plan_host(session, plan, partnership)
    if settings is None:
        settings = PlanHost(
            college_id=plan.college_id, plan_id=plan.id, partnership_id=partnership.id
        )
        session.add(settings)
    old_method = settings.ranking_method
    settings.ranking_method = method
    settings.ranked_at = utcnow()
    if weights is not None:
        settings.score_weights = weights.as_json()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="rank_applicants",
        entity=settings,
        college_id=plan.college_id,
        before={**before, "ranking_method": old_method},
        after={**_snapshot(session, plan, partnership), "ranking_method": str(method)},
        summary=f"{plan.name}: {host_name(session, partnership)}",
    )
    return settings


def set_ranking(
    session: Session,
    *,
    actor: Actor,
    plan: PlacementPlan,
    partnership: Partnership,
    entries: Sequence[RankEntry],
    method: RankingMethod = RankingMethod.MANUAL,
) -> PlanHost:
    """Replace the host's ranking with ``entries`` (equal ranks tie; unnamed ones: unranked)."""
    check_may_rank(actor, plan, partnership)
    known = set(_choices(session, plan, partnership.id))
    errors = _check_entries(entries, known)
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors, **errors[0].params)
    return store_ranking(
        session, actor=actor, plan=plan, partnership=partnership, entries=entries, method=method
    )


# --- for the allocation ---------------------------------------------------------------------------


def host_orders(
    session: Session, plan: PlacementPlan, student_ids: set[int] | None
) -> dict[int, list[int | list[int]]]:
    """Each host's ranking in the matching engine's format: ranked applicants by rank (equal
    ranks as one list), then every unranked applicant as one tied list; excluded ones left out.
    Only students eligible for the plan are applicants. Every host with a published position
    in the plan is a key (an empty list: no applicants)."""
    published = (Position.plan_id == plan.id, Position.status == PositionStatus.PUBLISHED)
    applied: dict[int, set[int]] = {
        partnership_id: set()
        for partnership_id in session.scalars(
            select(Position.partnership_id).where(*published).distinct()
        )
    }
    wanted = eligible_ids(session, plan)
    if student_ids is not None:
        wanted &= student_ids
    rows = session.execute(
        select(Position.partnership_id, Preference.student_id)
        .join(Position, Position.id == Preference.position_id)
        .where(Preference.plan_id == plan.id, *published)
    )
    for partnership_id, student_id in rows:
        if student_id in wanted:
            applied[partnership_id].add(student_id)
    ranked: dict[int, dict[int, list[int]]] = {}
    dropped: dict[int, set[int]] = {}
    for partnership_id, student_id, rank, excluded in session.execute(
        select(
            HostRank.partnership_id, HostRank.student_id, HostRank.rank, HostRank.excluded
        ).where(HostRank.plan_id == plan.id)
    ):
        if student_id not in applied.get(partnership_id, ()):
            continue
        if excluded:
            dropped.setdefault(partnership_id, set()).add(student_id)
        elif rank is not None:
            ranked.setdefault(partnership_id, {}).setdefault(rank, []).append(student_id)
    orders: dict[int, list[int | list[int]]] = {}
    for partnership_id, students in applied.items():
        order: list[int | list[int]] = []
        placed: set[int] = set()
        for _, group in sorted(ranked.get(partnership_id, {}).items()):
            group.sort()
            order.append(group[0] if len(group) == 1 else group)
            placed.update(group)
        rest = sorted(students - placed - dropped.get(partnership_id, set()))
        if rest:
            order.append(rest[0] if len(rest) == 1 else rest)
        orders[partnership_id] = order
    return orders


def ranked_at(settings: PlanHost | None) -> datetime | None:
    return settings.ranked_at if settings else None
