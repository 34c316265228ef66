"""What the demo college's shared resources are: its working calendar, venues, training bases,
equipment register, weekly timetable and one-off bookings. Plain data; :mod:`tandem.demo.resources`
writes it. Agreements are named by their plan keys (:mod:`tandem.demo.agreement_data`).

The timetable keeps each resource's slots apart (never two bookings of one resource at once), and
workshops and productive-base floors are booked about half of their open hours, so the offer
derived from the register shows them 40–60 % idle, as a college's real week looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# --- the working calendar ------------------------------------------------------------------------


def academic_terms(today: date) -> tuple[tuple[str, date, date], ...]:
    """The two terms of the academic year ``today`` is in (autumn from September, spring from
    late February)."""
    year = today.year if today.month >= 8 else today.year - 1
    return (
        (f"{year}-{year + 1}-1", date(year, 9, 1), date(year + 1, 1, 17)),
        (f"{year}-{year + 1}-2", date(year + 1, 2, 24), date(year + 1, 7, 4)),
    )


# Public holidays that move with the lunar calendar (中秋, 清明, 端午), by year.
MOVABLE = {
    2025: ((date(2025, 10, 6), "中秋节"),),
    2026: (
        (date(2026, 4, 5), "清明节"),
        (date(2026, 6, 19), "端午节"),
        (date(2026, 9, 25), "中秋节"),
    ),
    2027: (
        (date(2027, 4, 5), "清明节"),
        (date(2027, 6, 9), "端午节"),
        (date(2027, 9, 15), "中秋节"),
    ),
    2028: (
        (date(2028, 4, 4), "清明节"),
        (date(2028, 5, 28), "端午节"),
        (date(2028, 10, 3), "中秋节"),
    ),
}


def public_holidays(first: date, last: date) -> list[tuple[date, str]]:
    """China's public holidays from ``first`` to ``last``: National Day (1–7 October), New
    Year's Day, Labour Day (1–5 May) and the movable feasts above."""
    found: list[tuple[date, str]] = []
    for year in range(first.year, last.year + 1):
        found += [(date(year, 10, day), "国庆节") for day in range(1, 8)]
        found.append((date(year, 1, 1), "元旦"))
        found += [(date(year, 5, day), "劳动节") for day in range(1, 6)]
        found += list(MOVABLE.get(year, ()))
    return sorted((day, name) for day, name in found if first <= day <= last)


# --- venues and bases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VenuePlan:
    code: str
    name: str
    building: str
    kind: str
    area_m2: int
    workstations: int
    department: str
    base: str | None = None  # BasePlan.key


VENUES: tuple[VenuePlan, ...] = (
    VenuePlan(
        "V01", "实训楼A座一层智能制造车间", "实训楼A座", "productive_base", 600, 30, "MECH", "B1"
    ),
    VenuePlan("V02", "数控加工实训车间", "实训楼A座", "workshop", 1200, 40, "MECH", "B1"),
    VenuePlan("V03", "工业机器人与 PLC 实验室", "实训楼B座", "laboratory", 320, 24, "MECH"),
    VenuePlan("V04", "实训楼B座二层机器视觉实训室", "实训楼B座", "laboratory", 180, 16, "MECH"),
    VenuePlan("V05", "信息楼三层软件工场", "信息楼", "productive_base", 450, 60, "INFO"),
    VenuePlan("V06", "云计算与大数据实训室", "信息楼", "laboratory", 300, 48, "INFO", "B2"),
    VenuePlan("V07", "新能源汽车维修仿真实训中心", "汽车实训楼", "simulated_site", 900, 24, "AUTO"),
    VenuePlan("V08", "汽车实训楼一层检测车间", "汽车实训楼", "workshop", 800, 16, "AUTO"),
    VenuePlan("V09", "商贸楼二层电商直播与运营工作室", "商贸楼", "laboratory", 260, 48, "BIZ"),
    VenuePlan("V10", "智慧仓储物流模拟实训中心", "商贸楼", "simulated_site", 800, 40, "BIZ"),
    VenuePlan("V11", "智慧健康养老仿真实训中心", "健康楼", "simulated_site", 600, 40, "HEALTH"),
    VenuePlan("V12", "多媒体阶梯教室", "教学楼", "classroom", 220, 150, "BIZ"),
    VenuePlan("V13", "建筑实训场东区装配式构件车间", "建筑实训场", "workshop", 1500, 30, "CIVIL"),
    VenuePlan("V14", "健康楼一层模拟养老照护病区", "健康楼", "simulated_site", 260, 12, "HEALTH"),
)


