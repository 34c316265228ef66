"""What a tripartite agreement states: a snapshot of the parties and the placement's terms,
taken when the agreement is generated, and the rule set's key duties in Chinese.

The snapshot is plain JSON (dates as ISO text, amounts as exact decimal text). Only the
``terms`` part is compared to tell whether the placement changed since the agreement was
generated: the parties' addresses, the mentors or the insurance may be completed later without
voiding what was agreed; a different post, period, pay or working time needs a new agreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.college.models import College
from tandem.compliance.checks import CHECKS
from tandem.compliance.ruleset import DEFAULT_RULESET, RuleSet, RuleSetError, load_ruleset
from tandem.kit.i18n import N_
from tandem.partner.models import Enterprise
from tandem.placement.kinds import COMPLIANCE_KIND, PlanKind
from tandem.placement.models import Placement, Position
from tandem.placement.models_records import InsurancePolicy, policy_placement

# The placement's fields the agreement states and that must not change once it is signed.
TERM_FIELDS = (
    "student_id",
    "enterprise_id",
    "kind",
    "title",
    "location",
    "start_on",
    "end_on",
    "monthly_pay",
    "pay_cycle_days",
    "paid_in_money",
    "hours_per_day",
    "days_per_week",
    "shifts",
    "night_shift",
    "holiday_work",
    "fees",
)
TERM_LABELS = {
    "student_id": N_("Student"),
    "enterprise_id": N_("Host enterprise"),
    "kind": N_("Kind of placement"),
    "title": N_("Post"),
    "location": N_("Location"),
    "start_on": N_("Start date"),
    "end_on": N_("End date"),
    "monthly_pay": N_("Monthly pay"),
    "pay_cycle_days": N_("Pay cycle"),
    "paid_in_money": N_("Paid in money"),
    "hours_per_day": N_("Hours a day"),
    "days_per_week": N_("Days a week"),
    "shifts": N_("Shifts"),
    "night_shift": N_("Night shifts"),
    "holiday_work": N_("Work on public holidays"),
    "fees": N_("Fees charged to the student"),
}
KIND_ZH = {
    PlanKind.COGNITION: "认识实习",
    PlanKind.POST: "岗位实习",
    PlanKind.ORDER_CLASS: "订单班岗位实习",
    PlanKind.PRODUCTIVE_POST: "生产性实训基地岗位实习",
}
PAYERS_ZH = {
    "college": "学校",
    "host": "实习单位",
    "student": "学生",
    "government": "政府",
    "other": "其他",
}

# The key duties, in the agreement's words, for the checks a rule set runs; ``{name}`` are the
# rule's parameters. A rule whose check (or fact) is not listed adds nothing.
_DUTIES: dict[str, str] = {
    "fees": "学校和实习单位不得以任何形式向学生收取押金、培训费、管理费、实习材料费、"
    "就业服务费、中介费等费用，不得扣押学生的居民身份证或其他证件。",
    "pay_share": "岗位实习报酬原则上不低于实习单位相同岗位工资标准的{min_share_pct}%"
    "或最低档工资标准。",
    "pay_cycle": "实习报酬以货币形式至少按月（发放周期不超过{max_days}天）足额发放，"
    "直接支付给学生本人，不得由他人代领或代扣。",
    "working_hours": "每日实习时间不超过{max_hours_per_day}小时，每周不超过"
    "{max_hours_per_week}小时，不得安排学生加班。",
    "terms.night_shift": "不得安排学生上夜班。",
    "terms.holiday_work": "不得安排学生在法定节假日实习。",
    "post.high_risk": "不得安排学生从事高空、井下、放射性、高毒、易燃易爆等安全风险高的岗位。",
    "labour_intensity": "不得安排学生从事{barred_from_level}级及以上体力劳动强度的工作。",
    "venue_category": "不得安排学生到酒吧、夜总会、歌厅、洗浴中心、电子游戏厅、网吧等"
    "营业性娱乐场所实习。",
    "host.via_intermediary": "不得通过中介机构或有偿代理组织、安排和管理学生实习。",
    "insurance_covers": "为学生投保实习责任保险，保险期间覆盖实习全程。",
    "insurance_payer": "实习责任保险费不得由学生承担。",
}
_ALWAYS = (
    "学校和实习单位分别为学生配备校内指导教师和企业指导教师，共同指导和管理学生实习。",
    "实习单位为学生提供必要的实习条件和安全健康的实习劳动环境，进行安全生产教育。",
    "学生遵守学校和实习单位的规章制度、劳动纪律和安全操作规程，按时完成实习任务。",
)


def plain(value: Any) -> Any:
    """A field as the snapshot keeps it: amounts without trailing zeros, dates as ISO text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def compliance_kind(placement: Placement) -> str:
    try:
        return COMPLIANCE_KIND[PlanKind(placement.kind)]
    except ValueError:
        return "post"


