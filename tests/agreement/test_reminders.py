"""The reminder job: the calendar applied to agreements, and the notices it writes (once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import obligations, steering
from tandem.agreement.models import Agreement, AgreementEvent, AgreementStatus
from tandem.agreement.reminders import ReminderReport, run_daily_if_due, run_reminders
from tandem.agreement.schemas import DeliveryCreate, SteeringBodyCreate
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.config import Settings
from tandem.inbox.models import JobRun, Notice
from tandem.mail.models import OutboxMessage
from tandem.partner.models import Partnership
from tests.agreement.helpers import END, START, advance, make_agreement, make_obligation
from tests.factories import ACTOR, make_college, make_department, make_user
from tests.partner.helpers import make_contact_user, make_enterprise, make_partnership

S = AgreementStatus


@dataclass
class World:
    college: College
    department: Department
    partnership: Partnership
    office: User
    coordinator: User
    other_coordinator: User  # same college, another department
    other_office: User  # another college
    contact: User  # the agreement's enterprise
    other_contact: User  # another enterprise
    disabled_office: User


@pytest.fixture
def world(session: Session) -> World:
    college, other_college = make_college(session), make_college(session)
    department, other_department = (
        make_department(session, college),
        make_department(session, college),
    )
    enterprise, other_enterprise = make_enterprise(session), make_enterprise(session)
    partnership = make_partnership(session, college, enterprise, department)
    make_partnership(session, college, other_enterprise, other_department)
    disabled = make_user(session, "college_admin", college)
    disabled.is_active = False
    session.flush()
    return World(
        college=college,
        department=department,
        partnership=partnership,
        office=make_user(session, "college_admin", college),
        coordinator=make_user(session, "department_coordinator", college, department),
        other_coordinator=make_user(session, "department_coordinator", college, other_department),
        other_office=make_user(session, "college_admin", other_college),
        contact=make_contact_user(session, enterprise),
        other_contact=make_contact_user(session, other_enterprise),
        disabled_office=disabled,
    )


def active(session: Session, world: World, **fields: Any) -> Agreement:
    agreement = make_agreement(session, world.partnership, **fields)
    return advance(session, agreement, "active", today=START)


def run(session: Session, settings: Settings, today: date) -> ReminderReport:
    report = run_reminders(session, today=today, settings=settings)
    session.flush()
    return report


def keys(session: Session, user: User) -> set[str]:
    return set(session.scalars(select(Notice.key).where(Notice.user_id == user.id)).all())


def notice_count(session: Session) -> int:
    return session.scalar(select(func.count(Notice.id))) or 0


def test_90_and_30_days_before_the_end(session: Session, settings: Settings, world: World) -> None:
    agreement = active(session, world)
    ends = f"agreement:{agreement.id}:ends:{END}"
    run(session, settings, END - timedelta(days=91))
    assert keys(session, world.office) == set()
    assert agreement.status == S.ACTIVE

    report = run(session, settings, END - timedelta(days=89))
    assert keys(session, world.office) == {f"{ends}:90"}
    assert agreement.status == S.EXPIRING
    assert report.expiring == 1

    run(session, settings, END - timedelta(days=29))
    assert keys(session, world.office) == {f"{ends}:90", f"{ends}:30"}
    notice = session.scalars(select(Notice).where(Notice.key == f"{ends}:30")).first()
    assert notice is not None
    assert notice.kind == "agreement_ends"
    assert notice.link == f"/agreements/{agreement.id}"
    assert "Cooperation agreement" in notice.subject
    assert "days left: 29" in notice.body


def test_first_run_within_30_days_writes_both(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world)
    run(session, settings, END - timedelta(days=29))
    ends = f"agreement:{agreement.id}:ends:{END}"
    assert keys(session, world.coordinator) == {f"{ends}:90", f"{ends}:30"}


def test_running_twice_writes_nothing_new(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world, next_review_on=date(2026, 6, 1))
    make_obligation(session, agreement)
    today = END - timedelta(days=10)
    first = run(session, settings, today)
    written = notice_count(session)
    assert first.notices == written > 0
    second = run(session, settings, today)
    assert second.notices == 0
    assert (second.expiring, second.ended, second.renewed) == (0, 0, 0)
    assert notice_count(session) == written
    run(session, settings, today + timedelta(days=1))  # the next day: nothing new falls due
    assert notice_count(session) == written


def test_auto_renewing_agreement_renews_at_its_end_and_never_expires(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world, auto_renew=True, renewal_months=12)
    report = run(session, settings, END - timedelta(days=29))
    assert agreement.status == S.ACTIVE  # never marked expiring
    assert report.notices == 0

    report = run(session, settings, END + timedelta(days=1))
    assert report.renewed == 1
    assert agreement.status == S.ACTIVE
    assert agreement.end_date == date(2029, 12, 31)
    assert keys(session, world.office) == {f"agreement:{agreement.id}:renewed:2029-12-31"}
    assert f"agreement:{agreement.id}:renewed:2029-12-31" in keys(session, world.contact)
    events = session.scalars(
        select(AgreementEvent.action).where(AgreementEvent.agreement_id == agreement.id)
    ).all()
    assert "auto_renew" in events
    again = run(session, settings, END + timedelta(days=2))
    assert (again.renewed, again.notices) == (0, 0)


def test_agreement_past_its_end_is_ended_with_a_timeline_entry(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world)
    report = run(session, settings, END + timedelta(days=1))
    assert report.ended == 1
    assert agreement.status == S.ENDED
    assert agreement.closed_on == END + timedelta(days=1)
    event = session.scalars(
        select(AgreementEvent)
        .where(AgreementEvent.agreement_id == agreement.id)
        .order_by(AgreementEvent.id.desc())
    ).first()
    assert event is not None
    assert (event.action, event.from_status, event.to_status) == ("end", "active", "ended")
    assert event.actor_label == "reminders"
    ended = f"agreement:{agreement.id}:ended:{END}"
    assert ended in keys(session, world.office)
    assert ended in keys(session, world.contact)
    assert not any(":ends:" in key for key in keys(session, world.office))  # past: no countdown
    assert run(session, settings, END + timedelta(days=2)).notices == 0


def test_signed_agreement_activates_on_its_start_date(
    session: Session, settings: Settings, world: World
) -> None:
    start = date(2026, 6, 1)
    agreement = make_agreement(session, world.partnership, start_date=start)
    advance(session, agreement, "signed", today=date(2026, 3, 1))
    assert run(session, settings, start - timedelta(days=1)).activated == 0
    assert agreement.status == S.SIGNED
    report = run(session, settings, start)
    assert report.activated == 1
    assert agreement.status == S.ACTIVE


def test_obligation_behind_is_noticed_once_per_amount_due(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world)
    obligation = make_obligation(session, agreement, quantity=Decimal(20), period="term")
    # The first term's 20 fell due on 2026-07-01.
    run(session, settings, date(2026, 7, 15))
    behind = {k for k in keys(session, world.office) if k.startswith("obligation:")}
    assert behind == {f"obligation:{obligation.id}:behind:20"}
    # The enterprise's own obligation: its contact hears too, another enterprise's does not.
    assert f"obligation:{obligation.id}:behind:20" in keys(session, world.contact)
    assert keys(session, world.other_contact) == set()
    notice = session.scalars(select(Notice).where(Notice.user_id == world.office.id)).one()
    assert "20 positions had fallen due and 0 positions have been delivered" in notice.body
    run(session, settings, date(2026, 8, 1))
    assert len({k for k in keys(session, world.office) if k.startswith("obligation:")}) == 1
    # More falls due (2027-01-01): a second notice.
    run(session, settings, date(2027, 1, 15))
    assert f"obligation:{obligation.id}:behind:40" in keys(session, world.office)


def test_no_notice_for_an_obligation_on_track(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world)
    obligation = make_obligation(
        session, agreement, quantity=Decimal(20), period="term", party="college"
    )
    obligations.record_delivery(
        session,
        actor=ACTOR,
        agreement=agreement,
        obligation=obligation,
        data=DeliveryCreate(amount=Decimal(20), delivered_on=date(2026, 6, 1)),
    )
    report = run(session, settings, date(2026, 7, 15))
    assert report.notices == 0
    # The college's own obligation, once behind, is not sent to the enterprise.
    run(session, settings, date(2027, 1, 15))
    assert f"obligation:{obligation.id}:behind:40" in keys(session, world.office)
    assert keys(session, world.contact) == set()


def test_overdue_reviews_of_agreements_and_steering_bodies(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world, next_review_on=date(2026, 9, 1))
    body = steering.create_body(
        session,
        actor=ACTOR,
        data=SteeringBodyCreate(
            partnership_id=world.partnership.id,
            name="Joint steering committee",
            established_on=date(2026, 1, 10),
            next_review_on=date(2026, 10, 1),
        ),
    )
    run(session, settings, date(2026, 9, 1))  # due today: not overdue yet
    assert keys(session, world.office) == set()
    run(session, settings, date(2026, 9, 2))
    assert keys(session, world.office) == {f"agreement:{agreement.id}:review:2026-09-01"}
    run(session, settings, date(2026, 10, 2))
    steering_key = f"steering:{body.id}:review:2026-10-01"
    assert steering_key in keys(session, world.office)
    assert steering_key in keys(session, world.coordinator)
    assert steering_key not in keys(session, world.contact)  # the college's own business
    notice = session.scalars(select(Notice).where(Notice.key == steering_key)).first()
    assert notice is not None
    assert notice.link == f"/steering-bodies/{body.id}"
    assert "Joint steering committee" in notice.subject


def test_recipients(session: Session, settings: Settings, world: World) -> None:
    agreement = active(session, world)
    run(session, settings, END - timedelta(days=29))
    key = f"agreement:{agreement.id}:ends:{END}:30"
    assert key in keys(session, world.office)
    assert key in keys(session, world.coordinator)
    assert key in keys(session, world.contact)
    for outsider in (
        world.other_coordinator,
        world.other_office,
        world.other_contact,
        world.disabled_office,
    ):
        assert keys(session, outsider) == set(), outsider.role
    notice = session.scalars(select(Notice).where(Notice.key == key)).first()
    assert notice is not None
    assert notice.college_id == world.college.id


def test_notices_in_the_readers_language(
    session: Session, settings: Settings, world: World
) -> None:
    agreement = active(session, world)
    chinese = settings.model_copy(update={"default_language": "zh_CN"})
    run_reminders(session, today=END + timedelta(days=1), settings=chinese)
    notice = session.scalars(
        select(Notice).where(Notice.key == f"agreement:{agreement.id}:ended:{END}")
    ).first()
    assert notice is not None
    assert "2028年12月31日" in notice.body  # the date in the reader's format


def test_email_only_when_smtp_is_configured(
    session: Session, settings: Settings, world: World
) -> None:
    first = active(session, world)
    report = run(session, settings, END - timedelta(days=29))
    assert report.notices > 0
    assert report.emails == 0
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0

    second = active(session, world, end_date=END - timedelta(days=5))
    smtp = settings.model_copy(
        update={"smtp_host": "mail.example", "base_url": "https://t.example"}
    )
    report = run(session, smtp, END - timedelta(days=29))
    assert report.notices == report.emails == 6  # office, coordinator, contact × 90 and 30
    mails = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(mails) == 6
    assert {m.to_address for m in mails} == {
        world.office.email,
        world.coordinator.email,
        world.contact.email,
    }
    assert all(f"https://t.example/agreements/{second.id}" in m.body for m in mails)
    assert first.id != second.id


def test_in_app_run_happens_once_a_day(session: Session, settings: Settings, world: World) -> None:
    agreement = active(session, world)
    today = END - timedelta(days=29)
    report = run_daily_if_due(session, today=today, settings=settings)
    assert report is not None
    assert report.notices == 6
    assert run_daily_if_due(session, today=today, settings=settings) is None
    runs = session.scalars(select(JobRun).where(JobRun.job == "reminders")).all()
    assert [r.run_on for r in runs] == [today]
    assert "notices=6" in runs[0].summary
    assert run_daily_if_due(session, today=today + timedelta(days=1), settings=settings)
    assert agreement.status == S.EXPIRING
