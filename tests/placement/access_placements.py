"""Route-by-role rules for the placement routes (used by tests/test_route_access.py).

The records come from tests/placement/access_common.py: the own placement is the bound
student's draft placement (from an allocation) at the contact's enterprise, in a plan of the
coordinator's department; the other one is college B's. Who may read a placement: the
college's staff, the host's contacts and the student (others: 403 by role; another's: 404).
Managing it (approve, reject, move, override, check) is the office's and the plan's
coordinator's: the own placement is not waiting for approval and not yet compliant, so those
requests are 409s or 422s once past the rights (let through).

Editing is the office's, or a student's own self-found proposal: the own placement came from
an allocation, so the student is refused (403) like the teacher and the contact. Proposing a
self-found placement is the office's or a student's (teachers and contacts: 403).
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, MANAGE = perm(P.PLACEMENT_READ), perm(P.PLACEMENT_MANAGE)
MANAGERS = {"platform_admin", "college_admin", "department_coordinator"}
READERS = MANAGERS | {"teacher", "enterprise_contact", "student"}


def edit_rule(role: str, variant: str) -> str:
    """Reading roles reach the record; only its managers may change it."""
    if role == "anonymous":
        return "login"
    if role not in READERS:
        return "denied"
    if variant == "other" and role != "platform_admin":
        return "hidden"
    return "ok" if role in MANAGERS else "denied"


def propose_rule(role: str, variant: str) -> str:
    if role == "anonymous":
        return "login"
    return "ok" if role in MANAGERS | {"student"} else "denied"


API = "/api/v1/placements"
ONE = API + "/{placement_id}"
PAGE = "/placements/{placement_id}"

RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", API): READ,
    ("POST", API): propose_rule,
    ("GET", ONE): READ,
    ("PATCH", ONE): edit_rule,
    ("POST", f"{ONE}/approve"): MANAGE,
    ("POST", f"{ONE}/reject"): MANAGE,
    ("POST", f"{ONE}/transition"): MANAGE,
    ("GET", f"{ONE}/compliance"): READ,
    ("POST", f"{ONE}/check"): MANAGE,
    ("POST", f"{ONE}/overrides"): MANAGE,
    ("POST", f"{ONE}/overrides/revoke"): MANAGE,
    # Pages
    ("GET", "/placements"): READ,
    ("GET", "/placements/export.xlsx"): READ,
    ("GET", "/placements/new"): propose_rule,
    ("POST", "/placements/new"): propose_rule,
    ("GET", PAGE): READ,
    ("GET", f"{PAGE}/edit"): edit_rule,
    ("POST", f"{PAGE}/edit"): edit_rule,
    ("POST", f"{PAGE}/approve"): MANAGE,
    ("GET", f"{PAGE}/reject"): MANAGE,
    ("POST", f"{PAGE}/reject"): MANAGE,
    ("GET", f"{PAGE}/transition"): MANAGE,
    ("POST", f"{PAGE}/transition"): MANAGE,
    ("POST", f"{PAGE}/overrides"): MANAGE,
    ("POST", f"{PAGE}/overrides/revoke"): MANAGE,
    ("POST", f"{PAGE}/check"): MANAGE,
    ("GET", "/my-students"): READ,
    ("GET", "/my-placement"): READ,
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", API): {
        "partnership_id": 999_999_999,
        "title": "Route placement",
        "start_on": "2027-03-01",
        "end_on": "2027-08-31",
    },
    ("PATCH", ONE): {"note": "Route test"},
    ("POST", f"{ONE}/reject"): {"reason": "Route test"},
    ("POST", f"{ONE}/transition"): {"to": "ready"},
    ("POST", f"{ONE}/overrides"): {"rule_id": "cn2021.duration", "reason": "Route test"},
    ("POST", f"{ONE}/overrides/revoke"): {"rule_id": "cn2021.duration"},
}
