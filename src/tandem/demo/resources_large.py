"""A year of shared resources at benchmark scale: ~150 venues, ~2,000 equipment lines and
~500,000 bookings in one college (the large demo and ``bench/resources/utilisation.py``).

``generate_year`` draws everything from one seeded generator and writes it in bulk
(``session.execute(insert(...), rows)`` in chunks): one service call per booking would take
hours, the bulk path well under a minute on SQLite. What it writes keeps the rules the services
keep:

- a working calendar when the college has none (opening hours, two terms covering the year,
  the fixed public holidays), which decides what is "outside hours";
- training bases, venues (a few closed) and equipment lines of mixed owners: the college's,
  an enterprise's or joint (with the college's share), the enterprise ones tied to the college's
  own partnerships; a few lines retired, some acquired during the year;
- bookings on a timetable of slots (08:00, 10:00, 14:00, 16:00 and 19:00, 100 minutes each;
  production blocks of a half or a whole day; a late slot 21:10–22:30). A resource never has two
  bookings in one slot, and a booking of an equipment line takes at most its quantity of units,
  so there is never an overlap beyond capacity. Teaching repeats weekly in term time; production
  blocks, employee training (Saturdays and evenings), technology promotion and maintenance fill
  other slots; a few bookings lie outside the working calendar (late evenings, Sundays, holidays,
  vacations) and carry a reason. Past bookings are mostly confirmed as used (about 70 %, some with
  fewer minutes than booked, production with its output), some are no-shows, the rest not yet
  confirmed; about 2 % are cancelled;
- an audit entry for every base, venue and equipment line, and one for the bookings as a whole.

Resources differ in how busy they are (a skewed draw), so some are under-used. Codes start with
``prefix`` (default "L"), so a college gets one generated year per prefix.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.college.models import Department
from tandem.demo.resources_large_bookings import (
    ACTOR_LABEL,
    BookedResource,
    Progress,
    Writer,
    book_year,
)
from tandem.kit.dates import local_today
from tandem.kit.orm import utcnow
from tandem.partner.models import Partnership
from tandem.resource.core.calendar import DEFAULT_OPENING, stored_opening
from tandem.resource.models import (
    CalendarTerm,
    Equipment,
    Holiday,
    ResourceSettings,
    TrainingBase,
    Venue,
)
from tandem.resource.workcal import load_calendar

# (name, category, maker, model, value range in CNY, quantity kind, profile)
CATALOGUE = [
    ("数控车床", "机床", "沈阳机床", "CAK6150", (120_000, 350_000), "few", "production"),
    ("立式加工中心", "机床", "大连机床", "VDL850", (300_000, 900_000), "one", "production"),
    ("工业机器人", "机器人", "埃夫特", "ER20", (150_000, 400_000), "few", "teaching"),
    ("焊接机器人", "焊接", "松下", "TA1400", (200_000, 500_000), "one", "production"),
    ("3D打印机", "增材制造", "创想三维", "CR-10", (5_000, 80_000), "some", "teaching"),
    ("PLC实训台", "电气", "亚龙", "YL-235A", (20_000, 60_000), "many", "teaching"),
    ("电工实训台", "电气", "天煌", "THWD-1", (10_000, 30_000), "many", "teaching"),
    ("数字示波器", "电子测量", "普源", "DS1104", (3_000, 20_000), "many", "teaching"),
    ("新能源汽车实训台", "汽车", "比亚迪", "BYD-T3", (80_000, 300_000), "few", "training"),
    ("植保无人机", "无人机", "大疆", "T40", (10_000, 60_000), "some", "training"),
    ("机架式服务器", "信息技术", "华为", "RH2288", (30_000, 120_000), "some", "teaching"),
    ("激光切割机", "机床", "大族激光", "G3015", (200_000, 600_000), "one", "production"),
    ("三坐标测量机", "检测", "海克斯康", "GLOBAL-S", (300_000, 800_000), "one", "production"),
    ("VR实训系统", "虚拟仿真", "HTC", "VIVE-Pro", (20_000, 80_000), "some", "training"),
    ("液压与气动实训台", "机电", "亚龙", "YL-381", (30_000, 80_000), "some", "teaching"),
    ("智能仓储系统", "物流", "新松", "AS-200", (200_000, 600_000), "one", "training"),
]
VENUE_KINDS = [  # (kind, name stem, weight)
    ("workshop", "实训车间", 40),
    ("laboratory", "实验室", 25),
    ("simulated_site", "仿真实训室", 10),
    ("productive_base", "生产性实训基地", 10),
    ("classroom", "理实一体化教室", 15),
]
BUILDINGS = ["实训楼A", "实训楼B", "实训楼C", "工程训练中心", "产教融合园", "信息楼"]
FIXED_HOLIDAYS = [(1, 1), (5, 1), (5, 2), (5, 3), (10, 1), (10, 2), (10, 3), (10, 4), (10, 5)]


def _quantity(rng: random.Random, kind: str) -> int:
    if kind == "one":
        return 1
    if kind == "few":
        return rng.choice([1, 1, 2, 3, 4])
    if kind == "some":
        return rng.randint(2, 10)
    return rng.randint(8, 40)


def _audit(
    entity_type: str,
    entity_id: int,
    college_id: int,
    summary: str,
    after: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    return {
        "occurred_at": now,
        "college_id": college_id,
        "actor_user_id": None,
        "actor_label": ACTOR_LABEL,
        "action": "create",
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "summary": summary[:300],
        "changes": {k: [None, v] for k, v in after.items()},
    }


def ensure_calendar(session: Session, *, college_id: int, first: date) -> dict[str, int]:
    """Opening hours, two terms over the year from ``first`` and the fixed public holidays,
    for whatever the college has not recorded yet."""
    made = {"terms": 0, "holidays": 0}
    if (
        session.scalar(select(ResourceSettings.id).where(ResourceSettings.college_id == college_id))
        is None
    ):
        session.add(
            ResourceSettings(college_id=college_id, opening_hours=stored_opening(DEFAULT_OPENING))
        )
    last = first + timedelta(days=364)
    terms = session.scalars(
        select(CalendarTerm).where(
            CalendarTerm.college_id == college_id,
            CalendarTerm.starts_on <= last,
            CalendarTerm.ends_on >= first,
        )
    ).first()
    if terms is None:
        for number, (start, weeks) in enumerate([(0, 19), (24, 19)], start=1):
            starts_on = first + timedelta(weeks=start)
            session.add(
                CalendarTerm(
                    college_id=college_id,
                    name=f"{first.isoformat()}-{number}",
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(weeks=weeks, days=-1),
                )
            )
            made["terms"] += 1
    known = set(session.scalars(select(Holiday.day).where(Holiday.college_id == college_id)))
    for year in (first.year, last.year):
        for month, day in FIXED_HOLIDAYS:
            holiday = date(year, month, day)
            if first <= holiday <= last and holiday not in known:
                session.add(Holiday(college_id=college_id, day=holiday, name="法定节假日"))
                known.add(holiday)
                made["holidays"] += 1
    session.flush()
    return made


def generate_year(
    session: Session,
    *,
    college_id: int,
    first: date,
    venues: int = 150,
    equipment: int = 2000,
    bookings: int = 500_000,
    seed: int = 7,
    progress: Progress | None = None,
    partnership_ids: Sequence[int] | None = None,
    bases: int = 12,
    prefix: str = "L",
    today: date | None = None,
) -> dict[str, int]:
    """Write a year (``first`` and the 364 days after it) of resources and bookings into
    ``college_id``; returns what was made. Flushes, never commits."""
    rng = random.Random(seed)
    today = today or local_today()
    now = utcnow()
    counts = {"bases": 0, "venues": 0, "equipment": 0, "bookings": 0}
    counts.update(ensure_calendar(session, college_id=college_id, first=first))
    calendar = load_calendar(session, college_id=college_id)
    if partnership_ids is None:
        partnership_ids = list(
            session.scalars(
                select(Partnership.id)
                .where(Partnership.college_id == college_id)
                .order_by(Partnership.id)
            )
        )
    partners = list(partnership_ids)
    departments: list[int | None] = list(
        session.scalars(select(Department.id).where(Department.college_id == college_id))
    ) or [None]
    audits: list[dict[str, Any]] = []

    base_rows: list[dict[str, Any]] = [
        {
            "college_id": college_id,
            "code": f"{prefix}B{n:02d}",
            "name": f"生产性实训基地{n:02d}",
            "kind": "on_campus",
            "partnership_id": rng.choice(partners) if partners and rng.random() < 0.6 else None,
            "department_id": rng.choice(departments),
            "address": "校内",
            "founded_on": first - timedelta(days=rng.randint(200, 3000)),
            "workstations": rng.randint(40, 200),
            "host_staff_on_post": rng.randint(5, 60),
            "projects": "",
            "lodging": False,
            "status": "active",
            "note": "",
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n in range(1, bases + 1)
    ]
    base_ids = _insert(session, TrainingBase, base_rows)
    audits += [
        _audit(
            "training_base", i, college_id, r["code"], {"code": r["code"], "name": r["name"]}, now
        )
        for i, r in zip(base_ids, base_rows, strict=True)
    ]

    venue_rows: list[dict[str, Any]] = []
    for n in range(1, venues + 1):
        kind, stem, _ = rng.choices(VENUE_KINDS, weights=[k[2] for k in VENUE_KINDS])[0]
        owned = kind == "productive_base" and partners and rng.random() < 0.5
        venue_rows.append(
            {
                "college_id": college_id,
                "code": f"{prefix}V{n:04d}",
                "name": f"{stem}{n:03d}",
                "building": rng.choice(BUILDINGS),
                "kind": kind,
                "area_m2": Decimal(rng.randint(60, 1200)),
                "workstations": rng.randint(20, 80),
                "ownership": "enterprise" if owned else "college",
                "partnership_id": rng.choice(partners) if owned else None,
                "department_id": rng.choice(departments),
                "base_id": (
                    rng.choice(base_ids)
                    if base_ids
                    and (kind in ("productive_base", "simulated_site") or rng.random() < 0.2)
                    else None
                ),
                "status": "closed" if rng.random() < 0.02 else "active",
                "note": "",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    venue_ids = _insert(session, Venue, venue_rows)
    audits += [
        _audit("venue", i, college_id, r["code"], {"code": r["code"], "name": r["name"]}, now)
        for i, r in zip(venue_ids, venue_rows, strict=True)
    ]
    open_venues = [
        (i, r) for i, r in zip(venue_ids, venue_rows, strict=True) if r["status"] == "active"
    ]

    equipment_rows: list[dict[str, Any]] = []
    profiles: list[str] = []
    for n in range(1, equipment + 1):
        name, category, maker, model, (low, high), qty_kind, profile = rng.choice(CATALOGUE)
        draw = rng.random()
        ownership = (
            "college" if not partners or draw < 0.6 else "enterprise" if draw < 0.85 else "joint"
        )
        venue_id, venue = (
            rng.choice(open_venues) if open_venues and rng.random() < 0.92 else (None, None)
        )
        acquired = (
            first + timedelta(days=rng.randint(0, 300))
            if rng.random() < 0.12
            else first - timedelta(days=rng.randint(30, 3000))
        )
        status_draw = rng.random()
        equipment_rows.append(
            {
                "college_id": college_id,
                "asset_tag": f"{prefix}E{n:05d}",
                "name": name,
                "model": model,
                "maker": maker,
                "category": category,
                "quantity": _quantity(rng, qty_kind),
                "ownership": ownership,
                "partnership_id": rng.choice(partners) if ownership != "college" else None,
                "college_share_pct": Decimal(
                    100
                    if ownership == "college"
                    else 0
                    if ownership == "enterprise"
                    else rng.choice([30, 40, 50, 60])
                ),
                "acquisition": (
                    rng.choice(["purchased", "purchased", "donated"])
                    if ownership == "college"
                    else rng.choice(["lent", "donated", "quasi_donated"])
                ),
                "value_cny": Decimal(rng.randint(low // 100, high // 100) * 100),
                "acquired_on": acquired,
                "venue_id": venue_id,
                "department_id": venue["department_id"] if venue else rng.choice(departments),
                "status": (
                    "retired"
                    if status_draw < 0.02
                    else "maintenance"
                    if status_draw < 0.04
                    else "idle"
                    if status_draw < 0.07
                    else "in_use"
                ),
                "teaching_hour_value_cny": (
                    Decimal(rng.choice([80, 120, 150, 200]))
                    if ownership != "college" and rng.random() < 0.3
                    else None
                ),
                "note": "",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        profiles.append(profile)
    equipment_ids = _insert(session, Equipment, equipment_rows)
    audits += [
        _audit(
            "equipment",
            i,
            college_id,
            r["asset_tag"],
            {"asset_tag": r["asset_tag"], "name": r["name"]},
            now,
        )
        for i, r in zip(equipment_ids, equipment_rows, strict=True)
    ]
    counts.update(bases=len(base_ids), venues=len(venue_ids), equipment=len(equipment_ids))

    resources: list[BookedResource] = [
        BookedResource(
            "venue",
            i,
            1,
            first,
            "training"
            if r["kind"] == "simulated_site"
            else "production"
            if r["kind"] == "productive_base"
            else "teaching",
            r["partnership_id"],
        )
        for i, r in zip(venue_ids, venue_rows, strict=True)
        if r["status"] == "active"
    ]
    resources += [
        BookedResource(
            "equipment",
            i,
            r["quantity"],
            max(first, r["acquired_on"]),
            profile,
            r["partnership_id"],
        )
        for i, r, profile in zip(equipment_ids, equipment_rows, profiles, strict=True)
        if r["status"] != "retired"
    ]
    writer = Writer(session, college_id, bookings, progress, now)
    book_year(rng, writer, resources, calendar, first, today, bookings, partners)
    writer.flush()
    counts.update(writer.counts)
    audits.append(
        {
            **_audit(
                "booking", 0, college_id, f"{writer.counts['bookings']} demo bookings", {}, now
            ),
            "entity_id": "bulk",
            "changes": {"bookings": [None, writer.counts["bookings"]]},
        }
    )
    session.execute(insert(AuditEntry), audits)
    return counts


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    return list(
        session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    )