@dataclass(frozen=True)
class BasePlan:
    key: str
    name: str
    kind: str  # on_campus | off_campus
    agreement: str  # the plan whose partnership hosts (or produces in) it
    department: str
    majors: tuple[str, ...]  # major codes
    workstations: int
    host_staff_on_post: int
    projects: str
    address: str = ""
    founded_on: date | None = None  # None: the agreement's start
    lodging: bool = False
    intern_subsidy_cny: int | None = None
    college_funding_per_student_cny: int | None = None
    note: str = ""


BASES: tuple[BasePlan, ...] = (
    BasePlan(
        "B1",
        "智能制造生产性实训基地",
        "on_campus",
        "base",
        "MECH",
        ("460103", "460305", "460301"),
        workstations=90,
        host_staff_on_post=35,
        projects="精密轴类零件订单生产；工业机器人上下料产线调试；数控车铣加工职业技能等级认定",
        address="校本部实训楼A座一层、二层",
        college_funding_per_student_cny=1800,
        note="校中厂：企业生产线与教学工位共用，教学与生产错峰排班。",
    ),
    BasePlan(
        "B2",
        "云计算与大数据生产性实训基地",
        "on_campus",
        "sharing",
        "INFO",
        ("510205", "510203", "510302"),
        workstations=60,
        host_staff_on_post=12,
        projects="企业数据处理与标注业务；私有云平台运维；大数据分析项目实训",
        address="校本部信息楼四层",
        college_funding_per_student_cny=1200,
    ),
    BasePlan(
        "B3",
        "新能源汽车售后服务校外实训基地",
        "off_campus",
        "transplant",
        "AUTO",
        ("460702", "500211"),
        workstations=40,
        host_staff_on_post=1200,
        projects="新能源汽车售后维修岗位实习；高压系统检修认证培训；订单班跟岗实践",
        address="广州市番禺区汽车城大道88号",
        founded_on=date(2023, 3, 1),
        lodging=True,
        intern_subsidy_cny=3200,
        college_funding_per_student_cny=800,
        note="岗位实习学生统一安排住宿，企业按月发放实习补贴；学院派驻指导教师2名。",
    ),
    BasePlan(
        "B4",
        "智慧养老服务校外实训基地",
        "off_campus",
        "approved",
        "HEALTH",
        ("520201", "520802"),
        workstations=30,
        host_staff_on_post=420,
        projects="老年照护岗位实习；养老护理员职业技能培训；社区居家养老服务",
        address="广州市天河区龙口西路36号",
        founded_on=date(2024, 9, 1),
        lodging=True,
        intern_subsidy_cny=2600,
        college_funding_per_student_cny=600,
    ),
)

# --- the equipment register ----------------------------------------------------------------------


@dataclass(frozen=True)
class LinePlan:
    code: str  # for the timetable below; the asset tag is made from it
    name: str
    model: str
    maker: str
    category: str
    quantity: int
    value_cny: int
    acquired: date | None  # None: the agreement's start
    venue: str
    ownership: str = "college"
    acquisition: str = "purchased"
    agreement: str | None = None  # the plan it came with (or is linked to)
    status: str = "in_use"
    college_share_pct: int = 100