def ruleset_of(placement: Placement) -> RuleSet:
    name = placement.plan.ruleset if placement.plan is not None else DEFAULT_RULESET
    try:
        return load_ruleset(name or DEFAULT_RULESET)
    except RuleSetError:
        return load_ruleset(DEFAULT_RULESET)


def current_terms(placement: Placement, *, location: str | None = None) -> dict[str, Any]:
    """The term fields as they are now (what a snapshot's ``terms`` is compared with); the
    location is the position's (given, when read in bulk)."""
    values: dict[str, Any] = {}
    for name in TERM_FIELDS:
        if name != "location":
            values[name] = plain(getattr(placement, name))
        elif location is not None:
            values[name] = location
        else:
            values[name] = placement.position.location if placement.position is not None else ""
    return values


def locations(session: Session, position_ids: Iterable[int]) -> dict[int, str]:
    """The positions' locations, by id."""
    ids = sorted(set(position_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        stmt = select(Position.id, Position.location).where(
            Position.id.in_(ids[start : start + 500])
        )
        found.update({pid: loc for pid, loc in session.execute(stmt)})
    return found


def changed_fields(
    snapshot: Mapping[str, Any], placement: Placement, *, location: str | None = None
) -> list[str]:
    """The term fields whose value differs from the snapshot's."""
    then = snapshot.get("terms", {})
    now = current_terms(placement, location=location)
    return [name for name in TERM_FIELDS if then.get(name) != now.get(name)]


_CHECK_NAMES = {id(fn): name for name, fn in CHECKS.items()}


def duties(ruleset: RuleSet, kind: str) -> list[str]:
    """The rule set's key duties for a placement of compliance ``kind``, once each."""
    found: list[str] = []
    for rule in ruleset.by_kind.get(kind, ()):
        key = _CHECK_NAMES.get(id(rule.check), "")
        if key in ("fact_is_true", "fact_is_false"):
            key = str(rule.params.get("fact", ""))
        template = _DUTIES.get(key)
        if template is None:
            continue
        try:
            text = template.format(**{k: plain(v) for k, v in rule.params.items()})
        except (KeyError, IndexError):
            continue
        if text not in found:
            found.append(text)
    return [*found, *_ALWAYS]


def _insurance(session: Session, placement: Placement) -> list[dict[str, Any]]:
    stmt = (
        select(InsurancePolicy)
        .join(policy_placement, policy_placement.c.policy_id == InsurancePolicy.id)
        .where(policy_placement.c.placement_id == placement.id)
        .order_by(InsurancePolicy.start_on, InsurancePolicy.id)
    )
    return [
        {
            "insurer": policy.insurer,
            "number": policy.number,
            "start_on": plain(policy.start_on),
            "end_on": plain(policy.end_on),
            "paid_by": policy.paid_by,
            "paid_by_zh": PAYERS_ZH.get(policy.paid_by, policy.paid_by),
        }
        for policy in session.scalars(stmt)
    ]


def snapshot(session: Session, placement: Placement) -> dict[str, Any]:
    """Everything the agreement states, as it is now."""
    college = session.get_one(College, placement.college_id)
    enterprise = session.get_one(Enterprise, placement.enterprise_id)
    student = placement.student
    school_class = student.school_class
    mentor = placement.school_mentor
    kind = compliance_kind(placement)
    ruleset = ruleset_of(placement)
    return {
        "ruleset": ruleset.id,
        "ruleset_name": ruleset.name["zh"].split("：", 1)[-1],
        "compliance_kind": kind,
        "kind_zh": KIND_ZH.get(PlanKind(placement.kind), placement.kind)
        if placement.kind in set(PlanKind)
        else placement.kind,
        "plan": placement.plan.name if placement.plan is not None else "",
        "college": {
            "name": college.name_zh,
            "name_en": college.name_en,
            "code": college.code,
            "address": str(getattr(college, "address", "") or ""),
        },
        "host": {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "address": enterprise.address,
        },
        "student": {
            "name": student.name,
            "number": student.student_number,
            "gender": student.gender,
            "class": school_class.name,
            "major": school_class.major.name_zh,
            "id_number": student.id_number_masked or "",
        },
        "terms": current_terms(placement),
        "mentors": {
            "school": mentor.name if mentor is not None else "",
            "school_title": mentor.title if mentor is not None else "",
            "enterprise": placement.enterprise_mentor_name,
            "enterprise_phone": placement.enterprise_mentor_phone,
        },
        "insurance": _insurance(session, placement),
        "duties": duties(ruleset, kind),
    }
