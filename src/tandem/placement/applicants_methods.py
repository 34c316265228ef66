"""The other two ways a host ranks its applicants: a score from weights it sets, and a
spreadsheet (student number, rank, excluded) it fills in from the template listing them.

An upload is all or nothing: every row is checked first and each bad row is reported with its
row number; only a file without errors replaces the ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.imports.columns import choose
from tandem.kit.errors import FieldError, ValidationFailed
from tandem.kit.i18n import N_, gettext
from tandem.kit.spreadsheet import Column, read_table, write_workbook
from tandem.partner.models import Partnership
from tandem.placement.applicants import (
    Applicant,
    RankEntry,
    Weights,
    applicants,
    check_may_rank,
    store_ranking,
)
from tandem.placement.kinds import PositionStatus, RankingMethod
from tandem.placement.models import PlacementPlan, PlanHost, Position, position_major

# --- scoring --------------------------------------------------------------------------------------


def required_majors(session: Session, plan: PlacementPlan, partnership: Partnership) -> set[int]:
    return set(
        session.scalars(
            select(position_major.c.major_id)
            .join(Position, Position.id == position_major.c.position_id)
            .where(
                Position.plan_id == plan.id,
                Position.partnership_id == partnership.id,
                Position.status == PositionStatus.PUBLISHED,
            )
        )
    )


def scores_for(
    found: Sequence[Applicant], weights: Weights, *, max_choices: int, majors: set[int]
) -> dict[int, Decimal]:
    """Each applicant's score (pure): the weighted sum of the parts, each from 0 to 1."""
    if weights.lottery:
        return {a.student_id: Decimal("0.00") for a in found}
    top_year = max((a.year_of_study for a in found), default=0)
    scores: dict[int, Decimal] = {}
    for a in found:
        longest = max(max_choices, a.choice)
        choice = (longest - a.choice + 1) / longest
        major = 1.0 if a.major_id in majors else 0.0
        year = a.year_of_study / top_year if top_year > 0 else 0.0
        total = weights.choice * choice + weights.major * major + weights.year * year
        scores[a.student_id] = Decimal(str(round(total, 2))).quantize(Decimal("0.01"))
    return scores


def ranks_from(scores: dict[int, Decimal], excluded: Iterable[int]) -> dict[int, int]:
    """Ranks by score, highest first; equal scores share a rank (1, 2, 2, 4)."""
    out = set(excluded)
    ordered = sorted((s for sid, s in scores.items() if sid not in out), reverse=True)
    first_at: dict[Decimal, int] = {}
    for index, score in enumerate(ordered, start=1):
        first_at.setdefault(score, index)
    return {sid: first_at[s] for sid, s in scores.items() if sid not in out}


def score_ranking(
    session: Session,
    *,
    actor: Actor,
    plan: PlacementPlan,
    partnership: Partnership,
    weights: Weights,
) -> PlanHost:
    """Rank the applicants by a score from ``weights``; exclusions are kept."""
    check_may_rank(actor, plan, partnership)
    found = applicants(session, actor=actor, plan=plan, partnership=partnership)
    scores = scores_for(
        found,
        weights,
        max_choices=plan.max_preferences,
        majors=required_majors(session, plan, partnership),
    )
    excluded = {a.student_id for a in found if a.excluded}
    ranks = ranks_from(scores, excluded)
    entries = [RankEntry(a.student_id, ranks.get(a.student_id), a.excluded) for a in found]
    return store_ranking(
        session,
        actor=actor,
        plan=plan,
        partnership=partnership,
        entries=entries,
        method=RankingMethod.SCORE,
        scores=scores,
        weights=weights,
    )


# --- the spreadsheet ------------------------------------------------------------------------------

YES_NO = N_("Yes or no (是 / 否); blank: no.")
COLUMNS = (
    Column("student_number", "学号", "Student number", required=True, kind="code"),
    Column("name", "姓名", "Name"),
    Column("class_name", "班级", "Class"),
    Column("major", "专业", "Major"),
    Column("choice", "学生志愿", "Student's choice", kind="int"),
    Column("position", "岗位", "Position"),
    Column(
        "rank",
        "排名",
        "Rank",
        kind="int",
        hint=N_("1 is the first; equal numbers are ties; blank: unranked (after every ranked)."),
    ),
    Column("excluded", "不接受", "Excluded", hint=YES_NO),
)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str | None
    message: str  # localised