# code|name|model|maker|category|quantity|value CNY|acquired|venue|owner|how it came|agreement|
# status|college's share (joint). Blank: the college's own, purchased, in use; acquired blank:
# when its agreement started.
EQUIPMENT_TABLE = """
E01|数控车床|CK6150|沈阳机床|数控机床|5|900000||V01|enterprise|lent|base||
E02|立式加工中心|VMC850|大连机床|数控机床|3|1350000||V01|enterprise|lent|base||
E03|工业机器人上下料单元|IRB 2600|ABB|工业机器人|1|680000||V01|enterprise|lent|base||
E04|智能产线 MES 系统|MES-3.0|鼎捷软件|信息化系统|1|400000||V01|joint||base||50
E05|焊接机器人工作站|TA-1400|松下|工业机器人|2|560000||V01|enterprise|lent|base||
E06|数控车床|CAK6136|沈阳机床|数控机床|8|640000|2021-08-20|V02|||||
E07|立式加工中心|VMC650|大连机床|数控机床|4|1120000|2022-03-15|V02|||||
E08|五轴联动加工中心|DMU 50|德马吉森精机|数控机床|1|2800000|2023-06-30|V02|||||
E09|三坐标测量机|Global S|海克斯康|精密测量|1|650000|2022-11-08|V02|||||
E10|电火花线切割机床|DK7740|苏州三光|特种加工|2|160000|2019-09-01|V02|||||
E11|钳工工作台|QG-1500|天煌教仪|钳工|30|60000|2018-08-25|V02|||||
E12|普通车床|CA6140|沈阳机床|普通机床|6|180000|2012-07-01|V02||||retired|
E13|激光切割机|G3015|大族激光|特种加工|1|420000|2024-04-12|V02||||idle|
E14|数控平面磨床|MK7132|杭州机床|数控机床|1|260000|2020-05-18|V02||||maintenance|
E15|工业机器人实训工作站|IRB 1200|ABB|工业机器人|6|900000|2022-09-01|V03|||||
E16|PLC 综合实训台|S7-1200|西门子|电气控制|12|360000|2021-03-10|V03|||||
E17|液压与气动实训台|THPHDW-1|天煌教仪|液压气动|6|180000|2020-09-01|V03|||||
E18|数字示波器|DS1104Z|普源精电|电子测量|20|80000|2021-03-10|V03|||||
E19|协作机器人|UR5e|优傲|工业机器人|6|1200000||V03||donated|promotion||
E20|机器视觉检测工作站|In-Sight 7000|康耐视|机器视觉|2|300000||V04||donated|promotion||
E21|机器视觉实训平台|VS-100|海康机器人|机器视觉|4|240000|2023-09-01|V04|||||
E22|3D 打印机|UP600|太尔时代|增材制造|4|80000|2022-12-01|V04|||||
E23|激光打标机|YLP-20|大族激光|特种加工|1|35000|2021-06-01|V04|||||
E24|实训服务器|RH2288H V5|华为|服务器|40|1600000|2022-08-01|V06|||sharing||
E25|网络实训机柜|NetLab-42U|锐捷网络|网络设备|10|400000|2022-08-01|V06|||sharing||
E26|GPU 服务器集群|NF5468M6|浪潮|GPU服务器|1|1800000||V06|enterprise|quasi_donated|sharing||
E27|企业级分布式存储|OceanStor 5310|华为|存储设备|1|600000||V06|enterprise|quasi_donated|sharing||
E28|数据中心动环监控系统|DCIM-2|华为|信息化系统|1|200000||V06|joint||sharing||60
E29|交换机|S5735-L|华为|网络设备|8|64000|2023-03-01|V06|||||
E30|开发用计算机|启天 M437|联想|计算机|60|360000|2023-08-20|V05|||||
E31|物联网实训箱|IoT-E3|新大陆|物联网|20|100000|2024-03-01|V05|||||
E32|VR 开发一体机|Pico 4 Enterprise|Pico|虚拟现实|10|45000|2024-09-01|V05|||||
E33|新能源汽车整车实训台|秦PLUS EV|比亚迪|新能源汽车|3|450000||V08||quasi_donated|transplant||
E34|高压系统故障诊断实训台|HV-T6|比亚迪|新能源汽车|6|480000||V07||quasi_donated|transplant||
E35|动力电池拆装检测台|BT-200|宁德时代|新能源汽车|8|320000|2022-09-01|V07|||||
E36|充电桩实训装置|EVC-60|特来电|新能源汽车|4|80000||V07|enterprise|lent|transplant||
E37|绝缘防护工具套装|JY-10|世达|安全防护|20|40000|2022-09-01|V07|||||
E38|汽车四轮定位仪|V3D|元征|汽车检测|2|120000|2020-06-01|V08|||||
E39|汽车举升机|QJY-4|元征|汽车维修|8|96000|2019-08-01|V08|||||
E40|汽车故障诊断仪|X-431 PRO|元征|汽车检测|12|60000|2021-09-01|V08|||||
E41|直播设备套装|ZB-Pro|罗技|电子商务|10|150000|2023-09-01|V09|||||
E42|客服坐席终端|ThinkCentre|联想|电子商务|40|200000|2022-09-01|V09|||||
E43|智能仓储 AGV|Q7-600|海康机器人|智慧物流|4|480000||V10|enterprise|lent|contracting||
E44|自动化立体货架系统|ASRS-12|今天国际|智慧物流|1|600000||V10|joint||contracting||50
E45|RF 手持终端|CT60|霍尼韦尔|智慧物流|20|60000||V10|enterprise|lent|contracting||
E46|电子标签拣选系统|PTL-300|今天国际|智慧物流|1|180000|2021-09-01|V10|||||
E47|智能分拣线|SL-1200|中科微至|智慧物流|1|350000|2023-05-01|V10|||||
E48|全站仪|TS09|徕卡|工程测量|6|180000|2020-09-01|V13|||||
E49|BIM 工作站|P360|联想|计算机|30|300000|2023-08-01|V13|||||
E50|钢筋加工实训设备|GJ-40|建科机械|建筑施工|2|90000|2021-04-01|V13|||||
E51|装配式构件吊装实训装置|ZP-8|三一筑工|建筑施工|1|260000|2024-05-01|V13|||||
E52|无人机航测系统|M300 RTK|大疆|工程测量|2|150000|2023-04-01|V13|||||
E53|高仿真老年照护模拟人|GD/H450|上海康人|养老护理|10|300000|2022-09-01|V11|||||
E54|智能护理床|A5|迈动医疗|养老护理|12|144000|2023-03-01|V14|||||
E55|康复训练设备套装|KF-12|翔宇医疗|康复|4|120000|2021-09-01|V11|||||
E56|心肺复苏模拟人|ResusciAnne|挪度|急救|10|50000|2020-03-01|V11|||||
E57|智慧养老监测平台|ZH-Care|颐康科技|养老护理|1|150000|2025-10-01|V14|||||
E58|多媒体教学系统|MT-86|希沃|教学设备|1|80000|2021-08-01|V12|||||
E59|录播系统|RB-4K|奥威亚|教学设备|1|120000|2022-08-01|V12|||||
E60|万用表|UT61E|优利德|电子测量|40|24000|2019-09-01|V03|||||
"""


