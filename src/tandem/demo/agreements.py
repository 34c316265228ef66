"""The demo's agreements: every mode and every state, taken there through the services.

Each agreement is drafted, then submitted, approved, signed by both parties and activated, and
from there taken on as its plan says (expiring and ended by date, renewed, terminated), with
the date of today passed explicitly, so every state is reached by legal steps and audited. The
obligations get deliveries that leave some on track, some behind and some met. The framework
agreement of the demo college has two mode agreements under it and a steering body.

Dates are relative to the day the demo is built (``local_today()``); the rest comes from the
plans in :mod:`tandem.demo.agreement_data` and a seeded generator (signatories' names).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.agreement import obligations as obligation_service
from tandem.agreement import service, steering, steps
from tandem.agreement.lifecycle import Action
from tandem.agreement.models import Agreement, AgreementKind, Obligation, Party
from tandem.agreement.progress import due_dates
from tandem.agreement.schemas import (
    AgreementCreate,
    AgreementUpdate,
    DeliveryCreate,
    ObligationCreate,
    RenewalRequest,
    ReviewCreate,
    SignatureCreate,
    SteeringBodyCreate,
    SteeringMeetingCreate,
    SteeringMemberCreate,
    TransitionRequest,
)
from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.college.models import College, Department
from tandem.demo.agreement_data import (
    COLLEGE_SIGNATORY,
    DEMO_PLANS,
    LARGE_MODES,
    LARGE_STATUSES,
    MODE_OBLIGATIONS,
    MODE_TERMS,
    MODE_TITLES,
    NORTH_PLANS,
    NORTH_SIGNATORY,
    STEERING_MEETINGS,
    STEERING_MEMBERS,
    SUBJECTS,
    TERMINATED_REASON,
    ObligationPlan,
    Plan,
)
from tandem.demo.people_data import chinese_name
from tandem.kit.dates import add_months, local_today
from tandem.partner.models import Partnership

CONTACT_EMAIL = "hr@partner.example"
IN_FORCE_STEPS = ("in_review", "approved", "college_signed", "signed", "active")


@dataclass
class Builder:
    """One college's run: who, when, its numbering and the agreements made so far."""

    session: Session
    actor: Actor
    college: College
    today: date
    rng: random.Random
    prefix: str  # of the agreement numbers, e.g. "DEMO"
    college_signatory: str
    sequence: int = 0
    made: dict[str, Agreement] = field(default_factory=dict)

    def number(self, year: int) -> str:
        self.sequence += 1
        return f"{self.prefix}-{year}-{self.sequence:03d}"

    def month(self, months: int) -> date:
        """The first day of the month ``months`` from this one."""
        return add_months(self.today.replace(day=1), months)


def build_agreements(
    session: Session,
    *,
    actor: Actor,
    demo: College,
    second: College,
    rng: random.Random,
    today: date | None = None,
) -> int:
    """The demo college's agreements (with the steering body) and a few of the second
    college's; nothing for a college that has agreements already. Returns how many were made."""
    today = today or local_today()
    made = 0
    if not _has_agreements(session, demo):
        builder = Builder(session, actor, demo, today, rng, demo.code, COLLEGE_SIGNATORY)
        partnerships = _active_partnerships(session, demo)
        contact = _contact_partnership(session, demo, partnerships)
        for plan in DEMO_PLANS:
            partnership = _choose(builder, plan, partnerships, contact)
            made += _build(builder, plan, partnership)
        _steering_body(builder)
    if not _has_agreements(session, second):
        builder = Builder(session, actor, second, today, rng, second.code, NORTH_SIGNATORY)
        partnerships = _active_partnerships(session, second, any_status=True)
        for plan in NORTH_PLANS:
            made += _build(builder, plan, _choose(builder, plan, partnerships, None))
    return made


def build_large_agreements(
    session: Session,
    *,
    actor: Actor,
    college: College,
    seed: int,
    share: int = 3,
    today: date | None = None,
) -> int:
    """One or two agreements for every ``share``-th active partnership of the large college, in
    states drawn from LARGE_STATUSES; nothing if it has agreements already."""
    if _has_agreements(session, college):
        return 0
    rng = random.Random(f"{seed}:large-agreements")
    builder = Builder(
        session, actor, college, today or local_today(), rng, college.code, COLLEGE_SIGNATORY
    )
    made = 0
    for index, partnership in enumerate(_active_partnerships(session, college)):
        if index % share:
            continue
        for _ in range(2 if rng.random() < 0.3 else 1):
            made += _build(builder, _large_plan(builder, partnership), partnership)
    return made


