"""The SQL of the utilisation report: the selection's resources as plain rows, and ONE statement
summing the period's bookings per resource and purpose — and per week or month for the time
series — on both SQLite and PostgreSQL (the bucket is the Monday, or the first of the month,
computed with each database's own date functions). Everything is scoped by the actor through
:mod:`tandem.resource.scope`. The measured choices behind the statement are in bench/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    and_,
    case,
    false,
    func,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from tandem.auth.actor import Actor
from tandem.auth.roles import Role
from tandem.college.models import Department
from tandem.partner.models import Enterprise, Partnership
from tandem.resource import scope
from tandem.resource.core.utilisation import (
    Bucketing,
    Grouping,
    ResourceInfo,
    SeriesRow,
    UsageRow,
)
from tandem.resource.kinds import (
    BookingStatus,
    EquipmentStatus,
    ResourceKind,
    UsageStatus,
    VenueStatus,
)
from tandem.resource.models import Booking, Equipment, TrainingBase, Venue

SCAN_DAYS = 90  # from this long a period, SQLite reads the bookings in one pass (unindexed)

# --- the week and the month a day falls in, per database ----------------------------------------


class week_start(FunctionElement[date]):  # noqa: N801 - a SQL function's name
    """The Monday of a date's week, as a date."""

    type = Date()
    inherit_cache = True
    name = "week_start"


class month_start(FunctionElement[date]):  # noqa: N801
    """The first day of a date's month, as a date."""

    type = Date()
    inherit_cache = True
    name = "month_start"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    # 'weekday 0' moves forward to Sunday (or stays on it); six days back is that week's Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(week_start)