def _line_plan(row: str) -> LinePlan:
    code, name, model, maker, category, quantity, value, acquired, venue, *rest = row.split("|")
    owner, how, agreement, status, share = (rest + [""] * 5)[:5]
    return LinePlan(
        code,
        name,
        model,
        maker,
        category,
        int(quantity),
        int(value),
        date.fromisoformat(acquired) if acquired else None,
        venue,
        owner or "college",
        how or "purchased",
        agreement or None,
        status or "in_use",
        int(share) if share else 100,
    )


EQUIPMENT: tuple[LinePlan, ...] = tuple(
    _line_plan(row) for row in EQUIPMENT_TABLE.strip().splitlines()
)

# (line, days ago, kind, what was done, cost CNY, downtime hours)
MAINTENANCE: tuple[tuple[str, int, str, str, int | None, int | None], ...] = (
    ("E09", 40, "calibration", "年度计量校准（省计量院），示值误差合格", 6800, 8),
    ("E08", 54, "routine", "国庆假期年度保养：更换主轴润滑油、检查刀库", 12_000, 6),
    ("E14", 6, "repair", "主轴轴承异响，拆检更换轴承，待试车验收", 18_500, 72),
    ("E06", 85, "routine", "学期初例行保养：导轨润滑、冷却液更换", 2400, 16),
    ("E15", 30, "inspection", "机器人安全围栏与急停回路点检", None, 2),
    ("E26", 20, "routine", "GPU 集群固件升级与散热清洁", None, 4),
    ("E43", 12, "repair", "AGV 激光导航传感器更换（企业保修）", 0, 24),
    ("E53", 60, "inspection", "模拟人电子部件与皮肤耗材检查", 1500, 1),
    ("E01", 25, "routine", "企业工程师例行保养（按协议由企业承担费用）", 0, 8),
    ("E48", 70, "calibration", "全站仪年度检定", 1200, 4),
)

# --- the timetable -------------------------------------------------------------------------------

MORNING, AFTERNOON, EVENING = ("08:30", "12:00"), ("14:00", "17:30"), ("18:30", "21:00")
DAY = ("08:00", "17:00")
WEEK = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Weekly:
    """A weekly series over the current term."""

    resource: str  # venue or line code
    weekdays: tuple[int, ...]
    hours: tuple[str, str]
    purpose: str
    title: str
    agreement: str | None = None
    units: int = 0  # 0: the whole line


