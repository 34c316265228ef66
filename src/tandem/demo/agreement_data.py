"""What the demo's agreements say: titles, complete terms per mode, obligations, the steering
body. Plain data; :mod:`tandem.demo.agreements` takes each one through the life cycle.

Dates are in months relative to the month the demo is built in (so that "expiring", "ended" and
the obligations' progress read right on the day it is loaded); everything else is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Complete terms of each mode (every required term and most optional ones).
MODE_TERMS: dict[int, dict[str, Any]] = {
    1: {
        "venue": "实训楼A座一层智能制造车间",
        "area_m2": "600",
        "fee_kind": "lease",
        "annual_fee": "120000",
        "training_positions_per_term": 30,
        "teacher_tech_hours_per_year": 400,
    },
    2: {
        "base_name": "数控加工生产性实训基地",
        "college_equipment": "数控车床8台、立式加工中心4台、三坐标测量仪1台",
        "enterprise_equipment": "五轴联动加工中心2台、工业机器人上下料单元1套",
        "college_equipment_value": "3200000",
        "enterprise_equipment_value": "2600000",
        "teaching_share_pct": "60",
    },
    3: {
        "equipment_placed": "协作机器人6台、机器视觉检测工作站2套",
        "equipment_value": "900000",
        "students_to_train_per_year": 120,
        "outside_trainees_per_year": 200,
        "leads_shared_with_consent": True,
    },
    4: {
        "production_scope": "新能源汽车低压线束分装与导通检测工序",
        "pricing": "按件计价，每件4.50元，按月结算",
        "quality_terms": "一次交验合格率不低于99.5%，按GB/T 2828.1 AQL 1.0抽检",
        "annual_volume": 120000,
        "supporting_technicians": 3,
    },
    5: {
        "training_institution": "企业培训学院（校内分院）",
        "joint_team": "企业培训师5名与专业教师6名组成混编教学团队",
        "employees_to_train_per_year": 300,
        "students_to_train_per_year": 160,
        "courses_to_codevelop": 4,
    },
    6: {
        "programme": "新能源汽车高压系统检修认证培训体系",
        "certification": "企业认证培训师（一级）",
        "teachers_to_certify": 6,
        "employees_to_train_per_year": 180,
        "order_class_size": 40,
    },
    7: {
        "simulated_site": "智慧仓储物流模拟实训中心",
        "courses_contracted": "《仓储作业管理》《智能物流设备操作》两门课程的实训环节",
        "contracted_hours_per_year": 320,
        "employees_to_train_per_year": 240,
    },
}
MODE_TITLES = {
    1: "引企入校合作协议",
    2: "设备共享协议",
    3: "技术推广协议",
    4: "岗位承包协议",
    5: "校企共训协议",
    6: "培训移植协议",
    7: "培训承包协议",
}
# What a mode-1 base is about, by the department that owns the partnership.
SUBJECTS = {
    "MECH": ("智能制造生产性实训基地", "实训楼A座一层智能制造车间"),
    "INFO": ("软件开发生产性实训基地", "信息楼三层软件工场"),
    "AUTO": ("新能源汽车检测维修实训中心", "汽车实训楼一层检测车间"),
    "BIZ": ("跨境电商运营实训中心", "商贸楼二层电商直播与运营工作室"),
    "CIVIL": ("智能建造实训基地", "建筑实训场东区装配式构件车间"),
    "HEALTH": ("老年照护实训中心", "健康楼一层模拟养老照护病区"),
}
COLLEGE_SIGNATORY = "王建华"
NORTH_SIGNATORY = "赵国栋"


@dataclass(frozen=True)
class ObligationPlan:
    party: str  # college / enterprise
    mode: int | None
    description: str
    quantity: int
    unit: str
    period: str  # once / month / term / year
    pace: str  # on_track / behind / met / none: the deliveries recorded
    starts: int = 0  # months after the agreement's start
    due: int | None = None  # months after the start; None: the agreement's end
    register: str = ""  # counted against the equipment register (name or category)


@dataclass(frozen=True)
class Plan:
    """One demo agreement and the state it is taken to."""

    key: str
    department: str  # the department whose partnership it goes to
    modes: tuple[int, ...]
    title: str
    status: str  # a status, or "college_signed" (approved, the enterprise yet to sign)
    start: int | None = None  # months from this month; None: no dates yet (a draft)
    months: int = 36
    end_in_days: int | None = None  # instead of ``start``: the end this many days from today
    kind: str = "mode"
    parent: str | None = None  # the framework agreement above it
    for_contact: bool = False  # the enterprise the demo contact account is bound to
    numbered: bool = True
    terms: dict[int, dict[str, Any]] = field(default_factory=dict)  # replaces MODE_TERMS
    obligations: tuple[ObligationPlan, ...] = ()
    auto_renew: bool = False
    renewal_months: int | None = None
    notice_days: int = 30
    value_money: int = 0
    value_in_kind: int = 0
    in_kind_note: str = ""
    review_every_months: int | None = None
    summary: str = ""
    reason: str = ""  # for terminated


Due = ObligationPlan
DEMO_PLANS: tuple[Plan, ...] = (
    Plan(
        "framework",
        "MECH",
        (),
        "校企全面战略合作框架协议",
        "active",
        start=-30,
        months=60,
        kind="framework",
        review_every_months=12,
        value_in_kind=5_000_000,
        in_kind_note="设备、场地与师资投入合计",
        summary="双方在人才培养、实训基地、员工培训与技术研发方面全面合作，设立校企合作理事会。",
    ),
    Plan(
        "base",
        "MECH",
        (1,),
        "引企入校合作协议——智能制造生产性实训基地",
        "active",
        start=-24,
        parent="framework",
        value_money=120_000,
        value_in_kind=1_800_000,
        in_kind_note="企业投入的生产线设备",
        summary="企业在校内实训楼设立生产线，承接真实订单，同时提供学生实训岗位。",
        obligations=(
            Due("enterprise", 1, "提供生产性实训岗位", 20, "个", "term", "on_track"),
            Due("college", 1, "提供实训车间场地", 600, "平方米", "once", "met", due=1),
            # The register holds 8 of the 10 (5 lathes, 3 machining centres): short by 2.
            Due(
                "enterprise",
                1,
                "企业投入数控机床（数控车床、加工中心）10台",
                10,
                "台",
                "once",
                "met",
                due=2,
                register="数控机床",
            ),
            Due("enterprise", 1, "企业工程师与教师联合开展技术开发", 200, "学时", "year", "behind"),
        ),
    ),
    Plan(
        "joint",
        "MECH",
        (5,),
        "校企共训协议——智能装备企业员工技能提升",
        "active",
        start=-14,
        parent="framework",
        terms={
            5: MODE_TERMS[5]
            | {"training_institution": "企业技能培训学院（校内分院）", "courses_to_codevelop": 3}
        },
        summary="企业培训学院入驻校园，混编团队同时培训企业员工与在校学生。",
        obligations=(
            Due("enterprise", 5, "企业培训师承担专业课程教学", 120, "学时", "term", "behind"),
            Due("college", 5, "为企业培训在岗员工", 150, "人次", "year", "on_track"),
        ),
    ),
    Plan(
        "sharing",
        "INFO",
        (2,),
        "设备共享协议——云计算与大数据实训平台共建",
        "expiring",
        end_in_days=50,
        terms={
            2: {
                "base_name": "云计算与大数据生产性实训基地",
                "college_equipment": "实训机房服务器40台、网络实训机柜10套",
                "enterprise_equipment": "GPU服务器集群1套、企业级分布式存储1套",
                "college_equipment_value": "1800000",
                "enterprise_equipment_value": "2400000",
                "teaching_share_pct": "55",
            }
        },
        value_in_kind=2_400_000,
        in_kind_note="企业投入的服务器集群与存储",
        summary="双方设备集中到联合实训基地，教学与企业数据处理业务错峰使用。",
        obligations=(
            Due("college", 2, "实训平台用于教学的时数", 400, "学时", "year", "on_track"),
            Due(
                "enterprise", 2, "投入GPU服务器集群", 1, "套", "once", "met", due=2, register="GPU"
            ),
        ),
    ),
    Plan(
        "promotion",
        "MECH",
        (3,),
        "技术推广协议——协作机器人应用技术推广",
        "ended",
        start=-40,
        summary="企业在校设立协作机器人体验与培训中心，面向学生和社会人员开展培训。",
        obligations=(
            Due("enterprise", 3, "举办新技术培训班", 4, "期", "year", "met"),
            Due("college", 3, "组织学生参加新设备培训", 120, "人", "year", "met"),
        ),
    ),
    Plan(
        "outsourcing",
        "AUTO",
        (4,),
        "岗位承包协议——新能源汽车线束分装生产外包",
        "terminated",
        start=-18,
        value_money=540_000,
        summary="学院承接线束分装工序，教师担任生产管理，学生轮岗参与生产。",
        reason="企业产线调整，线束分装工序收回自制，经双方协商一致提前终止。",
        obligations=(
            Due("college", 4, "完成线束分装订单", 30_000, "件", "term", "behind"),
            Due("enterprise", 4, "派驻技术人员现场指导", 3, "人", "once", "met", due=1),
        ),
    ),
    Plan(
        "transplant",
        "AUTO",
        (6,),
        "培训移植协议——新能源汽车高压系统检修认证",
        "renewed",
        end_in_days=60,
        value_in_kind=1_200_000,
        in_kind_note="认证培训课程包与实训设备",
        summary="引入企业认证培训体系，教师取得认证后为企业培训员工，并开设订单班。",
        obligations=(
            Due("college", 6, "专业教师取得企业认证", 6, "人", "once", "met", due=12),
            Due("enterprise", 6, "为订单班学生提供实习岗位", 40, "个", "year", "on_track"),
        ),
    ),
    Plan(
        "contracting",
        "BIZ",
        (7,),
        "培训承包协议——智慧仓储物流员工培训",
        "active",
        start=-26,
        months=12,
        auto_renew=True,
        renewal_months=12,
        notice_days=60,
        value_money=96_000,
        summary="学院提供模拟仓储实训中心，企业派培训师为员工开展培训并承包两门课程的实训。",
        obligations=(
            Due("enterprise", 7, "在模拟实训中心培训企业员工", 240, "人日", "year", "on_track"),
            Due(
                "enterprise",
                7,
                "企业投放智能仓储AGV",
                4,
                "台",
                "once",
                "met",
                due=1,
                register="AGV",
            ),
            Due("college", 7, "开放模拟实训中心", 320, "学时", "year", "on_track"),
        ),
    ),
    Plan(
        "contact_pending",
        "MECH",
        (1,),
        "引企入校合作协议",  # completed with the partnership department's subject
        "college_signed",
        start=1,
        for_contact=True,
        value_money=80_000,
        summary="学院已盖章，待企业在平台上签署。",
        obligations=(Due("enterprise", 1, "提供生产性实训岗位", 15, "个", "term", "none"),),
    ),
    Plan(
        "contact_active",
        "MECH",
        (5,),
        "校企共训协议——企业员工岗位技能提升培训",
        "active",
        start=-8,
        months=24,
        for_contact=True,
        summary="企业兼职教师进校授课，学院为企业员工开展岗位技能培训。",
        obligations=(
            Due("enterprise", 5, "兼职教师授课", 60, "学时", "term", "on_track"),
            Due("college", 5, "培训企业员工", 100, "人次", "year", "met"),
        ),
    ),
    Plan(
        "approved",
        "HEALTH",
        (5,),
        "校企共训协议——老年照护职业技能培训",
        "approved",
        start=2,
        terms={
            5: {
                "training_institution": "颐康养老服务集团培训中心",
                "joint_team": "企业护理督导3名与护理专业教师4名组成混编团队",
                "employees_to_train_per_year": 200,
                "students_to_train_per_year": 90,
                "courses_to_codevelop": 2,
            }
        },
        summary="待双方签署。",
    ),
    Plan(
        "signed",
        "AUTO",
        (6,),
        "培训移植协议——汽车智能网联技术认证培训",
        "signed",
        start=1,
        terms={
            6: MODE_TERMS[6]
            | {"programme": "智能网联汽车装调认证培训体系", "certification": "智能网联装调工程师"}
        },
        summary="双方已签署，下月起生效。",
        obligations=(Due("college", 6, "专业教师取得企业认证", 4, "人", "once", "none", due=10),),
    ),
    Plan(
        "review",
        "BIZ",
        (4,),
        "岗位承包协议——跨境电商客服与订单处理外包",
        "in_review",
        start=2,
        months=24,
        terms={
            4: {
                "production_scope": "跨境电商店铺售前售后客服与订单处理",
                "pricing": "按订单计价，每单1.20元，按月结算",
                "quality_terms": "首次响应不超过2分钟，客户满意度不低于95%",
                "annual_volume": 200_000,
                "supporting_technicians": 2,
            }
        },
        summary="二级学院已提交，待合作办审核。",
    ),
    Plan(
        "draft_contract",
        "HEALTH",
        (7,),
        "培训承包协议——养老护理员职业技能培训",
        "draft",
        numbered=False,
        terms={7: {"simulated_site": "模拟养老照护病区"}},
        summary="草拟中：课程与学时待与企业商定。",
    ),
    Plan(
        "draft_promotion",
        "MECH",
        (3, 1),
        "技术推广协议——工业视觉检测技术推广",
        "draft",
        numbered=False,
        terms={3: {"equipment_placed": "工业视觉检测工作站4套"}, 1: {"venue": "实训楼B座二层"}},
    ),
)
NORTH_PLANS: tuple[Plan, ...] = (
    Plan(
        "north_rail",
        "RAIL",
        (5,),
        "校企共训协议——城市轨道交通运营岗位培训",
        "active",
        start=-10,
        terms={
            5: {
                "training_institution": "地铁运营公司培训中心",
                "joint_team": "企业培训师4名与轨道交通专业教师5名",
                "employees_to_train_per_year": 260,
                "students_to_train_per_year": 120,
            }
        },
        obligations=(Due("enterprise", 5, "企业培训师授课", 80, "学时", "term", "on_track"),),
    ),
    Plan(
        "north_logistics",
        "LOGI",
        (7,),
        "培训承包协议——智慧物流仓储作业培训",
        "in_review",
        start=1,
    ),
)

# The steering body of the framework agreement's partnership.
STEERING_MEMBERS = (
    ("college", COLLEGE_SIGNATORY, "副校长、理事长"),
    ("college", "陈立群", "校企合作办公室主任"),
    ("college", "李强", "机电工程学院院长"),
    ("enterprise", "", "总经理、副理事长"),  # the enterprise's signatory
    ("enterprise", "周晓燕", "人力资源总监"),
    ("enterprise", "郑海涛", "生产技术部经理"),
)
STEERING_MEETINGS = (
    (
        1,  # months after the framework's start
        "理事会成立大会暨第一次全体会议",
        "审议理事会章程，听取引企入校实训基地建设方案汇报，商定年度工作计划。",
        ["通过《校企合作理事会章程》", "启动智能制造生产性实训基地建设", "每年召开一次年度评审会"],
        False,
    ),
    (
        -5,  # months from now
        "年度合作评审会（第二次全体会议）",
        "评审上一年度各合作项目：实训基地运行良好；企业兼职教师授课学时不足，需补足。",
        [
            "企业下学期增派2名培训师，补足共训课程学时",
            "启动校企共训第二期员工培训",
            "下次评审在12个月后举行",
        ],
        True,
    ),
)
TERMINATED_REASON = "企业经营调整，经双方协商一致提前终止。"
LARGE_STATUSES = ["active"] * 6 + [
    "expiring",
    "ended",
    "terminated",
    "signed",
    "approved",
    "in_review",
    "draft",
    "draft",
]
LARGE_MODES: list[tuple[int, ...]] = [(1,), (2,), (3,), (4,), (5,), (6,), (7,), (1, 5), (2, 3)]
# (party, description, quantity, unit, period) for each mode's usual obligation.
MODE_OBLIGATIONS = {
    1: ("enterprise", "提供生产性实训岗位", 20, "个", "term"),
    2: ("college", "共享设备用于教学的时数", 300, "学时", "year"),
    3: ("enterprise", "举办新技术培训班", 4, "期", "year"),
    4: ("college", "完成外包生产订单", 10_000, "件", "term"),
    5: ("enterprise", "企业培训师承担课程教学", 80, "学时", "term"),
    6: ("enterprise", "为订单班提供实习岗位", 30, "个", "year"),
    7: ("enterprise", "在模拟实训中心培训员工", 150, "人日", "year"),
}
