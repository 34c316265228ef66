"""The demo's needs profiles, as a cooperation officer would record them (the colleges' offers
are in :mod:`tandem.demo.needs`).

Each plan is written for one kind of enterprise (by its industry and size) so that the mode
advisor puts one form of cooperation first for it (``expect``): together they cover the seven
modes, order classes and modern apprenticeship. Some plans have an older and a newer version
(to compare); one newer version is recorded by the enterprise's own contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NeedsVersion:
    days_ago: int  # recorded on this many days before the demo is built
    needs: dict[str, Any]  # a NeedsData
    by_contact: bool = False  # recorded by the enterprise's own contact (hr@partner.example)


@dataclass(frozen=True)
class NeedsPlan:
    expect: str  # the option the advisor should rank first ("" when none in particular)
    industry: str  # the enterprise's industry detail the text is written for
    versions: tuple[NeedsVersion, ...]
    sizes: tuple[str, ...] = ()  # size bands preferred among those enterprises
    for_contact: bool = False  # the partnership of the demo contact's enterprise


# --- the demo college ----------------------------------------------------------------------------

# Mode 1, enterprise introduction: production to move onto campus, short of space and workers.
# The contact's enterprise: the college recorded it a year ago, the contact updated it since.
CONTACT_PLAN = NeedsPlan(
    expect="mode_1",
    industry="专用设备制造",
    for_contact=True,
    versions=(
        NeedsVersion(
            days_ago=390,
            needs={
                "talent": {
                    "importance": 2,
                    "majors": ["数控技术", "机电一体化技术"],
                    "headcount": 12,
                    "when": "每年7月",
                },
                "staff_training": {
                    "importance": 1,
                    "topics": ["数控编程"],
                    "trainees_per_year": 20,
                },
                "rnd": {"importance": 1, "problems": ["薄壁零件加工变形控制"]},
                "cost": {
                    "importance": 3,
                    "lacking_resources": ["厂房面积不足", "一线操作工招聘难"],
                },
                "assets": {
                    "production_to_move": "包装机械零部件精加工线（4 台加工中心、2 台数控车床）"
                    "可整体迁入学院生产性实训基地",
                    "trainers": 4,
                },
                "note": "企业新厂房预计两年后建成，过渡期希望借用学院场地组织生产。",
            },
        ),
        NeedsVersion(
            days_ago=45,
            by_contact=True,
            needs={
                "talent": {
                    "importance": 2,
                    "majors": ["数控技术", "机电一体化技术"],
                    "headcount": 20,
                    "when": "每年7月",
                },
                "staff_training": {
                    "importance": 1,
                    "topics": ["数控编程", "精密测量"],
                    "trainees_per_year": 30,
                },
                "rnd": {
                    "importance": 2,
                    "problems": ["薄壁零件加工变形控制", "数控加工工艺参数优化"],
                },
                "cost": {
                    "importance": 3,
                    "outsourceable_work": "",
                    "lacking_resources": [
                        "新厂房建成前缺少约 1500 平方米生产场地",
                        "设备操作工缺口约 20 人",
                    ],
                },
                "assets": {
                    "production_to_move": "包装机械关键零部件精加工线和小批量装配线迁入学院"
                    "生产性实训基地，年产值约 1200 万元，可提供 30 个实训岗位",
                    "trainers": 6,
                },
                "note": "由企业人力资源部更新：生产线迁入范围扩大到装配，"
                "工程师可参与学生实训指导。",
            },
        ),
    ),
)

DEMO_PLANS: tuple[NeedsPlan, ...] = (
    CONTACT_PLAN,
    # Mode 2, equipment sharing: equipment to share, short of room and people to run it.
    NeedsPlan(
        expect="mode_2",
        industry="信息系统集成服务",
        sizes=("large",),
        versions=(
            NeedsVersion(
                days_ago=120,
                needs={
                    "talent": {
                        "importance": 1,
                        "majors": ["计算机网络技术"],
                        "headcount": 6,
                        "when": "2027年7月",
                    },
                    "staff_training": {
                        "importance": 1,
                        "topics": ["云计算运维"],
                        "trainees_per_year": 15,
                    },
                    "rnd": {"importance": 1, "problems": ["云计算平台的运维自动化"]},
                    "cost": {
                        "importance": 3,
                        "lacking_resources": ["机房场地与电力", "平台运维人员", "测试用网络设备"],
                    },
                    "assets": {
                        "equipment_to_place": "一套 40 节点私有云服务器集群和网络安全攻防演练平台"
                        "（价值约 380 万元），可与学院服务器集群共建共用",
                        "trainers": 2,
                    },
                    "note": "设备共享协议即将到期，企业希望续签并把测试环境一并迁入共建实训基地。",
                },
            ),
        ),
    ),
    # Mode 3, technology promotion: new equipment to promote and customers to grow.
    NeedsPlan(
        expect="mode_3",
        industry="金属加工机械制造",
        sizes=("small", "medium", "large"),
        versions=(
            NeedsVersion(
                days_ago=75,
                needs={
                    "staff_training": {
                        "importance": 1,
                        "topics": ["五轴加工编程", "工业视觉检测应用"],
                        "trainees_per_year": 30,
                    },
                    "market": {
                        "importance": 3,
                        "products": ["五轴联动数控加工中心 VMC-850", "工业视觉在线检测系统"],
                    },
                    "assets": {
                        "equipment_to_place": "2 台五轴联动加工中心和 1 套工业视觉检测系统，"
                        "放在学院用于教学和客户演示",
                        "trainers": 2,
                    },
                    "note": "希望依托学院面向珠三角中小制造企业开展新技术培训，发掘潜在客户。",
                },
            ),
        ),
    ),
    # Mode 4, post contract: production work to outsource, to cut cost.
    NeedsPlan(
        expect="mode_4",
        industry="互联网零售",
        sizes=("large",),
        versions=(
            NeedsVersion(
                days_ago=60,
                needs={
                    "talent": {
                        "importance": 1,
                        "majors": ["电子商务"],
                        "headcount": 8,
                        "when": "2027年7月",
                    },
                    "cost": {
                        "importance": 3,
                        "outsourceable_work": "跨境电商店铺的售前售后客服（中英文，早晚两班）、"
                        "订单审核和退换货处理，旺季日均订单约 8000 单",
                        "lacking_resources": ["旺季客服人员", "客服坐席场地"],
                    },
                    "assets": {"trainers": 3},
                    "note": "企业派客服主管驻校指导，按单结算；希望学生按岗位轮岗。",
                },
            ),
        ),
    ),
    # Mode 5, school–enterprise training: the enterprise's own training centre onto campus.
    NeedsPlan(
        expect="mode_5",
        industry="老年人养护服务",
        sizes=("medium", "small"),
        versions=(
            NeedsVersion(
                days_ago=100,
                needs={
                    "talent": {
                        "importance": 1,
                        "majors": ["智慧健康养老服务与管理"],
                        "headcount": 8,
                        "when": "每年7月",
                    },
                    "staff_training": {
                        "importance": 3,
                        "topics": ["老年照护", "失智照护", "康复训练"],
                        "trainees_per_year": 150,
                    },
                    "assets": {
                        "training_institution": "卓康养老照护培训中心（备案的职业技能培训机构）",
                        "trainers": 5,
                    },
                    "note": "培训中心整体迁入学院，企业讲师与护理专业教师组成共训团队，"
                    "员工和学生同班上课。",
                },
            ),
        ),
    ),
    # Mode 6, training transplant: a leading enterprise's certified programme.
    NeedsPlan(
        expect="mode_6",
        industry="汽车修理与维护",
        sizes=("large",),
        versions=(
            NeedsVersion(
                days_ago=150,
                needs={
                    "talent": {
                        "importance": 2,
                        "majors": ["新能源汽车技术", "汽车检测与维修技术"],
                        "headcount": 20,
                        "when": "每年7月",
                    },
                    "staff_training": {
                        "importance": 2,
                        "topics": ["新能源汽车高压安全", "动力电池检修"],
                        "trainees_per_year": 80,
                    },
                    "assets": {
                        "certified_programme": "新能源汽车高压系统检修认证（品牌厂商授权）",
                        "equipment_to_place": "认证培训用高压系统实训台 4 套",
                        "trainers": 3,
                    },
                    "note": "企业为多个新能源汽车品牌的授权服务商，"
                    "要求培训教师先取得认证讲师资格。",
                },
            ),
        ),
    ),
    # Mode 7, training contract: many employees to train, trainers and equipment of its own.
    NeedsPlan(
        expect="mode_7",
        industry="老年人养护服务",
        sizes=("large",),
        versions=(
            NeedsVersion(
                days_ago=300,
                needs={
                    "talent": {
                        "importance": 1,
                        "majors": ["护理"],
                        "headcount": 10,
                        "when": "每年7月",
                    },
                    "staff_training": {
                        "importance": 2,
                        "topics": ["养老护理员职业技能"],
                        "trainees_per_year": 80,
                    },
                    "note": "各院区护理员持证率偏低，希望借助学院开展培训。",
                },
            ),
            NeedsVersion(
                days_ago=30,
                needs={
                    "talent": {
                        "importance": 1,
                        "majors": ["护理"],
                        "headcount": 10,
                        "when": "每年7月",
                    },
                    "staff_training": {
                        "importance": 3,
                        "topics": ["养老护理员职业技能", "急救与安全照护", "老年康复", "失智照护"],
                        "trainees_per_year": 240,
                    },
                    "cost": {"importance": 2, "lacking_resources": ["集中培训场地"]},
                    "assets": {
                        "equipment_to_place": "智能护理床、移位机和康复训练设备若干，"
                        "可放在学院养老仿真实训中心",
                        "trainers": 6,
                    },
                    "note": "新开 3 家院区，年培训量增至 240 人；企业派培训师，按课时结算。",
                },
            ),
        ),
    ),
    # Order class: many graduates of the majors the college teaches.
    NeedsPlan(
        expect="order_class",
        industry="仓储业",
        sizes=("large",),
        versions=(
            NeedsVersion(
                days_ago=380,
                needs={
                    "talent": {
                        "importance": 3,
                        "majors": ["现代物流管理"],
                        "headcount": 25,
                        "when": "2026年7月",
                    },
                    "note": "华南智慧仓配中心投产，需要仓储主管后备人员。",
                },
            ),
            NeedsVersion(
                days_ago=60,
                needs={
                    "talent": {
                        "importance": 3,
                        "majors": ["现代物流管理", "电子商务"],
                        "headcount": 45,
                        "when": "每年7月（2027届起）",
                    },
                    "staff_training": {
                        "importance": 1,
                        "topics": ["仓储管理系统操作"],
                        "trainees_per_year": 40,
                    },
                    "note": "希望组建订单班：企业设奖学金，参与制定课程，毕业生优先录用。",
                },
            ),
        ),
    ),
    # Modern apprenticeship: talent it will grow itself, with a mentor for each apprentice.
    NeedsPlan(
        expect="apprenticeship",
        industry="通用设备制造",
        sizes=("large",),
        versions=(
            NeedsVersion(
                days_ago=90,
                needs={
                    "talent": {
                        "importance": 3,
                        "majors": ["工业机器人技术", "机电一体化技术"],
                        "headcount": 12,
                    },
                    "rnd": {"importance": 1, "problems": ["装配线工业机器人离线编程"]},
                    "assets": {"trainers": 10},
                    "note": "今年 9 月起招生即招工，学徒签订劳动合同，三年在岗培养；"
                    "装配调试班组长 10 人可担任企业师傅，一对一带徒。",
                },
            ),
        ),
    ),
    # Two more, mixed: R&D with data, and a framework partner with a bit of everything.
    NeedsPlan(
        expect="",
        industry="互联网数据服务",
        sizes=("large",),
        versions=(
            NeedsVersion(
                days_ago=50,
                needs={
                    "talent": {
                        "importance": 2,
                        "majors": ["大数据技术"],
                        "headcount": 10,
                        "when": "2027年7月",
                    },
                    "rnd": {
                        "importance": 3,
                        "problems": [
                            "数据中心能耗的数据分析与优化",
                            "客户流失预测的机器学习模型",
                            "运维日志的数据挖掘与异常检测",
                        ],
                    },
                    "note": "希望与大数据技术专业教师组建联合研发团队，学生参与数据标注和分析。",
                },
            ),
        ),
    ),
    NeedsPlan(
        expect="",
        industry="金属加工机械制造",
        versions=(
            NeedsVersion(
                days_ago=200,
                needs={
                    "talent": {
                        "importance": 2,
                        "majors": ["数控技术"],
                        "headcount": 8,
                        "when": "每年7月",
                    },
                    "staff_training": {
                        "importance": 2,
                        "topics": ["数控系统维修", "精密测量"],
                        "trainees_per_year": 40,
                    },
                    "rnd": {"importance": 2, "problems": ["机床主轴热变形补偿"]},
                    "cost": {"importance": 1, "lacking_resources": ["三坐标测量设备"]},
                    "market": {"importance": 1, "products": ["小型数控车床"]},
                    "assets": {"trainers": 2},
                },
            ),
        ),
    ),
)

# --- the second college --------------------------------------------------------------------------

NORTH_PLANS: tuple[NeedsPlan, ...] = (
    NeedsPlan(
        expect="order_class",
        industry="供应链管理服务",
        versions=(
            NeedsVersion(
                days_ago=40,
                needs={
                    "talent": {
                        "importance": 3,
                        "majors": ["现代物流管理"],
                        "headcount": 30,
                        "when": "每年7月",
                    },
                    "note": "华北区域分拨中心扩建，需要物流运营后备人员。",
                },
            ),
        ),
    ),
    NeedsPlan(
        expect="",
        industry="汽车整车制造",
        versions=(
            NeedsVersion(
                days_ago=20,
                needs={
                    "staff_training": {
                        "importance": 3,
                        "topics": ["新能源汽车高压安全", "整车下线检测"],
                        "trainees_per_year": 120,
                    },
                    "assets": {
                        "equipment_to_place": "整车检测线模拟工位 2 套",
                        "trainers": 4,
                    },
                },
            ),
        ),
    ),
)
