"""The demo college's placements in every status, through the placement services.

- The published cognition internship's draft placements: covered by the college's internship
  liability policy, guardians' consent recorded for the minors, started and completed — but one
  minor whose guardian's form has not come back stays a blocked draft, and one ended early.
- Self-found post internships (岗位实习) of third-year students:
  - ``student@demo.example`` at ``hr@partner.example``'s enterprise, **active**: the tripartite
    agreement confirmed in the platform by all three parties, insured, mentored by
    ``teacher@demo.example``;
  - one **ready** to start next month, longer than six months: the duration warning overridden
    with a reason, the signed paper agreement uploaded as a scan;
  - one approved but **blocked**: no agreement yet and not insured;
  - one the student asked for, **waiting for approval**;
  - one **ended early** with its reason.

Nothing is built twice: a college whose placements already have agreements is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.service import actor_for
from tandem.college.models import College
from tandem.config import Settings
from tandem.kit.dates import local_today
from tandem.kit.errors import AppError
from tandem.partner.models import Partnership, PartnershipStatus
from tandem.people.models import SchoolClass, Student, Teacher
from tandem.placement import consent, gate, insurance, placement_lifecycle, placements, tripartite
from tandem.placement.cohort import age_on
from tandem.placement.insurance_links import link
from tandem.placement.models import Placement, PlacementPlan
from tandem.placement.models_records import TripartiteAgreement
from tandem.placement.schemas_insurance import PolicyCreate
from tandem.placement.schemas_placements import PlacementCreate

# A one-page PDF standing for a scanned paper form (the demo has no scanner).
SCANNED = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
MAX_BYTES = 1_000_000
ENDED_EARLY = "学生因病申请提前结束实习，已与实习单位协商一致。"


@dataclass
class RecordCounts:
    placements: int = 0
    agreements: int = 0
    policies: int = 0


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _post_terms(title: str, start: date, end: date) -> dict[str, object]:
    return {
        "title": title,
        "start_on": start,
        "end_on": end,
        "monthly_pay": Decimal(4300),
        "pay_cycle_days": 30,
        "hours_per_day": Decimal(8),
        "days_per_week": Decimal(5),
        "shifts": "08:30–17:30",
        "venue_category": "manufacturing",
        "labour_intensity": 2,
        "post_staff": 40,
        "post_wage": Decimal(5000),
    }


def _move(session: Session, actor: Actor, placement: Placement, *steps: str) -> bool:
    """Take the placement through ``steps``; stop (and say so) at the first refusal."""
    for step in steps:
        try:
            with session.begin_nested():
                placement_lifecycle.transition(
                    session,
                    actor=actor,
                    placement=placement,
                    to=step,
                    reason="学生因病申请提前结束实习，已与实习单位协商一致。"
                    if step == "ended_early"
                    else "",
                )
        except AppError:
            return False
    return True


def _cognition(
    session: Session, actor: Actor, plan: PlacementPlan, policy_id: int, counts: RecordCounts
) -> None:
    found = list(
        session.scalars(
            select(Placement).where(Placement.plan_id == plan.id).order_by(Placement.id)
        )
    )
    if not found:
        return
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    link(session, actor=actor, policy=policy, plan_id=plan.id)
    minors = [p for p in found if age_on(p.student.birth_date, p.start_on) < 18]
    waiting = minors[0] if minors else None  # the form that has not come back
    for placement in minors:
        if placement is waiting:
            continue
        consent.record(
            session,
            actor=actor,
            placement=placement,
            kind="guardian",
            signer_name=placement.student.guardian_name or "学生家长",
            relation="父母",
            signed_on=placement.start_on - timedelta(days=10),
            upload=("监护人知情同意书.pdf", SCANNED),
            max_bytes=MAX_BYTES,
        )
    ended = next((p for p in found if p is not waiting), None)
    for placement in found:
        if placement is waiting:
            gate.recheck(session, placement)
            continue
        steps = (
            ("ready", "active", "ended_early")
            if placement is ended
            else (
                "ready",
                "active",
                "completed",
            )
        )
        _move(session, actor, placement, *steps)
    counts.placements += len(found)


def _self_found(
    session: Session,
    actor: Actor,
    demo: College,
    policy_id: int,
    counts: RecordCounts,
) -> None:
    today = local_today()
    hosts = list(
        session.scalars(
            select(Partnership)
            .where(
                Partnership.college_id == demo.id,
                Partnership.status == PartnershipStatus.ACTIVE,
            )
            .order_by(Partnership.id)
        )
    )
    student_user = _user(session, "student@demo.example")
    contact_user = _user(session, "hr@partner.example")
    teacher = session.scalar(
        select(Teacher).where(Teacher.college_id == demo.id).order_by(Teacher.id).limit(1)
    )
    seniors = list(
        session.scalars(
            select(Student)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.college_id == demo.id, SchoolClass.cohort_year == today.year - 2)
            .order_by(Student.id)
        )
    )
    if not hosts or len(seniors) < 6:
        return
    own = student_user.student_id if student_user and student_user.student_id else seniors[0].id
    others = [s for s in seniors if s.id != own][5:10]
    home = next(
        (h for h in hosts if contact_user and h.enterprise_id == contact_user.enterprise_id),
        hosts[0],
    )
    policy = insurance.get_policy(session, actor=actor, policy_id=policy_id)
    start = today - timedelta(days=today.weekday() + 21)  # a Monday three weeks ago

    def add(student_id: int, host: Partnership, title: str, begin: date, end: date) -> Placement:
        data = PlacementCreate.model_validate(
            {
                **_post_terms(title, begin, end),
                "student_id": student_id,
                "partnership_id": host.id,
                "kind": "post",
                "school_mentor_id": teacher.id if teacher else None,
                "enterprise_mentor_name": "李师傅",
                "enterprise_mentor_phone": "13800138000",
            }
        )
        made = placements.create_placement(session, actor=actor, data=data)
        placements.approve_placement(session, actor=actor, placement=made)
        counts.placements += 1
        return made

    # Active, confirmed in the platform by the three parties.
    active = add(own, home, "数控车床操作员", start, start + timedelta(days=180))
    tripartite.generate(session, actor=actor, placement=active)
    tripartite.confirm(session, actor=actor, placement=active)
    if contact_user is not None and home.enterprise_id == contact_user.enterprise_id:
        tripartite.confirm(session, actor=actor_for(contact_user), placement=active)
    if student_user is not None and student_user.student_id == own:
        tripartite.confirm(session, actor=actor_for(student_user), placement=active)
    else:
        tripartite.upload_scan(
            session,
            actor=actor,
            placement=active,
            filename="三方协议（签字版）.pdf",
            content=SCANNED,
            max_bytes=MAX_BYTES,
        )
    link(session, actor=actor, policy=policy, placement_ids=[active.id])
    _move(session, actor, active, "ready", "active")

    # Ready, seven months: the duration warning overridden, the paper agreement scanned.
    later = start + timedelta(days=35)
    ready = add(
        others[0].id, hosts[1 % len(hosts)], "设备点检员", later, later + timedelta(days=212)
    )
    tripartite.generate(session, actor=actor, placement=ready)
    tripartite.upload_scan(
        session,
        actor=actor,
        placement=ready,
        filename="三方协议（签字版）.pdf",
        content=SCANNED,
        max_bytes=MAX_BYTES,
    )
    link(session, actor=actor, policy=policy, placement_ids=[ready.id])
    result = gate.check(session, ready)
    for item in result.open_warnings:
        gate.override(
            session,
            actor=actor,
            placement=ready,
            rule_id=item.rule,
            reason="企业设备大修项目周期七个月，经二级学院审核同意延长。",
        )
    _move(session, actor, ready, "ready")

    # Approved but blocked: no agreement yet, not insured.
    add(others[1].id, hosts[2 % len(hosts)], "装配工艺员", later, later + timedelta(days=150))

    # Asked for by the student, waiting for the office.
    proposer = Actor(label="demo", role="student", college_id=demo.id, student_id=others[2].id)
    data = PlacementCreate.model_validate(
        {**_post_terms("质检员", later, later + timedelta(days=150)), "partnership_id": hosts[0].id}
    )
    placements.create_placement(session, actor=proposer, data=data)
    counts.placements += 1

    # Ended early.
    early = add(others[3].id, hosts[3 % len(hosts)], "质检员", start, start + timedelta(days=150))
    tripartite.generate(session, actor=actor, placement=early)
    tripartite.upload_scan(
        session,
        actor=actor,
        placement=early,
        filename="三方协议（签字版）.pdf",
        content=SCANNED,
        max_bytes=MAX_BYTES,
    )
    link(session, actor=actor, policy=policy, placement_ids=[early.id])
    _move(session, actor, early, "ready", "active", "ended_early")
    counts.agreements += 3


def build_placement_records(
    session: Session, *, actor: Actor, demo: College, settings: Settings
) -> RecordCounts:
    del settings  # notices of the daily check come from `tandem remind`, not from the demo
    counts = RecordCounts()
    if session.scalar(
        select(func.count(TripartiteAgreement.id)).where(TripartiteAgreement.college_id == demo.id)
    ):
        return counts
    today = local_today()
    year = today.year if today.month >= 9 else today.year - 1
    policy = insurance.create_policy(
        session,
        actor=actor,
        data=PolicyCreate(
            college_id=demo.id,
            insurer="中国人民财产保险股份有限公司广州市分公司",
            number=f"PICC-SX-{year}-0001",
            start_on=date(year, 9, 1),
            end_on=date(year + 1, 8, 31),
            premium=Decimal("12600"),
            paid_by="college",
            note="学生实习责任保险，学校统一投保。",
        ),
    )
    counts.policies = 1
    cognition = session.scalar(
        select(PlacementPlan).where(
            PlacementPlan.college_id == demo.id, PlacementPlan.kind == "cognition"
        )
    )
    if cognition is not None:
        _cognition(session, actor, cognition, policy.id, counts)
    _self_found(session, actor, demo, policy.id, counts)
    return counts
