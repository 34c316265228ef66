"""Deterministic synthetic people for the demo college: names, valid ID numbers, phones.

Everything is drawn from one seeded random generator, so the same seed gives the same college.
The ID numbers are valid by GB 11643 (check character, real birth dates) but made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from tandem.kit.identifiers import id_check_character

SURNAMES = "".join(
    [
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡",
        "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯",
        "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
    ]
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "华",
    "鑫",
    "宇",
    "浩",
    "婷",
    "欣怡",
    "子涵",
    "梓轩",
    "一诺",
    "浩然",
    "思远",
    "雨桐",
    "佳怡",
    "俊杰",
    "嘉欣",
    "子豪",
    "梦瑶",
    "晨曦",
    "文博",
    "诗琪",
    "志强",
    "海燕",
    "建华",
    "晓东",
    "丹丹",
    "博文",
    "雅婷",
    "天佑",
    "可馨",
    "宇航",
]
# Districts of Guangdong (GB/T 2260), where most of the demo college's students come from.
REGIONS = [
    "440103",
    "440104",
    "440105",
    "440106",
    "440111",
    "440112",
    "440113",
    "440114",
    "440303",
    "440304",
    "440604",
    "440605",
    "441302",
    "441900",
    "442000",
    "445102",
]
TITLES = ["助教", "讲师", "讲师", "讲师", "副教授", "副教授", "教授", "高级工程师", "实验师"]

# (department code, major code, Chinese name, English name, subjects its teachers cover)
MAJORS = [
    ("MECH", "460103", "数控技术", "CNC Technology", "数控编程, 机械制图, 加工工艺"),
    ("MECH", "460305", "工业机器人技术", "Industrial Robotics", "机器人编程, PLC, 传感器"),
    ("MECH", "460301", "机电一体化技术", "Mechatronics", "电气控制, PLC, 液压与气动"),
    ("INFO", "510203", "软件技术", "Software Technology", "Java, Web 前端, 数据库"),
    ("INFO", "510205", "大数据技术", "Big Data Technology", "Python, Hadoop, 数据分析"),
    ("INFO", "510302", "计算机网络技术", "Computer Networking", "网络工程, 信息安全, Linux"),
    ("AUTO", "460702", "新能源汽车技术", "New Energy Vehicle Technology", "动力电池, 电机控制"),
    (
        "AUTO",
        "500211",
        "汽车检测与维修技术",
        "Automotive Inspection and Repair",
        "汽车电器, 故障诊断",
    ),
    ("BIZ", "530701", "电子商务", "E-commerce", "网店运营, 直播营销, 客户服务"),
    ("BIZ", "530802", "现代物流管理", "Modern Logistics Management", "仓储管理, 供应链, 物流信息"),
    ("CIVIL", "440301", "建筑工程技术", "Building Construction", "建筑施工, BIM, 工程测量"),
    ("CIVIL", "440501", "工程造价", "Construction Cost Engineering", "工程计量, 造价软件"),
    ("HEALTH", "520201", "护理", "Nursing", "基础护理, 内科护理, 急救"),
    ("HEALTH", "520802", "智慧健康养老服务与管理", "Elderly Care Services", "老年护理, 康复"),
]
COHORTS = [2024, 2025, 2026]

# The three teachers of each demo major have their own expertise (field tags, comma separated),
# so that enterprises' R&D problems and training topics find the teachers who fit.
TEACHER_SUBJECTS = {
    "460103": (
        "数控技术, 数控编程, 加工工艺",
        "数控技术, 五轴加工, CAM 编程",
        "精密测量, 机械制图, 质量检测",
    ),
    "460305": (
        "工业机器人, 机器人编程, 离线编程",
        "工业机器人, 机器视觉, 传感器",
        "PLC, 电气自动化, 工业网络",
    ),
    "460301": (
        "机电一体化, 电气控制, PLC",
        "液压与气动, 设备维修, 装配调试",
        "电气自动化, 变频器, 电机拖动",
    ),
    "510203": (
        "软件开发, Java, 数据库",
        "Web 前端, 小程序开发, 软件测试",
        "软件开发, Python, 系统集成",
    ),
    "510205": (
        "大数据, 数据分析, Python",
        "大数据, Hadoop, 数据挖掘",
        "人工智能, 机器学习, 数据分析",
    ),
    "510302": (
        "网络工程, 路由交换, Linux",
        "信息安全, 网络安全, 等级保护",
        "云计算, 虚拟化, 运维自动化",
    ),
    "460702": (
        "新能源汽车, 动力电池, 电池管理系统",
        "新能源汽车, 电机控制, 高压安全",
        "智能网联汽车, 车载网络, 传感器",
    ),
    "500211": (
        "汽车检测, 故障诊断, 汽车电器",
        "汽车维修, 发动机, 底盘",
        "新能源汽车, 故障诊断, 汽车服务",
    ),
    "530701": (
        "电子商务, 网店运营, 跨境电商",
        "直播营销, 新媒体营销, 电子商务",
        "客户服务, 电子商务, 数据化运营",
    ),
    "530802": (
        "物流管理, 仓储管理, 智慧物流",
        "供应链管理, 物流信息, 采购管理",
        "物流管理, 配送管理, 冷链物流",
    ),
    "440301": (
        "建筑施工, 施工组织, 工程测量",
        "BIM, 装配式建筑, 建筑施工",
        "工程测量, 无人机测绘, 建筑施工",
    ),
    "440501": (
        "工程造价, 工程计量, 造价软件",
        "工程造价, 招投标, 合同管理",
        "BIM, 工程造价, 项目管理",
    ),
    "520201": ("护理, 基础护理, 内科护理", "护理, 急救, 急危重症护理", "护理, 康复护理, 社区护理"),
    "520802": (
        "养老护理, 老年照护, 失智照护",
        "老年康复, 康复评定, 康复训练",
        "养老服务管理, 健康管理, 养老护理",
    ),
}


def teacher_subjects(row: tuple[str, ...], seat: int) -> str:
    """The expertise of the ``seat``-th (0, 1, 2) teacher of a major (the major's subjects for
    majors without their own list)."""
    subjects = TEACHER_SUBJECTS.get(row[1])
    return subjects[seat % len(subjects)] if subjects else row[4]


# The large demo (benchmark-scale college): two more departments and 26 more majors, so that it
# has 8 departments and 40 majors (MAJORS + EXTRA_MAJORS). The default demo does not use them.
EXTRA_DEPARTMENTS = [
    ("ART", "艺术设计学院", "School of Art and Design"),
    ("TOUR", "旅游与酒店管理学院", "School of Tourism and Hospitality"),
]
EXTRA_MAJORS = [
    ("MECH", "460101", "机械设计与制造", "Mechanical Design and Manufacturing", "机械设计, CAD"),
    ("MECH", "460104", "模具设计与制造", "Mould Design and Manufacturing", "模具设计, 注塑工艺"),
    ("MECH", "460306", "电气自动化技术", "Electrical Automation", "电机拖动, PLC, 变频器"),
    ("INFO", "510201", "计算机应用技术", "Computer Applications", "程序设计, 多媒体"),
    ("INFO", "510206", "云计算技术应用", "Cloud Computing", "虚拟化, 容器, 运维"),
    ("INFO", "510209", "人工智能技术应用", "Applied Artificial Intelligence", "机器学习, Python"),
    ("INFO", "510207", "信息安全技术应用", "Information Security", "渗透测试, 安全运维"),
    ("AUTO", "460701", "汽车制造与试验技术", "Automobile Manufacturing", "汽车构造, 试验技术"),
    ("AUTO", "460704", "智能网联汽车技术", "Intelligent Connected Vehicles", "车载网络, 传感器"),
    ("BIZ", "530302", "大数据与会计", "Big Data and Accounting", "财务会计, 税务, 财务软件"),
    ("BIZ", "530605", "市场营销", "Marketing", "市场调研, 销售管理, 新媒体营销"),
    ("BIZ", "530201", "金融服务与管理", "Financial Services and Management", "金融基础, 保险"),
    ("CIVIL", "440102", "建筑室内设计", "Interior Design", "室内设计, 3ds Max, 软装"),
    ("CIVIL", "440502", "建设工程管理", "Construction Project Management", "项目管理, 招投标"),
    ("HEALTH", "520202", "助产", "Midwifery", "助产技术, 妇产科护理"),
    ("HEALTH", "520601", "康复治疗技术", "Rehabilitation Therapy", "运动治疗, 康复评定"),
    ("HEALTH", "520301", "药学", "Pharmacy", "药理学, 药剂学, 药事管理"),
    ("ART", "550101", "艺术设计", "Art and Design", "设计基础, 色彩, 构成"),
    ("ART", "550102", "视觉传达设计", "Visual Communication Design", "平面设计, 字体设计"),
    ("ART", "550103", "数字媒体艺术设计", "Digital Media Art", "影视后期, 三维动画"),
    ("ART", "550106", "环境艺术设计", "Environmental Art Design", "景观设计, 效果图"),
    ("ART", "550113", "产品艺术设计", "Product Design", "产品造型, 人机工程"),
    ("TOUR", "540101", "旅游管理", "Tourism Management", "导游业务, 景区管理"),
    ("TOUR", "540106", "酒店管理与数字化运营", "Hotel Management", "前厅客房, 收益管理"),
    ("TOUR", "540202", "烹饪工艺与营养", "Culinary Arts and Nutrition", "中式烹调, 营养配餐"),
    ("TOUR", "540111", "会展策划与管理", "Exhibition Planning and Management", "会展策划"),
]


@dataclass(frozen=True)
class PersonDraft:
    number: str
    name: str
    gender: str
    birth_date: date
    id_number: str
    phone: str


def chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "135", "136", "137", "150", "158", "186", "188", "199"])
        + f"{rng.randrange(10**8):08d}"
    )


def id_number(rng: random.Random, birth: date, gender: str) -> str:
    """A valid 18-character number: region, birth date, sequence (odd for men), check."""
    sequence = rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def student_draft(rng: random.Random, *, cohort: int, number: str) -> PersonDraft:
    """Most enrol at 18; about one in eight at 15–16 (from secondary vocational schools)."""
    age_at_entry = rng.choice([15, 16]) if rng.random() < 0.125 else rng.choice([17, 18, 18, 19])
    birth = date(cohort - age_at_entry, 9, 1) - timedelta(days=rng.randrange(365))
    gender = rng.choice("FM")
    return PersonDraft(
        number, chinese_name(rng), gender, birth, id_number(rng, birth, gender), phone(rng)
    )
