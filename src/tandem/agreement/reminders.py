"""The daily reminder job: what the calendar does to agreements, and the notices it sends.

For every signed or in-force agreement it first applies the calendar
(:func:`tandem.agreement.steps.advance_by_date`: activate on the start date, mark expiring 90
days before the end, renew an auto-renewing agreement at its end, end the others once past it),
then writes notices: 90 and 30 days before an agreement ends, when an obligation falls behind,
when a review is overdue (agreements and steering bodies), and when an agreement renewed itself
or was closed by date.

Idempotent: every notice has a key naming its record and occasion, and a user gets a key once,
so the job can run from cron and in the app, every day or twice a day, without repeating
itself. :func:`run_daily_if_due` is the in-app run: once a day, whoever opens the inbox first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from tandem.agreement import lifecycle, steps
from tandem.agreement.lifecycle import Action
from tandem.agreement.models import Agreement, AgreementStatus, Obligation, Party, SteeringBody
from tandem.agreement.obligations import standing_of
from tandem.agreement.progress import Progress
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Role
from tandem.config import Settings
from tandem.inbox import service as inbox
from tandem.inbox.models import JobRun
from tandem.inbox.service import Message, Msg
from tandem.kit.errors import AppError
from tandem.kit.i18n import N_
from tandem.partner.models import Partnership, PartnershipStatus

log = logging.getLogger("tandem.reminders")

JOB = "reminders"
SYSTEM = Actor.system("reminders")
S = AgreementStatus
BY_DATE = (S.SIGNED, S.ACTIVE, S.EXPIRING)
TITLE_IN_SUBJECT = 120  # characters of an agreement's title in a subject line

# Who committed, as it reads inside a sentence.
PARTY_IN_TEXT: dict[str, str] = {
    Party.COLLEGE: N_("the college"),
    Party.ENTERPRISE: N_("the enterprise"),
}

Progressed = Callable[[int, int], None]  # (done, total)


@dataclass
class ReminderReport:
    """What one run did."""

    activated: int = 0
    expiring: int = 0
    renewed: int = 0
    ended: int = 0
    notices: int = 0
    emails: int = 0
    # Agreements the calendar could not move (e.g. imported with terms missing): id, reason.
    problems: list[tuple[int, str]] = field(default_factory=list)

    def rows(self) -> list[tuple[str, int]]:
        """(untranslated label, count) for a summary table or a flash message."""
        return [
            (N_("Agreements activated"), self.activated),
            (N_("Agreements marked expiring"), self.expiring),
            (N_("Agreements renewed automatically"), self.renewed),
            (N_("Agreements ended"), self.ended),
            (N_("Notices written"), self.notices),
            (N_("E-mails queued"), self.emails),
        ]

    def summary(self) -> str:
        """One line for the job log (not shown to people; untranslated on purpose)."""
        return (
            f"activated={self.activated} expiring={self.expiring} renewed={self.renewed} "
            f"ended={self.ended} notices={self.notices} emails={self.emails} "
            f"problems={len(self.problems)}"
        )


COUNTERS = {
    Action.ACTIVATE: "activated",
    Action.EXPIRE: "expiring",
    Action.AUTO_RENEW: "renewed",
    Action.END: "ended",
}


# --- who hears about what ------------------------------------------------------------------------


class Recipients:
    """The active accounts to tell, looked up once per college, department and enterprise."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._office: dict[int, list[User]] = {}
        self._department: dict[int, list[User]] = {}
        self._enterprise: dict[int, list[User]] = {}

    def _users(self, *conditions: ColumnElement[bool]) -> list[User]:
        stmt = select(User).where(User.is_active.is_(True), *conditions).order_by(User.id)
        return list(self._session.scalars(stmt).all())

    def college_side(self, college_id: int, department_id: int | None) -> list[User]:
        """The cooperation office of the college, and the department's coordinators."""
        if college_id not in self._office:
            self._office[college_id] = self._users(
                User.role == Role.COLLEGE_ADMIN, User.college_id == college_id
            )
        users = list(self._office[college_id])
        if department_id is not None:
            if department_id not in self._department:
                self._department[department_id] = self._users(
                    User.role == Role.DEPARTMENT_COORDINATOR, User.department_id == department_id
                )
            users.extend(self._department[department_id])
        return users

    def enterprise(self, enterprise_id: int) -> list[User]:
        """The enterprise contacts bound to the enterprise."""
        if enterprise_id not in self._enterprise:
            self._enterprise[enterprise_id] = self._users(
                User.role == Role.ENTERPRISE_CONTACT, User.enterprise_id == enterprise_id
            )
        return self._enterprise[enterprise_id]


