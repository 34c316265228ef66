"""Route-by-role rules for the partner routes (used by tests/test_route_access.py).

Enterprises are shared master data: every role that may read them reads "other" enterprises too
(E_B, partnered only with college B); only an enterprise contact is limited to its own (E_A).
Partnerships and proposals follow the usual college scope ("perm" rules).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tandem.auth.actor import Actor
from tandem.auth.models import User
from tandem.auth.roles import Permission, Role, allows
from tandem.college.models import College, Department
from tandem.partner import proposals, service
from tandem.partner.schemas import ContactCreate, ProposalCreate, StaffCountCreate
from tests.partner.helpers import make_enterprise, make_partnership

P = Permission
Rule = Callable[[str, str], str]


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


def master_data(permission: Permission) -> Rule:
    """Shared master data: allowed roles see every enterprise; a contact only its own."""

    def rule(role: str, variant: str) -> str:
        if role == "anonymous":
            return "login"
        if not allows(role, permission):
            return "denied"
        if variant == "other" and role == Role.ENTERPRISE_CONTACT:
            return "hidden"
        return "ok"

    return rule


def platform_only(role: str, variant: str) -> str:
    """Archive and restore: platform administrators only (a contact's own enterprise: 403)."""
    if role == "anonymous":
        return "login"
    if role == Role.ENTERPRISE_CONTACT:
        return "hidden" if variant == "other" else "denied"
    return "ok" if role == Role.PLATFORM_ADMIN else "denied"


def proposer(role: str, variant: str) -> str:
    """Proposals come from college roles; platform admins and contacts edit directly instead."""
    if role == "anonymous":
        return "login"
    return "ok" if role in (Role.COLLEGE_ADMIN, Role.DEPARTMENT_COORDINATOR) else "denied"


READ, EDIT = master_data(P.ENTERPRISE_READ), master_data(P.ENTERPRISE_EDIT)
E = "/api/v1/enterprises/{enterprise_id}"

RULES: dict[tuple[str, str], Any] = {
    # API: enterprises and their master data
    ("GET", "/api/v1/enterprises"): perm(P.ENTERPRISE_READ),
    ("POST", "/api/v1/enterprises"): perm(P.ENTERPRISE_CREATE),
    ("GET", E): READ,
    ("PATCH", E): EDIT,
    ("POST", f"{E}/archive"): platform_only,
    ("POST", f"{E}/restore"): platform_only,
    ("GET", f"{E}/staff-counts"): READ,
    ("POST", f"{E}/staff-counts"): EDIT,
    ("DELETE", f"{E}/staff-counts/{{staff_count_id}}"): EDIT,
    ("GET", f"{E}/contacts"): READ,
    ("POST", f"{E}/contacts"): EDIT,
    ("GET", f"{E}/contacts/{{contact_id}}"): READ,
    ("PATCH", f"{E}/contacts/{{contact_id}}"): EDIT,
    ("DELETE", f"{E}/contacts/{{contact_id}}"): EDIT,
    ("GET", f"{E}/proposals"): READ,
    ("POST", f"{E}/proposals"): proposer,
    # API: proposals (a college's own; a contact's enterprise's)
    ("GET", "/api/v1/proposals"): perm(P.ENTERPRISE_READ),
    ("GET", "/api/v1/proposals/{proposal_id}"): perm(P.ENTERPRISE_READ),
    ("POST", "/api/v1/proposals/{proposal_id}/accept"): perm(P.ENTERPRISE_EDIT),
    ("POST", "/api/v1/proposals/{proposal_id}/reject"): perm(P.ENTERPRISE_EDIT),
    # API: partnerships
    ("GET", "/api/v1/partnerships"): perm(P.PARTNERSHIP_READ),
    ("POST", "/api/v1/partnerships"): perm(P.PARTNERSHIP_MANAGE),
    ("GET", "/api/v1/partnerships/{partnership_id}"): perm(P.PARTNERSHIP_READ),
    ("PATCH", "/api/v1/partnerships/{partnership_id}"): perm(P.PARTNERSHIP_MANAGE),
    ("POST", "/api/v1/partnerships/{partnership_id}/status"): perm(P.PARTNERSHIP_MANAGE),
    # Pages: enterprises
    ("GET", "/enterprises"): perm(P.ENTERPRISE_READ),
    ("GET", "/enterprises/export.xlsx"): perm(P.ENTERPRISE_READ),
    ("GET", "/enterprises/new"): perm(P.ENTERPRISE_CREATE),
    ("POST", "/enterprises/new"): perm(P.ENTERPRISE_CREATE),
    ("GET", "/enterprises/{enterprise_id}"): READ,
    ("GET", "/enterprises/{enterprise_id}/edit"): EDIT,
    ("POST", "/enterprises/{enterprise_id}/edit"): EDIT,
    ("GET", "/enterprises/{enterprise_id}/archive"): platform_only,
    ("POST", "/enterprises/{enterprise_id}/archive"): platform_only,
    ("POST", "/enterprises/{enterprise_id}/restore"): platform_only,
    ("POST", "/enterprises/{enterprise_id}/staff-counts"): EDIT,
    ("POST", "/enterprises/{enterprise_id}/staff-counts/{staff_count_id}/delete"): EDIT,
    ("GET", "/enterprises/{enterprise_id}/contacts/new"): EDIT,
    ("POST", "/enterprises/{enterprise_id}/contacts/new"): EDIT,
    ("GET", "/enterprises/{enterprise_id}/contacts/{contact_id}/edit"): EDIT,
    ("POST", "/enterprises/{enterprise_id}/contacts/{contact_id}/edit"): EDIT,
    ("POST", "/enterprises/{enterprise_id}/contacts/{contact_id}/delete"): EDIT,
    ("GET", "/enterprises/{enterprise_id}/propose"): proposer,
    ("POST", "/enterprises/{enterprise_id}/propose"): proposer,
    # Pages: proposals
    ("GET", "/proposals"): perm(P.ENTERPRISE_READ),
    ("GET", "/proposals/export.xlsx"): perm(P.ENTERPRISE_READ),
    ("GET", "/proposals/{proposal_id}"): perm(P.ENTERPRISE_READ),
    ("POST", "/proposals/{proposal_id}/accept"): perm(P.ENTERPRISE_EDIT),
    ("POST", "/proposals/{proposal_id}/reject"): perm(P.ENTERPRISE_EDIT),
    # Pages: partnerships
    ("GET", "/partnerships"): perm(P.PARTNERSHIP_READ),
    ("GET", "/partnerships/export.xlsx"): perm(P.PARTNERSHIP_READ),
    ("GET", "/partnerships/new"): perm(P.PARTNERSHIP_MANAGE),
    ("POST", "/partnerships/new"): perm(P.PARTNERSHIP_MANAGE),
    ("GET", "/partnerships/{partnership_id}"): perm(P.PARTNERSHIP_READ),
    ("GET", "/partnerships/{partnership_id}/edit"): perm(P.PARTNERSHIP_MANAGE),
    ("POST", "/partnerships/{partnership_id}/edit"): perm(P.PARTNERSHIP_MANAGE),
    ("POST", "/partnerships/{partnership_id}/status"): perm(P.PARTNERSHIP_MANAGE),
    ("GET", "/partnerships/{partnership_id}/end"): perm(P.PARTNERSHIP_MANAGE),
    ("POST", "/partnerships/{partnership_id}/end"): perm(P.PARTNERSHIP_MANAGE),
}

# prepare() fills in the unpartnered enterprise's id (and college A), so the request succeeds.
_NEW_PARTNERSHIP: dict[str, Any] = {"enterprise_id": 0}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/enterprises"): {
        "uscc": "91440101MA5D0B2R47",
        "name": "Route Test Enterprise",
        "kind": "private",
        "industry_section": "C",
        "size_band": "small",
        "region_code": "440100",
    },
    ("PATCH", E): {"short_name": "Renamed"},
    ("POST", f"{E}/archive"): {},
    ("POST", f"{E}/restore"): {},
    ("POST", f"{E}/staff-counts"): {"as_of": "2031-01-01", "on_post_staff": 120},
    ("POST", f"{E}/contacts"): {"name": "New Contact", "role": "HR"},
    ("PATCH", f"{E}/contacts/{{contact_id}}"): {"phone": "020-12345678"},
    ("POST", f"{E}/proposals"): {"changes": {"short_name": "Proposed"}, "reason": "Typo"},
    ("POST", "/api/v1/proposals/{proposal_id}/accept"): {"note": ""},
    ("POST", "/api/v1/proposals/{proposal_id}/reject"): {"note": "Not right"},
    ("POST", "/api/v1/partnerships"): _NEW_PARTNERSHIP,
    ("PATCH", "/api/v1/partnerships/{partnership_id}"): {"tags": ["route"]},
    ("POST", "/api/v1/partnerships/{partnership_id}/status"): {"status": "vetting"},
}


