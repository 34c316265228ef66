"""Route-by-role rules for the bookings, series, calendar, free-slot and working-calendar routes
(used by tests/test_route_access.py).

``prepare`` makes, in college A, a venue and a line of 3 lathes owned jointly with the
partnership of the enterprise the contact is bound to (department A), and in college B the same
with another enterprise; on each, a booking today (on the venue) and a weekly series over the
next fortnight (on the lathes); and a term and a holiday in each college. It returns only
booking_id, series_id, term_id and holiday_id. The calendar routes use venue_id and
equipment_id from tests/resource/access_venues.py and access_equipment.py (college A: the
contact's partnership's).

Cancelling, skipping and confirming use are for the one who booked (nobody here: the records
are made by the system) and the resource's managers: the office, the department's coordinator
and platform admins; a teacher or a contact who did not book gets a 403.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission, Role, allows
from tandem.college.models import College, Department
from tandem.kit.dates import local_today
from tandem.partner.models import Partnership
from tandem.resource import bookings, series
from tandem.resource.kinds import Acquisition, Ownership
from tandem.resource.models import CalendarTerm, Equipment, Holiday, Venue
from tandem.resource.schemas_bookings import BookingCreate, SeriesCreate
from tests.factories import ACTOR
from tests.partner.helpers import make_enterprise, make_partnership

P = Permission
B = "/api/v1/bookings"
S = "/api/v1/booking-series"
W = "/api/v1/working-calendar"
MANAGERS = {Role.PLATFORM_ADMIN, Role.COLLEGE_ADMIN, Role.DEPARTMENT_COORDINATOR}


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


def changer(role: str, variant: str) -> str:
    """Cancel, skip, confirm use: the booker (none here) and the resource's managers."""
    if role == "anonymous":
        return "login"
    if not allows(role, P.BOOKING_MAKE):
        return "denied"
    if variant == "other":
        return "ok" if role == Role.PLATFORM_ADMIN else "hidden"
    return "ok" if role in MANAGERS else "denied"


READ, BOOK, CAL = perm(P.RESOURCE_READ), perm(P.BOOKING_MAKE), perm(P.CALENDAR_MANAGE)
RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", B): READ,
    ("POST", B): BOOK,
    ("GET", f"{B}/{{booking_id}}"): READ,
    ("POST", f"{B}/{{booking_id}}/cancel"): changer,
    ("POST", f"{B}/{{booking_id}}/usage"): changer,
    ("POST", S): BOOK,
    ("GET", f"{S}/{{series_id}}"): READ,
    ("POST", f"{S}/{{series_id}}/skip"): changer,
    ("POST", f"{S}/{{series_id}}/cancel"): changer,
    ("GET", "/api/v1/venues/{venue_id}/calendar"): READ,
    ("GET", "/api/v1/equipment/{equipment_id}/calendar"): READ,
    ("GET", "/api/v1/free-slots"): READ,
    ("GET", W): READ,
    ("PUT", W): CAL,
    ("POST", f"{W}/terms"): CAL,
    ("DELETE", f"{W}/terms/{{term_id}}"): CAL,
    ("POST", f"{W}/holidays"): CAL,
    ("DELETE", f"{W}/holidays/{{holiday_id}}"): CAL,
    # pages
    ("GET", "/bookings"): READ,
    ("GET", "/bookings/export.xlsx"): READ,
    ("POST", "/bookings/confirm"): BOOK,
    ("GET", "/bookings/new"): BOOK,
    ("POST", "/bookings/new"): BOOK,
    ("GET", "/bookings/free-slots"): READ,
    ("GET", "/bookings/{booking_id}"): READ,
    ("GET", "/bookings/{booking_id}/cancel"): changer,
    ("POST", "/bookings/{booking_id}/cancel"): changer,
    ("POST", "/bookings/{booking_id}/usage"): changer,
    ("GET", "/bookings/series/{series_id}"): READ,
    ("POST", "/bookings/series/{series_id}/skip"): changer,
    ("GET", "/bookings/series/{series_id}/cancel"): changer,
    ("POST", "/bookings/series/{series_id}/cancel"): changer,
    ("GET", "/venues/{venue_id}/calendar"): READ,
    ("GET", "/equipment/{equipment_id}/calendar"): READ,
    ("GET", "/working-calendar"): READ,
    ("POST", "/working-calendar"): CAL,
    ("POST", "/working-calendar/terms"): CAL,
    ("GET", "/working-calendar/terms/{term_id}/delete"): CAL,
    ("POST", "/working-calendar/terms/{term_id}/delete"): CAL,
    ("POST", "/working-calendar/holidays"): CAL,
    ("GET", "/working-calendar/holidays/{holiday_id}/delete"): CAL,
    ("POST", "/working-calendar/holidays/{holiday_id}/delete"): CAL,
}