class _Writer:
    def __init__(self, session: Session, settings: Settings, report: ReminderReport) -> None:
        self.session = session
        self.settings = settings
        self.report = report
        self.recipients = Recipients(session)

    def about(
        self,
        agreement: Agreement,
        *,
        key: str,
        kind: str,
        message: Message,
        enterprise_too: bool = False,
    ) -> None:
        users = self.recipients.college_side(agreement.college_id, agreement.department_id)
        if enterprise_too:
            users = users + self.recipients.enterprise(agreement.partnership.enterprise_id)
        self.send(
            users,
            key=key,
            kind=kind,
            message=message,
            college_id=agreement.college_id,
            link=f"/agreements/{agreement.id}",
        )

    def send(
        self,
        users: Sequence[User],
        *,
        key: str,
        kind: str,
        message: Message,
        college_id: int,
        link: str,
    ) -> None:
        delivery = inbox.notify(
            self.session,
            users=users,
            key=key,
            kind=kind,
            message=message,
            college_id=college_id,
            link=link,
            settings=self.settings,
        )
        self.report.notices += delivery.notices
        self.report.emails += delivery.emails


# --- the job -------------------------------------------------------------------------------------


def _agreements(session: Session, college_id: int | None) -> list[Agreement]:
    stmt = (
        select(Agreement)
        .where(Agreement.status.in_(BY_DATE))
        .options(
            selectinload(Agreement.modes),
            selectinload(Agreement.signatures),
            selectinload(Agreement.obligations).selectinload(Obligation.deliveries),
            selectinload(Agreement.partnership).selectinload(Partnership.enterprise),
        )
        .order_by(Agreement.id)
    )
    if college_id is not None:
        stmt = stmt.where(Agreement.college_id == college_id)
    return list(session.scalars(stmt).all())


def _bodies(session: Session, college_id: int | None, today: date) -> list[SteeringBody]:
    stmt = (
        select(SteeringBody)
        .join(Partnership, Partnership.id == SteeringBody.partnership_id)
        .where(
            SteeringBody.next_review_on.is_not(None),
            SteeringBody.next_review_on < today,
            Partnership.status != PartnershipStatus.ENDED,
        )
        .options(selectinload(SteeringBody.partnership).selectinload(Partnership.enterprise))
        .order_by(SteeringBody.id)
    )
    if college_id is not None:
        stmt = stmt.where(SteeringBody.college_id == college_id)
    return list(session.scalars(stmt).all())


def run_reminders(
    session: Session,
    *,
    today: date,
    settings: Settings,
    college_id: int | None = None,
    progress: Progressed | None = None,
) -> ReminderReport:
    """Apply the calendar to agreements and write the notices that are due (see the module).

    ``college_id`` limits the run to one college (a college's own "run now"); the cron run
    covers every college. Flushes, never commits.
    """
    report = ReminderReport()
    writer = _Writer(session, settings, report)
    agreements = _agreements(session, college_id)
    bodies = _bodies(session, college_id, today)
    total = len(agreements) + len(bodies)
    for done, agreement in enumerate(agreements, start=1):
        _advance(session, writer, agreement, today)
        if agreement.status in lifecycle.IN_FORCE:
            _end_notices(writer, agreement, today)
            _obligation_notices(writer, agreement, today)
            _review_notice(writer, agreement, today)
        if progress:
            progress(done, total)
    for done, body in enumerate(bodies, start=len(agreements) + 1):
        _steering_notice(writer, body)
        if progress:
            progress(done, total)
    return report


def _facts(agreement: Agreement) -> dict[str, object]:
    title = agreement.title
    if len(title) > TITLE_IN_SUBJECT:
        title = title[: TITLE_IN_SUBJECT - 1] + "…"
    return {
        "title": title,
        "number": agreement.number or "—",
        "enterprise": agreement.partnership.enterprise.name,
    }


def _advance(session: Session, writer: _Writer, agreement: Agreement, today: date) -> None:
    end_before = agreement.end_date
    try:
        with session.begin_nested():  # one agreement's problem leaves the others moving
            taken = steps.advance_by_date(session, actor=SYSTEM, agreement=agreement, today=today)
    except AppError as error:
        writer.report.problems.append((agreement.id, error.localised()))
        log.warning("reminders: agreement %s not advanced: %s", agreement.id, error)
        return
    for action in taken:
        counter = COUNTERS[action]
        setattr(writer.report, counter, getattr(writer.report, counter) + 1)
    if Action.AUTO_RENEW in taken:
        writer.about(
            agreement,
            key=f"agreement:{agreement.id}:renewed:{agreement.end_date}",
            kind="agreement_renewed",
            enterprise_too=True,
            message=Message(
                N_("Agreement “%(title)s” renewed itself until %(end)s"),
                N_(
                    "The agreement “%(title)s” (%(number)s) with %(enterprise)s renews "
                    "automatically: its term now runs until %(end)s. To stop the next renewal, "
                    "give notice of non-renewal at least %(notice)s days before that date."
                ),
                {**_facts(agreement), "end": agreement.end_date, "notice": agreement.notice_days},
            ),
        )
    if Action.END in taken:
        writer.about(
            agreement,
            key=f"agreement:{agreement.id}:ended:{end_before}",
            kind="agreement_ended",
            enterprise_too=True,
            message=Message(
                N_("Agreement “%(title)s” has ended"),
                N_(
                    "The agreement “%(title)s” (%(number)s) with %(enterprise)s passed its end "
                    "date (%(end)s) and was closed automatically. If the cooperation goes on, "
                    "draft a new agreement."
                ),
                {**_facts(agreement), "end": end_before},
            ),
        )


