"""The bookings of the generated year (see :mod:`tandem.demo.resources_large`): a timetable
of slots per resource and day, so that a resource is never booked twice at the same time, and
rows written in chunks."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from tandem.resource.core.calendar import WorkingCalendar
from tandem.resource.models import Booking

Progress = Callable[[int, int], None]
CHUNK = 20_000
# Rows go straight to the driver's executemany (the ORM's bulk path splits versioned rows into
# many statements, and converting every parameter costs more than the insert itself).
BOOKING_TABLE: Table = Booking.__table__  # type: ignore[assignment]
COLUMNS = (
    "college_id",
    "venue_id",
    "equipment_id",
    "series_id",
    "purpose",
    "title",
    "day",
    "start_min",
    "end_min",
    "minutes",
    "units",
    "status",
    "outside_hours",
    "outside_hours_reason",
    "agreement_id",
    "partnership_id",
    "booked_by_user_id",
    "booked_by_label",
    "created_at",
    "cancelled_at",
    "cancel_reason",
    "usage",
    "used_minutes",
    "output_quantity",
    "output_note",
    "confirmed_by_label",
    "confirmed_at",
    "version",
)
CONVERTED = ("day", "created_at", "cancelled_at", "confirmed_at", "outside_hours")
ACTOR_LABEL = "demo"

# Slots of the day: [start, end) minutes after midnight. 5 is after closing time.
SLOTS = [(480, 580), (600, 700), (840, 940), (960, 1060), (1140, 1240), (1270, 1350)]
BLOCKS = [(0, 1), (2, 3), (0, 1, 2, 3)]  # production: morning, afternoon, the whole day
SESSIONS = [(0, 1), (2, 3), (4,)]  # teaching and training: morning, afternoon, evening
LATE = 5

PROFILES = {  # shares of teaching, production, employee training, promotion, maintenance
    "teaching": (0.78, 0.06, 0.10, 0.02, 0.04),
    "production": (0.30, 0.52, 0.10, 0.03, 0.05),
    "training": (0.35, 0.08, 0.45, 0.08, 0.04),
}
PURPOSES = ("teaching", "production", "employee_training", "tech_promotion", "maintenance")
TITLES = {
    "teaching": ["专业实训课", "课程实验", "技能训练", "毕业设计", "技能竞赛集训"],
    "production": ["订单生产", "来料加工", "试制任务", "批量生产"],
    "employee_training": ["企业员工培训", "新员工岗前培训", "技能等级培训"],
    "tech_promotion": ["新设备推广演示", "新技术培训会"],
    "maintenance": ["设备保养", "定期检修"],
}
OUTSIDE_REASONS = [
    "企业订单交期紧，周末加班生产",
    "员工培训只能安排在下班后",
    "技能竞赛集训",
    "假期生产任务",
]


class BookedResource:
    """A venue or an equipment line to book: its capacity, first day and kind of use."""

    __slots__ = ("capacity", "id", "kind", "partnership_id", "profile", "start")

    def __init__(
        self,
        kind: str,
        id: int,
        capacity: int,
        start: date,
        profile: str,
        partnership_id: int | None,
    ) -> None:
        self.kind, self.id, self.capacity, self.start = kind, id, capacity, start
        self.profile, self.partnership_id = profile, partnership_id


class Writer:
    """Collects booking rows and inserts them CHUNK at a time."""

    def __init__(
        self,
        session: Session,
        college_id: int,
        total: int,
        progress: Progress | None,
        now: datetime,
    ) -> None:
        self.session, self.college_id, self.total, self.progress, self.now = (
            session,
            college_id,
            total,
            progress,
            now,
        )
        self.rows: list[dict[str, Any]] = []
        self.counts = {"bookings": 0, "used": 0, "no_show": 0, "cancelled": 0, "outside_hours": 0}
        self._sql: str | None = None
        self._convert: dict[str, tuple[Callable[[Any], Any], dict[Any, Any]]] = {}

    def _prepare(self, dialect: Dialect) -> None:
        """One INSERT in the driver's own parameter style, and the bind processors of the date
        and time columns (their values repeat, so each is converted once)."""
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        columns, markers = ", ".join(COLUMNS), ", ".join([marker] * len(COLUMNS))
        # Only this module's constant names: no outside text reaches the statement.
        self._sql = f"INSERT INTO {BOOKING_TABLE.name} ({columns}) VALUES ({markers})"  # noqa: S608
        for name in CONVERTED:
            column_type = BOOKING_TABLE.c[name].type
            processor = column_type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._convert[name] = (processor, {})

    def _values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        values = []
        for name in COLUMNS:
            value = row[name]
            if value is not None and name in self._convert:
                processor, seen = self._convert[name]
                if value not in seen:
                    seen[value] = processor(value)
                value = seen[value]
            values.append(value)
        return tuple(values)

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.counts["bookings"] += 1
        if row["status"] == "cancelled":
            self.counts["cancelled"] += 1
        elif row["usage"] in ("used", "no_show"):
            self.counts[row["usage"]] += 1
        if row["outside_hours"]:
            self.counts["outside_hours"] += 1
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            connection = self.session.connection()
            if self._sql is None:
                self._prepare(connection.dialect)
            assert self._sql is not None  # noqa: S101 - set just above
            connection.exec_driver_sql(self._sql, [self._values(row) for row in self.rows])
            self.rows = []
        if self.progress is not None:
            self.progress(self.counts["bookings"], self.total)


class _Year:
    """The year's days: which standard slots fit each day's opening hours."""

    def __init__(self, calendar: WorkingCalendar, first: date) -> None:
        self.calendar = calendar
        self.days = [first + timedelta(days=i) for i in range(365)]
        self.fit: list[tuple[int, ...]] = []
        for day in self.days:
            window = calendar.window(day)
            self.fit.append(
                tuple(
                    s
                    for s in range(LATE)
                    if window is not None and window[0] <= SLOTS[s][0] and SLOTS[s][1] <= window[1]
                )
                if window is not None
                else ()
            )
        # Cells (day, standard slot) open from each day to the end of the year.
        self.cells_from = [0] * 366
        for index in range(364, -1, -1):
            self.cells_from[index] = self.cells_from[index + 1] + len(self.fit[index])
        self.weekdays = [i for i, day in enumerate(self.days) if day.weekday() < 5 and self.fit[i]]
        self.saturdays = [
            i for i, day in enumerate(self.days) if day.weekday() == 5 and self.fit[i]
        ]
        self.closed = [i for i in range(365) if not self.fit[i]]

    def start_index(self, start: date) -> int:
        return max(0, (start - self.days[0]).days)


def _targets(
    rng: random.Random, year: _Year, resources: Sequence[BookedResource], total: int
) -> list[int]:
    """Bookings per resource: a skewed share of ``total``, at most 40 % of its open slots
    (most bookings take two slots: a morning, an afternoon)."""
    weights = [
        rng.lognormvariate(0, 1.1) * (0.03 if rng.random() < 0.1 else 1.0) for _ in resources
    ]
    caps = [year.cells_from[min(365, year.start_index(r.start))] * 2 // 5 for r in resources]
    whole = sum(weights) or 1.0
    targets = [min(cap, int(total * w / whole)) for cap, w in zip(caps, weights, strict=True)]
    leftover = total - sum(targets)
    while leftover > 0:
        roomy = [i for i, (t, cap) in enumerate(zip(targets, caps, strict=True)) if t < cap]
        if not roomy:
            break
        each = max(1, math.ceil(leftover / len(roomy)))
        for i in roomy:
            extra = min(each, caps[i] - targets[i], leftover)
            targets[i] += extra
            leftover -= extra
            if leftover == 0:
                break
    return targets


def book_year(
    rng: random.Random,
    writer: Writer,
    resources: Sequence[BookedResource],
    calendar: WorkingCalendar,
    first: date,
    today: date,
    total: int,
    partners: Sequence[int],
) -> None:
    year = _Year(calendar, first)
    for resource, count in zip(resources, _targets(rng, year, resources, total), strict=True):
        if count:
            _book_resource(rng, writer, year, resource, count, today, partners)


def _book_resource(
    rng: random.Random,
    writer: Writer,
    year: _Year,
    resource: BookedResource,
    count: int,
    today: date,
    partners: Sequence[int],
) -> None:
    start = year.start_index(resource.start)
    taken: dict[int, int] = {}
    shares = PROFILES[resource.profile]
    outside = round(count * 0.025)
    plan = {p: int(count * s) for p, s in zip(PURPOSES, shares, strict=True)}
    plan["teaching"] += count - outside - sum(plan.values())

    def free(day: int, slots: Sequence[int]) -> bool:
        mask = taken.get(day, 0)
        return not any(mask >> s & 1 for s in slots)

    def put(day: int, slots: Sequence[int], purpose: str) -> None:
        mask = taken.get(day, 0)
        for s in slots:
            mask |= 1 << s
        taken[day] = mask
        writer.add(_row(rng, writer, resource, purpose, year, day, slots, today, partners))

    placed = _teaching(rng, year, resource, start, plan.pop("teaching"), put)
    missing = 0
    for purpose, wanted in plan.items():
        for _ in range(wanted):
            if not _one(rng, year, start, purpose, free, put):
                missing += 1
    for _ in range(outside):
        purpose = "production" if rng.random() < 0.7 else "employee_training"
        if year.closed and rng.random() < 0.5:
            days = [d for d in year.closed if d >= start]
            if days:
                day = rng.choice(days)
                if free(day, BLOCKS[2]):
                    put(day, BLOCKS[2], purpose)
                    continue
        days = year.weekdays
        for _attempt in range(10):
            day = rng.choice(days) if days else start
            if day >= start and free(day, (LATE,)):
                put(day, (LATE,), purpose)
                break
        else:
            missing += 1
    missing += placed
    _fill(rng, year, start, missing, free, put)


def _teaching(
    rng: random.Random,
    year: _Year,
    resource: BookedResource,
    start: int,
    wanted: int,
    put: Callable[[int, Sequence[int], str], None],
) -> int:
    """Weekly teaching in term time: a few (weekday, session) pairs repeated, a session being a
    morning, an afternoon or an evening; returns the shortfall."""
    days = [d for d in year.weekdays if d >= start]
    if not days or wanted <= 0:
        return max(wanted, 0)
    weeks = max(1, len(days) // 5)
    pairs = rng.sample(
        [(w, s) for w in range(5) for s in range(len(SESSIONS))],
        min(15, math.ceil(wanted / weeks)),
        counts=[2, 2, 1] * 5,  # evenings half as often
    )
    by_weekday: dict[int, set[tuple[int, ...]]] = {}
    for weekday, session in pairs:  # a pair drawn twice is taught once
        by_weekday.setdefault(weekday, set()).add(SESSIONS[session])
    occurrences = [
        (day, slots)
        for day in days
        for slots in sorted(by_weekday.get(year.days[day].weekday(), ()))
        if all(slot in year.fit[day] for slot in slots)
    ]
    chosen = rng.sample(occurrences, min(wanted, len(occurrences)))
    for day, slots in chosen:
        put(day, slots, "teaching")
    return wanted - len(chosen)


def _one(
    rng: random.Random,
    year: _Year,
    start: int,
    purpose: str,
    free: Callable[[int, Sequence[int]], bool],
    put: Callable[[int, Sequence[int], str], None],
) -> bool:
    """One booking of ``purpose`` in a free slot (a few random tries)."""
    for _attempt in range(12):
        if purpose == "employee_training" and year.saturdays and rng.random() < 0.5:
            day = rng.choice(year.saturdays)
        elif year.weekdays:
            day = rng.choice(year.weekdays)
        else:
            return False
        if day < start:
            continue
        fit = year.fit[day]
        if purpose == "production":
            slots: Sequence[int] = rng.choice((*BLOCKS, BLOCKS[2]))  # whole days more often
        elif purpose in ("employee_training", "tech_promotion"):
            slots = rng.choice(SESSIONS)
        else:
            slots = (rng.choice(fit),)
        if all(s in fit for s in slots) and free(day, slots):
            put(day, slots, purpose)
            return True
    return False


def _fill(
    rng: random.Random,
    year: _Year,
    start: int,
    missing: int,
    free: Callable[[int, Sequence[int]], bool],
    put: Callable[[int, Sequence[int], str], None],
) -> None:
    """Whatever random tries did not place goes into the first free slots from a random day."""
    if missing <= 0:
        return
    span = 365 - start
    if span <= 0:
        return
    offset = rng.randrange(span)
    for step in range(span):
        day = start + (offset + step) % span
        for slot in year.fit[day]:
            if free(day, (slot,)):
                put(day, (slot,), rng.choice(("teaching", "maintenance")))
                missing -= 1
                if missing == 0:
                    return


def _row(
    rng: random.Random,
    writer: Writer,
    resource: BookedResource,
    purpose: str,
    year: _Year,
    day_index: int,
    slots: Sequence[int],
    today: date,
    partners: Sequence[int],
) -> dict[str, Any]:
    day = year.days[day_index]
    start_min, end_min = SLOTS[slots[0]][0], SLOTS[slots[-1]][1]
    minutes = end_min - start_min
    capacity = resource.capacity
    if resource.kind == "venue" or purpose == "maintenance":
        units = 1
    elif purpose == "teaching":  # a class uses most of a set of benches
        units = rng.randint(max(1, math.ceil(capacity * 0.7)), capacity)
    else:
        units = rng.randint(max(1, capacity // 2), capacity)
    outside = year.calendar.outside(day, start_min, end_min) is not None
    cancelled = rng.random() < 0.02
    usage, used_minutes, output = "pending", None, None
    if not cancelled and day < today:
        draw = rng.random()
        if draw < 0.72:
            usage = "used"
            used_minutes = minutes if rng.random() < 0.8 else minutes - rng.choice((10, 20, 30))
            if purpose == "production":
                output = rng.randint(20, 400)
        elif draw < 0.80:
            usage = "no_show"
    partnership_id = resource.partnership_id if purpose != "teaching" else None
    if partnership_id is None and purpose == "production" and partners and rng.random() < 0.5:
        partnership_id = rng.choice(partners)
    now = writer.now
    return {
        "college_id": writer.college_id,
        "venue_id": resource.id if resource.kind == "venue" else None,
        "equipment_id": resource.id if resource.kind == "equipment" else None,
        "series_id": None,
        "purpose": purpose,
        "title": rng.choice(TITLES[purpose]),
        "day": day,
        "start_min": start_min,
        "end_min": end_min,
        "minutes": minutes,
        "units": units,
        "status": "cancelled" if cancelled else "booked",
        "outside_hours": outside,
        "outside_hours_reason": rng.choice(OUTSIDE_REASONS) if outside else "",
        "agreement_id": None,
        "partnership_id": partnership_id,
        "booked_by_user_id": None,
        "booked_by_label": ACTOR_LABEL,
        "created_at": now,
        "cancelled_at": now if cancelled else None,
        "cancel_reason": "课程调整" if cancelled else "",
        "usage": usage,
        "used_minutes": used_minutes,
        "output_quantity": output,
        "output_note": "",
        "confirmed_by_label": ACTOR_LABEL if usage != "pending" else "",
        "confirmed_at": now if usage != "pending" else None,
        "version": 1,
    }