_REASON = {"outside_hours_reason": "Route test"}
# Filled in by prepare (the own venue and lines, and dates relative to today).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", B): {},
    ("POST", f"{B}/{{booking_id}}/cancel"): {"reason": "Route test"},
    ("POST", f"{B}/{{booking_id}}/usage"): {"usage": "used"},
    ("POST", S): {},
    ("POST", f"{S}/{{series_id}}/skip"): {},
    ("POST", f"{S}/{{series_id}}/cancel"): {"reason": "Route test"},
    ("PUT", W): {
        "opening_hours": {str(d): ["08:00", "21:00"] for d in range(1, 7)} | {"7": None},
        "underuse_threshold_pct": 30,
        "teaching_hour_value_cny": 100,
    },
    ("POST", f"{W}/terms"): {"name": "ROUTE-T", "starts_on": "2090-02-01", "ends_on": "2090-07-01"},
    ("POST", f"{W}/holidays"): {"day": "2090-10-01", "last_day": "2090-10-03", "name": "Route"},
}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    today = local_today()
    own = _own_partnership(session, a, departments[0], users)
    other = make_partnership(
        session, b, make_enterprise(session, name="BOOK_other"), departments[1]
    )
    ids: dict[str, dict[str, int]] = {}
    for variant, college, department, partnership in (
        ("own", a, departments[0], own),
        ("other", b, departments[1], other),
    ):
        venue, lathes = _resources(session, college, department, partnership, variant)
        booking = bookings.create_booking(
            session,
            actor=ACTOR,
            data=BookingCreate.model_validate(
                {
                    "venue_id": venue.id,
                    "purpose": "teaching",
                    "title": f"Route booking {variant}",
                    "day": today.isoformat(),
                    "start": "06:00",
                    "end": "07:00",
                    **_REASON,
                }
            ),
        )
        weekly = series.create_series(
            session,
            actor=ACTOR,
            data=SeriesCreate.model_validate(
                {
                    "equipment_id": lathes.id,
                    "purpose": "production",
                    "title": f"Route series {variant}",
                    "start": "06:00",
                    "end": "07:00",
                    "weekdays": list(range(1, 8)),
                    "first_day": (today + timedelta(days=1)).isoformat(),
                    "last_day": (today + timedelta(days=14)).isoformat(),
                    "skip_non_working_days": False,
                    **_REASON,
                }
            ),
        ).series
        term = CalendarTerm(
            college_id=college.id,
            name=f"ROUTE-{variant}",
            starts_on=today - timedelta(days=400),
            ends_on=today - timedelta(days=300),
        )
        holiday = session.scalar(
            select(Holiday).where(
                Holiday.college_id == college.id, Holiday.day == today - timedelta(days=100)
            )
        ) or Holiday(college_id=college.id, day=today - timedelta(days=100), name="Route holiday")
        session.add_all([term, holiday])
        session.flush()
        ids[variant] = {
            "booking_id": booking.id,
            "series_id": weekly.id,
            "term_id": term.id,
            "holiday_id": holiday.id,
        }
        if variant == "own":
            _fill(
                ("POST", B),
                {
                    "venue_id": venue.id,
                    "purpose": "teaching",
                    "title": "Route new booking",
                    "day": (today + timedelta(days=2)).isoformat(),
                    "start": "10:00",
                    "end": "11:00",
                    **_REASON,
                },
            )
            _fill(
                ("POST", S),
                {
                    "equipment_id": lathes.id,
                    "purpose": "teaching",
                    "title": "Route new series",
                    "start": "10:00",
                    "end": "11:00",
                    "weekdays": [1, 3, 5],
                    "first_day": (today + timedelta(days=20)).isoformat(),
                    "last_day": (today + timedelta(days=40)).isoformat(),
                    **_REASON,
                },
            )
            _fill(
                ("POST", f"{S}/{{series_id}}/skip"),
                {"day": (today + timedelta(days=1)).isoformat()},
            )
    return ids


def _fill(key: tuple[str, str], body: dict[str, Any]) -> None:
    """Change a body in place: the route test copied the dicts (not the mapping) at import."""
    BODIES[key].clear()
    BODIES[key].update(body)


def _resources(
    session: Session,
    college: College,
    department: Department,
    partnership: Partnership,
    variant: str,
) -> tuple[Venue, Equipment]:
    venue = Venue(
        college_id=college.id,
        code=f"BV-{variant}",
        name=f"Booking venue {variant}",
        kind="workshop",
        ownership=Ownership.JOINT,
        partnership_id=partnership.id,
        department_id=department.id,
    )
    lathes = Equipment(
        college_id=college.id,
        asset_tag=f"BE-{variant}",
        name=f"Booking lathes {variant}",
        quantity=3,
        ownership=Ownership.JOINT,
        partnership_id=partnership.id,
        college_share_pct=Decimal(60),
        acquisition=Acquisition.PURCHASED,
        department_id=department.id,
    )
    session.add_all([venue, lathes])
    session.flush()
    return venue, lathes


def _own_partnership(
    session: Session, college: College, department: Department, users: dict[str, User]
) -> Partnership:
    """College A's partnership with the contact's enterprise (made here if nobody made one)."""
    contact = users[Role.ENTERPRISE_CONTACT.value]
    if contact.enterprise_id is not None:
        found = session.scalar(
            select(Partnership).where(
                Partnership.college_id == college.id,
                Partnership.enterprise_id == contact.enterprise_id,
            )
        )
        if found is not None:
            return found
    enterprise = make_enterprise(session, name="BOOK_own")
    contact.enterprise_id = enterprise.id
    return make_partnership(session, college, enterprise, department)
