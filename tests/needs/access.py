"""Route-by-role rules for the needs API (used by tests/test_route_access.py); the page routes'
rules are in tests/needs/access_pages.py.

``prepare`` records two versions of the needs profile on the "own" partnership (college A's, with
the enterprise the contact is bound to: tests/partner/access.py binds it) and on the "other"
(college B's), so ``{number}`` is 1 and comparing the latest two works on both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.auth.roles import Permission, Role, allows
from tandem.college.models import College, Department
from tandem.needs import service
from tandem.needs.schemas import NeedsCreate, NeedsData, StaffTrainingNeed, TalentNeed
from tandem.partner.models import Partnership
from tests.factories import ACTOR
from tests.partner.helpers import make_enterprise, make_partnership

P = Permission
N = "/api/v1/partnerships/{partnership_id}/needs"


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


def offer_reader(role: str, variant: str) -> str:
    """The own college's offer: those who manage it and those who read the advice (platform
    admins, who must name the college, get a 422: let through)."""
    if role == "anonymous":
        return "login"
    if allows(role, P.OFFER_MANAGE) or allows(role, P.ADVICE_READ):
        return "ok"
    return "denied"


RULES: dict[tuple[str, str], Any] = {
    ("GET", N): perm(P.PARTNERSHIP_READ),
    ("POST", N): perm(P.NEEDS_EDIT),
    ("GET", f"{N}/compare"): perm(P.PARTNERSHIP_READ),
    ("GET", f"{N}/{{number}}"): perm(P.PARTNERSHIP_READ),
    ("GET", "/api/v1/partnerships/{partnership_id}/advice"): perm(P.ADVICE_READ),
    ("GET", "/api/v1/college-offer"): offer_reader,
    ("PUT", "/api/v1/college-offer"): perm(P.OFFER_MANAGE),
    ("POST", "/api/v1/college-offer/derive"): perm(P.OFFER_MANAGE),
    ("POST", "/college-offer/derive"): perm(P.OFFER_MANAGE),
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", N): {"needs": {"talent": {"importance": 2, "majors": "CNC", "headcount": 10}}},
    ("PUT", "/api/v1/college-offer"): {
        "offer": {
            "venues": [
                {"name": "Site 1", "kind": "simulated_site", "workstations": 40, "idle_pct": 60}
            ]
        }
    },
}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    own = _own_partnership(session, a, departments[0], users)
    other = session.scalar(
        select(Partnership).where(Partnership.college_id == b.id).order_by(Partnership.id)
    )
    if other is None:
        other = make_partnership(session, b, make_enterprise(session), departments[1])
    for partnership in (own, other):
        for needs in (
            NeedsData(talent=TalentNeed(importance=2, headcount=10)),
            NeedsData(
                talent=TalentNeed(importance=3, headcount=20),
                staff_training=StaffTrainingNeed(importance=2, trainees_per_year=120),
            ),
        ):
            service.record_needs(
                session, actor=ACTOR, partnership=partnership, data=NeedsCreate(needs=needs)
            )
    return {"own": {"number": 1}, "other": {"number": 1}}


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
    enterprise = make_enterprise(session, name="NEEDS_own")
    contact.enterprise_id = enterprise.id
    return make_partnership(session, college, enterprise, department)