class RankingUploadFailed(ValidationFailed):
    """A file with bad rows: nothing was stored; ``rows`` says what is wrong where."""

    code = "bad_rows"

    def __init__(self, rows: list[RowProblem]) -> None:
        errors = [
            FieldError(
                f"rows.{p.row}.{p.column or 'row'}", "bad_row", "%(text)s", {"text": p.message}
            )
            for p in rows
        ]
        super().__init__(
            N_("%(count)s rows of the file need correcting; nothing was stored."),
            errors=errors,
            count=len(rows),
        )
        self.rows = rows


def template(
    session: Session, *, actor: Actor, plan: PlacementPlan, partnership: Partnership, language: str
) -> bytes:
    """A workbook listing the applicants, with their current ranks, to fill in and upload."""
    found = applicants(session, actor=actor, plan=plan, partnership=partnership)
    yes, no = gettext(N_("Yes")), ""
    rows: list[list[Any]] = [
        [
            a.student_number,
            a.name,
            a.class_name,
            a.major_name(language),
            a.choice,
            a.position_title,
            a.rank,
            yes if a.excluded else no,
        ]
        for a in found
    ]
    return write_workbook(
        COLUMNS, rows, language=language, title=gettext(N_("Ranking")), with_hints=True
    )


def _rank(text: str | None) -> int | str | None:
    """The rank in a cell, or ``"bad"``."""
    if text is None:
        return None
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else "bad"


def import_ranking(
    session: Session,
    *,
    actor: Actor,
    plan: PlacementPlan,
    partnership: Partnership,
    data: bytes,
) -> PlanHost:
    """Replace the host's ranking with the uploaded file's (all rows or none)."""
    check_may_rank(actor, plan, partnership)
    table = read_table(data, COLUMNS, max_rows=50_000)
    by_number = {
        a.student_number.upper(): a
        for a in applicants(session, actor=actor, plan=plan, partnership=partnership)
    }
    problems: list[RowProblem] = []
    first_row: dict[int, int] = {}
    entries: list[RankEntry] = []
    for row in table.rows:
        number = row.values.get("student_number")
        found = by_number.get((number or "").upper())
        if found is None:
            message = (
                N_("Student number %(value)s is not among this host's applicants.")
                if number
                else N_("The student number is missing.")
            )
            problems.append(
                RowProblem(row.number, "student_number", gettext(message, value=number))
            )
            continue
        if found.student_id in first_row:
            problems.append(
                RowProblem(
                    row.number,
                    "student_number",
                    gettext(
                        N_("%(value)s is in the file twice: rows %(first)s and %(second)s."),
                        value=number,
                        first=first_row[found.student_id],
                        second=row.number,
                    ),
                )
            )
            continue
        first_row[found.student_id] = row.number
        rank = _rank(row.values.get("rank"))
        excluded_text = row.values.get("excluded")
        excluded = choose("yes_no", excluded_text) if excluded_text else "false"
        bad = False
        if rank == "bad":
            bad = True
            problems.append(
                RowProblem(
                    row.number,
                    "rank",
                    gettext(
                        N_(
                            "%(value)s is not a rank: write a whole number from 1, "
                            "or leave it blank."
                        ),
                        value=row.values.get("rank"),
                    ),
                )
            )
        if excluded is None:
            bad = True
            problems.append(
                RowProblem(
                    row.number,
                    "excluded",
                    gettext(N_("%(value)s is not yes or no (是 / 否)."), value=excluded_text),
                )
            )
        if not bad:
            assert not isinstance(rank, str)  # noqa: S101 - "bad" was handled above
            entries.append(RankEntry(found.student_id, rank, excluded == "true"))
    if problems:
        raise RankingUploadFailed(problems)
    return store_ranking(
        session,
        actor=actor,
        plan=plan,
        partnership=partnership,
        entries=entries,
        method=RankingMethod.UPLOAD,
    )
