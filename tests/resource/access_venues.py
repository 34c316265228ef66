"""Route-by-role rules for the venue and training-base routes (used by tests/test_route_access.py).

``prepare`` makes, in college A, a training base hosted by the enterprise the contact is bound
to (tests/partner/access.py binds it) and a venue of that base owned by the same enterprise,
both in department A (the coordinator's); in college B, a base and a venue the college owns.
So the contact reads the own records and not the other's; the coordinator manages the own ones.
Deleting the own base is refused (a venue belongs to it): a 409 counts as let through.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tandem.resource import bases, venues
from tandem.resource.schemas_bases import BaseCreate
from tandem.resource.schemas_venues import VenueCreate
from tests.factories import ACTOR
from tests.needs.access import _own_partnership

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, MANAGE = perm(P.RESOURCE_READ), perm(P.RESOURCE_MANAGE)
V_API, B_API = "/api/v1/venues", "/api/v1/training-bases"
VENUE_API, BASE_API = f"{V_API}/{{venue_id}}", f"{B_API}/{{base_id}}"
V_PAGE, B_PAGE = "/venues", "/training-bases"
VENUE_PAGE, BASE_PAGE = f"{V_PAGE}/{{venue_id}}", f"{B_PAGE}/{{base_id}}"

RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", V_API): READ,
    ("POST", V_API): MANAGE,
    ("GET", VENUE_API): READ,
    ("PATCH", VENUE_API): MANAGE,
    ("DELETE", VENUE_API): MANAGE,
    ("GET", B_API): READ,
    ("POST", B_API): MANAGE,
    ("GET", BASE_API): READ,
    ("PATCH", BASE_API): MANAGE,
    ("DELETE", BASE_API): MANAGE,
    # Pages
    ("GET", V_PAGE): READ,
    ("GET", f"{V_PAGE}/export.xlsx"): READ,
    ("GET", f"{V_PAGE}/new"): MANAGE,
    ("POST", f"{V_PAGE}/new"): MANAGE,
    ("GET", VENUE_PAGE): READ,
    ("GET", f"{VENUE_PAGE}/edit"): MANAGE,
    ("POST", f"{VENUE_PAGE}/edit"): MANAGE,
    ("GET", f"{VENUE_PAGE}/delete"): MANAGE,
    ("POST", f"{VENUE_PAGE}/delete"): MANAGE,
    ("GET", B_PAGE): READ,
    ("GET", f"{B_PAGE}/export.xlsx"): READ,
    ("GET", f"{B_PAGE}/new"): MANAGE,
    ("POST", f"{B_PAGE}/new"): MANAGE,
    ("GET", BASE_PAGE): READ,
    ("GET", f"{BASE_PAGE}/edit"): MANAGE,
    ("POST", f"{BASE_PAGE}/edit"): MANAGE,
    ("GET", f"{BASE_PAGE}/delete"): MANAGE,
    ("POST", f"{BASE_PAGE}/delete"): MANAGE,
}

# Valid bodies, so that a request reaches the permission and scope checks. A new record goes to
# the writer's own college (a coordinator's to their department); a platform admin, who must
# name the college, gets a 422 (let through).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", V_API): {"code": "ROUTE-V", "name": "Route room", "kind": "workshop"},
    ("PATCH", VENUE_API): {"name": "Renamed room"},
    ("POST", B_API): {"code": "ROUTE-B", "name": "Route base", "kind": "on_campus"},
    ("PATCH", BASE_API): {"name": "Renamed base"},
}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    own_partnership = _own_partnership(session, a, departments[0], users)
    own_base = bases.create_base(
        session,
        actor=ACTOR,
        data=BaseCreate(
            college_id=a.id,
            code="ACC-BASE-A",
            name="Host base A",
            kind="off_campus",
            partnership_id=own_partnership.id,
            department_id=departments[0].id,
        ),
    )
    own_venue = venues.create_venue(
        session,
        actor=ACTOR,
        data=VenueCreate(
            college_id=a.id,
            code="ACC-VENUE-A",
            name="Enterprise workshop A",
            kind="productive_base",
            ownership="enterprise",
            partnership_id=own_partnership.id,
            department_id=departments[0].id,
            base_id=own_base.id,
        ),
    )
    other_base = bases.create_base(
        session,
        actor=ACTOR,
        data=BaseCreate(
            college_id=b.id,
            code="ACC-BASE-B",
            name="Campus base B",
            kind="on_campus",
            department_id=departments[1].id,
        ),
    )
    other_venue = venues.create_venue(
        session,
        actor=ACTOR,
        data=VenueCreate(
            college_id=b.id,
            code="ACC-VENUE-B",
            name="College lab B",
            kind="laboratory",
            department_id=departments[1].id,
            base_id=other_base.id,
        ),
    )
    return {
        "own": {"venue_id": own_venue.id, "base_id": own_base.id},
        "other": {"venue_id": other_venue.id, "base_id": other_base.id},
    }