def _week_start_default(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start)
def _month_start_default(element: month_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


class unindexed(FunctionElement[Any]):  # noqa: N801
    """A column that SQLite must not look up through an index (``+column``): over months most of
    a college's bookings are read, and one pass over the table beats a look-up per row through
    the (college_id, day) index that SQLite's planner would choose (a year of 500,000 bookings:
    about 0.6 s instead of 1.5 s). Elsewhere the plain column: PostgreSQL decides by its
    statistics."""

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


# --- what is asked -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The period, the grouping and the filters of a utilisation report."""

    first: date
    last: date
    group: Grouping = "college"
    department_id: int | None = None
    base_id: int | None = None
    venue_id: int | None = None
    equipment_id: int | None = None
    kind: ResourceKind | None = None
    ownership: str | None = None
    bucket: Bucketing | None = None

    @property
    def filtered(self) -> bool:
        return any(
            value is not None
            for value in (
                self.department_id,
                self.base_id,
                self.venue_id,
                self.equipment_id,
                self.kind,
                self.ownership,
            )
        )


# --- the selection as SQL conditions -------------------------------------------------------------


def _venue_condition(actor: Actor, college_id: int, sel: Selection) -> ColumnElement[bool]:
    if sel.kind == ResourceKind.EQUIPMENT or sel.equipment_id is not None:
        return false()
    conditions = [
        Venue.college_id == college_id,
        Venue.status != VenueStatus.CLOSED,
        scope.visible(Venue, actor),
    ]
    if sel.venue_id is not None:
        conditions.append(Venue.id == sel.venue_id)
    if sel.base_id is not None:
        conditions.append(Venue.base_id == sel.base_id)
    if sel.department_id is not None:
        conditions.append(Venue.department_id == sel.department_id)
    if sel.ownership is not None:
        conditions.append(Venue.ownership == sel.ownership)
    return and_(*conditions)


def _equipment_condition(actor: Actor, college_id: int, sel: Selection) -> ColumnElement[bool]:
    if sel.kind == ResourceKind.VENUE:
        return false()
    conditions = [
        Equipment.college_id == college_id,
        Equipment.status != EquipmentStatus.RETIRED,
        scope.visible(Equipment, actor),
    ]
    if sel.equipment_id is not None:
        conditions.append(Equipment.id == sel.equipment_id)
    if sel.venue_id is not None:
        conditions.append(Equipment.venue_id == sel.venue_id)
    if sel.base_id is not None:
        conditions.append(
            Equipment.venue_id.in_(select(Venue.id).where(Venue.base_id == sel.base_id))
        )
    if sel.department_id is not None:
        conditions.append(Equipment.department_id == sel.department_id)
    if sel.ownership is not None:
        conditions.append(Equipment.ownership == sel.ownership)
    return and_(*conditions)


def _resource_condition(actor: Actor, college_id: int, sel: Selection) -> ColumnElement[bool]:
    """Bookings of the selection's resources (none retired or closed)."""
    if sel.kind == ResourceKind.VENUE:
        return Booking.venue_id.in_(
            select(Venue.id).where(_venue_condition(actor, college_id, sel))
        )
    if sel.kind == ResourceKind.EQUIPMENT or sel.equipment_id is not None:
        return Booking.equipment_id.in_(
            select(Equipment.id).where(_equipment_condition(actor, college_id, sel))
        )
    # One look-up per booking on the resource key (see usage_rows), not two.
    keys = union_all(
        select(Venue.id).where(_venue_condition(actor, college_id, sel)),
        select(-Equipment.id).where(_equipment_condition(actor, college_id, sel)),
    )
    return resource_key().in_(keys)


def resource_key() -> ColumnElement[int]:
    """One integer per resource: a venue's id, or an equipment line's id negated."""
    return func.coalesce(Booking.venue_id, -Booking.equipment_id)


def _booking_condition(actor: Actor, college_id: int, sel: Selection) -> ColumnElement[bool]:
    """The per-resource sums' condition. Unfiltered, every booking of the college is summed and
    the core drops those of retired or closed resources (cheaper than a semi-join)."""
    if sel.equipment_id is not None:
        return Booking.equipment_id == sel.equipment_id
    if not sel.filtered:
        return true()
    return _resource_condition(actor, college_id, sel)


# --- loading -------------------------------------------------------------------------------------


def load_resources(
    session: Session, *, actor: Actor, college_id: int, selection: Selection
) -> list[ResourceInfo]:
    """The selection's venues and equipment lines as the core needs them (plain rows); a venue
    or base the actor may not see is left out of them (see :func:`_masked`)."""
    # Aliases: scope.visible() has a subquery on the partnership table that must not
    # correlate with the join that names the owner.
    owning = aliased(Partnership)
    owner = aliased(Enterprise)
    venue_rows = session.execute(
        select(
            Venue.id,
            Venue.code,
            Venue.name,
            Venue.department_id,
            Venue.base_id,
            Venue.ownership,
            owner.name.label("owner"),
        )
        .outerjoin(owning, owning.id == Venue.partnership_id)
        .outerjoin(owner, owner.id == owning.enterprise_id)
        .where(_venue_condition(actor, college_id, selection))
    ).all()
    placed = aliased(Venue)
    equipment_rows = session.execute(
        select(
            Equipment.id,
            Equipment.asset_tag,
            Equipment.name,
            Equipment.quantity,
            Equipment.department_id,
            Equipment.venue_id,
            placed.base_id,
            Equipment.ownership,
            Equipment.college_share_pct,
            Equipment.teaching_hour_value_cny,
            Equipment.acquired_on,
            owner.name.label("owner"),
        )
        .outerjoin(placed, placed.id == Equipment.venue_id)
        .outerjoin(owning, owning.id == Equipment.partnership_id)
        .outerjoin(owner, owner.id == owning.enterprise_id)
        .where(_equipment_condition(actor, college_id, selection))
    ).all()
    seen = _seen_places(session, actor=actor, college_id=college_id)
    venue_rows = [_masked(row, seen) for row in venue_rows]
    equipment_rows = [_masked(row, seen) for row in equipment_rows]
    resources = [
        ResourceInfo(
            kind=ResourceKind.VENUE,
            id=row.id,
            label=f"{row.name} ({row.code})",
            capacity=1,
            department_id=row.department_id,
            venue_id=row.id,
            base_id=row.base_id,
            ownership=row.ownership,
            owner=row.owner or "",
        )
        for row in venue_rows
    ]
    resources += [
        ResourceInfo(
            kind=ResourceKind.EQUIPMENT,
            id=row.id,
            label=f"{row.name} ({row.asset_tag})",
            capacity=row.quantity,
            department_id=row.department_id,
            venue_id=row.venue_id,
            base_id=row.base_id,
            ownership=row.ownership,
            college_share_pct=row.college_share_pct,
            teaching_hour_value_cny=row.teaching_hour_value_cny,
            exists_from=row.acquired_on,
            owner=row.owner or "",
        )
        for row in equipment_rows
    ]
    return resources


@dataclass(frozen=True)
class SeenPlaces:
    """The college's venues and training bases a reader from outside it may see."""

    venues: frozenset[int]
    bases: frozenset[int]


def _seen_places(session: Session, *, actor: Actor, college_id: int) -> SeenPlaces | None:
    """None when ``actor`` sees every venue and base of the college (its staff, platform
    administration); else those they may see (an enterprise contact: their enterprise's)."""
    if actor.is_platform_wide or (
        actor.role != Role.ENTERPRISE_CONTACT and actor.college_id == college_id
    ):
        return None
    venues = session.scalars(
        select(Venue.id).where(Venue.college_id == college_id, scope.visible(Venue, actor))
    )
    bases = session.scalars(
        select(TrainingBase.id).where(
            TrainingBase.college_id == college_id, scope.visible(TrainingBase, actor)
        )
    )
    return SeenPlaces(frozenset(venues), frozenset(bases))


def _masked(row: Any, seen: SeenPlaces | None) -> Any:
    """A loaded row without the venue or base the reader may not see: a resource of theirs in
    the college's venue or base is grouped as in none, never under a name they may not know."""
    if seen is None:
        return row
    values = row._asdict()
    if values.get("venue_id") is not None and values["venue_id"] not in seen.venues:
        values["venue_id"] = None
    if values["base_id"] is not None and values["base_id"] not in seen.bases:
        values["base_id"] = None
    return SimpleNamespace(**values)


@dataclass(frozen=True)
class Usage:
    rows: list[UsageRow]  # per resource and purpose
    series: list[SeriesRow]  # per bucket and purpose (empty without a bucket)


def usage_rows(session: Session, *, actor: Actor, college_id: int, selection: Selection) -> Usage:
    """The one aggregation over the period's bookings (status "booked"), as one statement: the
    sums per resource and purpose and, with a bucket, per bucket and purpose over the
    selection's resources (two grouping sets joined by UNION ALL, the same on SQLite and
    PostgreSQL; grouping by resource *and* bucket would return a row per resource and week)."""
    booked = Booking.minutes * Booking.units
    used = case(
        (
            Booking.usage == UsageStatus.USED,
            func.coalesce(Booking.used_minutes, Booking.minutes) * Booking.units,
        ),
        else_=0,
    )
    sums = [
        func.count(),
        func.sum(booked),
        func.sum(used),
        func.sum(case((Booking.usage == UsageStatus.PENDING, booked), else_=0)),
        func.sum(case((Booking.usage == UsageStatus.NO_SHOW, booked), else_=0)),
        func.sum(case((Booking.usage == UsageStatus.NO_SHOW, 1), else_=0)),
    ]
    scan = selection.equipment_id is None and (selection.last - selection.first).days >= SCAN_DAYS
    college: Any = unindexed(Booking.college_id) if scan else Booking.college_id
    day: Any = unindexed(Booking.day) if scan else Booking.day
    where = [
        college == college_id,
        day >= selection.first,
        day <= selection.last,
        Booking.status == BookingStatus.BOOKED,
        scope.visible_bookings(actor),
    ]
    # One integer key per resource (a venue's id, an equipment line's id negated): sorting the
    # rows by one integer instead of two nullable ones makes SQLite's GROUP BY about twice as
    # fast (0.5 s instead of 1.3 s CPU for a year of 500,000 bookings).
    resource = resource_key()
    stmt: Any = (
        select(resource, Booking.purpose, null(), *sums)
        .where(*where, _booking_condition(actor, college_id, selection))
        .group_by(resource, Booking.purpose)
    )
    if selection.bucket is not None:
        bucket = week_start(Booking.day) if selection.bucket == "week" else month_start(Booking.day)
        series = (
            select(null(), Booking.purpose, bucket, *sums)
            .where(*where, _resource_condition(actor, college_id, selection))
            .group_by(Booking.purpose, bucket)
        )
        stmt = union_all(stmt, series)
    usage = Usage([], [])
    for row in session.connection().execute(stmt).all():
        key, purpose, bucket_day = row[0], row[1], row[2]
        counts = (int(row[3]), *(int(value or 0) for value in row[4:9]))
        if key is None:
            usage.series.append(SeriesRow(purpose, _as_date(bucket_day), *counts))
        elif key > 0:
            usage.rows.append(UsageRow(ResourceKind.VENUE, key, purpose, *counts))
        else:
            usage.rows.append(UsageRow(ResourceKind.EQUIPMENT, -key, purpose, *counts))
    return usage


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def group_labels(
    session: Session,
    *,
    college_id: int,
    grouping: Grouping,
    language: str,
    actor: Actor | None = None,
) -> dict[int, str]:
    """Names of the departments, bases or venues the groups stand for. With ``actor``, only
    those the actor may know of: the venues and bases they may see, and the departments their
    visible venues and equipment belong to (:func:`load_resources` never groups a resource under
    a venue or base its reader may not see)."""
    if grouping == "department":
        stmt = select(Department).where(Department.college_id == college_id)
        if actor is not None:
            stmt = stmt.where(
                or_(
                    Department.id.in_(
                        select(Venue.department_id).where(scope.visible(Venue, actor))
                    ),
                    Department.id.in_(
                        select(Equipment.department_id).where(scope.visible(Equipment, actor))
                    ),
                )
            )
        return {d.id: d.name(language) for d in session.scalars(stmt)}
    if grouping == "base":
        bases = select(TrainingBase.id, TrainingBase.name).where(
            TrainingBase.college_id == college_id
        )
        if actor is not None:
            bases = bases.where(scope.visible(TrainingBase, actor))
        return {row.id: row.name for row in session.execute(bases)}
    if grouping == "venue":
        venues = select(Venue.id, Venue.code, Venue.name).where(Venue.college_id == college_id)
        if actor is not None:
            venues = venues.where(scope.visible(Venue, actor))
        return {row.id: f"{row.name} ({row.code})" for row in session.execute(venues)}
    return {}
