"""Deterministic synthetic partner enterprises with valid Unified Social Credit Codes."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tandem.kit.identifiers import USCC_CHARSET, uscc_check_character

CITIES = [
    ("广州", "440106"),
    ("深圳", "440305"),
    ("佛山", "440604"),
    ("东莞", "441900"),
    ("中山", "442000"),
    ("珠海", "440402"),
    ("惠州", "441302"),
    ("江门", "440703"),
]
# (name stem, industry section, detail, majors it wants, kind of business)
BUSINESSES = [
    ("智能装备", "C", "通用设备制造", "MECH"),
    ("精密机械", "C", "专用设备制造", "MECH"),
    ("机器人", "C", "工业机器人制造", "MECH"),
    ("数控机床", "C", "金属加工机械制造", "MECH"),
    ("软件", "I", "软件开发", "INFO"),
    ("信息技术", "I", "信息系统集成服务", "INFO"),
    ("云计算", "I", "互联网数据服务", "INFO"),
    ("网络科技", "I", "互联网信息服务", "INFO"),
    ("新能源汽车", "C", "汽车整车制造", "AUTO"),
    ("汽车服务", "O", "汽车修理与维护", "AUTO"),
    ("动力电池", "C", "电池制造", "AUTO"),
    ("电子商务", "F", "互联网零售", "BIZ"),
    ("供应链管理", "G", "供应链管理服务", "BIZ"),
    ("物流", "G", "仓储业", "BIZ"),
    ("建设工程", "E", "房屋建筑业", "CIVIL"),
    ("工程咨询", "M", "工程管理服务", "CIVIL"),
    ("医疗健康", "Q", "医院", "HEALTH"),
    ("养老服务", "Q", "老年人养护服务", "HEALTH"),
]
# More kinds of business for the large demo's two extra departments (the default demo keeps
# BUSINESSES alone, so that it stays the same for the same seed).
EXTRA_BUSINESSES = [
    ("设计", "M", "专业设计服务", "ART"),
    ("广告传媒", "L", "广告业", "ART"),
    ("酒店管理", "H", "旅游饭店", "TOUR"),
    ("餐饮", "H", "正餐服务", "TOUR"),
    ("旅游", "L", "旅行社及相关服务", "TOUR"),
    ("会展服务", "L", "会议、展览及相关服务", "TOUR"),
]
PREFIXES = [
    "华",
    "粤",
    "南方",
    "明",
    "新",
    "恒",
    "鸿",
    "达",
    "瑞",
    "远",
    "创",
    "中",
    "嘉",
    "卓",
    "锐",
]
SUFFIXES = ["科技有限公司", "股份有限公司", "有限公司", "集团有限公司"]
KINDS = ["private"] * 6 + ["state_owned"] * 2 + ["foreign_invested"] * 2 + ["public_institution"]
SIZES = ["small", "medium", "medium", "large", "large", "micro"]


@dataclass(frozen=True)
class EnterpriseDraft:
    uscc: str
    name: str
    short_name: str
    kind: str
    industry_section: str
    industry_detail: str
    size_band: str
    region_code: str
    address: str
    department_code: str
    staff_last_year: int
    staff_this_year: int
    certified: bool


def uscc(rng: random.Random, region: str) -> str:
    """A valid code: 9 (registered by market regulation) 1 (enterprise), region, org code, check."""
    body = "91" + region + "".join(rng.choice(USCC_CHARSET) for _ in range(9))
    return body + uscc_check_character(body)


def enterprise_drafts(
    rng: random.Random, count: int, businesses: list[tuple[str, str, str, str]] | None = None
) -> list[EnterpriseDraft]:
    """``count`` enterprises with distinct names, the kinds of business taken in turn."""
    kinds = businesses or BUSINESSES
    drafts: list[EnterpriseDraft] = []
    names: set[str] = set()
    while len(drafts) < count:
        city, region = rng.choice(CITIES)
        stem, section, detail, department = kinds[len(drafts) % len(kinds)]
        short = rng.choice(PREFIXES) + stem
        name = f"{city}{short}{rng.choice(SUFFIXES)}"
        if name in names:
            continue
        names.add(name)
        size = rng.choice(SIZES)
        staff = {"micro": 15, "small": 60, "medium": 280, "large": 1500}[size]
        staff = max(8, int(staff * rng.uniform(0.6, 1.6)))
        drafts.append(
            EnterpriseDraft(
                uscc=uscc(rng, region),
                name=name,
                short_name=short,
                kind=rng.choice(KINDS),
                industry_section=section,
                industry_detail=detail,
                size_band=size,
                region_code=region,
                address=f"{city}市{rng.choice(['科学城', '高新区', '工业园', '开发区'])}"
                f"{rng.randrange(1, 300)}号",
                department_code=department,
                staff_last_year=max(5, int(staff * rng.uniform(0.85, 1.1))),
                staff_this_year=staff,
                certified=rng.random() < 0.15,
            )
        )
    return drafts