def _end_notices(writer: _Writer, agreement: Agreement, today: date) -> None:
    """90 and 30 days before the end of an agreement that does not renew itself."""
    end = agreement.end_date
    if agreement.auto_renew or end is None or end < today:
        return
    left = (end - today).days
    for days in lifecycle.REMINDER_DAYS:
        if left > days:
            continue
        writer.about(
            agreement,
            key=f"agreement:{agreement.id}:ends:{end}:{days}",
            kind="agreement_ends",
            enterprise_too=True,
            message=Message(
                N_("Agreement “%(title)s” ends on %(end)s"),
                N_(
                    "The agreement “%(title)s” (%(number)s) with %(enterprise)s ends on %(end)s "
                    "(days left: %(left)s). It does not renew itself: renew it in time, or let "
                    "it end."
                ),
                {**_facts(agreement), "end": end, "left": left},
            ),
        )


def _amount(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _obligation_notices(writer: _Writer, agreement: Agreement, today: date) -> None:
    """Once when an obligation falls behind, and again only when more has fallen due."""
    for obligation in agreement.obligations:
        standing = standing_of(obligation, today)
        if standing.progress != Progress.BEHIND:
            continue
        writer.about(
            agreement,
            key=f"obligation:{obligation.id}:behind:{_amount(standing.due_so_far)}",
            kind="obligation_behind",
            enterprise_too=obligation.party == Party.ENTERPRISE,
            message=Message(
                N_("Obligation behind: %(description)s"),
                N_(
                    "Under the agreement “%(title)s” (%(number)s) with %(enterprise)s, "
                    "%(party)s committed to “%(description)s”. By %(today)s, %(due)s %(unit)s "
                    "had fallen due and %(delivered)s %(unit)s have been delivered: "
                    "%(shortfall)s %(unit)s short."
                ),
                {
                    **_facts(agreement),
                    "party": Msg(PARTY_IN_TEXT.get(obligation.party, N_("the party"))),
                    "description": obligation.description,
                    "unit": obligation.unit,
                    "today": today,
                    "due": standing.due_so_far,
                    "delivered": standing.delivered,
                    "shortfall": standing.shortfall,
                },
            ),
        )


def _review_notice(writer: _Writer, agreement: Agreement, today: date) -> None:
    due = agreement.next_review_on
    if due is None or due >= today:
        return
    writer.about(
        agreement,
        key=f"agreement:{agreement.id}:review:{due}",
        kind="review_overdue",
        message=Message(
            N_("Review overdue: agreement “%(title)s”"),
            N_(
                "The agreement “%(title)s” (%(number)s) with %(enterprise)s was due for review "
                "on %(due)s. Hold the review and record it on the agreement."
            ),
            {**_facts(agreement), "due": due},
        ),
    )


def _steering_notice(writer: _Writer, body: SteeringBody) -> None:
    partnership = body.partnership
    writer.send(
        writer.recipients.college_side(body.college_id, partnership.department_id),
        key=f"steering:{body.id}:review:{body.next_review_on}",
        kind="steering_review_overdue",
        college_id=body.college_id,
        link=f"/steering-bodies/{body.id}",
        message=Message(
            N_("Review overdue: steering body “%(name)s”"),
            N_(
                "The steering body “%(name)s” of the partnership with %(enterprise)s was due "
                "for its review on %(due)s. Hold a review meeting and record it."
            ),
            {
                "name": body.name,
                "enterprise": partnership.enterprise.name,
                "due": body.next_review_on,
            },
        ),
    )


# --- once a day ----------------------------------------------------------------------------------


def ran_on(session: Session, today: date) -> JobRun | None:
    stmt = select(JobRun).where(JobRun.job == JOB, JobRun.run_on == today)
    return session.scalars(stmt).first()


def mark_run(session: Session, *, today: date, report: ReminderReport) -> None:
    """Record that the job ran today (so the in-app run does not repeat what cron did)."""
    run = ran_on(session, today)
    if run is None:
        try:
            with session.begin_nested():
                run = JobRun(job=JOB, run_on=today)
                session.add(run)
                session.flush()
        except IntegrityError:
            run = ran_on(session, today)
    if run is not None:
        run.summary = report.summary()[:500]
        session.flush()


def run_daily_if_due(session: Session, *, today: date, settings: Settings) -> ReminderReport | None:
    """Run the job unless it already ran today; None when it had.

    The day's run is claimed first (a unique row per day), so of two requests arriving together
    only one runs it. A failing run is logged and does not fail the page that triggered it; the
    day stays claimed (cron, or tomorrow, tries again).
    """
    if ran_on(session, today) is not None:
        return None
    run = JobRun(job=JOB, run_on=today)
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:
        return None
    try:
        with session.begin_nested():
            report = run_reminders(session, today=today, settings=settings)
    except Exception:
        log.exception("reminders: the in-app daily run failed")
        run.summary = "failed"
        session.flush()
        return None
    run.summary = report.summary()[:500]
    session.flush()
    return report
