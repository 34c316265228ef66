"""The demo's agreements: every mode and state, obligations on and off track, the framework
with its steering body, the contact's agreement to sign, idempotence and the large college's."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import repository, steps
from tandem.agreement.models import Agreement, AgreementEvent, AgreementStatus, SteeringBody
from tandem.agreement.modes import Mode, missing_terms
from tandem.agreement.obligations import standing_of
from tandem.agreement.progress import Progress
from tandem.agreement.schemas import SignatureCreate
from tandem.auth import service as auth_service
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.college.models import College
from tandem.demo import DEMO_CODE, SECOND_CODE, build_demo
from tandem.demo.agreements import build_large_agreements
from tandem.kit.dates import local_today
from tests.factories import make_college, make_department
from tests.partner.helpers import make_enterprise, make_partnership

DEMO = Actor.system("demo")


def _college(session: Session, code: str) -> College:
    college = session.scalar(select(College).where(College.code == code))
    assert college is not None
    return college


def _agreements(session: Session, college: College) -> list[Agreement]:
    stmt = select(Agreement).where(Agreement.college_id == college.id).order_by(Agreement.id)
    return list(session.scalars(stmt))


def test_every_mode_and_state_with_obligations_on_and_off_track(session: Session) -> None:
    build_demo(session)
    demo = _college(session, DEMO_CODE)
    agreements = _agreements(session, demo)
    assert {m for a in agreements for m in a.mode_numbers} == set(range(1, 8))
    assert {a.status for a in agreements} == set(AgreementStatus)
    numbered = [a.number for a in agreements if a.number]
    assert len(set(numbered)) == len(numbered)
    assert all(n.startswith("DEMO-20") and len(n) == len("DEMO-2025-007") for n in numbered)
    today = local_today()
    progress = Counter(standing_of(o, today).progress for a in agreements for o in a.obligations)
    for wanted in (Progress.ON_TRACK, Progress.BEHIND, Progress.MET):
        assert progress[wanted] >= 2, progress
    assert {o.party for a in agreements for o in a.obligations} == {"college", "enterprise"}

    by_status = {a.status: a for a in agreements}
    # Beyond a draft every mode's terms are complete; the states were reached step by step.
    for agreement in agreements:
        if agreement.status != "draft":
            assert all(missing_terms(Mode(m.mode), m.terms) == [] for m in agreement.modes)
    active = by_status["active"]
    steps = session.scalars(
        select(AgreementEvent.action)
        .where(AgreementEvent.agreement_id == active.id)
        .order_by(AgreementEvent.id)
    ).all()
    assert list(steps)[:5] == ["create", "submit", "approve", "signature", "sign"]
    terminated = by_status["terminated"]
    assert terminated.close_reason
    renewed = by_status["renewed"]
    successor = repository.successor_of(session, renewed)
    assert successor is not None
    assert successor.status == "signed"
    assert successor.start_date is not None
    assert renewed.end_date is not None
    assert successor.start_date > renewed.end_date
    assert by_status["expiring"].end_date is not None
    assert (by_status["expiring"].end_date - today).days <= 90
    ended = by_status["ended"].end_date
    assert ended is not None
    assert ended < today
    auto = [a for a in agreements if a.auto_renew]
    assert auto
    assert all(a.status == "active" and a.end_date and a.end_date >= today for a in auto)

    frameworks = [a for a in agreements if a.kind == "framework"]
    assert len(frameworks) == 1
    children = [a for a in agreements if a.framework_id == frameworks[0].id]
    assert len(children) == 2
    body = session.scalar(
        select(SteeringBody).where(SteeringBody.partnership_id == frameworks[0].partnership_id)
    )
    assert body is not None
    assert body.framework_id == frameworks[0].id
    assert {m.side for m in body.members} == {"college", "enterprise"}
    assert len(body.meetings) == 2
    assert sorted(m.is_review for m in body.meetings) == [False, True]
    assert all(m.minutes and m.decisions for m in body.meetings)

    north = _agreements(session, _college(session, SECOND_CODE))
    assert len(north) >= 2
    assert all(a.number.startswith("NORTH-") for a in north)


def test_the_demo_contact_can_sign_an_approved_agreement(session: Session) -> None:
    build_demo(session)
    user = session.scalar(select(User).where(User.email == "hr@partner.example"))
    assert user is not None
    assert user.enterprise_id is not None
    demo = _college(session, DEMO_CODE)
    own = [
        a for a in _agreements(session, demo) if a.partnership.enterprise_id == user.enterprise_id
    ]
    waiting = [a for a in own if a.status == "approved"]
    assert len(waiting) == 1
    agreement = waiting[0]
    assert [s.party for s in agreement.signatures] == ["college"]  # signed by the college only
    assert any(a.status == "active" for a in own)
    contact = auth_service.actor_for(user)
    steps.sign(
        session,
        actor=contact,
        agreement=agreement,
        data=SignatureCreate(signatory_name="刘芳"),
    )
    assert agreement.status == "signed"


def test_building_again_adds_no_agreements(session: Session) -> None:
    build_demo(session)
    count = session.scalar(select(func.count(Agreement.id)))
    bodies = session.scalar(select(func.count(SteeringBody.id)))
    summary = build_demo(session)
    assert " 0 agreements" in summary
    assert session.scalar(select(func.count(Agreement.id))) == count
    assert session.scalar(select(func.count(SteeringBody.id))) == bodies


def test_large_college_agreements(session: Session) -> None:
    college = make_college(session)
    department = make_department(session, college)
    for _ in range(6):
        make_partnership(
            session,
            college,
            make_enterprise(session),
            department,
            status="active",
            start_date=date(2020, 9, 1),
        )
    made = build_large_agreements(session, actor=DEMO, college=college, seed=7, share=2)
    assert 3 <= made <= 6
    agreements = _agreements(session, college)
    assert len(agreements) == made
    assert all(a.number.startswith(f"{college.code}-") for a in agreements)
    assert {a.status for a in agreements} <= set(AgreementStatus) - {"renewed"}
    assert all(a.obligations for a in agreements)
    assert build_large_agreements(session, actor=DEMO, college=college, seed=7) == 0
