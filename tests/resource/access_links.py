"""Route-by-role rules for an agreement's links to the register (used by
tests/test_route_access.py).

``prepare`` works on the approved agreement tests/agreement/access_api.py makes in each college
("AG own" in college A, the contact's enterprise's; "AG other" in college B): it adds a venue and
an equipment line of college A (the bodies link them to the own agreement) and, in each college,
a venue linked to that college's agreement (``link_id``). ``{equipment_id}`` is the line
tests/resource/access_equipment.py makes: not linked to the agreement, so unlinking it is a 409
once the request gets past the permission and scope checks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement.models import Agreement
from tandem.auth.models import User
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tandem.resource import links
from tandem.resource.models import Equipment, Venue
from tests.factories import ACTOR

P = Permission
A = "/api/v1/agreements/{agreement_id}"
PAGE = "/agreements/{agreement_id}"


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, MANAGE = perm(P.AGREEMENT_READ), perm(P.AGREEMENT_MANAGE)

RULES: dict[tuple[str, str], Any] = {
    ("GET", f"{A}/resources"): READ,
    ("POST", f"{A}/resources"): MANAGE,
    ("DELETE", f"{A}/resources/{{link_id}}"): MANAGE,
    ("POST", f"{A}/equipment"): MANAGE,
    ("DELETE", f"{A}/equipment/{{equipment_id}}"): MANAGE,
    ("POST", f"{PAGE}/resources"): MANAGE,
    ("POST", f"{PAGE}/resources/{{link_id}}/delete"): MANAGE,
    ("POST", f"{PAGE}/equipment"): MANAGE,
    ("POST", f"{PAGE}/equipment/{{equipment_id}}/delete"): MANAGE,
}

# prepare() fills in college A's venue and equipment line.
_LINK: dict[str, Any] = {"term_key": "1.venue", "venue_id": 0}
_EQUIPMENT: dict[str, Any] = {"equipment_id": 0}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{A}/resources"): _LINK,
    ("POST", f"{A}/equipment"): _EQUIPMENT,
}


def _agreement(session: Session, college: College, variant: str) -> Agreement:
    """The agreement access_api.py made in ``college`` (else the college's first)."""
    stmt = select(Agreement).where(Agreement.college_id == college.id).order_by(Agreement.id)
    found = session.scalar(stmt.where(Agreement.title == f"AG {variant}")) or session.scalar(stmt)
    assert found is not None, "tests/agreement/access_api.py makes the agreements first"
    return found


def _venue(session: Session, college: College, name: str) -> Venue:
    venue = Venue(college_id=college.id, code=name[:30], name=name, kind="workshop")
    session.add(venue)
    session.flush()
    return venue


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    ids: dict[str, dict[str, int]] = {}
    for variant, college in (("own", a), ("other", b)):
        agreement = _agreement(session, college, variant)
        venue = _venue(session, college, f"LINKED-{variant}")
        link = links.link_term(
            session, actor=ACTOR, agreement=agreement, term_key="1.venue", venue_id=venue.id
        )
        ids[variant] = {"link_id": link.id}
    spare = _venue(session, a, "LINK-SPARE")
    line = Equipment(
        college_id=a.id,
        asset_tag="LINK-EQ-1",
        name="Route test lathe",
        acquisition="purchased",
        department_id=departments[0].id,
    )
    session.add(line)
    session.flush()
    _LINK.update(venue_id=spare.id)
    _EQUIPMENT.update(equipment_id=line.id)
    return ids
