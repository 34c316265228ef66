"""The demo college's shared resources: its working calendar (this academic year's two terms,
opening hours, public holidays), venues, training bases on and off campus, the equipment register
(the college's own, and what enterprises lent, donated or share under the demo agreements) with
maintenance records, this term's weekly timetable and one-off bookings with their usage; then the
agreements' terms linked to the register and the college's offer derived from it.

The register and the bookings are written through the models (like the large demo's students),
each register record with the audit entry its service would write; bookings are conflict-free by
construction (each resource's slots are kept apart, see :mod:`tandem.demo.resources_data`), and
one outside the working calendar always carries its reason. Past bookings are mostly confirmed as
used (a few no-shows, some left early, production with its output); those of the last days on a
few resources wait for their bookers to confirm. The links and the offer go through the services
(:func:`tandem.resource.links.autolink_terms`, :func:`tandem.needs.derive.derive_offer`).

Nothing is added to a college that has venues already.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.audit import service as audit
from tandem.auth.actor import Actor
from tandem.college.models import College, Department
from tandem.demo.agreement_data import DEMO_PLANS
from tandem.demo.resources_bookings import BOOKING_TABLE, Counts, World, one_offs, timetable
from tandem.demo.resources_data import (
    BASES,
    EQUIPMENT,
    MAINTENANCE,
    VENUES,
    academic_terms,
    public_holidays,
)
from tandem.kit.dates import local_today
from tandem.needs.derive import derive_offer
from tandem.people.models import Major
from tandem.resource import links
from tandem.resource.core.calendar import (
    DEFAULT_OPENING,
    WorkingCalendar,
    stored_opening,
)
from tandem.resource.models import (
    CalendarTerm,
    Equipment,
    Holiday,
    MaintenanceRecord,
    ResourceSettings,
    TrainingBase,
    Venue,
)


def build_resources(
    session: Session,
    *,
    actor: Actor,
    demo: College,
    seed: int,
    today: date | None = None,
) -> Counts:
    """Everything in the module's docstring, for ``demo``; nothing if it has venues already."""
    counts = Counts()
    if session.scalar(select(func.count(Venue.id)).where(Venue.college_id == demo.id)):
        return counts
    today = today or local_today()
    calendar, term = _calendar(session, demo, today)
    world = World(
        session,
        actor,
        demo,
        today,
        random.Random(f"{seed}:resources"),
        calendar,
        term,
        _agreements(session, demo),
        {
            code: department_id
            for code, department_id in session.execute(
                select(Department.code, Department.id).where(Department.college_id == demo.id)
            )
        },
        counts=counts,
    )
    _bases(world)
    _venues(world)
    _equipment(world)
    _maintenance(world)
    timetable(world)
    one_offs(world)
    if world.rows:
        session.execute(insert(BOOKING_TABLE), world.rows)
    counts.bookings = len(world.rows)
    for agreement in session.scalars(
        select(Agreement).where(Agreement.college_id == demo.id).order_by(Agreement.id)
    ):
        counts.links += links.autolink_terms(session, actor=actor, agreement=agreement)
    derive_offer(session, actor=actor, college_id=demo.id, today=today)
    return counts


# --- the calendar --------------------------------------------------------------------------------


def _calendar(
    session: Session, college: College, today: date
) -> tuple[WorkingCalendar, CalendarTerm]:
    """Opening hours, the year's terms and holidays (what is not recorded yet); the calendar and
    the term that holds today (else the first)."""
    if (
        session.scalar(select(ResourceSettings.id).where(ResourceSettings.college_id == college.id))
        is None
    ):
        session.add(
            ResourceSettings(
                college_id=college.id,
                opening_hours=stored_opening(DEFAULT_OPENING),
                underuse_threshold_pct=Decimal(30),
                teaching_hour_value_cny=Decimal(120),
            )
        )
    terms = academic_terms(today)
    known = set(
        session.scalars(select(CalendarTerm.name).where(CalendarTerm.college_id == college.id))
    )
    for name, first, last in terms:
        if name not in known:
            session.add(
                CalendarTerm(college_id=college.id, name=name, starts_on=first, ends_on=last)
            )
    days = set(session.scalars(select(Holiday.day).where(Holiday.college_id == college.id)))
    for day, name in public_holidays(terms[0][1], terms[-1][2]):
        if day not in days:
            session.add(Holiday(college_id=college.id, day=day, name=name))
    session.flush()
    rows = session.scalars(
        select(CalendarTerm)
        .where(CalendarTerm.college_id == college.id)
        .order_by(CalendarTerm.starts_on)
    ).all()
    current = next((t for t in rows if t.starts_on <= today <= t.ends_on), None)
    current = current or next((t for t in rows if t.starts_on > today), rows[0])
    holidays = session.scalars(select(Holiday.day).where(Holiday.college_id == college.id))
    calendar = WorkingCalendar.of(
        stored_opening(DEFAULT_OPENING),
        terms=[(t.starts_on, t.ends_on) for t in rows],
        holidays=holidays,
    )
    return calendar, current


