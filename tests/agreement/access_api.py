"""Route-by-role rules for the agreement API (used by tests/test_route_access.py), and the
records every agreement route works on (``prepare``, shared by the agreement rule modules).

Each college gets an approved agreement (an enterprise contact sees it once approved) with an
obligation and a document, a draft (deletable), and a steering body with a member and a meeting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.agreement import documents, steering
from tandem.agreement.schemas import (
    SteeringBodyCreate,
    SteeringMeetingCreate,
    SteeringMemberCreate,
)
from tandem.auth.models import User
from tandem.auth.roles import Permission, Role, allows
from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tests.agreement.helpers import START, advance, make_agreement, make_obligation
from tests.factories import ACTOR
from tests.partner.helpers import make_enterprise, make_partnership

P = Permission
PDF = b"%PDF-1.4\n%route test\n"
Rule = Callable[[str, str], str]
READERS = frozenset(r for r in Role if allows(r, P.AGREEMENT_READ))


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


def decided_by_service(*may: Role) -> Rule:
    """Open to every reader at the door; the service lets only ``may`` take the step on the own
    college's (own enterprise's) agreement. Another college's agreement stays hidden."""

    def rule(role: str, variant: str) -> str:
        if role == "anonymous":
            return "login"
        if role not in READERS:
            return "denied"
        if variant == "other" and role != Role.PLATFORM_ADMIN:
            return "hidden"
        return "ok" if role in may else "denied"

    return rule


READ, MANAGE = perm(P.AGREEMENT_READ), perm(P.AGREEMENT_MANAGE)
A = "/api/v1/agreements/{agreement_id}"
OB = f"{A}/obligations/{{obligation_id}}"
DOC = f"{A}/documents/{{document_id}}"

# The own agreement is approved (the contact sees it), so: PATCH may change its summary;
# DELETE, renewal, obligation edits and deliveries are refused by state (409: "ok", the request
# got past the permission and scope checks); a terminate from "approved" is a 409 for the office
# and a 403 for everyone else; signing succeeds for the office (college) and the contact.
RULES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/agreements"): READ,
    ("POST", "/api/v1/agreements"): MANAGE,
    ("GET", A): READ,
    ("PATCH", A): MANAGE,
    ("DELETE", A): MANAGE,
    ("POST", f"{A}/transitions"): decided_by_service(Role.PLATFORM_ADMIN, Role.COLLEGE_ADMIN),
    ("POST", f"{A}/signatures"): decided_by_service(
        Role.PLATFORM_ADMIN, Role.COLLEGE_ADMIN, Role.ENTERPRISE_CONTACT
    ),
    ("POST", f"{A}/renewal"): MANAGE,
    ("POST", f"{A}/reviews"): MANAGE,
    ("POST", f"{A}/non-renewal"): perm(P.AGREEMENT_APPROVE),
    ("GET", f"{A}/obligations"): READ,
    ("POST", f"{A}/obligations"): MANAGE,
    ("GET", OB): READ,
    ("PATCH", OB): MANAGE,
    ("DELETE", OB): MANAGE,
    ("POST", f"{OB}/deliveries"): MANAGE,
    ("GET", f"{A}/documents"): READ,
    ("POST", f"{A}/documents"): MANAGE,  # sent as JSON, so "no file" (422) once let through
    ("GET", DOC): READ,
    ("GET", f"{DOC}/content"): READ,
    ("DELETE", DOC): MANAGE,
}

# prepare() fills in college A's partnership, so that drafting succeeds.
_NEW_AGREEMENT: dict[str, Any] = {"partnership_id": 0, "title": "Route test", "modes": [1]}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/agreements"): _NEW_AGREEMENT,
    ("PATCH", A): {"summary": "Route test"},
    ("POST", f"{A}/transitions"): {"action": "terminate", "reason": "Route test"},
    ("POST", f"{A}/signatures"): {"signatory_name": "Route Test"},
    ("POST", f"{A}/renewal"): {},
    ("POST", f"{A}/reviews"): {"held_on": "2026-06-01", "note": "Route test"},
    ("POST", f"{A}/non-renewal"): {"reason": "Route test"},
    ("POST", f"{A}/obligations"): {
        "party": "college",
        "description": "Workshop",
        "quantity": "300",
        "unit": "m²",
        "starts_on": "2026-01-01",
        "due_on": "2026-12-31",
    },
    ("PATCH", OB): {"quantity": "25"},
    ("POST", f"{OB}/deliveries"): {"amount": "5", "delivered_on": "2026-02-01"},
}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    ids: dict[str, dict[str, int]] = {}
    for variant, college, department in (("own", a, departments[0]), ("other", b, departments[1])):
        partnership = _partnership(session, college, department, users, variant)
        agreement = make_agreement(session, partnership, modes=(1,), title=f"AG {variant}")
        obligation = make_obligation(session, agreement)
        advance(session, agreement, "approved")
        document = documents.attach_document(
            session, actor=ACTOR, agreement=agreement, filename="scan.pdf", content=PDF
        )
        draft = make_agreement(session, partnership, modes=(2,), title=f"Draft {variant}")
        body = steering.create_body(
            session,
            actor=ACTOR,
            data=SteeringBodyCreate(
                partnership_id=partnership.id, name=f"Council {variant}", established_on=START
            ),
        )
        member = steering.add_member(
            session, actor=ACTOR, body=body, data=SteeringMemberCreate(name="Wang", side="college")
        )
        meeting = steering.add_meeting(
            session,
            actor=ACTOR,
            body=body,
            data=SteeringMeetingCreate(held_on=START, title="First meeting"),
        )
        if variant == "own":
            _NEW_AGREEMENT.update(partnership_id=partnership.id)
        ids[variant] = {
            "agreement_id": agreement.id,
            "draft_id": draft.id,
            "obligation_id": obligation.id,
            "document_id": document.id,
            "ag_partnership_id": partnership.id,
            "body_id": body.id,
            "member_id": member.id,
            "meeting_id": meeting.id,
        }
    return ids


def _partnership(
    session: Session, college: College, department: Department, users: dict[str, User], variant: str
) -> Partnership:
    """Own: the partnership with the enterprise the contact is bound to (tests/partner/access.py
    binds it first); other: a new one in college B."""
    bound = users["enterprise_contact"].enterprise_id
    if variant == "own" and bound is not None:
        found = session.scalar(
            select(Partnership).where(
                Partnership.college_id == college.id, Partnership.enterprise_id == bound
            )
        )
        if found is not None:
            if found.department_id is None:
                found.department_id = department.id
            return found
    enterprise = make_enterprise(session, name=f"AG_{variant}")
    partnership = make_partnership(session, college, enterprise, department)
    if variant == "own":
        users["enterprise_contact"].enterprise_id = enterprise.id
    return partnership