def prepare(
    session: Session,
    *,
    a: College,
    b: College,
    departments: tuple[Department, Department],
    users: dict[str, User],
) -> dict[str, dict[str, int]]:
    """Records for the routes' path parameters: "own" (college A) and "other" (college B)."""
    ids: dict[str, dict[str, int]] = {}
    for variant, college, department in (("own", a, departments[0]), ("other", b, departments[1])):
        enterprise = make_enterprise(session, name=f"E_{variant}")
        partnership = make_partnership(session, college, enterprise, department)
        actor = Actor(label="test", college_id=college.id)
        count = service.add_staff_count(
            session,
            actor=actor,
            enterprise=enterprise,
            data=StaffCountCreate(as_of=date(2024, 1, 1), on_post_staff=300),
        )
        contact = service.add_contact(
            session, actor=actor, enterprise=enterprise, data=ContactCreate(name="HR")
        )
        proposal = proposals.propose_change(
            session,
            actor=actor,
            enterprise=enterprise,
            data=ProposalCreate(changes={"short_name": f"S_{variant}"}, reason="Shorter"),
        )
        ids[variant] = {
            "enterprise_id": enterprise.id,
            "partnership_id": partnership.id,
            "staff_count_id": count.id,
            "contact_id": contact.id,
            "proposal_id": proposal.id,
        }
        if variant == "own":
            users["enterprise_contact"].enterprise_id = enterprise.id
    unpartnered = make_enterprise(session, name="E_new")
    _NEW_PARTNERSHIP.update(enterprise_id=unpartnered.id, college_id=a.id)
    session.flush()
    return ids