# --- the register --------------------------------------------------------------------------------


def _agreements(session: Session, college: College) -> dict[str, Agreement]:
    """The demo agreements by plan key (the first made of a title: a renewed one, not its
    successor)."""
    found: dict[str, Agreement] = {}
    by_title = {plan.title: plan.key for plan in DEMO_PLANS}
    for agreement in session.scalars(
        select(Agreement).where(Agreement.college_id == college.id).order_by(Agreement.id)
    ):
        key = by_title.get(agreement.title)
        if key is not None and key not in found:
            found[key] = agreement
    return found


def _audit(world: World, record: Any, fields: tuple[str, ...], summary: str) -> None:
    audit.record(
        world.session,
        actor=world.actor,
        action="create",
        entity=record,
        college_id=world.college.id,
        after=audit.snapshot(record, fields),
        summary=summary,
    )


def _bases(world: World) -> None:
    session = world.session
    majors = {
        m.code: m
        for m in session.scalars(select(Major).where(Major.college_id == world.college.id))
    }
    for n, plan in enumerate(BASES, start=1):
        agreement = world.agreements.get(plan.agreement)
        base = TrainingBase(
            college_id=world.college.id,
            code=f"JD{n:02d}",
            name=plan.name,
            kind=plan.kind,
            partnership_id=agreement.partnership_id if agreement else None,
            agreement_id=agreement.id if agreement else None,
            department_id=world.departments.get(plan.department),
            address=plan.address,
            founded_on=plan.founded_on or (agreement.start_date if agreement else None),
            workstations=plan.workstations,
            host_staff_on_post=plan.host_staff_on_post,
            projects=plan.projects,
            lodging=plan.lodging,
            intern_subsidy_cny=Decimal(plan.intern_subsidy_cny)
            if plan.intern_subsidy_cny
            else None,
            college_funding_per_student_cny=(
                Decimal(plan.college_funding_per_student_cny)
                if plan.college_funding_per_student_cny
                else None
            ),
            note=plan.note,
            majors=[majors[code] for code in plan.majors if code in majors],
        )
        session.add(base)
        session.flush()
        _audit(world, base, ("code", "name", "kind", "partnership_id", "agreement_id"), base.name)
        world.bases[plan.key] = base
        world.counts.bases += 1


def _venues(world: World) -> None:
    for plan in VENUES:
        base = world.bases.get(plan.base) if plan.base else None
        venue = Venue(
            college_id=world.college.id,
            code=plan.code,
            name=plan.name,
            building=plan.building,
            kind=plan.kind,
            area_m2=Decimal(plan.area_m2),
            workstations=plan.workstations,
            department_id=world.departments.get(plan.department),
            base_id=base.id if base else None,
        )
        world.session.add(venue)
        world.session.flush()
        _audit(world, venue, ("code", "name", "kind", "area_m2", "workstations"), venue.name)
        world.venues[plan.code] = venue
        world.counts.venues += 1


def _equipment(world: World) -> None:
    for n, plan in enumerate(EQUIPMENT, start=1):
        agreement = world.agreements.get(plan.agreement) if plan.agreement else None
        if plan.ownership != "college" and agreement is None:
            continue  # an enterprise's line needs the agreement it came with
        venue = world.venues[plan.venue]
        acquired = plan.acquired or (agreement.start_date if agreement else None)
        line = Equipment(
            college_id=world.college.id,
            asset_tag=f"ZZ-{acquired.year if acquired else 2020}-{n:04d}",
            name=plan.name,
            model=plan.model,
            maker=plan.maker,
            category=plan.category,
            quantity=plan.quantity,
            ownership=plan.ownership,
            partnership_id=agreement.partnership_id
            if plan.ownership != "college" and agreement
            else None,
            college_share_pct=Decimal(
                plan.college_share_pct
                if plan.ownership == "joint"
                else (100 if plan.ownership == "college" else 0)
            ),
            acquisition=plan.acquisition,
            value_cny=Decimal(plan.value_cny),
            acquired_on=acquired,
            venue_id=venue.id,
            agreement_id=agreement.id if agreement else None,
            department_id=venue.department_id,
            status=plan.status,
            teaching_hour_value_cny=Decimal(150) if plan.ownership != "college" else None,
        )
        world.session.add(line)
        world.session.flush()
        _audit(
            world, line, ("asset_tag", "name", "quantity", "ownership", "acquisition"), line.name
        )
        world.lines[plan.code] = line
        world.counts.equipment += 1


def _maintenance(world: World) -> None:
    for code, days_ago, kind, description, cost, downtime in MAINTENANCE:
        line = world.lines.get(code)
        if line is None:
            continue
        world.session.add(
            MaintenanceRecord(
                college_id=world.college.id,
                equipment_id=line.id,
                done_on=world.today - timedelta(days=days_ago),
                kind=kind,
                description=description,
                cost_cny=Decimal(cost) if cost is not None else None,
                downtime_hours=Decimal(downtime) if downtime is not None else None,
                recorded_by_label="设备管理处 周建国",
            )
        )
    world.session.flush()
