"""Route-by-role rules for the agreement API (used by tests/test_route_access.py), and the
records every agreement route works on (``prepare``, shared by the agreement rule modules).

Each college gets an approved agreement (an enterprise contact sees it once approved) with an
obligation and a document, a draft (deletable), and a steering body with a member and a meeting.
"""

from __future__ import annotations

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
from tandem.auth.roles import Permission
from tandem.college.models import College, Department
from tandem.partner.models import Partnership
from tests.agreement.helpers import START, advance, make_agreement, make_obligation
from tests.factories import ACTOR
from tests.partner.helpers import make_enterprise, make_partnership

P = Permission
PDF = b"%PDF-1.4\n%route test\n"

RULES: dict[tuple[str, str], Any] = {}
BODIES: dict[tuple[str, str], dict[str, Any]] = {}


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