W = Weekly
TIMETABLE: tuple[Weekly, ...] = (
    # Workshops and productive-base floors: about half of the open hours.
    W("V01", (1, 3, 5), MORNING, "teaching", "数控加工生产性实训（数控2401班）"),
    W("V01", (1, 3, 5), AFTERNOON, "teaching", "真实订单零件加工实训（数控2402班）"),
    W("V01", (2, 4), DAY, "production", "企业订单生产：精密轴类零件", "base"),
    W("V02", WEEK, MORNING, "teaching", "数控车削加工实训"),
    W("V02", (1, 2, 4, 5), AFTERNOON, "teaching", "CAD/CAM 综合实训"),
    W("V02", (3,), EVENING, "employee_training", "企业员工数控操作技能提升班", "joint"),
    W("V05", WEEK, MORNING, "teaching", "Web 前端开发项目实训"),
    W("V05", (1, 3, 5), AFTERNOON, "teaching", "Java 企业级应用开发实训"),
    W("V05", (2, 4), AFTERNOON, "production", "软件外包项目开发（学生项目组）"),
    W("V08", WEEK, MORNING, "teaching", "汽车电器与故障诊断实训"),
    W("V08", WEEK, AFTERNOON, "teaching", "汽车检测与维修综合实训"),
    W("V13", WEEK, MORNING, "teaching", "装配式建筑构件安装实训"),
    W("V13", WEEK, AFTERNOON, "teaching", "BIM 建模与施工测量实训"),
    # Laboratories, the lecture hall and the simulated sites: less busy.
    W("V03", (1, 3), MORNING, "teaching", "工业机器人编程与操作"),
    W("V03", (2, 4), AFTERNOON, "teaching", "PLC 控制系统设计"),
    W("V03", (5,), MORNING, "teaching", "液压与气动技术"),
    W("V04", (2, 4), MORNING, "teaching", "机器视觉检测技术"),
    W("V06", WEEK, AFTERNOON, "teaching", "大数据平台搭建与运维"),
    W("V06", (2, 4), MORNING, "production", "企业数据处理业务（错峰使用）", "sharing"),
    W("V07", WEEK, MORNING, "teaching", "新能源汽车高压安全与动力电池检修"),
    W("V07", (3,), AFTERNOON, "employee_training", "企业售后技师高压系统检修认证培训"),
    W("V09", WEEK, AFTERNOON, "teaching", "跨境电商运营与直播营销实训"),
    W("V09", (2, 4), EVENING, "production", "企业直播带货项目（学生轮班）"),
    W("V10", (1, 3, 5), MORNING, "teaching", "仓储作业管理实训"),
    W("V10", (2, 4), MORNING, "employee_training", "企业员工智慧仓储作业培训", "contracting"),
    W("V10", (2, 4), AFTERNOON, "employee_training", "企业员工智能物流设备操作培训", "contracting"),
    W("V11", (1, 3), MORNING, "teaching", "老年照护技术实训"),
    W("V11", (2,), AFTERNOON, "teaching", "康复护理技术实训"),
    W("V11", (6,), MORNING, "employee_training", "养老机构护理员岗位技能培训"),
    W("V12", WEEK, MORNING, "teaching", "专业导论与职业素养（大班课）"),
    W("V12", (2, 4), AFTERNOON, "teaching", "创新创业基础（大班课）"),
    W("V14", (2, 4), MORNING, "teaching", "失能老人照护情景模拟"),
    # Equipment lines.
    W("E01", (1, 3, 5), MORNING, "teaching", "企业数控车床上的生产性实训"),
    W("E01", (2, 4), DAY, "production", "企业订单生产：精密轴类零件", "base"),
    W("E02", (2, 4), DAY, "production", "企业订单生产：箱体类零件", "base"),
    W("E02", (3,), AFTERNOON, "teaching", "加工中心编程与操作"),
    W("E06", WEEK, MORNING, "teaching", "数控车削加工实训"),
    W("E07", (2, 4), AFTERNOON, "teaching", "加工中心编程与操作"),
    W("E08", (3,), AFTERNOON, "teaching", "五轴加工技术"),
    W("E08", (2, 4), EVENING, "production", "五轴精密零件试制（企业委托）"),
    W("E15", (1, 3), MORNING, "teaching", "工业机器人编程与操作"),
    W("E15", (2, 4), AFTERNOON, "teaching", "工业机器人系统集成"),
    W("E19", (5,), MORNING, "teaching", "协作机器人应用编程"),
    W("E24", WEEK, AFTERNOON, "teaching", "大数据平台搭建与运维"),
    W("E26", (2, 4), MORNING, "production", "企业数据处理业务（错峰使用）", "sharing"),
    W("E26", (1, 3, 5), AFTERNOON, "teaching", "深度学习模型训练实训"),
    W("E34", (3,), AFTERNOON, "employee_training", "企业售后技师高压系统检修认证培训"),
    W("E35", WEEK, MORNING, "teaching", "动力电池拆装与检测"),
    W("E41", (2, 4), EVENING, "production", "企业直播带货项目（学生轮班）", units=4),
    W("E43", (2, 4), MORNING, "employee_training", "企业员工智慧仓储作业培训", "contracting"),
    W("E43", (1, 3, 5), MORNING, "teaching", "AGV 调度与仓储作业实训"),
    W("E48", (2, 4), AFTERNOON, "teaching", "工程测量实训"),
    W("E53", (1, 3), MORNING, "teaching", "老年照护技术实训"),
    W("E53", (6,), MORNING, "employee_training", "养老机构护理员岗位技能培训"),
)