# --- one agreement -------------------------------------------------------------------------------


def _build(builder: Builder, plan: Plan, partnership: Partnership) -> int:
    start, end = _dates(builder, plan)
    parent = builder.made.get(plan.parent) if plan.parent else None
    title = plan.title
    terms = {mode: plan.terms.get(mode, MODE_TERMS[mode]) for mode in plan.modes}
    if plan.for_contact and plan.modes == (1,):
        subject, venue = SUBJECTS.get(_department_code(partnership), SUBJECTS["MECH"])
        title = f"{plan.title}——{subject}"
        terms[1] = MODE_TERMS[1] | {"venue": venue}
    agreement = service.create_agreement(
        builder.session,
        actor=builder.actor,
        data=AgreementCreate(
            partnership_id=partnership.id,
            department_id=None
            if plan.kind == AgreementKind.FRAMEWORK
            else partnership.department_id or _department_id(builder, plan.department),
            kind=plan.kind,
            framework_id=parent.id if parent else None,
            title=title,
            number=builder.number(min(start or builder.today, builder.today).year)
            if plan.numbered
            else "",
            modes=list(plan.modes),
            terms={str(mode): values for mode, values in terms.items()},
            college_signatory=builder.college_signatory if start else "",
            enterprise_signatory=chinese_name(builder.rng) if start else "",
            start_date=start,
            end_date=end,
            auto_renew=plan.auto_renew,
            renewal_months=plan.renewal_months,
            notice_days=plan.notice_days,
            value_money=Decimal(plan.value_money),
            value_in_kind=Decimal(plan.value_in_kind),
            value_in_kind_note=plan.in_kind_note,
            review_every_months=plan.review_every_months,
            summary=plan.summary,
        ),
    )
    builder.made[plan.key] = agreement
    target = (
        "active" if plan.status in ("expiring", "ended", "terminated", "renewed") else plan.status
    )
    _advance(builder, agreement, target)
    for obligation in plan.obligations:
        _obligation(builder, agreement, obligation)
    made = 1 + _close(builder, agreement, plan)
    if plan.review_every_months:
        steps.record_review(
            builder.session,
            actor=builder.actor,
            agreement=agreement,
            data=ReviewCreate(
                held_on=builder.month(-5) + timedelta(days=14),
                note="年度评审：各合作项目总体推进良好；共训课程学时不足，企业承诺下学期补足。",
            ),
        )
    return made


def _dates(builder: Builder, plan: Plan) -> tuple[date | None, date | None]:
    if plan.end_in_days is not None:
        end = builder.today + timedelta(days=plan.end_in_days)
        return add_months(end + timedelta(days=1), -plan.months), end
    if plan.start is None:
        return None, None
    start = builder.month(plan.start)
    return start, add_months(start, plan.months) - timedelta(days=1)


def _advance(builder: Builder, agreement: Agreement, target: str) -> None:
    """Take a new draft along draft → in review → approved → signed → active up to ``target``."""
    if target not in IN_FORCE_STEPS:
        return
    session, actor, today = builder.session, builder.actor, builder.today
    start = agreement.start_date or today
    signing_day = min(start, today) - timedelta(days=14)
    for step in IN_FORCE_STEPS[: IN_FORCE_STEPS.index(target) + 1]:
        if step == "in_review":
            _step(builder, agreement, Action.SUBMIT)
        elif step == "approved":
            _step(builder, agreement, Action.APPROVE)
        elif step == "college_signed":
            _sign(builder, agreement, Party.COLLEGE, agreement.college_signatory, signing_day)
        elif step == "signed":
            name = agreement.enterprise_signatory
            _sign(builder, agreement, Party.ENTERPRISE, name, signing_day)
        elif agreement.auto_renew:  # by date: activated, and renewed if its term is over
            steps.advance_by_date(session, actor=actor, agreement=agreement, today=today)
        else:
            _step(builder, agreement, Action.ACTIVATE)


