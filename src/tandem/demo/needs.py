"""The demo's needs profiles and the colleges' offers, recorded through the services.

Each plan of :mod:`tandem.demo.needs_data` goes to an active partnership with an enterprise of
the plan's industry (the demo contact's own for the contact's plan); its versions are recorded
oldest first, dated relative to the day the demo is built. A version marked as the contact's is
recorded by the contact's own account (source "enterprise"). Nothing is added for a college that
has needs profiles (or an offer) already.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.service import actor_for
from tandem.college.models import College
from tandem.demo.needs_data import DEMO_PLANS, NORTH_PLANS, NeedsPlan
from tandem.kit.dates import local_today
from tandem.needs import service
from tandem.needs.models import NeedsProfile
from tandem.needs.schemas import NeedsCreate, NeedsData, OfferData, OfferUpdate
from tandem.partner.models import Partnership
from tandem.people.models import Teacher, TeacherStatus

CONTACT_EMAIL = "hr@partner.example"
SIZE_ORDER = ("large", "medium", "small", "micro")

# --- what the colleges offer ---------------------------------------------------------------------

# (name, kind, area m², workstations, idle %)
DEMO_VENUES = (
    ("智能制造生产性实训基地", "productive_base", 2400, 60, 50),
    ("数控加工实训车间", "workshop", 1200, 40, 45),
    ("智慧健康养老仿真实训中心", "simulated_site", 600, 40, 60),
    ("新能源汽车维修仿真实训中心", "simulated_site", 900, 24, 35),
    ("工业机器人与 PLC 实验室", "laboratory", 320, 24, 30),
    ("跨境电商与直播实训室", "laboratory", 260, 48, 40),
    ("多媒体阶梯教室", "classroom", 220, 150, 55),
)
# (name, category, quantity, idle %)
DEMO_EQUIPMENT = (
    ("五轴联动加工中心", "数控加工", 2, 55),
    ("三坐标测量机", "精密测量", 1, 60),
    ("工业机器人工作站", "工业机器人", 12, 40),
    ("新能源汽车整车实训台", "新能源汽车", 6, 50),
    ("动力电池拆装检测台", "新能源汽车", 8, 60),
    ("私有云实训服务器集群", "云计算", 1, 70),
    ("智能仓储 AGV 与立体货架系统", "智慧物流", 1, 60),
    ("高仿真老年照护模拟人", "养老护理", 10, 45),
    ("客服坐席与直播设备", "电子商务", 40, 50),
)
# The expertise fields the offer lists; the number of teachers in each is counted from the
# demo teachers' subjects.
DEMO_FIELDS = (
    "数控技术",
    "精密测量",
    "工业机器人",
    "机器视觉",
    "PLC",
    "电气自动化",
    "机电一体化",
    "软件开发",
    "大数据",
    "云计算",
    "网络安全",
    "新能源汽车",
    "动力电池",
    "故障诊断",
    "电子商务",
    "跨境电商",
    "直播营销",
    "客户服务",
    "物流管理",
    "仓储管理",
    "供应链管理",
    "BIM",
    "工程造价",
    "护理",
    "老年照护",
    "康复",
)
# Students the demo college can send per major, in each of the next two terms.
DEMO_CAPACITY = {
    "数控技术": (40, 45),
    "工业机器人技术": (35, 40),
    "机电一体化技术": (40, 40),
    "软件技术": (30, 35),
    "大数据技术": (25, 30),
    "计算机网络技术": (30, 30),
    "新能源汽车技术": (40, 45),
    "汽车检测与维修技术": (30, 30),
    "电子商务": (45, 50),
    "现代物流管理": (45, 50),
    "建筑工程技术": (30, 30),
    "工程造价": (25, 25),
    "护理": (50, 55),
    "智慧健康养老服务与管理": (25, 30),
}
DEMO_OFFER_NOTE = (
    "生产性实训基地和数控车间周末及寒暑假基本空闲；养老仿真实训中心工作日下午可排企业培训。"
)

# The second college's.
NORTH_VENUES = (
    ("城市轨道交通运营仿真实训中心", "simulated_site", 1500, 60, 55),
    ("智慧物流实训中心", "workshop", 800, 40, 40),
    ("新能源汽车检测仿真实训中心", "simulated_site", 600, 20, 60),
)
NORTH_EQUIPMENT = (
    ("地铁车站综合监控仿真系统", "轨道交通", 1, 50),
    ("智能分拣线", "智慧物流", 1, 45),
)
NORTH_EXPERTISE = (("轨道交通运营", 6), ("物流管理", 4), ("新能源汽车", 3))
NORTH_CAPACITY = {
    "城市轨道交通运营管理": (60, 60),
    "现代物流管理": (40, 45),
    "新能源汽车技术": (30, 30),
}


def build_needs(
    session: Session,
    *,
    actor: Actor,
    demo: College,
    second: College,
    today: date | None = None,
) -> int:
    """Both colleges' offers and needs profiles (what is not there yet); returns how many
    profile versions were recorded."""
    today = today or local_today()
    terms = next_terms(today)
    if service.get_offer(session, college_id=demo.id) is None:
        expertise = _expertise(session, demo)
        _save_offer(
            session,
            actor,
            demo,
            _offer(DEMO_VENUES, DEMO_EQUIPMENT, expertise, DEMO_CAPACITY, terms, DEMO_OFFER_NOTE),
        )
    if service.get_offer(session, college_id=second.id) is None:
        offer = _offer(NORTH_VENUES, NORTH_EQUIPMENT, NORTH_EXPERTISE, NORTH_CAPACITY, terms, "")
        _save_offer(session, actor, second, offer)
    made = 0
    for college, plans in ((demo, DEMO_PLANS), (second, NORTH_PLANS)):
        if _has_profiles(session, college):
            continue
        used: set[int] = set()
        for plan in plans:
            partnership = _choose(session, college, plan, used)
            if partnership is None:
                continue
            used.add(partnership.id)
            made += _record(session, actor, partnership, plan, today)
    return made


def planned_partnerships(session: Session, college: College) -> list[tuple[str, Partnership]]:
    """(expected top option, partnership) for the college's plans, as the demo chose them
    (the same choice again: for checks of the advice)."""
    plans = DEMO_PLANS if college.code == "DEMO" else NORTH_PLANS
    used: set[int] = set()
    chosen = []
    for plan in plans:
        partnership = _choose(session, college, plan, used)
        if partnership is not None:
            used.add(partnership.id)
            chosen.append((plan.expect, partnership))
    return chosen


def next_terms(today: date) -> tuple[str, str]:
    """The next two terms ("2026-2027-1"): autumn terms start in September, spring in March."""
    year = today.year if today.month >= 9 else today.year - 1  # the academic year's first year
    if today.month >= 9 or today.month < 3:
        return f"{year}-{year + 1}-2", f"{year + 1}-{year + 2}-1"
    return f"{year + 1}-{year + 2}-1", f"{year + 1}-{year + 2}-2"


# --- offers --------------------------------------------------------------------------------------


def _offer(
    venues: tuple[tuple[str, str, int, int, int], ...],
    equipment: tuple[tuple[str, str, int, int], ...],
    expertise: tuple[tuple[str, int], ...],
    capacity: dict[str, tuple[int, int]],
    terms: tuple[str, str],
    note: str,
) -> OfferData:
    return OfferData.model_validate(
        {
            "venues": [
                {"name": n, "kind": k, "area_m2": a, "workstations": w, "idle_pct": i}
                for n, k, a, w, i in venues
            ],
            "equipment": [
                {"name": n, "category": c, "quantity": q, "idle_pct": i} for n, c, q, i in equipment
            ],
            "expertise": [{"field": f, "teachers": t} for f, t in expertise],
            "capacity": [
                {"major": major, "term": term, "students": students}
                for major, counts in capacity.items()
                for term, students in zip(terms, counts, strict=True)
            ],
            "takes_production": True,
            "note": note,
        }
    )


def _expertise(session: Session, college: College) -> tuple[tuple[str, int], ...]:
    """Each field of DEMO_FIELDS with the number of the college's active teachers whose
    subjects name it (fields nobody covers are left out)."""
    subjects = session.scalars(
        select(Teacher.subjects).where(
            Teacher.college_id == college.id, Teacher.status == TeacherStatus.ACTIVE
        )
    ).all()
    counts = ((f, sum(1 for s in subjects if f.casefold() in s.casefold())) for f in DEMO_FIELDS)
    return tuple((f, n) for f, n in counts if n)


def _save_offer(session: Session, actor: Actor, college: College, offer: OfferData) -> None:
    service.save_offer(session, actor=actor, college_id=college.id, data=OfferUpdate(offer=offer))


# --- needs profiles ------------------------------------------------------------------------------


def _has_profiles(session: Session, college: College) -> bool:
    found = session.scalar(
        select(func.count(NeedsProfile.id)).where(NeedsProfile.college_id == college.id)
    )
    return bool(found)


def _contact(session: Session) -> User | None:
    return session.scalar(select(User).where(User.email == CONTACT_EMAIL))


def _choose(
    session: Session, college: College, plan: NeedsPlan, used: set[int]
) -> Partnership | None:
    """The contact's partnership for the contact's plan; else an unused active partnership with
    an enterprise of the plan's industry (of a preferred size first), else any unused one."""
    stmt = select(Partnership).where(
        Partnership.college_id == college.id, Partnership.status == "active"
    )
    free = [p for p in session.scalars(stmt.order_by(Partnership.id)) if p.id not in used]
    contact = _contact(session)
    if plan.for_contact:
        own = [p for p in free if contact and p.enterprise_id == contact.enterprise_id]
        if own:
            return own[0]
    others = [p for p in free if contact is None or p.enterprise_id != contact.enterprise_id]
    fitting = [p for p in others if p.enterprise.industry_detail == plan.industry]
    sized = [p for p in fitting if p.enterprise.size_band in plan.sizes]
    sized.sort(key=lambda p: plan.sizes.index(p.enterprise.size_band))
    ranked = sized or sorted(fitting, key=lambda p: _size_rank(p.enterprise.size_band))
    candidates = ranked or others
    return candidates[0] if candidates else None


def _size_rank(size: str | None) -> int:
    return SIZE_ORDER.index(size) if size in SIZE_ORDER else len(SIZE_ORDER)


def _record(
    session: Session, actor: Actor, partnership: Partnership, plan: NeedsPlan, today: date
) -> int:
    contact = _contact(session)
    for version in plan.versions:
        who = actor
        if (
            version.by_contact
            and contact is not None
            and contact.enterprise_id == partnership.enterprise_id
        ):
            who = actor_for(contact)
        service.record_needs(
            session,
            actor=who,
            partnership=partnership,
            data=NeedsCreate(
                needs=NeedsData.model_validate(version.needs),
                recorded_on=today - timedelta(days=version.days_ago),
            ),
        )
    return len(plan.versions)
