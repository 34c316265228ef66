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