def _step(builder: Builder, agreement: Agreement, action: Action, reason: str = "") -> None:
    steps.transition(
        builder.session,
        actor=builder.actor,
        agreement=agreement,
        data=TransitionRequest(action=action, reason=reason),
        today=builder.today,
    )


def _sign(builder: Builder, agreement: Agreement, party: Party, name: str, day: date) -> None:
    steps.sign(
        builder.session,
        actor=builder.actor,
        agreement=agreement,
        data=SignatureCreate(party=party, signatory_name=name, on_paper=party == Party.ENTERPRISE),
        today=day,
    )


def _close(builder: Builder, agreement: Agreement, plan: Plan) -> int:
    """Take an active agreement on to its plan's state; returns the successors made (0 or 1)."""
    session, actor, today = builder.session, builder.actor, builder.today
    if plan.status in ("expiring", "ended", "renewed"):
        steps.advance_by_date(session, actor=actor, agreement=agreement, today=today)
    if plan.status == "terminated":
        _step(builder, agreement, Action.TERMINATE, plan.reason or TERMINATED_REASON)
    if plan.status != "renewed":
        return 0
    successor = steps.renew(
        session, actor=actor, agreement=agreement, data=RenewalRequest(), today=today
    )
    service.update_agreement(
        session,
        actor=actor,
        agreement=successor,
        data=AgreementUpdate(
            number=builder.number(builder.today.year),
            college_signatory=agreement.college_signatory,
            enterprise_signatory=agreement.enterprise_signatory,
        ),
    )
    _advance(builder, successor, "signed")  # starts the day after its predecessor ends
    builder.made[f"{plan.key}:successor"] = successor
    return 1


# --- obligations ---------------------------------------------------------------------------------


def _obligation(builder: Builder, agreement: Agreement, plan: ObligationPlan) -> None:
    start = agreement.start_date or builder.today
    end = agreement.end_date or add_months(start, 12)
    starts_on = add_months(start, plan.starts)
    due_on = end if plan.due is None else min(end, add_months(start, plan.due))
    obligation = obligation_service.add_obligation(
        builder.session,
        actor=builder.actor,
        agreement=agreement,
        data=ObligationCreate(
            party=Party(plan.party),
            mode=plan.mode,
            description=plan.description,
            quantity=Decimal(plan.quantity),
            unit=plan.unit,
            period=plan.period,
            starts_on=starts_on,
            due_on=due_on,
            register_category=plan.register,
        ),
    )
    for day, amount in _deliveries(obligation, plan.pace, builder.today):
        obligation_service.record_delivery(
            builder.session,
            actor=builder.actor,
            agreement=agreement,
            obligation=obligation,
            data=DeliveryCreate(
                amount=amount, delivered_on=day, note=f"{day.year}年{day.month}月交付"
            ),
        )


def _deliveries(obligation: Obligation, pace: str, today: date) -> list[tuple[date, Decimal]]:
    """What to record so that the obligation is ``pace`` (met, on_track, behind) today."""
    if pace not in ("met", "on_track", "behind") or obligation.starts_on > today:
        return []
    dates = due_dates(obligation.period, obligation.starts_on, obligation.due_on)
    past = [d for d in dates if d <= today]
    share = obligation.quantity
    part = max(Decimal(1), (share * Decimal("0.4")).quantize(Decimal(1)))
    if pace == "met":
        planned = [(min(d, today), share) for d in dates]
    elif pace == "on_track":  # what has fallen due, and part of what falls due next
        ahead = [(today, min(part, share - 1))] if len(past) < len(dates) else []
        planned = [(d, share) for d in past] + ahead
    elif past:  # behind: the last share that fell due only half delivered
        half = max(Decimal(1), (share / 2).quantize(Decimal(1)))
        planned = [(d, share) for d in past[:-1]] + [(past[-1], min(half, share - 1))]
    else:  # nothing due yet: cannot be behind
        planned = []
    return [(day, amount) for day, amount in planned if amount > 0]


# --- the steering body ---------------------------------------------------------------------------


