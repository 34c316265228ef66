"""Route-by-role rules for the steering bodies' API and pages (used by tests/test_route_access.py).

The records (body_id, member_id, meeting_id, ag_partnership_id) come from ``prepare`` in
tests/agreement/access_api.py. Reads follow the agreement scope: the college's own roles and the
enterprise's contact (the body is joint, minutes included); another college's body is hidden.
Writes need AGREEMENT_MANAGE; the department coordinator manages the own partnership (it is in
the coordinator's department).
"""

from __future__ import annotations

from typing import Any

from tandem.auth.roles import Permission

P = Permission


def perm(permission: Permission) -> tuple[str, Permission]:
    return ("perm", permission)


READ, MANAGE = perm(P.AGREEMENT_READ), perm(P.AGREEMENT_MANAGE)
API = "/api/v1/steering-bodies"
BODY_API = f"{API}/{{body_id}}"
PAGE = "/steering-bodies"
BODY_PAGE = f"{PAGE}/{{body_id}}"

RULES: dict[tuple[str, str], Any] = {
    # API
    ("GET", API): READ,
    ("POST", API): MANAGE,
    ("GET", BODY_API): READ,
    ("PATCH", BODY_API): MANAGE,
    ("POST", f"{BODY_API}/members"): MANAGE,
    ("DELETE", f"{BODY_API}/members/{{member_id}}"): MANAGE,
    ("POST", f"{BODY_API}/meetings"): MANAGE,
    ("DELETE", f"{BODY_API}/meetings/{{meeting_id}}"): MANAGE,
    # Pages
    ("GET", PAGE): READ,
    ("GET", f"{PAGE}/new"): MANAGE,
    ("POST", f"{PAGE}/new"): MANAGE,
    ("GET", BODY_PAGE): READ,
    ("GET", f"{BODY_PAGE}/edit"): MANAGE,
    ("POST", f"{BODY_PAGE}/edit"): MANAGE,
    ("POST", f"{BODY_PAGE}/members"): MANAGE,
    ("GET", f"{BODY_PAGE}/members/{{member_id}}/delete"): MANAGE,
    ("POST", f"{BODY_PAGE}/members/{{member_id}}/delete"): MANAGE,
    ("POST", f"{BODY_PAGE}/meetings"): MANAGE,
    ("GET", f"{BODY_PAGE}/meetings/{{meeting_id}}/delete"): MANAGE,
    ("POST", f"{BODY_PAGE}/meetings/{{meeting_id}}/delete"): MANAGE,
}

# Valid bodies, so that a request reaches the permission and scope checks. The new body names
# no partnership of any college (a 422 for those who may write; the rest are refused first).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", API): {"partnership_id": 0, "name": "Route council", "established_on": "2026-01-01"},
    ("PATCH", BODY_API): {"name": "Renamed council"},
    ("POST", f"{BODY_API}/members"): {"name": "Chen", "side": "enterprise"},
    ("POST", f"{BODY_API}/meetings"): {
        "held_on": "2026-02-01",
        "title": "Review",
        "decisions": ["Go on"],
        "is_review": True,
    },
}
