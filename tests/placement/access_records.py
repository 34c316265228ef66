"""Route-by-role rules of a placement's records.

Helper R (agreement, consents, documents) at the top; helper I (insurance) appends below.

``prepare`` gives the own placement (the bound student's, at the contact's enterprise) and
college B's placement a generated agreement with a signed scan, and a guardian consent with its
form, so that every download and removal reaches a real record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Permission, Role, allows
from tandem.college.models import College, Department
from tandem.placement import consent, tripartite
from tandem.placement.models import Placement

P = Permission
READ, MANAGE, CONFIRM = (
    ("perm", P.PLACEMENT_READ),
    ("perm", P.PLACEMENT_MANAGE),
    ("perm", P.PLACEMENT_CONFIRM),
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def consents_of_college(role: str, variant: str) -> str:
    """Consents are the college's and the student's: a contact is refused them."""
    if role == "anonymous":
        return "login"
    if not allows(role, P.PLACEMENT_READ):
        return "denied"
    if variant == "other" and role != Role.PLATFORM_ADMIN:
        return "hidden"
    if role == Role.ENTERPRISE_CONTACT:
        return "denied"
    return "ok"


ONE = "/api/v1/placements/{placement_id}"
PAGE = "/placements/{placement_id}"
RULES: dict[tuple[str, str], Any] = {
    ("GET", f"{ONE}/agreement"): READ,
    ("POST", f"{ONE}/agreement"): MANAGE,
    ("GET", f"{ONE}/agreement.pdf"): READ,
    ("POST", f"{ONE}/agreement/confirm"): CONFIRM,
    ("POST", f"{ONE}/agreement/scan"): MANAGE,
    ("GET", f"{ONE}/agreement/scan"): READ,
    ("GET", f"{ONE}/consents"): consents_of_college,
    ("POST", f"{ONE}/consents"): MANAGE,
    ("POST", f"{ONE}/consents/remove"): MANAGE,
    ("GET", f"{ONE}/consent-form"): consents_of_college,
    ("GET", f"{ONE}/documents"): READ,
    ("POST", f"{PAGE}/agreement/generate"): MANAGE,
    ("GET", f"{PAGE}/agreement/confirm"): CONFIRM,
    ("POST", f"{PAGE}/agreement/confirm"): CONFIRM,
    ("POST", f"{PAGE}/agreement/scan"): MANAGE,
    ("GET", f"{PAGE}/consents/new"): MANAGE,
    ("POST", f"{PAGE}/consents/new"): MANAGE,
    ("GET", f"{PAGE}/consents/remove"): MANAGE,
    ("POST", f"{PAGE}/consents/remove"): MANAGE,
}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", f"{ONE}/consents/remove"): {"kind": "guardian"},
}


def _records(session: Session, placement: Placement) -> None:
    actor = Actor.system("access test")
    tripartite.generate(session, actor=actor, placement=placement)
    tripartite.upload_scan(
        session,
        actor=actor,
        placement=placement,
        filename="signed.pdf",
        content=PDF,
        max_bytes=1 << 20,
    )
    consent.record(
        session,
        actor=actor,
        placement=placement,
        kind="guardian",
        signer_name="监护人",
        relation="母亲",
        signed_on=date(2026, 1, 5),
        upload=("consent.pdf", PDF),
        max_bytes=1 << 20,
    )


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    """Records for the placements access_common made (own: the bound student's)."""
    del departments
    student_id = users["student"].student_id
    own = session.scalar(
        select(Placement)
        .where(Placement.college_id == a.id, Placement.student_id == student_id)
        .order_by(Placement.id)
        .limit(1)
    )
    other = session.scalar(
        select(Placement).where(Placement.college_id == b.id).order_by(Placement.id).limit(1)
    )
    for placement in (own, other):
        if placement is not None:
            _records(session, placement)
    return {"own": {}, "other": {}}


# --- helper I (insurance) appends its rules below ------------------------------------------