@dataclass(frozen=True)
class OneOff:
    """A booking on the ``weekday`` of the week ``weeks`` from this one (negative: past)."""

    resource: str
    weeks: int
    weekday: int
    hours: tuple[str, str]
    purpose: str
    title: str
    agreement: str | None = None
    reason: str = ""  # outside the working calendar: why
    units: int = 0
    holiday: bool = False  # instead of weeks/weekday: the first past public holiday of the term


B = OneOff
ONE_OFFS: tuple[OneOff, ...] = (
    B("V01", -1, 6, DAY, "production", "企业加急订单生产", "base"),
    B(
        "V01",
        -1,
        6,
        ("17:30", "20:30"),
        "production",
        "企业加急订单延时生产",
        "base",
        reason="企业加急订单交付，经合作办批准周六延时生产",
    ),
    B("E01", -2, 6, DAY, "production", "企业订单生产（周六加班）", "base"),
    B(
        "E15",
        -3,
        7,
        ("09:00", "17:00"),
        "teaching",
        "省职业院校技能大赛工业机器人赛项集训",
        reason="技能大赛赛前集训，经教务处批准周日开放",
    ),
    B(
        "E08",
        0,
        0,
        ("09:00", "15:00"),
        "maintenance",
        "五轴加工中心年度保养",
        reason="利用国庆假期停课时间保养，不占用教学时间",
        holiday=True,
    ),
    B(
        "V03",
        -2,
        6,
        ("09:00", "12:00"),
        "tech_promotion",
        "协作机器人新品推介会（面向社会企业）",
        "promotion",
    ),
    B("E19", -2, 6, ("09:00", "12:00"), "tech_promotion", "协作机器人现场演示", "promotion"),
    B("V11", -4, 6, ("13:00", "16:30"), "employee_training", "养老护理员岗位技能培训（第二期）"),
    B(
        "V02",
        -1,
        6,
        ("08:30", "16:30"),
        "employee_training",
        "企业员工数控操作技能提升培训",
        "joint",
    ),
    B("V06", -1, 3, EVENING, "production", "企业数据标注外包项目", "sharing"),
    B("E09", -6, 5, EVENING, "maintenance", "三坐标测量机年度计量校准"),
    B(
        "V10",
        -3,
        6,
        ("08:30", "16:30"),
        "employee_training",
        "企业新员工仓储作业岗前培训",
        "contracting",
    ),
    B(
        "V09",
        -2,
        7,
        ("19:00", "22:00"),
        "production",
        "大促返场直播（企业项目）",
        reason="企业大促直播档期，学生轮班参与，经二级学院批准",
    ),
    B("V12", -5, 6, ("09:00", "11:30"), "tech_promotion", "智能制造新技术宣讲会"),
    B("V01", 1, 6, DAY, "production", "企业订单生产（周六加班）", "base"),
    B("V07", 1, 6, MORNING, "employee_training", "企业售后技师高压安全作业培训"),
    B("E26", 2, 6, ("13:00", "16:00"), "maintenance", "GPU 集群固件升级"),
)

# Lines whose past bookings of the last days are left for their bookers to confirm.
UNCONFIRMED = ("V09", "V12", "E41")
PRODUCTION_NOTES = {
    "V01": "精密轴类零件，一次交验合格率99.2%",
    "E01": "轴类零件车削，合格率99.5%",
    "E02": "箱体类零件铣削，合格率98.8%",
    "V05": "完成企业小程序迭代任务",
    "V06": "完成企业数据清洗与标注批次",
    "E26": "完成企业数据处理批次",
    "V09": "直播场次完成，成交订单如数记录",
    "E41": "直播场次完成",
    "E08": "五轴试制零件通过企业检验",
}