def _steering_body(builder: Builder) -> None:
    framework = builder.made.get("framework")
    if framework is None or framework.start_date is None:
        return
    session, actor = builder.session, builder.actor
    enterprise = framework.partnership.enterprise
    body = steering.create_body(
        session,
        actor=actor,
        data=SteeringBodyCreate(
            partnership_id=framework.partnership_id,
            framework_id=framework.id,
            name=f"{enterprise.short_name or enterprise.name}校企合作理事会",
            established_on=framework.start_date,
            review_every_months=12,
        ),
    )
    for side, name, position in STEERING_MEMBERS:
        steering.add_member(
            session,
            actor=actor,
            body=body,
            data=SteeringMemberCreate(
                name=name or framework.enterprise_signatory, side=Party(side), position=position
            ),
        )
    for months, title, minutes, decisions, is_review in STEERING_MEETINGS:
        held = (
            add_months(framework.start_date, months) + timedelta(days=9)
            if not is_review
            else builder.month(months) + timedelta(days=14)
        )
        steering.add_meeting(
            session,
            actor=actor,
            body=body,
            data=SteeringMeetingCreate(
                held_on=held,
                title=title,
                minutes=minutes,
                decisions=list(decisions),
                is_review=is_review,
            ),
        )


# --- choosing partnerships -----------------------------------------------------------------------


def _has_agreements(session: Session, college: College) -> bool:
    found = session.scalar(
        select(func.count(Agreement.id)).where(Agreement.college_id == college.id)
    )
    return bool(found)


def _active_partnerships(
    session: Session, college: College, *, any_status: bool = False
) -> list[Partnership]:
    stmt = select(Partnership).where(Partnership.college_id == college.id)
    if not any_status:
        stmt = stmt.where(Partnership.status == "active")
    return list(session.scalars(stmt.order_by(Partnership.id)))


def _contact_partnership(
    session: Session, college: College, partnerships: list[Partnership]
) -> Partnership | None:
    """The partnership with the enterprise the demo contact account is bound to."""
    enterprise_id = session.scalar(select(User.enterprise_id).where(User.email == CONTACT_EMAIL))
    if enterprise_id is None:
        return partnerships[0] if partnerships else None
    return session.scalar(
        select(Partnership).where(
            Partnership.college_id == college.id, Partnership.enterprise_id == enterprise_id
        )
    )


def _choose(
    builder: Builder, plan: Plan, partnerships: list[Partnership], contact: Partnership | None
) -> Partnership:
    """The contact's partnership, the parent's, else an unused one of the plan's department."""
    if plan.for_contact and contact is not None:
        return contact
    parent = builder.made.get(plan.parent) if plan.parent else None
    if parent is not None:
        return parent.partnership
    used = {a.partnership_id for a in builder.made.values()}
    if contact is not None:
        used.add(contact.id)
    free = [p for p in partnerships if p.id not in used] or partnerships
    fitting = [p for p in free if _department_code(p) == plan.department]
    return (fitting or free)[0]


def _department_code(partnership: Partnership) -> str:
    department = partnership.department
    return department.code if department is not None else ""


def _department_id(builder: Builder, code: str) -> int | None:
    return builder.session.scalar(
        select(Department.id).where(
            Department.college_id == builder.college.id, Department.code == code
        )
    )


# --- the large college ---------------------------------------------------------------------------


def _large_plan(builder: Builder, partnership: Partnership) -> Plan:
    rng = builder.rng
    modes = rng.choice(LARGE_MODES)
    status = rng.choice(LARGE_STATUSES)
    start, end_in_days = {
        "active": (-rng.randrange(3, 30), None),
        "terminated": (-rng.randrange(6, 24), None),
        "ended": (-rng.randrange(40, 48), None),
        "expiring": (None, rng.randrange(10, 85)),
        "signed": (rng.randrange(1, 3), None),
    }.get(status, (rng.randrange(1, 5), None))
    party, description, quantity, unit, period = MODE_OBLIGATIONS[modes[0]]
    pace = rng.choice(["on_track", "on_track", "behind", "met"])
    enterprise = partnership.enterprise
    return Plan(
        key=f"large-{builder.sequence + 1}",
        department="",
        modes=modes,
        title=f"{MODE_TITLES[modes[0]]}——{enterprise.short_name or enterprise.name}合作项目",
        status=status,
        start=start,
        end_in_days=end_in_days,
        obligations=(ObligationPlan(party, modes[0], description, quantity, unit, period, pace),),
    )
