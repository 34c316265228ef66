"""The daily compliance check of placements (``tandem placement check``, also run by
``tandem remind``).

Every draft, ready and active placement is checked again with the records as they are today
(drafts too, so the lists' compliance status stays current). A ready or active placement that
has a blocking item it did not have at its last check — insurance that no longer covers the
period, a host's intern cap exceeded by placements made later, an agreement whose terms no
longer match — is reported to the college's cooperation office and to the placement's school
mentor (one notice per placement, rule and day). An active placement whose insurance cover
ends within 14 days while the placement goes on gets a warning notice (once per end date).

Placements are read and checked in chunks with the gate's bulk loader: a few queries per
chunk, not per placement. Flushes, never commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.config import Settings
from tandem.inbox.service import Message, Msg, notify
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership
from tandem.placement import gate
from tandem.placement.gate import GateResult
from tandem.placement.gate_records import Context, load_context
from tandem.placement.kinds import PLACEMENT_STATUS_LABELS, PlacementStatus
from tandem.placement.models import Placement

S = PlacementStatus
CHECKED: Final = (S.DRAFT.value, S.READY.value, S.ACTIVE.value)
WATCHED: Final = (S.READY.value, S.ACTIVE.value)
CHUNK: Final = 1000
INSURANCE_NOTICE_DAYS: Final = 14
KIND_BLOCKED: Final = "placement_blocked"
KIND_INSURANCE: Final = "placement_insurance"

BLOCKED_SUBJECT = N_("Placement of %(student)s no longer passes the compliance check")
BLOCKED_BODY = N_(
    "The placement of %(student)s (%(number)s) at %(host)s, %(start)s – %(end)s, is "
    "%(status)s but now breaks rule %(rule)s: %(text)s (%(source)s). Provide what the rule "
    "needs, or end the placement."
)
INSURANCE_SUBJECT = N_("Insurance of %(student)s's placement ends on %(day)s")
INSURANCE_BODY = N_(
    "The internship liability insurance of the placement of %(student)s (%(number)s) at "
    "%(host)s ends on %(day)s, but the placement goes on until %(end)s. Link a policy that "
    "covers the rest of the period."
)

Progressed = Callable[[int, int], None]


@dataclass
class CheckReport:
    checked: int = 0
    blocked: int = 0
    newly_blocked: int = 0
    insurance_ending: int = 0
    notices: int = 0

    def rows(self) -> list[tuple[str, int]]:
        return [
            (N_("Placements checked"), self.checked),
            (N_("Placements blocked"), self.blocked),
            (N_("Newly blocked (ready or active)"), self.newly_blocked),
            (N_("Insurance ending within 14 days"), self.insurance_ending),
            (N_("Placement notices written"), self.notices),
        ]


def _previous_blocking(placement: Placement) -> set[str] | None:
    if placement.checked_at is None or not placement.compliance:
        return None
    return {
        v.get("rule", "")
        for v in placement.compliance.get("violations", [])
        if v.get("severity") == "block"
    }


def cover_ends(policies: Sequence[dict[str, Any]], today: date) -> date | None:
    """The last day of the cover that runs through ``today`` (adjacent policies join), or
    None when today is not covered."""
    spans = sorted((date.fromisoformat(p["start"]), date.fromisoformat(p["end"])) for p in policies)
    covered_to: date | None = None
    for start, end in spans:
        if covered_to is None:
            if start <= today <= end:
                covered_to = end
            continue
        if start <= covered_to + timedelta(days=1):
            covered_to = max(covered_to, end)
    return covered_to


class _Recipients:
    """The college's office (per college) and the mentors' accounts (per teacher)."""

    def __init__(self, session: Session, placements: Sequence[Placement]) -> None:
        colleges = {p.college_id for p in placements}
        teachers = {p.school_mentor_id for p in placements if p.school_mentor_id is not None}
        self.office: dict[int, list[User]] = defaultdict(list)
        self.mentors: dict[int, list[User]] = defaultdict(list)
        if colleges:
            for user in session.scalars(
                select(User).where(
                    User.is_active.is_(True),
                    User.role == Role.COLLEGE_ADMIN,
                    User.college_id.in_(sorted(colleges)),
                )
            ):
                self.office[user.college_id or 0].append(user)
        if teachers:
            for user in session.scalars(
                select(User).where(User.is_active.is_(True), User.teacher_id.in_(sorted(teachers)))
            ):
                self.mentors[user.teacher_id or 0].append(user)

    def of(self, placement: Placement) -> list[User]:
        users = list(self.office.get(placement.college_id, []))
        if placement.school_mentor_id is not None:
            users += self.mentors.get(placement.school_mentor_id, [])
        return users


def _params(placement: Placement) -> dict[str, Any]:
    student = placement.student
    return {
        "student": student.name,
        "number": student.student_number,
        "host": placement.partnership.enterprise.name,
        "start": placement.start_on,
        "end": placement.end_on,
        "status": Msg(PLACEMENT_STATUS_LABELS[PlacementStatus(placement.status)]),
    }


def _notify_blocked(
    session: Session,
    settings: Settings,
    placement: Placement,
    result: GateResult,
    previous: set[str] | None,
    recipients: _Recipients,
    today: date,
    report: CheckReport,
) -> None:
    new = [b for b in result.blocking if previous is None or b.rule not in previous]
    if not new:
        return
    report.newly_blocked += 1
    language = "zh" if settings.default_language.startswith("zh") else "en"
    for item in new:
        delivery = notify(
            session,
            users=recipients.of(placement),
            key=f"placement:{placement.id}:blocked:{item.rule}:{today.isoformat()}",
            kind=KIND_BLOCKED,
            message=Message(
                subject=BLOCKED_SUBJECT,
                body=BLOCKED_BODY,
                params=_params(placement)
                | {
                    "rule": item.rule,
                    "text": item.text(language),
                    "source": item.cited(language),
                },
            ),
            college_id=placement.college_id,
            link=f"/placements/{placement.id}",
            settings=settings,
        )
        report.notices += delivery.notices


def _notify_insurance(
    session: Session,
    settings: Settings,
    placement: Placement,
    context: Context,
    recipients: _Recipients,
    today: date,
    report: CheckReport,
) -> None:
    if placement.status != S.ACTIVE:
        return
    ends = cover_ends(context.insurance.get(placement.id, []), today)
    if ends is None or ends >= placement.end_on:
        return
    if (ends - today).days > INSURANCE_NOTICE_DAYS:
        return
    report.insurance_ending += 1
    delivery = notify(
        session,
        users=recipients.of(placement),
        key=f"placement:{placement.id}:insurance_ends:{ends.isoformat()}",
        kind=KIND_INSURANCE,
        message=Message(
            subject=INSURANCE_SUBJECT,
            body=INSURANCE_BODY,
            params=_params(placement) | {"day": ends},
        ),
        college_id=placement.college_id,
        link=f"/placements/{placement.id}",
        settings=settings,
    )
    report.notices += delivery.notices


def _ids(session: Session, college_id: int | None) -> list[int]:
    stmt = select(Placement.id).where(Placement.status.in_(CHECKED)).order_by(Placement.id)
    if college_id is not None:
        stmt = stmt.where(Placement.college_id == college_id)
    return list(session.scalars(stmt))


def run_check(
    session: Session,
    *,
    today: date,
    settings: Settings,
    college_id: int | None = None,
    progress: Progressed | None = None,
) -> CheckReport:
    """Check every draft, ready and active placement again (see the module); the counts."""
    report = CheckReport()
    ids = _ids(session, college_id)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        placements = list(
            session.scalars(
                select(Placement)
                .where(Placement.id.in_(chunk))
                .order_by(Placement.id)
                .options(
                    selectinload(Placement.student),
                    selectinload(Placement.partnership).selectinload(Partnership.enterprise),
                )
            )
        )
        previous = {p.id: _previous_blocking(p) for p in placements}
        context = load_context(session, placements)
        watched = [p for p in placements if p.status in WATCHED]
        recipients = _Recipients(session, watched)
        stored: list[tuple[Placement, GateResult]] = []
        for placement in placements:
            try:
                result = gate.evaluate_from(placement, context, today)
            except Exception:
                gate.log.exception("compliance check of placement %s failed", placement.id)
                continue
            stored.append((placement, result))
            report.checked += 1
            if result.blocking:
                report.blocked += 1
            if placement.status in WATCHED:
                _notify_blocked(
                    session,
                    settings,
                    placement,
                    result,
                    previous[placement.id],
                    recipients,
                    today,
                    report,
                )
                _notify_insurance(session, settings, placement, context, recipients, today, report)
        gate.store_all(session, stored)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return report
